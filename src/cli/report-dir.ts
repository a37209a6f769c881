/**
 * Report folders on disk: checked before a run starts (so a long run never ends in a folder it
 * cannot write), then filled by the report code.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSeriesData } from '../metrics/run-series.js';
import type { RunSummary } from '../metrics/run-summary.js';
import { ChartRenderer } from '../report/chart.js';
import { type ReportFiles, writeReportFiles } from '../report/report-files.js';
import { type RunReportOptions, runReportFiles } from '../report/run-report.js';
import { UsageError } from './usage-error.js';

/** Refuses an `--out` that exists and is not a folder. */
export function checkReportDir(dir: string): void {
  if (dir.trim() === '') throw new UsageError('--out: expected a folder path, got ""');
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`--out: "${dir}" exists and is not a folder`);
  }
}

/** Writes `files` into `dir`; returns the path of its index.html. */
export function writeReport(dir: string, files: ReportFiles): string {
  try {
    writeReportFiles(dir, files);
  } catch (e) {
    throw new UsageError(
      `--out: cannot write the report in "${dir}": ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return join(dir, 'index.html');
}

/** Draws and writes a run's report; returns the path of its index.html. */
export async function writeRunReport(
  dir: string,
  summary: RunSummary,
  series: RunSeriesData,
  options: RunReportOptions = {},
): Promise<string> {
  const renderer = await ChartRenderer.load();
  return writeReport(dir, runReportFiles(renderer, summary, series, options));
}
