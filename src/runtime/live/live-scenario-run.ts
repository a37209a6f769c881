/**
 * `agora live`'s composition root: a scenario replayed on a live cluster on loopback, in real
 * time divided by a time scale. The master and one agent per scenario agent run in this process,
 * each on its own HTTP port, exactly as `agora master` and `agora agent` run them; the scenario's
 * frameworks are the same {@link ScenarioFramework}s as in the simulator, over the v1 HTTP API;
 * tasks are real `sleep` processes.
 *
 * Time scale X: every scenario time is divided by X in real time (job arrivals, task durations,
 * `until`, the allocation interval, refuse filters, health-check and failover timeouts), so a run
 * keeps its shape, only faster. The recorder reads the clock in scenario time (elapsed wall time
 * × X), so the summary is in the scenario's seconds, like `agora sim`'s.
 *
 * The random streams are named as in the simulator (`workload/<framework>/durations`, …), so a
 * framework draws the same durations and arrivals for the same seed; what differs is real timing
 * (which offer comes first, latencies), so figures agree in totals, not byte for byte.
 *
 * With a `credential`, the cluster runs with authentication on: the master knows only that
 * credential and requires it of the agents and the frameworks, which all present it.
 *
 * Built once, with the simulator: the scenario becomes a {@link ClusterPlan} (quotas, weights,
 * checkpointing frameworks and all), which the one run loop (plan/run-loop.ts) puts on a
 * {@link LiveHarness}: submissions, reconcile ticks, supervisor restarts, faults and the summary
 * are the simulator's own code. Faults are replayed on the real processes and links (see
 * live-harness.ts: crashes by SIGKILL with `processes`, partitions and the scenario's latency
 * through a fault proxy on every link); clock skew, which the live harness cannot replay, is
 * skipped at its time with the reason and listed in the result, as are the network's loss,
 * duplication and reordering, which TCP does not do.
 *
 * The run measures its own lag (live-lag.ts): how late its actions and a probe timer fire against
 * the scaled clock, against the plan's smallest timing.
 */

import type { RunSeriesData } from '../../metrics/run-series.js';
import type { RunSummary } from '../../metrics/run-summary.js';
import type { Scenario } from '../../scenario/schema.js';
import { clusterPlan } from '../plan/cluster-plan.js';
import type { FaultSkipped } from '../plan/faults.js';
import { PlanRun } from '../plan/run-loop.js';
import type { Credential } from './credentials.js';
import { LiveHarness } from './live-harness.js';
import type { LagReport } from './live-lag.js';

/** How to replay a scenario live. */
export interface LiveRunOptions {
  /** Scenario seconds per real second (> 0). */
  readonly timeScale: number;
  /** Sandboxes of the agents go under it. */
  readonly workDir: string;
  readonly seed?: number;
  readonly policy?: string;
  readonly untilMs?: number;
  /** Record the series a report charts. */
  readonly series?: boolean;
  /** Progress in scenario ms, about four times a second. */
  readonly onProgress?: (doneMs: number, totalMs: number) => void;
  readonly log?: (line: string) => void;
  /** Run with authentication on, every agent and framework presenting this credential. */
  readonly credential?: Credential;
  /** Run the master and each agent as its own OS process (`agora master`, `agora agent`). */
  readonly processes?: boolean;
  /** Told the master's URL each time it starts (see LiveHarnessOptions). */
  readonly onMasterUrl?: (url: string) => void;
}

/** What a live replay gives. */
export interface LiveRunResult {
  readonly summary: RunSummary;
  readonly series: RunSeriesData | undefined;
  /** Faults and cluster changes that did not apply (with why), in time order. */
  readonly skipped: readonly FaultSkipped[];
  /** How late the run was against its scaled clock. */
  readonly lag: LagReport;
}

/** Replays `scenario` on a live loopback cluster (see the module comment). */
export async function runLiveScenario(scenario: Scenario, options: LiveRunOptions): Promise<LiveRunResult> {
  const plan = clusterPlan(scenario, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    ...(options.untilMs === undefined ? {} : { untilMs: options.untilMs }),
  });
  const harness = new LiveHarness({
    timeScale: options.timeScale,
    workDir: options.workDir,
    seed: plan.seed,
    untilMs: plan.untilMs,
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.credential === undefined ? {} : { credential: options.credential }),
    ...(options.processes === true ? { processes: true } : {}),
    ...(options.onMasterUrl === undefined ? {} : { onMasterUrl: options.onMasterUrl }),
    latency: { minMs: scenario.network.latencyMinMs, maxMs: scenario.network.latencyMaxMs },
    schedulers: plan.frameworks.map((f) => f.address),
  });
  const run = new PlanRun(plan, harness, { series: options.series === true });
  const progress = setInterval(() => options.onProgress?.(harness.now(), plan.untilMs), 250);
  try {
    run.startCluster();
    // Frameworks start once every agent has registered (in the simulator agents register
    // during the first second, after the frameworks subscribed: see live-harness.ts).
    await harness.ready();
    run.startFrameworks();
    await run.runTo(plan.untilMs);
    return {
      summary: run.summary(plan.untilMs),
      series: run.series?.data(plan.untilMs),
      skipped: run.skipped,
      lag: harness.lag.report(plan),
    };
  } finally {
    clearInterval(progress);
    await harness.close();
  }
}
