/**
 * Fakes for the driver tests: a master that records the calls it receives and sends the events a
 * test scripts, a Scheduler that records its callbacks, and a world with link notices (a process
 * that goes down is reported to its peers, as a broken connection would be) and 1 ms latency.
 */
import type { MasterInfo } from '../../src/core/messages/cluster-info.js';
import type { FrameworkInfo } from '../../src/core/messages/framework-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID } from '../../src/core/messages/ids.js';
import type { Offer } from '../../src/core/messages/offer.js';
import type { Call, CallType } from '../../src/core/messages/scheduler-call.js';
import type { Event } from '../../src/core/messages/scheduler-event.js';
import type { TaskStatus } from '../../src/core/messages/task-status.js';
import type { Address, Env, Process, TimerId } from '../../src/core/process.js';
import { schedulerEvent, type Wire } from '../../src/core/wire.js';
import {
  MesosSchedulerDriver,
  type Scheduler,
  type SchedulerDriver,
  type SchedulerDriverOptions,
} from '../../src/driver/index.js';
import type { SimWorld } from '../../src/runtime/sim/world.js';
import { newWorld } from '../sim-world.js';

export const MASTER = 'master';
export const SCHEDULER = 'scheduler-test';
export const FRAMEWORK_ID = 'M1-0000';
export const MASTER_INFO: MasterInfo = { id: 'M1', ip: 0, port: 5050, hostname: 'master' };

export { newWorld } from '../sim-world.js';

/** One call the fake master received. */
export interface ReceivedCall {
  readonly at: number;
  readonly from: Address;
  readonly call: Call;
}

/** Options of a {@link FakeMaster}. */
export interface FakeMasterOptions {
  /** Answer SUBSCRIBE with SUBSCRIBED and a HEARTBEAT (default true). */
  readonly answerSubscribe?: boolean;
  /** The id given to a SUBSCRIBE without one (default {@link FRAMEWORK_ID}). */
  readonly frameworkId?: string;
  /** `heartbeat_interval_seconds` in SUBSCRIBED (default 15). */
  readonly heartbeatSeconds?: number;
  /** Send HEARTBEAT every interval after subscription (default false: only the first one). */
  readonly heartbeats?: boolean;
}

/** A master that records calls and link notices, and sends what the test says. */
export class FakeMaster implements Process<Wire> {
  readonly calls: ReceivedCall[] = [];
  /** Addresses whose connection closed, with the time of the notice. */
  readonly links: { readonly at: number; readonly exited: Address }[] = [];
  readonly options: Required<FakeMasterOptions>;
  #env: Env<Wire> | undefined;
  #subscriber: Address | undefined;

  constructor(options: FakeMasterOptions = {}) {
    this.options = {
      answerSubscribe: true,
      frameworkId: FRAMEWORK_ID,
      heartbeatSeconds: 15,
      heartbeats: false,
      ...options,
    };
  }

  onStart(env: Env<Wire>): void {
    this.#env = env;
  }

  onMessage(env: Env<Wire>, from: Address, msg: Wire): void {
    if (msg.channel === 'link') {
      this.links.push({ at: env.now(), exited: msg.exited });
      return;
    }
    if (msg.channel !== 'scheduler-call') return;
    this.calls.push({ at: env.now(), from, call: msg.call });
    const call = msg.call;
    if (call.type === 'SUBSCRIBE' && this.options.answerSubscribe) {
      const id = call.subscribe.framework_info.id ?? { value: this.options.frameworkId };
      this.#subscriber = from;
      this.send(from, {
        type: 'SUBSCRIBED',
        subscribed: {
          framework_id: id,
          heartbeat_interval_seconds: this.options.heartbeatSeconds,
          master_info: MASTER_INFO,
        },
      });
      this.send(from, { type: 'HEARTBEAT' });
      if (this.options.heartbeats) env.setTimer(this.options.heartbeatSeconds * 1000, 'heartbeat');
    }
  }

  onTimer(env: Env<Wire>, _tag: string, _id: TimerId): void {
    if (this.#subscriber === undefined) return;
    this.send(this.#subscriber, { type: 'HEARTBEAT' });
    env.setTimer(this.options.heartbeatSeconds * 1000, 'heartbeat');
  }

  /** Sends an event to `to` (default the scheduler). */
  send(to: Address, event: Event): void {
    (this.#env as Env<Wire>).send(to, schedulerEvent(event));
  }

  /** The calls of one type, in arrival order. */
  ofType<T extends CallType>(type: T): Extract<Call, { type: T }>[] {
    return this.calls.filter((c) => c.call.type === type).map((c) => c.call as Extract<Call, { type: T }>);
  }

  /** The call types received, in order. */
  types(): CallType[] {
    return this.calls.map((c) => c.call.type);
  }
}

/** One callback a scheduler received: its name and arguments (without the driver). */
export interface Callback {
  readonly at: number;
  readonly name: keyof Scheduler;
  readonly args: readonly unknown[];
  /** The driver status when the callback ran. */
  readonly status: string;
}

/** Extra behaviour for a {@link RecordingScheduler}'s callbacks. */
export type Hooks = { readonly [K in keyof Scheduler]?: Scheduler[K] };

/** A Scheduler that records every callback, then runs the test's hook for it. */
export class RecordingScheduler implements Scheduler {
  readonly log: Callback[] = [];
  readonly #hooks: Hooks;
  readonly #now: () => number;

  constructor(now: () => number, hooks: Hooks = {}) {
    this.#now = now;
    this.#hooks = hooks;
  }

  /** The callback names, in order. */
  names(): string[] {
    return this.log.map((c) => c.name);
  }

  /** The arguments of every call of one callback. */
  argsOf(name: keyof Scheduler): (readonly unknown[])[] {
    return this.log.filter((c) => c.name === name).map((c) => c.args);
  }

  #record(driver: SchedulerDriver, name: keyof Scheduler, args: readonly unknown[]): void {
    this.log.push({ at: this.#now(), name, args, status: (driver as MesosSchedulerDriver).status });
  }

  registered(driver: SchedulerDriver, frameworkId: FrameworkID, masterInfo: MasterInfo | undefined): void {
    this.#record(driver, 'registered', [frameworkId, masterInfo]);
    this.#hooks.registered?.(driver, frameworkId, masterInfo);
  }
  reregistered(driver: SchedulerDriver, masterInfo: MasterInfo | undefined): void {
    this.#record(driver, 'reregistered', [masterInfo]);
    this.#hooks.reregistered?.(driver, masterInfo);
  }
  disconnected(driver: SchedulerDriver): void {
    this.#record(driver, 'disconnected', []);
    this.#hooks.disconnected?.(driver);
  }
  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    this.#record(driver, 'resourceOffers', [offers]);
    this.#hooks.resourceOffers?.(driver, offers);
  }
  offerRescinded(driver: SchedulerDriver, offerId: OfferID): void {
    this.#record(driver, 'offerRescinded', [offerId]);
    this.#hooks.offerRescinded?.(driver, offerId);
  }
  statusUpdate(driver: SchedulerDriver, status: TaskStatus): void {
    this.#record(driver, 'statusUpdate', [status]);
    this.#hooks.statusUpdate?.(driver, status);
  }
  frameworkMessage(driver: SchedulerDriver, executorId: ExecutorID, agentId: AgentID, data: string): void {
    this.#record(driver, 'frameworkMessage', [executorId, agentId, data]);
    this.#hooks.frameworkMessage?.(driver, executorId, agentId, data);
  }
  slaveLost(driver: SchedulerDriver, agentId: AgentID): void {
    this.#record(driver, 'slaveLost', [agentId]);
    this.#hooks.slaveLost?.(driver, agentId);
  }
  executorLost(
    driver: SchedulerDriver,
    executorId: ExecutorID,
    agentId: AgentID,
    status: number | undefined,
  ): void {
    this.#record(driver, 'executorLost', [executorId, agentId, status]);
    this.#hooks.executorLost?.(driver, executorId, agentId, status);
  }
  error(driver: SchedulerDriver, message: string): void {
    this.#record(driver, 'error', [message]);
    this.#hooks.error?.(driver, message);
  }
}

/** A minimal FrameworkInfo. */
export const INFO: FrameworkInfo = { user: 'tester', name: 'driver-test' };

/** A test setup: a world, a fake master, a driver and its recording scheduler. */
export interface Setup {
  readonly world: SimWorld<Wire>;
  readonly driver: MesosSchedulerDriver;
  readonly scheduler: RecordingScheduler;
  /** The running fake master (a new instance after a restart). */
  master(): FakeMaster;
  /** Runs the world `ms` further. */
  advance(ms: number): void;
}

/** Options of {@link setup}. */
export interface SetupOptions {
  readonly info?: FrameworkInfo;
  readonly hooks?: Hooks;
  readonly driver?: SchedulerDriverOptions;
  readonly master?: FakeMasterOptions;
  /** Start the driver (default true) and run 10 ms so that it subscribes. */
  readonly start?: boolean;
  readonly seed?: string | number;
}

/** A fake master at `master` and a driver's process at {@link SCHEDULER}, both spawned. */
export function setup(options: SetupOptions = {}): Setup {
  const world = newWorld(options.seed ?? 1);
  world.spawn(MASTER, () => new FakeMaster(options.master));
  const scheduler = new RecordingScheduler(() => world.now, options.hooks);
  const driver = new MesosSchedulerDriver(scheduler, options.info ?? INFO, options.driver);
  world.spawn(SCHEDULER, () => driver.process);
  const s: Setup = {
    world,
    driver,
    scheduler,
    master: () => world.instance(MASTER) as FakeMaster,
    advance: (ms) => world.runUntil(world.now + ms),
  };
  if (options.start ?? true) {
    driver.start();
    s.advance(10);
  }
  return s;
}

/** An offer from the fake master. */
export function offer(id: string, agent = 'S1', cpus = 4, mem = 4096): Offer {
  return {
    id: { value: id },
    framework_id: { value: FRAMEWORK_ID },
    agent_id: { value: agent },
    hostname: agent,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus } },
      { name: 'mem', type: 'SCALAR', scalar: { value: mem } },
    ],
  };
}

/** A 16-byte uuid as base64 (what an agent stamps on an update). */
export const UUID = 'AAECAwQFBgcICQoLDA0ODw==';
