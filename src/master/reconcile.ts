/**
 * RECONCILE (src/master/master.cpp `Master::reconcile`; mesos.md §5.4). Answers are UPDATE events
 * with SOURCE_MASTER, REASON_RECONCILIATION and no uuid.
 * - Implicit (no tasks named): the latest state of every task the framework has (its
 *   `status_update_state` when an update was forwarded, else its state).
 * - Explicit, for each task named:
 *   1. known: its latest state, as above;
 *   2. unknown, agent still recovering after a master failover (in the registry, not yet
 *      reregistered; recovery.ts): no answer, the agent's reregistration will tell;
 *   3. unknown, agent registered: TASK_GONE;
 *   4. unknown, agent unreachable: TASK_UNREACHABLE with `unreachable_time`;
 *   5. unknown, agent gone (marked by an operator): TASK_GONE_BY_OPERATOR; Agora has no operator
 *      API yet, so no agent is ever gone;
 *   6. unknown, agent unknown or not named: TASK_UNKNOWN.
 *   Cases 3 to 6 answer TASK_LOST to frameworks that are not PARTITION_AWARE.
 */
import type { ReconcileTask } from '../core/messages/scheduler-call.js';
import type { TaskState } from '../core/messages/task-state.js';
import type { MasterContext } from './context.js';
import { masterStatus, updateEvent } from './events.js';
import { type FrameworkRecord, isPartitionAware } from './framework-registry.js';
import type { TaskRecord } from './task-book.js';

/** Handles RECONCILE (and a KILL of an unknown task, which Mesos turns into one). */
export function reconcile(
  ctx: MasterContext,
  framework: FrameworkRecord,
  tasks: readonly ReconcileTask[],
): void {
  if (tasks.length === 0) {
    for (const task of ctx.tasks.ofFramework(framework.id)) sendKnown(ctx, framework, task);
    ctx.trace('reconcile', { framework: framework.id, implicit: true });
    return;
  }
  for (const t of tasks) {
    const known = ctx.tasks.get(framework.id, t.task_id.value);
    if (known !== undefined) sendKnown(ctx, framework, known);
    else sendUnknown(ctx, framework, t.task_id.value, t.agent_id?.value);
  }
  ctx.trace('reconcile', { framework: framework.id, tasks: tasks.length });
}

function sendKnown(ctx: MasterContext, framework: FrameworkRecord, task: TaskRecord): void {
  const status = masterStatus({
    taskId: task.taskId,
    state: task.statusUpdateState ?? task.state,
    reason: 'REASON_RECONCILIATION',
    message: 'Reconciliation: Latest task state',
    nowMs: ctx.now(),
    agentId: task.agentId,
    executorId: task.executorId,
  });
  ctx.sendEvent(framework, updateEvent(status));
}

function sendUnknown(
  ctx: MasterContext,
  framework: FrameworkRecord,
  taskId: string,
  agentId: string | undefined,
): void {
  const aware = isPartitionAware(framework);
  const lostUnlessAware = (state: TaskState): TaskState => (aware ? state : 'TASK_LOST');
  const unreachableSince = agentId === undefined ? undefined : ctx.agents.unreachable.get(agentId);
  let state: TaskState;
  let message: string;
  if (agentId !== undefined && ctx.recoveredAgents.has(agentId)) {
    ctx.trace('reconcile-deferred', { framework: framework.id, task: taskId, agent: agentId });
    return;
  }
  if (agentId !== undefined && ctx.agents.get(agentId) !== undefined) {
    state = lostUnlessAware('TASK_GONE');
    message = 'Reconciliation: Task is unknown to the agent';
  } else if (unreachableSince !== undefined) {
    state = lostUnlessAware('TASK_UNREACHABLE');
    message = 'Reconciliation: Task is unreachable';
  } else {
    state = lostUnlessAware('TASK_UNKNOWN');
    message = 'Reconciliation: Task is unknown';
  }
  const status = masterStatus({
    taskId,
    state,
    reason: 'REASON_RECONCILIATION',
    message,
    nowMs: ctx.now(),
    agentId,
    unreachableTimeMs: unreachableSince,
  });
  ctx.sendEvent(framework, updateEvent(status));
}
