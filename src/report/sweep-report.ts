/**
 * A sweep's comparison report: `index.html` with a table per policy and per run, `sweep.json`
 * (the numbers), `runs/<policy>-seed-<n>.json` (each run's summary, as `agora sim --json` prints
 * it), and two charts that compare the policies: the task wait-time CDF (every launched task of
 * every seed, pooled) and fairness against utilisation (one point per run).
 */
import type { WaitSample } from '../metrics/run-series.js';
import type { RunSummary } from '../metrics/run-summary.js';
import type { ChartRenderer } from './chart.js';
import { escapeHtml, renderPage, swatch } from './html.js';
import { colorsFor } from './palette.js';
import { jsonFile, type ReportFiles } from './report-files.js';
import type { Spread, SweepRunRow, SweepSummary } from './sweep-stats.js';
import { pooledCdfPoints } from './wait-cdf.js';

/** One run's results as the report needs them. */
export interface SweepRunResult {
  readonly summary: RunSummary;
  readonly waits: readonly WaitSample[];
}

/** The file name of a run's summary inside the report. */
export function runFileName(policy: string, seed: number): string {
  return `runs/${policy}-seed-${seed}.json`;
}

/** Builds the files of a sweep's report. */
export function sweepReportFiles(
  renderer: ChartRenderer,
  sweep: SweepSummary,
  runs: readonly SweepRunResult[],
): ReportFiles {
  const colors = colorsFor(sweep.policies);
  const resource = chartedResource(sweep.runs);
  const waitTitle = 'Task wait time CDF per policy';
  const scatterTitle = `Fairness under contention against ${resource} utilisation`;
  const figures = [
    {
      file: 'wait-cdf.svg',
      title: waitTitle,
      caption: `The fraction of launched tasks that waited at most x seconds from submission to launch, every framework and seed of a policy pooled (${sweep.seeds.length} seeds each).`,
      svg: renderer.lineChart({
        title: waitTitle,
        xLabel: 'wait from submission to launch (s)',
        yLabel: 'launched tasks (fraction, 0–1)',
        step: true,
        yDomain: [0, 1],
        series: sweep.policies.map((policy) => ({
          label: policy,
          color: colors.get(policy) as string,
          points: pooledCdfPoints(runs.filter((r) => r.summary.policy === policy).flatMap((r) => r.waits)),
        })),
      }),
    },
    {
      file: 'fairness-vs-utilization.svg',
      title: scatterTitle,
      caption: `Each point is one run: its time-averaged ${resource} utilisation (the resource most used over the sweep) and its contended Jain index (the time-average of Jain's index of the weighted dominant shares of the frameworks with tasks pending, while at least two had; runs without contention are left out). Up and to the right is better on both.`,
      svg: renderer.scatterChart({
        title: scatterTitle,
        xLabel: `${resource} utilisation (fraction of capacity, time-averaged)`,
        yLabel: 'contended Jain index (1 = equal shares)',
        groups: sweep.policies.map((policy) => ({
          label: policy,
          color: colors.get(policy) as string,
          points: sweep.runs
            .filter((r) => r.policy === policy)
            .flatMap((r) =>
              r.contendedJainIndex === null
                ? []
                : [{ x: r.utilization[resource] ?? 0, y: r.contendedJainIndex }],
            ),
        })),
      }),
    },
  ];
  const files = new Map<string, string>();
  files.set('index.html', sweepPage(sweep, colors, figures));
  files.set('sweep.json', jsonFile(sweep));
  for (const r of runs) files.set(runFileName(r.summary.policy, r.summary.seed), jsonFile(r.summary));
  for (const f of figures) files.set(`charts/${f.file}`, f.svg);
  return files;
}

/** The resource with the highest mean utilisation over every run (ties: the first by name). */
function chartedResource(rows: readonly SweepRunRow[]): string {
  const sums = new Map<string, number>();
  for (const r of rows)
    for (const [name, u] of Object.entries(r.utilization)) sums.set(name, (sums.get(name) ?? 0) + u);
  let best = 'cpus';
  let bestSum = -1;
  for (const [name, sum] of [...sums].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (sum > bestSum) {
      best = name;
      bestSum = sum;
    }
  }
  return best;
}

const fixed = (digits: number) => (x: number) => x.toFixed(digits);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** "mean ± sd (min–max)" in the given format. */
function spreadCell(s: Spread, format: (x: number) => string): string {
  return `${format(s.mean)} ± ${format(s.sd)} <span class="muted">(${format(s.min)}–${format(s.max)})</span>`;
}

function sweepPage(
  sweep: SweepSummary,
  colors: ReadonlyMap<string, string>,
  figures: readonly { file: string; title: string; caption: string }[],
): string {
  const resources = [...new Set(sweep.runs.flatMap((r) => Object.keys(r.utilization)))].sort();
  const policyHeader = [
    'policy',
    'runs',
    ...resources.map((r) => `${escapeHtml(r)} utilisation`),
    'Jain index',
    'contended Jain index',
    'mean wait (s)',
    'makespan (s)',
    'runs with work left',
  ];
  const policyRows = sweep.byPolicy.map((p) => [
    `${swatch(colors.get(p.policy) as string)}${escapeHtml(p.policy)}`,
    String(p.runs),
    ...resources.map((r) => {
      const s = p.utilization[r];
      return s === undefined ? '—' : spreadCell(s, pct);
    }),
    spreadCell(p.jainIndex, fixed(4)),
    p.contendedJainIndex === null ? '—' : spreadCell(p.contendedJainIndex, fixed(4)),
    spreadCell(p.meanWaitSeconds, fixed(2)),
    p.makespanSeconds === null ? '—' : spreadCell(p.makespanSeconds, fixed(1)),
    String(p.runsWithWorkLeft),
  ]);
  const runHeader = [
    'policy',
    'seed',
    ...resources.map((r) => `${escapeHtml(r)} utilisation`),
    'Jain index',
    'contended Jain index',
    'mean wait (s)',
    'makespan (s)',
    'tasks left',
    'summary',
  ];
  const runRows = sweep.runs.map((r) => [
    `${swatch(colors.get(r.policy) as string)}${escapeHtml(r.policy)}`,
    String(r.seed),
    ...resources.map((name) => pct(r.utilization[name] ?? 0)),
    r.jainIndex.toFixed(4),
    r.contendedJainIndex === null ? '—' : r.contendedJainIndex.toFixed(4),
    r.meanWaitSeconds.toFixed(2),
    r.makespanSeconds === null ? '—' : r.makespanSeconds.toFixed(1),
    String(r.unfinishedTasks),
    `<a href="${escapeHtml(runFileName(r.policy, r.seed))}">json</a>`,
  ]);
  const seeds = sweep.seeds;
  return renderPage({
    title: `Agora sweep report: ${sweep.scenario}`,
    intro: [
      `${sweep.policies.length} policies × ${seeds.length} seeds = ${sweep.runs.length} runs of ` +
        `${sweep.simulatedSeconds} s simulated each · policies ${sweep.policies.map(escapeHtml).join(', ')} · ` +
        `seeds ${escapeHtml(seedsText(seeds))}`,
      'Cells are the mean ± sample standard deviation over seeds, with the range in brackets. The Jain ' +
        "index is of the frameworks' time-averaged dominant shares over weights; the contended Jain index " +
        'averages over time the index among the frameworks with tasks pending, while at least two have ' +
        '(what DRF equalises). Makespan is ' +
        'when the last task ended, over the runs that finished all their work; a run with tasks still ' +
        'pending or running at the end (services, or more work than time) has none.',
    ],
    tables: [
      {
        caption: 'Policies',
        header: policyHeader,
        rows: policyRows,
        numeric: policyHeader.map((_, i) => i >= 1),
      },
    ],
    facts: [],
    figures: figures.map((f) => ({ src: `charts/${f.file}`, title: f.title, caption: f.caption })),
    appendix: [
      { caption: 'Runs', header: runHeader, rows: runRows, numeric: runHeader.map((_, i) => i >= 1) },
    ],
    footer:
      'Data: <a href="sweep.json">sweep.json</a> (these tables) and <code>runs/</code> (each run\'s ' +
      '<code>agora sim --json</code> summary). The same scenario, policies and seeds give the same files.',
  });
}

/** [1, 2, 3, 7] → "1–3, 7". */
export function seedsText(seeds: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seeds.length; ) {
    let j = i;
    while (j + 1 < seeds.length && (seeds[j + 1] as number) === (seeds[j] as number) + 1) j++;
    parts.push(j === i ? String(seeds[i]) : `${seeds[i]}–${seeds[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
