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
 *   (a framework that reconnects learns the outcome with RECONCILE_OPERATIONS, or its offers).
 * RECONCILE_OPERATIONS answers as Mesos's `reconcileOperations`: without operations, the latest
 * status of each unacknowledged operation; with some, the latest status of each known one, and
 * for an unknown one a state from what is known of its agent (recovered: RECOVERING, registered:
 * DROPPED — what Mesos's agent answers for an operation it does not know —, unreachable:
 * UNREACHABLE, gone: GONE_BY_OPERATOR, otherwise UNKNOWN). Reconciliation answers carry no uuid.
 */
import { randomUuidBase64 } from '../core/messages/base64.js';
import type { OperationID } from '../core/messages/ids.js';
import type { OperationState, OperationStatus } from '../core/messages/operation-status.js';
import type { ResourceJson } from '../core/messages/resources-json.js';
import type {
  CallAcknowledgeOperationStatus,
  CallReconcileOperations,
} from '../core/messages/scheduler-call.js';
import { BoundedMap } from './bounded.js';
import type { MasterContext } from './context.js';
import type { FrameworkRecord } from './framework-registry.js';

/** Most unacknowledged operation statuses remembered (the oldest are forgotten first). */
const MAX_UNACKNOWLEDGED = 10_000;

/**
 * Statuses sent with a uuid and not acknowledged yet (Mesos `Framework::operations`), by
 * framework then operation id.
 */
export class UnacknowledgedOperations {
  readonly #byKey = new BoundedMap<string, OperationStatus>(MAX_UNACKNOWLEDGED);

  add(frameworkId: string, status: OperationStatus): void {
    this.#byKey.set(JSON.stringify([frameworkId, status.operation_id?.value]), status);
  }

  /** The unacknowledged status of a framework's operation, if any. */
  get(frameworkId: string, operationId: string): OperationStatus | undefined {
    return this.#byKey.get(JSON.stringify([frameworkId, operationId]));
  }

  /** Takes out the status acknowledged (operation and uuid must match); whether it was known. */
  take(frameworkId: string, operationId: string, uuid: string): boolean {
    const key = JSON.stringify([frameworkId, operationId]);
    if (this.#byKey.get(key)?.uuid?.value !== uuid) return false;
    return this.#byKey.delete(key);
  }

  /** The framework's unacknowledged statuses. */
  of(frameworkId: string): OperationStatus[] {
    const out: OperationStatus[] = [];
    for (const [key, status] of this.#byKey.entries()) {
      if ((JSON.parse(key) as [string, string])[0] === frameworkId) out.push(status);
    }
    return out;
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
  const status: OperationStatus = {
    operation_id: operationId,
    state: 'OPERATION_FINISHED',
    converted_resources: converted,
    uuid: { value: uuid },
    agent_id: { value: agentId },
  };
  ctx.unacknowledgedOperations.add(framework.id, status);
  sendOperationStatus(ctx, framework, status);
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
  const operation = ack.operation_id.value;
  if (!ctx.unacknowledgedOperations.take(framework.id, operation, ack.uuid)) {
    ctx.trace('call-dropped', {
      framework: framework.id,
      type: 'ACKNOWLEDGE_OPERATION_STATUS',
      why: `unknown operation status ${ack.uuid} of operation ${ack.operation_id.value}`,
    });
    return;
  }
  ctx.trace('operation-acknowledged', { framework: framework.id, operation });
}

/** RECONCILE_OPERATIONS (see the module comment). */
export function handleReconcileOperations(
  ctx: MasterContext,
  framework: FrameworkRecord,
  reconcile: CallReconcileOperations,
): void {
  const asked = reconcile.operations ?? [];
  const answers: OperationStatus[] = [];
  if (asked.length === 0) answers.push(...ctx.unacknowledgedOperations.of(framework.id));
  for (const { operation_id, agent_id } of asked) {
    const known = ctx.unacknowledgedOperations.get(framework.id, operation_id.value);
    if (known !== undefined) {
      answers.push(known);
      continue;
    }
    answers.push({
      operation_id,
      state: unknownOperationState(ctx, agent_id?.value),
      ...(agent_id === undefined ? {} : { agent_id }),
    });
  }
  for (const status of answers) {
    const { uuid: _notReliable, ...sent } = status;
    sendOperationStatus(ctx, framework, sent);
  }
}

function unknownOperationState(ctx: MasterContext, agentId: string | undefined): OperationState {
  if (agentId === undefined) return 'OPERATION_UNKNOWN';
  if (ctx.recoveredAgents.has(agentId)) return 'OPERATION_RECOVERING';
  if (ctx.agents.get(agentId) !== undefined) return 'OPERATION_DROPPED';
  if (ctx.agents.unreachable.has(agentId)) return 'OPERATION_UNREACHABLE';
  if (ctx.agents.removed.has(agentId)) return 'OPERATION_GONE_BY_OPERATOR';
  return 'OPERATION_UNKNOWN';
}
