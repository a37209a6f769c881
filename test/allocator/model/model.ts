/**
 * The master's side of a model-based test of the allocator: what the master knows without
 * asking the allocator. Outstanding offers, tasks (used resources), framework states and the
 * refusal filters its declines caused are kept here, and every rule the checks rely on (filter
 * timeouts, minimum allocatable resources) is written out again from Mesos's documentation
 * (reference/mesos.md §6) rather than imported from src/allocator, so that a mistake there
 * cannot hide behind the same mistake here.
 */
import { formatResources } from '../../../src/core/resource-text.js';
import { Resources } from '../../../src/core/resources.js';

/** Scalar quantities in milli-units, by resource name. */
export type MinSet = ReadonlyMap<string, number>;

/** Alternatives (`|`): resources are allocatable if they hold every quantity of one set. */
export type MinSets = readonly MinSet[];

/** Mesos's default `--min_allocatable_resources`. */
export const MODEL_DEFAULT_MIN_TEXT = 'cpus:0.01|mem:32';

/** Mesos's `Filters.refuse_seconds` default. */
export const MODEL_DEFAULT_REFUSE_SECONDS = 5;

const YEAR_SECONDS = 365 * 24 * 3600;

/**
 * Parses `cpus:1;mem:100|disk:100` into quantity sets, independently of
 * src/allocator/min-allocatable.ts. The empty text means "anything non-empty".
 */
export function parseMinSets(text: string): MinSets {
  if (text.trim() === '') return [];
  return text.split('|').map((part) => {
    const set = new Map<string, number>();
    for (const item of part.split(';')) {
      const [name, amount] = item.split(':');
      if (name === undefined || amount === undefined) throw new Error(`bad min text ${text}`);
      set.set(name.trim(), (set.get(name.trim()) ?? 0) + Math.round(Number(amount) * 1000));
    }
    return set;
  });
}

/** Whether `res` is worth offering under `sets` (Mesos `allocatable`). */
export function allocatableUnder(res: Resources, sets: MinSets): boolean {
  if (res.isEmpty()) return false;
  if (sets.length === 0) return true;
  const have = new Map<string, number>();
  for (const e of res.entries) {
    if (e.value.kind === 'scalar') have.set(e.name, (have.get(e.name) ?? 0) + e.value.milli);
  }
  return sets.some((set) => [...set].every(([name, milli]) => (have.get(name) ?? 0) >= milli));
}

/**
 * How long a filter installed with `refuseSeconds` lasts, in ms (0 = no filter), from the rules
 * in reference/mesos.md §6.4: > 365 days → 365 days; negative or NaN → 5 s; 0 → none;
 * otherwise max(allocation interval, refuse_seconds).
 */
export function modelRefuseTimeoutMs(refuseSeconds: number, allocationIntervalMs: number): number {
  let s = refuseSeconds;
  if (Number.isNaN(s) || s < 0) s = MODEL_DEFAULT_REFUSE_SECONDS;
  if (s > YEAR_SECONDS) s = YEAR_SECONDS;
  if (s === 0) return 0;
  return Math.max(allocationIntervalMs, s * 1000);
}

export interface ModelAgent {
  readonly id: string;
  readonly total: Resources;
  active: boolean;
}

export interface ModelFramework {
  readonly id: string;
  readonly roles: readonly string[];
  active: boolean;
  readonly suppressed: Set<string>;
  /** Per-role `min_allocatable_resources` overrides. */
  readonly minByRole: ReadonlyMap<string, MinSets>;
}

/** Resources a framework holds on an agent in a role: an outstanding offer or a task. */
export interface Holding {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
}

/** A refusal filter the master caused by declining (or accepting part of) an offer. */
export interface ModelFilter {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly refused: Resources;
  readonly installedAt: number;
  readonly expiresAt: number;
  /** Which offer, refused how, for messages. */
  readonly cause: string;
}

export interface Model {
  /** The clock, in ms; the allocator's env reads the same value. */
  now: number;
  readonly allocationIntervalMs: number;
  readonly minAllocatable: MinSets;
  readonly agents: Map<string, ModelAgent>;
  readonly frameworks: Map<string, ModelFramework>;
  readonly offers: Map<string, Holding>;
  readonly tasks: Map<string, Holding>;
  filters: ModelFilter[];
  nextId: number;
}

export function newModel(allocationIntervalMs: number, minAllocatable: MinSets): Model {
  return {
    now: 0,
    allocationIntervalMs,
    minAllocatable,
    agents: new Map(),
    frameworks: new Map(),
    offers: new Map(),
    tasks: new Map(),
    filters: [],
    nextId: 1,
  };
}

export function freshId(m: Model, prefix: string): string {
  return `${prefix}${m.nextId++}`;
}

export function sumOf(items: Iterable<{ readonly resources: Resources }>): Resources {
  let sum = Resources.EMPTY;
  for (const h of items) sum = sum.add(h.resources);
  return sum;
}

/** Offers and tasks on an agent. */
export function holdingsOn(m: Model, agentId: string): Holding[] {
  return [...m.offers.values(), ...m.tasks.values()].filter((h) => h.agentId === agentId);
}

/**
 * What the master believes is free on an agent: total − offers − tasks. Undefined when the
 * holdings exceed the total (which the invariants report).
 */
export function freeOn(m: Model, agentId: string): Resources | undefined {
  const agent = m.agents.get(agentId);
  if (agent === undefined) return undefined;
  const held = sumOf(holdingsOn(m, agentId));
  return agent.total.contains(held) ? agent.total.subtract(held) : undefined;
}

export function minFor(m: Model, fw: ModelFramework, role: string): MinSets {
  return fw.minByRole.get(role) ?? m.minAllocatable;
}

/** The live filter of `frameworkId` that blocks `candidate` on the agent in the role, if any. */
export function blockingFilter(
  m: Model,
  frameworkId: string,
  role: string,
  agentId: string,
  candidate: Resources,
): ModelFilter | undefined {
  return m.filters.find(
    (f) =>
      f.frameworkId === frameworkId &&
      f.role === role &&
      f.agentId === agentId &&
      m.now < f.expiresAt &&
      f.refused.contains(candidate),
  );
}

/** Records the filter a recovery with `refuseSeconds` installs (none for a 0 timeout or nothing). */
export function addFilter(m: Model, h: Holding, refuseSeconds: number, cause: string): void {
  if (h.resources.isEmpty()) return;
  const timeout = modelRefuseTimeoutMs(refuseSeconds, m.allocationIntervalMs);
  if (timeout === 0) return;
  m.filters.push({
    frameworkId: h.frameworkId,
    agentId: h.agentId,
    role: h.role,
    refused: h.resources,
    installedAt: m.now,
    expiresAt: m.now + timeout,
    cause,
  });
}

/** Drops a framework's filters in `roles` (all roles when undefined): revive, deactivation. */
export function clearFilters(m: Model, frameworkId: string, roles?: readonly string[]): void {
  m.filters = m.filters.filter(
    (f) => f.frameworkId !== frameworkId || (roles !== undefined && !roles.includes(f.role)),
  );
}

/** Forgets filters that can never block again (the clock only moves forward). */
export function pruneExpired(m: Model): void {
  m.filters = m.filters.filter((f) => m.now < f.expiresAt);
}

export function describeHolding(h: Holding): string {
  return `${h.frameworkId}@${h.agentId}/${h.role} {${formatResources(h.resources)}}`;
}

/** Sorted keys, so that a pick index means the same thing on every replay. */
export function sortedIds<T>(map: ReadonlyMap<string, T>, keep: (v: T) => boolean = () => true): string[] {
  return [...map]
    .filter(([, v]) => keep(v))
    .map(([k]) => k)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}
