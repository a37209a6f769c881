/**
 * Streams a simulated world's trace to a file, one JSON object per line, in the order the world
 * records it. Each record is serialised the moment it is made (a message mutated later cannot
 * rewrite it), and lines are written in blocks of about 1 MiB so a long run costs few syscalls.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TraceRecord, TraceSink } from '../runtime/sim/trace.js';
import { UsageError } from './usage-error.js';

const BLOCK_CHARS = 1 << 20;

/** A trace file being written; call {@link close} when the run ends (or fails). */
export class TraceFile {
  readonly path: string;
  readonly #fd: number;
  #buffer: string[] = [];
  #chars = 0;
  #lines = 0;

  /** Creates (or truncates) `path`; a path that cannot be written is a usage error. */
  constructor(path: string) {
    this.path = path;
    try {
      this.#fd = openSync(path, 'w');
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new UsageError(`cannot write trace file ${path}: ${code ?? String(e)}`);
    }
  }

  /** Lines written so far. */
  get lines(): number {
    return this.#lines;
  }

  /** The sink to hand to the world. */
  readonly sink: TraceSink = (record: TraceRecord) => {
    const line = `${JSON.stringify(record)}\n`;
    this.#buffer.push(line);
    this.#chars += line.length;
    this.#lines++;
    if (this.#chars >= BLOCK_CHARS) this.#flush();
  };

  /** Writes what is buffered and closes the file. */
  close(): void {
    this.#flush();
    closeSync(this.#fd);
  }

  #flush(): void {
    if (this.#buffer.length === 0) return;
    writeSync(this.#fd, this.#buffer.join(''));
    this.#buffer = [];
    this.#chars = 0;
  }
}
