/**
 * The report's trace section (runs with trace tasks): simulated waits beside the trace's own,
 * per priority band or QoS class, as a table, and how the tasks ended against the trace.
 */
import type { TraceSummary } from '../metrics/trace-summary.js';
import { escapeHtml } from './html.js';

/** A report table: caption, header, rows (HTML cells), numeric columns. */
export interface TraceTable {
  readonly caption: string;
  readonly header: string[];
  readonly rows: string[][];
  readonly numeric: boolean[];
}

/** The waits table. */
export function traceWaitsTable(t: TraceSummary): TraceTable {
  const q = (v: number | null) => (v === null ? '–' : String(v));
  const header = [
    'band',
    'sim tasks',
    'sim p50 s',
    'sim p90 s',
    'sim p99 s',
    'sim max s',
    'trace tasks',
    'trace p50 s',
    'trace p90 s',
    'trace p99 s',
    'trace max s',
  ];
  return {
    caption: 'Wait from ready to launch: simulated beside the trace (scheduled − submitted), per band',
    header,
    rows: t.waits.map((w) => [
      escapeHtml(w.band),
      String(w.simulated.count),
      q(w.simulated.p50),
      q(w.simulated.p90),
      q(w.simulated.p99),
      q(w.simulated.max),
      String(w.trace.count),
      q(w.trace.p50),
      q(w.trace.p90),
      q(w.trace.p99),
      q(w.trace.max),
    ]),
    numeric: header.map((_, i) => i > 0),
  };
}

/** One line on how the trace tasks ended. */
export function traceFacts(t: TraceSummary): string[] {
  const counts = (r: Readonly<Record<string, number>>) =>
    Object.entries(r)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${escapeHtml(k)} ${n}`)
      .join(', ') || 'none';
  return [
    `trace tasks: ${t.tasks.read} read, ${t.tasks.launched} launched, ${t.tasks.held} held for dependencies at the end; ` +
      `ended as traced: ${counts(t.endedAsTraced)}; otherwise: ${counts(t.endedOtherwise)}`,
  ];
}
