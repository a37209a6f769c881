/**
 * The per-framework columns of a run summary, shared by `agora sim`'s text table and the HTML
 * report, so the two always show the same figures under the same headings.
 */
import type { FrameworkSummary } from '../metrics/run-summary.js';

/** A numeric column: its heading and how a framework's cell reads. */
export interface FrameworkColumn {
  readonly header: string;
  readonly cell: (f: FrameworkSummary) => string;
}

/** Every numeric column, left to right (the name and role come before them). */
export const FRAMEWORK_COLUMNS: readonly FrameworkColumn[] = [
  { header: 'weight', cell: (f) => String(f.weight) },
  { header: 'submitted', cell: (f) => String(f.tasksSubmitted) },
  { header: 'launched', cell: (f) => String(f.tasksLaunched) },
  { header: 'finished', cell: (f) => String(f.tasksFinished) },
  { header: 'failed', cell: (f) => String(f.tasksFailed) },
  { header: 'lost', cell: (f) => String(f.tasksLost) },
  { header: 'killed', cell: (f) => String(f.tasksKilled) },
  { header: 'running', cell: (f) => String(f.running) },
  { header: 'pending', cell: (f) => String(f.pending) },
  { header: 'share', cell: (f) => f.dominantShare.toFixed(3) },
  { header: 'mean share', cell: (f) => f.meanDominantShare.toFixed(3) },
  { header: 'mean wait s', cell: (f) => f.meanWaitSeconds.toFixed(2) },
  { header: 'max wait s', cell: (f) => f.maxWaitSeconds.toFixed(2) },
];
