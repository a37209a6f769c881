/**
 * Operation feedback (src/master/master.cpp `drop`, `updateOperationStatus`,
 * `acknowledgeOperationStatus`; docs/scheduler-http-api.md UPDATE_OPERATION_STATUS and
 * ACKNOWLEDGE_OPERATION_STATUS). Only operations with an `id` get feedback:
 * - an invalid one gets OPERATION_ERROR with the reason, without `uuid` or `agent_id` (Mesos's
 *   `drop`, which sends nothing to ack);
 * - an applied one gets OPERATION_FINISHED with `uuid`, `agent_id` and the converted resources,
 *   once the registry holds its result; the framework acknowledges it with
 *   ACKNOWLEDGE_OPERATION_STATUS. Mesos's agent resends an unacknowledged status until it is
 *   acknowledged; Agora's master applies these operations itself and sends each status once
 *   (a framework that reconnects learns the outcome from its offers).
 */
import { randomUuidBase64 } from '../core/messages/base64.js';
import type { OperationID } from '../core/messages/ids.js';
import type { OperationState, OperationStatus } from '../core/messages/operation-status.js';
import type { ResourceJson } from '../core/messages/resources-json.js';
import type { CallAcknowledgeOperationStatus } from '../core/messages/scheduler-call.js';
import { BoundedMap } from './bounded.js';
import type { MasterContext } from './context.js';
import type { FrameworkRecord } from './framework-registry.js';

/** Most unacknowledged operation statuses remembered (the oldest are forgotten first). */
const MAX_UNACKNOWLEDGED = 10_000;

/** Statuses sent with a uuid and not acknowledged yet: `framework uuid` → operation id. */
export class UnacknowledgedOperations {
  readonly #byKey = new BoundedMap<string, string>(MAX_UNACKNOWLEDGED);

  add(frameworkId: string, uuid: string, operationId: string): void {
    this.#byKey.set(`${frameworkId} ${uuid}`, operationId);
  }

  /** Takes out the status acknowledged, if known; returns its operation id. */
  take(frameworkId: string, uuid: string): string | undefined {
    const key = `${frameworkId} ${uuid}`;
    const id = this.#byKey.get(key);
    this.#byKey.delete(key);
    return id;
  }

  get size(): number {
    return this.#byKey.size;
  }
}

/** OPERATION_ERROR for an invalid operation with an id (Mesos `drop`); nothing without one. */
export function sendOperationError(
  ctx: MasterContext,
  framework: FrameworkRecord,
  operationId: OperationID | undefined,
  message: string,
): void {
  if (operationId === undefined) return;
  sendOperationStatus(ctx, framework, { operation_id: operationId, state: 'OPERATION_ERROR', message });
}

/** OPERATION_FINISHED, to be acknowledged, for an applied operation with an id. */
export function sendOperationFinished(
  ctx: MasterContext,
  framework: FrameworkRecord,
  operationId: OperationID | undefined,
  agentId: string,
  converted: readonly ResourceJson[],
): void {
  if (operationId === undefined) return;
  const uuid = randomUuidBase64(() => ctx.env.random());
  ctx.unacknowledgedOperations.add(framework.id, uuid, operationId.value);
  sendOperationStatus(ctx, framework, {
    operation_id: operationId,
    state: 'OPERATION_FINISHED',
    converted_resources: converted,
    uuid: { value: uuid },
    agent_id: { value: agentId },
  });
}

function sendOperationStatus(ctx: MasterContext, framework: FrameworkRecord, status: OperationStatus): void {
  const state: OperationState = status.state;
  ctx.trace('operation-status', { framework: framework.id, operation: status.operation_id?.value, state });
  ctx.sendEvent(framework, { type: 'UPDATE_OPERATION_STATUS', update_operation_status: { status } });
}

/**
 * ACKNOWLEDGE_OPERATION_STATUS: forgets the acknowledged status. Mesos drops (with a warning) an
 * acknowledgement of an operation it does not know; so does Agora, traced.
 */
export function handleAcknowledgeOperationStatus(
  ctx: MasterContext,
  framework: FrameworkRecord,
  ack: CallAcknowledgeOperationStatus,
): void {
  const operation = ctx.unacknowledgedOperations.take(framework.id, ack.uuid);
  if (operation === undefined || operation !== ack.operation_id.value) {
    ctx.trace('call-dropped', {
      framework: framework.id,
      type: 'ACKNOWLEDGE_OPERATION_STATUS',
      why: `unknown operation status ${ack.uuid} of operation ${ack.operation_id.value}`,
    });
    return;
  }
  ctx.trace('operation-acknowledged', { framework: framework.id, operation });
}
