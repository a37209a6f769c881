/**
 * The scheduler events and master-generated task statuses the master builds. Master-generated
 * statuses have `source: SOURCE_MASTER` and no uuid, so schedulers never acknowledge them
 * (mesos.md §5.3, src/common/protobuf_utils.cpp `createStatusUpdate`).
 */
import type { MasterInfo } from '../core/messages/cluster-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID } from '../core/messages/ids.js';
import type { Offer } from '../core/messages/offer.js';
import { OFFER_BATCH, type OfferBatchView } from '../core/messages/offer-batch.js';
import type { Event } from '../core/messages/scheduler-event.js';
import type { TaskState, TaskStatusReason } from '../core/messages/task-state.js';
import type { TaskStatus } from '../core/messages/task-status.js';

/** SUBSCRIBED, with the heartbeat interval in seconds as Mesos reports it. */
export function subscribedEvent(
  frameworkId: FrameworkID,
  heartbeatIntervalMs: number,
  masterInfo: MasterInfo,
): Event {
  return {
    type: 'SUBSCRIBED',
    subscribed: {
      framework_id: frameworkId,
      heartbeat_interval_seconds: heartbeatIntervalMs / 1000,
      master_info: masterInfo,
    },
  };
}

/** HEARTBEAT. */
export const HEARTBEAT_EVENT: Event = Object.freeze({ type: 'HEARTBEAT' });

/**
 * OFFERS with all of one framework's offers of a cycle, as a view: the `Offer` list is built
 * when first read (a live transport serialising the event reads it); a simulated scheduler may
 * read the view itself (core/messages/offer-batch.ts).
 */
export function offersEvent(view: OfferBatchView & { readonly all: readonly Offer[] }): Event {
  const offers = {
    get offers(): readonly Offer[] {
      return view.all;
    },
    [OFFER_BATCH]: view,
  };
  return { type: 'OFFERS', offers };
}

/** RESCIND of one offer. */
export function rescindEvent(offerId: OfferID): Event {
  return { type: 'RESCIND', rescind: { offer_id: offerId } };
}

/** UPDATE carrying a task status. */
export function updateEvent(status: TaskStatus): Event {
  return { type: 'UPDATE', update: { status } };
}

/** FAILURE: an agent was lost (agent id only) or an executor ended. */
export function failureEvent(agentId: AgentID, executorId?: ExecutorID, status?: number): Event {
  return {
    type: 'FAILURE',
    failure: {
      agent_id: agentId,
      ...(executorId === undefined ? {} : { executor_id: executorId }),
      ...(status === undefined ? {} : { status }),
    },
  };
}

/**
 * The ERROR a framework gets when it calls while the master holds it disconnected (its
 * connection broke); its driver aborts, and a supervised scheduler restarts and fails over.
 */
export const FRAMEWORK_DISCONNECTED = 'Framework disconnected';

/** ERROR: the scheduler should abort (and may resubscribe). */
export function errorEvent(message: string): Event {
  return { type: 'ERROR', error: { message } };
}

/** What a master-generated status says. */
export interface MasterStatusSpec {
  readonly taskId: string;
  readonly state: TaskState;
  readonly reason: TaskStatusReason;
  readonly message: string;
  readonly nowMs: number;
  readonly agentId?: string | undefined;
  readonly executorId?: string | undefined;
  /** When the agent was marked unreachable (ms), for TASK_UNREACHABLE and its reconciliation. */
  readonly unreachableTimeMs?: number | undefined;
}

/** A status the master generates itself: SOURCE_MASTER, no uuid, timestamp in seconds. */
export function masterStatus(spec: MasterStatusSpec): TaskStatus {
  return {
    task_id: { value: spec.taskId },
    state: spec.state,
    message: spec.message,
    source: 'SOURCE_MASTER',
    reason: spec.reason,
    timestamp: spec.nowMs / 1000,
    ...(spec.agentId === undefined ? {} : { agent_id: { value: spec.agentId } }),
    ...(spec.executorId === undefined ? {} : { executor_id: { value: spec.executorId } }),
    ...unreachableTime(spec.unreachableTimeMs),
  };
}

/**
 * `unreachable_time` as a TimeInfo. Our decoders read int64 only up to 2^53 − 1 ns (~104 days
 * after the epoch), which simulated clocks stay under but wall clocks do not; a time they could
 * not read is left out rather than making the whole event undecodable.
 */
function unreachableTime(ms: number | undefined): { unreachable_time?: { nanoseconds: number } } {
  if (ms === undefined) return {};
  const nanoseconds = Math.round(ms * 1e6);
  return Number.isSafeInteger(nanoseconds) ? { unreachable_time: { nanoseconds } } : {};
}
