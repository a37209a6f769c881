/**
 * The v1 scheduler API's calls, scheduler → master (include/mesos/v1/scheduler/scheduler.proto
 * `Call`), as a union on `type`. Each case carries exactly the body its type needs, named as in
 * JSON (`accept` for ACCEPT, `acknowledge_operation_status` for ACKNOWLEDGE_OPERATION_STATUS).
 *
 * {@link decodeCall} applies the stateless part of Mesos's call validation
 * (src/master/validation.cpp `scheduler::call::validate`): `type` is required; SUBSCRIBE needs
 * `subscribe`, and its `framework_id` must equal `subscribe.framework_info.id` (both absent, or
 * the same id); every other call needs `framework_id`; each type but TEARDOWN, REVIVE and SUPPRESS needs its body;
 * ACKNOWLEDGE and ACKNOWLEDGE_OPERATION_STATUS need a 16-byte uuid, the latter an `agent_id`;
 * UPDATE_FRAMEWORK's `framework_id` must equal `update_framework.framework_info.id`. Checking
 * the authenticated principal against `framework_info.principal` is left to the master.
 *
 * Differences: an unknown `type` (or `UNKNOWN`, which Mesos answers with 501 Not Implemented)
 * is a decode error, `type: unknown call type "FOO"`. `offer_constraints` in SUBSCRIBE and
 * UPDATE_FRAMEWORK is not modelled and is ignored.
 */
import { bytes, uuidBytes } from './base64.js';
import { type Filters, filters, type KillPolicy, killPolicy } from './common.js';
import {
  arrayOf,
  type Decoded,
  type DecodeError,
  type Decoder,
  fieldPath,
  literal,
  opt,
  refine,
  req,
  str,
  struct,
  unionOf,
} from './decode-helpers.js';
import { type FrameworkInfo, frameworkInfo } from './framework-info.js';
import {
  type AgentID,
  agentId,
  type ExecutorID,
  executorId,
  type FrameworkID,
  frameworkId,
  type OfferID,
  type OperationID,
  offerId,
  operationId,
  type ResourceProviderID,
  resourceProviderId,
  type TaskID,
  taskId,
} from './ids.js';
import { type JsonValue, toJsonValue } from './json-value.js';
import { type OfferOperation, offerOperation } from './offer.js';
import type { OfferIdRange } from './offer-batch.js';
import { type ResourceJson, resourceJsonList } from './resources-json.js';

/** SUBSCRIBE: register (or, with `framework_info.id`, re-register) and open the event stream. */
export interface CallSubscribe {
  readonly framework_info: FrameworkInfo;
  /** Roles to subscribe to without receiving offers for them. */
  readonly suppressed_roles?: readonly string[];
}

/** ACCEPT: perform `operations` on the resources of `offer_ids`; unused resources are refused. */
export interface CallAccept {
  readonly offer_ids?: readonly OfferID[];
  readonly operations?: readonly OfferOperation[];
  readonly filters?: Filters;
}

/** DECLINE: the same as an ACCEPT with no operations. */
export interface CallDecline {
  readonly offer_ids?: readonly OfferID[];
  readonly filters?: Filters;
  /**
   * Not Mesos's: runs of consecutive offer ids to decline whatever of them is still
   * outstanding, which a simulated scheduler sends to decline the rest of an OFFERS event at
   * once (core/messages/offer-batch.ts). The JSON decoder does not read it, so it never comes
   * from a real connection.
   */
  readonly offer_ranges?: readonly OfferIdRange[];
}

/** ACCEPT_INVERSE_OFFERS / DECLINE_INVERSE_OFFERS. */
export interface CallInverseOffers {
  readonly inverse_offer_ids?: readonly OfferID[];
  readonly filters?: Filters;
}

/** REVIVE / SUPPRESS: for `roles`, or for all the framework's roles when empty or absent. */
export interface CallRoles {
  readonly roles?: readonly string[];
}

/** KILL: kill a task, optionally overriding its kill policy. */
export interface CallKill {
  readonly task_id: TaskID;
  readonly agent_id?: AgentID;
  readonly kill_policy?: KillPolicy;
}

/** SHUTDOWN: shut down a custom executor. */
export interface CallShutdown {
  readonly executor_id: ExecutorID;
  readonly agent_id: AgentID;
}

/** ACKNOWLEDGE: confirm a status update; `uuid` is the update's `status.uuid`, as received. */
export interface CallAcknowledge {
  readonly agent_id: AgentID;
  readonly task_id: TaskID;
  readonly uuid: string;
}

/**
 * ACKNOWLEDGE_OPERATION_STATUS: confirm an operation status update. `agent_id` is optional in the
 * proto but required by Mesos's validation until external resource providers exist.
 */
export interface CallAcknowledgeOperationStatus {
  readonly agent_id: AgentID;
  readonly resource_provider_id?: ResourceProviderID;
  readonly uuid: string;
  readonly operation_id: OperationID;
}

/** One task to reconcile. */
export interface ReconcileTask {
  readonly task_id: TaskID;
  readonly agent_id?: AgentID;
}

/** RECONCILE: ask for the latest state of `tasks`, or of all known tasks when empty. */
export interface CallReconcile {
  readonly tasks?: readonly ReconcileTask[];
}

/** One operation to reconcile. */
export interface ReconcileOperation {
  readonly operation_id: OperationID;
  readonly agent_id?: AgentID;
  readonly resource_provider_id?: ResourceProviderID;
}

/** RECONCILE_OPERATIONS: ask for the latest status of operations. */
export interface CallReconcileOperations {
  readonly operations?: readonly ReconcileOperation[];
}

/** MESSAGE: best-effort bytes (base64) for an executor. */
export interface CallMessage {
  readonly agent_id: AgentID;
  readonly executor_id: ExecutorID;
  readonly data: string;
}

/** One resource request (`mesos.v1.Request`). */
export interface ResourceRequest {
  readonly agent_id?: AgentID;
  readonly resources?: readonly ResourceJson[];
}

/** REQUEST: ask the allocator for resources (the hierarchical allocator ignores it). */
export interface CallRequest {
  readonly requests?: readonly ResourceRequest[];
}

/** UPDATE_FRAMEWORK: change the framework's info (roles, capabilities, …) without resubscribing. */
export interface CallUpdateFramework {
  readonly framework_info: FrameworkInfo;
  readonly suppressed_roles?: readonly string[];
}

/** A v1 scheduler call. */
export type Call =
  | { readonly type: 'SUBSCRIBE'; readonly framework_id?: FrameworkID; readonly subscribe: CallSubscribe }
  | { readonly type: 'TEARDOWN'; readonly framework_id: FrameworkID }
  | { readonly type: 'ACCEPT'; readonly framework_id: FrameworkID; readonly accept: CallAccept }
  | { readonly type: 'DECLINE'; readonly framework_id: FrameworkID; readonly decline: CallDecline }
  | {
      readonly type: 'ACCEPT_INVERSE_OFFERS';
      readonly framework_id: FrameworkID;
      readonly accept_inverse_offers: CallInverseOffers;
    }
  | {
      readonly type: 'DECLINE_INVERSE_OFFERS';
      readonly framework_id: FrameworkID;
      readonly decline_inverse_offers: CallInverseOffers;
    }
  | { readonly type: 'REVIVE'; readonly framework_id: FrameworkID; readonly revive?: CallRoles }
  | { readonly type: 'SUPPRESS'; readonly framework_id: FrameworkID; readonly suppress?: CallRoles }
  | { readonly type: 'KILL'; readonly framework_id: FrameworkID; readonly kill: CallKill }
  | { readonly type: 'SHUTDOWN'; readonly framework_id: FrameworkID; readonly shutdown: CallShutdown }
  | {
      readonly type: 'ACKNOWLEDGE';
      readonly framework_id: FrameworkID;
      readonly acknowledge: CallAcknowledge;
    }
  | {
      readonly type: 'ACKNOWLEDGE_OPERATION_STATUS';
      readonly framework_id: FrameworkID;
      readonly acknowledge_operation_status: CallAcknowledgeOperationStatus;
    }
  | { readonly type: 'RECONCILE'; readonly framework_id: FrameworkID; readonly reconcile: CallReconcile }
  | {
      readonly type: 'RECONCILE_OPERATIONS';
      readonly framework_id: FrameworkID;
      readonly reconcile_operations: CallReconcileOperations;
    }
  | { readonly type: 'MESSAGE'; readonly framework_id: FrameworkID; readonly message: CallMessage }
  | { readonly type: 'REQUEST'; readonly framework_id: FrameworkID; readonly request: CallRequest }
  | {
      readonly type: 'UPDATE_FRAMEWORK';
      readonly framework_id: FrameworkID;
      readonly update_framework: CallUpdateFramework;
    };

/** The type of a {@link Call}. */
export type CallType = Call['type'];

const offerIds = arrayOf(offerId);
const roles = struct({ roles: opt(arrayOf(str)) });
const inverseOffers = struct({ inverse_offer_ids: opt(offerIds), filters: opt(filters) });

/** The ids' values, with Mesos's reading of an unset id as the empty string. */
function sameId(a: FrameworkID | undefined, b: FrameworkID | undefined): boolean {
  return (a?.value ?? '') === (b?.value ?? '');
}

function differsFrom(path: string, other: string): DecodeError {
  return { path: fieldPath(path, 'framework_id'), message: `differs from '${other}'` };
}

const frameworkInfoBody = struct({ framework_info: req(frameworkInfo), suppressed_roles: opt(arrayOf(str)) });

const subscribeCall: Decoder<Extract<Call, { type: 'SUBSCRIBE' }>> = refine(
  struct({
    type: req(literal('SUBSCRIBE')),
    framework_id: opt(frameworkId),
    subscribe: req(frameworkInfoBody),
  }),
  (c, path) =>
    sameId(c.framework_id, c.subscribe.framework_info.id)
      ? undefined
      : differsFrom(path, 'subscribe.framework_info.id'),
);

const updateFrameworkCall: Decoder<Extract<Call, { type: 'UPDATE_FRAMEWORK' }>> = refine(
  struct({
    type: req(literal('UPDATE_FRAMEWORK')),
    framework_id: req(frameworkId),
    update_framework: req(frameworkInfoBody),
  }),
  (c, path) =>
    sameId(c.framework_id, c.update_framework.framework_info.id)
      ? undefined
      : differsFrom(path, 'update_framework.framework_info.id'),
);

const callDecoder: Decoder<Call> = unionOf<Call>('call', {
  SUBSCRIBE: subscribeCall,
  TEARDOWN: struct({ type: req(literal('TEARDOWN')), framework_id: req(frameworkId) }),
  ACCEPT: struct({
    type: req(literal('ACCEPT')),
    framework_id: req(frameworkId),
    accept: req(
      struct({ offer_ids: opt(offerIds), operations: opt(arrayOf(offerOperation)), filters: opt(filters) }),
    ),
  }),
  DECLINE: struct({
    type: req(literal('DECLINE')),
    framework_id: req(frameworkId),
    decline: req(struct({ offer_ids: opt(offerIds), filters: opt(filters) })),
  }),
  ACCEPT_INVERSE_OFFERS: struct({
    type: req(literal('ACCEPT_INVERSE_OFFERS')),
    framework_id: req(frameworkId),
    accept_inverse_offers: req(inverseOffers),
  }),
  DECLINE_INVERSE_OFFERS: struct({
    type: req(literal('DECLINE_INVERSE_OFFERS')),
    framework_id: req(frameworkId),
    decline_inverse_offers: req(inverseOffers),
  }),
  REVIVE: struct({ type: req(literal('REVIVE')), framework_id: req(frameworkId), revive: opt(roles) }),
  SUPPRESS: struct({ type: req(literal('SUPPRESS')), framework_id: req(frameworkId), suppress: opt(roles) }),
  KILL: struct({
    type: req(literal('KILL')),
    framework_id: req(frameworkId),
    kill: req(struct({ task_id: req(taskId), agent_id: opt(agentId), kill_policy: opt(killPolicy) })),
  }),
  SHUTDOWN: struct({
    type: req(literal('SHUTDOWN')),
    framework_id: req(frameworkId),
    shutdown: req(struct({ executor_id: req(executorId), agent_id: req(agentId) })),
  }),
  ACKNOWLEDGE: struct({
    type: req(literal('ACKNOWLEDGE')),
    framework_id: req(frameworkId),
    acknowledge: req(struct({ agent_id: req(agentId), task_id: req(taskId), uuid: req(uuidBytes) })),
  }),
  ACKNOWLEDGE_OPERATION_STATUS: struct({
    type: req(literal('ACKNOWLEDGE_OPERATION_STATUS')),
    framework_id: req(frameworkId),
    acknowledge_operation_status: req(
      struct({
        agent_id: req(agentId),
        resource_provider_id: opt(resourceProviderId),
        uuid: req(uuidBytes),
        operation_id: req(operationId),
      }),
    ),
  }),
  RECONCILE: struct({
    type: req(literal('RECONCILE')),
    framework_id: req(frameworkId),
    reconcile: req(struct({ tasks: opt(arrayOf(struct({ task_id: req(taskId), agent_id: opt(agentId) }))) })),
  }),
  RECONCILE_OPERATIONS: struct({
    type: req(literal('RECONCILE_OPERATIONS')),
    framework_id: req(frameworkId),
    reconcile_operations: req(
      struct({
        operations: opt(
          arrayOf(
            struct({
              operation_id: req(operationId),
              agent_id: opt(agentId),
              resource_provider_id: opt(resourceProviderId),
            }),
          ),
        ),
      }),
    ),
  }),
  MESSAGE: struct({
    type: req(literal('MESSAGE')),
    framework_id: req(frameworkId),
    message: req(struct({ agent_id: req(agentId), executor_id: req(executorId), data: req(bytes) })),
  }),
  REQUEST: struct({
    type: req(literal('REQUEST')),
    framework_id: req(frameworkId),
    request: req(
      struct({
        requests: opt(arrayOf(struct({ agent_id: opt(agentId), resources: opt(resourceJsonList) }))),
      }),
    ),
  }),
  UPDATE_FRAMEWORK: updateFrameworkCall,
});

/**
 * Decodes and validates a scheduler call from parsed JSON. On failure the error names the field,
 * e.g. `accept.offer_ids[2].value: expected string` or `framework_id: is required`.
 */
export function decodeCall(json: unknown): Decoded<Call> {
  return callDecoder(json, '');
}

/** The JSON form of a call (what `JSON.stringify` should be given). */
export function encodeCall(call: Call): JsonValue {
  return toJsonValue(call);
}
