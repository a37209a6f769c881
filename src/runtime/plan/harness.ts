/**
 * The harness: what the one run loop (run-loop.ts), and a conformance test, need from a world to
 * put a {@link ClusterPlan} in it and drive it. The simulated world (sim/sim-harness.ts) and the
 * live node (live/live-harness.ts) each implement it; nothing else about a run differs between
 * them (ARCHITECTURE.md §4, "One plan, two harnesses").
 *
 * Times are the scenario's milliseconds in both worlds: virtual in the simulator, elapsed wall
 * time × the time scale live. Addresses are the scenario's (`master`, `agent-3`, `scheduler-A`);
 * the live harness maps them to its servers.
 *
 * Spawning is synchronous: it asks for a process to start. The simulator starts it at once; a
 * live process starts in the background, in the order asked (the master, then agents, then
 * frameworks once every agent started so far has registered), and {@link ClusterHarness.ready}
 * resolves when all asked for are up. So a test reads:
 *
 *     h.spawnMaster(plan.master);
 *     for (const a of plan.agents) { h.addAgent(a, () => a.resources); h.start(a.id); }
 *     await h.ready();
 *     h.spawnFramework('scheduler-A', myScheduler, info);
 *     assert.true(await h.runUntil(() => myScheduler.registered, 10_000));
 */

import type { FrameworkInfo } from '../../core/messages/framework-info.js';
import type { TraceEvent } from '../../core/process.js';
import type { Resources } from '../../core/resources.js';
import type { Scheduler, SchedulerDriver } from '../../driver/scheduler.js';
import type { RunSummaryInput } from '../../metrics/run-summary.js';
import type { FaultSpec } from '../../scenario/schema.js';
import type { AgentPlan, MasterPlan } from './cluster-plan.js';

/** Where a process is in its lifecycle (the simulator's own states, which live ones mirror). */
export type HarnessProcessStatus = 'registered' | 'running' | 'stopped' | 'crashed';

/** The master's counters a run summary reports (all 0 while it is down). */
export type MasterCounters = RunSummaryInput['master'];

/** A uniform number in [0, 1) from a named stream. */
export type HarnessStream = () => number;

/** What a harness does to a clock, where it can (the simulator only: one machine's clock live). */
export interface ClockSkewCapability {
  /**
   * Called when a skew of `address` is planned, before the run starts (the simulator then keeps
   * that process's health checks as messages; see sim/health-elision.ts).
   */
  planned(address: string): void;
  /** `address`'s clock jumps by `jumpMs` and then runs at `rate` times the world's pace. */
  skew(address: string, jumpMs: number, rate: number): void;
}

/** A world a cluster plan runs in. */
export interface ClusterHarness {
  /** `sim` or `live`: for messages and per-world test skips, never for branching the loop. */
  readonly world: 'sim' | 'live';
  /**
   * Scenario seconds per real second (1 in the simulator). Durations that travel inside
   * messages (refuse filters, failover timeouts, `sleep` commands) are divided by it live.
   */
  readonly timeScale: number;

  /** Scenario time now, in ms. */
  now(): number;
  /** Runs `action` at scenario time `timeMs` (>= now); actions at equal times run in the order scheduled. */
  at(timeMs: number, action: () => void): void;
  /**
   * {@link at} for a fault or cluster change that may disturb the links of the processes it
   * `touches` (every process when undefined). The simulator records it in its fault calendar
   * (SimWorld.atFault); live it is {@link at}.
   */
  atFault(timeMs: number, touches: readonly string[] | undefined, action: () => void): void;
  /** The random stream called `name` under the run's seed (the same object for the same name). */
  stream(name: string): HarnessStream;

  /** Starts the master. */
  spawnMaster(plan: MasterPlan): void;
  /**
   * Registers an agent without starting it; `resources` is read at each start (a resize changes
   * what the next start brings). Start it with {@link start}.
   */
  addAgent(plan: AgentPlan, resources: () => Resources): void;
  /**
   * Starts a driver carrying `scheduler` at `address`, subscribing with `info` (scenario units:
   * the harness scales `failover_timeout` live), and returns it.
   */
  spawnFramework(address: string, scheduler: Scheduler, info: FrameworkInfo): SchedulerDriver;
  /**
   * Starts a new driver for the scheduler at `address` (which must be down), subscribing with
   * `info` (with the framework's id: a failover), and returns it.
   */
  failoverFramework(address: string, info: FrameworkInfo): SchedulerDriver;

  /** Where `address` is in its lifecycle; undefined if it was never added. */
  status(address: string): HarnessProcessStatus | undefined;
  /** Starts a registered process for the first time. */
  start(address: string): void;
  /** Starts again a process that crashed or stopped; it recovers what its disk holds. */
  restart(address: string): void;
  /** Stops a running process in an orderly way (an agent kills its tasks and unregisters). */
  stop(address: string): void;
  /** Kills a running process: no last words; its disk stays. */
  crash(address: string): void;
  /** Empties a process's disk (a machine rebuilt): its next start knows nothing. */
  wipeDisk(address: string): void;
  /** Cuts the link between `a` and `b` (only `a` → `b` when `oneWay`). */
  partition(a: string, b: string, oneWay: boolean): void;
  /** Restores the link between `a` and `b`. */
  heal(a: string, b: string): void;
  /**
   * Why this harness cannot replay faults of `kind` (yet), or undefined when it can. The run
   * loop skips such faults, tracing `fault.skipped` with this reason, so a run never drops one
   * silently.
   */
  cannotReplay(kind: FaultSpec['kind']): string | undefined;
  /** Clock skew, where the world can do it (the simulator only). */
  readonly clockSkew: ClockSkewCapability | undefined;

  /** The master's counters now (0 while it is down). */
  masterCounters(): MasterCounters;
  /** Records a harness event (a fault skipped, say) in the run's trace or log. */
  trace(event: TraceEvent): void;

  /** Resolves when every process asked for so far is up (at once in the simulator). */
  ready(): Promise<void>;
  /**
   * Drives the world until `done()` holds or `withinMs` of scenario time have passed; true if it
   * held. The simulator runs events one by one; live waits in real time, polling.
   */
  runUntil(done: () => boolean, withinMs: number): Promise<boolean>;
  /** Drives the world to scenario time `timeMs` (the simulator runs to it; live waits for it). */
  runTo(timeMs: number): Promise<void>;
  /** Stops everything (live: closes servers, kills tasks); a no-op in the simulator. */
  close(): Promise<void>;
}
