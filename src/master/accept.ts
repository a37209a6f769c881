/**
 * ACCEPT (src/master/master.cpp `accept`/`_accept`, src/master/validation.cpp `offer::validate`;
 * mesos.md §2.5). The offers must be given, distinct, outstanding, the framework's own,
 * allocated to one role and on one agent. If they are not, the framework's named offers are
 * discarded (resources back without a filter) and every task to launch gets TASK_LOST, or
 * TASK_DROPPED for a PARTITION_AWARE framework, with REASON_INVALID_OFFERS. Otherwise the offers
 * are used up, each task is validated against what is left of them (an invalid one gets
 * TASK_ERROR with REASON_TASK_INVALID), valid tasks are recorded as TASK_STAGING and sent to the
 * agent in RUN_TASK, and whatever is left is declined with the call's filter (5 s by default).
 *
 * Operations are applied in order, each to what the ones before left and converted, as Mesos
 * applies them: LAUNCH and LAUNCH_GROUP here, RESERVE, UNRESERVE, CREATE and DESTROY in
 * reservations.ts. Those wait for the registry to hold their result before the master acts on
 * them, so the operations after one run once that write is durable (at once without a store).
 */

import { assertNever } from '../core/assert-never.js';
import type { OfferID } from '../core/messages/ids.js';
import type { OfferOperation } from '../core/messages/offer.js';
import type { CallAccept } from '../core/messages/scheduler-call.js';
import type { TaskInfo } from '../core/messages/task-info.js';
import { Resources } from '../core/resources.js';
import type { AgentRecord } from './agent-registry.js';
import type { MasterContext } from './context.js';
import { type FrameworkRecord, isPartitionAware } from './framework-registry.js';
import { launchGroup, launchTask } from './launch.js';
import type { OfferRecord } from './offer-book.js';
import { refuseSecondsOf } from './offer-calls.js';
import { discardOffer, takeOffer } from './offer-lifecycle.js';
import { sendOperationError } from './operation-statuses.js';
import { applyOfferOperation, isReservationOperation, type ReservationOperation } from './reservations.js';
import { sendUntrackedStatus } from './task-lifecycle.js';

/** Handles ACCEPT from a connected framework. */
export function handleAccept(ctx: MasterContext, framework: FrameworkRecord, accept: CallAccept): void {
  const offerIds = accept.offer_ids ?? [];
  const operations = accept.operations ?? [];
  const offers = offerIds.length === 0 ? 'No offers specified' : usableOffers(ctx, framework, offerIds);
  if (typeof offers === 'string') {
    rejectAccept(ctx, framework, offerIds, operations, offers);
    return;
  }
  const first = offers[0] as OfferRecord;
  const agent = ctx.agents.get(first.agentId) as AgentRecord;
  let remaining = Resources.EMPTY;
  for (const offer of offers) {
    remaining = remaining.add(takeOffer(ctx, offer));
    if (ctx.tracing)
      ctx.trace('offer-accepted', { offer: offer.id, framework: framework.id, agent: agent.id });
  }
  ctx.counters.accepted(offers.length);
  const run: AcceptRun = { framework, agent, role: first.role, operations, filters: accept.filters };
  runOperations(ctx, run, 0, remaining);
}

/** What the operations of one ACCEPT share. */
interface AcceptRun {
  readonly framework: FrameworkRecord;
  readonly agent: AgentRecord;
  readonly role: string;
  readonly operations: readonly OfferOperation[];
  readonly filters: CallAccept['filters'];
}

/**
 * Applies the operations from index `from` on, then declines what is left. A reservation
 * operation continues the run once the registry holds its result; by then the framework may
 * have been removed or the agent lost (their resources went back with them), and the rest is
 * dropped, traced.
 */
function runOperations(ctx: MasterContext, run: AcceptRun, from: number, resources: Resources): void {
  const { framework, agent, role, operations } = run;
  if (from > 0 && (ctx.frameworks.get(framework.id) !== framework || ctx.agents.get(agent.id) !== agent)) {
    for (const operation of operations.slice(from)) {
      ctx.trace('operation-dropped', {
        framework: framework.id,
        type: operation.type,
        why: 'framework or agent removed while an earlier operation was being recorded',
      });
    }
    return;
  }
  let remaining = resources;
  for (let i = from; i < operations.length; i++) {
    const operation = operations[i] as OfferOperation;
    if (isReservationOperation(operation)) {
      applyOfferOperation(ctx, framework, agent, role, operation, remaining, (left) =>
        runOperations(ctx, run, i + 1, left),
      );
      return;
    }
    remaining = applyLaunchOperation(ctx, framework, agent, role, operation, remaining);
  }
  if (!remaining.isEmpty()) {
    // Unused resources count as declined, with the call's filter (Mesos `_accept`).
    ctx.allocator.recoverResources({
      frameworkId: framework.id,
      agentId: agent.id,
      role,
      resources: remaining,
      refuseSeconds: refuseSecondsOf(run.filters),
    });
  }
}

function applyLaunchOperation(
  ctx: MasterContext,
  framework: FrameworkRecord,
  agent: AgentRecord,
  role: string,
  operation: Exclude<OfferOperation, ReservationOperation>,
  remaining: Resources,
): Resources {
  switch (operation.type) {
    case 'LAUNCH': {
      let left = remaining;
      for (const task of operation.launch.task_infos ?? []) {
        left = launchTask(ctx, framework, agent, role, task, left, operation.id !== undefined);
      }
      return left;
    }
    case 'LAUNCH_GROUP':
      return launchGroup(ctx, framework, agent, role, operation, remaining);
    default:
      return assertNever(operation, 'offer operation type');
  }
}

/**
 * Mesos `offer::validate`, in its order: the offers' records when they are usable together,
 * else the problem. Each offer is looked up once (the offer book builds a record per look-up).
 */
export function usableOffers(
  ctx: MasterContext,
  framework: FrameworkRecord,
  offerIds: readonly OfferID[],
): OfferRecord[] | string {
  if (offerIds.length > 1) {
    const seen = new Set<string>();
    for (const { value } of offerIds) {
      if (seen.has(value)) return `Duplicate offer ${value} in offer list`;
      seen.add(value);
    }
  }
  const offers: OfferRecord[] = [];
  for (const { value } of offerIds) {
    const offer = ctx.offers.get(value);
    if (offer === undefined) return `Offer ${value} is no longer valid`;
    offers.push(offer);
  }
  for (const offer of offers) {
    if (offer.frameworkId !== framework.id) {
      return `Offer ${offer.id} has invalid framework ${offer.frameworkId} while framework ${framework.id} is expected`;
    }
  }
  const first = offers[0] as OfferRecord;
  for (const offer of offers) {
    if (offer.role !== first.role) {
      return (
        `Aggregated offers must be allocated to the same role. Offer ${offer.id} uses role ` +
        `${offer.role} and offer ${first.id} uses role ${first.role}`
      );
    }
  }
  for (const offer of offers) {
    if (offer.agentId !== first.agentId) {
      return (
        `Aggregated offers must belong to one single agent. Offer ${offer.id} uses agent ` +
        `${offer.agentId} and agent ${first.agentId}`
      );
    }
  }
  return offers;
}

/**
 * An ACCEPT with invalid offers: the framework's named offers are discarded and its launches are
 * lost (dropped, for PARTITION_AWARE frameworks). Mesos discards any named offer, another
 * framework's included; Agora leaves other frameworks' offers alone.
 */
function rejectAccept(
  ctx: MasterContext,
  framework: FrameworkRecord,
  offerIds: readonly OfferID[],
  operations: readonly OfferOperation[],
  error: string,
): void {
  for (const { value } of offerIds) {
    const offer = ctx.offers.get(value);
    if (offer !== undefined && offer.frameworkId === framework.id) discardOffer(ctx, offer);
  }
  ctx.trace('accept-invalid', { framework: framework.id, error });
  const state = isPartitionAware(framework) ? 'TASK_DROPPED' : 'TASK_LOST';
  for (const operation of operations) {
    const tasks = launchedTasks(operation);
    if (tasks === undefined) {
      ctx.trace('operation-dropped', { framework: framework.id, type: operation.type, why: error });
      sendOperationError(ctx, framework, operation.id, `Operation attempted with invalid offers: ${error}`);
      continue;
    }
    for (const task of tasks) {
      sendUntrackedStatus(ctx, framework, {
        taskId: task.task_id.value,
        state,
        reason: 'REASON_INVALID_OFFERS',
        message: `Task launched with invalid offers: ${error}`,
        nowMs: ctx.now(),
        agentId: task.agent_id.value,
      });
    }
  }
}

/** The tasks a LAUNCH or LAUNCH_GROUP operation launches (undefined for other operations). */
function launchedTasks(operation: OfferOperation): readonly TaskInfo[] | undefined {
  if (operation.type === 'LAUNCH') return operation.launch.task_infos ?? [];
  if (operation.type === 'LAUNCH_GROUP') return operation.launch_group.task_group.tasks ?? [];
  return undefined;
}
