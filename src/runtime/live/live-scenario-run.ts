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
 * Not replayed live: the scenario's faults (they need the simulator's control over processes and
 * the network) and network settings; a scenario with faults runs without them and says so.
 */
import { join } from 'node:path';
import { findPolicy } from '../../allocator/policies.js';
import { RunRecorder } from '../../metrics/run-recorder.js';
import { RunSeries, type RunSeriesData } from '../../metrics/run-series.js';
import { type RunSummary, runSummary } from '../../metrics/run-summary.js';
import type { Scenario } from '../../scenario/schema.js';
import { ScenarioFramework } from '../../workload/scenario-framework.js';
import { submissionSchedule } from '../../workload/submissions.js';
import { clusterTotal } from '../plan/cluster-plan.js';
import { deriveStream } from '../sim/random-streams.js';
import { AgentServer } from './agent-server.js';
import type { Credential } from './credentials.js';
import { liveSchedulerDriver } from './live-scheduler.js';
import { clearLongTimeout, type LongTimeout, setLongTimeout } from './long-timer.js';
import { MasterServer } from './master-server.js';

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
}

/** What a live replay gives. */
export interface LiveRunResult {
  readonly summary: RunSummary;
  readonly series: RunSeriesData | undefined;
  /** Faults in the scenario that were not replayed. */
  readonly faultsSkipped: number;
}

/** Replays `scenario` on a live loopback cluster (see the module comment). */
export async function runLiveScenario(scenario: Scenario, options: LiveRunOptions): Promise<LiveRunResult> {
  const scale = options.timeScale;
  const seed = options.seed ?? scenario.seed;
  const policyName = options.policy ?? scenario.allocator.policy;
  const policy = findPolicy(policyName);
  if (typeof policy === 'string') throw new Error(policy);
  const untilMs = options.untilMs ?? scenario.untilMs;
  const log = options.log ?? (() => {});
  const weights: Record<string, number> = {};
  for (const f of scenario.frameworks) if (f.weight !== 1) weights[f.role] = f.weight;
  const m = scenario.master;
  const credential = options.credential;
  const master = await MasterServer.start({
    port: 0,
    seed,
    log,
    // Every agent and framework of the replay connects from loopback: one client address.
    limits: { maxConnectionsPerClient: 1_000_000 },
    ...(credential === undefined
      ? {}
      : { security: { credentials: [credential], authenticateFrameworks: true, authenticateAgents: true } }),
    master: {
      policy,
      weights,
      allocationIntervalMs: scenario.allocator.allocationIntervalMs / scale,
      agentPingTimeoutMs: m.agentPingTimeoutMs / scale,
      maxAgentPingTimeouts: m.maxAgentPingTimeouts,
      ...(m.offerTimeoutMs === undefined ? {} : { offerTimeoutMs: m.offerTimeoutMs / scale }),
    },
  });
  const agents: AgentServer[] = [];
  const drivers: ReturnType<typeof liveSchedulerDriver>[] = [];
  const timers: LongTimeout[] = [];
  try {
    for (const agent of scenario.agents) {
      agents.push(
        await AgentServer.start({
          masterUrl: master.url,
          resources: agent.resources,
          workDir: join(options.workDir, agent.id),
          port: 0,
          seed,
          log,
          ...(credential === undefined ? {} : { credential }),
        }),
      );
    }
    // Frameworks start once every agent has registered, as in the simulator, where agents
    // register within the first milliseconds.
    await until(() => master.master.state().activated_slaves === agents.length, 30_000, 'agents to register');
    const total = clusterTotal(scenario);
    const series =
      options.series === true
        ? new RunSeries({
            untilMs,
            allocationIntervalMs: scenario.allocator.allocationIntervalMs,
            frameworks: scenario.frameworks.map((f) => f.name),
            resources: [...total.keys()],
          })
        : undefined;
    const recorder = new RunRecorder(
      scenario.frameworks.map((f) => ({ name: f.name, weight: f.weight })),
      total,
      series,
    );
    for (const agent of scenario.agents) recorder.capacityChanged(0, agent.resources.scalarQuantities(), 1);
    const startedAt = Date.now();
    const clock = () => Math.min(untilMs, (Date.now() - startedAt) * scale);
    const at = (scenarioMs: number, action: () => void) =>
      timers.push(setLongTimeout(action, scenarioMs / scale - (Date.now() - startedAt)));
    for (const spec of scenario.frameworks) {
      const stream = (name: string) => deriveStream(seed, `workload/${spec.name}/${name}`);
      const framework = new ScenarioFramework({
        spec,
        refuseSeconds: scenario.allocator.refuseSeconds / scale,
        clock,
        durationRandom: stream('durations'),
        failureRandom: stream('failures'),
        recorder,
        timeScale: scale,
      });
      const live = liveSchedulerDriver(
        framework,
        {
          user: 'agora',
          name: spec.name,
          role: spec.role,
          failover_timeout: spec.failoverTimeoutMs / 1000 / scale,
          ...(credential === undefined ? {} : { principal: credential.principal }),
        },
        { masterUrl: master.url, seed, log, ...(credential === undefined ? {} : { credential }) },
      );
      drivers.push(live);
      live.driver.start();
      const every = spec.reconcileIntervalMs;
      if (every !== undefined)
        for (let t = every; t < untilMs; t += every) at(t, () => framework.reconcileLive());
      const { timesMs, jobs } = submissionSchedule(spec, stream('arrivals'));
      for (let i = 0; i < timesMs.length; i++) {
        const t = timesMs[i] as number;
        if (t >= untilMs) break;
        const job = spec.jobs[jobs[i] as number];
        if (job !== undefined) at(t, () => framework.submit(job.name));
      }
    }
    // Offer counters are read at each bin's end, in order (timers of equal delay fire FIFO).
    for (let k = 0; series !== undefined && k < series.binCount; k++) {
      at(Math.min(untilMs, (k + 1) * series.binMs), () => series.sampleOffers(master.master.counters()));
    }
    const progress = setInterval(() => options.onProgress?.(clock(), untilMs), 250);
    await new Promise<void>((resolve) => at(untilMs, resolve));
    clearInterval(progress);
    const counters = master.master.counters();
    const summary = runSummary(
      {
        scenario: scenario.name,
        seed,
        policy: policyName,
        untilMs,
        roles: new Map(scenario.frameworks.map((f) => [f.name, f.role])),
        master: {
          allocationRuns: counters.allocationRuns,
          offersMade: counters.offersMade,
          offersAccepted: counters.offersAccepted,
          offersDeclined: counters.offersDeclined,
          offersRescinded: counters.offersRescinded,
        },
      },
      recorder,
    );
    return { summary, series: series?.data(untilMs), faultsSkipped: scenario.faults.length };
  } finally {
    for (const t of timers) clearLongTimeout(t);
    for (const d of drivers) d.driver.stop();
    await Promise.all(drivers.map((d) => d.close()));
    await Promise.all(agents.map((a) => a.close()));
    await master.close();
  }
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
