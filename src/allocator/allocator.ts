/**
 * The allocator interface the master drives (Mesos include/mesos/allocator/allocator.hpp, the
 * parts a cluster without quota or maintenance needs). It is synchronous and sans-IO: time and
 * randomness come from {@link AllocatorEnv}, and offers come back as plain data from
 * {@link Allocator.allocate} instead of through a callback.
 */
import type { Resources } from '../core/resources.js';
import type { Grant } from './grant.js';
import type { MinAllocatable } from './min-allocatable.js';
import type { Quantities, SorterPolicy } from './sorter.js';

/**
 * Mesos's default `Filters.refuse_seconds` (the proto default): the filter a decline installs
 * when it gives none or a bad one, and what a master declining for a framework passes (part of
 * the interface's contract: see {@link Recovery.refuseSeconds}).
 */
export const DEFAULT_REFUSE_SECONDS = 5;

/** What the allocator may touch: a clock and its own seeded random stream. */
export interface AllocatorEnv {
  /** Current time in ms on the world's clock (virtual in the simulator). */
  now(): number;
  /** Uniform in [0, 1), from the allocator's own seeded stream. */
  random(): number;
}

/** Allocator configuration, with Mesos's defaults noted. */
export interface AllocatorOptions {
  /** Orders roles, and frameworks within each role. Mesos default: DRF. */
  readonly policy: SorterPolicy;
  /** Orders frameworks within a role, when it should differ from `policy`. */
  readonly frameworkPolicy?: SorterPolicy;
  /** Batch allocation interval (Mesos `--allocation_interval`, default 1 s); filters last at least this. */
  readonly allocationIntervalMs?: number;
  /** Mesos `--min_allocatable_resources`, default `cpus:0.01|mem:32`. */
  readonly minAllocatable?: MinAllocatable;
  /**
   * Mesos `--filter_gpu_resources` (default true): an agent with GPUs is offered only to
   * frameworks with the GPU_RESOURCES capability ({@link FrameworkSpec.gpuResources}).
   */
  readonly filterGpuResources?: boolean;
  /**
   * Told of every offer decision just before it takes effect, for a checking run to verify the
   * order independently (invariants.ts, DRF order). Costs a walk over the role's frameworks per
   * offer, so leave it unset outside checking runs. It must not act on the allocator.
   */
  readonly audit?: (decision: OfferDecision) => void;
}

/**
 * One offer the allocator is about to make, with who else could have taken it: the frameworks
 * of the role that are active, not suppressed, not filtered on the agent and for which the
 * leftovers are allocatable. The recipient is one of them.
 */
export interface OfferDecision {
  readonly agentId: string;
  readonly role: string;
  readonly frameworkId: string;
  readonly resources: Resources;
  readonly eligible: readonly string[];
  /**
   * Every role that could have been offered the agent now (it has such a framework, and
   * allocatable leftovers within its quota), the recipient's among them, with its weight.
   */
  readonly eligibleRoles: ReadonlyMap<string, number>;
  /** The policy's name (a check of DRF order applies only to `drf`). */
  readonly policy: string;
  /** The allocator's accounting as it stands before the offer. */
  readonly view: Pick<Allocator, 'agent' | 'agentIds' | 'quota'>;
}

/** A framework as the allocator sees it. */
export interface FrameworkSpec {
  /** Roles it subscribes to (Mesos `FrameworkInfo.roles`); `*` is allowed. */
  readonly roles: readonly string[];
  /** Roles it starts suppressed in (Mesos SUBSCRIBE `suppressed_roles`). */
  readonly suppressedRoles?: readonly string[];
  /** Per-role minimum allocatable override (Mesos `FrameworkInfo.offer_filters[role]`). */
  readonly minAllocatableByRole?: ReadonlyMap<string, MinAllocatable>;
  /** Whether it has the GPU_RESOURCES capability (default false). */
  readonly gpuResources?: boolean;
}

/** Resources already in use when an agent or framework is added (e.g. after a master failover). */
export interface UsedResources {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
}

/** An offer decided by an allocation run: everything allocatable on one agent for one role. */
export interface Offer {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
}

/** Resources a framework hands back: a decline, the unused part of an accept, a finished task. */
export interface Recovery {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
  /**
   * Mesos `Filters.refuse_seconds`. Absent means no filter (task ended, offer rescinded); a
   * master declining on a framework's behalf passes 5 (the default) when the framework gave
   * none, as Mesos does.
   */
  readonly refuseSeconds?: number;
}

/** A read-only view of one agent's accounting. */
export interface AgentView {
  readonly total: Resources;
  readonly available: Resources;
  readonly active: boolean;
  /** Allocated (offered or in use) resources by framework id, then role. */
  readonly allocated: ReadonlyMap<string, ReadonlyMap<string, Resources>>;
}

/**
 * The allocation engine the master drives. A composition root chooses and builds it and hands it
 * to the master (Mesos's master `main.cpp` creates it with `Allocator::create` and passes it to
 * `Master`), which attaches it to its own clock and random stream with {@link initialize}.
 */
export interface Allocator {
  /**
   * Attaches the allocator to the clock and seeded stream of the master that drives it (Mesos
   * `Allocator::initialize`, called from `Master::initialize`). The master calls it once, when it
   * starts, before anything else: an allocator serves one master incarnation, and a restarted
   * master is handed a new one, as a restarted Mesos master process builds a new allocator.
   */
  initialize(env: AllocatorEnv): void;
  /** Adds an agent with its total resources and any resources already in use on it. */
  addAgent(agentId: string, total: Resources, used?: readonly UsedResources[]): void;
  /** Removes an agent; allocations on it are dropped (the master has rescinded or lost them). */
  removeAgent(agentId: string): void;
  /** Stops offering an agent (disconnected) without forgetting it. */
  deactivateAgent(agentId: string): void;
  /** Offers a deactivated agent again. */
  activateAgent(agentId: string): void;
  /** Adds a framework, active unless `active` is false, with resources it already uses. */
  addFramework(
    frameworkId: string,
    spec: FrameworkSpec,
    used?: readonly UsedResources[],
    active?: boolean,
  ): void;
  /** Removes a framework and returns everything allocated to it to the agents. */
  removeFramework(frameworkId: string): void;
  /** Makes a framework eligible for offers again (in its non-suppressed roles). */
  activateFramework(frameworkId: string): void;
  /** Stops offers to a framework (disconnected); clears its filters, as Mesos does. */
  deactivateFramework(frameworkId: string): void;
  /** Stops offers to the framework in these roles (all of its roles if none are given). */
  suppressOffers(frameworkId: string, roles?: readonly string[]): void;
  /** Clears the roles' filters and un-suppresses them (all roles if none are given). */
  reviveOffers(frameworkId: string, roles?: readonly string[]): void;
  /** Sets a role's weight (Mesos `/weights`); affects future allocations only. */
  updateWeight(role: string, weight: number): void;
  /**
   * Sets a role's quota limits, scalar name → milli-units (Mesos `UPDATE_QUOTA` limits);
   * undefined removes them. Affects future allocations only; nothing is rescinded.
   */
  updateQuota(role: string, limits: Quantities | undefined): void;
  /** A role's quota limits, if it has any. */
  quota(role: string): Quantities | undefined;
  /**
   * Transforms allocated resources without changing their quantities (Mesos `updateAllocation`
   * for RESERVE/UNRESERVE-style operations): `from` is replaced by `to` on the agent.
   */
  updateAllocation(frameworkId: string, agentId: string, role: string, from: Resources, to: Resources): void;
  /**
   * Transforms unallocated resources of an agent without changing their quantities (Mesos
   * `updateAvailable`, for the operator API's RESERVE_RESOURCES and the like): `from`, which must
   * be available, is replaced by `to`. Returns why not when `from` is not available.
   */
  updateAvailable(agentId: string, from: Resources, to: Resources): string | undefined;
  /** Hands resources back to the agent, installing a refusal filter when asked to. */
  recoverResources(recovery: Recovery): void;
  /**
   * Runs one allocation cycle over the given agents (all of them by default) and returns the
   * offers it made. The resources offered count as allocated until recovered.
   */
  allocate(agentIds?: Iterable<string>): Offer[];
  /**
   * Runs one allocation cycle and returns its offers as grants, one per framework and role
   * (see grant.ts). Offered resources count as allocated until each entry is taken back with
   * {@link takeEntry} (and then recovered as usual) or the grant is released.
   */
  allocateGrants(agentIds?: Iterable<string>): Grant[];
  /**
   * Takes entry `p` of a grant out of it: its resources become an ordinary allocation of the
   * framework on that agent, which the caller then recovers in part or in full. Returns them.
   * A no-op (returning them) for an entry already taken or released.
   */
  takeEntry(grant: Grant, p: number): Resources;
  /**
   * Recovers every entry of a grant not yet taken, with a refusal filter when `refuseSeconds`
   * is given (a framework declining the rest of its offers at once, or its offers rescinded).
   * Returns how many entries it recovered.
   */
  releaseGrant(grant: Grant, refuseSeconds: number | undefined): number;
  /** The agent's accounting, or undefined for an unknown agent. */
  agent(agentId: string): AgentView | undefined;
  /** Ids of every agent, in the order they were added. */
  agentIds(): readonly string[];
  /** The framework's current share in a role under the policy (0 if it holds nothing). */
  frameworkShare(frameworkId: string, role: string): number;
}
