/**
 * The scheduler driver's configuration, with Mesos's defaults (mesos.md §1.2, §1.3, §2.6, §6.7;
 * include/mesos/scheduler.hpp, src/sched/constants.hpp).
 */
import type { Address } from '../core/process.js';

/** Options of a scheduler driver; every field has Mesos's default. */
export interface SchedulerDriverOptions {
  /** Where the master is (default `master`). Events from any other address are ignored. */
  readonly master?: Address;
  /**
   * Whether the driver acknowledges each status update (that has a uuid) when `statusUpdate`
   * returns (default true, as in Mesos). With false the framework must call
   * `acknowledgeStatusUpdate`.
   */
  readonly implicitAcknowledgements?: boolean;
  /** Roles to subscribe with offers suppressed (Mesos's constructor variant with `suppressedRoles`). */
  readonly suppressedRoles?: readonly string[];
  /** First bound of the (re)subscription backoff (Mesos `DEFAULT_REGISTRATION_BACKOFF_FACTOR`, 2000 ms). */
  readonly registrationBackoffFactorMs?: number;
  /** Largest bound of that backoff (Mesos `REGISTRATION_RETRY_INTERVAL_MAX`, 60000 ms). */
  readonly registrationBackoffMaxMs?: number;
  /**
   * Heartbeat intervals without any event after which the master is taken as lost and the driver
   * resubscribes (default 5: the scheduler HTTP API docs' advice, 75 s at Mesos's 15 s interval).
   */
  readonly missedHeartbeats?: number;
  /**
   * Whether a scheduler that takes offer batches gets OFFERS events that carry a columnar view
   * (only the simulated world's do) as a batch (default true). False hands it `Offer` objects
   * through `resourceOffers`, as over a real connection: the simulator's message-level mode.
   */
  readonly offerBatches?: boolean;
}

/** Options with every default applied. */
export interface ResolvedSchedulerDriverOptions {
  readonly master: Address;
  readonly implicitAcknowledgements: boolean;
  readonly suppressedRoles: readonly string[];
  readonly registrationBackoffFactorMs: number;
  readonly registrationBackoffMaxMs: number;
  readonly missedHeartbeats: number;
  readonly offerBatches: boolean;
}

/** The master's default address. */
export const DEFAULT_MASTER_ADDRESS: Address = 'master';

/** Mesos's `DEFAULT_HEARTBEAT_INTERVAL`, used when SUBSCRIBED does not say (15 s). */
export const DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 15;

/** Applies the defaults and checks the numbers (a bad option is a programming error). */
export function resolveSchedulerDriverOptions(
  options: SchedulerDriverOptions,
): ResolvedSchedulerDriverOptions {
  const resolved: ResolvedSchedulerDriverOptions = {
    master: options.master ?? DEFAULT_MASTER_ADDRESS,
    implicitAcknowledgements: options.implicitAcknowledgements ?? true,
    suppressedRoles: [...(options.suppressedRoles ?? [])],
    registrationBackoffFactorMs: options.registrationBackoffFactorMs ?? 2000,
    registrationBackoffMaxMs: options.registrationBackoffMaxMs ?? 60_000,
    missedHeartbeats: options.missedHeartbeats ?? 5,
    offerBatches: options.offerBatches ?? true,
  };
  const numbers: Record<string, number> = {
    registrationBackoffFactorMs: resolved.registrationBackoffFactorMs,
    registrationBackoffMaxMs: resolved.registrationBackoffMaxMs,
    missedHeartbeats: resolved.missedHeartbeats,
  };
  for (const [name, value] of Object.entries(numbers)) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`scheduler driver option ${name} must be a positive finite number, got ${value}`);
    }
  }
  return resolved;
}
