/**
 * The master's registry (Mesos src/master/registry.proto and registrar.cpp; mesos.md §7.3): the
 * little the master must not forget across a restart. Mesos keeps admitted, unreachable and gone
 * agents, weights and quotas; Agora keeps the agents, the weights, the quota limits, and also the
 * framework ids it has admitted and removed, so that a framework torn down before a failover
 * still cannot come back after it (SchedulerReregisterAfterUnregistration holds across
 * restarts), and each agent's dynamic reservations and persistent volumes (written before the
 * master tells the agent or the framework about them; the agent keeps them too and reports
 * them when it reregisters). Tasks and offers are not kept: agents report their tasks when they
 * reregister.
 *
 * Writes go through {@link Registrar}: each operation changes the in-memory document at once and
 * is acknowledged once a write that includes it is durable. Operations that come while a write is
 * on its way are batched into the next one, as Mesos's registrar batches them. The master acts on
 * an operation that others will rely on (admitting an agent, marking one unreachable) only after
 * the acknowledgement, so a crash never leaves a peer told something the next master denies.
 */
import { assertNever } from '../core/assert-never.js';
import type { ResourceJson } from '../core/messages/resources-json.js';
import type { DurableStore } from '../core/process.js';
import { quotaNameProblem } from '../core/quota-names.js';
import type { MasterTimers } from './timers.js';

/** The key the registry is stored under. */
export const REGISTRY_KEY = 'registry';

/** What the registry holds (JSON, version 1). */
export interface RegistryDocument {
  readonly version: 1;
  /** Agents admitted and not since removed or marked unreachable: id → hostname. */
  readonly admitted: Record<string, string>;
  /** Agents marked unreachable: id → when (ms on the master's clock). */
  readonly unreachable: Record<string, number>;
  /** Agents that left for good (they unregistered or were replaced): their ids may not return. */
  readonly gone: readonly string[];
  /** Frameworks admitted and not removed. */
  readonly frameworks: readonly string[];
  /** Frameworks removed (torn down, or failed over past their timeout): they may not return. */
  readonly removedFrameworks: readonly string[];
  /** Role weights; once written they win over the master's flags, as Mesos's registry does. */
  readonly weights: Record<string, number>;
  /**
   * Quota limits: role → scalar name → amount (Mesos `quota_configs`); like weights, once
   * written they win over the master's options. Absent in registries written before quota.
   */
  readonly quotas: Record<string, Record<string, number>>;
  /**
   * Each agent's dynamic reservations and persistent volumes (what Mesos's agents checkpoint),
   * as Mesos JSON resources: agent id → list. Absent when there are none (so a registry without
   * reservations reads as before), and in registries written before reservations.
   */
  readonly reservations?: Record<string, readonly ResourceJson[]>;
  /**
   * Agents an operator marked gone (MARK_AGENT_GONE; Mesos's `slaves.gone`): unlike `gone`,
   * which also holds agents that merely unregistered, these are shut down if they ever come back,
   * across master restarts. Absent when there are none (and in registries written before it).
   */
  readonly markedGone?: readonly string[];
}

/** An empty registry. */
export function emptyRegistry(): RegistryDocument {
  return {
    version: 1,
    admitted: {},
    unreachable: {},
    gone: [],
    frameworks: [],
    removedFrameworks: [],
    weights: {},
    quotas: {},
  };
}

/** The registry a store holds, or why it cannot be read. */
export function parseRegistry(text: string): RegistryDocument | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (typeof value !== 'object' || value === null) return 'expected an object';
  const doc = value as Partial<Record<keyof RegistryDocument, unknown>>;
  if (doc.version !== 1) return `version: expected 1, got ${JSON.stringify(doc.version)}`;
  const isRecordOf = (v: unknown, type: 'string' | 'number') =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === type);
  const isStrings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!isRecordOf(doc.admitted, 'string')) return 'admitted: expected an object of agent id → hostname';
  if (!isRecordOf(doc.unreachable, 'number')) return 'unreachable: expected an object of agent id → time';
  if (!isStrings(doc.gone)) return 'gone: expected a list of agent ids';
  if (!isStrings(doc.frameworks)) return 'frameworks: expected a list of framework ids';
  if (!isStrings(doc.removedFrameworks)) return 'removedFrameworks: expected a list of framework ids';
  if (!isRecordOf(doc.weights, 'number')) return 'weights: expected an object of role → weight';
  const quotas = doc.quotas ?? {};
  const isQuota = (v: unknown) =>
    isRecordOf(v, 'number') && Object.values(v as object).every((x) => Number.isFinite(x) && x >= 0);
  if (
    typeof quotas !== 'object' ||
    quotas === null ||
    Array.isArray(quotas) ||
    !Object.values(quotas).every(isQuota)
  )
    return 'quotas: expected an object of role → {resource name → amount >= 0}';
  for (const [role, limits] of Object.entries(quotas as Record<string, Record<string, number>>)) {
    for (const name of Object.keys(limits)) {
      // A limit on a name nothing offers enforces nothing (older masters stored `cpu:8`).
      const problem = quotaNameProblem(name);
      if (problem !== undefined) return `quotas.${role}.${name}: ${problem}; correct or remove it`;
    }
  }
  const reservations = doc.reservations ?? {};
  if (
    typeof reservations !== 'object' ||
    reservations === null ||
    Array.isArray(reservations) ||
    !Object.values(reservations).every(Array.isArray)
  )
    return 'reservations: expected an object of agent id → list of resources';
  if (doc.markedGone !== undefined && !isStrings(doc.markedGone)) {
    return 'markedGone: expected a list of agent ids';
  }
  return {
    ...(doc as RegistryDocument),
    quotas: quotas as RegistryDocument['quotas'],
    ...(Object.keys(reservations).length === 0
      ? {}
      : { reservations: reservations as NonNullable<RegistryDocument['reservations']> }),
  };
}

/** Most removed frameworks and gone agents kept (Mesos bounds its registry the same way). */
const MAX_REMEMBERED = 10_000;

/** A mutable working copy of the document. */
interface Working {
  admitted: Map<string, string>;
  unreachable: Map<string, number>;
  gone: Set<string>;
  frameworks: Set<string>;
  removedFrameworks: Set<string>;
  weights: Map<string, number>;
  quotas: Map<string, Readonly<Record<string, number>>>;
  reservations: Map<string, readonly ResourceJson[]>;
  markedGone: Set<string>;
}

/** One change to the registry. */
export type RegistryOperation =
  | { readonly kind: 'admit-agent'; readonly id: string; readonly hostname: string }
  | { readonly kind: 'mark-unreachable'; readonly id: string; readonly atMs: number }
  | { readonly kind: 'mark-reachable'; readonly id: string; readonly hostname: string }
  | { readonly kind: 'remove-agent'; readonly id: string }
  /** MARK_AGENT_GONE: removed, and kept out for good (`markedGone`). */
  | { readonly kind: 'mark-agent-gone'; readonly id: string }
  | { readonly kind: 'admit-framework'; readonly id: string }
  | { readonly kind: 'remove-framework'; readonly id: string }
  | { readonly kind: 'set-weights'; readonly weights: ReadonlyMap<string, number> }
  | { readonly kind: 'set-quotas'; readonly quotas: ReadonlyMap<string, Readonly<Record<string, number>>> }
  | {
      /** An agent's reservations and volumes now (kept even when empty: see agentResources). */
      readonly kind: 'set-agent-resources';
      readonly id: string;
      readonly resources: readonly ResourceJson[];
    };

/** Applies operations to the registry and writes it (see the module comment). */
export class Registrar {
  readonly #store: DurableStore | undefined;
  readonly #timers: MasterTimers;
  readonly #doc: Working;
  /** Acknowledgements waiting for the write now on its way. */
  #inFlight: (() => void)[] | undefined;
  /** Acknowledgements waiting for the next write. */
  #next: (() => void)[] = [];

  /**
   * A registrar over `store` starting from `recovered` (see {@link recoverRegistry}); without
   * a store the registry lives in memory only (Mesos `--registry=in_memory`) and operations
   * are acknowledged at once.
   */
  constructor(store: DurableStore | undefined, timers: MasterTimers, recovered: RegistryDocument) {
    this.#store = store;
    this.#timers = timers;
    this.#doc = {
      admitted: new Map(Object.entries(recovered.admitted)),
      unreachable: new Map(Object.entries(recovered.unreachable)),
      gone: new Set(recovered.gone),
      frameworks: new Set(recovered.frameworks),
      removedFrameworks: new Set(recovered.removedFrameworks),
      weights: new Map(Object.entries(recovered.weights)),
      quotas: new Map(Object.entries(recovered.quotas)),
      reservations: new Map(Object.entries(recovered.reservations ?? {})),
      markedGone: new Set(recovered.markedGone ?? []),
    };
  }

  /** Whether the registry is written to a store (false: in memory only). */
  get durable(): boolean {
    return this.#store !== undefined;
  }

  /** Whether framework `id` was admitted and not removed. */
  frameworkAdmitted(id: string): boolean {
    return this.#doc.frameworks.has(id);
  }

  /** Whether framework `id` was removed (and so may not resubscribe). */
  frameworkRemoved(id: string): boolean {
    return this.#doc.removedFrameworks.has(id);
  }

  /**
   * An agent's reservations and volumes as the registry holds them; undefined when it holds
   * nothing for the agent (an empty list means the agent has none, as far as the registry knows).
   */
  agentResources(id: string): readonly ResourceJson[] | undefined {
    return this.#doc.reservations.get(id);
  }

  /** Applies `op` now; `acknowledged` runs once it is durable. */
  apply(op: RegistryOperation, acknowledged: () => void = () => {}): void {
    change(this.#doc, op);
    if (this.#store === undefined) {
      acknowledged();
      return;
    }
    this.#next.push(acknowledged);
    if (this.#inFlight === undefined) this.#write();
  }

  /** The document as it stands (operations applied, durable or not). */
  document(): RegistryDocument {
    const d = this.#doc;
    return {
      version: 1,
      admitted: Object.fromEntries(d.admitted),
      unreachable: Object.fromEntries(d.unreachable),
      gone: [...d.gone],
      frameworks: [...d.frameworks],
      removedFrameworks: [...d.removedFrameworks],
      weights: Object.fromEntries(d.weights),
      quotas: Object.fromEntries(d.quotas),
      ...(d.reservations.size === 0 ? {} : { reservations: Object.fromEntries(d.reservations) }),
      ...(d.markedGone.size === 0 ? {} : { markedGone: [...d.markedGone] }),
    };
  }

  #write(): void {
    const store = this.#store as DurableStore;
    const waiting = this.#next;
    this.#next = [];
    this.#inFlight = waiting;
    this.#timers.save(store, REGISTRY_KEY, JSON.stringify(this.document()), 'registry-write', () => {
      this.#inFlight = undefined;
      for (const acknowledged of waiting) acknowledged();
      if (this.#next.length > 0) this.#write();
    });
  }
}

function change(doc: Working, op: RegistryOperation): void {
  switch (op.kind) {
    case 'admit-agent':
    case 'mark-reachable':
      doc.unreachable.delete(op.id);
      doc.gone.delete(op.id);
      doc.admitted.set(op.id, op.hostname);
      return;
    case 'mark-unreachable':
      doc.admitted.delete(op.id);
      doc.unreachable.set(op.id, op.atMs);
      return;
    case 'remove-agent':
      doc.admitted.delete(op.id);
      doc.unreachable.delete(op.id);
      remember(doc.gone, op.id);
      doc.reservations.delete(op.id);
      return;
    case 'mark-agent-gone':
      change(doc, { kind: 'remove-agent', id: op.id });
      remember(doc.markedGone, op.id);
      return;
    case 'admit-framework':
      doc.frameworks.add(op.id);
      return;
    case 'remove-framework':
      doc.frameworks.delete(op.id);
      remember(doc.removedFrameworks, op.id);
      return;
    case 'set-weights':
      doc.weights.clear();
      for (const [role, weight] of op.weights) doc.weights.set(role, weight);
      return;
    case 'set-quotas':
      doc.quotas.clear();
      for (const [role, limits] of op.quotas) doc.quotas.set(role, { ...limits });
      return;
    case 'set-agent-resources':
      doc.reservations.set(op.id, op.resources);
      return;
    default:
      assertNever(op, 'registry operation');
  }
}

/** Adds `id` to a bounded memory, forgetting the oldest beyond {@link MAX_REMEMBERED}. */
function remember(ids: Set<string>, id: string): void {
  ids.add(id);
  if (ids.size <= MAX_REMEMBERED) return;
  const oldest = ids.values().next().value as string;
  ids.delete(oldest);
}

/**
 * The registry a master starts from: what its store holds, else an empty one. A registry that
 * cannot be read is an operator's problem the master must not paper over: Mesos's master fails
 * recovery and exits; the caller gets the reason.
 */
export function recoverRegistry(store: DurableStore | undefined): RegistryDocument | string {
  const text = store?.load(REGISTRY_KEY);
  if (text === undefined) return emptyRegistry();
  return parseRegistry(text);
}
