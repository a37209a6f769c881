/**
 * A validated scenario, with the run's overrides, as the cluster to build: the master's options,
 * each agent, each framework (its FrameworkInfo as it subscribes), the cluster's changes and the
 * faults. A pure function: the simulated world and the live node build the same plan and differ
 * only in how they put it on their processes (harness.ts).
 */
import type { Quantities } from '../../allocator/sorter.js';
import type { FrameworkInfo } from '../../core/messages/framework-info.js';
import type { Attribute } from '../../core/messages/resources-json.js';
import type { Resources } from '../../core/resources.js';
import {
  type ClusterEventSpec,
  type FaultSpec,
  type FrameworkSpec,
  type Scenario,
  schedulerAddress,
} from '../../scenario/schema.js';

/** What the run overrides of the scenario file (the `agora sim` / `agora live` flags). */
export interface PlanOverrides {
  readonly seed?: number;
  readonly policy?: string;
  readonly untilMs?: number;
}

/** The master's options, in scenario units (Mesos flags: mesos.md §6.7). */
export interface MasterPlan {
  /** A key of `POLICIES` (src/allocator/policies.ts). */
  readonly policy: string;
  /** Mesos `--allocation_interval`. */
  readonly allocationIntervalMs: number;
  /** Mesos `--weights`: only roles whose weight is not 1. */
  readonly weights: Readonly<Record<string, number>>;
  /** Mesos `UPDATE_QUOTA` limits by role. */
  readonly quotas: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Mesos `--agent_ping_timeout`. */
  readonly agentPingTimeoutMs: number;
  /** Mesos `--max_agent_ping_timeouts`. */
  readonly maxAgentPingTimeouts: number;
  /** Mesos `--filter_gpu_resources`. */
  readonly filterGpuResources: boolean;
  /** Mesos `--offer_timeout`; undefined: never. */
  readonly offerTimeoutMs: number | undefined;
}

/** One agent: who it is, what it has, when it starts. */
export interface AgentPlan {
  /** Its id and process address (`agent-3`). */
  readonly id: string;
  /** `AgentInfo.hostname`. */
  readonly hostname: string;
  /** `AgentInfo.attributes` (Mesos `--attributes`). */
  readonly attributes: readonly Attribute[];
  /** Its resources at the start (a resize event changes them later). */
  readonly resources: Resources;
  /** When it starts (scenario ms). */
  readonly startMs: number;
}

/** One framework: its scheduler's parameters and how it subscribes. */
export interface FrameworkPlan {
  /** The scenario framework it replays (jobs, constraints, limits). */
  readonly spec: FrameworkSpec;
  /** Its scheduler's process address (`scheduler-A`). */
  readonly address: string;
  /**
   * The FrameworkInfo it subscribes with, in scenario units (`failover_timeout` in scenario
   * seconds): user, name, role, failover timeout, checkpoint, capabilities. A failover adds `id`.
   */
  readonly info: FrameworkInfo;
  /** The `refuse_seconds` of its declines, in scenario seconds. */
  readonly refuseSeconds: number;
  /** How often it reconciles its tasks explicitly; undefined: only after (re)subscribing. */
  readonly reconcileIntervalMs: number | undefined;
}

/** The whole cluster of a run. */
export interface ClusterPlan {
  readonly scenario: string;
  readonly seed: number;
  readonly policy: string;
  /** The run ends here (scenario ms). */
  readonly untilMs: number;
  readonly master: MasterPlan;
  readonly agents: readonly AgentPlan[];
  /** Agents added, removed and resized before the end, in time order. */
  readonly cluster: readonly ClusterEventSpec[];
  readonly frameworks: readonly FrameworkPlan[];
  /** The faults before the end, in time order (same-time faults in file order). */
  readonly faults: readonly FaultSpec[];
  /** Every agent's scalar resources added up: the denominator of dominant shares. */
  readonly total: Quantities;
  /** Framework name → role. */
  readonly roles: ReadonlyMap<string, string>;
}

/** The plan of `scenario` under `overrides`. */
export function clusterPlan(scenario: Scenario, overrides: PlanOverrides = {}): ClusterPlan {
  const untilMs = overrides.untilMs ?? scenario.untilMs;
  return {
    scenario: scenario.name,
    seed: overrides.seed ?? scenario.seed,
    policy: overrides.policy ?? scenario.allocator.policy,
    untilMs,
    master: masterPlan(scenario, overrides.policy ?? scenario.allocator.policy),
    agents: scenario.agents.map((a) => ({
      id: a.id,
      hostname: a.hostname,
      attributes: a.attributes,
      resources: a.resources,
      startMs: a.startMs,
    })),
    cluster: scenario.cluster.filter((e) => e.atMs < untilMs),
    frameworks: scenario.frameworks.map((spec) => frameworkPlan(spec, scenario.allocator.refuseSeconds)),
    faults: scenario.faults.filter((f) => f.atMs < untilMs),
    total: clusterTotal(scenario),
    roles: new Map(scenario.frameworks.map((f) => [f.name, f.role])),
  };
}

function masterPlan(scenario: Scenario, policy: string): MasterPlan {
  const weights: Record<string, number> = {};
  const quotas: Record<string, Readonly<Record<string, number>>> = {};
  for (const f of scenario.frameworks) {
    if (f.weight !== 1) weights[f.role] = f.weight;
    if (f.quota !== undefined) quotas[f.role] = f.quota;
  }
  const { master } = scenario;
  return {
    policy,
    allocationIntervalMs: scenario.allocator.allocationIntervalMs,
    weights,
    quotas,
    agentPingTimeoutMs: master.agentPingTimeoutMs,
    maxAgentPingTimeouts: master.maxAgentPingTimeouts,
    filterGpuResources: master.filterGpuResources,
    offerTimeoutMs: master.offerTimeoutMs,
  };
}

function frameworkPlan(spec: FrameworkSpec, refuseSeconds: number): FrameworkPlan {
  return {
    spec,
    address: schedulerAddress(spec.name),
    // Field order is the wire order of SUBSCRIBE (traced with --trace-messages): keep it.
    info: {
      user: 'agora',
      name: spec.name,
      role: spec.role,
      failover_timeout: spec.failoverTimeoutMs / 1000,
      ...(spec.checkpoint ? { checkpoint: true } : {}),
      ...(spec.capabilities.length === 0
        ? {}
        : { capabilities: spec.capabilities.map((type) => ({ type })) }),
    },
    refuseSeconds,
    reconcileIntervalMs: spec.reconcileIntervalMs,
  };
}

/** Every agent's scalar resources added up (milli-units): the denominator of dominant shares. */
export function clusterTotal(scenario: Scenario): Quantities {
  const total = new Map<string, number>();
  for (const agent of scenario.agents) {
    for (const [name, milli] of agent.resources.scalarQuantities())
      total.set(name, (total.get(name) ?? 0) + milli);
  }
  return total;
}
