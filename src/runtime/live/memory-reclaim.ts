/**
 * Asks for a full garbage collection shortly after large request bodies were released
 * (body-reader.ts). Their buffers live outside V8's heap; V8 frees them only when a full
 * collection finds them dead, and it starts one only when something allocates, which an idle
 * server does not. Without this, a master that read 24 bodies of 16 MiB held on to 400 MB for
 * good; with it, its RSS is back near its baseline within a second or two.
 *
 * The collection is asked for at most once per {@link MIN_INTERVAL_MS}, and only after at least
 * {@link RECLAIM_AFTER_BYTES} were released, so ordinary traffic never pays for it. Node runs
 * without `--expose-gc`, so the collector is reached through V8's flag once, on first need.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Released bytes that make a collection worth its pause. */
const RECLAIM_AFTER_BYTES = 8 * 1024 * 1024;

/** Delay after the release that crosses the threshold (more may follow). */
const DELAY_MS = 500;

/** Fewest milliseconds between two collections asked for here. */
const MIN_INTERVAL_MS = 5_000;

let released = 0;
let scheduled = false;
let lastAt = Number.NEGATIVE_INFINITY;
let collect: (() => void) | undefined;

/** V8's full collection, exposed once. */
function collector(): () => void {
  if (collect === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === 'function') collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
      setFlagsFromString('--no-expose-gc');
    }
  }
  return collect;
}

/** Notes that `bytes` of body memory were released; collects soon if that adds up. */
export function reclaimSoon(bytes: number): void {
  released += bytes;
  if (released < RECLAIM_AFTER_BYTES || scheduled) return;
  scheduled = true;
  const wait = Math.max(DELAY_MS, lastAt + MIN_INTERVAL_MS - Date.now());
  setTimeout(() => {
    scheduled = false;
    released = 0;
    lastAt = Date.now();
    collector()();
  }, wait).unref();
}
