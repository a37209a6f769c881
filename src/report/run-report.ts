/**
 * One run's report folder: `summary.json` (exactly what `agora sim --json` prints),
 * `series.json` (the charted series, report-series.ts), `charts/*.svg`, and `index.html` tying
 * them together.
 */
import { contentionIsMeaningful, MEANINGFUL_CONTENTION } from '../metrics/contended-fairness.js';
import { fairSharePerBin, jainPerBin } from '../metrics/jain-over-time.js';
import type { RunSeriesData } from '../metrics/run-series.js';
import type { FrameworkSummary, RunSummary } from '../metrics/run-summary.js';
import type { Scenario } from '../scenario/schema.js';
import { agentHeatmap } from './agent-heatmap.js';
import type { ChartRenderer } from './chart.js';
import { type ChartedFrameworks, chartedFrameworks, frameworkColors } from './charted-frameworks.js';
import { runMarkers } from './fault-markers.js';
import { FRAMEWORK_COLUMNS } from './framework-columns.js';
import { escapeHtml, renderPage, swatch } from './html.js';
import { formatFraction, formatPercent, formatSecondsShort } from './number-format.js';
import { provenanceRows, type RunOrigin } from './provenance.js';
import { compactJsonFile, jsonFile, type ReportFiles } from './report-files.js';
import { type ReportSeries, reportSeries } from './report-series.js';
import { type RenderedChart, runCharts } from './run-charts.js';
import { sweepRunRow } from './sweep-stats.js';
import { traceFacts, traceWaitsTable } from './trace-table.js';

/** Choices about a run's report. */
export interface RunReportOptions {
  /** The frameworks to draw as lines (names the scenario has); default: chartedFrameworks's. */
  readonly frameworks?: readonly string[];
  /**
   * The scenario run: its faults are marked on the charts, its agents make the heatmap's rows,
   * and its cluster and allocator settings go in the provenance block.
   */
  readonly scenario?: Scenario;
  /** The command line and Agora version, for the provenance block. */
  readonly origin?: RunOrigin;
}

/** Builds the files of a run's report. */
export function runReportFiles(
  renderer: ChartRenderer,
  summary: RunSummary,
  series: RunSeriesData,
  options: RunReportOptions = {},
): ReportFiles {
  const charted = chartedFrameworks(Object.keys(series.frameworks), summary, options.frameworks);
  const scenario = options.scenario;
  const weighted = Object.entries(series.frameworks).map(([name, f]) => ({
    name,
    dominantShare: f.dominantShare,
    pending: f.pending,
    weight: summary.frameworks[name]?.weight ?? 1,
  }));
  const fair = fairSharePerBin(weighted);
  const drawn: ReportSeries = {
    ...reportSeries(series, charted),
    jainIndex: jainPerBin(weighted),
    // With many frameworks each fair share is a sliver under the bands: drawn only for a few.
    ...(charted.all
      ? { fairShare: Object.fromEntries(weighted.map((f, i) => [f.name, fair[i] ?? []])) }
      : {}),
    ...(scenario === undefined ? {} : { agentHeatmap: agentHeatmap(series, scenario) }),
  };
  const intervalSeconds =
    scenario === undefined
      ? series.binSeconds / series.cyclesPerBin
      : scenario.allocator.allocationIntervalMs / 1000;
  const meaningful = contentionIsMeaningful(
    summary.fairness.contendedSeconds,
    summary.simulatedSeconds,
    intervalSeconds,
  );
  const charts = runCharts(renderer, summary, drawn, charted, {
    markers: scenario === undefined ? [] : runMarkers(scenario, summary.simulatedSeconds),
    makespanSeconds: sweepRunRow(summary).makespanSeconds,
    contentionMeaningful: meaningful,
  });
  const files = new Map<string, string>();
  files.set('index.html', runPage(summary, charts, charted, { ...options, meaningful }));
  files.set('summary.json', jsonFile(summary));
  files.set('series.json', compactJsonFile(drawn));
  for (const chart of charts) files.set(`charts/${chart.file}`, chart.svg);
  return files;
}

function runPage(
  summary: RunSummary,
  charts: readonly RenderedChart[],
  charted: ChartedFrameworks,
  context: RunReportOptions & { readonly meaningful: boolean },
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
      `seed ${summary.seed} · policy ${escapeHtml(summary.policy)} · ${formatSecondsShort(summary.simulatedSeconds)} simulated`,
    ],
    tables: [
      {
        caption: 'Provenance',
        header: ['', ''],
        rows: provenanceRows(summary, context.scenario, context.origin).map(([k, v]) => [
          `<b>${escapeHtml(k)}</b>`,
          v,
        ]),
        numeric: [false, false],
        className: 'provenance',
      },
      {
        caption: 'Frameworks',
        header,
        rows,
        numeric: header.map((_, i) => i >= 2),
      },
      ...(summary.trace === undefined ? [] : [traceWaitsTable(summary.trace)]),
    ],
    facts: [
      `utilisation (time-averaged over the run): ${Object.entries(summary.utilization)
        .map(([name, u]) => `${escapeHtml(name)} ${formatPercent(u)}`)
        .join(', ')}`,
      `fairness: Jain index ${formatFraction(summary.fairness.jainIndex)} of the time-averaged dominant shares over weights; ` +
        contendedText(summary, context.meaningful),
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
    figures: charts.map((c) => ({
      src: `charts/${c.file}`,
      title: c.title,
      caption: c.caption,
      ...(c.height === undefined ? {} : { height: c.height }),
    })),
    footer:
      'Data: <a href="summary.json">summary.json</a> (the <code>agora sim --json</code> summary) and ' +
      '<a href="series.json">series.json</a> (the charted series). Written by Agora; the same scenario, seed ' +
      'and policy give the same files byte for byte.',
  });
}

/** The contended index, only when contention lasted long enough to mean something. */
function contendedText(summary: RunSummary, meaningful: boolean): string {
  const { contendedJainIndex, contendedSeconds } = summary.fairness;
  if (contendedJainIndex === null) return 'never two frameworks with tasks pending at once';
  const lasted = formatSecondsShort(contendedSeconds);
  if (!meaningful) {
    return (
      `frameworks contended (two or more with tasks pending) for only ${lasted}, too short for a contended index ` +
      `(reported from ${MEANINGFUL_CONTENTION.runShare * 100}% of the run and ${MEANINGFUL_CONTENTION.allocationCycles} allocation cycles)`
    );
  }
  return `${formatFraction(contendedJainIndex)} (time-averaged) among the frameworks with tasks pending, over the ${lasted} when at least two had`;
}
