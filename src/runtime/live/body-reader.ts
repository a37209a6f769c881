/**
 * Reading request bodies so that memory stays bounded under abuse and comes back afterwards
 * (issue 13 item 9: 24 clients each holding a 16 MiB body took a master from 116 to 359 MB, an
 * agent from 79 to 395 MB, and neither came back).
 *
 * Why it did not come back: a body was kept as the socket's own buffers (64 KiB blocks from
 * malloc) until it was whole; hundreds of them, pinned for seconds among everything else the
 * process allocated, left glibc's heap fragmented, and it never gives such memory back. And an
 * idle process never runs the full garbage collection that frees dead buffers at all.
 *
 * So here:
 * - each read is decoded to text at once and its buffer dropped, so socket buffers are short
 *   lived and reused; the text lives in V8's heap, whose pages V8 returns to the system after
 *   a collection (measured: after 24 held 16 MiB bodies, a plain server kept 450 MB with
 *   buffers and came back to 72 MB with text);
 * - beyond the first 64 KiB of a body, its bytes are reserved, 1 MiB at a time as they
 *   arrive, in a {@link BodyBudget} shared by all requests of the process; when the budget is
 *   spent the request is answered 503 at once and the rest of its body is dropped as it comes,
 *   so memory no longer grows with connections (a client that declares 16 MiB and sends one
 *   byte costs nothing);
 * - when large bodies have been released, a full collection is asked for shortly after
 *   (memory-reclaim.ts), so the process returns near its baseline.
 */
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { reclaimSoon } from './memory-reclaim.js';

/** What one request may hold without the budget: small calls are never refused for memory. */
const UNBUDGETED_BYTES = 64 * 1024;

/** The budget is reserved in steps of this many bytes. */
const STEP_BYTES = 1024 * 1024;

/** Default body memory a process holds at once across all requests: four 16 MiB bodies. */
export const DEFAULT_BODY_BUDGET_BYTES = 64 * 1024 * 1024;

/** Bytes of request bodies held at once, across requests (see the module comment). */
export class BodyBudget {
  readonly limitBytes: number;
  #usedBytes = 0;

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  /** Bytes reserved now. */
  get usedBytes(): number {
    return this.#usedBytes;
  }

  /** Reserves `bytes` if they fit. */
  tryReserve(bytes: number): boolean {
    if (this.#usedBytes + bytes > this.limitBytes) return false;
    this.#usedBytes += bytes;
    return true;
  }

  /** Gives back `bytes` reserved earlier. */
  release(bytes: number): void {
    this.#usedBytes = Math.max(0, this.#usedBytes - bytes);
    reclaimSoon(bytes);
  }
}

/** The budget of requests that are given none: one per process, as memory is. */
export const PROCESS_BODY_BUDGET = new BodyBudget(DEFAULT_BODY_BUDGET_BYTES);

/** What reading a body gives. */
export type BodyRead =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly status: 400 | 413 | 503; readonly message: string };

/**
 * Reads `req`'s body as text: at most `maxBytes` (413), within `budget` (503). `latin1` keeps
 * a binary body (protobuf) byte for byte, one character a byte, still in V8's heap.
 */
export function readBodyWithin(
  req: IncomingMessage,
  maxBytes: number,
  budget: BodyBudget = PROCESS_BODY_BUDGET,
  encoding: 'utf8' | 'latin1' = 'utf8',
): Promise<BodyRead> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > maxBytes) {
      resolve({
        ok: false,
        status: 413,
        message: `Request body of ${declared} bytes is over the limit of ${maxBytes} bytes`,
      });
      return;
    }
    const decoder = new StringDecoder(encoding);
    const parts: string[] = [];
    let size = 0;
    let reserved = 0;
    let done = false;
    const finish = (result: BodyRead) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      // What is left of a refused body is read and dropped as it comes, never kept.
      if (!result.ok) req.resume();
      parts.length = 0;
      if (reserved > 0) budget.release(reserved);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        finish({ ok: false, status: 413, message: `Request body is over the limit of ${maxBytes} bytes` });
        return;
      }
      while (size > UNBUDGETED_BYTES + reserved) {
        if (!budget.tryReserve(STEP_BYTES)) {
          finish({
            ok: false,
            status: 503,
            message: `Too much request data is held at once (${budget.limitBytes} bytes across all requests); retry later`,
          });
          return;
        }
        reserved += STEP_BYTES;
      }
      // Decoded at once: the socket's buffer goes back to malloc now, the text lives in V8's heap.
      parts.push(decoder.write(chunk));
    };
    req.on('data', onData);
    req.on('end', () => {
      if (done) return;
      parts.push(decoder.end());
      finish({ ok: true, text: parts.join('') });
    });
    req.on('error', (e) =>
      finish({ ok: false, status: 400, message: `Failed to read the request body: ${e.message}` }),
    );
    // A client that goes away mid-body: release what it held.
    req.on('close', () => finish({ ok: false, status: 400, message: 'The client closed the connection' }));
  });
}
