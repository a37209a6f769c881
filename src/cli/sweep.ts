/**
 * `agora sweep <scenario> --policies drf,asset,random --seeds 1-20 [--out DIR]`: runs the scenario
 * under every policy and seed (in parallel on worker threads), prints a comparison per policy and
 * writes a comparison report. What is printed and written depends only on the scenario, the
 * policies and the seeds, not on how many jobs ran or in which order they finished.
 */
import { availableParallelism } from 'node:os';
import type { Command } from '@commander-js/extra-typings';
import { POLICIES } from '../allocator/policies.js';
import { ChartRenderer } from '../report/chart.js';
import { sweepReportFiles } from '../report/sweep-report.js';
import { type Spread, type SweepSummary, sweepSummary } from '../report/sweep-stats.js';
import type { Output } from './main.js';
import { Progress } from './progress.js';
import { checkReportDir, writeReport } from './report-dir.js';
import { MAX_SWEEP_RUNS, parseJobs, parsePolicies, parseSeeds, parseUntilMs } from './run-flags.js';
import { parseScenarioText, readScenarioText } from './scenario-file.js';
import type { SweepCase } from './sweep-case.js';
import { runSweepCases } from './sweep-pool.js';
import { alignRows } from './table.js';
import { UsageError } from './usage-error.js';

/** The flags of `agora sweep`. */
export interface SweepFlags {
  readonly policies: string;
  readonly seeds: string;
  readonly out?: string;
  readonly until?: string;
  readonly jobs?: string;
  readonly json?: true;
  readonly quiet?: true;
}

/** Runs the sweep and writes its report; returns its numbers. */
export async function sweep(path: string, flags: SweepFlags, output: Output): Promise<SweepSummary> {
  const policies = parsePolicies(flags.policies);
  const seeds = parseSeeds(flags.seeds);
  const untilMs = flags.until === undefined ? undefined : parseUntilMs(flags.until);
  const jobs = flags.jobs === undefined ? availableParallelism() : parseJobs(flags.jobs);
  if (policies.length * seeds.length > MAX_SWEEP_RUNS) {
    throw new UsageError(
      `${policies.length} policies × ${seeds.length} seeds is more than ${MAX_SWEEP_RUNS} runs; split the sweep`,
    );
  }
  if (flags.out !== undefined) checkReportDir(flags.out);
  const scenarioText = readScenarioText(path);
  const scenario = parseScenarioText(scenarioText, path);
  const cases: SweepCase[] = policies.flatMap((policy, p) =>
    seeds.map((seed, s) => ({ index: p * seeds.length + s, policy, seed })),
  );
  const runMs = untilMs ?? scenario.untilMs;
  const doneMs = new Float64Array(cases.length);
  const events = new Float64Array(cases.length);
  const progress = new Progress(
    output,
    `sweep ${scenario.name} (${cases.length} runs)`,
    flags.quiet === true,
  );
  const startedAt = performance.now();
  const results = await runSweepCases(
    { scenario, scenarioText, scenarioPath: path, untilMs, cases, jobs },
    (index, nowMs, count) => {
      doneMs[index] = nowMs;
      events[index] = count;
      progress.update(sum(doneMs), runMs * cases.length, sum(events));
    },
  );
  progress.done();
  const summary = sweepSummary(
    results.map((r) => r.summary),
    policies,
    seeds,
  );
  if (flags.quiet !== true) {
    const wallS = (performance.now() - startedAt) / 1000;
    output.err(
      `sweep ${scenario.name}: ${cases.length} runs on ${Math.min(jobs, cases.length)} ` +
        `${jobs === 1 ? 'thread' : 'worker threads'} in ${wallS.toFixed(2)} s wall\n`,
    );
  }
  if (flags.out !== undefined) {
    const renderer = await ChartRenderer.load();
    const index = writeReport(flags.out, sweepReportFiles(renderer, summary, results));
    if (flags.quiet !== true) output.err(`report: ${index}\n`);
  }
  return summary;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** The readable form of a sweep's numbers: one row per policy. */
export function formatSweep(s: SweepSummary): string {
  const resources = [...new Set(s.byPolicy.flatMap((p) => Object.keys(p.utilization)))].sort();
  const header = [
    'policy',
    'runs',
    ...resources.map((r) => `${r} util`),
    'Jain index',
    'contended Jain',
    'mean wait s',
    'makespan s',
    'work left',
  ];
  const cell = (x: Spread | null | undefined, format: (v: number) => string) =>
    x === null || x === undefined ? '-' : `${format(x.mean)} ± ${format(x.sd)}`;
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const rows = [
    header,
    ...s.byPolicy.map((p) => [
      p.policy,
      String(p.runs),
      ...resources.map((r) => cell(p.utilization[r], pct)),
      cell(p.jainIndex, (v) => v.toFixed(4)),
      cell(p.contendedJainIndex, (v) => v.toFixed(4)),
      cell(p.meanWaitSeconds, (v) => v.toFixed(2)),
      cell(p.makespanSeconds, (v) => v.toFixed(1)),
      String(p.runsWithWorkLeft),
    ]),
  ];
  return `${[
    `sweep ${s.scenario}: ${s.policies.length} policies × ${s.seeds.length} seeds, ${s.simulatedSeconds} s simulated each (mean ± sd over seeds)`,
    '',
    ...alignRows(
      rows,
      header.map((_, i) => i > 0),
    ),
  ].join('\n')}\n`;
}

/** Registers `sweep` on the program. */
export function registerSweep(program: Command, output: Output): void {
  const all = [...POLICIES.keys()].join(',');
  program
    .command('sweep')
    .summary('compare allocation policies over many seeds, in parallel')
    .description(
      'Replay a scenario under several allocation policies and seeds, and compare them: per policy, ' +
        'the mean and spread over seeds of utilisation, fairness (Jain index), mean task wait and ' +
        'makespan. Runs go in parallel on worker threads. With --out, also writes a comparison report ' +
        "(index.html, sweep.json, each run's summary, and charts).",
    )
    .argument('<scenario>', 'a scenario JSON file, e.g. scenarios/mixed.json (schema: scenarios/README.md)')
    .option('--policies <list>', `comma-separated policies to compare`, all)
    .option('--seeds <list>', 'seeds to run each policy with: 1-20, 1,5,9 or 1-5,10', '1-10')
    .option('--out <dir>', 'write the comparison report into <dir>')
    .option('--until <seconds>', 'override how long to simulate each run, in seconds')
    .option('--jobs <n>', 'runs at once (default: one per core)')
    .option('--json', 'print the comparison as JSON (what sweep.json holds)')
    .option('--quiet', 'no progress or timing lines on stderr')
    .action(async (path: string, flags: SweepFlags) => {
      const summary = await sweep(path, flags, output);
      output.out(flags.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatSweep(summary));
    });
}
