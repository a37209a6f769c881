/**
 * One run's report folder: `summary.json` (exactly what `agora sim --json` prints),
 * `series.json` (the charted time series), `charts/*.svg`, and `index.html` tying them together.
 */
import type { RunSeriesData } from '../metrics/run-series.js';
import type { FrameworkSummary, RunSummary } from '../metrics/run-summary.js';
import type { ChartRenderer } from './chart.js';
import { FRAMEWORK_COLUMNS } from './framework-columns.js';
import { escapeHtml, renderPage, swatch } from './html.js';
import { colorsFor } from './palette.js';
import { jsonFile, type ReportFiles } from './report-files.js';
import { runCharts } from './run-charts.js';
import { traceFacts, traceWaitsTable } from './trace-table.js';

/** Builds the files of a run's report. */
export function runReportFiles(
  renderer: ChartRenderer,
  summary: RunSummary,
  series: RunSeriesData,
): ReportFiles {
  const charts = runCharts(renderer, summary, series);
  const files = new Map<string, string>();
  files.set('index.html', runPage(summary, charts));
  files.set('summary.json', jsonFile(summary));
  files.set('series.json', jsonFile(series));
  for (const chart of charts) files.set(`charts/${chart.file}`, chart.svg);
  return files;
}

function runPage(
  summary: RunSummary,
  charts: readonly { file: string; title: string; caption: string }[],
): string {
  const entries = Object.entries(summary.frameworks) as [string, FrameworkSummary][];
  const colors = colorsFor(entries.map(([name]) => name));
  const header = ['framework', 'role', ...FRAMEWORK_COLUMNS.map((c) => c.header)];
  const rows = entries.map(([name, f]) => [
    `${swatch(colors.get(name) as string)}${escapeHtml(name)}`,
    escapeHtml(f.role),
    ...FRAMEWORK_COLUMNS.map((c) => c.cell(f)),
  ]);
  const errors = entries
    .filter(([, f]) => f.error !== undefined)
    .map(
      ([name, f]) => `${escapeHtml(name)} was refused or removed by the master: ${escapeHtml(f.error ?? '')}`,
    );
  return renderPage({
    title: `Agora run report: ${summary.scenario}`,
    intro: [
      `seed ${summary.seed} · policy ${escapeHtml(summary.policy)} · ${summary.simulatedSeconds} s simulated`,
    ],
    tables: [
      {
        caption: 'Frameworks',
        header,
        rows,
        numeric: header.map((_, i) => i >= 2),
      },
      ...(summary.trace === undefined ? [] : [traceWaitsTable(summary.trace)]),
    ],
    facts: [
      `utilisation (time-averaged): ${Object.entries(summary.utilization)
        .map(([name, u]) => `${escapeHtml(name)} ${(u * 100).toFixed(1)}%`)
        .join(', ')}`,
      `fairness: Jain index ${summary.fairness.jainIndex.toFixed(4)} of the time-averaged dominant shares over weights; ` +
        (summary.fairness.contendedJainIndex === null
          ? 'never two frameworks with tasks pending at once'
          : `${summary.fairness.contendedJainIndex.toFixed(4)} (time-averaged) among the frameworks with tasks pending, over the ${summary.fairness.contendedSeconds} s when at least two had`),
      `offers: ${summary.offers.made} made, ${summary.offers.accepted} accepted, ${summary.offers.declined} declined, ` +
        `${summary.offers.rescinded} rescinded, in ${summary.allocationRuns} allocation cycles`,
      ...errors,
      ...(summary.trace === undefined ? [] : traceFacts(summary.trace)),
    ],
    figures: charts.map((c) => ({ src: `charts/${c.file}`, title: c.title, caption: c.caption })),
    footer:
      'Data: <a href="summary.json">summary.json</a> (the <code>agora sim --json</code> summary) and ' +
      '<a href="series.json">series.json</a> (the charted series). Written by Agora; the same scenario, seed ' +
      'and policy give the same files byte for byte.',
  });
}
