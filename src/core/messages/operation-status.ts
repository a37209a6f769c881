/**
 * Feedback on offer operations that carry an `id` (include/mesos/v1/mesos.proto
 * `OperationStatus`, `OperationState`), delivered in UPDATE_OPERATION_STATUS events. Agora's
 * master sends them for RESERVE, UNRESERVE, CREATE and DESTROY (src/master/operation-statuses.ts);
 * the driver decodes them from Agora's master or a real Mesos master alike.
 */
import { bytes } from './base64.js';
import { type Decoder, enumOf, opt, req, str, struct } from './decode-helpers.js';
import {
  type AgentID,
  agentId,
  type OperationID,
  operationId,
  type ResourceProviderID,
  resourceProviderId,
} from './ids.js';
import { type ResourceJson, resourceJsonList } from './resources-json.js';

/** Operation states (`OperationState`); OPERATION_UNSUPPORTED is the proto's default value. */
export const OPERATION_STATES = [
  'OPERATION_UNSUPPORTED',
  'OPERATION_PENDING',
  'OPERATION_FINISHED',
  'OPERATION_FAILED',
  'OPERATION_ERROR',
  'OPERATION_DROPPED',
  'OPERATION_UNREACHABLE',
  'OPERATION_GONE_BY_OPERATOR',
  'OPERATION_RECOVERING',
  'OPERATION_UNKNOWN',
] as const;

/** The state of an offer operation. */
export type OperationState = (typeof OPERATION_STATES)[number];

/**
 * The status of an offer operation. A status with a `uuid` (the `UUID` message: base64 bytes in
 * `value`) is retried until acknowledged with ACKNOWLEDGE_OPERATION_STATUS.
 */
export interface OperationStatus {
  readonly operation_id?: OperationID;
  readonly state: OperationState;
  readonly message?: string;
  readonly converted_resources?: readonly ResourceJson[];
  readonly uuid?: { readonly value: string };
  readonly agent_id?: AgentID;
  readonly resource_provider_id?: ResourceProviderID;
}

/** Decodes an {@link OperationStatus}. */
export const operationStatus: Decoder<OperationStatus> = struct({
  operation_id: opt(operationId),
  state: req(enumOf(OPERATION_STATES, 'operation state')),
  message: opt(str),
  converted_resources: opt(resourceJsonList),
  uuid: opt(struct({ value: req(bytes) })),
  agent_id: opt(agentId),
  resource_provider_id: opt(resourceProviderId),
});
