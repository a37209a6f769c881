/**
 * Everything one master incarnation holds, shared by the handlers: its env, options, the
 * allocator it drives, its registries and books, and the few helpers every handler needs to talk
 * to frameworks and agents. The handlers are plain functions over this context, each in the file
 * of the concept it implements; `master.ts` only dispatches to them.
 */

import type { Allocator } from '../allocator/allocator.js';
import type { AgentMessage } from '../core/messages/agent-protocol.js';
import type { MasterInfo } from '../core/messages/cluster-info.js';
import { packedIpv4 } from '../core/messages/network.js';
import type { Event } from '../core/messages/scheduler-event.js';
import type { Address, Env } from '../core/process.js';
import { randomUuidText } from '../core/uuid.js';
import { AGORA_PROCESS_VERSION } from '../core/version.js';
import { agentMessage, schedulerEvent, type Wire } from '../core/wire.js';
import { type AgentRecord, AgentRegistry } from './agent-registry.js';
import { MasterCounters } from './counters.js';
import { type FrameworkRecord, FrameworkRegistry } from './framework-registry.js';
import { MasterIds } from './ids.js';
import { OfferBook } from './offer-book.js';
import { UnacknowledgedOperations } from './operation-statuses.js';
import type { ResolvedMasterOptions } from './options.js';
import { Registrar, recoverRegistry } from './registry.js';
import { TaskBook } from './task-book.js';
import { type MasterTimers, masterTimers } from './timers.js';

/** Asks for an allocation run over some agents (all when none are given), coalesced. */
export interface AllocationTrigger {
  trigger(agentIds?: Iterable<string>): void;
  /** Holds allocation until `agents` agents are back or `untilMs` (after a failover with quota). */
  pauseForRecovery?(agents: number, untilMs: number): void;
}

/** The port a Mesos master listens on; reported in MasterInfo. */
export const MASTER_PORT = 5050;

/** One master incarnation's state and helpers. */
export class MasterContext {
  readonly env: Env<Wire>;
  readonly options: ResolvedMasterOptions;
  readonly ids: MasterIds;
  readonly allocator: Allocator;
  readonly timers: MasterTimers;
  readonly frameworks: FrameworkRegistry;
  readonly agents: AgentRegistry;
  readonly tasks: TaskBook;
  readonly offers: OfferBook;
  /** Agents whose next ping is due at each time of the ping grid (see health.ts). */
  readonly pingsDue = new Map<number, AgentRecord[]>();
  readonly counters = new MasterCounters();
  /** Operation statuses sent and not acknowledged yet (operation-statuses.ts). */
  readonly unacknowledgedOperations = new UnacknowledgedOperations();
  readonly startedAtMs: number;
  readonly masterInfo: MasterInfo;
  readonly registrar: Registrar;
  /**
   * Agents the registry says were admitted and that have not reregistered with this master yet
   * (Mesos `slaves.recovered`): id → hostname. Explicit reconciliation of their tasks gets no
   * answer until they do, or until they are marked unreachable.
   */
  readonly recoveredAgents = new Map<string, string>();
  /** Agents an operator marked gone (MARK_AGENT_GONE; Mesos `slaves.gone`), and those being marked. */
  readonly agentsMarkedGone = new Set<string>();
  readonly agentsMarkingGone = new Set<string>();
  /** Addresses whose REGISTER_AGENT is being admitted in the registry. */
  readonly admitting = new Set<Address>();
  /** Frameworks taken back from a SUBSCRIBE with an id neither this master nor its registry knew. */
  unknownFrameworksAdmitted = 0;
  /**
   * Whether trace records are kept (`env.tracing` is not false): hot paths test it before
   * building a record's fields, which would otherwise be built only to be discarded.
   */
  readonly tracing: boolean;
  /** Set by the master once its allocation loop exists. */
  allocation: AllocationTrigger = { trigger: () => {} };

  constructor(env: Env<Wire>, options: ResolvedMasterOptions, allocator: Allocator) {
    this.env = env;
    this.options = options;
    this.tracing = env.tracing !== false;
    // Mesos: "Master ID is generated randomly based on UUID" (Master::Master).
    this.ids = new MasterIds(randomUuidText(() => env.random()));
    // Mesos's Master::initialize initializes the allocator main.cpp created; here it takes the
    // master's clock and stream (it shares the stream, drawing after the master id's draws).
    allocator.initialize({ now: () => env.now(), random: () => env.random() });
    this.allocator = allocator;
    this.timers = masterTimers(env);
    const recovered = recoverRegistry(env.store);
    // Mesos's master exits when it cannot recover its registry; so does this one.
    if (typeof recovered === 'string') throw new Error(`cannot recover the registry: ${recovered}`);
    this.registrar = new Registrar(env.store, this.timers, recovered);
    // Weights in the registry win over the flags (Mesos ignores --weights once weights were
    // stored); flags given to a master with none stored are stored.
    const stored = Object.entries(recovered.weights);
    const weights = stored.length > 0 ? new Map(stored) : options.weights;
    for (const [role, weight] of weights) this.allocator.updateWeight(role, weight);
    if (stored.length === 0 && weights.size > 0) this.registrar.apply({ kind: 'set-weights', weights });
    // Quota limits likewise (Mesos keeps quota configs in its registry).
    const storedQuotas = Object.entries(recovered.quotas);
    const quotas = storedQuotas.length > 0 ? new Map(storedQuotas) : options.quotas;
    for (const [role, limits] of quotas) this.allocator.updateQuota(role, quotaLimits(limits));
    if (storedQuotas.length === 0 && quotas.size > 0) this.registrar.apply({ kind: 'set-quotas', quotas });
    this.frameworks = new FrameworkRegistry(options.limits.maxCompletedFrameworks);
    this.agents = new AgentRegistry(options.limits);
    this.tasks = new TaskBook(options.limits);
    this.offers = new OfferBook(this.ids.masterId);
    for (const [id, hostname] of Object.entries(recovered.admitted)) this.recoveredAgents.set(id, hostname);
    for (const [id, atMs] of Object.entries(recovered.unreachable)) this.agents.unreachable.set(id, atMs);
    for (const id of recovered.gone) this.agents.removed.set(id, true);
    // An agent an operator marked gone stays out across restarts (Mesos keeps `slaves.gone`).
    for (const id of recovered.markedGone ?? []) this.agentsMarkedGone.add(id);
    this.startedAtMs = env.now();
    this.masterInfo = masterInfo(this.ids.masterId, env.self, options);
  }

  now(): number {
    return this.env.now();
  }

  /**
   * Whether framework `id` was removed (torn down, or past its failover timeout), by this
   * master or, as its registry says, by an earlier one: it may not come back.
   */
  frameworkRemoved(id: string): boolean {
    return this.frameworks.isCompleted(id) || this.registrar.frameworkRemoved(id);
  }

  /** Records a `master.<kind>` trace line. */
  trace(kind: string, fields: Readonly<Record<string, unknown>> = {}): void {
    if (!this.tracing) return;
    this.env.trace({ kind: `master.${kind}`, ...fields });
  }

  /**
   * Sends an event on the framework's subscription; an event for a disconnected framework is
   * dropped, as Mesos drops what it cannot write to a closed stream. Returns whether it was sent.
   */
  sendEvent(framework: FrameworkRecord, event: Event): boolean {
    if (!framework.connected || framework.address === undefined) return false;
    this.env.send(framework.address, schedulerEvent(event));
    return true;
  }

  /** Sends an event to an address that is not (or no longer) a framework's subscription. */
  sendEventTo(address: Address, event: Event): void {
    this.env.send(address, schedulerEvent(event));
  }

  /** Sends a master–agent message to a registered agent's address. */
  sendAgent(agent: AgentRecord, message: AgentMessage): void {
    this.env.send(agent.address, agentMessage(message));
  }
}

/**
 * MasterInfo as Mesos's `createMasterInfo` fills it: `ip` packed as Mesos packs it and `port`
 * (both deprecated, both required), `pid`, `hostname`, `version`, `address` (hostname, ip,
 * port) and `domain` when the master has one. The simulated master has no IP: `ip` is 0 and
 * `address` names it by its process address. Capabilities are left out: Agora implements none
 * of Mesos's master capabilities (agent updates, draining, quota v2).
 */
function masterInfo(id: string, self: Address, options: ResolvedMasterOptions): MasterInfo {
  const endpoint = options.endpoint;
  const hostname = endpoint?.hostname ?? self;
  const port = endpoint?.port ?? MASTER_PORT;
  const ip = endpoint?.ip;
  return {
    id,
    ip: packedIpv4(ip),
    port,
    pid: endpoint === undefined ? `master@${self}` : `master@${ip ?? endpoint.hostname}:${endpoint.port}`,
    hostname,
    version: AGORA_PROCESS_VERSION,
    address: ip === undefined ? { hostname, port } : { hostname, ip, port },
    ...(options.domain === undefined ? {} : { domain: options.domain }),
  };
}

/** Quota limits as the allocator takes them: scalar name → milli-units. */
function quotaLimits(limits: Readonly<Record<string, number>>): Map<string, number> {
  return new Map(Object.entries(limits).map(([name, amount]) => [name, Math.round(amount * 1000)]));
}
