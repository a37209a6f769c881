/**
 * RecordIO, the framing of Mesos's event streams (docs/recordio.md; stout's recordio.hpp): each
 * record is its length in bytes as decimal ASCII, a line feed, then exactly that many bytes.
 * No trailing newline, no magic; HTTP chunk boundaries have nothing to do with record boundaries,
 * so the decoder takes bytes in any slicing.
 *
 * Limits (ARCHITECTURE.md §5): a record longer than `maxRecordBytes`, or a length header of more
 * than 20 digits or with anything but digits, puts the decoder in a permanent failed state, as
 * stout's does for a header it cannot parse: a stream that lost its framing cannot be resynced.
 */

const LF = 0x0a;
const ZERO = 0x30;
const NINE = 0x39;
/** 2^64 has 20 digits; a longer header is garbage, not a big record. */
const MAX_HEADER_DIGITS = 20;

const utf8 = new TextEncoder();

/** One record's bytes: the decimal byte length, "\n", the data. */
export function encodeRecord(data: string | Uint8Array): Uint8Array {
  const body = typeof data === 'string' ? utf8.encode(data) : data;
  const header = utf8.encode(`${body.length}\n`);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/** What {@link RecordIoDecoder.push} gives: the records completed, or why the stream is broken. */
export type RecordIoResult =
  | { readonly ok: true; readonly records: Uint8Array[] }
  | { readonly ok: false; readonly error: string };

/** A streaming RecordIO decoder (see the module comment). */
export class RecordIoDecoder {
  readonly maxRecordBytes: number;
  /** Digits of the length header read so far. */
  #header = '';
  /** The record being filled, once its header is complete. */
  #record: Uint8Array | undefined;
  #filled = 0;
  #error: string | undefined;

  constructor(maxRecordBytes: number) {
    if (!(Number.isSafeInteger(maxRecordBytes) && maxRecordBytes >= 0)) {
      throw new RangeError(`maxRecordBytes must be a whole number >= 0, got ${maxRecordBytes}`);
    }
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Why the stream broke, once it has. */
  get error(): string | undefined {
    return this.#error;
  }

  /** Whether a record is partly read (a stream that ends now was cut mid-record). */
  get midRecord(): boolean {
    return this.#header.length > 0 || this.#record !== undefined;
  }

  /** Feeds bytes; returns every record they complete, or the error that broke the stream. */
  push(chunk: Uint8Array): RecordIoResult {
    if (this.#error !== undefined) return { ok: false, error: this.#error };
    const records: Uint8Array[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.#record === undefined) {
        const byte = chunk[i++] as number;
        if (byte !== LF) {
          if (byte < ZERO || byte > NINE)
            return this.#fail(
              `record length: unexpected byte 0x${byte.toString(16).padStart(2, '0')} (expected a decimal digit or a line feed)`,
            );
          if (this.#header.length >= MAX_HEADER_DIGITS)
            return this.#fail(`record length: more than ${MAX_HEADER_DIGITS} digits`);
          this.#header += String.fromCharCode(byte);
          continue;
        }
        if (this.#header === '')
          return this.#fail('record length: empty (a line feed with no digits before it)');
        const length = Number(this.#header);
        if (!(length <= this.maxRecordBytes)) {
          return this.#fail(
            `record length ${this.#header} is over the limit of ${this.maxRecordBytes} bytes`,
          );
        }
        this.#header = '';
        this.#record = new Uint8Array(length);
        this.#filled = 0;
      }
      const record: Uint8Array = this.#record;
      const take = Math.min(record.length - this.#filled, chunk.length - i);
      record.set(chunk.subarray(i, i + take), this.#filled);
      this.#filled += take;
      i += take;
      if (this.#filled === record.length) {
        records.push(record);
        this.#record = undefined;
      }
    }
    // A zero-length record completes as soon as its header does (stout emits it too).
    if (this.#record !== undefined && this.#record.length === 0) {
      records.push(this.#record);
      this.#record = undefined;
    }
    return { ok: true, records };
  }

  #fail(error: string): RecordIoResult {
    this.#error = error;
    return { ok: false, error };
  }
}
