/**
 * The master's configuration, with Mesos's defaults (mesos.md §6.7): allocation every second,
 * heartbeats every 15 s, agents pinged every 15 s and removed after 5 missed pongs, 10 min for a
 * disconnected agent to reregister, and no offer timeout.
 */
import type { DomainInfo } from '../core/messages/network.js';
import type { Address } from '../core/process.js';
import { quotaNameProblem } from '../core/quota-names.js';

/**
 * Bounds on everything that grows from peer input (ARCHITECTURE.md §5). The first three are
 * Mesos's own constants (src/master/constants.hpp); the others are Agora's.
 */
export interface MasterLimits {
  /** Removed frameworks remembered (to refuse their resubscription and show them in state). Mesos: 50. */
  readonly maxCompletedFrameworks: number;
  /** Completed tasks kept per framework. Mesos `MAX_COMPLETED_TASKS_PER_FRAMEWORK`: 1000. */
  readonly maxCompletedTasksPerFramework: number;
  /** Tasks kept per framework whose agent became unreachable. Mesos: 1000. */
  readonly maxUnreachableTasksPerFramework: number;
  /** Unreachable agents remembered (Mesos `registry_max_agent_count`: 102400). */
  readonly maxUnreachableAgents: number;
  /** Ids of agents that unregistered, remembered so their late messages are ignored. */
  readonly maxRemovedAgents: number;
  /** Statuses kept per task (Mesos keeps one per state change, unbounded). */
  readonly maxStatusesPerTask: number;
  /** Frameworks registered at once; a SUBSCRIBE beyond it is refused with ERROR. */
  readonly maxFrameworks: number;
  /**
   * Frameworks a master takes back from SUBSCRIBEs with ids neither it nor its registry knows
   * (see unknown-frameworks.ts); Mesos takes any number.
   */
  readonly maxRecoveredFrameworks: number;
  /** Agents registered at once; a registration beyond it is ignored. */
  readonly maxAgents: number;
  /** Live tasks per framework; a launch beyond it gets TASK_ERROR. */
  readonly maxTasksPerFramework: number;
}

/**
 * Master options; every field is optional and defaults as Mesos does. The allocator's own
 * settings (policy, `--min_allocatable_resources`, `--filter_gpu_resources`) are not here: the
 * composition root builds the allocator with them and hands it to the master, as Mesos's
 * `main.cpp` does; it gives the allocator the same `allocationIntervalMs`.
 */
export interface MasterOptions {
  /**
   * The address composition roots spawn the master at (default `master`), for agents and
   * schedulers to find it. The master itself answers to `env.self`.
   */
  readonly address?: Address;
  /**
   * Where the master serves, as `MasterInfo` tells schedulers and /master/state shows
   * (`hostname`, `port`, and `ip`, the IPv4 address it listens on, when it has one); default
   * the address and Mesos's port 5050 (the simulator has no hosts).
   */
  readonly endpoint?: { readonly hostname: string; readonly port: number; readonly ip?: string };
  /** Mesos `--domain`: the master's fault domain, in `MasterInfo.domain` (default none). */
  readonly domain?: DomainInfo;
  /** Mesos `--allocation_interval` (default 1000 ms). */
  readonly allocationIntervalMs?: number;
  /** Mesos `--offer_timeout`: rescind offers not used within it (default: never). */
  readonly offerTimeoutMs?: number;
  /** Mesos `DEFAULT_HEARTBEAT_INTERVAL` (15000 ms). */
  readonly heartbeatIntervalMs?: number;
  /** Mesos `--agent_ping_timeout` (15000 ms). */
  readonly agentPingTimeoutMs?: number;
  /** Mesos `--max_agent_ping_timeouts` (5). */
  readonly maxAgentPingTimeouts?: number;
  /** Mesos `--agent_reregister_timeout` (600000 ms). */
  readonly agentReregisterTimeoutMs?: number;
  /** Overrides of {@link DEFAULT_MASTER_LIMITS}. */
  readonly limits?: Partial<MasterLimits>;
  /**
   * Role weights (Mesos `--weights`, e.g. `{ "a": 2 }`); roles not listed weigh 1. A weight
   * scales a role's fair share: the DRF sorter compares dominant share divided by weight.
   */
  readonly weights?: Readonly<Record<string, number>>;
  /**
   * Role quota limits (Mesos `UPDATE_QUOTA` limits), role → scalar name → amount, e.g.
   * `{ "a": { "cpus": 8, "mem": 16384 } }`: a role is never allocated more. Roles not listed
   * have no limit. Like weights, limits in the registry win over these once written.
   */
  readonly quotas?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Options with every default applied. */
export interface ResolvedMasterOptions {
  readonly address: Address;
  readonly endpoint: MasterOptions['endpoint'];
  readonly domain: DomainInfo | undefined;
  readonly allocationIntervalMs: number;
  readonly offerTimeoutMs: number | undefined;
  readonly heartbeatIntervalMs: number;
  readonly agentPingTimeoutMs: number;
  readonly maxAgentPingTimeouts: number;
  readonly agentReregisterTimeoutMs: number;
  readonly limits: MasterLimits;
  readonly weights: ReadonlyMap<string, number>;
  readonly quotas: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

/** The default limits. */
export const DEFAULT_MASTER_LIMITS: MasterLimits = Object.freeze({
  maxCompletedFrameworks: 50,
  maxCompletedTasksPerFramework: 1000,
  maxUnreachableTasksPerFramework: 1000,
  maxUnreachableAgents: 102_400,
  maxRemovedAgents: 10_000,
  maxStatusesPerTask: 32,
  maxFrameworks: 10_000,
  maxRecoveredFrameworks: 1_000,
  maxAgents: 100_000,
  maxTasksPerFramework: 1_000_000,
});

/** The master's default address. */
export const DEFAULT_MASTER_ADDRESS = 'master';

/** Applies the defaults and checks the numbers (a bad option is a programming error). */
export function resolveMasterOptions(options: MasterOptions = {}): ResolvedMasterOptions {
  const resolved: ResolvedMasterOptions = {
    address: options.address ?? DEFAULT_MASTER_ADDRESS,
    endpoint: options.endpoint,
    domain: options.domain,
    allocationIntervalMs: options.allocationIntervalMs ?? 1000,
    offerTimeoutMs: options.offerTimeoutMs,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 15_000,
    agentPingTimeoutMs: options.agentPingTimeoutMs ?? 15_000,
    maxAgentPingTimeouts: options.maxAgentPingTimeouts ?? 5,
    agentReregisterTimeoutMs: options.agentReregisterTimeoutMs ?? 600_000,
    limits: { ...DEFAULT_MASTER_LIMITS, ...options.limits },
    weights: new Map(Object.entries(options.weights ?? {})),
    quotas: new Map(Object.entries(options.quotas ?? {})),
  };
  for (const [role, limits] of resolved.quotas) {
    for (const [name, amount] of Object.entries(limits)) {
      const problem = quotaNameProblem(name);
      if (problem !== undefined) throw new RangeError(`master option quotas.${role}.${name}: ${problem}`);
      if (!(Number.isFinite(amount) && amount >= 0)) {
        throw new RangeError(
          `master option quotas.${role}.${name} must be a finite number >= 0, got ${amount}`,
        );
      }
    }
  }
  for (const [role, weight] of resolved.weights) {
    if (!(Number.isFinite(weight) && weight > 0)) {
      throw new RangeError(`master option weights.${role} must be a positive finite number, got ${weight}`);
    }
  }
  for (const [name, value] of Object.entries(resolved)) {
    if (typeof value === 'number' && !(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`master option ${name} must be a positive finite number, got ${value}`);
    }
  }
  if (!Number.isInteger(resolved.maxAgentPingTimeouts)) {
    throw new RangeError(`maxAgentPingTimeouts must be an integer, got ${resolved.maxAgentPingTimeouts}`);
  }
  return resolved;
}
