/**
 * Fakes for the master tests: a scheduler and an agent that record what they receive and send
 * what the test scripts, inside a SimWorld with link notifications (a process that goes down is
 * reported to its peers, as a broken connection would be). Latency is a fixed 1 ms.
 */
import type { AgentMessage } from '../../src/core/messages/agent-protocol.js';
import { randomUuidBase64 } from '../../src/core/messages/base64.js';
import type { FrameworkInfo } from '../../src/core/messages/framework-info.js';
import type { Offer } from '../../src/core/messages/offer.js';
import { resourcesToJson } from '../../src/core/messages/resources-json.js';
import type { Call } from '../../src/core/messages/scheduler-call.js';
import type { Event, EventType } from '../../src/core/messages/scheduler-event.js';
import type { Task } from '../../src/core/messages/task.js';
import type { TaskInfo } from '../../src/core/messages/task-info.js';
import type { TaskState } from '../../src/core/messages/task-state.js';
import type { TaskStatus } from '../../src/core/messages/task-status.js';
import type { Address, Env, Process } from '../../src/core/process.js';
import { resources } from '../../src/core/resource-text.js';
import { agentMessage, schedulerCall, type Wire } from '../../src/core/wire.js';
import type { Master } from '../../src/master/master.js';
import type { MasterOptions } from '../../src/master/options.js';
import type { SimWorld } from '../../src/runtime/sim/world.js';
import { newMaster, newWorld } from '../sim-world.js';

export const MASTER = 'master';

export { newWorld } from '../sim-world.js';

/** Spawns the master; returns an accessor for the running instance. */
export function spawnMaster(world: SimWorld<Wire>, options: MasterOptions = {}): () => Master {
  world.spawn(MASTER, () => newMaster(options));
  return () => world.instance(MASTER) as Master;
}

/** One event a fake scheduler received. */
export interface Received {
  readonly at: number;
  readonly event: Event;
}

/** A scheduler that records events and sends the calls it is told to. */
export class FakeScheduler implements Process<Wire> {
  readonly events: Received[] = [];
  frameworkId: string | undefined;
  #env: Env<Wire> | undefined;
  readonly #onEvent: ((s: FakeScheduler, event: Event) => void) | undefined;

  constructor(onEvent?: (s: FakeScheduler, event: Event) => void) {
    this.#onEvent = onEvent;
  }

  onStart(env: Env<Wire>): void {
    this.#env = env;
  }

  onMessage(env: Env<Wire>, _from: Address, msg: Wire): void {
    if (msg.channel !== 'scheduler-event') return;
    this.events.push({ at: env.now(), event: msg.event });
    if (msg.event.type === 'SUBSCRIBED') this.frameworkId = msg.event.subscribed.framework_id.value;
    this.#onEvent?.(this, msg.event);
  }

  onTimer(_env: Env<Wire>, _tag: string, _id: number): void {}

  /** Sends a call to the master. */
  call(call: Call): void {
    (this.#env as Env<Wire>).send(MASTER, schedulerCall(call));
  }

  /** The framework id as a message field. */
  get fid(): { value: string } {
    if (this.frameworkId === undefined) throw new Error('not subscribed');
    return { value: this.frameworkId };
  }

  /** SUBSCRIBE with a minimal FrameworkInfo plus `info`. */
  subscribe(info: Partial<FrameworkInfo> = {}, suppressedRoles?: readonly string[]): void {
    const framework_info: FrameworkInfo = { user: 'test', name: 'test', ...info };
    const id = info.id;
    this.call({
      type: 'SUBSCRIBE',
      ...(id === undefined ? {} : { framework_id: id }),
      subscribe: {
        framework_info,
        ...(suppressedRoles === undefined ? {} : { suppressed_roles: suppressedRoles }),
      },
    });
  }

  /** Events of a type, in arrival order. */
  ofType<T extends EventType>(type: T): Extract<Event, { type: T }>[] {
    return this.events
      .filter((r) => r.event.type === type)
      .map((r) => r.event as Extract<Event, { type: T }>);
  }

  /** Every offer received. */
  offers(): Offer[] {
    return this.ofType('OFFERS').flatMap((e) => [...(e.offers.offers ?? [])]);
  }

  /** Offers the test already took with {@link take}. */
  readonly taken = new Set<string>();

  /** Every task status received. */
  updates(): TaskStatus[] {
    return this.ofType('UPDATE').map((e) => e.update.status);
  }

  /** The statuses of one task. */
  statusesOf(taskId: string): TaskStatus[] {
    return this.updates().filter((s) => s.task_id.value === taskId);
  }

  /** ACCEPT with LAUNCH of `tasks` on `offerIds`. */
  launch(offerIds: readonly string[], tasks: readonly TaskInfo[], refuseSeconds?: number): void {
    this.call({
      type: 'ACCEPT',
      framework_id: this.fid,
      accept: {
        offer_ids: offerIds.map((value) => ({ value })),
        operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }],
        ...(refuseSeconds === undefined ? {} : { filters: { refuse_seconds: refuseSeconds } }),
      },
    });
  }

  /** DECLINE of `offerIds`. */
  decline(offerIds: readonly string[], refuseSeconds?: number): void {
    this.call({
      type: 'DECLINE',
      framework_id: this.fid,
      decline: {
        offer_ids: offerIds.map((value) => ({ value })),
        ...(refuseSeconds === undefined ? {} : { filters: { refuse_seconds: refuseSeconds } }),
      },
    });
  }
}

/** The newest offers a scheduler holds (received, not rescinded, not taken before). */
export function take(s: FakeScheduler): Offer[] {
  const rescinded = new Set(s.ofType('RESCIND').map((e) => e.rescind.offer_id.value));
  const fresh = s.offers().filter((o) => !rescinded.has(o.id.value) && !s.taken.has(o.id.value));
  for (const o of fresh) s.taken.add(o.id.value);
  return fresh;
}

/** A command task on an offer's agent. */
export function commandTask(
  id: string,
  agentId: string,
  resourceText: string,
  command = 'sleep 100',
): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: { value: agentId },
    resources: resourcesToJson(resources(resourceText)),
    command: { value: command },
  };
}

/** One message an agent received. */
export interface AgentReceived {
  readonly at: number;
  readonly message: AgentMessage;
}

/** Options of a {@link FakeAgent}. */
export interface FakeAgentOptions {
  readonly resources?: string;
  readonly hostname?: string;
  /** Answer pings (default true). */
  pong?: boolean;
  /** Reregister with this id and these tasks instead of registering. */
  readonly reregister?: {
    readonly agentId: string;
    readonly tasks?: readonly Task[];
    readonly frameworks?: readonly FrameworkInfo[];
  };
}

/** An agent that registers on start, answers pings and reports what the test scripts. */
export class FakeAgent implements Process<Wire> {
  readonly received: AgentReceived[] = [];
  agentId: string | undefined;
  readonly options: FakeAgentOptions;
  #env: Env<Wire> | undefined;

  constructor(options: FakeAgentOptions = {}) {
    this.options = { pong: true, ...options };
  }

  onStart(env: Env<Wire>): void {
    this.#env = env;
    const agent = {
      hostname: this.options.hostname ?? env.self,
      resources: resourcesToJson(resources(this.options.resources ?? 'cpus:4;mem:4096')),
    };
    const re = this.options.reregister;
    if (re === undefined) {
      this.send({ type: 'REGISTER_AGENT', agent });
      return;
    }
    this.send({
      type: 'REREGISTER_AGENT',
      agent: { ...agent, id: { value: re.agentId } },
      tasks: re.tasks ?? [],
      frameworks: re.frameworks ?? [],
    });
  }

  onMessage(env: Env<Wire>, _from: Address, msg: Wire): void {
    if (msg.channel !== 'agent') return;
    this.received.push({ at: env.now(), message: msg.message });
    const m = msg.message;
    if (m.type === 'AGENT_REGISTERED' || m.type === 'AGENT_REREGISTERED') this.agentId = m.agent_id.value;
    if (m.type === 'PING_AGENT' && this.options.pong) this.send({ type: 'PONG_AGENT' });
  }

  onTimer(_env: Env<Wire>, _tag: string, _id: number): void {}

  send(message: AgentMessage): void {
    (this.#env as Env<Wire>).send(MASTER, agentMessage(message));
  }

  /** Messages of a type, in arrival order. */
  ofType<T extends AgentMessage['type']>(type: T): Extract<AgentMessage, { type: T }>[] {
    return this.received
      .filter((r) => r.message.type === type)
      .map((r) => r.message as Extract<AgentMessage, { type: T }>);
  }

  /** Sends STATUS_UPDATE for a task; returns the update's uuid. */
  update(frameworkId: string, taskId: string, state: TaskState, latest?: TaskState): string {
    const uuid = randomUuidBase64(() => (this.#env as Env<Wire>).random());
    const agent_id = { value: this.agentId as string };
    this.send({
      type: 'STATUS_UPDATE',
      update: {
        framework_id: { value: frameworkId },
        agent_id,
        status: { task_id: { value: taskId }, state, source: 'SOURCE_EXECUTOR', agent_id, uuid },
        timestamp: (this.#env as Env<Wire>).now() / 1000,
        uuid,
      },
      ...(latest === undefined ? {} : { latest_state: latest }),
    });
    return uuid;
  }
}

/** A world with a master, `n` agents (`agent-0`…) and schedulers by name, started. */
export interface Cluster {
  readonly world: SimWorld<Wire>;
  readonly master: () => Master;
  agent(i: number): FakeAgent;
  scheduler(name: string): FakeScheduler;
}

/** Builds a cluster; agents register at once, schedulers are spawned idle. */
export function cluster(
  options: {
    readonly seed?: string | number;
    readonly master?: MasterOptions;
    readonly agents?: readonly FakeAgentOptions[];
    readonly schedulers?: readonly string[];
  } = {},
): Cluster {
  const world = newWorld(options.seed ?? 1);
  const master = spawnMaster(world, options.master);
  (options.agents ?? []).forEach((o, i) => {
    world.spawn(`agent-${i}`, () => new FakeAgent(o));
  });
  for (const name of options.schedulers ?? []) world.spawn(`scheduler-${name}`, () => new FakeScheduler());
  return {
    world,
    master,
    agent: (i) => world.instance(`agent-${i}`) as FakeAgent,
    scheduler: (name) => world.instance(`scheduler-${name}`) as FakeScheduler,
  };
}

/** Runs the world `ms` further. */
export function advance(world: SimWorld<Wire>, ms: number): void {
  world.runUntil(world.now + ms);
}
