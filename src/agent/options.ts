/**
 * The agent's configuration, with Mesos's defaults (mesos.md §6.7, src/slave/constants.hpp,
 * docs/configuration/agent.md): registration backoff factor 1 s capped at 1 min, 75 s without a
 * ping before the master is re-detected, status updates retried from 10 s doubling to 10 min,
 * 1 min for an executor to subscribe, 5 s of grace to shut an executor down, 3 s of grace when
 * the command executor kills its task.
 */
import type { DomainInfo } from '../core/messages/network.js';
import type { Attribute } from '../core/messages/resources-json.js';
import type { Address } from '../core/process.js';
import type { Resources } from '../core/resources.js';
import type { CommandRunner } from './command-runner.js';
import type { ExecutorLauncher } from './executor-launcher.js';

/**
 * Bounds on what grows from peer input (ARCHITECTURE.md §5). Mesos has none of these; a
 * well-behaved master never comes near them, because it launches only what fits the agent's
 * resources.
 */
export interface AgentLimits {
  /**
   * Tasks held at once (queued for an executor, running, or ended but with their terminal update
   * not yet acknowledged). A RUN_TASK beyond it is answered TASK_LOST (TASK_DROPPED for
   * partition-aware frameworks).
   */
  readonly maxTasks: number;
  /**
   * Status-update streams (one per task with unacknowledged updates). An update that would open
   * one more is refused: not forwarded, and not acknowledged to its executor, which retries it.
   */
  readonly maxStatusUpdateStreams: number;
  /**
   * Updates one stream takes before its terminal update is acknowledged. Beyond it an executor's
   * update is refused (not acknowledged, so the executor retries later).
   */
  readonly maxUpdatesPerStream: number;
}

/** Agent options. `resources` is required; every other field defaults as Mesos does. */
export interface AgentOptions {
  /** Where the master is (default `master`); messages from any other address are ignored. */
  readonly masterAddress?: Address;
  /** The agent's total resources (Mesos `--resources`), e.g. `resources('cpus:4;mem:8192')`. */
  readonly resources: Resources;
  /** `AgentInfo.hostname` (default: the agent's own address). */
  readonly hostname?: string;
  /** `AgentInfo.port` (default 5051, Mesos's agent port). */
  readonly port?: number;
  /** `AgentInfo.attributes` (Mesos `--attributes`). */
  readonly attributes?: readonly Attribute[];
  /** `AgentInfo.domain` (Mesos `--domain`), which offers of its resources carry (default none). */
  readonly domain?: DomainInfo;
  /** Mesos `--registration_backoff_factor` (1000 ms). */
  readonly registrationBackoffFactorMs?: number;
  /** Mesos `REGISTER_RETRY_INTERVAL_MAX` (60000 ms). */
  readonly registrationBackoffMaxMs?: number;
  /**
   * Silence from the master after which the agent re-detects it and reregisters (Mesos
   * `DEFAULT_MASTER_PING_TIMEOUT()`, 75000 ms). A master that announces
   * `total_ping_timeout_seconds` at (re)registration overrides it, as in Mesos.
   */
  readonly masterPingTimeoutMs?: number;
  /** Mesos `STATUS_UPDATE_RETRY_INTERVAL_MIN` (10000 ms). */
  readonly statusUpdateRetryMinMs?: number;
  /** Mesos `STATUS_UPDATE_RETRY_INTERVAL_MAX` (600000 ms). */
  readonly statusUpdateRetryMaxMs?: number;
  /** Mesos `--executor_registration_timeout` (60000 ms). */
  readonly executorRegistrationTimeoutMs?: number;
  /** Mesos `--executor_shutdown_grace_period` (5000 ms); `ExecutorInfo.shutdown_grace_period` wins. */
  readonly executorShutdownGracePeriodMs?: number;
  /**
   * Grace between SIGTERM and SIGKILL when the command executor kills its task and no kill
   * policy says otherwise (src/launcher/executor.cpp: 3 s "for backwards compatibility").
   */
  readonly commandKillGracePeriodMs?: number;
  /** Mesos `--work_dir`; sandboxes are paths under it (nothing is written: the agent does no IO). */
  readonly workDir?: string;
  /**
   * Runs command tasks' commands; required, chosen by the composition root (no default: an
   * agent never silently runs simulated commands). Give each agent instance its own runner: a
   * factory passed to the simulated world should build one per call.
   */
  readonly commandRunner: CommandRunner;
  /** Starts and kills custom executors (default: none; such tasks fail to launch). */
  readonly executorLauncher?: ExecutorLauncher;
  /** Overrides of {@link DEFAULT_AGENT_LIMITS}. */
  readonly limits?: Partial<AgentLimits>;
  /**
   * Mesos `--recover` (default `reconnect`): with a durable store (`env.store`), a restarted
   * agent recovers its checkpoint and reregisters under its AgentID; `cleanup` ignores the
   * checkpoint, so it registers as a new agent. Without a store there is nothing to recover.
   */
  readonly recover?: 'reconnect' | 'cleanup';
}

/** Options with every default applied (runner and launcher are chosen by the agent). */
export interface ResolvedAgentOptions {
  readonly masterAddress: Address;
  readonly resources: Resources;
  readonly hostname: string | undefined;
  readonly port: number;
  readonly attributes: readonly Attribute[];
  readonly domain: DomainInfo | undefined;
  readonly registrationBackoffFactorMs: number;
  readonly registrationBackoffMaxMs: number;
  readonly masterPingTimeoutMs: number;
  readonly statusUpdateRetryMinMs: number;
  readonly statusUpdateRetryMaxMs: number;
  readonly executorRegistrationTimeoutMs: number;
  readonly executorShutdownGracePeriodMs: number;
  readonly commandKillGracePeriodMs: number;
  readonly workDir: string;
  readonly limits: AgentLimits;
  readonly recover: 'reconnect' | 'cleanup';
}

/** The default limits. */
export const DEFAULT_AGENT_LIMITS: AgentLimits = Object.freeze({
  maxTasks: 100_000,
  maxStatusUpdateStreams: 200_000,
  maxUpdatesPerStream: 1_000,
});

/** The master's default address. */
export const DEFAULT_MASTER_ADDRESS = 'master';

/** Mesos's agent port, reported in `AgentInfo.port`. */
export const AGENT_PORT = 5051;

/** Applies the defaults and checks the numbers (a bad option is a programming error). */
export function resolveAgentOptions(options: AgentOptions): ResolvedAgentOptions {
  const resolved: ResolvedAgentOptions = {
    masterAddress: options.masterAddress ?? DEFAULT_MASTER_ADDRESS,
    resources: options.resources,
    hostname: options.hostname,
    port: options.port ?? AGENT_PORT,
    attributes: options.attributes ?? [],
    domain: options.domain,
    registrationBackoffFactorMs: options.registrationBackoffFactorMs ?? 1000,
    registrationBackoffMaxMs: options.registrationBackoffMaxMs ?? 60_000,
    masterPingTimeoutMs: options.masterPingTimeoutMs ?? 75_000,
    statusUpdateRetryMinMs: options.statusUpdateRetryMinMs ?? 10_000,
    statusUpdateRetryMaxMs: options.statusUpdateRetryMaxMs ?? 600_000,
    executorRegistrationTimeoutMs: options.executorRegistrationTimeoutMs ?? 60_000,
    executorShutdownGracePeriodMs: options.executorShutdownGracePeriodMs ?? 5000,
    commandKillGracePeriodMs: options.commandKillGracePeriodMs ?? 3000,
    workDir: options.workDir ?? '/var/lib/agora/agent',
    limits: { ...DEFAULT_AGENT_LIMITS, ...options.limits },
    recover: options.recover ?? 'reconnect',
  };
  const numbers: Record<string, number> = {
    port: resolved.port,
    registrationBackoffFactorMs: resolved.registrationBackoffFactorMs,
    registrationBackoffMaxMs: resolved.registrationBackoffMaxMs,
    masterPingTimeoutMs: resolved.masterPingTimeoutMs,
    statusUpdateRetryMinMs: resolved.statusUpdateRetryMinMs,
    statusUpdateRetryMaxMs: resolved.statusUpdateRetryMaxMs,
    executorRegistrationTimeoutMs: resolved.executorRegistrationTimeoutMs,
    executorShutdownGracePeriodMs: resolved.executorShutdownGracePeriodMs,
    commandKillGracePeriodMs: resolved.commandKillGracePeriodMs,
    ...resolved.limits,
  };
  for (const [name, value] of Object.entries(numbers)) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`agent option ${name} must be a positive finite number, got ${value}`);
    }
  }
  if (resolved.statusUpdateRetryMaxMs < resolved.statusUpdateRetryMinMs) {
    throw new RangeError('agent option statusUpdateRetryMaxMs must be >= statusUpdateRetryMinMs');
  }
  return resolved;
}
