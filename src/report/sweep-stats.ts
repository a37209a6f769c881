/**
 * The numbers of a policy sweep: per run (one policy, one seed) the figures that compare policies,
 * and per policy their mean and spread over the seeds.
 *
 * - **utilisation**: the run summary's time-averaged utilisation per resource;
 * - **Jain index**: of the time-averaged dominant shares over weights (the summary's);
 * - **contended Jain index**: the summary's time-average of Jain's index among the frameworks
 *   with tasks pending (what DRF equalises; the one that tells policies apart on batch work);
 * - **mean wait**: over every launched task of the run, from submission to launch;
 * - **makespan**: when the last task ended, for a run that finished all its work (nothing
 *   pending or running at the end); a run with work left has none, and is counted instead, since
 *   the time its last task happened to end would flatter it.
 */
import { meanConfidence } from '../metrics/confidence.js';
import { round6 } from '../metrics/round.js';
import type { FrameworkSummary, RunSummary } from '../metrics/run-summary.js';

/**
 * Mean, sample standard deviation (0 for one value), minimum and maximum, and the half-width of
 * the mean's 95% confidence interval (Student's t over the seeds; 0 for one value).
 */
export interface Spread {
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
  readonly ci95: number;
}

/** One framework's figures under one policy, over the seeds. */
export interface FrameworkPolicyStats {
  readonly framework: string;
  readonly policy: string;
  /** Its tasks' mean wait in each run, over the runs. */
  readonly meanWaitSeconds: Spread;
  /** Its time-averaged dominant share in each run, over the runs. */
  readonly meanDominantShare: Spread;
}

/** One run's figures. */
export interface SweepRunRow {
  readonly policy: string;
  readonly seed: number;
  readonly utilization: Readonly<Record<string, number>>;
  readonly jainIndex: number;
  /** Null when two frameworks never had tasks pending at once. */
  readonly contendedJainIndex: number | null;
  readonly meanWaitSeconds: number;
  readonly makespanSeconds: number | null;
  /** Tasks pending or running at the end. */
  readonly unfinishedTasks: number;
}

/** One policy's figures over its runs. */
export interface PolicyStats {
  readonly policy: string;
  readonly runs: number;
  readonly utilization: Readonly<Record<string, Spread>>;
  readonly jainIndex: Spread;
  /** Over the runs that had contention; null when none had. */
  readonly contendedJainIndex: Spread | null;
  readonly meanWaitSeconds: Spread;
  /** Over the runs that finished their work; null when none did. */
  readonly makespanSeconds: Spread | null;
  readonly runsWithWorkLeft: number;
}

/** A sweep's numbers, as `sweep.json` holds them. */
export interface SweepSummary {
  readonly scenario: string;
  readonly simulatedSeconds: number;
  readonly policies: readonly string[];
  readonly seeds: readonly number[];
  readonly byPolicy: readonly PolicyStats[];
  /** Per framework (scenario order) and policy (sweep order): who gains and who loses. */
  readonly byFramework: readonly FrameworkPolicyStats[];
  readonly runs: readonly SweepRunRow[];
}

/** The figures of one run. */
export function sweepRunRow(summary: RunSummary): SweepRunRow {
  const frameworks = Object.values(summary.frameworks) as FrameworkSummary[];
  let launched = 0;
  let waitSum = 0;
  let unfinished = 0;
  let lastEnd: number | null = null;
  for (const f of frameworks) {
    launched += f.tasksLaunched;
    waitSum += f.meanWaitSeconds * f.tasksLaunched;
    unfinished += f.pending + f.running;
    if (f.lastTaskEndSeconds !== null) lastEnd = Math.max(lastEnd ?? 0, f.lastTaskEndSeconds);
  }
  return {
    policy: summary.policy,
    seed: summary.seed,
    utilization: summary.utilization,
    jainIndex: summary.fairness.jainIndex,
    contendedJainIndex: summary.fairness.contendedJainIndex,
    meanWaitSeconds: round6(launched === 0 ? 0 : waitSum / launched),
    makespanSeconds: unfinished === 0 ? lastEnd : null,
    unfinishedTasks: unfinished,
  };
}

/** Mean, sample sd, min and max of a non-empty list. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spread of no values');
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return {
    mean: round6(mean),
    sd: round6(Math.sqrt(variance)),
    min: round6(Math.min(...values)),
    max: round6(Math.max(...values)),
    ci95: round6(meanConfidence(values).halfWidth),
  };
}

function present(values: readonly (number | null)[]): number[] {
  return values.flatMap((v) => (v === null ? [] : [v]));
}

/** The sweep's numbers from its runs' summaries (in any order; rows come out policy by seed). */
export function sweepSummary(
  summaries: readonly RunSummary[],
  policies: readonly string[],
  seeds: readonly number[],
): SweepSummary {
  const first = summaries[0];
  if (first === undefined) throw new RangeError('a sweep needs at least one run');
  const rows = summaries.map(sweepRunRow);
  const order = (r: SweepRunRow) => policies.indexOf(r.policy) * (seeds.length + 1) + seeds.indexOf(r.seed);
  rows.sort((a, b) => order(a) - order(b));
  const byPolicy = policies.map((policy): PolicyStats => {
    const mine = rows.filter((r) => r.policy === policy);
    const resources = [...new Set(mine.flatMap((r) => Object.keys(r.utilization)))].sort();
    const utilization: Record<string, Spread> = {};
    for (const name of resources) utilization[name] = spread(mine.map((r) => r.utilization[name] ?? 0));
    const makespans = present(mine.map((r) => r.makespanSeconds));
    const contended = present(mine.map((r) => r.contendedJainIndex));
    return {
      policy,
      runs: mine.length,
      utilization,
      jainIndex: spread(mine.map((r) => r.jainIndex)),
      contendedJainIndex: contended.length === 0 ? null : spread(contended),
      meanWaitSeconds: spread(mine.map((r) => r.meanWaitSeconds)),
      makespanSeconds: makespans.length === 0 ? null : spread(makespans),
      runsWithWorkLeft: mine.length - makespans.length,
    };
  });
  const byFramework = Object.keys(first.frameworks).flatMap((framework) =>
    policies.flatMap((policy): FrameworkPolicyStats[] => {
      // In seed order, so the figures do not depend on the order the runs finished in.
      const mine = summaries
        .filter((r) => r.policy === policy)
        .sort((a, b) => seeds.indexOf(a.seed) - seeds.indexOf(b.seed))
        .flatMap((r) => {
          const f = r.frameworks[framework];
          return f === undefined ? [] : [f];
        });
      if (mine.length === 0) return [];
      return [
        {
          framework,
          policy,
          meanWaitSeconds: spread(mine.map((f) => f.meanWaitSeconds)),
          meanDominantShare: spread(mine.map((f) => f.meanDominantShare)),
        },
      ];
    }),
  );
  return {
    scenario: first.scenario,
    simulatedSeconds: first.simulatedSeconds,
    policies,
    seeds,
    byPolicy,
    byFramework,
    runs: rows,
  };
}
