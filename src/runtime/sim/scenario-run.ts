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
import { createAllocator } from '../../allocator/create.js';
import { findPolicy } from '../../allocator/policies.js';
import type { Quantities, SorterPolicy } from '../../allocator/sorter.js';
import type { Wire } from '../../core/wire.js';
import { MesosSchedulerDriver } from '../../driver/scheduler-driver.js';
import { FRAMEWORK_DISCONNECTED } from '../../master/events.js';
import { Master } from '../../master/master.js';
import { RunRecorder } from '../../metrics/run-recorder.js';
import { RunSeries, type RunSeriesData } from '../../metrics/run-series.js';
import { type RunSummary, type RunSummaryInput, runSummary } from '../../metrics/run-summary.js';
import {
  type FrameworkSpec,
  MASTER_ADDRESS,
  type Scenario,
  schedulerAddress,
} from '../../scenario/schema.js';
import { ScenarioFramework } from '../../workload/scenario-framework.js';
import { type SubmissionSchedule, submissionSchedule } from '../../workload/submissions.js';
import { startScenarioAgents } from './cluster-events.js';
import { scheduleFaults } from './scenario-faults.js';
import type { TraceOption } from './trace.js';
import { TraceRun } from './trace-run.js';
import { SimWorld, type WorldObserver } from './world.js';

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
}

/** How long a supervisor takes to restart a scheduler whose driver aborted. */
export const SUPERVISOR_RESTART_MS = 5000;

/** One scenario framework in the world: its scheduler, and the driver now carrying it. */
export interface FrameworkSlot {
  readonly spec: FrameworkSpec;
  readonly address: string;
  readonly framework: ScenarioFramework;
  driver: MesosSchedulerDriver;
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

  constructor(scenario: Scenario, options: ScenarioRunOptions = {}) {
    this.scenario = scenario;
    this.seed = options.seed ?? scenario.seed;
    this.policy = options.policy ?? scenario.allocator.policy;
    this.untilMs = options.untilMs ?? scenario.untilMs;
    this.messageLevel = options.messageLevel === true;
    const policy = findPolicy(this.policy);
    // The CLI checks the name first; reaching this with a bad one is a caller's bug.
    if (typeof policy === 'string') throw new Error(policy);
    const { network } = scenario;
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
      // The fast representation: health checks on quiet links are not simulated as messages.
      elideHealthChecks: options.messageLevel !== true,
      ...(options.observer === undefined ? {} : { observer: options.observer }),
    });
    const total = clusterTotal(scenario);
    this.series =
      options.series === true
        ? new RunSeries({
            untilMs: this.untilMs,
            allocationIntervalMs: scenario.allocator.allocationIntervalMs,
            frameworks: scenario.frameworks.map((f) => f.name),
            resources: [...total.keys()],
          })
        : undefined;
    this.recorder = new RunRecorder(
      scenario.frameworks.map((f) => ({ name: f.name, weight: f.weight })),
      total,
      this.series,
    );
    this.trace =
      scenario.tasks === undefined
        ? undefined
        : new TraceRun(this.world, this.untilMs, new Map(scenario.frameworks.map((f) => [f.name, f.role])));
    this.#spawnMaster(policy, options.allocationAudit);
    this.#spawnAgents();
    this.frameworks = this.#spawnFrameworks();
    scheduleFaults(this);
    if (scenario.tasks?.kind === 'inline') for (const task of scenario.tasks.tasks) this.trace?.push(task);
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
    const series = this.series;
    let events = 0;
    if (series !== undefined) {
      for (let at = series.nextSampleMs(); at <= target; at = series.nextSampleMs()) {
        events += this.world.runUntil(at);
        series.sampleOffers(this.#masterCounters());
      }
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
    const counters = this.#masterCounters();
    return runSummary(
      {
        scenario: this.scenario.name,
        seed: this.seed,
        policy: this.policy,
        untilMs: this.world.now,
        roles: new Map(this.scenario.frameworks.map((f) => [f.name, f.role])),
        master: counters,
        ...(this.trace === undefined ? {} : { trace: this.trace.summary() }),
      },
      this.recorder,
    );
  }

  /** The master's counters now (all 0 while it is down). */
  #masterCounters(): RunSummaryInput['master'] {
    const counters = (this.world.instance(MASTER_ADDRESS) as Master | undefined)?.counters();
    return {
      allocationRuns: counters?.allocationRuns ?? 0,
      offersMade: counters?.offersMade ?? 0,
      offersAccepted: counters?.offersAccepted ?? 0,
      offersDeclined: counters?.offersDeclined ?? 0,
      offersRescinded: counters?.offersRescinded ?? 0,
    };
  }

  /**
   * A scheduler whose driver aborted because its connection to the master broke is restarted
   * by its supervisor after {@link SUPERVISOR_RESTART_MS}, as a framework run by Marathon or
   * systemd would be, and fails over with its id. Other errors (the master refused or removed
   * the framework) are final.
   */
  #superviseAbort(slot: FrameworkSlot, message: string): boolean {
    if (message !== FRAMEWORK_DISCONNECTED) return false;
    const { world } = this;
    const atMs = world.now + SUPERVISOR_RESTART_MS;
    if (atMs >= this.untilMs) return true;
    world.at(atMs, () => {
      if (world.status(slot.address) === 'running') world.crash(slot.address);
      slot.framework.detach();
      this.failover(slot);
    });
    return true;
  }

  /** Starts a new driver for a framework whose scheduler crashed, failing over to its id. */
  failover(slot: FrameworkSlot): void {
    const id = slot.framework.frameworkId;
    slot.driver = newDriver(slot.spec, slot.framework, id === undefined ? {} : { id }, this.messageLevel);
    this.world.restart(slot.address);
    slot.driver.start();
  }

  #spawnMaster(policy: SorterPolicy, audit: ((decision: OfferDecision) => void) | undefined): void {
    const weights: Record<string, number> = {};
    const quotas: Record<string, Readonly<Record<string, number>>> = {};
    for (const f of this.scenario.frameworks) {
      if (f.weight !== 1) weights[f.role] = f.weight;
      if (f.quota !== undefined) quotas[f.role] = f.quota;
    }
    const { master } = this.scenario;
    this.world.spawn(
      MASTER_ADDRESS,
      // Called again at each master restart: a new allocator for each incarnation.
      () =>
        new Master(
          createAllocator({
            policy,
            allocationIntervalMs: this.scenario.allocator.allocationIntervalMs,
            filterGpuResources: master.filterGpuResources,
            ...(audit === undefined ? {} : { audit }),
          }),
          {
            allocationIntervalMs: this.scenario.allocator.allocationIntervalMs,
            weights,
            quotas,
            agentPingTimeoutMs: master.agentPingTimeoutMs,
            maxAgentPingTimeouts: master.maxAgentPingTimeouts,
            ...(master.offerTimeoutMs === undefined ? {} : { offerTimeoutMs: master.offerTimeoutMs }),
          },
        ),
    );
  }

  #spawnAgents(): void {
    // Hostnames, attributes, late starts and cluster events (adds, removals, resizes).
    startScenarioAgents(this);
  }

  #spawnFrameworks(): Map<string, FrameworkSlot> {
    const slots = new Map<string, FrameworkSlot>();
    const { world } = this;
    for (const spec of this.scenario.frameworks) {
      const stream = (name: string) => world.streams.stream(`workload/${spec.name}/${name}`);
      const framework = new ScenarioFramework({
        spec,
        refuseSeconds: this.scenario.allocator.refuseSeconds,
        clock: () => world.now,
        durationRandom: stream('durations'),
        failureRandom: stream('failures'),
        recorder: this.recorder,
        onAbort: (message) => this.#superviseAbort(slot, message),
        ...this.trace?.frameworkOptions(),
      });
      this.trace?.addFramework(spec.name, framework);
      const address = schedulerAddress(spec.name);
      const slot: FrameworkSlot = {
        spec,
        address,
        framework,
        driver: newDriver(spec, framework, {}, this.messageLevel),
      };
      world.spawn(address, () => slot.driver.process);
      slot.driver.start();
      feedSubmissions(world, framework, spec, submissionSchedule(spec, stream('arrivals')), this.untilMs);
      if (spec.reconcileIntervalMs !== undefined) {
        const every = spec.reconcileIntervalMs;
        const tick = (): void => {
          framework.reconcileLive();
          if (world.now + every < this.untilMs) world.at(world.now + every, tick);
        };
        if (every < this.untilMs) world.at(every, tick);
      }
      slots.set(spec.name, slot);
    }
    return slots;
  }
}

/** A driver for `framework`; `extra.id` makes it fail over to an existing framework id. */
function newDriver(
  spec: FrameworkSpec,
  framework: ScenarioFramework,
  extra: { id?: { value: string } },
  messageLevel: boolean,
): MesosSchedulerDriver {
  return new MesosSchedulerDriver(
    framework,
    {
      user: 'agora',
      name: spec.name,
      role: spec.role,
      failover_timeout: spec.failoverTimeoutMs / 1000,
      ...(spec.checkpoint ? { checkpoint: true } : {}),
      ...(spec.capabilities.length === 0
        ? {}
        : { capabilities: spec.capabilities.map((type) => ({ type })) }),
      ...extra,
    },
    { master: MASTER_ADDRESS, offerBatches: !messageLevel },
  );
}

/**
 * Submits a framework's jobs at their times, keeping one harness action pending at a time (not
 * one per submission), so a day of arrivals does not fill the event queue.
 */
function feedSubmissions(
  world: SimWorld<Wire>,
  framework: ScenarioFramework,
  spec: FrameworkSpec,
  schedule: SubmissionSchedule,
  untilMs: number,
): void {
  const { timesMs, jobs } = schedule;
  let next = 0;
  const fire = (): void => {
    const now = world.now;
    while (next < timesMs.length && (timesMs[next] as number) <= now) {
      framework.submit((spec.jobs[jobs[next] as number] as FrameworkSpec['jobs'][number]).name);
      next++;
    }
    if (next < timesMs.length && (timesMs[next] as number) < untilMs) world.at(timesMs[next] as number, fire);
  };
  if (timesMs.length > 0 && (timesMs[0] as number) < untilMs) world.at(timesMs[0] as number, fire);
}

/** Pings and their answers travel on the network's health lane (network.ts `transmitHealth`). */
function healthMessageKind(msg: Wire): 'ping' | 'pong' | undefined {
  if (msg.channel !== 'agent') return undefined;
  const type = msg.message.type;
  return type === 'PING_AGENT' ? 'ping' : type === 'PONG_AGENT' ? 'pong' : undefined;
}

/** Every agent's scalar resources added up (milli-units): the denominator of dominant shares. */
export function clusterTotal(scenario: Scenario): Quantities {
  const total = new Map<string, number>();
  for (const agent of scenario.agents) {
    for (const [name, milli] of agent.resources.scalarQuantities())
      total.set(name, (total.get(name) ?? 0) + milli);
  }
  return total;
}
