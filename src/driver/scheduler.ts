/**
 * The v0-style scheduler API (mesos.md §1.2, §1.3; include/mesos/scheduler.hpp), adapted to the
 * v1 data types of src/core/messages: a framework implements {@link Scheduler} and drives a
 * {@link SchedulerDriver}. Nothing here says which world the framework runs in: the same code
 * runs against the simulated master and, through the live transport, against a real one.
 *
 * Differences from the C++ signatures, all forced by the v1 types:
 * - ids are `{ value }` objects, `SlaveID` is `AgentID`, byte strings (`data`) are base64 text
 *   as in v1 JSON;
 * - `registered` and `reregistered` receive the SUBSCRIBED event's `master_info`, which v1 makes
 *   optional (our master always sends it);
 * - `executorLost`'s status is the FAILURE event's optional `status`;
 * - `join()` and `run()` return promises instead of blocking.
 */
import type { MasterInfo } from '../core/messages/cluster-info.js';
import type { Filters } from '../core/messages/common.js';
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID, TaskID } from '../core/messages/ids.js';
import type { Offer, OfferOperation } from '../core/messages/offer.js';
import type { OfferBatchView } from '../core/messages/offer-batch.js';
import type { ReconcileTask, ResourceRequest } from '../core/messages/scheduler-call.js';
import type { TaskInfo } from '../core/messages/task-info.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { DriverStatus } from './status.js';

/**
 * The framework's callbacks. They run one at a time, and only while the driver is RUNNING
 * (except `error`, which comes right after the driver aborted). Every callback is required, as
 * in Mesos's pure virtual class: a misspelt callback is then a type error instead of one that
 * silently never runs. The one exception is {@link Scheduler.frameworkUpdateRefused}, which the
 * v0 class lacks (see there).
 */
export interface Scheduler {
  /** First successful subscription; the master assigned `frameworkId` (or accepted the one given). */
  registered(driver: SchedulerDriver, frameworkId: FrameworkID, masterInfo: MasterInfo | undefined): void;
  /** Subscribed again after a disconnection or a master failover (only after `registered`). */
  reregistered(driver: SchedulerDriver, masterInfo: MasterInfo | undefined): void;
  /** Lost the master (connection closed, or heartbeats missed); the driver resubscribes by itself. */
  disconnected(driver: SchedulerDriver): void;
  /** New offers, one agent each; kept for this framework until declined, used or rescinded. */
  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void;
  /** An offer is no longer valid. */
  offerRescinded(driver: SchedulerDriver, offerId: OfferID): void;
  /**
   * A task's status changed. With implicit acknowledgements (the default) returning from this
   * callback acknowledges the update; with explicit ones call
   * {@link SchedulerDriver.acknowledgeStatusUpdate}. Updates without a `uuid` (master-generated:
   * reconciliation, agent loss, invalid offers, or launched while disconnected) need none.
   */
  statusUpdate(driver: SchedulerDriver, status: TaskStatus): void;
  /** Best-effort bytes (base64) from an executor. */
  frameworkMessage(driver: SchedulerDriver, executorId: ExecutorID, agentId: AgentID, data: string): void;
  /** An agent was removed (not reliably delivered). */
  slaveLost(driver: SchedulerDriver, agentId: AgentID): void;
  /** An executor ended with waitpid-style `status`, if known (not reliably delivered). */
  executorLost(
    driver: SchedulerDriver,
    executorId: ExecutorID,
    agentId: AgentID,
    status: number | undefined,
  ): void;
  /** An unrecoverable error; the driver is already ABORTED when this runs. */
  error(driver: SchedulerDriver, message: string): void;
  /**
   * The master refused an UPDATE_FRAMEWORK (over HTTP: answered 400 or 403, with the master's
   * message). The framework stays subscribed with the FrameworkInfo the master had, and the
   * driver stays RUNNING: in the v1 API the refusal is the call's answer, not an event. A
   * scheduler without this callback hears it as v0's driver does (Mesos sends a v0 framework a
   * FrameworkErrorMessage): `error`, after the driver aborted.
   */
  frameworkUpdateRefused?(driver: SchedulerDriver, message: string): void;
}

/**
 * A scheduler that can also take an OFFERS event's offers as a columnar view
 * (core/messages/offer-batch.ts) instead of a list of `Offer` objects. In the simulated world a
 * driver with `offerBatches` on calls {@link resourceOfferBatch} instead of `resourceOffers`;
 * both must decide the same (the view holds the same offers, in the same order). Over a real
 * connection there is no view, and `resourceOffers` runs.
 */
export interface OfferBatchScheduler extends Scheduler {
  resourceOfferBatch(driver: SchedulerDriver, batch: OfferBatchView): void;
}

/** Whether `scheduler` takes offer batches. */
export function takesOfferBatches(scheduler: Scheduler): scheduler is OfferBatchScheduler {
  return typeof (scheduler as Partial<OfferBatchScheduler>).resourceOfferBatch === 'function';
}

/**
 * What a framework calls. Every method but `join`/`run` returns the driver status; a call made
 * when the driver is not RUNNING does nothing and returns the status. Calls made while the
 * driver is RUNNING but not subscribed (before SUBSCRIBED, after a disconnection) are dropped,
 * as Mesos drops them (so `killTask` must be retried by the framework), except that launches
 * then yield TASK_LOST (TASK_DROPPED for PARTITION_AWARE frameworks) and revive/suppress
 * update the suppressed roles sent at resubscription.
 */
export interface SchedulerDriver {
  /** Starts the driver: it subscribes (with `FrameworkInfo.id` if set, failing over to it). */
  start(): DriverStatus;
  /**
   * Stops the driver. Without `failover` the framework is torn down (TEARDOWN, if subscribed):
   * its tasks are killed. With it nothing is sent and the subscription is just closed, so the
   * master keeps the tasks for `failover_timeout` seconds for a new scheduler instance.
   */
  stop(failover?: boolean): DriverStatus;
  /** Aborts: no more callbacks, the subscription is closed, `join()` settles with ABORTED. */
  abort(): DriverStatus;
  /** Settles when the driver is stopped or aborted, with that status. */
  join(): Promise<DriverStatus>;
  /** `start()` then, if RUNNING, `join()`. */
  run(): Promise<DriverStatus>;
  /** REQUEST: a hint to the allocator (the hierarchical allocator ignores it). */
  requestResources(requests: readonly ResourceRequest[]): DriverStatus;
  /**
   * ACCEPT with one LAUNCH of `tasks` (none = decline). Offers must be from one agent; their
   * unused resources are refused for `filters.refuse_seconds` (the master's default is 5 s).
   */
  launchTasks(
    offerIds: OfferID | readonly OfferID[],
    tasks: readonly TaskInfo[],
    filters?: Filters,
  ): DriverStatus;
  /** ACCEPT with any operations (LAUNCH, LAUNCH_GROUP, RESERVE, …). */
  acceptOffers(
    offerIds: readonly OfferID[],
    operations: readonly OfferOperation[],
    filters?: Filters,
  ): DriverStatus;
  /** DECLINE of one whole offer. */
  declineOffer(offerId: OfferID, filters?: Filters): DriverStatus;
  /**
   * DECLINE of every offer of `batch` still outstanding when the call reaches the master: the
   * rest of an OFFERS event, after launching on some of its offers (sent as ranges of offer
   * ids, one call for the lot).
   */
  declineOfferBatch(batch: OfferBatchView, filters?: Filters): DriverStatus;
  /** REVIVE: clears filters and unsuppresses all roles, or only `roles` (an empty list does nothing). */
  reviveOffers(roles?: readonly string[]): DriverStatus;
  /** SUPPRESS: no offers for all roles, or only for `roles` (an empty list does nothing). */
  suppressOffers(roles?: readonly string[]): DriverStatus;
  /** KILL; not reliable: dropped while disconnected. */
  killTask(taskId: TaskID): DriverStatus;
  /**
   * ACKNOWLEDGE an update (explicit acknowledgements only; calling it under implicit ones is a
   * programming error and throws, where Mesos aborts the process). Updates without `uuid` or
   * `agent_id` need no acknowledgement and are ignored.
   */
  acknowledgeStatusUpdate(status: TaskStatus): DriverStatus;
  /** MESSAGE: best-effort bytes (base64) for an executor. */
  sendFrameworkMessage(executorId: ExecutorID, agentId: AgentID, data: string): DriverStatus;
  /**
   * RECONCILE: the latest state of each listed task (only `task_id` and `agent_id` are used; a
   * TaskStatus will do), or of every task the master knows when the list is empty.
   */
  reconcileTasks(tasks: readonly ReconcileTask[]): DriverStatus;
  /**
   * UPDATE_FRAMEWORK: new FrameworkInfo (the driver fills in the id) and, if given, suppressed
   * roles. While disconnected they are kept for the next subscription. Refusals come as
   * {@link Scheduler.frameworkUpdateRefused} (live, over HTTP), or as `error` (a scheduler without
   * that callback; the simulated master's ERROR event).
   */
  updateFramework(frameworkInfo: FrameworkInfo, suppressedRoles?: readonly string[]): DriverStatus;
}
