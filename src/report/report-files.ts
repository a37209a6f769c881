/**
 * A report is a set of files (relative path → text) built in memory, then written in one go, so
 * a report is either written whole or the error says which file could not be.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Relative path (with `/`) → file content. */
export type ReportFiles = ReadonlyMap<string, string>;

/** Writes `files` under `dir`, creating folders as needed; returns the paths written. */
export function writeReportFiles(dir: string, files: ReportFiles): string[] {
  const written: string[] = [];
  for (const [relative, content] of files) {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    written.push(path);
  }
  return written;
}

/** JSON as reports store it: two-space indented, with a final newline. */
export function jsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
