/**
 * The simulated world as a {@link ClusterHarness}: the real master, agents running command tasks
 * through the {@link SimCommandRunner}, and scheduler drivers, as processes of a {@link SimWorld}.
 * Each harness call is one world call (spawn, at, atFault, crash…), so the run loop's order of
 * calls is the world's order of events.
 */
import { Agent } from '../../agent/agent.js';
import type { OfferDecision } from '../../allocator/allocator.js';
import { createAllocator } from '../../allocator/create.js';
import { findPolicy } from '../../allocator/policies.js';
import type { FrameworkInfo } from '../../core/messages/framework-info.js';
import type { TraceEvent } from '../../core/process.js';
import type { Resources } from '../../core/resources.js';
import type { Wire } from '../../core/wire.js';
import type { Scheduler } from '../../driver/scheduler.js';
import { MesosSchedulerDriver } from '../../driver/scheduler-driver.js';
import { Master } from '../../master/master.js';
import { MASTER_ADDRESS } from '../../scenario/schema.js';
import type { AgentPlan, MasterPlan } from '../plan/cluster-plan.js';
import type {
  ClockSkewCapability,
  ClusterHarness,
  HarnessProcessStatus,
  HarnessStream,
  MasterCounters,
} from '../plan/harness.js';
import { masterCountersOf } from '../plan/master-counters.js';
import type { HaMasters, HaOptions } from './coordination/ha-masters.js';
import { SimCommandRunner } from './sim-command-runner.js';
import type { SimWorld } from './world.js';

/** The trace source of harness actions. */
const HARNESS = '@harness';

/** What the simulated harness adds to the plan. */
export interface SimHarnessOptions {
  /** Every message as Mesos sends it (see ScenarioRunOptions.messageLevel); default false. */
  readonly messageLevel?: boolean;
  /** Sees every offer decision of the master's allocator (a checking run). */
  readonly allocationAudit?: (decision: OfferDecision) => void;
  /** Several masters contending through the simulated coordination service (absent: one master). */
  readonly ha?: { readonly masters: HaMasters; readonly options: HaOptions };
}

/** A scheduler in the world and the driver now carrying it. */
interface SchedulerEntry {
  readonly scheduler: Scheduler;
  driver: MesosSchedulerDriver;
}

/** A {@link ClusterHarness} over a {@link SimWorld}. */
export class SimHarness implements ClusterHarness {
  readonly world: 'sim' = 'sim';
  readonly timeScale = 1;
  readonly sim: SimWorld<Wire>;
  readonly clockSkew: ClockSkewCapability;
  readonly #options: SimHarnessOptions;
  readonly #schedulers = new Map<string, SchedulerEntry>();

  constructor(world: SimWorld<Wire>, options: SimHarnessOptions = {}) {
    this.sim = world;
    this.#options = options;
    this.clockSkew = {
      planned: (address) => world.keepHealthChecks(address),
      skew: (address, jumpMs, rate) => world.skewClock(address, jumpMs, rate),
    };
  }

  now(): number {
    return this.sim.now;
  }

  at(timeMs: number, action: () => void): void {
    this.sim.at(timeMs, () => action());
  }

  atFault(timeMs: number, touches: readonly string[] | undefined, action: () => void): void {
    this.sim.atFault(timeMs, touches, () => action());
  }

  stream(name: string): HarnessStream {
    return this.sim.streams.stream(name);
  }

  spawnMaster(plan: MasterPlan): void {
    const policy = findPolicy(plan.policy);
    // The CLI checks the name first; reaching this with a bad one is a caller's bug.
    if (typeof policy === 'string') throw new Error(policy);
    const audit = this.#options.allocationAudit;
    // Called again at each master restart (and each HA term): a new allocator for each
    // incarnation, built here and handed to the master as Mesos's main.cpp does.
    const build = () =>
      new Master(
        createAllocator({
          policy,
          allocationIntervalMs: plan.allocationIntervalMs,
          filterGpuResources: plan.filterGpuResources,
          ...(audit === undefined ? {} : { audit }),
        }),
        {
          allocationIntervalMs: plan.allocationIntervalMs,
          weights: plan.weights,
          quotas: plan.quotas,
          agentPingTimeoutMs: plan.agentPingTimeoutMs,
          maxAgentPingTimeouts: plan.maxAgentPingTimeouts,
          ...(plan.offerTimeoutMs === undefined ? {} : { offerTimeoutMs: plan.offerTimeoutMs }),
        },
      );
    const ha = this.#options.ha;
    if (ha === undefined) this.sim.spawn(MASTER_ADDRESS, build);
    else ha.masters.spawn(build, ha.options);
  }

  addAgent(plan: AgentPlan, resources: () => Resources): void {
    this.#options.ha?.masters.addAgent(plan.id);
    this.sim.add(
      plan.id,
      () =>
        new Agent({
          resources: resources(),
          masterAddress: MASTER_ADDRESS,
          commandRunner: new SimCommandRunner(),
          hostname: plan.hostname,
          ...(plan.attributes.length === 0 ? {} : { attributes: plan.attributes }),
        }),
    );
  }

  spawnFramework(address: string, scheduler: Scheduler, info: FrameworkInfo): MesosSchedulerDriver {
    this.#options.ha?.masters.addScheduler(address);
    const entry: SchedulerEntry = { scheduler, driver: this.#driver(scheduler, info) };
    this.#schedulers.set(address, entry);
    // The factory reads the entry: a failover's restart brings the new driver's process.
    this.sim.spawn(address, () => entry.driver.process);
    entry.driver.start();
    return entry.driver;
  }

  failoverFramework(address: string, info: FrameworkInfo): MesosSchedulerDriver {
    const entry = this.#schedulers.get(address);
    if (entry === undefined) throw new Error(`assertion failed: no scheduler at ${address}`);
    entry.driver = this.#driver(entry.scheduler, info);
    this.sim.restart(address);
    entry.driver.start();
    return entry.driver;
  }

  status(address: string): HarnessProcessStatus | undefined {
    return this.sim.status(address);
  }

  start(address: string): void {
    this.sim.start(address);
  }

  restart(address: string): void {
    this.sim.restart(address);
  }

  stop(address: string): void {
    this.sim.stop(address);
  }

  crash(address: string): void {
    this.sim.crash(address);
  }

  wipeDisk(address: string): void {
    this.sim.wipeDisk(address);
  }

  partition(a: string, b: string, oneWay: boolean): void {
    this.sim.network.partition(a, b, { oneWay });
  }

  heal(a: string, b: string): void {
    this.sim.network.heal(a, b);
  }

  cannotReplay(): undefined {
    return undefined;
  }

  masterCounters(): MasterCounters {
    const ha = this.#options.ha;
    if (ha !== undefined) return masterCountersOf(ha.masters.leader()?.master);
    return masterCountersOf(this.sim.instance(MASTER_ADDRESS) as Master | undefined);
  }

  trace(event: TraceEvent): void {
    this.sim.traceHarness(HARNESS, event);
  }

  async ready(): Promise<void> {}

  async runUntil(done: () => boolean, withinMs: number): Promise<boolean> {
    const endMs = this.sim.now + withinMs;
    while (!done()) {
      // The next event, unless it lies past the end (or there is none): then time runs out.
      if (this.sim.runEvents(1) === 0 || this.sim.now > endMs) {
        if (this.sim.now < endMs) this.sim.runUntil(endMs);
        return done();
      }
    }
    return true;
  }

  async runTo(timeMs: number): Promise<void> {
    this.sim.runUntil(timeMs);
  }

  async close(): Promise<void> {}

  #driver(scheduler: Scheduler, info: FrameworkInfo): MesosSchedulerDriver {
    return new MesosSchedulerDriver(scheduler, info, {
      master: MASTER_ADDRESS,
      offerBatches: this.#options.messageLevel !== true,
    });
  }
}
