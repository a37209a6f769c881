/**
 * The simulated world's trace: every line is `{t, process, kind, ...}` serialised as JSON at the
 * moment it is recorded, so a message mutated after it was traced cannot rewrite history and two
 * runs with the same seed compare byte for byte.
 */
import type { Address, TraceEvent } from '../../core/process.js';

/** One trace line: the event stamped with the world time and the process that emitted it. */
export interface TraceRecord {
  readonly t: number;
  readonly process: Address;
  readonly kind: string;
  readonly [field: string]: unknown;
}

/** Receives each record as it is made (for streaming a long run to a file from the composition root). */
export type TraceSink = (record: TraceRecord) => void;

/** Where a world's trace goes: kept in memory (default), dropped, or handed to a sink. */
export type TraceOption = 'memory' | 'off' | TraceSink;

/** Default cap on a memory trace: a runaway trace should fail clearly, not exhaust the heap. */
export const DEFAULT_MAX_TRACE_LINES = 1_000_000;

/** Collects trace records for one world. */
export class TraceLog {
  /** Whether records are kept or forwarded at all; callers skip building records when false. */
  readonly enabled: boolean;
  readonly #sink: TraceSink | undefined;
  readonly #lines: string[] = [];
  readonly #maxLines: number;

  /** A trace going to `option`, keeping at most `maxLines` in memory. */
  constructor(option: TraceOption, maxLines: number = DEFAULT_MAX_TRACE_LINES) {
    if (!Number.isInteger(maxLines) || maxLines < 0) {
      throw new RangeError(`maxTraceLines must be a non-negative integer, got ${maxLines}`);
    }
    this.enabled = option !== 'off';
    this.#sink = typeof option === 'function' ? option : undefined;
    this.#maxLines = maxLines;
  }

  /**
   * Records `event` at time `t` from `source` (a process address, or the world's or network's
   * pseudo-address). An event that carries its own `t` or `process`
   * is a bug in the emitter (the line would misreport its origin), so it throws.
   */
  record(t: number, source: Address, event: TraceEvent): void {
    if (!this.enabled) return;
    if ('t' in event || 'process' in event) {
      throw new Error(`trace event from ${source} may not set "t" or "process": ${JSON.stringify(event)}`);
    }
    const record: TraceRecord = { t, process: source, ...event };
    if (this.#sink !== undefined) {
      this.#sink(record);
      return;
    }
    if (this.#lines.length >= this.#maxLines) {
      throw new Error(
        `trace is full: ${this.#maxLines} lines (maxTraceLines); pass a trace sink or raise the limit`,
      );
    }
    this.#lines.push(JSON.stringify(record));
  }

  /** The lines kept in memory, as JSON (empty with a sink or when off). */
  lines(): string[] {
    return this.#lines.slice();
  }
}
