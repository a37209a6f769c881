/**
 * The agents the master knows (Mesos `Master::slaves`): registered ones (connected or not), by id
 * and by address, plus bounded memories of unreachable agents (with the time they were marked,
 * for TASK_UNREACHABLE's `unreachable_time`) and of agents that unregistered.
 */

import type { Capability } from '../core/messages/capabilities.js';
import type { AgentCapability, AgentInfo } from '../core/messages/cluster-info.js';
import type { AgentID } from '../core/messages/ids.js';
import type { ExecutorInfo } from '../core/messages/task-info.js';
import type { Address, TimerId } from '../core/process.js';
import type { Resources } from '../core/resources.js';
import { BoundedMap } from './bounded.js';
import type { MasterLimits } from './options.js';

/** A custom executor the master accounts for (Mesos `Slave::executors`). */
export interface ExecutorRecord {
  readonly info: ExecutorInfo;
  readonly frameworkId: string;
  readonly role: string;
  readonly resources: Resources;
}

/** The health checker's state for one agent (Mesos `SlaveObserver`). */
export interface AgentHealth {
  /** When its next ping is due (on the ping grid), or undefined once health checks stopped. */
  dueAtMs: number | undefined;
  /** A ping is out and no pong came back yet. */
  pinged: boolean;
  /** Consecutive pings that went unanswered. */
  timeouts: number;
}

/** A registered agent (Mesos `Slave`). */
export interface AgentRecord {
  readonly id: string;
  readonly agentId: AgentID;
  /** Its AgentInfo, `id` included. */
  info: AgentInfo;
  address: Address;
  /**
   * Total resources: as registered, with its checkpointed reservations and volumes applied,
   * then converted by each RESERVE, UNRESERVE, CREATE and DESTROY (reservations.ts).
   */
  total: Resources;
  capabilities: readonly Capability<AgentCapability>[];
  version: string | undefined;
  connected: boolean;
  active: boolean;
  readonly registeredAtMs: number;
  reregisteredAtMs: number | undefined;
  /** Framework id → executor id → executor. */
  readonly executors: Map<string, Map<string, ExecutorRecord>>;
  /** Tasks the master asked it to kill, re-killed when it reregisters (keys from {@link taskKey}). */
  readonly killedTasks: Set<string>;
  readonly health: AgentHealth;
  reregisterTimer: TimerId | undefined;
  /** Its unreachability is being written to the registry; it is removed once that is durable. */
  markingUnreachable?: boolean;
}

/** A (framework, task) pair as one map key. */
export function taskKey(frameworkId: string, taskId: string): string {
  return `${frameworkId}\u0000${taskId}`;
}

/** Registered, unreachable and removed agents. */
export class AgentRegistry {
  readonly #registered = new Map<string, AgentRecord>();
  readonly #byAddress = new Map<Address, string>();
  /** Agent id → when it was marked unreachable (ms). */
  readonly unreachable: BoundedMap<string, number>;
  /** Ids of agents that unregistered (Mesos `slaves.removed`). */
  readonly removed: BoundedMap<string, true>;
  /**
   * Records of agents that left (removed or unreachable), most recent last: an OFFERS event
   * built before an agent left still describes its offers on it (allocation.ts).
   */
  readonly #departed: BoundedMap<string, AgentRecord>;

  constructor(limits: MasterLimits) {
    this.unreachable = new BoundedMap(limits.maxUnreachableAgents);
    this.removed = new BoundedMap(limits.maxRemovedAgents);
    this.#departed = new BoundedMap(limits.maxRemovedAgents);
  }

  get(id: string): AgentRecord | undefined {
    return this.#registered.get(id);
  }

  /** The registered agent with this id, or the last record of one that left. */
  known(id: string): AgentRecord | undefined {
    return this.#registered.get(id) ?? this.#departed.get(id);
  }

  /** The registered agent at `address`. */
  at(address: Address): AgentRecord | undefined {
    const id = this.#byAddress.get(address);
    return id === undefined ? undefined : this.#registered.get(id);
  }

  add(agent: AgentRecord): void {
    this.#registered.set(agent.id, agent);
    this.#byAddress.set(agent.address, agent.id);
  }

  /** Forgets a registered agent (it was removed or marked unreachable). */
  delete(agent: AgentRecord): void {
    this.#registered.delete(agent.id);
    this.#departed.set(agent.id, agent);
    if (this.#byAddress.get(agent.address) === agent.id) this.#byAddress.delete(agent.address);
  }

  /** Registered agents, in registration order. */
  all(): IterableIterator<AgentRecord> {
    return this.#registered.values();
  }

  get size(): number {
    return this.#registered.size;
  }
}
