/**
 * The default executor, which runs task groups (LAUNCH_GROUP), modelled inside the agent as the
 * command executor is (Mesos runs it as the `mesos-default-executor` process, which launches
 * each task as a nested container through the agent's API; src/launcher/default_executor.cpp).
 * What a scheduler can observe is kept:
 * - every task of a group gets TASK_STARTING, then its command is started through the
 *   {@link CommandRunner}, and once the whole group is started every task gets TASK_RUNNING
 *   (a task whose command cannot start gets TASK_FAILED instead); updates come from
 *   SOURCE_EXECUTOR and carry the group's executor id;
 * - a task ends TASK_FINISHED (exit 0), TASK_KILLED (killed) or TASK_FAILED, with the message
 *   "Command exited with status 3" as Mesos's `WSTRINGIFY` words it;
 * - a task that ends TASK_FAILED or TASK_KILLED kills the rest of its group (Mesos's default
 *   restart policy for task groups), and those get TASK_KILLED;
 * - when no task command is left running the executor exits (status 0), which the master hears
 *   as EXITED_EXECUTOR and frees the executor's resources;
 * - more groups may be sent to the same executor while it runs.
 * Differences from Mesos, from folding it in: no nested containers (every task runs in the
 * executor's sandbox), no executor start-up time, no health or completion-time checks, and a
 * restarted agent does not reattach to a group's commands (their tasks end TASK_FAILED, "Executor
 * terminated", as with a custom executor that did not come back).
 */
import type { KillPolicy } from '../core/messages/common.js';
import type { ExecutorInfo, TaskInfo } from '../core/messages/task-info.js';
import { isTerminalState, type TaskState } from '../core/messages/task-state.js';
import type { CommandRun, ExecutorRecord, FrameworkRecord } from './book.js';
import { commandLaunch } from './command-executor.js';
import { type CommandExit, describeTermination, succeeded } from './command-runner.js';
import type { AgentContext } from './context.js';
import { executorTerminated } from './executor-lifecycle.js';
import { containerStatusOf, sendUpdate } from './status-updates.js';

/**
 * Runs a task group on the default executor `info`, starting the executor if it is not running
 * (a terminating or terminated executor with that id refuses the group: its tasks get
 * TASK_FAILED, as Mesos's agent answers a group for an executor that is going away).
 */
export function launchTaskGroup(
  ctx: AgentContext,
  fw: FrameworkRecord,
  info: ExecutorInfo,
  tasks: readonly TaskInfo[],
): void {
  let executor = fw.executors.get(info.executor_id.value);
  if (executor !== undefined && (executor.kind !== 'default' || executor.phase !== 'running')) {
    for (const task of tasks) {
      ctx.trace('task-refused', {
        framework: fw.id,
        task: task.task_id.value,
        why: `executor ${executor.phase}`,
      });
      sendUpdate(ctx, {
        frameworkId: fw.frameworkId,
        taskId: task.task_id,
        state: 'TASK_FAILED',
        source: 'SOURCE_AGENT',
        reason: 'REASON_EXECUTOR_TERMINATED',
        message:
          executor.kind === 'default'
            ? 'Executor terminating'
            : `Executor '${executor.id}' is not a default executor`,
        executorId: info.executor_id,
      });
    }
    return;
  }
  if (executor === undefined) {
    const { containerId, sandbox } = ctx.newContainer(fw.id, info.executor_id.value);
    executor = ctx.book.addExecutor(fw, { kind: 'default', info, containerId, sandbox, phase: 'running' });
    ctx.trace('executor-launched', { framework: fw.id, executor: executor.id, kind: 'default' });
  }
  const group = tasks.map((t) => t.task_id.value);
  const started: TaskInfo[] = [];
  for (const task of tasks) {
    ctx.book.launch(executor, task);
    ctx.trace('task-launched', { framework: fw.id, task: task.task_id.value, executor: executor.id });
    update(ctx, fw, executor, task, 'TASK_STARTING');
  }
  for (const task of tasks) {
    const launch = commandLaunch(ctx, fw, executor, task);
    const result = ctx.runner.start(ctx.env, launch);
    if (result.ok) {
      ctx.book.setGroupCommand(
        { executor, taskId: task.task_id.value, group },
        result.handle,
        launch,
        ctx.now(),
      );
      started.push(task);
    } else {
      update(ctx, fw, executor, task, 'TASK_FAILED', result.message);
    }
  }
  for (const task of started) update(ctx, fw, executor, task, 'TASK_RUNNING');
  if (started.length < tasks.length)
    killTasks(ctx, fw, executor, group, ctx.options.commandKillGracePeriodMs);
  exitIfIdle(ctx, fw, executor);
}

/** KILL_TASK for a task of a default executor: its command gets the kill policy's grace. */
export function killGroupTask(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  taskId: string,
  policy: KillPolicy | undefined,
): void {
  const task = executor.launched.get(taskId);
  const ns = policy?.grace_period?.nanoseconds ?? task?.info.kill_policy?.grace_period?.nanoseconds;
  killTaskCommand(
    ctx,
    fw,
    executor,
    taskId,
    ns === undefined ? ctx.options.commandKillGracePeriodMs : Math.max(0, ns / 1e6),
  );
}

/** Kills every task command of a default executor still running (it is shut down). */
export function killGroup(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  graceMs: number,
): void {
  killTasks(ctx, fw, executor, [...(executor.group?.keys() ?? [])], graceMs);
}

/** Kills those of `taskIds` whose command runs and is not being killed already. */
function killTasks(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  taskIds: readonly string[],
  graceMs: number,
): void {
  for (const taskId of taskIds) {
    const run = executor.group?.get(taskId);
    if (run !== undefined && run.kill === undefined) killTaskCommand(ctx, fw, executor, taskId, graceMs);
  }
}

function killTaskCommand(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  taskId: string,
  graceMs: number,
): void {
  const run: CommandRun | undefined = executor.group?.get(taskId);
  if (run === undefined || run.kill !== undefined) {
    ctx.trace('kill-ignored', {
      framework: fw.id,
      task: taskId,
      why: run === undefined ? 'command not running' : 'already killing',
    });
    return;
  }
  run.kill = { atMs: ctx.now(), graceMs };
  const task = executor.launched.get(taskId);
  const killingState = (fw.info.capabilities ?? []).some((c) => c.type === 'TASK_KILLING_STATE');
  if (killingState && task !== undefined && !isTerminalState(task.state))
    update(ctx, fw, executor, task.info, 'TASK_KILLING');
  ctx.trace('command-kill', { framework: fw.id, task: taskId, graceMs });
  ctx.runner.kill(ctx.env, run.handle, graceMs);
}

/**
 * The runner reports that a command ended: true if it was a task group's (and was handled),
 * false if it is no default executor's command.
 */
export function groupCommandExited(ctx: AgentContext, exit: CommandExit): boolean {
  const held = ctx.book.takeGroupCommand(exit.handle);
  if (held === undefined) return false;
  const { executor, taskId, run } = held;
  const fw = ctx.book.frameworks.get(executor.frameworkId);
  if (fw === undefined) return true;
  const t = exit.termination;
  const killed = run.kill !== undefined;
  const state: TaskState = killed ? 'TASK_KILLED' : succeeded(t) ? 'TASK_FINISHED' : 'TASK_FAILED';
  const task = executor.launched.get(taskId);
  if (task !== undefined && !isTerminalState(task.state)) {
    update(ctx, fw, executor, task.info, state, `Command ${describeTermination(t)}`);
  }
  // Mesos's default restart policy: a task that failed or was killed takes its group down.
  if ((state === 'TASK_FAILED' || state === 'TASK_KILLED') && executor.phase === 'running') {
    const others = held.group.filter((id) => id !== taskId && executor.group?.get(id)?.kill === undefined);
    const running = others.filter((id) => executor.group?.has(id));
    if (running.length > 0) {
      ctx.trace('task-group-kill', {
        framework: fw.id,
        executor: executor.id,
        task: taskId,
        killing: running,
      });
      killTasks(ctx, fw, executor, running, ctx.options.commandKillGracePeriodMs);
    }
  }
  exitIfIdle(ctx, fw, executor);
  return true;
}

/** Shuts a default executor down: its task commands are killed with the shutdown grace. */
export function shutdownDefaultExecutor(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  graceMs: number,
): void {
  killGroup(ctx, fw, executor, graceMs);
  exitIfIdle(ctx, fw, executor);
}

/** The executor exits once none of its task commands runs (Mesos: no child container left). */
function exitIfIdle(ctx: AgentContext, fw: FrameworkRecord, executor: ExecutorRecord): void {
  if ((executor.group?.size ?? 0) > 0) return;
  executorTerminated(ctx, fw, executor, 0);
}

/** An update from the default executor about one of its tasks. */
function update(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  task: TaskInfo,
  state: TaskState,
  message?: string,
): void {
  sendUpdate(ctx, {
    frameworkId: fw.frameworkId,
    taskId: task.task_id,
    state,
    source: 'SOURCE_EXECUTOR',
    executorId: executor.executorId,
    message,
    containerStatus: containerStatusOf(ctx, executor),
  });
}
