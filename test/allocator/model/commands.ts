/**
 * fast-check commands for the allocator model test. The test plays the Mesos master: each
 * command does to the allocator what the master would (including the recoveries the master
 * makes on its own, e.g. rescinding offers when a framework disconnects), updates the model the
 * same way, and then checks the invariants of ./invariants.ts, throwing a {@link ModelViolation}
 * if any fails.
 *
 * Commands pick the agent, framework, offer or task they act on by an index into the sorted ids
 * of the model's current entities (`pick`), so that a shrunk sequence still means something.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import type {
  Allocator,
  AllocatorEnv,
  AllocatorOptions,
  FrameworkSpec,
  Offer,
  UsedResources,
} from '../../../src/allocator/allocator.js';
import type { Grant } from '../../../src/allocator/grant.js';
import { HierarchicalAllocator } from '../../../src/allocator/hierarchical.js';
import { type MinAllocatable, parseMinAllocatable } from '../../../src/allocator/min-allocatable.js';
import { POLICIES } from '../../../src/allocator/policies.js';
import { formatResources, resources } from '../../../src/core/resource-text.js';
import { type Resource, Resources } from '../../../src/core/resources.js';
import { checkAccounting, checkNewOffers, checkWorkConserving } from './invariants.js';
import {
  addFilter,
  clearFilters,
  describeHolding,
  freeOn,
  freshId,
  type Holding,
  type MinSets,
  MODEL_DEFAULT_MIN_TEXT,
  type Model,
  newModel,
  parseMinSets,
  pick,
  pruneExpired,
  sortedIds,
} from './model.js';

/** The system under test, driven by the commands. */
export interface Real {
  readonly allocator: Allocator;
  readonly clock: { now: number };
  /** What was done so far, with the concrete ids, for failure reports. */
  readonly trace: string[];
  /**
   * Only violations with one of these tags fail the run (all do when undefined). Used by the
   * tests that show a deliberately broken allocator is caught by the rule it breaks.
   */
  readonly onlyTags: readonly string[] | undefined;
  /** Offers made as entries of grants (allocateGrants): offer id → its grant and position. */
  readonly grantOf: Map<string, { readonly grant: Grant; readonly entry: number }>;
}

/**
 * The master taking one offer back from its grant before it recovers it (what the real master
 * does for an ACCEPT, a DECLINE or a RESCIND of one offer of a batch).
 */
function takeBack(r: Real, offerId: string): void {
  const entry = r.grantOf.get(offerId);
  if (entry === undefined) return;
  r.grantOf.delete(offerId);
  r.allocator.takeEntry(entry.grant, entry.entry);
}

/** Builds the allocator under test (tests of the checks substitute deliberately broken ones). */
export type AllocatorFactory = (options: AllocatorOptions, env: AllocatorEnv) => Allocator;

export const realAllocator: AllocatorFactory = (options, env) => new HierarchicalAllocator(options, env);

/** One run's allocator configuration. */
export interface ModelConfig {
  readonly policy: string;
  /** Undefined: the allocator's default (Mesos: 1 s). */
  readonly allocationIntervalMs: number | undefined;
  /** `--min_allocatable_resources` text; undefined: the allocator's default. */
  readonly minText: string | undefined;
  readonly seed: number;
}

export const arbConfig: fc.Arbitrary<ModelConfig> = fc.record({
  policy: fc.constantFrom(...POLICIES.keys()),
  allocationIntervalMs: fc.constantFrom(undefined, 1000, 2500),
  minText: fc.constantFrom(undefined, undefined, '', 'cpus:1;mem:100|disk:100'),
  seed: fc.integer(),
});

function parsedMin(text: string): MinAllocatable {
  const parsed = parseMinAllocatable(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** A fresh model and allocator for one run of {@link fc.modelRun}. */
export function setup(
  cfg: ModelConfig,
  factory: AllocatorFactory = realAllocator,
  onlyTags: readonly string[] | undefined = undefined,
) {
  return () => {
    const clock = { now: 0 };
    const random = seedrandom(String(cfg.seed));
    const policy = POLICIES.get(cfg.policy);
    if (policy === undefined) throw new Error(`unknown policy ${cfg.policy}`);
    const options: AllocatorOptions = {
      policy,
      ...(cfg.allocationIntervalMs === undefined ? {} : { allocationIntervalMs: cfg.allocationIntervalMs }),
      ...(cfg.minText === undefined ? {} : { minAllocatable: parsedMin(cfg.minText) }),
    };
    const allocator = factory(options, { now: () => clock.now, random: () => random() });
    const model = newModel(
      cfg.allocationIntervalMs ?? 1000,
      parseMinSets(cfg.minText ?? MODEL_DEFAULT_MIN_TEXT),
    );
    const real: Real = {
      allocator,
      clock,
      trace: [`config ${JSON.stringify(cfg)}`],
      onlyTags,
      grantOf: new Map(),
    };
    return { model, real };
  };
}

/** Thrown by a command when an invariant fails; the message lists the violations and the trace. */
export class ModelViolation extends Error {
  readonly violations: readonly string[];

  constructor(violations: readonly string[], trace: readonly string[]) {
    super(`${violations.join('\n')}\n--- trace (master's actions) ---\n${trace.join('\n')}`);
    this.name = 'ModelViolation';
    this.violations = violations;
  }
}

export const MAX_AGENTS = 6;
export const MAX_FRAMEWORKS = 5;
/** Roles frameworks subscribe to (`*` included: it is offered unreserved resources only). */
export const ROLES = ['a', 'b', 'c', '*'] as const;

/** Base of every command: apply it to both sides, then check the accounting invariants. */
abstract class Step implements fc.Command<Model, Real> {
  abstract check(m: Readonly<Model>): boolean;
  /** Applies the command; returns violations of command-specific checks. */
  protected abstract apply(m: Model, r: Real): string[];
  abstract toString(): string;

  run(m: Model, r: Real): void {
    const violations = this.apply(m, r);
    violations.push(...checkAccounting(m, r.allocator));
    const tags = r.onlyTags;
    const fatal =
      tags === undefined ? violations : violations.filter((v) => tags.some((t) => v.startsWith(t)));
    if (fatal.length > 0) throw new ModelViolation(fatal, r.trace);
  }
}

/** A step that acts on the `pick`-th candidate (modulo their number) of what it applies to. */
abstract class PickStep extends Step {
  readonly #label: string;
  readonly pick: number;

  constructor(label: string, pick: number) {
    super();
    this.#label = label;
    this.pick = pick;
  }

  toString(): string {
    return `${this.#label}(#${this.pick})`;
  }
}

const fmt = (r: Resources): string => `{${formatResources(r)}}`;

/**
 * A task's share of resources: `fraction` of every scalar (rounded down to milli-units), and,
 * when `takePort`, the first port of the first range.
 */
export function partOf(res: Resources, fraction: number, takePort: boolean): Resources {
  const entries: Resource[] = [];
  let portTaken = !takePort;
  for (const e of res.entries) {
    if (e.value.kind === 'scalar') {
      const milli = Math.floor(e.value.milli * fraction);
      if (milli > 0) entries.push({ name: e.name, role: e.role, value: { kind: 'scalar', milli } });
    } else if (e.value.kind === 'ranges' && !portTaken) {
      const first = e.value.ranges[0];
      if (first !== undefined) {
        entries.push({
          name: e.name,
          role: e.role,
          value: { kind: 'ranges', ranges: [[first[0], first[0]]] },
        });
        portTaken = true;
      }
    }
  }
  return Resources.of(entries);
}

function offersOn(m: Model, keep: (o: Holding) => boolean): string[] {
  return sortedIds(m.offers, keep);
}

/** The master rescinds offers: recovered with no filter. */
function rescind(m: Model, r: Real, offerIds: readonly string[], why: string): void {
  for (const id of offerIds) {
    const o = m.offers.get(id);
    if (o === undefined) continue;
    takeBack(r, id);
    r.allocator.recoverResources({
      frameworkId: o.frameworkId,
      agentId: o.agentId,
      role: o.role,
      resources: o.resources,
    });
    m.offers.delete(id);
    r.trace.push(`  rescind ${id} ${describeHolding(o)} (${why})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Agents

interface UsedPick {
  readonly pick: number;
  readonly fraction: number;
}

class AddAgent extends Step {
  readonly text: string;
  readonly used: UsedPick | undefined;

  constructor(text: string, used: UsedPick | undefined) {
    super();
    this.text = text;
    this.used = used;
  }

  check(m: Readonly<Model>): boolean {
    return m.agents.size < MAX_AGENTS;
  }

  protected apply(m: Model, r: Real): string[] {
    const id = freshId(m, 'a');
    const total = resources(this.text);
    const used: UsedResources[] = [];
    if (this.used !== undefined) {
      const fw = m.frameworks.get(pick(sortedIds(m.frameworks), this.used.pick) ?? '');
      const role = fw === undefined ? undefined : pick(fw.roles, this.used.pick);
      if (fw !== undefined && role !== undefined) {
        const res = partOf(total.allocatableTo(role), this.used.fraction, true);
        if (!res.isEmpty()) used.push({ frameworkId: fw.id, agentId: id, role, resources: res });
      }
    }
    r.trace.push(
      `addAgent ${id} {${this.text}}${used.map((u) => ` used ${describeHolding(u)}`).join('')} at t=${m.now}`,
    );
    r.allocator.addAgent(id, total, used);
    m.agents.set(id, { id, total, active: true });
    for (const u of used) m.tasks.set(freshId(m, 't'), u);
    return [];
  }

  toString(): string {
    return `AddAgent(${this.text}${this.used === undefined ? '' : `, used #${this.used.pick} x${this.used.fraction}`})`;
  }
}

class RemoveAgent extends Step {
  readonly pick: number;
  readonly rescindFirst: boolean;

  constructor(p: number, rescindFirst: boolean) {
    super();
    this.pick = p;
    this.rescindFirst = rescindFirst;
  }

  check(m: Readonly<Model>): boolean {
    return m.agents.size > 0;
  }

  protected apply(m: Model, r: Real): string[] {
    const id = pick(sortedIds(m.agents), this.pick) as string;
    r.trace.push(`removeAgent ${id}${this.rescindFirst ? ' (offers rescinded first)' : ''} at t=${m.now}`);
    if (this.rescindFirst)
      rescind(
        m,
        r,
        offersOn(m, (o) => o.agentId === id),
        'agent removed',
      );
    r.allocator.removeAgent(id);
    for (const oid of offersOn(m, (o) => o.agentId === id)) {
      m.offers.delete(oid);
      r.grantOf.delete(oid);
    }
    for (const tid of sortedIds(m.tasks, (t) => t.agentId === id)) m.tasks.delete(tid);
    m.filters = m.filters.filter((f) => f.agentId !== id);
    m.agents.delete(id);
    return [];
  }

  toString(): string {
    return `RemoveAgent(#${this.pick}${this.rescindFirst ? ', rescind first' : ''})`;
  }
}

class DeactivateAgent extends PickStep {
  constructor(p: number) {
    super('DeactivateAgent', p);
  }

  check(m: Readonly<Model>): boolean {
    return [...m.agents.values()].some((a) => a.active);
  }

  protected apply(m: Model, r: Real): string[] {
    const id = pick(
      sortedIds(m.agents, (a) => a.active),
      this.pick,
    ) as string;
    r.trace.push(`deactivateAgent ${id} at t=${m.now}`);
    // Mesos Master::deactivate(Slave*): the allocator first, then the offers are rescinded.
    r.allocator.deactivateAgent(id);
    rescind(
      m,
      r,
      offersOn(m, (o) => o.agentId === id),
      'agent deactivated',
    );
    (m.agents.get(id) as { active: boolean }).active = false;
    return [];
  }
}

class ActivateAgent extends PickStep {
  constructor(p: number) {
    super('ActivateAgent', p);
  }

  check(m: Readonly<Model>): boolean {
    return [...m.agents.values()].some((a) => !a.active);
  }

  protected apply(m: Model, r: Real): string[] {
    const id = pick(
      sortedIds(m.agents, (a) => !a.active),
      this.pick,
    ) as string;
    r.trace.push(`activateAgent ${id} at t=${m.now}`);
    r.allocator.activateAgent(id);
    (m.agents.get(id) as { active: boolean }).active = true;
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Frameworks

interface MinOverride {
  readonly roleIndex: number;
  readonly text: string;
}

class AddFramework extends Step {
  readonly roles: readonly string[];
  readonly suppressed: readonly string[];
  readonly active: boolean;
  readonly min: MinOverride | undefined;
  readonly used: UsedPick | undefined;

  constructor(
    roles: readonly string[],
    suppressed: readonly string[],
    active: boolean,
    min: MinOverride | undefined,
    used: UsedPick | undefined,
  ) {
    super();
    this.roles = roles;
    this.suppressed = suppressed;
    this.active = active;
    this.min = min;
    this.used = used;
  }

  check(m: Readonly<Model>): boolean {
    return m.frameworks.size < MAX_FRAMEWORKS;
  }

  protected apply(m: Model, r: Real): string[] {
    const id = freshId(m, 'f');
    const minRole = this.min === undefined ? undefined : pick(this.roles, this.min.roleIndex);
    const spec: FrameworkSpec = {
      roles: this.roles,
      suppressedRoles: this.suppressed,
      ...(this.min === undefined || minRole === undefined
        ? {}
        : { minAllocatableByRole: new Map([[minRole, parsedMin(this.min.text)]]) }),
    };
    const minByRole = new Map<string, MinSets>();
    if (this.min !== undefined && minRole !== undefined) minByRole.set(minRole, parseMinSets(this.min.text));
    const used: UsedResources[] = [];
    if (this.used !== undefined) {
      const agentId = pick(sortedIds(m.agents), this.used.pick);
      const role = this.roles[0] as string;
      const free = agentId === undefined ? undefined : freeOn(m, agentId);
      if (agentId !== undefined && free !== undefined) {
        const res = partOf(free.allocatableTo(role), this.used.fraction, true);
        if (!res.isEmpty()) used.push({ frameworkId: id, agentId, role, resources: res });
      }
    }
    r.trace.push(
      `addFramework ${id} roles [${this.roles}] suppressed [${this.suppressed}] active=${this.active}` +
        `${minRole === undefined ? '' : ` min(${minRole})="${this.min?.text}"`}` +
        `${used.map((u) => ` used ${describeHolding(u)}`).join('')} at t=${m.now}`,
    );
    r.allocator.addFramework(id, spec, used, this.active);
    m.frameworks.set(id, {
      id,
      roles: this.roles,
      active: this.active,
      suppressed: new Set(this.suppressed),
      minByRole,
    });
    for (const u of used) m.tasks.set(freshId(m, 't'), u);
    return [];
  }

  toString(): string {
    return (
      `AddFramework([${this.roles}], suppressed [${this.suppressed}]${this.active ? '' : ', inactive'}` +
      `${this.min === undefined ? '' : `, min #${this.min.roleIndex}="${this.min.text}"`}` +
      `${this.used === undefined ? '' : `, used #${this.used.pick} x${this.used.fraction}`})`
    );
  }
}

class RemoveFramework extends Step {
  readonly pick: number;
  readonly rescindFirst: boolean;

  constructor(p: number, rescindFirst: boolean) {
    super();
    this.pick = p;
    this.rescindFirst = rescindFirst;
  }

  check(m: Readonly<Model>): boolean {
    return m.frameworks.size > 0;
  }

  protected apply(m: Model, r: Real): string[] {
    const id = pick(sortedIds(m.frameworks), this.pick) as string;
    r.trace.push(
      `removeFramework ${id}${this.rescindFirst ? ' (offers rescinded first)' : ''} at t=${m.now}`,
    );
    if (this.rescindFirst)
      rescind(
        m,
        r,
        offersOn(m, (o) => o.frameworkId === id),
        'framework removed',
      );
    r.allocator.removeFramework(id);
    for (const oid of offersOn(m, (o) => o.frameworkId === id)) {
      m.offers.delete(oid);
      r.grantOf.delete(oid);
    }
    for (const tid of sortedIds(m.tasks, (t) => t.frameworkId === id)) m.tasks.delete(tid);
    clearFilters(m, id);
    m.frameworks.delete(id);
    return [];
  }

  toString(): string {
    return `RemoveFramework(#${this.pick}${this.rescindFirst ? ', rescind first' : ''})`;
  }
}

class DeactivateFramework extends PickStep {
  constructor(p: number) {
    super('DeactivateFramework', p);
  }

  check(m: Readonly<Model>): boolean {
    return [...m.frameworks.values()].some((f) => f.active);
  }

  protected apply(m: Model, r: Real): string[] {
    const id = pick(
      sortedIds(m.frameworks, (f) => f.active),
      this.pick,
    ) as string;
    r.trace.push(`deactivateFramework ${id} at t=${m.now}`);
    // Mesos Master::deactivate(Framework*): the allocator first, then its offers are rescinded.
    r.allocator.deactivateFramework(id);
    rescind(
      m,
      r,
      offersOn(m, (o) => o.frameworkId === id),
      'framework deactivated',
    );
    (m.frameworks.get(id) as { active: boolean }).active = false;
    clearFilters(m, id);
    return [];
  }
}

class ActivateFramework extends PickStep {
  constructor(p: number) {
    super('ActivateFramework', p);
  }

  check(m: Readonly<Model>): boolean {
    return [...m.frameworks.values()].some((f) => !f.active);
  }

  protected apply(m: Model, r: Real): string[] {
    const id = pick(
      sortedIds(m.frameworks, (f) => !f.active),
      this.pick,
    ) as string;
    r.trace.push(`activateFramework ${id} at t=${m.now}`);
    r.allocator.activateFramework(id);
    (m.frameworks.get(id) as { active: boolean }).active = true;
    return [];
  }
}

/** Which roles a suppress/revive names: none (= all), an empty list (= all), one role, or all. */
type RolesChoice = 'omitted' | 'empty' | 'all' | number;

function rolesArg(choice: RolesChoice, roles: readonly string[]): readonly string[] | undefined {
  if (choice === 'omitted') return undefined;
  if (choice === 'empty') return [];
  if (choice === 'all') return roles;
  return [pick(roles, choice) as string];
}

function affectedRoles(arg: readonly string[] | undefined, roles: readonly string[]): readonly string[] {
  return arg === undefined || arg.length === 0 ? roles : arg;
}

class Suppress extends Step {
  readonly pick: number;
  readonly roles: RolesChoice;

  constructor(p: number, roles: RolesChoice) {
    super();
    this.pick = p;
    this.roles = roles;
  }

  check(m: Readonly<Model>): boolean {
    return m.frameworks.size > 0;
  }

  protected apply(m: Model, r: Real): string[] {
    const fw = m.frameworks.get(pick(sortedIds(m.frameworks), this.pick) as string);
    if (fw === undefined) return [];
    const arg = rolesArg(this.roles, fw.roles);
    r.trace.push(`suppress ${fw.id} ${arg === undefined ? '(no roles)' : `[${arg}]`} at t=${m.now}`);
    r.allocator.suppressOffers(fw.id, arg);
    for (const role of affectedRoles(arg, fw.roles)) fw.suppressed.add(role);
    return [];
  }

  toString(): string {
    return `Suppress(#${this.pick}, roles ${this.roles})`;
  }
}

class Revive extends Step {
  readonly pick: number;
  readonly roles: RolesChoice;

  constructor(p: number, roles: RolesChoice) {
    super();
    this.pick = p;
    this.roles = roles;
  }

  check(m: Readonly<Model>): boolean {
    return m.frameworks.size > 0;
  }

  protected apply(m: Model, r: Real): string[] {
    const fw = m.frameworks.get(pick(sortedIds(m.frameworks), this.pick) as string);
    if (fw === undefined) return [];
    const arg = rolesArg(this.roles, fw.roles);
    r.trace.push(`revive ${fw.id} ${arg === undefined ? '(no roles)' : `[${arg}]`} at t=${m.now}`);
    r.allocator.reviveOffers(fw.id, arg);
    const roles = affectedRoles(arg, fw.roles);
    for (const role of roles) fw.suppressed.delete(role);
    clearFilters(m, fw.id, roles);
    return [];
  }

  toString(): string {
    return `Revive(#${this.pick}, roles ${this.roles})`;
  }
}

class UpdateWeight extends Step {
  readonly role: string;
  readonly weight: number;

  constructor(role: string, weight: number) {
    super();
    this.role = role;
    this.weight = weight;
  }

  check(): boolean {
    return true;
  }

  protected apply(m: Model, r: Real): string[] {
    r.trace.push(`updateWeight ${this.role}=${this.weight} at t=${m.now}`);
    r.allocator.updateWeight(this.role, this.weight);
    return [];
  }

  toString(): string {
    return `UpdateWeight(${this.role}, ${this.weight})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Time and allocation

class AdvanceTime extends Step {
  readonly ms: number;

  constructor(ms: number) {
    super();
    this.ms = ms;
  }

  check(): boolean {
    return true;
  }

  protected apply(m: Model, r: Real): string[] {
    m.now += this.ms;
    r.clock.now += this.ms;
    r.trace.push(`advance ${this.ms} ms → t=${m.now}`);
    pruneExpired(m);
    return [];
  }

  toString(): string {
    return `AdvanceTime(${this.ms})`;
  }
}

class Allocate extends Step {
  /** Indices of the agents to run over; undefined: all agents. */
  readonly subset: readonly number[] | undefined;
  /** Take the offers as grants (allocateGrants), answered entry by entry or as a batch. */
  readonly grants: boolean;

  constructor(subset: readonly number[] | undefined, grants: boolean) {
    super();
    this.subset = subset;
    this.grants = grants;
  }

  check(m: Readonly<Model>): boolean {
    return m.agents.size > 0 && m.frameworks.size > 0;
  }

  protected apply(m: Model, r: Real): string[] {
    const all = sortedIds(m.agents);
    const candidates =
      this.subset === undefined
        ? undefined
        : new Set(this.subset.map((i) => pick(all, i)).filter((id): id is string => id !== undefined));
    const availableBefore = new Map<string, Resources>();
    for (const id of r.allocator.agentIds()) {
      const view = r.allocator.agent(id);
      if (view !== undefined) availableBefore.set(id, view.available);
    }
    const entries: { grant: Grant; entry: number }[] = [];
    let offers: Offer[];
    if (this.grants) {
      offers = [];
      for (const grant of r.allocator.allocateGrants(candidates)) {
        for (let p = 0; p < grant.size; p++) {
          offers.push({
            frameworkId: grant.frameworkId,
            agentId: grant.agentId(p),
            role: grant.role,
            resources: grant.resources(p),
          });
          entries.push({ grant, entry: p });
        }
      }
    } else {
      offers = r.allocator.allocate(candidates);
    }
    r.trace.push(
      `allocate${this.grants ? ' (grants)' : ''} ${candidates === undefined ? '(all agents)' : `[${[...candidates]}]`} at t=${m.now}`,
    );
    const violations = checkNewOffers(m, offers, candidates, availableBefore);
    for (const [k, o] of offers.entries()) {
      const id = freshId(m, 'o');
      const entry = entries[k];
      if (entry !== undefined) r.grantOf.set(id, entry);
      m.offers.set(id, {
        frameworkId: o.frameworkId,
        agentId: o.agentId,
        role: o.role,
        resources: o.resources,
      });
      r.trace.push(`  → ${id} ${describeHolding(o)}`);
    }
    if (violations.length === 0) violations.push(...checkWorkConserving(m, candidates));
    return violations;
  }

  toString(): string {
    return `Allocate(${this.subset === undefined ? 'all' : `#[${this.subset}]`}${this.grants ? ', grants' : ''})`;
  }
}

/**
 * A framework declining the rest of one OFFERS event at once: every offer of one grant still
 * outstanding goes back with one filter (Allocator.releaseGrant).
 */
class DeclineRest extends Step {
  readonly pick: number;
  readonly refuse: RefuseChoice;

  constructor(p: number, refuse: RefuseChoice) {
    super();
    this.pick = p;
    this.refuse = refuse;
  }

  check(m: Readonly<Model>): boolean {
    return m.offers.size > 0;
  }

  protected apply(m: Model, r: Real): string[] {
    const grants = [...new Set([...r.grantOf.values()].map((e) => e.grant))];
    const grant = grants[this.pick % Math.max(1, grants.length)];
    if (grant === undefined) return [];
    const seconds = refuseSecondsOf(this.refuse);
    const ids = [...r.grantOf].filter(([, e]) => e.grant === grant).map(([id]) => id);
    r.trace.push(`decline the rest of a grant [${ids}] refuse_seconds=${this.refuse} at t=${m.now}`);
    r.allocator.releaseGrant(grant, seconds);
    for (const id of ids) {
      const o = m.offers.get(id) as Holding;
      r.grantOf.delete(id);
      m.offers.delete(id);
      addFilter(m, o, seconds, `the batch decline of ${id} (refuse_seconds=${this.refuse})`);
    }
    return [];
  }

  toString(): string {
    return `DeclineRest(#${this.pick}, refuse=${this.refuse})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Offers and tasks

/** A framework's `refuse_seconds`; `omitted` is a decline without filters: the master passes 5. */
export type RefuseChoice = 'omitted' | number;

export const REFUSE_CHOICES: readonly RefuseChoice[] = ['omitted', 0, 0.5, 3, 1e9, -1, Number.NaN];

function refuseSecondsOf(choice: RefuseChoice): number {
  return choice === 'omitted' ? 5 : choice;
}

class Decline extends Step {
  readonly pick: number;
  readonly refuse: RefuseChoice;

  constructor(p: number, refuse: RefuseChoice) {
    super();
    this.pick = p;
    this.refuse = refuse;
  }

  check(m: Readonly<Model>): boolean {
    return m.offers.size > 0;
  }

  protected apply(m: Model, r: Real): string[] {
    const id = pick(sortedIds(m.offers), this.pick) as string;
    const o = m.offers.get(id) as Holding;
    const seconds = refuseSecondsOf(this.refuse);
    r.trace.push(`decline ${id} ${describeHolding(o)} refuse_seconds=${this.refuse} at t=${m.now}`);
    takeBack(r, id);
    r.allocator.recoverResources({
      frameworkId: o.frameworkId,
      agentId: o.agentId,
      role: o.role,
      resources: o.resources,
      refuseSeconds: seconds,
    });
    m.offers.delete(id);
    addFilter(m, o, seconds, `the decline of ${id} (refuse_seconds=${this.refuse})`);
    return [];
  }

  toString(): string {
    return `Decline(#${this.pick}, refuse=${this.refuse})`;
  }
}

class Accept extends Step {
  readonly pick: number;
  readonly fraction: number;
  readonly takePort: boolean;

  constructor(p: number, fraction: number, takePort: boolean) {
    super();
    this.pick = p;
    this.fraction = fraction;
    this.takePort = takePort;
  }

  check(m: Readonly<Model>): boolean {
    return m.offers.size > 0;
  }

  protected apply(m: Model, r: Real): string[] {
    const id = pick(sortedIds(m.offers), this.pick) as string;
    const o = m.offers.get(id) as Holding;
    const used = partOf(o.resources, this.fraction, this.takePort);
    const rest = o.resources.subtract(used);
    r.trace.push(
      `accept ${id} ${describeHolding(o)}: task ${fmt(used)}, rest ${fmt(rest)} refused 5 s at t=${m.now}`,
    );
    m.offers.delete(id);
    takeBack(r, id);
    if (!used.isEmpty()) m.tasks.set(freshId(m, 't'), { ...o, resources: used });
    // The master recovers the unused part with the ACCEPT call's filters (default 5 s), and
    // only if there is an unused part.
    if (!rest.isEmpty()) {
      r.allocator.recoverResources({
        frameworkId: o.frameworkId,
        agentId: o.agentId,
        role: o.role,
        resources: rest,
        refuseSeconds: 5,
      });
      addFilter(m, { ...o, resources: rest }, 5, `the unused part of ${id}`);
    }
    return [];
  }

  toString(): string {
    return `Accept(#${this.pick}, x${this.fraction}${this.takePort ? ', a port' : ''})`;
  }
}

class Rescind extends PickStep {
  constructor(p: number) {
    super('Rescind', p);
  }

  check(m: Readonly<Model>): boolean {
    return m.offers.size > 0;
  }

  protected apply(m: Model, r: Real): string[] {
    const id = pick(sortedIds(m.offers), this.pick) as string;
    r.trace.push(`rescind (offer timeout) at t=${m.now}:`);
    rescind(m, r, [id], 'offer timeout');
    return [];
  }
}

class FinishTask extends PickStep {
  constructor(p: number) {
    super('FinishTask', p);
  }

  check(m: Readonly<Model>): boolean {
    return m.tasks.size > 0;
  }

  protected apply(m: Model, r: Real): string[] {
    const id = pick(sortedIds(m.tasks), this.pick) as string;
    const t = m.tasks.get(id) as Holding;
    r.trace.push(`finish task ${id} ${describeHolding(t)} at t=${m.now}`);
    r.allocator.recoverResources({
      frameworkId: t.frameworkId,
      agentId: t.agentId,
      role: t.role,
      resources: t.resources,
    });
    m.tasks.delete(id);
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const arbPick = fc.nat({ max: 1000 });

/** Agent shapes: a few sizes, ports ranges, crumbs, and reservations for roles (x has no framework). */
export const arbAgentText: fc.Arbitrary<string> = fc
  .record({
    cpus: fc.constantFrom(0, 0.005, 0.5, 1, 4),
    mem: fc.constantFrom(0, 20, 64, 1024),
    disk: fc.constantFrom(0, 100),
    ports: fc.constantFrom('', '[31000-31004]', '[1-3,7-9]'),
    reserved: fc.constantFrom(
      '',
      'cpus(a):1;mem(a):64',
      'cpus(b):0.5;ports(b):[500-501]',
      'mem(x):128',
      'cpus(a):2;mem(a):256;disk(a):100',
      'cpus(c):0.005;mem(c):16',
    ),
  })
  .map(({ cpus, mem, disk, ports, reserved }) =>
    [
      cpus > 0 ? `cpus:${cpus}` : '',
      mem > 0 ? `mem:${mem}` : '',
      disk > 0 ? `disk:${disk}` : '',
      ports === '' ? '' : `ports:${ports}`,
      reserved,
    ]
      .filter((s) => s !== '')
      .join(';'),
  );

const arbUsed: fc.Arbitrary<UsedPick | undefined> = fc.option(
  fc.record({ pick: arbPick, fraction: fc.constantFrom(0.25, 0.5) }),
  { nil: undefined, freq: 4 },
);

const arbRolesChoice: fc.Arbitrary<RolesChoice> = fc.oneof(
  fc.constantFrom<RolesChoice>('omitted', 'empty', 'all'),
  fc.nat({ max: 3 }),
);

const addAgent = fc.tuple(arbAgentText, arbUsed).map(([text, used]) => new AddAgent(text, used));
const removeAgent = fc.tuple(arbPick, fc.boolean()).map(([p, first]) => new RemoveAgent(p, first));
const deactivateAgent = arbPick.map((p) => new DeactivateAgent(p));
const activateAgent = arbPick.map((p) => new ActivateAgent(p));
const rarely = fc.constantFrom(false, false, false, true);
const addFramework = fc
  .record({
    roles: fc.subarray([...ROLES], { minLength: 1, maxLength: 2 }),
    suppressedMask: fc.tuple(rarely, rarely),
    inactive: rarely,
    min: fc.option(
      fc.record({ roleIndex: fc.nat({ max: 1 }), text: fc.constantFrom('cpus:2', 'mem:512', '') }),
      { nil: undefined, freq: 4 },
    ),
    used: arbUsed,
  })
  .map(
    ({ roles, suppressedMask, inactive, min, used }) =>
      new AddFramework(
        roles,
        roles.filter((_, i) => suppressedMask[i]),
        !inactive,
        min,
        used,
      ),
  );
const removeFramework = fc.tuple(arbPick, fc.boolean()).map(([p, first]) => new RemoveFramework(p, first));
const deactivateFramework = arbPick.map((p) => new DeactivateFramework(p));
const activateFramework = arbPick.map((p) => new ActivateFramework(p));
const suppress = fc.tuple(arbPick, arbRolesChoice).map(([p, roles]) => new Suppress(p, roles));
const revive = fc.tuple(arbPick, arbRolesChoice).map(([p, roles]) => new Revive(p, roles));
const updateWeight = fc
  .tuple(fc.constantFrom(...ROLES), fc.constantFrom(0.5, 1, 2, 3))
  .map(([role, w]) => new UpdateWeight(role, w));
/**
 * 0.1 s to 10 s, in 100 ms steps, so that the clock lands exactly on filter expiries; rarely,
 * exactly 365 days, when a refuse_seconds=1e9 filter (capped at 365 days) expires.
 */
const advanceTime = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 100 }).map((n) => new AdvanceTime(n * 100)), weight: 15 },
  { arbitrary: fc.constant(365 * 24 * 3600 * 1000).map((ms) => new AdvanceTime(ms)), weight: 1 },
);
const allocate = fc
  .tuple(
    fc.option(fc.array(fc.nat({ max: MAX_AGENTS - 1 }), { minLength: 0, maxLength: 3 }), {
      nil: undefined,
      freq: 3,
    }),
    fc.boolean(),
  )
  .map(([subset, grants]) => new Allocate(subset, grants));
const declineRest = fc
  .tuple(arbPick, fc.constantFrom(...REFUSE_CHOICES))
  .map(([p, refuse]) => new DeclineRest(p, refuse));
const decline = fc
  .tuple(arbPick, fc.constantFrom(...REFUSE_CHOICES))
  .map(([p, refuse]) => new Decline(p, refuse));
const accept = fc
  .tuple(arbPick, fc.constantFrom(0.25, 0.5, 1), fc.boolean())
  .map(([p, fraction, port]) => new Accept(p, fraction, port));
const rescindOffer = arbPick.map((p) => new Rescind(p));
const finishTask = arbPick.map((p) => new FinishTask(p));

/** A starting population (some agents, some frameworks), so that offers flow from the start. */
export const arbPrelude: fc.Arbitrary<fc.Command<Model, Real>[]> = fc
  .tuple(
    fc.array(addAgent, { minLength: 1, maxLength: 4, size: 'max' }),
    fc.array(addFramework, { minLength: 1, maxLength: 3, size: 'max' }),
  )
  .map(([agents, frameworks]) => [...agents, ...frameworks]);

/** Every command, with weights: offers must be made and answered often for filters to matter. */
export const COMMAND_ARBITRARIES: fc.Arbitrary<fc.Command<Model, Real>>[] = (
  [
    [addAgent, 2],
    [removeAgent, 1],
    [deactivateAgent, 1],
    [activateAgent, 1],
    [addFramework, 2],
    [removeFramework, 1],
    [deactivateFramework, 1],
    [activateFramework, 1],
    [suppress, 1],
    [revive, 2],
    [updateWeight, 1],
    [advanceTime, 4],
    [allocate, 6],
    [decline, 6],
    [declineRest, 3],
    [accept, 5],
    [rescindOffer, 1],
    [finishTask, 3],
  ] as const
).flatMap(([arb, weight]) => Array.from({ length: weight }, () => arb));
