/**
 * Mesos's hierarchical allocator (src/master/allocator/mesos/hierarchical.cpp), stage 2 ("fair
 * share") of `__generateOffers`, with quota limits (quota.ts). For each agent, in a seeded random
 * order: walk the roles in the role sorter's order and, within each role, the frameworks in that
 * role's sorter order; the first framework that is not suppressed, for which the agent's
 * leftovers are allocatable and not filtered, is offered *everything* allocatable on that agent
 * for that role (coarse-grained offers, Mesos HierarchicalAllocatorTest.CoarseGrained). Fairness
 * therefore acts across agents. Offered resources count as allocated, so hoarding offers raises a
 * framework's share, as in Mesos. A role with a quota limit is offered at most its limit minus
 * what it holds (scalars chopped to fit, as Mesos's `shrinkResources` does).
 *
 * A cycle's offers come back as {@link Grant}s, one per framework and role. Two walks make them,
 * with the same outcome:
 * - the **general walk**, agent by agent as above, when several frameworks (or one with a quota,
 *   a custom minimum, or a checking audit) could take agents: the sorter order moves with every
 *   offer, so each agent's decision depends on the ones before it;
 * - the **single-taker walk**, when exactly one framework in one role is eligible (the common
 *   case in a large cluster: one framework revives, everyone else is suppressed). Every agent it
 *   may take is then offered to it whatever the order, so the walk only collects them (a few
 *   typed-array reads per agent), holds them lazily (grant.ts), and charges the sorters once for
 *   the sum. The order of the grant is a seeded shuffle, as Mesos shuffles agents every cycle.
 *
 * Not reproduced (yet): quota guarantees (stage 1) and headroom, hierarchical role trees (a role
 * path is a flat name here), capability checks other than GPU_RESOURCES (MULTI_ROLE, regions),
 * revocable and shared resources, maintenance inverse offers, offer constraints.
 */
import { formatResources } from '../core/resource-text.js';
import { Resources } from '../core/resources.js';
import { assert, fail } from '../core/result.js';
import { AgentTable } from './agent-table.js';
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
import { BatchFilter } from './batch-filter.js';
import { clearBit, grownBits, lowestBit, popcount32, setBit, wordsFor } from './bitset.js';
import { CycleRandom } from './cycle-random.js';
import { FilterMatrix } from './filter-matrix.js';
import { EagerGrant, type Grant, LazyGrant } from './grant.js';
import { DEFAULT_MIN_ALLOCATABLE, isAllocatable, type MinAllocatable } from './min-allocatable.js';
import { RoleQuotas } from './quota.js';
import { AgentRoleFilters, NOT_BLOCKED, refuseTimeoutMs } from './refuse-filter.js';
import type { Quantities, Sorter, SorterPolicy } from './sorter.js';

/** Mesos `DEFAULT_ALLOCATION_INTERVAL`. */
export const DEFAULT_ALLOCATION_INTERVAL_MS = 1000;

/** The env of an allocator not yet {@link HierarchicalAllocator.initialize}d: any use is a bug. */
const UNATTACHED: AllocatorEnv = {
  now: () => fail('allocator used before initialize(): no clock'),
  random: () => fail('allocator used before initialize(): no random stream'),
};

/** "No memo" in the per-agent memo tables. */
const NO_MEMO = Number.NaN;

/** A role with subscribed frameworks: its sorter, its members, and per-agent filters and memos. */
interface RoleState {
  readonly name: string;
  readonly sorter: Sorter;
  /** Framework membership by slot; slots are reused after a framework leaves. */
  readonly bySlot: (FrameworkRole | undefined)[];
  readonly freeSlots: number[];
  members: number;
  /** Bumped whenever a framework may have become a taker in this role (see the no-taker memo). */
  epoch: number;
  /**
   * Refusal filters by agent slot, created when an agent gets its first filter in the role and
   * dropped once a walk finds none left, so (agent, role) pairs without filters cost nothing.
   */
  filters: (AgentRoleFilters | undefined)[];
  /** Agents with a filters table in this role, and their set. */
  filtered: number;
  filterBits: Uint32Array;
  /** Which frameworks may have filters on which agents, and which are known blocked there. */
  readonly matrix: FilterMatrix;
  /**
   * The no-taker memo, by agent slot: a walk over the role's frameworks found nobody to offer
   * the agent to. Only the agent's availability (`version`), a framework becoming eligible or
   * losing filters (`epoch`) or a filter expiring (`until`) can change that; while none has
   * happened the walk is skipped, which makes a cycle in which most frameworks filter most
   * agents (Mesos's DeclineOffers benchmark) cost O(agents), not O(agents × frameworks).
   */
  noTakerVersion: Int32Array;
  noTakerEpoch: Int32Array;
  /** NaN: no memo. */
  noTakerUntil: Float64Array;
}

/** A framework's membership in one role. */
interface FrameworkRole {
  readonly framework: FrameworkState;
  readonly role: RoleState;
  readonly slot: number;
  suppressed: boolean;
  /** Filters installed under an older generation are void (revive, deactivation). */
  filterGeneration: number;
  /**
   * Agents on which this membership may hold filters, so voiding them can also free them: a
   * bitset by agent slot (a set of numbers grew to 10,000 entries per framework in Mesos's
   * DeclineOffers shape, and its rehashing was much of the garbage collector's work).
   */
  filteredOn: Uint32Array;
  /** Its filters over many agents at once (declines of the rest of a grant); see batch-filter.ts. */
  batchFilters: BatchFilter[];
  readonly minAllocatable: MinAllocatable | undefined;
  /**
   * What it holds (offered or in use) on each agent it holds anything on, by agent slot. A map
   * rather than an array over every agent: a framework holds little on most agents, and an array
   * per framework (1,000 × 10,000 agents in Mesos's DeclineOffers shape) made every offer a
   * cache miss into 128 MB.
   */
  readonly held: Map<number, Resources>;
}

interface FrameworkState {
  readonly id: string;
  readonly roles: Map<string, FrameworkRole>;
  active: boolean;
  /** The GPU_RESOURCES capability (see {@link AllocatorOptions.filterGpuResources}). */
  readonly gpuResources: boolean;
  /** Its grants with entries still outstanding. */
  readonly grants: Set<Grant>;
}

/** The hierarchical (roles, then frameworks) allocator with a pluggable sorter policy. */
export class HierarchicalAllocator implements Allocator {
  /** The master's clock and stream once {@link initialize}d; until then every use is a bug. */
  private env: AllocatorEnv = UNATTACHED;
  private readonly frameworkPolicy: SorterPolicy;
  private readonly allocationIntervalMs: number;
  private readonly minAllocatable: MinAllocatable;
  private readonly audit: ((decision: OfferDecision) => void) | undefined;
  private readonly policyName: string;
  private readonly table: AgentTable;
  private readonly filterGpuResources: boolean;
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
  /** Memberships that are active and not suppressed (sorter clients in the order). */
  private eligibleMembers = 0;
  /** Reused buffer: the roles with an eligible framework, in the role sorter's order. */
  private readonly eligibleRoles: RoleState[] = [];
  /** Open grants by id (a lazily held agent names its grant by id). */
  /** Open lazy grants (a lazily held agent's grant is found among them). */
  private readonly lazyGrants = new Set<LazyGrant>();
  private nextGrantId = 1;
  private readonly cycleRandom = new CycleRandom();
  /** Reused buffer: one bag's scalar quantities by agent-table column (see readColumns). */
  private bagColumns = new Float64Array(0);
  /** Reused buffer for the agents of a cycle. */
  private candidates: Int32Array = new Int32Array(16);
  /**
   * The agent-level form of the no-taker memo, by agent slot: no eligible role took the agent,
   * and nothing that could change that (its resources, any role's eligibility or filter
   * generation, the earliest blocking filter's expiry) has happened since.
   */
  private quietVersion: Int32Array = new Int32Array(16);
  private quietEpoch: Int32Array = new Int32Array(16);
  private quietUntil: Float64Array = new Float64Array(16).fill(NO_MEMO);
  /** Batch filters that may still block (pruned as they die), whatever their membership. */
  private liveBatchFilters: { readonly member: FrameworkRole; readonly filter: BatchFilter }[] = [];

  /**
   * An allocator with `options`, attached to `env` if it is given (tests and benches that drive
   * the allocator themselves); a master attaches the one it is handed with {@link initialize}.
   */
  constructor(options: AllocatorOptions, env?: AllocatorEnv) {
    this.frameworkPolicy = options.frameworkPolicy ?? options.policy;
    this.allocationIntervalMs = options.allocationIntervalMs ?? DEFAULT_ALLOCATION_INTERVAL_MS;
    this.minAllocatable = options.minAllocatable ?? DEFAULT_MIN_ALLOCATABLE;
    this.roleSorter = options.policy.create(() => this.env.random());
    this.audit = options.audit;
    this.policyName = this.frameworkPolicy.name;
    this.table = new AgentTable(this.minAllocatable);
    this.filterGpuResources = options.filterGpuResources ?? true;
    if (env !== undefined) this.initialize(env);
  }

  initialize(env: AllocatorEnv): void {
    assert(this.env === UNATTACHED, 'allocator initialized twice: each master incarnation needs its own');
    this.env = env;
  }

  // -------------------------------------------------------------------------------------------
  // Agents
  // -------------------------------------------------------------------------------------------

  addAgent(agentId: string, total: Resources, used: readonly UsedResources[] = []): void {
    assert(this.table.slot(agentId) === undefined, `agent ${agentId} added twice`);
    const slot = this.table.add(agentId, total);
    this.fitCapacity();
    this.quietUntil[slot] = NO_MEMO;
    for (const role of this.roles.values()) this.resetAgentRole(role, slot);
    this.changeTotals(total.scalarQuantities(), +1);
    for (const u of used) {
      assert(u.agentId === agentId, `used resources of ${u.agentId} given for agent ${agentId}`);
      this.track(slot, this.membership(this.framework(u.frameworkId), u.role), u.resources);
    }
  }

  removeAgent(agentId: string): void {
    const slot = this.agentSlot(agentId);
    this.materialize(slot);
    for (const fw of this.frameworks.values()) {
      for (const member of fw.roles.values()) {
        const held = member.held.get(slot);
        if (held === undefined) continue;
        this.untrackSorters(member, held.scalarQuantities());
        this.setHeld(member, slot, undefined);
      }
    }
    this.changeTotals((this.table.total[slot] as Resources).scalarQuantities(), -1);
    for (const role of this.roles.values()) this.resetAgentRole(role, slot);
    for (const fw of this.frameworks.values())
      for (const m of fw.roles.values()) clearBit(m.filteredOn, slot);
    this.table.remove(slot);
  }

  deactivateAgent(agentId: string): void {
    this.table.setActive(this.agentSlot(agentId), false);
  }

  activateAgent(agentId: string): void {
    this.table.setActive(this.agentSlot(agentId), true);
  }

  // -------------------------------------------------------------------------------------------
  // Frameworks
  // -------------------------------------------------------------------------------------------

  addFramework(
    frameworkId: string,
    spec: FrameworkSpec,
    used: readonly UsedResources[] = [],
    active = true,
  ): void {
    assert(!this.frameworks.has(frameworkId), `framework ${frameworkId} added twice`);
    assert(spec.roles.length > 0, `framework ${frameworkId} has no roles`);
    const fw: FrameworkState = {
      id: frameworkId,
      roles: new Map(),
      active,
      gpuResources: spec.gpuResources === true,
      grants: new Set(),
    };
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
        filteredOn: new Uint32Array(0),
        batchFilters: [],
        minAllocatable: spec.minAllocatableByRole?.get(roleName),
        held: new Map(),
      };
      role.bySlot[slot] = member;
      role.matrix.fit(this.table.capacity, role.bySlot.length);
      role.members++;
      role.epoch++;
      this.epoch++;
      fw.roles.set(roleName, member);
      role.sorter.add(frameworkId, 1, slot);
      if (!this.eligible(member)) role.sorter.deactivate(frameworkId);
      else this.eligibleMembers++;
    }
    for (const u of used) {
      assert(u.frameworkId === frameworkId, `used resources of ${u.frameworkId} given for ${frameworkId}`);
      const slot = this.agentSlot(u.agentId);
      this.materialize(slot);
      this.track(slot, this.membership(fw, u.role), u.resources);
    }
  }

  removeFramework(frameworkId: string): void {
    const fw = this.framework(frameworkId);
    // The master may still hold these offers (a framework re-added with new roles keeps them):
    // their bags are pinned so that the grant can still say what each offered.
    for (const grant of [...fw.grants]) this.release(grant, undefined, true);
    for (const member of fw.roles.values()) {
      if (member.held.size > 0) {
        for (const slot of this.table.order) {
          const held = member.held.get(slot);
          if (held !== undefined) this.untrack(slot, member, held);
        }
      }
    }
    for (const member of fw.roles.values()) {
      const role = member.role;
      if (this.eligible(member)) this.eligibleMembers--;
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
    for (const fw of this.frameworks.values()) {
      const member = fw.roles.get(role);
      if (member === undefined || member.held.size === 0) continue;
      for (const slot of this.table.order) {
        this.materialize(slot);
        for (const [name, milli] of member.held.get(slot)?.scalarQuantities() ?? [])
          held.set(name, (held.get(name) ?? 0) + milli);
      }
    }
    return held;
  }

  quota(role: string): Quantities | undefined {
    return this.quotas.limits(role);
  }

  // -------------------------------------------------------------------------------------------
  // Allocations
  // -------------------------------------------------------------------------------------------

  updateAllocation(frameworkId: string, agentId: string, role: string, from: Resources, to: Resources): void {
    const slot = this.agentSlot(agentId);
    this.materialize(slot);
    const member = this.membership(this.framework(frameworkId), role);
    const held = member.held.get(slot);
    if (!held?.contains(from)) {
      throw new Error(`assertion failed: framework ${frameworkId} does not hold the resources it updates`);
    }
    assert(
      sameQuantities(from.scalarQuantities(), to.scalarQuantities()),
      'updateAllocation changes quantities',
    );
    this.setHeld(member, slot, held.subtract(from).add(to));
    this.table.setTotal(slot, (this.table.total[slot] as Resources).subtract(from).add(to));
  }

  updateAvailable(agentId: string, from: Resources, to: Resources): string | undefined {
    const slot = this.agentSlot(agentId);
    this.materialize(slot);
    const available = this.table.avail[slot] as Resources;
    if (!available.contains(from)) {
      return `${formatResources(available)} does not contain ${formatResources(from)}`;
    }
    assert(
      sameQuantities(from.scalarQuantities(), to.scalarQuantities()),
      'updateAvailable changes quantities',
    );
    this.table.setTotal(slot, (this.table.total[slot] as Resources).subtract(from).add(to));
    this.table.setAvail(slot, available.subtract(from).add(to));
    return undefined;
  }

  recoverResources(recovery: Recovery): void {
    const { frameworkId, agentId, role, resources, refuseSeconds } = recovery;
    if (resources.isEmpty()) return;
    const slot = this.table.slot(agentId);
    const fw = this.frameworks.get(frameworkId);
    // Like Mesos, recovering from an agent or framework that is already gone is a no-op: the
    // removal already returned everything.
    if (slot === undefined || fw === undefined) return;
    this.materialize(slot);
    const member = this.membership(fw, role);
    this.untrack(slot, member, resources);
    this.filter(member, slot, resources, refuseSeconds);
  }

  /** Installs a refusal filter of `member` on an agent for `refused`, if `refuseSeconds` asks for one. */
  private filter(member: FrameworkRole, slot: number, refused: Resources, refuseSeconds?: number): void {
    const timeoutMs =
      refuseSeconds === undefined ? 0 : refuseTimeoutMs(refuseSeconds, this.allocationIntervalMs);
    if (timeoutMs <= 0) return;
    const now = this.env.now();
    const role = member.role;
    let filters = role.filters[slot];
    if (filters === undefined) {
      // A filter found expired in any look at the table (the audit's, a single taker's) is no
      // longer known to block: the clock can go back (a skewed master), and a known bit whose
      // filter is gone would then hold again.
      const matrix = role.matrix;
      filters = new AgentRoleFilters((fw) => matrix.forget(slot, fw));
      role.filters[slot] = filters;
      role.filtered++;
      role.filterBits = grownBits(role.filterBits, wordsFor(this.table.capacity));
      setBit(role.filterBits, slot);
    }
    if (slot >>> 5 >= member.filteredOn.length)
      member.filteredOn = grownBits(member.filteredOn, wordsFor(this.table.capacity));
    setBit(member.filteredOn, slot);
    filters.add(member.slot, refused, now + timeoutMs, member.filterGeneration, now, role.bySlot.length);
    role.matrix.added(slot, member.slot);
    // A declined whole offer leaves the agent with the very bag that was refused, which is then
    // the walk's next candidate (no reservations, no quota to cut it): the framework is known
    // blocked for it from now on, with no need for the next walk to open the table to find out.
    const table = this.table;
    if (
      refused === table.avail[slot] &&
      table.reserved[slot] === 0 &&
      this.quotas.limits(role.name) === undefined
    )
      role.matrix.record(slot, member.slot, refused, now + timeoutMs, now);
  }

  /** Installs a batch filter; while any is live, agents' old availability is kept before it changes. */
  private addBatchFilter(member: FrameworkRole, filter: BatchFilter): void {
    member.batchFilters.push(filter);
    this.liveBatchFilters.push({ member, filter });
    this.table.beforeChange = (slot) => this.keepBatchFilters(slot);
  }

  /** Tells every live batch filter that an agent is about to change (see {@link BatchFilter.keep}). */
  private keepBatchFilters(slot: number): void {
    const before = this.table.avail[slot] as Resources;
    for (const { filter } of this.liveBatchFilters) filter.keep(slot, before);
  }

  /** Drops batch filters that can no longer block (expired, or voided by a new generation). */
  private pruneBatchFilters(now: number): void {
    if (this.liveBatchFilters.length === 0) return;
    const alive = (member: FrameworkRole, f: BatchFilter): boolean =>
      f.generation === member.filterGeneration && now < f.expiresAtMs;
    const live = this.liveBatchFilters.filter(({ member, filter }) => alive(member, filter));
    if (live.length === this.liveBatchFilters.length) return;
    this.liveBatchFilters = live;
    for (const fw of this.frameworks.values()) {
      for (const member of fw.roles.values()) {
        if (member.batchFilters.length > 0)
          member.batchFilters = member.batchFilters.filter((f) => alive(member, f));
      }
    }
    if (live.length === 0) this.table.beforeChange = undefined;
  }

  /**
   * The latest expiry among `member`'s batch filters that block `candidate` on an agent, or
   * {@link NOT_BLOCKED}.
   */
  private batchBlockedUntil(member: FrameworkRole, slot: number, candidate: Resources, now: number): number {
    let until = NOT_BLOCKED;
    for (const f of member.batchFilters) {
      if (f.generation !== member.filterGeneration || now >= f.expiresAtMs || f.expiresAtMs <= until)
        continue;
      if (f.covers(slot) && f.blocks(slot, candidate)) until = f.expiresAtMs;
    }
    return until;
  }

  /**
   * Takes entry `p` of a grant back from the grant (the master is about to accept, decline or
   * rescind that one offer): its resources become an ordinary allocation of the framework on
   * that agent, which the master then recovers in part or in full. Returns the offered resources.
   */
  takeEntry(grant: Grant, p: number): Resources {
    if (grant instanceof EagerGrant) {
      const bag = grant.resources(p);
      if (grant.finish(p)) this.closeIfDone(grant);
      return bag;
    }
    const lazy = grant as LazyGrant;
    const slot = lazy.agentSlot(p);
    const bag = lazy.bagOf(slot);
    if (lazy.isHeld(slot)) this.materializeLazy(lazy, slot);
    if (lazy.finish(slot)) this.closeIfDone(lazy);
    return bag;
  }

  /**
   * Returns every outstanding entry of a grant at once (a framework declining the rest of its
   * offers, or its offers rescinded), with a refusal filter when `refuseSeconds` is given. For
   * a lazy grant the agents it still holds go back in one pass over words, with one batch
   * filter, and the framework's share drops by their sum in one sorter update.
   */
  releaseGrant(grant: Grant, refuseSeconds: number | undefined): number {
    return this.release(grant, refuseSeconds, false);
  }

  /** {@link releaseGrant}; with `pin`, lazily held entries keep their bag in the grant. */
  private release(grant: Grant, refuseSeconds: number | undefined, pin: boolean): number {
    const fw = this.frameworks.get(grant.frameworkId);
    if (fw === undefined || !fw.grants.has(grant)) return 0;
    const member = this.membership(fw, grant.role);
    let released = 0;
    if (grant instanceof EagerGrant) {
      for (let p = 0; p < grant.size; p++) {
        if (!grant.finish(p)) continue;
        released++;
        const slot = grant.agentSlot(p);
        if (this.table.present[slot] === 0) continue; // the agent is gone: its removal returned it
        const bag = grant.resources(p);
        this.untrack(slot, member, bag);
        this.filter(member, slot, bag, refuseSeconds);
      }
    } else {
      released = this.releaseLazy(grant as LazyGrant, member, refuseSeconds, pin);
    }
    this.closeIfDone(grant);
    return released;
  }

  private releaseLazy(
    grant: LazyGrant,
    member: FrameworkRole,
    refuseSeconds: number | undefined,
    pin: boolean,
  ): number {
    const table = this.table;
    let released = 0;
    if (grant.heldCount > 0) {
      // Held lazily: what was offered is still what is available there, so the release changes
      // nothing but the hold, and a filter refuses the agents' availability as it stands.
      const rest = grant.held.slice();
      const sums = grant.heldSums.slice();
      released += grant.heldCount;
      if (pin) {
        for (let w = 0; w < rest.length; w++) {
          let bits = rest[w] as number;
          while (bits !== 0) {
            const slot = (w << 5) | lowestBit(bits);
            bits &= bits - 1;
            grant.pin(slot, table.avail[slot] as Resources);
            grant.finish(slot);
          }
        }
      }
      grant.finishHeld();
      table.releaseAll(rest, sums);
      this.lazyGrants.delete(grant);
      this.untrackSorters(member, columnQuantities(table.columnNames, sums));
      const timeoutMs =
        refuseSeconds === undefined ? 0 : refuseTimeoutMs(refuseSeconds, this.allocationIntervalMs);
      if (timeoutMs > 0) {
        this.addBatchFilter(
          member,
          new BatchFilter(member.filterGeneration, this.env.now() + timeoutMs, rest),
        );
      }
    }
    for (const [slot, bag] of [...grant.pinnedOutstanding()]) {
      grant.finish(slot);
      released++;
      if (table.present[slot] === 0) continue;
      this.untrack(slot, member, bag);
      this.filter(member, slot, bag, refuseSeconds);
    }
    return released;
  }

  allocate(agentIds?: Iterable<string>): Offer[] {
    const offers: Offer[] = [];
    for (const grant of this.allocateGrants(agentIds)) {
      for (let p = 0; p < grant.size; p++) {
        const resources = this.takeEntry(grant, p);
        offers.push({
          frameworkId: grant.frameworkId,
          agentId: grant.agentId(p),
          role: grant.role,
          resources,
        });
      }
    }
    return offers;
  }

  /**
   * Runs one allocation cycle over the given agents (all by default) and returns its grants, in
   * the order their first offer was made. The offered resources count as allocated until the
   * master takes the entries back ({@link takeEntry}) or releases the grants ({@link releaseGrant}).
   */
  allocateGrants(agentIds?: Iterable<string>): Grant[] {
    const roles = this.collectEligibleRoles();
    // Everyone suppressed or inactive: nothing to walk, and nothing drawn.
    if (roles.length === 0) return [];
    if (agentIds === undefined) {
      const single = this.singleTaker(roles);
      if (single !== undefined) return this.singleTakerGrants(single);
    }
    return this.generalWalk(agentIds, roles);
  }

  /** The one eligible membership, when the single-taker walk applies (see the module comment). */
  private singleTaker(roles: readonly RoleState[]): FrameworkRole | undefined {
    if (roles.length !== 1) return undefined;
    const role = roles[0] as RoleState;
    if (role.sorter.activeCount !== 1 || this.quotas.limits(role.name) !== undefined) return undefined;
    const member = role.bySlot[role.sorter.sortTags()[0] as number] as FrameworkRole;
    return member.minAllocatable === undefined ? member : undefined;
  }

  /**
   * Offers `member` every agent it may take: active, not held by an open grant, with leftovers
   * allocatable to its role and not filtered. The free agents (everything available unreserved:
   * AgentTable.free) come as one lazy grant, selected word by word; an agent needs a look of
   * its own only if a filter in the role may block it. Agents with reserved resources available
   * (few) are offered agent by agent, in an eager grant of their own.
   */
  private singleTakerGrants(member: FrameworkRole): Grant[] {
    const table = this.table;
    const role = member.role;
    const now = this.env.now();
    this.pruneBatchFilters(now);
    // Mesos hierarchical.cpp: agents with GPUs go only to GPU_RESOURCES frameworks.
    const skipGpuAgents = this.filterGpuResources && !member.framework.gpuResources;
    const words = wordsFor(table.slots);
    const picked = new Uint32Array(words);
    const { free, gpus } = table;
    const filterBits = role.filtered > 0 ? role.filterBits : undefined;
    const batch = member.batchFilters;
    let count = 0;
    let excluded = 0;
    for (let w = 0; w < words; w++) {
      const available = free[w] as number;
      if (available === 0) continue;
      let s = skipGpuAgents ? available & ~(gpus[w] as number) : available;
      let check = filterBits === undefined ? 0 : s & (filterBits[w] as number);
      for (const f of batch) {
        const covered = f.covered[w] ?? 0;
        if (covered === 0) continue;
        const changed = f.changed[w] as number;
        s &= ~(covered & ~changed); // unchanged since refused: blocked
        check |= s & covered & changed;
      }
      let ok = s & ~check;
      while (check !== 0) {
        const bit = lowestBit(check);
        check &= check - 1;
        const slot = (w << 5) | bit;
        const bag = table.avail[slot] as Resources;
        if (this.blockedUntil(member, slot, bag, now) === NOT_BLOCKED) ok |= 1 << bit;
      }
      picked[w] = ok;
      count += popcount32(ok);
      excluded += popcount32(available & ~ok);
    }
    const grants: Grant[] = [];
    if (count > 0) {
      const sums = this.sumOfPicked(picked, count, excluded);
      const grant = new LazyGrant(
        this.nextGrantId++,
        member.framework.id,
        role.name,
        picked,
        count,
        sums,
        this.env.random(),
        table,
      );
      table.holdAll(picked, sums);
      this.trackSorters(member, columnQuantities(table.columnNames, sums), count);
      this.openGrant(grant);
      this.lazyGrants.add(grant);
      grants.push(grant);
    }
    const reserved = this.reservedOffers(member, skipGpuAgents, now);
    if (reserved !== undefined) grants.push(reserved);
    if (this.audit !== undefined) for (const grant of grants) this.auditGrant(grant, member);
    return grants;
  }

  /**
   * The column sums over the picked agents: the free agents' sums less the excluded ones', or
   * the picked ones' own, whichever takes fewer agents to add up.
   */
  private sumOfPicked(picked: Uint32Array, count: number, excluded: number): Float64Array {
    const table = this.table;
    const sums = new Float64Array(table.columns.length);
    if (excluded <= count) {
      sums.set(table.freeSums);
      const free = table.free;
      for (let w = 0; w < picked.length; w++) {
        let bits = (free[w] as number) & ~(picked[w] as number);
        while (bits !== 0) {
          const slot = (w << 5) | lowestBit(bits);
          bits &= bits - 1;
          table.addColumnsNegated(sums, slot);
        }
      }
    } else {
      for (let w = 0; w < picked.length; w++) {
        let bits = picked[w] as number;
        while (bits !== 0) {
          const slot = (w << 5) | lowestBit(bits);
          bits &= bits - 1;
          table.addColumns(sums, slot);
        }
      }
    }
    return sums;
  }

  /** The single taker's offers on agents with reserved resources available, one by one. */
  private reservedOffers(member: FrameworkRole, skipGpuAgents: boolean, now: number): Grant | undefined {
    const table = this.table;
    const role = member.role;
    const slots: number[] = [];
    const bags: Resources[] = [];
    const candidates: number[] = [];
    const reservedFree = table.reservedFree;
    for (let w = 0; w < reservedFree.length; w++) {
      let bits = reservedFree[w] as number;
      while (bits !== 0) {
        candidates.push((w << 5) | lowestBit(bits));
        bits &= bits - 1;
      }
    }
    if (candidates.length === 0) return undefined;
    const order = Int32Array.from(candidates);
    this.cycleRandom.seed(this.env.random());
    this.cycleRandom.shuffle(order, order.length);
    for (const slot of order) {
      if (skipGpuAgents && table.hasGpu[slot] === 1) continue;
      const bag = (table.avail[slot] as Resources).allocatableTo(role.name);
      if (!isAllocatable(bag, this.minAllocatable)) continue;
      if (this.blockedUntil(member, slot, bag, now) !== NOT_BLOCKED) continue;
      this.track(slot, member, bag);
      slots.push(slot);
      bags.push(bag);
    }
    if (slots.length === 0) return undefined;
    const grant = new EagerGrant(
      this.nextGrantId++,
      member.framework.id,
      role.name,
      Int32Array.from(slots),
      bags,
      table,
    );
    this.openGrant(grant);
    return grant;
  }

  /**
   * The latest expiry among `member`'s filters (per agent, and batch) that block `candidate` on
   * an agent, or {@link NOT_BLOCKED}; an agent's table of filters is dropped once empty.
   */
  private blockedUntil(member: FrameworkRole, slot: number, candidate: Resources, now: number): number {
    const role = member.role;
    let until = NOT_BLOCKED;
    const filters = role.filters[slot];
    if (filters !== undefined) {
      until = filters.blockedUntil(
        member.slot,
        member.filterGeneration,
        candidate,
        this.filterVersion(slot, role),
        now,
      );
      if (filters.size === 0) this.dropFilters(role, slot);
    }
    if (member.batchFilters.length > 0) {
      const batch = this.batchBlockedUntil(member, slot, candidate, now);
      if (batch > until) until = batch;
    }
    return until;
  }

  /** The agent-by-agent walk (see the module comment). */
  private generalWalk(agentIds: Iterable<string> | undefined, firstRoles: readonly RoleState[]): Grant[] {
    const table = this.table;
    const now = this.env.now();
    this.pruneBatchFilters(now);
    let n = 0;
    if (agentIds === undefined) {
      const order = table.order;
      if (this.candidates.length < order.length)
        this.candidates = new Int32Array(Math.max(order.length, this.candidates.length * 2));
      for (const slot of order) if (table.active[slot] === 1) this.candidates[n++] = slot;
    } else {
      const slots: number[] = [];
      for (const id of new Set(agentIds)) {
        const slot = table.slot(id);
        if (slot !== undefined && table.active[slot] === 1) slots.push(slot);
      }
      if (this.candidates.length < slots.length) this.candidates = new Int32Array(slots.length);
      for (const slot of slots) this.candidates[n++] = slot;
    }
    const candidates = this.candidates;
    this.cycleRandom.seed(this.env.random());
    this.cycleRandom.shuffle(candidates, n);
    const builders = new Map<FrameworkRole, { slots: number[]; bags: Resources[] }>();
    let roles = firstRoles;
    for (let i = 0; i < n; i++) {
      const slot = candidates[i] as number;
      if (table.isHeld(slot)) continue; // lazily held by an open grant: nothing is free
      if (table.empty[slot] === 1) continue;
      const quietUntil = this.quietUntil[slot] as number;
      if (
        !Number.isNaN(quietUntil) &&
        this.quietVersion[slot] === table.version[slot] &&
        this.quietEpoch[slot] === this.epoch &&
        now < quietUntil
      ) {
        continue;
      }
      // Offering re-sorts the roles; Mesos walks, per agent, the order it began with. The
      // eligible roles are re-collected only after an offer, as nothing else moves them.
      let offered = false;
      let untilMs = Number.POSITIVE_INFINITY;
      for (const role of roles) {
        const made = this.allocateRoleOnAgent(slot, role, now);
        if (made !== undefined) {
          let builder = builders.get(made.member);
          if (builder === undefined) {
            builder = { slots: [], bags: [] };
            builders.set(made.member, builder);
          }
          builder.slots.push(slot);
          builder.bags.push(made.bag);
          offered = true;
        } else {
          const memo = role.noTakerUntil[slot] as number;
          if (!Number.isNaN(memo) && memo < untilMs) untilMs = memo;
        }
        if (table.empty[slot] === 1) break;
      }
      if (offered) {
        this.quietUntil[slot] = NO_MEMO;
        // Offers move roles in the order, never in or out of it: one role needs no re-collecting.
        if (roles.length > 1) roles = this.collectEligibleRoles();
      } else {
        this.quietVersion[slot] = table.version[slot] as number;
        this.quietEpoch[slot] = this.epoch;
        this.quietUntil[slot] = untilMs;
      }
    }
    const grants: Grant[] = [];
    for (const [member, { slots, bags }] of builders) {
      const grant = new EagerGrant(
        this.nextGrantId++,
        member.framework.id,
        member.role.name,
        Int32Array.from(slots),
        bags,
        table,
      );
      this.openGrant(grant);
      grants.push(grant);
    }
    return grants;
  }

  /** Offers everything allocatable to `role` on an agent to the first eligible framework, if any. */
  private allocateRoleOnAgent(
    slot: number,
    role: RoleState,
    now: number,
  ): { readonly member: FrameworkRole; readonly bag: Resources } | undefined {
    const table = this.table;
    const version = table.version[slot] as number;
    const memo = role.noTakerUntil[slot] as number;
    if (
      !Number.isNaN(memo) &&
      role.noTakerVersion[slot] === version &&
      role.noTakerEpoch[slot] === role.epoch &&
      now < memo
    ) {
      return undefined;
    }
    // The table's columns answer for the agent's own bag (all unreserved, empty, allocatable),
    // so that most agents are decided without reading the bag itself.
    const avail = table.avail[slot] as Resources;
    const available = this.quotas.shrink(
      role.name,
      table.reserved[slot] === 0 ? avail : avail.allocatableTo(role.name),
    );
    const own = available === avail;
    if (own ? table.empty[slot] === 1 : available.isEmpty()) return undefined;
    const defaultAllocatable = own
      ? table.allocatableDefault[slot] === 1
      : isAllocatable(available, this.minAllocatable);
    const filterVersion = this.filterVersion(slot, role);
    const gpuOnly = this.filterGpuResources && table.hasGpu[slot] === 1;
    const slots = role.sorter.sortTags();
    // The filter matrix (filter-matrix.ts) says which frameworks may have filters here and which
    // are known to be blocked for this very bag, so that the agent's filter table is opened only
    // for the frameworks that may have one and are not known blocked.
    const matrix = role.matrix;
    const row = matrix.stride === 0 ? -1 : slot * matrix.stride;
    const knownRow = row < 0 ? -1 : matrix.knownRow(slot, available, now);
    let filters: AgentRoleFilters | undefined;
    let skippedKnown = false;
    let untilMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < slots.length; i++) {
      const memberSlot = slots[i] as number;
      const word = memberSlot >>> 5;
      const bit = 1 << (memberSlot & 31);
      if (knownRow >= 0 && ((matrix.known[knownRow + word] as number) & bit) !== 0) {
        skippedKnown = true;
        continue;
      }
      const member = role.bySlot[memberSlot] as FrameworkRole;
      if (!this.mayTake(member, gpuOnly, available, defaultAllocatable)) continue;
      if (row >= 0 && ((matrix.may[row + word] as number) & bit) !== 0) {
        filters ??= role.filters[slot] ?? fail(`agent slot ${slot} has no filter table in role ${role.name}`);
        const blockedUntil = filters.blockedUntil(
          memberSlot,
          member.filterGeneration,
          available,
          filterVersion,
          now,
        );
        if (blockedUntil !== NOT_BLOCKED) {
          matrix.record(slot, memberSlot, available, blockedUntil, now);
          if (blockedUntil < untilMs) untilMs = blockedUntil;
          continue;
        }
        // Its filters here have all expired: the matrix need not send the walk to them again.
        if (!filters.holds(memberSlot)) matrix.cleared(slot, memberSlot);
      }
      if (member.batchFilters.length > 0) {
        const blockedUntil = this.batchBlockedUntil(member, slot, available, now);
        if (blockedUntil !== NOT_BLOCKED) {
          if (blockedUntil < untilMs) untilMs = blockedUntil;
          continue;
        }
      }
      if (this.audit !== undefined) this.auditOffer(slot, role, member, available, now);
      // The sorter re-orders as we allocate, so the walk over its order must end here.
      this.track(slot, member, available);
      role.noTakerUntil[slot] = NO_MEMO;
      if (filters?.size === 0) this.dropFilters(role, slot);
      return { member, bag: available };
    }
    // The frameworks passed over as known blocked are blocked at least until the earliest expiry
    // the matrix relies on. When that bound is what would set the memo, it may be lower than
    // their filters say (a framework since cleared or gone inactive still counted): their own
    // filters give the exact time, so that the memo, and with it which cycles walk this agent
    // again (and draw a random sorter's order), is what a walk without the matrix would set.
    if (skippedKnown && (matrix.knownUntil[slot] as number) < untilMs) {
      filters ??= role.filters[slot] ?? fail(`agent slot ${slot} has no filter table in role ${role.name}`);
      untilMs = this.knownBlockedUntil(
        slot,
        role,
        slots,
        filters,
        available,
        defaultAllocatable,
        gpuOnly,
        untilMs,
        now,
      );
    }
    role.noTakerVersion[slot] = version;
    role.noTakerEpoch[slot] = role.epoch;
    role.noTakerUntil[slot] = untilMs;
    // The walk removed the expired filters it met; none left means nothing to keep a table for.
    if (filters?.size === 0) this.dropFilters(role, slot);
    return undefined;
  }

  /**
   * Whether `member` may be offered `available` before filters are asked: Mesos
   * hierarchical.cpp offers agents with GPUs only to GPU_RESOURCES frameworks, and only
   * leftovers allocatable under the framework's minimum (the default one's answer is given).
   */
  private mayTake(
    member: FrameworkRole,
    gpuOnly: boolean,
    available: Resources,
    defaultAllocatable: boolean,
  ): boolean {
    if (gpuOnly && !member.framework.gpuResources) return false;
    const min = member.minAllocatable;
    return min === undefined ? defaultAllocatable : isAllocatable(available, min);
  }

  /**
   * The earliest time any framework the matrix knew blocked on `slot` becomes unblocked, or
   * `untilMs` if that is earlier: what the filter tables answer for each such framework that the
   * walk would otherwise have asked (same GPU and minimum checks, over the walk's `slots`).
   */
  private knownBlockedUntil(
    slot: number,
    role: RoleState,
    slots: Int32Array,
    filters: AgentRoleFilters,
    available: Resources,
    defaultAllocatable: boolean,
    gpuOnly: boolean,
    untilMs: number,
    now: number,
  ): number {
    const matrix = role.matrix;
    const knownRow = slot * matrix.stride;
    const filterVersion = this.filterVersion(slot, role);
    let until = untilMs;
    for (let i = 0; i < slots.length; i++) {
      const memberSlot = slots[i] as number;
      if (((matrix.known[knownRow + (memberSlot >>> 5)] as number) & (1 << (memberSlot & 31))) === 0)
        continue;
      const member = role.bySlot[memberSlot] as FrameworkRole;
      if (!this.mayTake(member, gpuOnly, available, defaultAllocatable)) continue;
      const blockedUntil = filters.blockedUntil(
        memberSlot,
        member.filterGeneration,
        available,
        filterVersion,
        now,
      );
      if (blockedUntil !== NOT_BLOCKED && blockedUntil < until) until = blockedUntil;
    }
    return until;
  }

  /** Fills {@link eligibleRoles} from the role sorter's current order. */
  private collectEligibleRoles(): readonly RoleState[] {
    const out = this.eligibleRoles;
    out.length = 0;
    // The common idle cycle (everyone suppressed or disconnected) ends here, in O(1).
    if (this.eligibleMembers === 0) return out;
    let eligible = 0;
    for (const role of this.roles.values()) if (role.sorter.activeCount > 0) eligible++;
    if (eligible === 0) return out;
    if (eligible === 1) {
      // One candidate role: its place in the order is moot, so the role sorter is not asked
      // (a random role sorter would draw a whole new order for nothing).
      for (const role of this.roles.values()) if (role.sorter.activeCount > 0) out.push(role);
      return out;
    }
    for (const name of this.roleSorter.sort()) {
      const role = this.roles.get(name) as RoleState;
      if (role.sorter.activeCount > 0) out.push(role);
    }
    return out;
  }

  agent(agentId: string): AgentView | undefined {
    const slot = this.table.slot(agentId);
    if (slot === undefined) return undefined;
    this.materialize(slot);
    const allocated = new Map<string, Map<string, Resources>>();
    for (const fw of this.frameworks.values()) {
      for (const [roleName, member] of fw.roles) {
        const held = member.held.get(slot);
        if (held === undefined) continue;
        let byRole = allocated.get(fw.id);
        if (byRole === undefined) {
          byRole = new Map();
          allocated.set(fw.id, byRole);
        }
        byRole.set(roleName, held);
      }
    }
    return {
      total: this.table.total[slot] as Resources,
      available: this.table.avail[slot] as Resources,
      active: this.table.active[slot] === 1,
      allocated,
    };
  }

  agentIds(): readonly string[] {
    return this.table.order.map((slot) => this.table.ids[slot] as string);
  }

  frameworkShare(frameworkId: string, role: string): number {
    return this.roles.get(role)?.sorter.standing(frameworkId)?.share ?? 0;
  }

  /**
   * Tells {@link audit} of every offer of a single-taker grant, once it is made: nobody else
   * could have taken any of them (the grant's framework was the only eligible one).
   */
  private auditGrant(grant: Grant, member: FrameworkRole): void {
    const audit = this.audit as (decision: OfferDecision) => void;
    for (let p = 0; p < grant.size; p++) {
      audit({
        agentId: grant.agentId(p),
        role: member.role.name,
        frameworkId: member.framework.id,
        resources: grant.resources(p),
        eligible: [member.framework.id],
        eligibleRoles: new Map([[member.role.name, this.weights.get(member.role.name) ?? 1]]),
        policy: this.policyName,
        view: this,
      });
    }
  }

  /** Tells {@link audit} of an offer about to be made, and who else could have taken it. */
  private auditOffer(
    slot: number,
    role: RoleState,
    recipient: FrameworkRole,
    available: Resources,
    now: number,
  ): void {
    const eligibleRoles = new Map<string, number>();
    const agentAvailable = this.table.avail[slot] as Resources;
    for (const other of this.roles.values()) {
      if (other === role) continue;
      const leftovers = this.quotas.shrink(other.name, agentAvailable.allocatableTo(other.name));
      if (!leftovers.isEmpty() && this.eligibleOn(slot, other, leftovers, now).length > 0)
        eligibleRoles.set(other.name, this.weights.get(other.name) ?? 1);
    }
    eligibleRoles.set(role.name, this.weights.get(role.name) ?? 1);
    (this.audit as (decision: OfferDecision) => void)({
      agentId: this.table.ids[slot] as string,
      role: role.name,
      frameworkId: recipient.framework.id,
      resources: available,
      eligible: this.eligibleOn(slot, role, available, now),
      eligibleRoles,
      policy: this.policyName,
      view: this,
    });
  }

  /** The frameworks of `role` that could be offered `available` on an agent now (for the audit). */
  private eligibleOn(slot: number, role: RoleState, available: Resources, now: number): string[] {
    const eligible: string[] = [];
    const filters = role.filters[slot];
    const defaultAllocatable = isAllocatable(available, this.minAllocatable);
    const version = this.filterVersion(slot, role);
    const gpuOnly = this.filterGpuResources && this.table.hasGpu[slot] === 1;
    for (const member of role.bySlot) {
      if (member === undefined || !this.eligible(member)) continue;
      if (!this.mayTake(member, gpuOnly, available, defaultAllocatable)) continue;
      const blocked =
        filters?.blockedUntil(member.slot, member.filterGeneration, available, version, now) ?? NOT_BLOCKED;
      if (blocked === NOT_BLOCKED && this.batchBlockedUntil(member, slot, available, now) === NOT_BLOCKED)
        eligible.push(member.framework.id);
    }
    return eligible;
  }

  /**
   * The version under which the filters may cache whether they cover `role`'s leftovers on an
   * agent: the agent's availability version, unless the role has a quota limit. Then the
   * leftovers are also shrunk to the role's headroom, which moves with what the role holds on
   * other agents while this agent's version stays put, so the filters must look again (NaN
   * never matches a cached version). A cached answer for other leftovers kept a framework
   * filtered, or not, wrongly (chaos seeds 5886 and 7915: a role skipped by DRF order).
   */
  private filterVersion(slot: number, role: RoleState): number {
    return this.quotas.limits(role.name) === undefined ? (this.table.version[slot] as number) : Number.NaN;
  }

  // -------------------------------------------------------------------------------------------
  // Accounting
  // -------------------------------------------------------------------------------------------

  /** Registers a grant as open with its framework. */
  private openGrant(grant: Grant): void {
    this.framework(grant.frameworkId).grants.add(grant);
  }

  private closeIfDone(grant: Grant): void {
    const done = grant instanceof EagerGrant ? grant.outstanding === 0 : (grant as LazyGrant).closed;
    if (!done) return;
    this.frameworks.get(grant.frameworkId)?.grants.delete(grant);
    if (grant instanceof LazyGrant) this.lazyGrants.delete(grant);
  }

  /**
   * Moves a lazily held agent's availability into its grant's framework allocation, so that
   * the agent can be changed in the ordinary way. A no-op for agents not lazily held.
   */
  private materialize(slot: number): void {
    if (!this.table.isHeld(slot)) return;
    for (const grant of this.lazyGrants) {
      if (grant.isHeld(slot)) {
        this.materializeLazy(grant, slot);
        return;
      }
    }
    throw new Error(`assertion failed: agent slot ${slot} is held by no open grant`);
  }

  private materializeLazy(grant: LazyGrant, slot: number): void {
    const table = this.table;
    const bag = table.avail[slot] as Resources;
    grant.pin(slot, bag);
    table.unhold(slot);
    const member = this.membership(this.framework(grant.frameworkId), grant.role);
    // The sorters were charged for the whole grant when it was made: only the agent's own
    // accounting moves here.
    const held = member.held.get(slot);
    this.setHeld(member, slot, held === undefined ? bag : held.add(bag));
    table.setAvail(slot, Resources.EMPTY);
  }

  private track(slot: number, member: FrameworkRole, res: Resources): void {
    // Another grant may hold the agent lazily: its hold must be moved aside before the
    // availability changes under it.
    this.materialize(slot);
    const table = this.table;
    const avail = table.avail[slot] as Resources;
    // An offer usually takes the whole bag: then nothing is left, and its quantities are the
    // agent's columns, so the bag itself need not be read (see trackSortersColumns).
    const whole = res === avail && table.empty[slot] === 0;
    if (whole) this.readColumns(slot);
    table.setAvail(slot, whole ? Resources.EMPTY : avail.subtract(res));
    const held = member.held.get(slot);
    this.setHeld(member, slot, held === undefined ? res : held.add(res));
    if (whole) this.trackSortersColumns(member, res, +1);
    else this.trackSorters(member, res.scalarQuantities(), 1);
  }

  /** Copies an agent's scalar columns (what is available there) into {@link bagColumns}. */
  private readColumns(slot: number): void {
    const columns = this.table.columns;
    if (this.bagColumns.length !== columns.length) this.bagColumns = new Float64Array(columns.length);
    for (let k = 0; k < columns.length; k++)
      this.bagColumns[k] = (columns[k] as Float64Array)[slot] as number;
  }

  /**
   * Charges (`sign` +1) or credits (-1) the sorters with one bag whose scalar quantities are in
   * {@link bagColumns} (`bag` itself is read only for a role with a quota). The same as
   * {@link trackSorters} / {@link untrackSorters} with `bag.scalarQuantities()`.
   */
  private trackSortersColumns(member: FrameworkRole, bag: Resources, sign: 1 | -1): void {
    const role = member.role.name;
    const names = this.table.columnNames;
    if (sign > 0) {
      this.roleSorter.allocatedColumns(role, names, this.bagColumns, 1);
      member.role.sorter.allocatedColumns(member.framework.id, names, this.bagColumns, 1);
    } else {
      this.roleSorter.unallocatedColumns(role, names, this.bagColumns);
      member.role.sorter.unallocatedColumns(member.framework.id, names, this.bagColumns);
    }
    if (this.quotas.limits(role) !== undefined && this.quotas.charge(role, bag.scalarQuantities(), sign))
      this.quotaChanged(role);
  }

  private trackSorters(member: FrameworkRole, q: Quantities, count: number): void {
    const role = member.role.name;
    this.roleSorter.allocated(role, q, count);
    member.role.sorter.allocated(member.framework.id, q, count);
    if (this.quotas.charge(role, q, 1)) this.quotaChanged(role);
  }

  private untrack(slot: number, member: FrameworkRole, res: Resources): void {
    this.materialize(slot);
    const fw = member.framework;
    const role = member.role.name;
    const held = member.held.get(slot);
    if (!held?.contains(res)) {
      throw new Error(
        `assertion failed: framework ${fw.id} returns resources on ${this.table.ids[slot]} in role ${role} that it does not hold`,
      );
    }
    const left = held.subtract(res);
    this.setHeld(member, slot, left.isEmpty() ? undefined : left);
    const table = this.table;
    const avail = (table.avail[slot] as Resources).add(res);
    table.setAvail(slot, avail);
    // A decline of a whole offer gives an emptied agent its bag back: the columns are the bag's.
    if (avail === res && table.empty[slot] === 0) {
      this.readColumns(slot);
      this.trackSortersColumns(member, res, -1);
    } else {
      this.untrackSorters(member, res.scalarQuantities());
    }
  }

  private setHeld(member: FrameworkRole, slot: number, held: Resources | undefined): void {
    if (held === undefined) member.held.delete(slot);
    else member.held.set(slot, held);
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
      const capacity = this.table.capacity;
      role = {
        name,
        sorter,
        bySlot: [],
        freeSlots: [],
        members: 0,
        epoch: 0,
        filters: new Array<AgentRoleFilters | undefined>(capacity).fill(undefined),
        filtered: 0,
        filterBits: new Uint32Array(wordsFor(capacity)),
        matrix: new FilterMatrix(),
        noTakerVersion: new Int32Array(capacity),
        noTakerEpoch: new Int32Array(capacity),
        noTakerUntil: new Float64Array(capacity).fill(NO_MEMO),
      };
      role.matrix.fit(capacity, 0);
      this.roles.set(name, role);
      this.roleSorter.add(name, this.weights.get(name) ?? 1);
    }
    return role;
  }

  private dropRole(role: RoleState): void {
    this.roles.delete(role.name);
    this.roleSorter.remove(role.name);
  }

  /** Forgets a role's filters and memo for an agent slot (new or removed agent). */
  private resetAgentRole(role: RoleState, slot: number): void {
    if (role.filters[slot] !== undefined) this.dropFilters(role, slot);
    role.noTakerUntil[slot] = NO_MEMO;
  }

  private dropFilters(role: RoleState, slot: number): void {
    role.filters[slot] = undefined;
    role.matrix.clearRow(slot);
    role.filtered--;
    clearBit(role.filterBits, slot);
  }

  /** Grows every per-agent table of the allocator to the agent table's capacity. */
  private fitCapacity(): void {
    const capacity = this.table.capacity;
    if (this.quietUntil.length >= capacity) return;
    this.quietVersion = growInt32(this.quietVersion, capacity);
    this.quietEpoch = growInt32(this.quietEpoch, capacity);
    this.quietUntil = growFloat64(this.quietUntil, capacity);
    for (const role of this.roles.values()) {
      role.noTakerVersion = growInt32(role.noTakerVersion, capacity);
      role.noTakerEpoch = growInt32(role.noTakerEpoch, capacity);
      role.noTakerUntil = growFloat64(role.noTakerUntil, capacity);
      while (role.filters.length < capacity) role.filters.push(undefined);
      role.filterBits = grownBits(role.filterBits, wordsFor(capacity));
      role.matrix.fit(capacity, role.bySlot.length);
    }
  }

  /**
   * Voids every filter of `member` (a new generation makes them inert at once) and frees the
   * tables they took: O(agents it had filters on).
   */
  private voidFilters(member: FrameworkRole): void {
    member.filterGeneration = this.nextFilterGeneration++;
    member.batchFilters = [];
    const role = member.role;
    const filteredOn = member.filteredOn;
    for (let w = 0; w < filteredOn.length; w++) {
      let bits = filteredOn[w] as number;
      if (bits === 0) continue;
      filteredOn[w] = 0;
      while (bits !== 0) {
        const slot = (w << 5) | lowestBit(bits);
        bits &= bits - 1;
        const filters = role.filters[slot];
        if (filters === undefined) continue;
        filters.clear(member.slot);
        role.matrix.cleared(slot, member.slot);
        if (filters.size === 0) this.dropFilters(role, slot);
      }
    }
  }

  private eligible(member: FrameworkRole): boolean {
    return member.framework.active && !member.suppressed;
  }

  /** Re-derives the framework's place in the role's order; it may now take agents it skipped. */
  private syncEligibility(member: FrameworkRole): void {
    member.role.epoch++;
    this.epoch++;
    const sorter = member.role.sorter;
    const wasActive = sorter.activeCount;
    if (this.eligible(member)) sorter.activate(member.framework.id);
    else sorter.deactivate(member.framework.id);
    this.eligibleMembers += sorter.activeCount - wasActive;
  }

  private memberships(frameworkId: string, roles: readonly string[] | undefined): FrameworkRole[] {
    const fw = this.framework(frameworkId);
    if (roles === undefined || roles.length === 0) return [...fw.roles.values()];
    return roles.map((r) => this.membership(fw, r));
  }

  private membership(fw: FrameworkState, role: string): FrameworkRole {
    const m = fw.roles.get(role);
    if (m === undefined) fail(`framework ${fw.id} is not subscribed to role ${role}`);
    return m;
  }

  private agentSlot(agentId: string): number {
    const slot = this.table.slot(agentId);
    if (slot === undefined) fail(`unknown agent ${agentId}`);
    return slot;
  }

  private framework(frameworkId: string): FrameworkState {
    const f = this.frameworks.get(frameworkId);
    if (f === undefined) fail(`unknown framework ${frameworkId}`);
    return f;
  }
}

/** Column sums as scalar quantities (names with a zero sum left out). */
function columnQuantities(names: readonly string[], sums: Float64Array): Map<string, number> {
  const q = new Map<string, number>();
  for (let k = 0; k < names.length; k++) {
    const milli = sums[k] as number;
    if (milli !== 0) q.set(names[k] as string, milli);
  }
  return q;
}

function growInt32(old: Int32Array, capacity: number): Int32Array {
  const fresh = new Int32Array(capacity);
  fresh.set(old);
  return fresh;
}

function growFloat64(old: Float64Array, capacity: number): Float64Array {
  const fresh = new Float64Array(capacity).fill(NO_MEMO);
  fresh.set(old);
  return fresh;
}

function sameQuantities(a: Quantities, b: Quantities): boolean {
  if (a.size !== b.size) return false;
  for (const [name, milli] of a) if (b.get(name) !== milli) return false;
  return true;
}
