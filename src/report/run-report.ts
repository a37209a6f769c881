/**
 * One run's report folder: `summary.json` (exactly what `agora sim --json` prints),
 * `series.json` (the charted series, report-series.ts), `charts/*.svg`, and `index.html` tying
 * them together.
 */
import type { RunSeriesData } from '../metrics/run-series.js';
import type { FrameworkSummary, RunSummary } from '../metrics/run-summary.js';
import type { ChartRenderer } from './chart.js';
import { type ChartedFrameworks, chartedFrameworks, frameworkColors } from './charted-frameworks.js';
import { FRAMEWORK_COLUMNS } from './framework-columns.js';
import { escapeHtml, renderPage, swatch } from './html.js';
import { compactJsonFile, jsonFile, type ReportFiles } from './report-files.js';
import { reportSeries } from './report-series.js';
import { runCharts } from './run-charts.js';
import { traceFacts, traceWaitsTable } from './trace-table.js';

/** Choices about a run's report. */
export interface RunReportOptions {
  /** The frameworks to draw as lines (names the scenario has); default: chartedFrameworks's. */
  readonly frameworks?: readonly string[];
}

/** Builds the files of a run's report. */
export function runReportFiles(
  renderer: ChartRenderer,
  summary: RunSummary,
  series: RunSeriesData,
  options: RunReportOptions = {},
): ReportFiles {
  const charted = chartedFrameworks(Object.keys(series.frameworks), summary, options.frameworks);
  const drawn = reportSeries(series, charted);
  const charts = runCharts(renderer, summary, drawn, charted);
  const files = new Map<string, string>();
  files.set('index.html', runPage(summary, charts, charted));
  files.set('summary.json', jsonFile(summary));
  files.set('series.json', compactJsonFile(drawn));
  for (const chart of charts) files.set(`charts/${chart.file}`, chart.svg);
  return files;
}

function runPage(
  summary: RunSummary,
  charts: readonly { file: string; title: string; caption: string }[],
  charted: ChartedFrameworks,
): string {
  const entries = Object.entries(summary.frameworks) as [string, FrameworkSummary][];
  const colors = frameworkColors(
    entries.map(([name]) => name),
    charted,
  );
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
      ...(charted.all
        ? []
        : [
            `charts: ${charted.names.map(escapeHtml).join(', ')} (${escapeHtml(charted.why)}) as lines, ` +
              `and all ${entries.length} frameworks as grey bands of their spread`,
          ]),
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
