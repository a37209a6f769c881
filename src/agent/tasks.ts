/**
 * What the master asks of the agent about tasks and frameworks (Mesos src/slave/slave.cpp
 * `runTask`, `run`, `runTaskGroup`, `killTask`, `shutdownFramework`, `shutdownExecutor`,
 * `updateFramework`, `shutdown`):
 * - RUN_TASK: a task meant for another AgentID, or without a framework id, is ignored; one whose
 *   framework is being shut down is dropped; a command task goes to the built-in command
 *   executor, any other to its custom executor. Executor ids must not clash: a command task
 *   whose id names a running executor, or a task for an executor id that is a command task's,
 *   is answered TASK_LOST (TASK_DROPPED) — Mesos would mix them up. A RUN_TASK for a task the agent already holds is
 *   a duplicate (the simulated network may duplicate messages) and is ignored.
 * - RUN_TASK_GROUP: a group for the DEFAULT executor runs on the agent's default executor
 *   (default-executor.ts); a group for a CUSTOM executor is not supported: every task of it is
 *   answered TASK_FAILED, and an executor the master counted as new is reported exited so that
 *   the master frees its resources.
 * - KILL_TASK: ignored for unknown or terminating frameworks; a task with no executor is
 *   answered TASK_LOST (TASK_DROPPED if partition-aware), "Cannot find executor"; otherwise the
 *   task's executor kills it.
 * - SHUTDOWN_FRAMEWORK / SHUTDOWN_EXECUTOR: ignored until registered, as in Mesos; see
 *   executor-lifecycle.ts.
 * - SHUTDOWN_AGENT: the agent stops registering and shuts every framework down.
 */
import type { AgentMessage } from '../core/messages/agent-protocol.js';
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { FrameworkID } from '../core/messages/ids.js';
import type { ExecutorInfo, TaskInfo } from '../core/messages/task-info.js';
import type { FrameworkRecord } from './book.js';
import { killCommandTask, launchCommandTask } from './command-executor.js';
import type { AgentContext } from './context.js';
import { killGroupTask, launchTaskGroup } from './default-executor.js';
import { removeFrameworkIfIdle, shutdownExecutor, shutdownFramework } from './executor-lifecycle.js';
import { killCustomTask, runCustomTask } from './executor-link.js';
import { stopRegistration } from './registration.js';
import { droppedOrLost, sendUnheldUpdate, sendUpdate } from './status-updates.js';

type RunTask = Extract<AgentMessage, { type: 'RUN_TASK' }>;
type RunTaskGroup = Extract<AgentMessage, { type: 'RUN_TASK_GROUP' }>;
type KillTask = Extract<AgentMessage, { type: 'KILL_TASK' }>;

/** RUN_TASK. */
export function handleRunTask(ctx: AgentContext, msg: RunTask): void {
  const task = msg.task;
  const taskId = task.task_id.value;
  const frameworkId = msg.framework.id;
  if (frameworkId === undefined) {
    traceRunTaskIgnored(ctx, msg, 'no framework id');
    return;
  }
  if (ctx.link.agentId === undefined || task.agent_id.value !== ctx.link.agentId.value) {
    traceRunTaskIgnored(ctx, msg, `meant for agent ${task.agent_id.value}`);
    return;
  }
  if (ctx.link.phase === 'terminating') {
    traceRunTaskIgnored(ctx, msg, 'agent terminating');
    return;
  }
  if (ctx.book.executorOfTask(frameworkId.value, taskId) !== undefined) {
    traceRunTaskIgnored(ctx, msg, 'duplicate task');
    return;
  }
  const fw = frameworkOf(ctx, msg.framework, frameworkId);
  if (fw.terminating) {
    // Mesos sends nothing: a terminating framework cannot acknowledge.
    traceRunTaskIgnored(ctx, msg, 'framework terminating');
    removeFrameworkIfIdle(ctx, fw);
    return;
  }
  if (ctx.book.taskCount >= ctx.options.limits.maxTasks) {
    ctx.trace('task-refused', { framework: fw.id, task: taskId, why: 'task limit' });
    sendUnheldUpdate(ctx, {
      frameworkId,
      taskId: task.task_id,
      state: droppedOrLost(fw.info),
      source: 'SOURCE_AGENT',
      message: `The agent holds ${ctx.options.limits.maxTasks} tasks, its limit`,
    });
    removeFrameworkIfIdle(ctx, fw);
    return;
  }
  if (task.executor === undefined && fw.executors.has(taskId)) {
    // A command executor's id is its task's id; Mesos would hand the task to that executor.
    ctx.trace('task-refused', { framework: fw.id, task: taskId, why: 'executor id in use' });
    sendUnheldUpdate(ctx, {
      frameworkId,
      taskId: task.task_id,
      state: droppedOrLost(fw.info),
      source: 'SOURCE_AGENT',
      reason: 'REASON_EXECUTOR_TERMINATED',
      message: "An executor with this task's id is running",
    });
    return;
  }
  if (task.executor !== undefined) {
    runCustomTask(ctx, fw, task as TaskInfo & { readonly executor: ExecutorInfo }, msg.launch_executor);
  } else {
    launchCommandTask(ctx, fw, task);
  }
}

/**
 * The agent's record of the framework a RUN_TASK or RUN_TASK_GROUP is for, made from the
 * message's FrameworkInfo (recorded as it is, with its id) if the agent has none yet.
 */
function frameworkOf(ctx: AgentContext, info: FrameworkInfo, frameworkId: FrameworkID): FrameworkRecord {
  return (
    ctx.book.frameworks.get(frameworkId.value) ??
    ctx.book.framework(hasId(info) ? info : { ...info, id: frameworkId })
  );
}

function hasId(info: FrameworkInfo): info is FrameworkInfo & { readonly id: FrameworkID } {
  return info.id !== undefined;
}

/** Traces a RUN_TASK that {@link handleRunTask} ignores, and why. */
function traceRunTaskIgnored(ctx: AgentContext, msg: RunTask, why: string): void {
  ctx.trace('run-task-ignored', { framework: msg.framework.id?.value, task: msg.task.task_id.value, why });
}

/** RUN_TASK_GROUP (Mesos `runTaskGroup`, then `run` with the group). */
export function handleRunTaskGroup(ctx: AgentContext, msg: RunTaskGroup): void {
  const frameworkId: FrameworkID | undefined = msg.framework.id;
  const tasks = msg.task_group.tasks ?? [];
  const agentId = ctx.link.agentId?.value;
  const foreign = tasks.find((t) => t.agent_id.value !== agentId);
  const why =
    frameworkId === undefined
      ? 'no framework id'
      : agentId === undefined || foreign !== undefined
        ? `meant for agent ${foreign?.agent_id.value}`
        : ctx.link.phase === 'terminating'
          ? 'agent terminating'
          : tasks.some((t) => ctx.book.executorOfTask(frameworkId.value, t.task_id.value) !== undefined)
            ? 'duplicate task'
            : undefined;
  const ignore = (why: string): void => {
    ctx.trace('run-task-group-ignored', {
      framework: frameworkId?.value,
      tasks: tasks.map((t) => t.task_id.value),
      why,
    });
  };
  if (why !== undefined || frameworkId === undefined || agentId === undefined) {
    ignore(why ?? 'not registered');
    return;
  }
  const fw = frameworkOf(ctx, msg.framework, frameworkId);
  if (fw.terminating) {
    ignore('framework terminating');
    removeFrameworkIfIdle(ctx, fw);
    return;
  }
  if (msg.executor.type !== 'CUSTOM') {
    launchTaskGroup(ctx, fw, msg.executor, tasks);
    return;
  }
  for (const task of tasks) {
    ctx.trace('task-refused', {
      framework: frameworkId.value,
      task: task.task_id.value,
      why: 'custom executor group',
    });
    sendUnheldUpdate(ctx, {
      frameworkId,
      taskId: task.task_id,
      state: 'TASK_FAILED',
      source: 'SOURCE_AGENT',
      reason: 'REASON_TASK_GROUP_INVALID',
      message: "Agora's agent runs task groups only on the default executor",
      executorId: msg.executor.executor_id,
    });
  }
  // The master counted a new executor's resources as used: tell it the executor is gone.
  if (msg.launch_executor === true && !fw.executors.has(msg.executor.executor_id.value)) {
    ctx.sendMaster({
      type: 'EXITED_EXECUTOR',
      agent_id: ctx.link.agentId ?? { value: agentId },
      framework_id: frameworkId,
      executor_id: msg.executor.executor_id,
      status: -1,
    });
  }
  removeFrameworkIfIdle(ctx, fw);
}

/** KILL_TASK (Mesos `killTask`). */
export function handleKillTask(ctx: AgentContext, msg: KillTask): void {
  const frameworkId = msg.framework_id.value;
  const taskId = msg.task_id.value;
  const fw = ctx.book.frameworks.get(frameworkId);
  const ignore = (why: string) => ctx.trace('kill-ignored', { framework: frameworkId, task: taskId, why });
  if (ctx.link.phase === 'terminating') {
    ignore('agent terminating');
    return;
  }
  if (fw === undefined) {
    ignore('unknown framework');
    return;
  }
  if (fw.terminating) {
    ignore('framework terminating');
    return;
  }
  const executor = ctx.book.executorOfTask(frameworkId, taskId);
  ctx.trace('kill', { framework: frameworkId, task: taskId });
  if (executor === undefined) {
    // "This task might have never been launched on this agent" (Mesos).
    sendUpdate(ctx, {
      frameworkId: fw.frameworkId,
      taskId: msg.task_id,
      state: droppedOrLost(fw.info),
      source: 'SOURCE_AGENT',
      reason: 'REASON_EXECUTOR_TERMINATED',
      message: 'Cannot find executor',
    });
    return;
  }
  if (executor.kind === 'default') {
    killGroupTask(ctx, fw, executor, taskId, msg.kill_policy);
    return;
  }
  if (executor.kind === 'command') {
    if (executor.phase !== 'running') {
      ignore(`executor ${executor.phase}`);
      return;
    }
    killCommandTask(ctx, fw, executor, msg.kill_policy);
  } else {
    killCustomTask(ctx, fw, executor, msg.task_id, msg.kill_policy);
  }
}

/** SHUTDOWN_FRAMEWORK. */
export function handleShutdownFramework(ctx: AgentContext, frameworkId: string): void {
  const fw = ctx.book.frameworks.get(frameworkId);
  if (ctx.link.phase !== 'registered' || fw === undefined) {
    ctx.trace('framework-shutdown-ignored', {
      framework: frameworkId,
      why: fw === undefined ? 'unknown framework' : 'not registered',
    });
    return;
  }
  shutdownFramework(ctx, fw);
}

/** SHUTDOWN_EXECUTOR. */
export function handleShutdownExecutor(ctx: AgentContext, frameworkId: string, executorId: string): void {
  const fw = ctx.book.frameworks.get(frameworkId);
  const executor = fw?.executors.get(executorId);
  const why =
    ctx.link.phase !== 'registered'
      ? 'not registered'
      : fw === undefined
        ? 'unknown framework'
        : fw.terminating
          ? 'framework terminating'
          : executor === undefined
            ? 'unknown executor'
            : executor.phase === 'terminating' || executor.phase === 'terminated'
              ? `executor ${executor.phase}`
              : undefined;
  if (why !== undefined || fw === undefined || executor === undefined) {
    ctx.trace('executor-shutdown-ignored', { framework: frameworkId, executor: executorId, why });
    return;
  }
  shutdownExecutor(ctx, fw, executor);
}

type UpdateFramework = Extract<AgentMessage, { type: 'UPDATE_FRAMEWORK' }>;

/**
 * UPDATE_FRAMEWORK (Mesos `updateFramework`): the new FrameworkInfo replaces the old, and every
 * pending status update is sent again at once — the framework may just have failed over.
 */
export function handleUpdateFramework(ctx: AgentContext, msg: UpdateFramework): void {
  const fw = ctx.book.frameworks.get(msg.framework_id.value);
  if (ctx.link.phase !== 'registered' || fw === undefined || fw.terminating) {
    ctx.trace('framework-update-ignored', { framework: msg.framework_id.value });
    return;
  }
  if (msg.framework_info !== undefined) fw.info = { ...msg.framework_info, id: fw.frameworkId };
  ctx.updates.resume();
}

/** SHUTDOWN_AGENT (Mesos `shutdown`): stop registering, shut every framework down. */
export function handleShutdownAgent(ctx: AgentContext, message: string | undefined): void {
  ctx.trace('shutdown', { why: message ?? '' });
  stopRegistration(ctx);
  for (const fw of [...ctx.book.frameworks.values()]) shutdownFramework(ctx, fw);
}
