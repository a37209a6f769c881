/**
 * The operator calls that change the master (Mesos v1 operator API, docs/operator-http-api.md):
 * UPDATE_WEIGHTS, UPDATE_QUOTA, MARK_AGENT_GONE, and RESERVE_RESOURCES/UNRESERVE_RESOURCES
 * (reservations.ts). As in Mesos's master
 * (weights_handler.cpp, quota_handler.cpp, http.cpp `_markAgentGone`, master.cpp `markGone`),
 * each change is written to the registry first and takes effect, and is answered, only once that
 * write is durable: an operator told "done" never sees a restarted master deny it.
 *
 * - UPDATE_WEIGHTS sets the roles named (others keep theirs) and hands them to the allocator.
 * - UPDATE_QUOTA sets each named role's limits, all or nothing; empty limits reset the role.
 * - MARK_AGENT_GONE (idempotent) shuts a registered agent down ("Agent has been marked gone"),
 *   its tasks become TASK_GONE_BY_OPERATOR (REASON_AGENT_REMOVED_BY_OPERATOR) for PARTITION_AWARE
 *   frameworks and TASK_LOST (REASON_AGENT_REMOVED) for the others; an unknown agent is 404, one
 *   already being removed is 503 (Mesos's retryable answer).
 *
 * The live endpoint validates what does not depend on the master's state (roles, weights > 0,
 * scalar names) before the call travels; this file decides the rest.
 */

import { assertNever } from '../core/assert-never.js';
import type { AgentID } from '../core/messages/ids.js';
import type {
  OperatorAnswer,
  OperatorChange,
  QuotaConfig,
  WeightInfo,
} from '../core/messages/operator-call.js';
import type { Address } from '../core/process.js';
import { endUnreachableTasksOfGoneAgent, removeGoneAgent } from './agent-removal.js';
import type { MasterContext } from './context.js';
import { operatorReservation } from './reservations.js';

/** Handles one operator change from `from`, answering it on the `operator-answer` channel. */
export function handleOperatorCall(
  ctx: MasterContext,
  from: Address,
  id: string,
  call: OperatorChange,
): void {
  const answer = (a: OperatorAnswer) => ctx.env.send(from, { channel: 'operator-answer', id, answer: a });
  switch (call.type) {
    case 'UPDATE_WEIGHTS':
      updateWeights(ctx, call.weightInfos, answer);
      return;
    case 'UPDATE_QUOTA':
      updateQuota(ctx, call.quotaConfigs, answer);
      return;
    case 'MARK_AGENT_GONE':
      markAgentGone(ctx, call.agentId, answer);
      return;
    case 'RESERVE_RESOURCES':
    case 'UNRESERVE_RESOURCES':
      // reservations.ts: offers holding the resources are rescinded, the registry written, the
      // agent told to checkpoint; Mesos answers 202 Accepted once that is done.
      operatorReservation(
        ctx,
        call.type === 'RESERVE_RESOURCES' ? 'RESERVE' : 'UNRESERVE',
        call.agentId.value,
        call.resources,
        (problem, status) =>
          answer(
            problem === undefined
              ? { status: 202, message: '' }
              : { status: status ?? 400, message: problem },
          ),
      );
      return;
    default:
      assertNever(call, 'operator call');
  }
}

const OK: OperatorAnswer = { status: 200, message: '' };

function updateWeights(
  ctx: MasterContext,
  infos: readonly WeightInfo[],
  answer: (a: OperatorAnswer) => void,
): void {
  const weights = new Map(Object.entries(ctx.registrar.document().weights));
  for (const { role, weight } of infos) weights.set(role, weight);
  ctx.registrar.apply({ kind: 'set-weights', weights }, () => {
    // Mesos updates the allocator after the registry write (weights_handler.cpp `__updateWeights`).
    for (const { role, weight } of infos) ctx.allocator.updateWeight(role, weight);
    ctx.allocation.trigger();
    ctx.trace('weights-updated', { roles: infos.map((w) => w.role) });
    answer(OK);
  });
}

function updateQuota(
  ctx: MasterContext,
  configs: readonly QuotaConfig[],
  answer: (a: OperatorAnswer) => void,
): void {
  const quotas = new Map(Object.entries(ctx.registrar.document().quotas));
  for (const { role, limits } of configs) {
    // An empty config resets the role to no quota (docs/operator-http-api.md UPDATE_QUOTA).
    if (Object.keys(limits).length === 0) quotas.delete(role);
    else quotas.set(role, limits);
  }
  ctx.registrar.apply({ kind: 'set-quotas', quotas }, () => {
    for (const { role, limits } of configs) {
      const milli = new Map(Object.entries(limits).map(([name, v]) => [name, Math.round(v * 1000)]));
      ctx.allocator.updateQuota(role, milli.size === 0 ? undefined : milli);
    }
    ctx.allocation.trigger();
    ctx.trace('quota-updated', { roles: configs.map((c) => c.role) });
    answer(OK);
  });
}

function markAgentGone(ctx: MasterContext, agentId: AgentID, answer: (a: OperatorAnswer) => void): void {
  const id = agentId.value;
  if (ctx.agentsMarkedGone.has(id)) {
    answer(OK); // idempotent, as Mesos
    return;
  }
  if (ctx.agentsMarkingGone.has(id)) {
    answer({ status: 503, message: `Agent '${id}' is already being transitioned to gone` });
    return;
  }
  const agent = ctx.agents.get(id);
  if (agent?.markingUnreachable === true) {
    answer({ status: 503, message: `Agent '${id}' is being transitioned to unreachable` });
    return;
  }
  const unreachable = ctx.agents.unreachable.has(id);
  if (agent === undefined && !ctx.recoveredAgents.has(id) && !unreachable) {
    answer({ status: 404, message: `Agent '${id}' not found` });
    return;
  }
  ctx.agentsMarkingGone.add(id);
  ctx.registrar.apply({ kind: 'mark-agent-gone', id }, () => {
    ctx.agentsMarkingGone.delete(id);
    ctx.agentsMarkedGone.add(id);
    ctx.recoveredAgents.delete(id);
    const registered = ctx.agents.get(id);
    if (registered !== undefined) removeGoneAgent(ctx, registered);
    else if (unreachable) {
      ctx.agents.unreachable.delete(id);
      ctx.agents.removed.set(id, true);
      endUnreachableTasksOfGoneAgent(ctx, id);
    }
    ctx.trace('agent-marked-gone', { agent: id });
    answer(OK);
  });
}
