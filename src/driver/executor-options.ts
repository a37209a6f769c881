/**
 * The executor driver's configuration: who it is and where its agent is, which Mesos's launcher
 * passes in the environment (mesos.md §1.4, §3; src/slave/slave.cpp `executorEnvironment`,
 * src/executor/executor.cpp). {@link executorOptionsFromEnvironment} reads those variables, so an
 * executor launched by the simulated launcher and one started by a live agent configure
 * themselves the same way.
 */

import type { ExecutorID, FrameworkID } from '../core/messages/ids.js';
import type { Address } from '../core/process.js';
import { err, ok, type Result } from '../core/result.js';
import type { DriverStatus } from './status.js';

/** Bounds on what the executor driver keeps for resubscription (ARCHITECTURE.md §5). */
export interface ExecutorDriverLimits {
  /**
   * Updates kept until acknowledged. An update beyond it is still sent, but not kept for
   * resending (traced `executor.update-not-kept`). Mesos keeps them all.
   */
  readonly maxUnacknowledgedUpdates: number;
  /** Launched tasks kept until an update of theirs is acknowledged; beyond it, the same. */
  readonly maxUnacknowledgedTasks: number;
}

/** The default limits. */
export const DEFAULT_EXECUTOR_DRIVER_LIMITS: ExecutorDriverLimits = Object.freeze({
  maxUnacknowledgedUpdates: 10_000,
  maxUnacknowledgedTasks: 10_000,
});

/** Options of an executor driver. */
export interface ExecutorDriverOptions {
  /** The agent's address (`MESOS_AGENT_ENDPOINT`). */
  readonly agent: Address;
  /** `MESOS_FRAMEWORK_ID`. */
  readonly frameworkId: FrameworkID;
  /** `MESOS_EXECUTOR_ID`. */
  readonly executorId: ExecutorID;
  /**
   * Whether the framework checkpoints (`MESOS_CHECKPOINT`, default false; SUBSCRIBED's
   * `framework_info.checkpoint` then says). A checkpointing framework's executor resubscribes
   * after losing its agent; any other is shut down (mesos.md §3).
   */
  readonly checkpoint?: boolean;
  /** How long to try to resubscribe before shutting down (`MESOS_RECOVERY_TIMEOUT`, 15 min). */
  readonly recoveryTimeoutMs?: number;
  /** Each (re)subscription attempt waits a random delay up to this (`MESOS_SUBSCRIPTION_BACKOFF_MAX`, 2 s). */
  readonly subscriptionBackoffMaxMs?: number;
  /** Overrides of {@link DEFAULT_EXECUTOR_DRIVER_LIMITS}. */
  readonly limits?: Partial<ExecutorDriverLimits>;
  /**
   * For the composition root, not the executor: called synchronously when the driver stops or
   * aborts, which is when a real executor program would exit. The simulated launcher uses it to
   * report the executor's end to its agent at that very simulated time.
   */
  readonly onExit?: (status: DriverStatus) => void;
}

/** Options with every default applied. */
export interface ResolvedExecutorDriverOptions {
  readonly agent: Address;
  readonly frameworkId: FrameworkID;
  readonly executorId: ExecutorID;
  readonly checkpoint: boolean;
  readonly recoveryTimeoutMs: number;
  readonly subscriptionBackoffMaxMs: number;
  readonly limits: ExecutorDriverLimits;
  readonly onExit: ((status: DriverStatus) => void) | undefined;
}

/** Applies the defaults and checks the numbers (a bad option is a programming error). */
export function resolveExecutorDriverOptions(options: ExecutorDriverOptions): ResolvedExecutorDriverOptions {
  const resolved: ResolvedExecutorDriverOptions = {
    agent: options.agent,
    frameworkId: options.frameworkId,
    executorId: options.executorId,
    checkpoint: options.checkpoint ?? false,
    recoveryTimeoutMs: options.recoveryTimeoutMs ?? 15 * 60_000,
    subscriptionBackoffMaxMs: options.subscriptionBackoffMaxMs ?? 2000,
    limits: { ...DEFAULT_EXECUTOR_DRIVER_LIMITS, ...options.limits },
    onExit: options.onExit,
  };
  const numbers: Record<string, number> = {
    recoveryTimeoutMs: resolved.recoveryTimeoutMs,
    subscriptionBackoffMaxMs: resolved.subscriptionBackoffMaxMs,
    ...resolved.limits,
  };
  for (const [name, value] of Object.entries(numbers)) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`executor driver option ${name} must be a positive finite number, got ${value}`);
    }
  }
  return resolved;
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  secs: 1000,
  mins: 60_000,
  hrs: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

/** Parses a stout duration (`5secs`, `15mins`, `500ms`, `1.5hrs`) into ms. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ns|us|ms|secs|mins|hrs|days|weeks)$/u.exec(text.trim());
  if (m === null) return undefined;
  const unit = DURATION_UNITS_MS[m[2] as string] as number;
  return Number(m[1]) * unit;
}

/**
 * The options an executor reads from its environment (the MESOS_* variables the agent sets):
 * `MESOS_AGENT_ENDPOINT`, `MESOS_FRAMEWORK_ID` and `MESOS_EXECUTOR_ID` are required;
 * `MESOS_CHECKPOINT` (`1` = true), `MESOS_RECOVERY_TIMEOUT` and `MESOS_SUBSCRIPTION_BACKOFF_MAX`
 * are optional. A missing or malformed variable is an error naming it.
 */
export function executorOptionsFromEnvironment(
  environment: Readonly<Record<string, string | undefined>>,
): Result<ExecutorDriverOptions, string> {
  const required = (name: string): string | undefined => {
    const value = environment[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const agent = required('MESOS_AGENT_ENDPOINT');
  const frameworkId = required('MESOS_FRAMEWORK_ID');
  const executorId = required('MESOS_EXECUTOR_ID');
  if (agent === undefined) return err('MESOS_AGENT_ENDPOINT: is required');
  if (frameworkId === undefined) return err('MESOS_FRAMEWORK_ID: is required');
  if (executorId === undefined) return err('MESOS_EXECUTOR_ID: is required');
  let options: ExecutorDriverOptions = {
    agent,
    frameworkId: { value: frameworkId },
    executorId: { value: executorId },
    checkpoint: environment.MESOS_CHECKPOINT === '1',
  };
  for (const [name, field] of [
    ['MESOS_RECOVERY_TIMEOUT', 'recoveryTimeoutMs'],
    ['MESOS_SUBSCRIPTION_BACKOFF_MAX', 'subscriptionBackoffMaxMs'],
  ] as const) {
    const text = environment[name];
    if (text === undefined) continue;
    const ms = parseDurationMs(text);
    if (ms === undefined || ms <= 0) return err(`${name}: expected a duration such as 15mins, got '${text}'`);
    options = { ...options, [field]: ms };
  }
  return ok(options);
}
