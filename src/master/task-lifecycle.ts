/**
 * A task's life at the master (src/master/master.cpp `addTask`, `updateTask`, `removeTask`,
 * `forward`): its state follows the updates it receives, and its resources go back to the
 * allocator on its first transition into a terminal state or TASK_UNREACHABLE, using the
 * agent's `latest_state` when the update is an older queued one (mesos.md §5.1).
 */
import { isTerminalState, type TaskState } from '../core/messages/task-state.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import { taskKey } from './agent-registry.js';
import type { MasterContext } from './context.js';
import { type MasterStatusSpec, masterStatus, updateEvent } from './events.js';
import type { FrameworkRecord } from './framework-registry.js';
import type { TaskRecord } from './task-book.js';

/** Terminal, or unreachable: the states in which a task no longer holds resources. */
export function isTerminalOrUnreachable(state: TaskState): boolean {
  return isTerminalState(state) || state === 'TASK_UNREACHABLE';
}

/**
 * Applies a status to a task (Mesos `Master::updateTask`). A terminal task's state never changes
 * again; its resources are recovered, without a filter, on the first terminal-or-unreachable
 * transition.
 */
export function updateTask(
  ctx: MasterContext,
  task: TaskRecord,
  status: TaskStatus,
  latest?: TaskState,
): void {
  const state = latest ?? status.state;
  const transitioned = !isTerminalOrUnreachable(task.state) && isTerminalOrUnreachable(state);
  if (!isTerminalState(task.state) && task.state !== state) {
    task.state = state;
    ctx.counters.transition(state);
    if (ctx.tracing)
      ctx.trace('task', {
        framework: task.frameworkId,
        task: task.taskId,
        agent: task.agentId,
        state,
        ...(status.reason === undefined ? {} : { reason: status.reason }),
      });
  }
  recordStatus(ctx, task, status);
  if (transitioned) {
    ctx.allocator.recoverResources({
      frameworkId: task.frameworkId,
      agentId: task.agentId,
      role: task.role,
      resources: task.resources,
    });
  }
}

/** Keeps one status per state change, newest last, without its data (MESOS-1746). */
function recordStatus(ctx: MasterContext, task: TaskRecord, status: TaskStatus): void {
  // Statuses are immutable: one without data is kept as it is, not copied.
  const kept = 'data' in status ? withoutData(status) : status;
  const last = task.statuses[task.statuses.length - 1];
  if (last !== undefined && last.state === status.state) task.statuses.pop();
  task.statuses.push(kept);
  const excess = task.statuses.length - ctx.options.limits.maxStatusesPerTask;
  if (excess > 0) task.statuses.splice(0, excess);
}

function withoutData(status: TaskStatus): TaskStatus {
  const { data: _data, ...kept } = status;
  return kept;
}

/**
 * Removes a task from the live indexes (Mesos `Master::removeTask`): to the completed list, or
 * with `unreachable` to its framework's unreachable tasks. A task still holding resources gives
 * them back first.
 */
export function removeTask(ctx: MasterContext, task: TaskRecord, unreachable = false): void {
  if (!isTerminalOrUnreachable(task.state)) {
    ctx.allocator.recoverResources({
      frameworkId: task.frameworkId,
      agentId: task.agentId,
      role: task.role,
      resources: task.resources,
    });
  }
  ctx.tasks.remove(task, unreachable);
  const killed = ctx.agents.get(task.agentId)?.killedTasks;
  if (killed !== undefined && killed.size > 0) killed.delete(taskKey(task.frameworkId, task.taskId));
}

/**
 * Sends a status to its framework (Mesos `Master::forward`), recording the state and uuid of
 * agent updates on the task so that reconciliation reports them and the acknowledgement can be
 * matched. Returns whether it was sent (not when the framework is disconnected). `task` is the
 * framework's live task of that id, when the caller has looked it up already.
 */
export function forwardStatus(
  ctx: MasterContext,
  framework: FrameworkRecord,
  status: TaskStatus,
  task: TaskRecord | undefined = ctx.tasks.get(framework.id, status.task_id.value),
): boolean {
  if (!framework.connected) return false;
  if (task !== undefined && status.uuid !== undefined) {
    task.statusUpdateState = status.state;
    task.statusUpdateUuid = status.uuid;
  }
  return ctx.sendEvent(framework, updateEvent(status));
}

/**
 * Sends a master-generated status for a task the master does not track (an invalid launch, a
 * reconciliation answer about an unknown task), counting and tracing its state.
 */
export function sendUntrackedStatus(
  ctx: MasterContext,
  framework: FrameworkRecord,
  spec: MasterStatusSpec,
): void {
  ctx.counters.transition(spec.state);
  ctx.trace('task', { framework: framework.id, task: spec.taskId, state: spec.state, reason: spec.reason });
  forwardStatus(ctx, framework, masterStatus(spec));
}

/**
 * Moves a tracked task to a master-decided state (agent lost or disconnected, framework removed):
 * the status is applied, the task removed, and the status sent when `notify` and connected.
 */
export function endTask(
  ctx: MasterContext,
  task: TaskRecord,
  spec: Omit<MasterStatusSpec, 'taskId' | 'nowMs' | 'agentId' | 'executorId'>,
  options: { readonly unreachable?: boolean; readonly notify: boolean },
): void {
  const status = masterStatus({
    ...spec,
    taskId: task.taskId,
    nowMs: ctx.now(),
    agentId: task.agentId,
    executorId: task.executorId,
  });
  updateTask(ctx, task, status);
  removeTask(ctx, task, options.unreachable ?? false);
  const framework = ctx.frameworks.get(task.frameworkId);
  if (options.notify && framework !== undefined) forwardStatus(ctx, framework, status);
}
