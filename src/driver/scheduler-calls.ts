/**
 * The v1 scheduler calls the driver sends, one builder per driver method (mesos.md §2.5, §2.8).
 * Optional parts are left out rather than sent empty, as Mesos's JSON encoder leaves out unset
 * fields: a decline without filters carries no `filters` (the master then refuses the offer for
 * its default 5 s), a revive or suppress of every role carries no body.
 */
import type { Filters } from '../core/messages/common.js';
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID, TaskID } from '../core/messages/ids.js';
import type { OfferOperation } from '../core/messages/offer.js';
import type { OfferIdRange } from '../core/messages/offer-batch.js';
import type { Call, ReconcileTask, ResourceRequest } from '../core/messages/scheduler-call.js';

/**
 * SUBSCRIBE. With an id (a framework failing over, or resubscribing after a disconnection) both
 * `framework_id` and `framework_info.id` carry it, as the v1 API requires.
 */
export function subscribeCall(info: FrameworkInfo, suppressedRoles: readonly string[]): Call {
  const id = info.id;
  return {
    type: 'SUBSCRIBE',
    ...(id === undefined ? {} : { framework_id: id }),
    subscribe: {
      framework_info: info,
      ...(suppressedRoles.length === 0 ? {} : { suppressed_roles: [...suppressedRoles] }),
    },
  };
}

/** TEARDOWN: the framework is done; the master kills its tasks and removes it. */
export function teardownCall(frameworkId: FrameworkID): Call {
  return { type: 'TEARDOWN', framework_id: frameworkId };
}

/** ACCEPT of `offerIds` with `operations`. */
export function acceptCall(
  frameworkId: FrameworkID,
  offerIds: readonly OfferID[],
  operations: readonly OfferOperation[],
  filters: Filters | undefined,
): Call {
  return {
    type: 'ACCEPT',
    framework_id: frameworkId,
    accept: {
      offer_ids: [...offerIds],
      operations: [...operations],
      ...(filters === undefined ? {} : { filters }),
    },
  };
}

/** DECLINE of `offerIds`, and of what is outstanding in `ranges` (simulator only; see CallDecline). */
export function declineCall(
  frameworkId: FrameworkID,
  offerIds: readonly OfferID[],
  filters: Filters | undefined,
  ranges: readonly OfferIdRange[] = [],
): Call {
  return {
    type: 'DECLINE',
    framework_id: frameworkId,
    decline: {
      offer_ids: [...offerIds],
      ...(filters === undefined ? {} : { filters }),
      ...(ranges.length === 0 ? {} : { offer_ranges: [...ranges] }),
    },
  };
}

/** REVIVE of `roles`, or of every role when undefined. */
export function reviveCall(frameworkId: FrameworkID, roles: readonly string[] | undefined): Call {
  return {
    type: 'REVIVE',
    framework_id: frameworkId,
    ...(roles === undefined ? {} : { revive: { roles: [...roles] } }),
  };
}

/** SUPPRESS of `roles`, or of every role when undefined. */
export function suppressCall(frameworkId: FrameworkID, roles: readonly string[] | undefined): Call {
  return {
    type: 'SUPPRESS',
    framework_id: frameworkId,
    ...(roles === undefined ? {} : { suppress: { roles: [...roles] } }),
  };
}

/** KILL of a task (the v0 driver names no agent). */
export function killCall(frameworkId: FrameworkID, taskId: TaskID): Call {
  return { type: 'KILL', framework_id: frameworkId, kill: { task_id: taskId } };
}

/** ACKNOWLEDGE of an update, echoing its uuid exactly as received. */
export function acknowledgeCall(
  frameworkId: FrameworkID,
  agentId: AgentID,
  taskId: TaskID,
  uuid: string,
): Call {
  return {
    type: 'ACKNOWLEDGE',
    framework_id: frameworkId,
    acknowledge: { agent_id: agentId, task_id: taskId, uuid },
  };
}

/** RECONCILE of `tasks` (their task and agent ids only), or of every task when empty. */
export function reconcileCall(frameworkId: FrameworkID, tasks: readonly ReconcileTask[]): Call {
  return {
    type: 'RECONCILE',
    framework_id: frameworkId,
    reconcile: {
      tasks: tasks.map((t) => ({
        task_id: t.task_id,
        ...(t.agent_id === undefined ? {} : { agent_id: t.agent_id }),
      })),
    },
  };
}

/** MESSAGE for an executor (`data` is base64). */
export function messageCall(
  frameworkId: FrameworkID,
  executorId: ExecutorID,
  agentId: AgentID,
  data: string,
): Call {
  return {
    type: 'MESSAGE',
    framework_id: frameworkId,
    message: { agent_id: agentId, executor_id: executorId, data },
  };
}

/** REQUEST of resources. */
export function requestCall(frameworkId: FrameworkID, requests: readonly ResourceRequest[]): Call {
  return { type: 'REQUEST', framework_id: frameworkId, request: { requests: [...requests] } };
}

/** UPDATE_FRAMEWORK with a new FrameworkInfo (whose id must be `frameworkId`) and suppressed roles. */
export function updateFrameworkCall(
  frameworkId: FrameworkID,
  info: FrameworkInfo,
  suppressedRoles: readonly string[],
): Call {
  return {
    type: 'UPDATE_FRAMEWORK',
    framework_id: frameworkId,
    update_framework: {
      framework_info: { ...info, id: frameworkId },
      suppressed_roles: [...suppressedRoles],
    },
  };
}
