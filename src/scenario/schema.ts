/**
 * The scenario schema: what a scenario file (JSON, documented field by field in
 * `scenarios/README.md`) says once {@link validateScenario} has checked it.
 *
 * Two shapes live here:
 * - {@link ScenarioFile}, the JSON as written: times in **seconds**, resources as Mesos text,
 *   most fields optional. The generator produces this shape so that its output goes through the
 *   same validation as a hand-written file.
 * - {@link Scenario}, the validated form the simulator reads: every default filled in, resources
 *   parsed, agents expanded to one entry each, and every time converted to **milliseconds**
 *   (fields ending in `Ms`), because that is the unit of `Env.now()` and of the event queue.
 *   Times are rounded to the microsecond on conversion, so `0.0005` s is exactly `0.5` ms and a
 *   value such as `1.1` s does not become `1100.0000000000002` ms.
 *   One exception: `refuseSeconds` stays in seconds, as it is Mesos's `Filters.refuse_seconds`,
 *   handed unchanged to the allocator.
 */

import { DEFAULT_REFUSE_SECONDS } from '../allocator/allocator.js';
import { DEFAULT_POLICY } from '../allocator/policies.js';
import type { Attribute } from '../core/messages/resources-json.js';
import type { Resources } from '../core/resources.js';
import type { PlacementConstraint } from './constraints.js';
import type { TraceTaskSpec } from './trace-task.js';

// ---------------------------------------------------------------------------------------------
// Validated form
// ---------------------------------------------------------------------------------------------

/**
 * A distribution of task durations, in milliseconds. `forever` is a task that never finishes by
 * itself (a service): it runs until it is killed, its agent is lost, or the run ends.
 * Lognormal is given by the mean and standard deviation of the durations themselves (as YARN
 * SLS's synthetic generator does), not of their logarithm: those are the numbers people know.
 */
export type Distribution =
  | { readonly kind: 'constant'; readonly valueMs: number }
  | { readonly kind: 'exponential'; readonly meanMs: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'lognormal'; readonly meanMs: number; readonly stddevMs: number }
  | { readonly kind: 'forever' };

/**
 * When a job is submitted: once at a fixed time, or once per arrival of a Poisson process with
 * `ratePerSecond` arrivals per second over [`fromMs`, `untilMs`).
 */
export type JobStart =
  | { readonly kind: 'at'; readonly atMs: number }
  | {
      readonly kind: 'poisson';
      readonly ratePerSecond: number;
      readonly fromMs: number;
      readonly untilMs: number;
    };

/** A job: `tasks` identical tasks submitted together (once, or at every arrival). */
export interface JobSpec {
  /** Unique within its framework; defaults to `job-<index>`. */
  readonly name: string;
  readonly start: JobStart;
  /** Tasks per submission. */
  readonly tasks: number;
  /** What one task needs. */
  readonly resources: Resources;
  /** How long one task runs once launched. */
  readonly duration: Distribution;
  /**
   * Probability in [0, 1] that a task ends TASK_FAILED instead of TASK_FINISHED when its
   * duration is up, so failure handling can be exercised. Default 0.
   */
  readonly failRate: number;
}

/**
 * A framework: an ordinary Scheduler on the scheduler driver that submits its jobs and launches
 * their tasks on the offers it gets.
 */
export interface FrameworkSpec {
  readonly name: string;
  /**
   * The role it subscribes with. Defaults to the framework's name, so that each framework is
   * its own role and `weight` (a role weight in Mesos) means what the file says.
   */
  readonly role: string;
  /** The weight of its role (Mesos `--weights`); frameworks sharing a role must agree. Default 1. */
  readonly weight: number;
  /**
   * At most this many tasks are launched on one offer; the rest of the offer is declined.
   * `Infinity` (the default) means as many as fit. The DRF paper example uses 1.
   */
  readonly maxTasksPerOffer: number;
  /**
   * Mesos `FrameworkInfo.failover_timeout`: how long the master keeps a disconnected framework
   * (and its tasks) before tearing it down. Default 0, Mesos's own default.
   */
  readonly failoverTimeoutMs: number;
  /**
   * How often the framework reconciles the tasks it believes live (explicit reconciliation), as
   * Mesos advises frameworks to do: an update the master generates is not retried, so a lost one
   * is learnt only this way. Undefined: only after (re)subscribing.
   */
  readonly reconcileIntervalMs: number | undefined;
  /**
   * Mesos `FrameworkInfo.checkpoint`: agents checkpoint its tasks, so they survive an agent
   * process crash (`agent-crash` with `recover: 'reconnect'`), and the master keeps them while
   * their agent is disconnected. Default false, as in Mesos.
   */
  readonly checkpoint: boolean;
  /**
   * The quota limits of its role (Mesos `UPDATE_QUOTA` limits), scalar name → amount, e.g.
   * `{ cpus: 8, mem: 16384 }`: the role is never allocated more. Frameworks sharing a role must
   * agree. Undefined: no limit.
   */
  readonly quota: Readonly<Record<string, number>> | undefined;
  /**
   * Mesos `FrameworkInfo.capabilities` it declares. Only `GPU_RESOURCES` is modelled: with the
   * master's `filterGpuResources` on, only such frameworks are offered agents that have GPUs.
   */
  readonly capabilities: readonly FrameworkCapabilityName[];
  /** Placement constraints on every task it launches (Marathon's `constraints`). */
  readonly constraints: readonly PlacementConstraint[];
  readonly jobs: readonly JobSpec[];
}

/** The framework capabilities a scenario may declare. */
export const SCENARIO_CAPABILITIES = ['GPU_RESOURCES'] as const;

/** A framework capability a scenario may declare. */
export type FrameworkCapabilityName = (typeof SCENARIO_CAPABILITIES)[number];

/** One agent, expanded from an agent group of the file. */
export interface AgentSpec {
  /** `agent-<index>`, numbered in file order across groups. */
  readonly id: string;
  readonly index: number;
  /** The agent's total resources (Mesos `--resources`). */
  readonly resources: Resources;
  /** Index of the group in the file's `agents` array this agent came from. */
  readonly group: number;
  /** `AgentInfo.hostname`: the group's `hostname` (with `-<k>` in a group of several), else the id. */
  readonly hostname: string;
  /** `AgentInfo.attributes` (Mesos `--attributes`), forwarded into its offers. */
  readonly attributes: readonly Attribute[];
  /** When the agent starts (0 unless its group says `at`). */
  readonly startMs: number;
}

/**
 * A change to the cluster at a time (a trace's machine events), applied Mesos's way:
 * - `agent-add`: an agent not running (its group starts later, or it was removed) starts now,
 *   with nothing on its disk, so it registers as a new agent;
 * - `agent-remove`: the agent shuts down as Mesos's does on SIGUSR1 or a machine drained for
 *   maintenance: it kills its tasks and unregisters, and the master removes it at once (its
 *   tasks end TASK_LOST for the frameworks);
 * - `agent-resize`: the machine's resources change. Mesos cannot change a running agent's total
 *   (UpdateSlaveMessage carries only oversubscribed resources), and its default
 *   `--reconfiguration_policy=equal` refuses to recover an agent whose `--resources` changed, so
 *   the operator's path is to shut the agent down and start it afresh with the new resources:
 *   a remove and an add at the same instant, under a new AgentID.
 */
export type ClusterEventSpec =
  | { readonly kind: 'agent-add'; readonly atMs: number; readonly agentId: string }
  | { readonly kind: 'agent-remove'; readonly atMs: number; readonly agentId: string }
  | {
      readonly kind: 'agent-resize';
      readonly atMs: number;
      readonly agentId: string;
      readonly resources: Resources;
    };

/** The kinds of {@link ClusterEventSpec}. */
export const CLUSTER_EVENT_KINDS = ['agent-add', 'agent-remove', 'agent-resize'] as const;

/**
 * Where a scenario's trace tasks come from: inline (checked with the scenario) or a JSON-lines
 * file (optionally gzipped) read lazily during the run, its path as written in the scenario
 * (relative to the scenario file's folder).
 */
export type TraceTasksSpec =
  | { readonly kind: 'inline'; readonly tasks: readonly TraceTaskSpec[] }
  | { readonly kind: 'file'; readonly path: string };

/** Allocator settings. */
export interface AllocatorSpec {
  /** A key of `POLICIES` (src/allocator/policies.ts). Default `drf`. */
  readonly policy: string;
  /** Mesos `--allocation_interval`. Default 1 s. */
  readonly allocationIntervalMs: number;
  /**
   * The `refuse_seconds` filter frameworks attach to declines (seconds, as in Mesos's
   * `Filters`). Default 5, Mesos's default even when a decline gives none.
   */
  readonly refuseSeconds: number;
}

/** Mesos master flags a scenario may set (the rest keep Mesos's defaults). */
export interface MasterSpec {
  /** Mesos `--offer_timeout`: unused offers are rescinded after it. Default: never. */
  readonly offerTimeoutMs: number | undefined;
  /** Mesos `--agent_ping_timeout`: the master pings each agent this often. Default 15 s. */
  readonly agentPingTimeoutMs: number;
  /** Mesos `--max_agent_ping_timeouts`: missed pings in a row before an agent is unreachable. Default 5. */
  readonly maxAgentPingTimeouts: number;
  /**
   * Mesos `--filter_gpu_resources` (default true): agents with GPUs are offered only to
   * frameworks with the GPU_RESOURCES capability, so GPU machines are kept for GPU work.
   */
  readonly filterGpuResources: boolean;
}

/** Simulated network settings; each message draws its own latency, loss and duplication. */
export interface NetworkSpec {
  /** One-way latency is uniform in [`latencyMinMs`, `latencyMaxMs`]. */
  readonly latencyMinMs: number;
  readonly latencyMaxMs: number;
  /** Probability in [0, 1) that a message is dropped. */
  readonly loss: number;
  /** Probability in [0, 1) that a message is delivered twice. */
  readonly duplication: number;
  /**
   * false (the default): messages between two processes arrive in the order they were sent, as
   * over the TCP connections libprocess uses; a later message waits for an earlier, slower one.
   * true: each message keeps its own latency, so unequal draws reorder them (UDP-like), to test
   * code that must not rely on order.
   */
  readonly reorder: boolean;
}

/**
 * A scheduled fault. The list is short on purpose: the faults a Mesos-like simulator needs
 * first. Processes are named by the addresses in {@link MASTER_ADDRESS}, {@link agentId} and
 * {@link schedulerAddress}.
 * - `agent-crash`: the agent dies. With `recover: 'reboot'` (the default) its machine reboots:
 *   its tasks die and it comes back empty, registering as a new agent. With `recover:
 *   'reconnect'` only the agent process dies: the commands of frameworks that checkpoint run
 *   on, and it comes back from its checkpoint, reattaches to them and reregisters under its
 *   AgentID (Mesos `--recover=reconnect`); other frameworks' tasks die with their executors.
 *   With `restartAfterMs` it comes back after that long.
 * - `agent-restart`: a crashed agent comes back (it must be down at that time).
 * - `network-partition`: for `durationMs`, every message between a process on one side and a
 *   process on the other is dropped, both ways; with `oneWay`, only from the first side to the
 *   second (Mesos OneWayPartitionTest).
 * - `master-crash`: the master process dies; with `restartAfterMs` it comes back after that long
 *   and recovers its registry (admitted, unreachable and gone agents, framework ids, weights)
 *   from its disk, where a write not yet synced when it crashed may or may not have landed.
 * - `clock-skew`: from `atMs`, a process's clock jumps by `jumpMs` (may be negative) and runs at
 *   `rate` times real pace (drift: its timers of d ms fire after d / rate).
 * - `framework-crash`: the scheduler process dies. With `failoverAfterMs` it re-subscribes with
 *   its framework id after that long (Mesos framework failover); whether the master still knows
 *   it depends on the framework's `failoverTimeoutMs`.
 */
/** How a crashed agent comes back: from nothing (its machine rebooted) or from its checkpoint. */
export type AgentRecovery = 'reboot' | 'reconnect';

/** The values of {@link AgentRecovery}. */
export const AGENT_RECOVERIES: readonly AgentRecovery[] = ['reboot', 'reconnect'];

export type FaultSpec =
  | {
      readonly kind: 'agent-crash';
      readonly atMs: number;
      readonly agentId: string;
      readonly restartAfterMs?: number;
      readonly recover: AgentRecovery;
    }
  | { readonly kind: 'agent-restart'; readonly atMs: number; readonly agentId: string }
  | {
      readonly kind: 'network-partition';
      readonly atMs: number;
      readonly durationMs: number;
      readonly sides: readonly [readonly string[], readonly string[]];
      readonly oneWay: boolean;
    }
  | {
      readonly kind: 'framework-crash';
      readonly atMs: number;
      readonly framework: string;
      readonly failoverAfterMs?: number;
    }
  | { readonly kind: 'master-crash'; readonly atMs: number; readonly restartAfterMs?: number }
  | {
      readonly kind: 'clock-skew';
      readonly atMs: number;
      readonly process: string;
      readonly jumpMs: number;
      readonly rate: number;
    };

/** The kinds of {@link FaultSpec}, in documentation order. */
export const FAULT_KINDS = [
  'agent-crash',
  'agent-restart',
  'network-partition',
  'framework-crash',
  'master-crash',
  'clock-skew',
] as const;

/** A validated scenario: defaults filled in, resources parsed, times in ms. */
export interface Scenario {
  readonly name: string;
  /** Free text for people; empty when not given. */
  readonly description: string;
  /** The one seed every random stream of the run is derived from. Default 1. */
  readonly seed: number;
  /** The run stops at this simulated time. */
  readonly untilMs: number;
  readonly allocator: AllocatorSpec;
  readonly master: MasterSpec;
  readonly network: NetworkSpec;
  /** Every agent, ids `agent-0`, `agent-1`, … in file order. */
  readonly agents: readonly AgentSpec[];
  readonly frameworks: readonly FrameworkSpec[];
  /** Faults sorted by time (stable: same-time faults keep file order). */
  readonly faults: readonly FaultSpec[];
  /** Agents added, removed and resized at times, sorted by time (stable). */
  readonly cluster: readonly ClusterEventSpec[];
  /** Trace tasks, if any. */
  readonly tasks: TraceTasksSpec | undefined;
}

// ---------------------------------------------------------------------------------------------
// Addresses, defaults, limits
// ---------------------------------------------------------------------------------------------

/** The master's process address. */
export const MASTER_ADDRESS = 'master';

/** The id (and process address) of the agent at `index`: `agent-3`. */
export function agentId(index: number): string {
  return `agent-${index}`;
}

/** The process address of a framework's scheduler: `scheduler-A`. */
export function schedulerAddress(framework: string): string {
  return `scheduler-${framework}`;
}

/** The defaults filled in for fields a file leaves out (file units: seconds). */
export const DEFAULTS = {
  seed: 1,
  policy: DEFAULT_POLICY,
  allocationIntervalSeconds: 1,
  refuseSeconds: DEFAULT_REFUSE_SECONDS,
  /** A LAN: 0.5–2 ms one way, the example. */
  latencyMinSeconds: 0.0005,
  latencyMaxSeconds: 0.002,
  loss: 0,
  duplication: 0,
  reorder: false,
  agentPingTimeoutSeconds: 15,
  maxAgentPingTimeouts: 5,
  agentCount: 1,
  weight: 1,
  maxTasksPerOffer: Number.POSITIVE_INFINITY,
  failoverTimeoutSeconds: 0,
  failRate: 0,
  filterGpuResources: true,
} as const;

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Limits on everything that grows from a file, so that a typo (an extra zero) is an error
 * rather than an attempt to allocate the world. They are generous: the benchmark scenario
 * (10,000 agents, 100 frameworks, 1,000,000 tasks, one day) is well inside them.
 */
export const LIMITS = {
  /** Total agents over all groups. */
  agents: 100_000,
  agentGroups: 10_000,
  frameworks: 10_000,
  /** Jobs in one framework, and over the whole scenario. */
  jobsPerFramework: 1_000_000,
  jobs: 1_000_000,
  /** Tasks in one submission of a job. */
  tasksPerJob: 1_000_000,
  /** Tasks over the whole scenario, Poisson jobs counted at their expected number of arrivals. */
  tasks: 10_000_000,
  /** Expected arrivals of one Poisson process (rate × span). */
  arrivalsPerProcess: 1_000_000,
  faults: 10_000,
  /** Cluster events (a month of a 12,500-machine trace has about 25,000). */
  clusterEvents: 1_000_000,
  /** Processes on one side of a partition. */
  partitionSide: 100_000,
  /** `until`, and any other time or duration: one year. */
  seconds: 365 * DAY_SECONDS,
  /** One-way network latency. */
  latencySeconds: 60,
  /** `allocationInterval`: Mesos allows any duration, but an hour between cycles is a typo. */
  allocationIntervalSeconds: 3600,
  /** `offerTimeout` and `agentPingTimeout`. */
  masterTimeoutSeconds: 24 * 60 * 60,
  maxAgentPingTimeouts: 1000,
  seed: Number.MAX_SAFE_INTEGER,
  weight: 1_000_000,
  /** Characters in a scenario, framework or job name. */
  nameLength: 64,
  descriptionLength: 10_000,
  /** Characters of scenario text `loadScenarioText` accepts. */
  textChars: 64 * 1024 * 1024,
  /** Errors reported for one scenario; more are summarised in one last line. */
  errors: 100,
} as const;

/** Seconds to milliseconds, rounded to the microsecond (see the module comment). */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1_000_000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// File form (what the JSON says)
// ---------------------------------------------------------------------------------------------

/** A duration as written: seconds, `"forever"`, or a distribution object (times in seconds). */
export type DurationInput =
  | number
  | 'forever'
  | { readonly dist: 'exponential'; readonly mean: number }
  | { readonly dist: 'uniform'; readonly min: number; readonly max: number }
  | { readonly dist: 'lognormal'; readonly mean: number; readonly stddev: number };

/** A Poisson arrival process as written (rate per second, times in seconds). */
export interface ArrivalInput {
  readonly process: 'poisson';
  readonly rate: number;
  readonly from?: number;
  readonly until?: number;
}

/** A job as written: exactly one of `at` and `arrival`. */
export interface JobInput {
  readonly name?: string;
  readonly at?: number;
  readonly arrival?: ArrivalInput;
  readonly tasks: number;
  readonly resources: string;
  readonly duration: DurationInput;
  readonly failRate?: number;
}

/** A framework as written. */
export interface FrameworkInput {
  readonly name: string;
  readonly role?: string;
  readonly weight?: number;
  readonly maxTasksPerOffer?: number;
  readonly failoverTimeout?: number;
  readonly reconcileInterval?: number;
  readonly checkpoint?: boolean;
  /** Quota limits of its role: scalar name → amount. */
  readonly quota?: Readonly<Record<string, number>>;
  /** Mesos capability names (`GPU_RESOURCES`). */
  readonly capabilities?: readonly string[];
  /** Marathon constraints: `[field, operator]` or `[field, operator, value]`. */
  readonly constraints?: readonly (readonly string[])[];
  readonly jobs?: readonly JobInput[];
}

/** A group of identical agents as written. */
export interface AgentGroupInput {
  readonly count?: number;
  readonly resources: string;
  /** Hostname (a group of several gets `<hostname>-<k>`). */
  readonly hostname?: string;
  /** Mesos attribute text, `rack:r1;gpu_model:V100`. */
  readonly attributes?: string;
  /** Seconds: when the group's agents start (default 0). */
  readonly at?: number;
}

/** A cluster event as written (agents by index). */
export interface ClusterEventInput {
  readonly at: number;
  readonly kind: (typeof CLUSTER_EVENT_KINDS)[number];
  readonly agent: number;
  /** `agent-resize` only. */
  readonly resources?: string;
}

/** A trace task as written (times in seconds); see src/scenario/trace-task.ts. */
export interface TraceTaskInput {
  readonly at: number;
  readonly framework: string;
  readonly id?: string;
  readonly resources: string;
  readonly duration?: number | 'forever';
  readonly outcome?: string;
  readonly scheduled?: number;
  readonly band?: string;
  readonly group?: string;
  readonly after?: readonly string[];
  readonly constraints?: readonly (readonly string[])[];
}

/** A fault as written (times in seconds; agents by index). */
export type FaultInput =
  | {
      readonly kind: 'agent-crash';
      readonly at: number;
      readonly agent: number;
      readonly restartAfter?: number;
      /** `reboot` (default) or `reconnect` (see {@link FaultSpec}). */
      readonly recover?: AgentRecovery;
    }
  | { readonly kind: 'agent-restart'; readonly at: number; readonly agent: number }
  | {
      readonly kind: 'network-partition';
      readonly at: number;
      readonly duration: number;
      readonly sides: readonly [readonly string[], readonly string[]];
      readonly oneWay?: boolean;
    }
  | {
      readonly kind: 'framework-crash';
      readonly at: number;
      readonly framework: string;
      readonly failoverAfter?: number;
    }
  | { readonly kind: 'master-crash'; readonly at: number; readonly restartAfter?: number }
  | {
      readonly kind: 'clock-skew';
      readonly at: number;
      readonly process: string;
      /** Seconds the clock jumps by (default 0). */
      readonly jump?: number;
      /** Pace relative to real time (default 1). */
      readonly rate?: number;
    };

/** A scenario file as written. */
export interface ScenarioFile {
  readonly name: string;
  readonly description?: string;
  readonly seed?: number;
  readonly until: number;
  readonly allocator?: {
    readonly policy?: string;
    readonly allocationInterval?: number;
    readonly refuseSeconds?: number;
  };
  readonly master?: {
    readonly offerTimeout?: number;
    readonly agentPingTimeout?: number;
    readonly maxAgentPingTimeouts?: number;
    readonly filterGpuResources?: boolean;
  };
  readonly network?: {
    readonly latency?: { readonly min?: number; readonly max?: number };
    readonly loss?: number;
    readonly duplication?: number;
    readonly reorder?: boolean;
  };
  readonly agents: readonly AgentGroupInput[];
  readonly frameworks?: readonly FrameworkInput[];
  readonly faults?: readonly FaultInput[];
  readonly cluster?: readonly ClusterEventInput[];
  /** Trace tasks inline, or `{"file": "tasks.jsonl.gz"}` beside the scenario. */
  readonly tasks?: readonly TraceTaskInput[] | { readonly file: string };
}
