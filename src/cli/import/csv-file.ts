/**
 * The records of a CSV file (gunzipped when its name ends in `.gz`), each with the line it
 * started on, streamed with csv-parse: fields may be quoted, rows may be short (the trace
 * schemas allow trailing empty fields), blank lines are skipped.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { UsageError } from '../usage-error.js';

/** One CSV record and the 1-based line it starts on. */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/** The records of `path`, in order. */
export async function* csvRecords(path: string): AsyncGenerator<CsvRecord> {
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? pipeline(raw, createGunzip(), () => {}) : raw;
  const parser = input.pipe(
    parse({ relax_column_count: true, skip_empty_lines: true, info: true, trim: false, bom: true }),
  );
  input.on('error', (e: Error) => parser.destroy(e));
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { fields: r.record, line: r.info.lines };
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : String((e as Error).message ?? e);
    throw new UsageError(`cannot read ${path}: ${why}`);
  } finally {
    raw.destroy();
  }
}
