/**
 * The v1 scheduler API's events, master → scheduler (include/mesos/v1/scheduler/scheduler.proto
 * `Event`), as a union on `type`. Every event type but HEARTBEAT must carry its body, named as in
 * JSON (`subscribed` for SUBSCRIBED, `rescind_inverse_offer` for RESCIND_INVERSE_OFFER); the docs'
 * flattened examples (`{"type":"ERROR","message":…}`) are not what the master sends and are
 * rejected (`error: is required`). An event type we do not know is a decode error too; a driver
 * talking to a newer master may choose to skip such events, as Mesos's own library does with
 * UNKNOWN.
 */
import { bytes } from './base64.js';
import { type MasterInfo, masterInfo } from './cluster-info.js';
import {
  arrayOf,
  type Decoded,
  type Decoder,
  double,
  int32,
  literal,
  opt,
  req,
  str,
  struct,
  unionOf,
} from './decode-helpers.js';
import {
  type AgentID,
  agentId,
  type ExecutorID,
  executorId,
  type FrameworkID,
  frameworkId,
  type OfferID,
  offerId,
} from './ids.js';
import { type JsonValue, toJsonValue } from './json-value.js';
import { type InverseOffer, inverseOffer, type Offer, offer } from './offer.js';
import { type OperationStatus, operationStatus } from './operation-status.js';
import { type TaskStatus, taskStatus } from './task-status.js';

/** SUBSCRIBED: the first event of a subscription. Mesos sends heartbeats every 15 s. */
export interface EventSubscribed {
  readonly framework_id: FrameworkID;
  readonly heartbeat_interval_seconds?: number;
  readonly master_info?: MasterInfo;
}

/** MESSAGE: best-effort bytes (base64) from an executor. */
export interface EventMessage {
  readonly agent_id: AgentID;
  readonly executor_id: ExecutorID;
  readonly data: string;
}

/**
 * FAILURE: an agent was removed (`agent_id` only) or an executor ended (with `executor_id` and,
 * if known, its waitpid-style `status`). It is not ordered with the UPDATE and RESCIND events
 * that accompany it.
 */
export interface EventFailure {
  readonly agent_id?: AgentID;
  readonly executor_id?: ExecutorID;
  readonly status?: number;
}

/** A v1 scheduler event. */
export type Event =
  | { readonly type: 'SUBSCRIBED'; readonly subscribed: EventSubscribed }
  | { readonly type: 'OFFERS'; readonly offers: { readonly offers?: readonly Offer[] } }
  | {
      readonly type: 'INVERSE_OFFERS';
      readonly inverse_offers: { readonly inverse_offers?: readonly InverseOffer[] };
    }
  | { readonly type: 'RESCIND'; readonly rescind: { readonly offer_id: OfferID } }
  | {
      readonly type: 'RESCIND_INVERSE_OFFER';
      readonly rescind_inverse_offer: { readonly inverse_offer_id: OfferID };
    }
  | { readonly type: 'UPDATE'; readonly update: { readonly status: TaskStatus } }
  | {
      readonly type: 'UPDATE_OPERATION_STATUS';
      readonly update_operation_status: { readonly status: OperationStatus };
    }
  | { readonly type: 'MESSAGE'; readonly message: EventMessage }
  | { readonly type: 'FAILURE'; readonly failure: EventFailure }
  | { readonly type: 'ERROR'; readonly error: { readonly message: string } }
  | { readonly type: 'HEARTBEAT' };

/** The type of an {@link Event}. */
export type EventType = Event['type'];

const eventDecoder: Decoder<Event> = unionOf<Event>('event', {
  SUBSCRIBED: struct({
    type: req(literal('SUBSCRIBED')),
    subscribed: req(
      struct({
        framework_id: req(frameworkId),
        heartbeat_interval_seconds: opt(double),
        master_info: opt(masterInfo),
      }),
    ),
  }),
  OFFERS: struct({ type: req(literal('OFFERS')), offers: req(struct({ offers: opt(arrayOf(offer)) })) }),
  INVERSE_OFFERS: struct({
    type: req(literal('INVERSE_OFFERS')),
    inverse_offers: req(struct({ inverse_offers: opt(arrayOf(inverseOffer)) })),
  }),
  RESCIND: struct({ type: req(literal('RESCIND')), rescind: req(struct({ offer_id: req(offerId) })) }),
  RESCIND_INVERSE_OFFER: struct({
    type: req(literal('RESCIND_INVERSE_OFFER')),
    rescind_inverse_offer: req(struct({ inverse_offer_id: req(offerId) })),
  }),
  UPDATE: struct({ type: req(literal('UPDATE')), update: req(struct({ status: req(taskStatus) })) }),
  UPDATE_OPERATION_STATUS: struct({
    type: req(literal('UPDATE_OPERATION_STATUS')),
    update_operation_status: req(struct({ status: req(operationStatus) })),
  }),
  MESSAGE: struct({
    type: req(literal('MESSAGE')),
    message: req(struct({ agent_id: req(agentId), executor_id: req(executorId), data: req(bytes) })),
  }),
  FAILURE: struct({
    type: req(literal('FAILURE')),
    failure: req(struct({ agent_id: opt(agentId), executor_id: opt(executorId), status: opt(int32) })),
  }),
  ERROR: struct({ type: req(literal('ERROR')), error: req(struct({ message: req(str) })) }),
  HEARTBEAT: struct({ type: req(literal('HEARTBEAT')) }),
});

/** Decodes a scheduler event from parsed JSON (one RecordIO record of the subscription stream). */
export function decodeEvent(json: unknown): Decoded<Event> {
  return eventDecoder(json, '');
}

/** The JSON form of an event (what `JSON.stringify` should be given). */
export function encodeEvent(event: Event): JsonValue {
  return toJsonValue(event);
}
