/**
 * The one run loop: a {@link ClusterPlan} put on a {@link ClusterHarness} and driven. It spawns
 * the master, the agents (with their late starts and the cluster's changes), the frameworks
 * (each a {@link ScenarioFramework} under a driver), feeds each framework its job submissions at
 * their times, ticks explicit reconciliation, restarts a scheduler whose driver aborted (its
 * supervisor), schedules the faults, samples the series and writes the summary. The simulator
 * and the live node run exactly this; they differ only in their harness.
 *
 * Harness calls are made in a fixed order (master, agents, cluster changes, frameworks in file
 * order each with its submissions and reconcile ticks, faults), which is the simulator's event
 * order: a run with the same plan and seed replays byte for byte there.
 *
 * One seed drives every draw: each framework draws arrivals, durations and failures from streams
 * named after it (`workload/<name>/arrivals`, `…/durations`, `…/failures`).
 */
import type { FrameworkInfo } from '../../core/messages/framework-info.js';
import type { SchedulerDriver } from '../../driver/scheduler.js';
import { FRAMEWORK_DISCONNECTED } from '../../master/events.js';
import { RunRecorder } from '../../metrics/run-recorder.js';
import { RunSeries } from '../../metrics/run-series.js';
import { type RunSummary, runSummary } from '../../metrics/run-summary.js';
import type { TraceSummary } from '../../metrics/trace-summary.js';
import type { FrameworkSpec } from '../../scenario/schema.js';
import { ScenarioFramework, type ScenarioFrameworkOptions } from '../../workload/scenario-framework.js';
import { type SubmissionSchedule, submissionSchedule } from '../../workload/submissions.js';
import { startAgents } from './cluster-changes.js';
import type { ClusterPlan, FrameworkPlan } from './cluster-plan.js';
import { type FaultSkipped, scheduleFaults } from './faults.js';
import type { ClusterHarness } from './harness.js';

/** How long a supervisor takes to restart a scheduler whose driver aborted. */
export const SUPERVISOR_RESTART_MS = 5000;

/** One scenario framework in the world: its scheduler, and the driver now carrying it. */
export interface FrameworkSlot {
  readonly spec: FrameworkSpec;
  readonly plan: FrameworkPlan;
  readonly address: string;
  readonly framework: ScenarioFramework;
  driver: SchedulerDriver;
}

/** What a run adds to the loop. */
export interface PlanRunOptions {
  /** Also record the time series a report charts. */
  readonly series?: boolean;
  /** More options for each framework (the simulator's trace tasks). */
  readonly frameworkOptions?: () => Partial<ScenarioFrameworkOptions>;
  /** Told of each framework once it exists (before its driver starts). */
  readonly onFramework?: (name: string, framework: ScenarioFramework) => void;
}

/** A plan running on a harness; {@link start} puts it there. */
export class PlanRun {
  readonly plan: ClusterPlan;
  readonly harness: ClusterHarness;
  readonly recorder: RunRecorder;
  /** Present when the run records series. */
  readonly series: RunSeries | undefined;
  readonly frameworks = new Map<string, FrameworkSlot>();
  /** Faults and cluster changes that could not apply, in the order they came. */
  readonly skipped: FaultSkipped[] = [];
  readonly #options: PlanRunOptions;

  constructor(plan: ClusterPlan, harness: ClusterHarness, options: PlanRunOptions = {}) {
    this.plan = plan;
    this.harness = harness;
    this.#options = options;
    this.series =
      options.series === true
        ? new RunSeries({
            untilMs: plan.untilMs,
            allocationIntervalMs: plan.master.allocationIntervalMs,
            frameworks: plan.frameworks.map((f) => f.spec.name),
            resources: [...plan.total.keys()],
          })
        : undefined;
    this.recorder = new RunRecorder(
      plan.frameworks.map((f) => ({ name: f.spec.name, weight: f.spec.weight })),
      plan.total,
      this.series,
    );
  }

  /**
   * Spawns the cluster and schedules everything the plan holds (in the order of the module
   * comment): {@link startCluster} then {@link startFrameworks}.
   */
  start(): void {
    this.startCluster();
    this.startFrameworks();
  }

  /** Spawns the master and the agents, and schedules late starts and cluster changes. */
  startCluster(): void {
    this.harness.spawnMaster(this.plan.master);
    // Hostnames, attributes, late starts and cluster events (adds, removals, resizes).
    startAgents(this);
  }

  /**
   * Spawns the frameworks with their submissions and reconcile ticks, and schedules the faults.
   * Live, call it once the harness is ready (the master up, the agents registered).
   */
  startFrameworks(): void {
    for (const plan of this.plan.frameworks) this.#spawnFramework(plan);
    scheduleFaults(this);
  }

  /** The next series bin end, at or before `targetMs`, still to sample; undefined when none. */
  nextSampleMs(targetMs: number): number | undefined {
    const at = this.series?.nextSampleMs();
    return at !== undefined && at <= Math.min(targetMs, this.plan.untilMs) ? at : undefined;
  }

  /** Reads the master's offer counters into the series (at a bin's end). */
  sample(): void {
    this.series?.sampleOffers(this.harness.masterCounters());
  }

  /** Drives the harness to `toMs` (capped at the end), sampling the series at each bin's end. */
  async runTo(toMs: number): Promise<void> {
    const target = Math.min(toMs, this.plan.untilMs);
    for (let at = this.nextSampleMs(target); at !== undefined; at = this.nextSampleMs(target)) {
      await this.harness.runTo(at);
      this.sample();
    }
    await this.harness.runTo(target);
  }

  /** The summary as of `untilMs` (the run's end once it is done). */
  summary(untilMs: number, trace?: TraceSummary): RunSummary {
    return runSummary(
      {
        scenario: this.plan.scenario,
        seed: this.plan.seed,
        policy: this.plan.policy,
        untilMs,
        roles: this.plan.roles,
        master: this.harness.masterCounters(),
        ...(trace === undefined ? {} : { trace }),
      },
      this.recorder,
    );
  }

  /** Starts a new driver for a framework whose scheduler is down, failing over to its id. */
  failover(slot: FrameworkSlot): void {
    const id = slot.framework.frameworkId;
    const info: FrameworkInfo = id === undefined ? slot.plan.info : { ...slot.plan.info, id };
    slot.driver = this.harness.failoverFramework(slot.address, info);
  }

  #spawnFramework(plan: FrameworkPlan): void {
    const { harness } = this;
    const { spec } = plan;
    const stream = (name: string) => harness.stream(`workload/${spec.name}/${name}`);
    const scale = harness.timeScale;
    const framework = new ScenarioFramework({
      spec,
      refuseSeconds: plan.refuseSeconds / scale,
      clock: () => harness.now(),
      durationRandom: stream('durations'),
      failureRandom: stream('failures'),
      recorder: this.recorder,
      onAbort: (message) => this.#superviseAbort(slot, message),
      ...(scale === 1 ? {} : { timeScale: scale }),
      ...this.#options.frameworkOptions?.(),
    });
    this.#options.onFramework?.(spec.name, framework);
    const slot: FrameworkSlot = {
      spec,
      plan,
      address: plan.address,
      framework,
      driver: harness.spawnFramework(plan.address, framework, plan.info),
    };
    this.frameworks.set(spec.name, slot);
    feedSubmissions(
      harness,
      framework,
      spec,
      submissionSchedule(spec, stream('arrivals')),
      this.plan.untilMs,
    );
    const every = plan.reconcileIntervalMs;
    if (every !== undefined) {
      const untilMs = this.plan.untilMs;
      const tick = (): void => {
        framework.reconcileLive();
        if (harness.now() + every < untilMs) harness.at(harness.now() + every, tick);
      };
      if (every < untilMs) harness.at(every, tick);
    }
  }

  /**
   * A scheduler whose driver aborted because its connection to the master broke is restarted
   * by its supervisor after {@link SUPERVISOR_RESTART_MS}, as a framework run by Marathon or
   * systemd would be, and fails over with its id. Other errors (the master refused or removed
   * the framework) are final.
   */
  #superviseAbort(slot: FrameworkSlot, message: string): boolean {
    if (message !== FRAMEWORK_DISCONNECTED) return false;
    const { harness } = this;
    const atMs = harness.now() + SUPERVISOR_RESTART_MS;
    if (atMs >= this.plan.untilMs) return true;
    harness.at(atMs, () => {
      if (harness.status(slot.address) === 'running') harness.crash(slot.address);
      slot.framework.detach();
      this.failover(slot);
    });
    return true;
  }
}

/**
 * Submits a framework's jobs at their times, keeping one harness action pending at a time (not
 * one per submission), so a day of arrivals does not fill the event queue. Live, an action that
 * fires late submits every job due by then.
 */
function feedSubmissions(
  harness: ClusterHarness,
  framework: ScenarioFramework,
  spec: FrameworkSpec,
  schedule: SubmissionSchedule,
  untilMs: number,
): void {
  const { timesMs, jobs } = schedule;
  let next = 0;
  const fire = (): void => {
    const now = harness.now();
    while (next < timesMs.length && (timesMs[next] as number) <= now) {
      framework.submit((spec.jobs[jobs[next] as number] as FrameworkSpec['jobs'][number]).name);
      next++;
    }
    if (next < timesMs.length && (timesMs[next] as number) < untilMs)
      harness.at(timesMs[next] as number, fire);
  };
  if (timesMs.length > 0 && (timesMs[0] as number) < untilMs) harness.at(timesMs[0] as number, fire);
}
