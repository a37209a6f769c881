/**
 * Waiting on a condition in the live world, where things happen on real time: poll it until it
 * holds, and give up after a bound with a message saying what was awaited. One helper for the
 * live root (the live scenario run), the benches and the tests (which stretch the bound by their
 * patience, test/patience.ts), instead of one copy each.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** How {@link eventually} polls. */
export interface EventuallyOptions {
  /** Time between two checks (default 20 ms). */
  readonly pollMs?: number;
}

/**
 * Resolves once `check` holds (it may be async), checking every `pollMs`; rejects with
 * "timed out after <timeoutMs> ms waiting for <what>" once `timeoutMs` has passed. `what` may
 * be computed at the timeout, to say what was seen instead.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string | (() => string),
  options: EventuallyOptions = {},
): Promise<void> {
  const pollMs = options.pollMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`,
      );
    }
    await sleep(pollMs);
  }
}
