/**
 * One run of a sweep: the scenario under one policy and one seed, recorded with series so its
 * waits can be pooled into the comparison's CDFs. The same function runs on a worker thread or,
 * for a single job, on the main thread.
 */
import type { WaitSample } from '../metrics/run-series.js';
import type { RunSummary } from '../metrics/run-summary.js';
import { ScenarioRun } from '../runtime/sim/scenario-run.js';
import type { Scenario } from '../scenario/schema.js';

/** Which run: its place in the sweep, policy and seed. */
export interface SweepCase {
  readonly index: number;
  readonly policy: string;
  readonly seed: number;
}

/** What a run gives back to the sweep. */
export interface SweepCaseResult {
  readonly index: number;
  readonly summary: RunSummary;
  /** Each framework's waits, in scenario order. */
  readonly waits: readonly WaitSample[];
}

/** How often a run reports progress (slices of its simulated time). */
const SLICES = 100;

/** Runs one case; `onProgress` hears the simulated time and events after each slice. */
export function runSweepCase(
  scenario: Scenario,
  sweepCase: SweepCase,
  untilMs: number | undefined,
  onProgress: (nowMs: number, events: number) => void,
): SweepCaseResult {
  const run = new ScenarioRun(scenario, {
    seed: sweepCase.seed,
    policy: sweepCase.policy,
    ...(untilMs === undefined ? {} : { untilMs }),
    series: true,
  });
  run.runInSlices(SLICES, onProgress);
  const series = run.seriesData();
  if (series === undefined) throw new Error('assertion failed: a sweep run records series');
  return {
    index: sweepCase.index,
    summary: run.summary(),
    waits: Object.values(series.frameworks).map((f) => f.waits),
  };
}
