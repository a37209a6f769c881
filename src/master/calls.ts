/**
 * Dispatch of scheduler calls (src/master/master.cpp `Master::receive`). SUBSCRIBE goes its own
 * way; every other call must name a registered framework and come from that framework's
 * connection. A call for an unknown or removed framework, or from another address, is dropped
 * and traced (the live HTTP layer answers them 400 or 403); a call from the address of a
 * disconnected framework gets ERROR "Framework disconnected", as Mesos answers v0 schedulers.
 */
import { assertNever } from '../core/assert-never.js';
import type { Call } from '../core/messages/scheduler-call.js';
import type { Address } from '../core/process.js';
import { handleAccept } from './accept.js';
import { admitCall } from './call-admission.js';
import type { MasterContext } from './context.js';
import { errorEvent, FRAMEWORK_DISCONNECTED } from './events.js';
import { removeFramework } from './framework-lifecycle.js';
import type { FrameworkRecord } from './framework-registry.js';
import { handleDecline, handleRevive, handleSuppress } from './offer-calls.js';
import { handleAcknowledgeOperationStatus, handleReconcileOperations } from './operation-statuses.js';
import { reconcile } from './reconcile.js';
import { handleSubscribe, handleUpdateFramework } from './subscribe.js';
import { handleAcknowledge, handleKill, handleMessage, handleShutdown } from './task-calls.js';

/** Handles a scheduler call from `from`. */
export function handleCall(ctx: MasterContext, from: Address, call: Call): void {
  if (call.type === 'SUBSCRIBE') {
    handleSubscribe(ctx, from, call);
    return;
  }
  const framework = callingFramework(ctx, from, call);
  if (framework !== undefined) dispatch(ctx, framework, call);
}

/** The framework a call may act for, or undefined when it is dropped. */
function callingFramework(
  ctx: MasterContext,
  from: Address,
  call: Exclude<Call, { type: 'SUBSCRIBE' }>,
): FrameworkRecord | undefined {
  const admission = admitCall(ctx, call.framework_id.value, from);
  switch (admission.kind) {
    case 'admitted':
      return ctx.frameworks.get(call.framework_id.value);
    case 'unknown':
      traceDropped(ctx, from, call, admission.removed ? 'framework removed' : 'framework cannot be found');
      return undefined;
    case 'disconnected':
      // Mesos's v0 master tells a disconnected framework calling from its own pid so.
      if (!admission.fromFramework) break;
      ctx.sendEventTo(from, errorEvent(FRAMEWORK_DISCONNECTED));
      traceDropped(ctx, from, call, 'framework disconnected');
      return undefined;
    case 'foreign':
      break;
    default:
      assertNever(admission);
  }
  traceDropped(ctx, from, call, 'call is not from the registered framework');
  return undefined;
}

/** Traces a call {@link callingFramework} drops, and why. */
function traceDropped(ctx: MasterContext, from: Address, call: Call, why: string): void {
  ctx.trace('call-dropped', { from, framework: call.framework_id?.value, type: call.type, why });
}

function dispatch(
  ctx: MasterContext,
  framework: FrameworkRecord,
  call: Exclude<Call, { type: 'SUBSCRIBE' }>,
): void {
  switch (call.type) {
    case 'TEARDOWN':
      removeFramework(ctx, framework, 'teardown');
      return;
    case 'ACCEPT':
      handleAccept(ctx, framework, call.accept);
      return;
    case 'DECLINE':
      handleDecline(
        ctx,
        framework,
        call.decline.offer_ids ?? [],
        call.decline.filters,
        call.decline.offer_ranges,
      );
      return;
    case 'REVIVE':
      handleRevive(ctx, framework, call.revive?.roles);
      return;
    case 'SUPPRESS':
      handleSuppress(ctx, framework, call.suppress?.roles);
      return;
    case 'KILL':
      handleKill(ctx, framework, call.kill);
      return;
    case 'SHUTDOWN':
      handleShutdown(ctx, framework, call.shutdown);
      return;
    case 'ACKNOWLEDGE':
      handleAcknowledge(ctx, framework, call.acknowledge);
      return;
    case 'RECONCILE':
      reconcile(ctx, framework, call.reconcile.tasks ?? []);
      return;
    case 'MESSAGE':
      handleMessage(ctx, framework, call.message);
      return;
    case 'UPDATE_FRAMEWORK':
      handleUpdateFramework(ctx, framework, call);
      return;
    case 'REQUEST':
      // Mesos forwards it to the allocator, whose hierarchical implementation only logs it
      // (mesos.md §1.2); the HTTP endpoint answers it 202 like any other call.
      ctx.counters.resourceRequests++;
      ctx.trace('request', { framework: framework.id });
      return;
    case 'ACKNOWLEDGE_OPERATION_STATUS':
      handleAcknowledgeOperationStatus(ctx, framework, call.acknowledge_operation_status);
      return;
    case 'RECONCILE_OPERATIONS':
      handleReconcileOperations(ctx, framework, call.reconcile_operations);
      return;
    case 'ACCEPT_INVERSE_OFFERS':
    case 'DECLINE_INVERSE_OFFERS':
      ctx.trace('call-dropped', { framework: framework.id, type: call.type, why: 'not supported by Agora' });
      return;
    default:
      assertNever(call, 'scheduler call type');
  }
}
