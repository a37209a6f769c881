/**
 * The Mesos master as a sans-IO process (ARCHITECTURE.md §1): it reacts to scheduler calls,
 * agent messages, broken connections (`link`) and its own timers, drives the hierarchical
 * allocator, and acts only through its env. This class is the dispatcher; each concept lives in
 * its own file (subscribe, accept, offer calls, task calls, reconcile, status updates, agent
 * registration and removal, health checks, the allocation loop, state).
 *
 * The batch allocation timer fires every allocation interval for as long as the master runs, so
 * a simulated world with a master never goes idle: drive it with `runUntil`.
 *
 * Messages arrive already decoded and validated by the transport (the live node decodes from
 * JSON with src/core/messages; the simulator hands typed messages over), so the master checks
 * only what depends on its state.
 */
import type { Allocator } from '../allocator/allocator.js';
import { assertNever } from '../core/assert-never.js';
import type { MasterInfo } from '../core/messages/cluster-info.js';
import type { ResourceJson } from '../core/messages/resources-json.js';
import type { Call } from '../core/messages/scheduler-call.js';
import type { Address, Env, Process, TimerId } from '../core/process.js';
import type { Wire } from '../core/wire.js';
import { handleAgentMessage } from './agent-messages.js';
import { disconnectAgent } from './agent-removal.js';
import { AllocationLoop } from './allocation.js';
import { admitCall, type CallAdmission } from './call-admission.js';
import { handleCall } from './calls.js';
import { MasterContext } from './context.js';
import type { MasterCountersSnapshot } from './counters.js';
import { disconnectFramework } from './framework-lifecycle.js';
import { handleOperatorCall } from './operator-calls.js';
import { operatorRoles, operatorState, type V1Role, type V1State } from './operator-state.js';
import { type MasterOptions, type ResolvedMasterOptions, resolveMasterOptions } from './options.js';
import { startRecovery } from './recovery.js';
import { operatorReservation } from './reservations.js';
import { type AgentUsage, agentUsage, countersSnapshot, type MasterState, masterState } from './state.js';
import { updateFrameworkProblem } from './subscribe.js';

/**
 * The master process. It drives the allocator it is handed: the composition root chooses and
 * builds it (Mesos's master `main.cpp` creates the allocator and passes it to `Master`), so the
 * master knows only the {@link Allocator} interface. One allocator serves one incarnation: a
 * root that restarts a master builds a new master with a new allocator.
 */
export class Master implements Process<Wire> {
  readonly options: ResolvedMasterOptions;
  readonly #allocator: Allocator;
  #ctx: MasterContext | undefined;

  constructor(allocator: Allocator, options: MasterOptions = {}) {
    this.options = resolveMasterOptions(options);
    this.#allocator = allocator;
  }

  onStart(env: Env<Wire>): void {
    const ctx = new MasterContext(env, this.options, this.#allocator);
    const loop = new AllocationLoop(ctx);
    ctx.allocation = loop;
    this.#ctx = ctx;
    loop.start();
    ctx.trace('started', { id: ctx.ids.masterId });
    startRecovery(ctx);
  }

  onMessage(_env: Env<Wire>, from: Address, msg: Wire): void {
    const ctx = this.#context();
    switch (msg.channel) {
      case 'scheduler-call':
        handleCall(ctx, from, msg.call);
        return;
      case 'agent':
        handleAgentMessage(ctx, from, msg.message);
        return;
      case 'link':
        this.#exited(ctx, msg.exited);
        return;
      case 'operator-call':
        handleOperatorCall(ctx, from, msg.id, msg.call);
        return;
      case 'scheduler-event':
      case 'executor-call':
      case 'executor-event':
      case 'operator-answer':
        ctx.trace('message-ignored', { from, channel: msg.channel });
        return;
      default:
        assertNever(msg, 'wire channel');
    }
  }

  onTimer(_env: Env<Wire>, _tag: string, id: TimerId): void {
    this.#context().timers.fire(id);
  }

  /** The state in the operator API v1's shapes (operator-state.ts). */
  operatorState(): V1State {
    return operatorState(this.#context());
  }

  /** The roles as the operator API's GET_ROLES lists them. */
  operatorRoles(): V1Role[] {
    return operatorRoles(this.#context());
  }

  /** The master's MasterInfo (what SUBSCRIBED and GET_MASTER carry). */
  get info(): MasterInfo {
    return this.#context().masterInfo;
  }

  /** The master's id (a UUID chosen at start). */
  get masterId(): string {
    return this.#context().ids.masterId;
  }

  /** A snapshot shaped like Mesos's /master/state. */
  state(): MasterState {
    return masterState(this.#context());
  }

  /**
   * Where framework `id` stands: unknown (never registered, or removed), registered but
   * disconnected, or connected from an address (what checking runs look at; calls are admitted
   * by {@link callAdmission}).
   */
  frameworkConnection(id: string): FrameworkConnection {
    const framework = this.#context().frameworks.get(id);
    if (framework === undefined) return { kind: 'unknown' };
    if (!framework.connected || framework.address === undefined) return { kind: 'disconnected' };
    return { kind: 'connected', address: framework.address };
  }

  /**
   * Every agent's total, used and offered resources: what /master/state shows of them, without
   * building the rest of the snapshot (a checking run reads it after every event).
   */
  agentUsage(): AgentUsage[] {
    const ctx = this.#context();
    return [...ctx.agents.all()].map((agent) => agentUsage(ctx, agent));
  }

  /**
   * Whether a call from `from` may act for framework `id` (see call-admission.ts): the live HTTP
   * endpoint answers a call's status code from it synchronously, as Mesos's does, with the
   * same decision the master then makes when the call arrives.
   */
  callAdmission(id: string, from: Address | undefined): CallAdmission {
    return admitCall(this.#context(), id, from);
  }

  /**
   * Why the master would refuse this UPDATE_FRAMEWORK (Mesos's 400 body), or undefined if it
   * takes it (or its framework is not registered, which admission answers): the live endpoint
   * answers it synchronously, as Mesos does, before delivering the call.
   */
  updateFrameworkProblem(call: Extract<Call, { type: 'UPDATE_FRAMEWORK' }>): string | undefined {
    const framework = this.#context().frameworks.get(call.framework_id.value);
    return framework === undefined ? undefined : updateFrameworkProblem(framework, call);
  }

  /** REQUEST calls received (Mesos `master/messages_resource_request`). */
  resourceRequests(): number {
    return this.#context().counters.resourceRequests;
  }

  /** The roles framework `id` is subscribed to, or undefined if it is not registered. */
  frameworkRoles(id: string): readonly string[] | undefined {
    return this.#context().frameworks.get(id)?.roles;
  }

  /** Every role's quota limits (role → scalar name → amount), as the registry holds them. */
  quotas(): Readonly<Record<string, Readonly<Record<string, number>>>> {
    return this.#context().registrar.document().quotas;
  }

  /** The configured role weights (role → weight; roles not listed weigh 1), as the registry holds them. */
  weights(): Readonly<Record<string, number>> {
    return this.#context().registrar.document().weights;
  }

  /** The address agent `id` is registered from, if it is registered (connected or not). */
  agentAddress(id: string): Address | undefined {
    return this.#context().agents.get(id)?.address;
  }

  /** The id of the agent registered from `address`, if any. */
  agentAt(address: Address): string | undefined {
    return this.#context().agents.at(address)?.id;
  }

  /** Whether offer `id` is outstanding: made and not yet accepted, declined or rescinded. */
  offerOutstanding(id: string): boolean {
    return this.#context().offers.get(id) !== undefined;
  }

  /** The offer and task counters. */
  counters(): MasterCountersSnapshot {
    return countersSnapshot(this.#context());
  }

  /**
   * The operator API's RESERVE_RESOURCES / UNRESERVE_RESOURCES on this master
   * (reservations.ts {@link operatorReservation}); run it inside the master's world.
   */
  reserveResources(
    kind: 'RESERVE' | 'UNRESERVE',
    agentId: string,
    resources: readonly ResourceJson[],
    done: (problem: string | undefined, status?: 400 | 409) => void,
  ): void {
    operatorReservation(this.#context(), kind, agentId, resources, done);
  }

  /** A peer's connection closed: a framework's subscription or an agent's socket. */
  #exited(ctx: MasterContext, address: Address): void {
    const framework = ctx.frameworks.connectedAt(address);
    if (framework !== undefined) disconnectFramework(ctx, framework);
    const agent = ctx.agents.at(address);
    if (agent !== undefined) disconnectAgent(ctx, agent);
  }

  #context(): MasterContext {
    if (this.#ctx === undefined) throw new Error('assertion failed: the master has not started');
    return this.#ctx;
  }
}

/** What {@link Master.frameworkConnection} says. */
export type FrameworkConnection =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'disconnected' }
  | { readonly kind: 'connected'; readonly address: Address };
