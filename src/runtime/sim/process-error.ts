/**
 * An exception thrown by a process handler. Handlers have no expected failures (those are
 * messages or result unions), so a throw is a bug: the world lets it propagate, wrapped so the
 * message says which process, which handler and which input, at what simulated time.
 */
import type { Address } from '../../core/process.js';

/** Longest message preview put into an error text. */
const PREVIEW_CHARS = 200;

/** A compact, never-throwing JSON preview of a message for error texts. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

/** A process handler threw. `cause` is the original exception. */
export class ProcessError extends Error {
  /** The process whose handler threw. */
  readonly address: Address;
  /** The handler and its input, e.g. `onMessage from master: {"type":"SUBSCRIBED"}`. */
  readonly event: string;
  /** Simulated time of the event, ms. */
  readonly timeMs: number;

  /** Wraps `cause`, thrown by `address` while handling `event` at `timeMs`. */
  constructor(address: Address, event: string, timeMs: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`process ${address} threw in ${event} at t=${timeMs} ms: ${reason}`, { cause });
    this.name = 'ProcessError';
    this.address = address;
    this.event = event;
    this.timeMs = timeMs;
  }
}
