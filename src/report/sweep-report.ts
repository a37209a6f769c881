/**
 * A sweep's comparison report: `index.html` with a table per policy and per run, `sweep.json`
 * (the numbers), `runs/<policy>-seed-<n>.json` (each run's summary, as `agora sim --json` prints
 * it), and two charts that compare the policies: the task wait-time CDF (every launched task of
 * every seed, pooled) and fairness against utilisation (one point per run).
 */
import type { WaitSample } from '../metrics/run-series.js';
import type { RunSummary } from '../metrics/run-summary.js';
import type { ChartRenderer } from './chart.js';
import { escapeHtml, type PageTable, renderPage, swatch } from './html.js';
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
  const baseline = sweep.policies[0] as string;
  const others = sweep.policies.slice(1);
  const seedCount = `${sweep.seeds.length} seed${sweep.seeds.length === 1 ? '' : 's'}`;
  const waitTitle = 'Task wait time CDF per policy';
  const figures: SweepFigure[] = [
    {
      file: 'wait-cdf.svg',
      title: waitTitle,
      caption: `The fraction of launched tasks that waited at most x seconds from submission to launch, every framework and seed of a policy pooled (${seedCount} each).`,
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
  ];
  const boxes = (title: string, yLabel: string, pick: (r: SweepRunRow) => number | null) =>
    renderer.boxPlot({
      title,
      xLabel: `policy (${seedCount} each)`,
      yLabel,
      groups: sweep.policies.map((policy) => ({
        label: policy,
        color: colors.get(policy) as string,
        values: sweep.runs.filter((r) => r.policy === policy).flatMap((r) => present([pick(r)])),
      })),
    });
  const boxCaption = (what: string) =>
    `${what}, one dot per seed (${seedCount} per policy). The box spans the middle half of the runs with the median across it; whiskers reach the extremes; the black diamond and bar are the mean and its 95% confidence interval (Student's t over the seeds). Intervals that do not overlap mean a difference the seeds do not explain.`;
  figures.push({
    file: 'wait-box.svg',
    title: 'Mean task wait per run, by policy',
    caption: boxCaption("Each run's mean wait from submission to launch over all its tasks"),
    svg: boxes('Mean task wait per run, by policy', 'mean wait per run (s)', (r) => r.meanWaitSeconds),
  });
  if (sweep.runs.some((r) => r.makespanSeconds !== null)) {
    figures.push({
      file: 'makespan-box.svg',
      title: 'Makespan per run, by policy',
      caption: boxCaption(
        'When the last task ended, for each run that finished all its work (runs with work left have none)',
      ),
      svg: boxes('Makespan per run, by policy', 'makespan (s)', (r) => r.makespanSeconds),
    });
  }
  if (others.length > 0) {
    const paired = (title: string, label: string, pick: (r: SweepRunRow) => number | null) =>
      renderer.scatterChart({
        title,
        xLabel: `${label} under ${baseline}`,
        yLabel: `${label} under the other policy`,
        diagonal: true,
        groups: others.map((policy) => ({
          label: `${policy} vs ${baseline}`,
          color: colors.get(policy) as string,
          points: sweep.seeds.flatMap((seed) => {
            const x = pick(rowOf(sweep, baseline, seed));
            const y = pick(rowOf(sweep, policy, seed));
            return x === null || y === null ? [] : [{ x, y }];
          }),
        })),
      });
    figures.push(
      {
        file: 'paired-wait.svg',
        title: `Mean wait, paired by seed against ${baseline}`,
        caption: `Each point is one seed: its run's mean task wait under ${baseline} (x) and under another policy (y), the same workload and faults. Points under the dashed diagonal are seeds where that policy made tasks wait less than ${baseline}; above it, more. Pairing by seed takes out the workload's own variation, which the boxes keep.`,
        svg: paired(
          `Mean wait, paired by seed against ${baseline}`,
          'mean wait (s)',
          (r) => r.meanWaitSeconds,
        ),
      },
      {
        file: 'paired-fairness.svg',
        title: `Fairness under contention, paired by seed against ${baseline}`,
        caption: `Each point is one seed: its run's contended Jain index (the time-average of Jain's index of the weighted dominant shares of the frameworks with tasks pending, while at least two had) under ${baseline} (x) and under another policy (y). Points under the diagonal: that policy was less fair than ${baseline} on that seed. Runs without contention are left out.`,
        svg: paired(
          `Fairness under contention, paired by seed against ${baseline}`,
          'contended Jain index (1 = equal)',
          (r) => r.contendedJainIndex,
        ),
      },
    );
  }
  const files = new Map<string, string>();
  files.set('index.html', sweepPage(sweep, colors, figures));
  files.set('sweep.json', jsonFile(sweep));
  for (const r of runs) files.set(runFileName(r.summary.policy, r.summary.seed), jsonFile(r.summary));
  for (const f of figures) files.set(`charts/${f.file}`, f.svg);
  return files;
}

interface SweepFigure {
  readonly file: string;
  readonly title: string;
  readonly caption: string;
  readonly svg: string;
}

function rowOf(sweep: SweepSummary, policy: string, seed: number): SweepRunRow {
  const row = sweep.runs.find((r) => r.policy === policy && r.seed === seed);
  if (row === undefined) throw new Error(`assertion failed: no run of ${policy} with seed ${seed}`);
  return row;
}

function present(values: readonly (number | null)[]): number[] {
  return values.flatMap((v) => (v === null ? [] : [v]));
}

const fixed = (digits: number) => (x: number) => x.toFixed(digits);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** "mean ± 95% CI half-width" in the given format. */
function spreadCell(s: Spread, format: (x: number) => string): string {
  return `${format(s.mean)} <span class="muted">± ${format(s.ci95)}</span>`;
}

/**
 * Who gains and who loses: per framework, its mean wait under each policy, and under every
 * policy but the first the change against the first (green: it waits less; red: more), with the
 * change's sign in words for readers who do not see the colours.
 */
function frameworkTable(sweep: SweepSummary, colors: ReadonlyMap<string, string>): PageTable {
  const baseline = sweep.policies[0] as string;
  const frameworks = [...new Set(sweep.byFramework.map((f) => f.framework))];
  const stats = (framework: string, policy: string) =>
    sweep.byFramework.find((f) => f.framework === framework && f.policy === policy);
  const header = [
    'framework',
    ...sweep.policies.map(
      (p) =>
        `${swatch(colors.get(p) as string)}${escapeHtml(p)}: mean wait (s)${p === baseline ? '' : ` <span class="muted">vs ${escapeHtml(baseline)}</span>`}`,
    ),
    ...sweep.policies.map((p) => `${escapeHtml(p)}: mean share`),
  ];
  const rows = frameworks.map((framework) => {
    const base = stats(framework, baseline);
    return [
      escapeHtml(framework),
      ...sweep.policies.map((policy) => {
        const s = stats(framework, policy);
        if (s === undefined) return '—';
        const cell = spreadCell(s.meanWaitSeconds, fixed(2));
        if (policy === baseline || base === undefined) return cell;
        return `${cell} ${changeCell(s.meanWaitSeconds.mean - base.meanWaitSeconds.mean, base.meanWaitSeconds.mean)}`;
      }),
      ...sweep.policies.map((policy) => {
        const s = stats(framework, policy);
        return s === undefined ? '—' : s.meanDominantShare.mean.toFixed(3);
      }),
    ];
  });
  return {
    caption: `Who gains and who loses: each framework's mean task wait (mean over seeds ± 95% CI), and its change against ${baseline}`,
    header,
    rows,
    numeric: header.map((_, i) => i >= 1),
  };
}

/** A change in wait: "−12.3 s (−20%) gains" in green, "+4.0 s (+8%) loses" in red. */
function changeCell(delta: number, base: number): string {
  const percent = Math.abs((delta / base) * 100);
  const relative = base > 0 ? ` (${delta >= 0 ? '+' : '−'}${percent.toFixed(percent < 10 ? 1 : 0)}%)` : '';
  const text = `${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(2)}${relative}`;
  if (Math.abs(delta) < 0.005) return '<span class="muted">±0</span>';
  return delta < 0 ? `<span class="gain">${text} gains</span>` : `<span class="loss">${text} loses</span>`;
}

function sweepPage(
  sweep: SweepSummary,
  colors: ReadonlyMap<string, string>,
  figures: readonly SweepFigure[],
): string {
  const every = [...new Set(sweep.runs.flatMap((r) => Object.keys(r.utilization)))].sort();
  // A resource no task asked for (disk, often) is 0% in every run: a column of zeros says nothing.
  const resources = every.filter((name) => sweep.runs.some((r) => (r.utilization[name] ?? 0) > 0));
  const unused = every.filter((name) => !resources.includes(name));
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
    spreadCell(p.jainIndex, fixed(3)),
    p.contendedJainIndex === null ? '—' : spreadCell(p.contendedJainIndex, fixed(3)),
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
    r.jainIndex.toFixed(3),
    r.contendedJainIndex === null ? '—' : r.contendedJainIndex.toFixed(3),
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
      "Cells are the mean over seeds ± the half-width of its 95% confidence interval (Student's t; " +
        'sweep.json also has the standard deviation and range). The Jain ' +
        "index is of the frameworks' time-averaged dominant shares over weights; the contended Jain index " +
        'averages over time the index among the frameworks with tasks pending, while at least two have ' +
        '(what DRF equalises). Makespan is ' +
        'when the last task ended, over the runs that finished all their work; a run with tasks still ' +
        'pending or running at the end (services, or more work than time) has none.' +
        (unused.length === 0
          ? ''
          : ` Not shown: ${unused.map(escapeHtml).join(', ')} utilisation, 0% in every run (no task used any).`),
    ],
    tables: [
      {
        caption: 'Policies',
        header: policyHeader,
        rows: policyRows,
        numeric: policyHeader.map((_, i) => i >= 1),
      },
      frameworkTable(sweep, colors),
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
