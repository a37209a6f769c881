/**
 * The simulated world's composition root (ARCHITECTURE.md §1): it builds a {@link SimWorld} from a
 * validated scenario and puts in it the real master, one real agent per scenario agent (running
 * command tasks through the {@link SimCommandRunner}), and one scheduler driver per framework
 * carrying that framework's {@link ScenarioFramework}. Jobs are submitted and faults injected as
 * harness actions at their scenario times. Nothing here knows it is not a real cluster, except
 * this file.
 *
 * One seed drives everything: the world derives the network's stream and each process's stream
 * by name, and each framework draws arrivals, durations and failures from streams named after it
 * (`workload/<name>/arrivals`, `…/durations`, `…/failures`).
 */

import type { OfferDecision } from '../../allocator/allocator.js';
import { findPolicy } from '../../allocator/policies.js';
import type { Wire } from '../../core/wire.js';
import type { RunRecorder } from '../../metrics/run-recorder.js';
import type { RunSeries, RunSeriesData } from '../../metrics/run-series.js';
import type { RunSummary } from '../../metrics/run-summary.js';
import { MASTER_ADDRESS, type Scenario } from '../../scenario/schema.js';
import { clusterPlan } from '../plan/cluster-plan.js';
import { type FrameworkSlot, PlanRun } from '../plan/run-loop.js';
import { HaMasters, type HaOptions, haMasterAddress } from './coordination/ha-masters.js';
import { LeaderRouting } from './coordination/leader-routing.js';
import { SimHarness } from './sim-harness.js';
import type { TraceOption } from './trace.js';
import { TraceRun } from './trace-run.js';
import { SimWorld, type WorldObserver } from './world.js';

export { type FrameworkSlot, SUPERVISOR_RESTART_MS } from '../plan/run-loop.js';

/** Overrides of what the scenario file says (the `agora sim` flags). */
export interface ScenarioRunOptions {
  readonly seed?: number;
  readonly policy?: string;
  readonly untilMs?: number;
  /** Default `'off'`: a day of a large cluster traces far more than memory holds. */
  readonly trace?: TraceOption;
  /** Also trace every delivery and timer (see {@link SimWorld}). */
  readonly traceDeliveries?: boolean;
  /** Also record the time series a report charts (see {@link RunSeries}). */
  readonly series?: boolean;
  /** Watches the world (a checking run's invariant checker). */
  readonly observer?: WorldObserver<Wire>;
  /** A lost message breaks the connection it was on, as over TCP (see SimWorld). */
  readonly lossBreaksConnections?: boolean;
  /** Sees every offer decision of the master's allocator (a checking run). */
  readonly allocationAudit?: (decision: OfferDecision) => void;
  /**
   * Simulate every message as Mesos sends it (default false): each offer a framework gets is an
   * `Offer` object it answers one by one, and so on. The default, fast representation makes
   * exactly the same decisions at a fraction of the work (see docs in scenarios/README.md,
   * "Fast and message-level runs"); this mode exists to check that, byte for byte.
   */
  readonly messageLevel?: boolean;
  /**
   * Run several masters contending through a simulated coordination service (issue 16; see
   * coordination/ha-masters.ts). Absent, or `masters` 1: the one master of every shipped run.
   */
  readonly ha?: HaOptions;
}

/** A scenario run in a simulated world; advance it with {@link advance}, read it with {@link summary}. */
export class ScenarioRun {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly policy: string;
  readonly untilMs: number;
  readonly world: SimWorld<Wire>;
  readonly recorder: RunRecorder;
  /** Present when the run was asked to record series. */
  readonly series: RunSeries | undefined;
  readonly frameworks: ReadonlyMap<string, FrameworkSlot>;
  /** See {@link ScenarioRunOptions.messageLevel}. */
  readonly messageLevel: boolean;
  /** Present when the scenario has trace tasks: feed a task file with `pumpTraceTasks` (trace-run.ts). */
  readonly trace: TraceRun | undefined;
  /** The plan on the simulated harness (run-loop.ts). */
  readonly run: PlanRun;
  /** The masters and their coordination service, when the run has several. */
  readonly ha: HaMasters | undefined;

  constructor(scenario: Scenario, options: ScenarioRunOptions = {}) {
    const plan = clusterPlan(scenario, {
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.policy === undefined ? {} : { policy: options.policy }),
      ...(options.untilMs === undefined ? {} : { untilMs: options.untilMs }),
    });
    this.scenario = scenario;
    this.seed = plan.seed;
    this.policy = plan.policy;
    this.untilMs = plan.untilMs;
    this.messageLevel = options.messageLevel === true;
    // The CLI checks the name first; reaching this with a bad one is a caller's bug.
    const policy = findPolicy(this.policy);
    if (typeof policy === 'string') throw new Error(policy);
    const { network } = scenario;
    const haOptions = options.ha !== undefined && options.ha.masters > 1 ? options.ha : undefined;
    const haAddresses = Array.from({ length: haOptions?.masters ?? 0 }, (_, i) => haMasterAddress(i + 1));
    const routing = haOptions === undefined ? undefined : new LeaderRouting(MASTER_ADDRESS, haAddresses);
    this.world = new SimWorld<Wire>({
      seed: this.seed,
      network: {
        latencyMsMin: network.latencyMinMs,
        latencyMsMax: network.latencyMaxMs,
        lossProbability: network.loss,
        duplicateProbability: network.duplication,
        reorder: network.reorder,
      },
      trace: options.trace ?? 'off',
      traceDeliveries: options.traceDeliveries === true,
      // A process that goes down closes its connections: peers hear of it at once, as Mesos's
      // libprocess `exited` events tell the master of a scheduler's or agent's broken socket.
      linkMessage: (exited) => ({ channel: 'link', exited }),
      // The master's registry is durable, as Mesos's replicated log is (a restart recovers it).
      disks: true,
      lossBreaksConnections: options.lossBreaksConnections === true,
      healthMessage: healthMessageKind,
      // The fast representation: health checks on quiet links are not simulated as messages
      // (with several masters the elision's link bookkeeping would follow the wrong address).
      elideHealthChecks: options.messageLevel !== true && routing === undefined,
      ...(routing === undefined ? {} : { router: routing }),
      ...(options.observer === undefined ? {} : { observer: options.observer }),
    });
    this.ha = routing === undefined ? undefined : new HaMasters(this.world, routing, haAddresses);
    if (this.ha !== undefined) haOptions?.built?.(this.ha);
    const harness = new SimHarness(this.world, {
      messageLevel: this.messageLevel,
      ...(this.ha === undefined || haOptions === undefined
        ? {}
        : { ha: { masters: this.ha, options: haOptions } }),
      ...(options.allocationAudit === undefined ? {} : { allocationAudit: options.allocationAudit }),
    });
    const trace =
      scenario.tasks === undefined ? undefined : new TraceRun(this.world, this.untilMs, plan.roles);
    this.trace = trace;
    this.run = new PlanRun(plan, harness, {
      series: options.series === true,
      ...(trace === undefined
        ? {}
        : {
            frameworkOptions: () => trace.frameworkOptions(),
            onFramework: (name, framework) => trace.addFramework(name, framework),
          }),
    });
    this.recorder = this.run.recorder;
    this.series = this.run.series;
    this.frameworks = this.run.frameworks;
    this.run.start();
    if (scenario.tasks?.kind === 'inline') for (const task of scenario.tasks.tasks) trace?.push(task);
  }

  /** The simulated time now, in ms. */
  get nowMs(): number {
    return this.world.now;
  }

  /** Whether the run has reached its end. */
  get done(): boolean {
    return this.world.now >= this.untilMs;
  }

  /**
   * Runs the world up to `toMs` (capped at the run's end); returns the events processed. With
   * series on, it stops at each bin's end on the way to read the master's offer counters (which
   * adds no event, so the run is the same with or without series).
   */
  advance(toMs: number): number {
    const target = Math.min(toMs, this.untilMs);
    let events = 0;
    for (let at = this.run.nextSampleMs(target); at !== undefined; at = this.run.nextSampleMs(target)) {
      events += this.world.runUntil(at);
      this.run.sample();
    }
    return events + this.world.runUntil(target);
  }

  /**
   * Runs to the end in `slices` equal steps of simulated time, calling `onSlice` after each (for
   * progress reports; the run is the same however it is sliced).
   */
  runInSlices(slices: number, onSlice: (nowMs: number, events: number) => void): void {
    for (let i = 1; i <= slices && !this.done; i++) {
      this.advance((this.untilMs * i) / slices);
      onSlice(this.world.now, this.world.eventCount);
    }
  }

  /** Runs to the end. */
  runToEnd(): RunSummary {
    this.advance(this.untilMs);
    return this.summary();
  }

  /** The series up to now (the whole run once {@link done}); undefined without series. */
  seriesData(): RunSeriesData | undefined {
    return this.series?.data(this.world.now);
  }

  /** The summary at the current time (the run's end once {@link done}). */
  summary(): RunSummary {
    return this.run.summary(this.world.now, this.trace?.summary());
  }

  /** Starts a new driver for a framework whose scheduler crashed, failing over to its id. */
  failover(slot: FrameworkSlot): void {
    this.run.failover(slot);
  }
}

/** Pings and their answers travel on the network's health lane (network.ts `transmitHealth`). */
function healthMessageKind(msg: Wire): 'ping' | 'pong' | undefined {
  if (msg.channel !== 'agent') return undefined;
  const type = msg.message.type;
  return type === 'PING_AGENT' ? 'ping' : type === 'PONG_AGENT' ? 'pong' : undefined;
}
