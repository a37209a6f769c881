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

/**
 * JSON as reports store long series: like {@link jsonFile}, but an array of numbers (or other
 * plain values) on one line, so a series of 360 bins is one line, not 360.
 */
export function compactJsonFile(value: unknown): string {
  return `${compactJson(value, '')}\n`;
}

function compactJson(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return JSON.stringify(value);
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + compactJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`).join(',\n')}\n${indent}}`;
}
