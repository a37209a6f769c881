/**
 * Fakes for the agent tests, inside a SimWorld with link notifications and 1 ms latency:
 * - {@link FakeMaster} records every master–agent message it receives, answers registrations
 *   (or not), pings on a period, and acknowledges status updates according to a policy;
 * - {@link FakeExecutor} is a tiny v1 executor: it subscribes, answers LAUNCH with TASK_RUNNING,
 *   KILL with TASK_KILLED, and records every event;
 * - {@link SimLauncher} is the harness's executor launcher: it spawns a FakeExecutor process per
 *   launch and stops it on kill, reporting the exit through a timer on the agent's env.
 */
import { Agent } from '../../src/agent/agent.js';
import type {
  ExecutorExit,
  ExecutorHandle,
  ExecutorLaunch,
  ExecutorLauncher,
  ExecutorStart,
} from '../../src/agent/executor-launcher.js';
import type { AgentOptions } from '../../src/agent/options.js';
import type { TimerReport } from '../../src/agent/timer-report.js';
import type {
  AgentMessage,
  MasterAgentConnection,
  StatusUpdate,
} from '../../src/core/messages/agent-protocol.js';
import { randomUuidBase64 } from '../../src/core/messages/base64.js';
import type { ExecutorCall, ExecutorEvent } from '../../src/core/messages/executor.js';
import type { FrameworkInfo } from '../../src/core/messages/framework-info.js';
import type { TaskInfo } from '../../src/core/messages/task-info.js';
import type { TaskState } from '../../src/core/messages/task-state.js';
import type { Address, Env, Process, TimerId } from '../../src/core/process.js';
import { resources } from '../../src/core/resource-text.js';
import { agentMessage, executorCall, type Wire } from '../../src/core/wire.js';
import { SimCommandRunner } from '../../src/runtime/sim/sim-command-runner.js';
import type { SimWorld } from '../../src/runtime/sim/world.js';

export const MASTER = 'master';
export const AGENT = 'agent-0';
export const AGENT_RESOURCES = 'cpus:4;mem:4096;ports:[31000-32000]';

export { newWorld } from '../sim-world.js';

/** One message the fake master received. */
export interface Got {
  readonly at: number;
  readonly from: Address;
  readonly message: AgentMessage;
}

/** One STATUS_UPDATE the fake master received. */
export interface GotUpdate {
  readonly at: number;
  readonly update: StatusUpdate;
  readonly latest: TaskState | undefined;
}

/** How the fake master treats status updates: acknowledge, or not. */
export type AckPolicy = 'all' | 'none' | ((u: GotUpdate, m: FakeMaster) => boolean);

/** Options of the {@link FakeMaster}. */
export interface FakeMasterOptions {
  /** Whether to answer the n-th (0-based) registration message (default: always). */
  readonly answer?: (message: AgentMessage, n: number) => boolean;
  /** Ping period (default 15 s); undefined in the object means "never ping". */
  readonly pingIntervalMs?: number | undefined;
  readonly ack?: AckPolicy;
  readonly connection?: MasterAgentConnection;
}

/** A master that records and answers as scripted. */
export class FakeMaster implements Process<Wire> {
  readonly received: Got[] = [];
  readonly options: FakeMasterOptions;
  ack: AckPolicy;
  /** Keep pinging; false stops the pings (the agent then times out). */
  pinging = true;
  /** What PING_AGENT says. */
  connected = true;
  agentAddress: Address = AGENT;
  agentId: string | undefined;
  /** Reconciliation requests to put in the next AGENT_REREGISTERED. */
  reconciliations: Extract<AgentMessage, { type: 'AGENT_REREGISTERED' }>['reconciliations'];
  #env: Env<Wire> | undefined;
  #registrations = 0;
  #pingTimer: TimerId | undefined;

  constructor(options: FakeMasterOptions = {}) {
    this.options = options;
    this.ack = options.ack ?? 'all';
  }

  onStart(env: Env<Wire>): void {
    this.#env = env;
  }

  onMessage(env: Env<Wire>, from: Address, msg: Wire): void {
    // As the real master: a broken connection means a REGISTER_AGENT from there is a new agent.
    if (msg.channel === 'link' && msg.exited === this.agentAddress) this.agentId = undefined;
    if (msg.channel !== 'agent') return;
    const message = msg.message;
    this.received.push({ at: env.now(), from, message });
    switch (message.type) {
      case 'REGISTER_AGENT':
      case 'REREGISTER_AGENT': {
        const n = this.#registrations++;
        if (!(this.options.answer?.(message, n) ?? true)) return;
        this.agentAddress = from;
        const connection =
          this.options.connection === undefined ? {} : { connection: this.options.connection };
        if (message.type === 'REGISTER_AGENT') {
          // A retry from the registered agent gets the same id again (Mesos `registerSlave`).
          this.agentId ??= `m-S${n}`;
          this.send({ type: 'AGENT_REGISTERED', agent_id: { value: this.agentId }, ...connection });
        } else {
          this.agentId = message.agent.id?.value;
          this.send({
            type: 'AGENT_REREGISTERED',
            agent_id: { value: this.agentId ?? '' },
            ...(this.reconciliations === undefined ? {} : { reconciliations: this.reconciliations }),
            ...connection,
          });
          this.reconciliations = undefined;
        }
        this.#startPings();
        return;
      }
      case 'STATUS_UPDATE': {
        const got: GotUpdate = { at: env.now(), update: message.update, latest: message.latest_state };
        const ack = this.ack;
        if (ack === 'all' || (typeof ack === 'function' && ack(got, this))) this.acknowledge(message.update);
        return;
      }
      default:
    }
  }

  onTimer(_env: Env<Wire>, _tag: string, id: TimerId): void {
    if (id !== this.#pingTimer) return;
    this.#pingTimer = undefined;
    this.#ping();
  }

  /** Sends a message to the agent. */
  send(message: AgentMessage): void {
    this.#env?.send(this.agentAddress, agentMessage(message));
  }

  /** Acknowledges an update (as the master relays a scheduler's ACKNOWLEDGE). */
  acknowledge(update: StatusUpdate): void {
    this.send({
      type: 'STATUS_UPDATE_ACKNOWLEDGEMENT',
      agent_id: update.agent_id,
      framework_id: update.framework_id,
      task_id: update.status.task_id,
      uuid: update.uuid,
    });
  }

  /** RUN_TASK for `task` of `framework`, on the registered agent. */
  runTask(task: TaskInfo, framework: FrameworkInfo = FRAMEWORK): void {
    this.send({ type: 'RUN_TASK', framework, task, launch_executor: true });
  }

  /** Messages of one type, in arrival order. */
  ofType<T extends AgentMessage['type']>(type: T): (Got & { message: Extract<AgentMessage, { type: T }> })[] {
    return this.received.filter((g) => g.message.type === type) as (Got & {
      message: Extract<AgentMessage, { type: T }>;
    })[];
  }

  /** Every STATUS_UPDATE received. */
  updates(): GotUpdate[] {
    return this.ofType('STATUS_UPDATE').map((g) => ({
      at: g.at,
      update: g.message.update,
      latest: g.message.latest_state,
    }));
  }

  /** The states of a task's updates, in arrival order (duplicates included). */
  statesOf(taskId: string): TaskState[] {
    return this.updates()
      .filter((u) => u.update.status.task_id.value === taskId)
      .map((u) => u.update.status.state);
  }

  #startPings(): void {
    if (this.#pingTimer !== undefined || !this.#pingsEnabled()) return;
    this.#ping();
  }

  #pingsEnabled(): boolean {
    return !('pingIntervalMs' in this.options) || this.options.pingIntervalMs !== undefined;
  }

  #ping(): void {
    if (!this.pinging) return;
    this.send({ type: 'PING_AGENT', connected: this.connected });
    this.#pingTimer = this.#env?.setTimer(this.options.pingIntervalMs ?? 15_000, 'ping');
  }
}

/** The framework most tests use. */
export const FRAMEWORK: FrameworkInfo = { user: 'alice', name: 'test-framework', id: { value: 'fw-1' } };

/** A command task for the agent `agentId`. */
export function commandTask(id: string, command: string, agentId: string): TaskInfo {
  return {
    name: `task ${id}`,
    task_id: { value: id },
    agent_id: { value: agentId },
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: '*' }],
    command: { value: command },
  };
}

/** A task for the custom executor `executorId`. */
export function executorTask(id: string, executorId: string, agentId: string): TaskInfo {
  return {
    name: `task ${id}`,
    task_id: { value: id },
    agent_id: { value: agentId },
    executor: { executor_id: { value: executorId }, command: { value: './my-executor' } },
  };
}

/** Spawns a fake master and an agent; returns accessors for both. */
export function setup(
  world: SimWorld<Wire>,
  master: FakeMasterOptions = {},
  agent: Partial<AgentOptions> = {},
): { master: () => FakeMaster; agent: () => Agent } {
  world.spawn(MASTER, () => new FakeMaster(master));
  world.spawn(
    AGENT,
    () =>
      new Agent({ resources: resources(AGENT_RESOURCES), commandRunner: new SimCommandRunner(), ...agent }),
  );
  return { master: () => world.instance(MASTER) as FakeMaster, agent: () => world.instance(AGENT) as Agent };
}

/** Agent trace records of one kind (`agent.<kind>`), parsed. */
export function traces(world: SimWorld<Wire>, kind: string): Record<string, unknown>[] {
  return world
    .traceLines()
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.kind === `agent.${kind}`);
}

// ------------------------------------------------------------------------------------------
// Executors

/** A tiny v1 executor (see the module comment). */
export class FakeExecutor implements Process<Wire> {
  readonly events: { at: number; event: ExecutorEvent }[] = [];
  readonly agent: Address;
  readonly frameworkId: string;
  readonly executorId: string;
  /** Whether it subscribes on start. */
  readonly subscribes: boolean;
  #env: Env<Wire> | undefined;

  constructor(agent: Address, frameworkId: string, executorId: string, subscribes = true) {
    this.agent = agent;
    this.frameworkId = frameworkId;
    this.executorId = executorId;
    this.subscribes = subscribes;
  }

  onStart(env: Env<Wire>): void {
    this.#env = env;
    if (this.subscribes) this.call({ type: 'SUBSCRIBE', subscribe: {} });
  }

  onMessage(env: Env<Wire>, _from: Address, msg: Wire): void {
    if (msg.channel !== 'executor-event') return;
    const event = msg.event;
    this.events.push({ at: env.now(), event });
    if (event.type === 'LAUNCH') this.update(event.launch.task.task_id.value, 'TASK_RUNNING');
    if (event.type === 'KILL') this.update(event.kill.task_id.value, 'TASK_KILLED');
  }

  onTimer(): void {}

  /** Sends a call (ids filled in). */
  call(call: DistributiveOmit<ExecutorCall, 'executor_id' | 'framework_id'>): void {
    this.#env?.send(
      this.agent,
      executorCall({
        ...call,
        executor_id: { value: this.executorId },
        framework_id: { value: this.frameworkId },
      } as ExecutorCall),
    );
  }

  /** UPDATE for a task, with a fresh uuid; returns the uuid. */
  update(taskId: string, state: TaskState): string {
    const env = this.#env as Env<Wire>;
    const uuid = randomUuidBase64(() => env.random());
    this.call({
      type: 'UPDATE',
      update: {
        status: {
          task_id: { value: taskId },
          state,
          source: 'SOURCE_EXECUTOR',
          uuid,
          timestamp: env.now() / 1000,
        },
      },
    });
    return uuid;
  }

  /** Events of a type. */
  ofType<T extends ExecutorEvent['type']>(type: T): Extract<ExecutorEvent, { type: T }>[] {
    return this.events
      .filter((e) => e.event.type === type)
      .map((e) => e.event as Extract<ExecutorEvent, { type: T }>);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The address the {@link SimLauncher} spawns an executor at. */
export function executorAddress(frameworkId: string, executorId: string, n: number): Address {
  return `executor-${frameworkId}-${executorId}-${n}`;
}

/** The harness's executor launcher: one FakeExecutor process per launch. */
export class SimLauncher implements ExecutorLauncher {
  readonly world: SimWorld<Wire>;
  readonly launches: ExecutorLaunch[] = [];
  /** Whether spawned executors subscribe (false to test the registration timeout). */
  subscribes = true;
  readonly #addresses = new Map<number, Address>();
  readonly #exits = new Map<TimerId, ExecutorExit>();
  #next = 0;

  constructor(world: SimWorld<Wire>) {
    this.world = world;
  }

  launch(_env: Env<Wire>, launch: ExecutorLaunch): ExecutorStart {
    const handle: ExecutorHandle = { id: this.#next++ };
    const address = executorAddress(launch.frameworkId, launch.executor.executor_id.value, handle.id);
    this.launches.push(launch);
    this.#addresses.set(handle.id, address);
    const subscribes = this.subscribes;
    this.world.at(this.world.now, (w) =>
      w.spawn(
        address,
        () =>
          new FakeExecutor(
            launch.agentAddress,
            launch.frameworkId,
            launch.executor.executor_id.value,
            subscribes,
          ),
      ),
    );
    return { ok: true, handle };
  }

  kill(env: Env<Wire>, handle: ExecutorHandle): void {
    const address = this.#addresses.get(handle.id);
    if (address === undefined) return;
    this.#addresses.delete(handle.id);
    this.world.at(this.world.now, (w) => {
      if (w.status(address) === 'running') w.stop(address);
    });
    // SIGKILL: waitpid status 9.
    this.#exits.set(env.setTimer(0, 'sim-launcher-exit'), { handle, status: 9 });
  }

  onTimer(_env: Env<Wire>, _tag: string, id: TimerId): TimerReport<ExecutorExit> {
    const exit = this.#exits.get(id);
    if (exit === undefined) return { kind: 'not-mine' };
    this.#exits.delete(id);
    return { kind: 'report', value: exit };
  }

  /** The executor process of launch `n`. */
  executor(n: number): FakeExecutor | undefined {
    const launch = this.launches[n];
    if (launch === undefined) return undefined;
    return this.world.instance(executorAddress(launch.frameworkId, launch.executor.executor_id.value, n)) as
      | FakeExecutor
      | undefined;
  }
}
