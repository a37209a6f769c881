/**
 * Mesos's hierarchical allocator (src/master/allocator/mesos/hierarchical.cpp), stage 2 ("fair
 * share") of `__generateOffers`, with quota limits (quota.ts). For each agent, in a seeded random order: walk
 * the roles in the role sorter's order and, within each role, the frameworks in that role's
 * sorter order; the first framework that is not suppressed, for which the agent's leftovers are
 * allocatable and not filtered, is offered *everything* allocatable on that agent for that role
 * (coarse-grained offers, Mesos HierarchicalAllocatorTest.CoarseGrained). Fairness therefore
 * acts across agents. Offered resources count as allocated, so hoarding offers raises a
 * framework's share, as in Mesos. A role with a quota limit is offered at most its limit minus
 * what it holds (scalars chopped to fit, as Mesos's `shrinkResources` does).
 *
 * Not reproduced (yet): quota guarantees (stage 1) and headroom, hierarchical role trees (a role path is a
 * flat name here), capability checks (GPU_RESOURCES, MULTI_ROLE, regions), revocable and shared
 * resources, maintenance inverse offers, offer constraints.
 */
import type { Resources } from '../core/resources.js';
import { assert } from '../core/result.js';
import type {
  AgentView,
  Allocator,
  AllocatorEnv,
  AllocatorOptions,
  FrameworkSpec,
  Offer,
  OfferDecision,
  Recovery,
  UsedResources,
} from './allocator.js';
import { DEFAULT_MIN_ALLOCATABLE, isAllocatable, type MinAllocatable } from './min-allocatable.js';
import { RoleQuotas } from './quota.js';
import { AgentRoleFilters, NOT_BLOCKED, refuseTimeoutMs } from './refuse-filter.js';
import { shuffleInPlace } from './shuffle.js';
import type { Quantities, Sorter, SorterPolicy } from './sorter.js';

/** Mesos `DEFAULT_ALLOCATION_INTERVAL`. */
export const DEFAULT_ALLOCATION_INTERVAL_MS = 1000;

/** A role with subscribed frameworks: its sorter and the slots its frameworks occupy. */
interface RoleState {
  readonly name: string;
  readonly sorter: Sorter;
  /** Framework membership by slot; slots are reused after a framework leaves. */
  readonly bySlot: (FrameworkRole | undefined)[];
  readonly freeSlots: number[];
  members: number;
  /** Bumped whenever a framework may have become a taker in this role (see {@link NoTaker}). */
  epoch: number;
}

/** A framework's membership in one role. */
interface FrameworkRole {
  readonly framework: FrameworkState;
  readonly role: RoleState;
  readonly slot: number;
  suppressed: boolean;
  /** Filters installed under an older generation are void (revive, deactivation). */
  filterGeneration: number;
  /** Agents on which this membership may hold filters, so voiding them can also free them. */
  readonly filteredOn: Set<AgentState>;
  readonly minAllocatable: MinAllocatable | undefined;
}

interface FrameworkState {
  readonly id: string;
  readonly roles: Map<string, FrameworkRole>;
  active: boolean;
  /** Agents on which the framework holds an allocation. */
  readonly agents: Set<string>;
}

/**
 * A record that a walk over a role's frameworks found nobody to offer an agent to. Only three
 * things can change that answer: the agent's available resources (`availableVersion`), a
 * framework becoming eligible or losing filters in the role (`roleEpoch`), or a filter
 * expiring (`untilMs`, the earliest expiry among the filters that blocked). While none has
 * happened the walk is skipped, which makes a cycle in which most frameworks filter most
 * agents (the DeclineOffers benchmark's steady state) cost O(agents), not O(agents × frameworks).
 */
interface NoTaker {
  readonly availableVersion: number;
  readonly roleEpoch: number;
  readonly untilMs: number;
}

/** Per agent and role: refusal filters and the no-taker record. */
interface AgentRole {
  /**
   * Created when the first filter is added and dropped once a walk finds none left, so the
   * (agent, role) pairs without filters (most of them, in a large cluster) cost no tables.
   */
  filters: AgentRoleFilters | undefined;
  noTaker: NoTaker | undefined;
}

interface AgentState {
  readonly id: string;
  total: Resources;
  available: Resources;
  /** Bumped whenever `available` changes; filters cache their containment answers by it. */
  availableVersion: number;
  active: boolean;
  /** Framework id → role → allocated (offered or used) resources. */
  readonly allocated: Map<string, Map<string, Resources>>;
  readonly roles: Map<string, AgentRole>;
  /** Set when a walk over every eligible role found no taker for this agent (see {@link Quiet}). */
  quiet: Quiet | undefined;
}

/**
 * The agent-level form of {@link NoTaker}: no eligible role took the agent, and nothing that
 * could change that (its resources, any role's eligibility or filter generation, the earliest
 * blocking filter's expiry) has happened since. A cycle then skips the agent in O(1), so a
 * cycle over a cluster where everyone is filtered or suppressed costs O(agents) cheap checks.
 */
interface Quiet {
  readonly availableVersion: number;
  readonly epoch: number;
  readonly untilMs: number;
}

/** The hierarchical (roles, then frameworks) allocator with a pluggable sorter policy. */
export class HierarchicalAllocator implements Allocator {
  private readonly env: AllocatorEnv;
  private readonly frameworkPolicy: SorterPolicy;
  private readonly allocationIntervalMs: number;
  private readonly minAllocatable: MinAllocatable;
  private readonly audit: ((decision: OfferDecision) => void) | undefined;
  private readonly policyName: string;
  private readonly agents = new Map<string, AgentState>();
  private readonly agentList: AgentState[] = [];
  private readonly frameworks = new Map<string, FrameworkState>();
  private readonly roleSorter: Sorter;
  private readonly roles = new Map<string, RoleState>();
  private readonly weights = new Map<string, number>();
  private readonly quotas = new RoleQuotas();
  /** Scalar totals of every agent, kept to seed the sorter of a role that appears later. */
  private readonly clusterTotals = new Map<string, number>();
  private nextFilterGeneration = 1;
  /** The sum of every role's epoch changes: bumped whenever any role's `epoch` is. */
  private epoch = 0;
  /** Reused buffer: the roles with an eligible framework, in the role sorter's order. */
  private readonly eligibleRoles: RoleState[] = [];

  constructor(options: AllocatorOptions, env: AllocatorEnv) {
    this.env = env;
    this.frameworkPolicy = options.frameworkPolicy ?? options.policy;
    this.allocationIntervalMs = options.allocationIntervalMs ?? DEFAULT_ALLOCATION_INTERVAL_MS;
    this.minAllocatable = options.minAllocatable ?? DEFAULT_MIN_ALLOCATABLE;
    this.roleSorter = options.policy.create(() => env.random());
    this.audit = options.audit;
    this.policyName = this.frameworkPolicy.name;
  }

  addAgent(agentId: string, total: Resources, used: readonly UsedResources[] = []): void {
    assert(!this.agents.has(agentId), `agent ${agentId} added twice`);
    const agent: AgentState = {
      id: agentId,
      total,
      available: total,
      availableVersion: 0,
      active: true,
      allocated: new Map(),
      roles: new Map(),
      quiet: undefined,
    };
    this.agents.set(agentId, agent);
    this.agentList.push(agent);
    this.changeTotals(total.scalarQuantities(), +1);
    for (const u of used) {
      assert(u.agentId === agentId, `used resources of ${u.agentId} given for agent ${agentId}`);
      this.track(agent, this.membership(this.framework(u.frameworkId), u.role), u.resources);
    }
  }

  removeAgent(agentId: string): void {
    const agent = this.agentState(agentId);
    for (const [frameworkId, byRole] of agent.allocated) {
      const fw = this.framework(frameworkId);
      for (const [role, res] of byRole)
        this.untrackSorters(this.membership(fw, role), res.scalarQuantities());
      fw.agents.delete(agentId);
    }
    this.changeTotals(agent.total.scalarQuantities(), -1);
    this.agents.delete(agentId);
    this.agentList.splice(this.agentList.indexOf(agent), 1);
  }

  deactivateAgent(agentId: string): void {
    this.agentState(agentId).active = false;
  }

  activateAgent(agentId: string): void {
    this.agentState(agentId).active = true;
  }

  addFramework(
    frameworkId: string,
    spec: FrameworkSpec,
    used: readonly UsedResources[] = [],
    active = true,
  ): void {
    assert(!this.frameworks.has(frameworkId), `framework ${frameworkId} added twice`);
    assert(spec.roles.length > 0, `framework ${frameworkId} has no roles`);
    const fw: FrameworkState = { id: frameworkId, roles: new Map(), active, agents: new Set() };
    this.frameworks.set(frameworkId, fw);
    for (const roleName of new Set(spec.roles)) {
      const role = this.roleState(roleName);
      const slot = role.freeSlots.pop() ?? role.bySlot.length;
      const member: FrameworkRole = {
        framework: fw,
        role,
        slot,
        suppressed: spec.suppressedRoles?.includes(roleName) ?? false,
        filterGeneration: this.nextFilterGeneration++,
        filteredOn: new Set(),
        minAllocatable: spec.minAllocatableByRole?.get(roleName),
      };
      role.bySlot[slot] = member;
      role.members++;
      role.epoch++;
      this.epoch++;
      fw.roles.set(roleName, member);
      role.sorter.add(frameworkId, 1, slot);
      if (!this.eligible(member)) role.sorter.deactivate(frameworkId);
    }
    for (const u of used) {
      assert(u.frameworkId === frameworkId, `used resources of ${u.frameworkId} given for ${frameworkId}`);
      this.track(this.agentState(u.agentId), this.membership(fw, u.role), u.resources);
    }
  }

  removeFramework(frameworkId: string): void {
    const fw = this.framework(frameworkId);
    for (const agentId of [...fw.agents]) {
      const agent = this.agentState(agentId);
      for (const [role, res] of agent.allocated.get(frameworkId) ?? []) {
        this.untrack(agent, this.membership(fw, role), res);
      }
    }
    for (const member of fw.roles.values()) {
      const role = member.role;
      role.sorter.remove(frameworkId);
      this.voidFilters(member);
      role.bySlot[member.slot] = undefined;
      // The slot's old filters die with the framework's generation; a newcomer gets a new one.
      role.freeSlots.push(member.slot);
      role.members--;
      if (role.members === 0) this.dropRole(role);
    }
    this.frameworks.delete(frameworkId);
  }

  activateFramework(frameworkId: string): void {
    const fw = this.framework(frameworkId);
    fw.active = true;
    for (const member of fw.roles.values()) this.syncEligibility(member);
  }

  deactivateFramework(frameworkId: string): void {
    const fw = this.framework(frameworkId);
    fw.active = false;
    for (const member of fw.roles.values()) {
      // Mesos clears a deactivated framework's filters: it gets a clean slate when it returns.
      this.voidFilters(member);
      this.syncEligibility(member);
    }
  }

  suppressOffers(frameworkId: string, roles?: readonly string[]): void {
    for (const member of this.memberships(frameworkId, roles)) {
      member.suppressed = true;
      // Mesos keeps filters through SUPPRESS, but they can never matter again: a suppressed
      // framework is offered nothing, and every way back (REVIVE, UPDATE_FRAMEWORK or
      // re-subscription unsuppressing the role, reactivation) clears them (mesos.md §6). So
      // they are voided and freed now, which keeps idle frameworks from holding a table per
      // agent they once declined.
      this.voidFilters(member);
      this.syncEligibility(member);
    }
  }

  reviveOffers(frameworkId: string, roles?: readonly string[]): void {
    for (const member of this.memberships(frameworkId, roles)) {
      member.suppressed = false;
      this.voidFilters(member);
      this.syncEligibility(member);
    }
  }

  updateWeight(role: string, weight: number): void {
    assert(weight > 0 && Number.isFinite(weight), `weight of role ${role} must be positive`);
    this.weights.set(role, weight);
    if (this.roleSorter.has(role)) this.roleSorter.updateWeight(role, weight);
  }

  updateQuota(role: string, limits: Quantities | undefined): void {
    for (const [name, milli] of limits ?? []) {
      assert(milli >= 0 && Number.isFinite(milli), `quota of role ${role} for ${name} must be >= 0`);
    }
    this.quotas.set(role, limits, this.roleHolding(role));
    this.quotaChanged(role);
  }

  /** What `role` holds on every agent, offered or in use (scalars, milli-units). */
  private roleHolding(role: string): Map<string, number> {
    const held = new Map<string, number>();
    for (const agent of this.agentList) {
      for (const byRole of agent.allocated.values()) {
        for (const [name, milli] of byRole.get(role)?.scalarQuantities() ?? [])
          held.set(name, (held.get(name) ?? 0) + milli);
      }
    }
    return held;
  }

  quota(role: string): Quantities | undefined {
    return this.quotas.limits(role);
  }

  updateAllocation(frameworkId: string, agentId: string, role: string, from: Resources, to: Resources): void {
    const agent = this.agentState(agentId);
    const byRole = agent.allocated.get(frameworkId);
    const held = byRole?.get(role);
    if (!held?.contains(from)) {
      throw new Error(`assertion failed: framework ${frameworkId} does not hold the resources it updates`);
    }
    assert(
      sameQuantities(from.scalarQuantities(), to.scalarQuantities()),
      'updateAllocation changes quantities',
    );
    (byRole as Map<string, Resources>).set(role, held.subtract(from).add(to));
    agent.total = agent.total.subtract(from).add(to);
  }

  recoverResources(recovery: Recovery): void {
    const { frameworkId, agentId, role, resources, refuseSeconds } = recovery;
    if (resources.isEmpty()) return;
    const agent = this.agents.get(agentId);
    const fw = this.frameworks.get(frameworkId);
    // Like Mesos, recovering from an agent or framework that is already gone is a no-op: the
    // removal already returned everything.
    if (agent === undefined || fw === undefined) return;
    const member = this.membership(fw, role);
    this.untrack(agent, member, resources);
    const timeoutMs =
      refuseSeconds === undefined ? 0 : refuseTimeoutMs(refuseSeconds, this.allocationIntervalMs);
    if (timeoutMs > 0) {
      const now = this.env.now();
      const agentRole = this.agentRole(agent, role);
      agentRole.filters ??= new AgentRoleFilters();
      member.filteredOn.add(agent);
      agentRole.filters.add(
        member.slot,
        resources,
        now + timeoutMs,
        member.filterGeneration,
        now,
        member.role.bySlot.length,
      );
    }
  }

  allocate(agentIds?: Iterable<string>): Offer[] {
    const now = this.env.now();
    const candidates: AgentState[] = [];
    if (agentIds === undefined) {
      for (const a of this.agentList) if (a.active) candidates.push(a);
    } else {
      for (const id of new Set(agentIds)) {
        const a = this.agents.get(id);
        if (a?.active) candidates.push(a);
      }
    }
    shuffleInPlace(candidates, () => this.env.random());
    const offers: Offer[] = [];
    let roles = this.collectEligibleRoles();
    if (roles.length === 0) return offers; // everyone suppressed or inactive: nothing to walk
    for (const agent of candidates) {
      if (agent.available.isEmpty()) continue;
      const quiet = agent.quiet;
      if (
        quiet !== undefined &&
        quiet.availableVersion === agent.availableVersion &&
        quiet.epoch === this.epoch &&
        now < quiet.untilMs
      ) {
        continue;
      }
      // Offering re-sorts the roles; Mesos walks, per agent, the order it began with. The
      // eligible roles are re-collected only after an offer, as nothing else moves them.
      let offered = false;
      let untilMs = Number.POSITIVE_INFINITY;
      for (const role of roles) {
        const offer = this.allocateRoleOnAgent(agent, role, now);
        if (offer !== undefined) {
          offers.push(offer);
          offered = true;
        } else {
          const memo = agent.roles.get(role.name)?.noTaker;
          if (memo !== undefined && memo.untilMs < untilMs) untilMs = memo.untilMs;
        }
        if (agent.available.isEmpty()) break;
      }
      if (offered) {
        agent.quiet = undefined;
        roles = this.collectEligibleRoles();
      } else {
        agent.quiet = { availableVersion: agent.availableVersion, epoch: this.epoch, untilMs };
      }
    }
    return offers;
  }

  /** Fills {@link eligibleRoles} from the role sorter's current order. */
  private collectEligibleRoles(): readonly RoleState[] {
    const out = this.eligibleRoles;
    out.length = 0;
    for (const name of this.roleSorter.sort()) {
      const role = this.roles.get(name) as RoleState;
      if (role.sorter.activeCount > 0) out.push(role);
    }
    return out;
  }

  agent(agentId: string): AgentView | undefined {
    const a = this.agents.get(agentId);
    if (a === undefined) return undefined;
    return { total: a.total, available: a.available, active: a.active, allocated: a.allocated };
  }

  agentIds(): readonly string[] {
    return this.agentList.map((a) => a.id);
  }

  frameworkShare(frameworkId: string, role: string): number {
    return this.roles.get(role)?.sorter.standing(frameworkId)?.share ?? 0;
  }

  /** Offers everything allocatable to `role` on `agent` to the first eligible framework, if any. */
  private allocateRoleOnAgent(agent: AgentState, role: RoleState, now: number): Offer | undefined {
    const agentRole = this.agentRole(agent, role.name);
    const memo = agentRole.noTaker;
    if (
      memo !== undefined &&
      memo.availableVersion === agent.availableVersion &&
      memo.roleEpoch === role.epoch &&
      now < memo.untilMs
    ) {
      return undefined;
    }
    const available = this.quotas.shrink(role.name, agent.available.allocatableTo(role.name));
    if (available.isEmpty()) return undefined;
    const defaultAllocatable = isAllocatable(available, this.minAllocatable);
    const filters = agentRole.filters;
    const checkFilters = filters !== undefined && filters.size > 0;
    const filterVersion = this.filterVersion(agent, role);
    const slots = role.sorter.sortTags();
    let untilMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number;
      const member = role.bySlot[slot] as FrameworkRole;
      const min = member.minAllocatable;
      if (!(min === undefined ? defaultAllocatable : isAllocatable(available, min))) continue;
      if (checkFilters) {
        const blockedUntil = (filters as AgentRoleFilters).blockedUntil(
          slot,
          member.filterGeneration,
          available,
          filterVersion,
          now,
        );
        if (blockedUntil !== NOT_BLOCKED) {
          if (blockedUntil < untilMs) untilMs = blockedUntil;
          continue;
        }
      }
      if (this.audit !== undefined) this.auditOffer(agent, role, member, available, now);
      // The sorter re-orders as we allocate, so the walk over its order must end here.
      this.track(agent, member, available);
      agentRole.noTaker = undefined;
      if (filters?.size === 0) agentRole.filters = undefined;
      return { frameworkId: member.framework.id, agentId: agent.id, role: role.name, resources: available };
    }
    agentRole.noTaker = { availableVersion: agent.availableVersion, roleEpoch: role.epoch, untilMs };
    // The walk removed the expired filters it met; none left means nothing to keep a table for.
    if (filters?.size === 0) agentRole.filters = undefined;
    return undefined;
  }

  /** Tells {@link audit} of an offer about to be made, and who else could have taken it. */
  private auditOffer(
    agent: AgentState,
    role: RoleState,
    recipient: FrameworkRole,
    available: Resources,
    now: number,
  ): void {
    const eligibleRoles = new Map<string, number>();
    for (const other of this.roles.values()) {
      if (other === role) continue;
      const leftovers = this.quotas.shrink(other.name, agent.available.allocatableTo(other.name));
      if (!leftovers.isEmpty() && this.eligibleOn(agent, other, leftovers, now).length > 0)
        eligibleRoles.set(other.name, this.weights.get(other.name) ?? 1);
    }
    eligibleRoles.set(role.name, this.weights.get(role.name) ?? 1);
    (this.audit as (decision: OfferDecision) => void)({
      agentId: agent.id,
      role: role.name,
      frameworkId: recipient.framework.id,
      resources: available,
      eligible: this.eligibleOn(agent, role, available, now),
      eligibleRoles,
      policy: this.policyName,
      view: this,
    });
  }

  /** The frameworks of `role` that could be offered `available` on `agent` now (for the audit). */
  private eligibleOn(agent: AgentState, role: RoleState, available: Resources, now: number): string[] {
    const eligible: string[] = [];
    const filters = agent.roles.get(role.name)?.filters;
    const defaultAllocatable = isAllocatable(available, this.minAllocatable);
    for (const member of role.bySlot) {
      if (member === undefined || !this.eligible(member)) continue;
      const min = member.minAllocatable;
      if (!(min === undefined ? defaultAllocatable : isAllocatable(available, min))) continue;
      const blocked =
        filters?.blockedUntil(
          member.slot,
          member.filterGeneration,
          available,
          this.filterVersion(agent, role),
          now,
        ) ?? NOT_BLOCKED;
      if (blocked === NOT_BLOCKED) eligible.push(member.framework.id);
    }
    return eligible;
  }

  /**
   * The version under which the filters may cache whether they cover `role`'s leftovers on
   * `agent`: the agent's available version, unless the role has a quota limit. Then the
   * leftovers are also shrunk to the role's headroom, which moves with what the role holds on
   * other agents while this agent's version stays put, so the filters must look again (NaN
   * never matches a cached version). A cached answer for other leftovers kept a framework
   * filtered, or not, wrongly (chaos seeds 5886 and 7915: a role skipped by DRF order).
   */
  private filterVersion(agent: AgentState, role: RoleState): number {
    return this.quotas.limits(role.name) === undefined ? agent.availableVersion : Number.NaN;
  }

  private track(agent: AgentState, member: FrameworkRole, res: Resources): void {
    const fw = member.framework;
    const role = member.role.name;
    agent.available = agent.available.subtract(res);
    agent.availableVersion++;
    let byRole = agent.allocated.get(fw.id);
    if (byRole === undefined) {
      byRole = new Map();
      agent.allocated.set(fw.id, byRole);
    }
    const held = byRole.get(role);
    byRole.set(role, held === undefined ? res : held.add(res));
    fw.agents.add(agent.id);
    const q = res.scalarQuantities();
    this.roleSorter.allocated(role, q);
    member.role.sorter.allocated(fw.id, q);
    if (this.quotas.charge(role, q, 1)) this.quotaChanged(role);
  }

  private untrack(agent: AgentState, member: FrameworkRole, res: Resources): void {
    const fw = member.framework;
    const role = member.role.name;
    const byRole = agent.allocated.get(fw.id);
    const held = byRole?.get(role);
    if (!held?.contains(res)) {
      throw new Error(
        `assertion failed: framework ${fw.id} returns resources on ${agent.id} in role ${role} that it does not hold`,
      );
    }
    const left = held.subtract(res);
    const roles = byRole as Map<string, Resources>;
    if (left.isEmpty()) roles.delete(role);
    else roles.set(role, left);
    if (roles.size === 0) {
      agent.allocated.delete(fw.id);
      fw.agents.delete(agent.id);
    }
    agent.available = agent.available.add(res);
    agent.availableVersion++;
    this.untrackSorters(member, res.scalarQuantities());
  }

  private untrackSorters(member: FrameworkRole, q: Quantities): void {
    this.roleSorter.unallocated(member.role.name, q);
    member.role.sorter.unallocated(member.framework.id, q);
    if (this.quotas.charge(member.role.name, q, -1)) this.quotaChanged(member.role.name);
  }

  /**
   * A limited role's headroom moved: what the memos concluded (no taker on an agent, a quiet
   * agent) may no longer hold, on any agent.
   */
  private quotaChanged(role: string): void {
    const state = this.roles.get(role);
    if (state !== undefined) state.epoch++;
    this.epoch++;
  }

  private changeTotals(q: Quantities, sign: 1 | -1): void {
    for (const [name, milli] of q) {
      const next = (this.clusterTotals.get(name) ?? 0) + sign * milli;
      if (next === 0) this.clusterTotals.delete(name);
      else this.clusterTotals.set(name, next);
    }
    for (const sorter of [this.roleSorter, ...[...this.roles.values()].map((r) => r.sorter)]) {
      if (sign > 0) sorter.addTotal(q);
      else sorter.removeTotal(q);
    }
  }

  /** A role's state, creating the role (and its sorter) on first use. */
  private roleState(name: string): RoleState {
    let role = this.roles.get(name);
    if (role === undefined) {
      const sorter = this.frameworkPolicy.create(() => this.env.random());
      sorter.addTotal(this.clusterTotals);
      role = { name, sorter, bySlot: [], freeSlots: [], members: 0, epoch: 0 };
      this.roles.set(name, role);
      this.roleSorter.add(name, this.weights.get(name) ?? 1);
    }
    return role;
  }

  private dropRole(role: RoleState): void {
    this.roles.delete(role.name);
    this.roleSorter.remove(role.name);
    for (const agent of this.agentList) agent.roles.delete(role.name);
  }

  private agentRole(agent: AgentState, role: string): AgentRole {
    let state = agent.roles.get(role);
    if (state === undefined) {
      state = { filters: undefined, noTaker: undefined };
      agent.roles.set(role, state);
    }
    return state;
  }

  /**
   * Voids every filter of `member` (a new generation makes them inert at once) and frees the
   * tables they took: O(agents it had filters on).
   */
  private voidFilters(member: FrameworkRole): void {
    member.filterGeneration = this.nextFilterGeneration++;
    const roleName = member.role.name;
    for (const agent of member.filteredOn) {
      const agentRole = agent.roles.get(roleName);
      const filters = agentRole?.filters;
      if (agentRole === undefined || filters === undefined) continue;
      filters.clear(member.slot);
      if (filters.size === 0) agentRole.filters = undefined;
    }
    member.filteredOn.clear();
  }

  private eligible(member: FrameworkRole): boolean {
    return member.framework.active && !member.suppressed;
  }

  /** Re-derives the framework's place in the role's order; it may now take agents it skipped. */
  private syncEligibility(member: FrameworkRole): void {
    member.role.epoch++;
    this.epoch++;
    const sorter = member.role.sorter;
    if (this.eligible(member)) sorter.activate(member.framework.id);
    else sorter.deactivate(member.framework.id);
  }

  private memberships(frameworkId: string, roles: readonly string[] | undefined): FrameworkRole[] {
    const fw = this.framework(frameworkId);
    if (roles === undefined || roles.length === 0) return [...fw.roles.values()];
    return roles.map((r) => this.membership(fw, r));
  }

  private membership(fw: FrameworkState, role: string): FrameworkRole {
    const m = fw.roles.get(role);
    assert(m !== undefined, `framework ${fw.id} is not subscribed to role ${role}`);
    return m;
  }

  private agentState(agentId: string): AgentState {
    const a = this.agents.get(agentId);
    assert(a !== undefined, `unknown agent ${agentId}`);
    return a;
  }

  private framework(frameworkId: string): FrameworkState {
    const f = this.frameworks.get(frameworkId);
    assert(f !== undefined, `unknown framework ${frameworkId}`);
    return f;
  }
}

function sameQuantities(a: Quantities, b: Quantities): boolean {
  if (a.size !== b.size) return false;
  for (const [name, milli] of a) if (b.get(name) !== milli) return false;
  return true;
}
