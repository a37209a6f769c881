/**
 * The built-in command executor, modelled inside the agent (Mesos runs it as a separate
 * `mesos-executor` process that registers with the agent like any executor; src/launcher/
 * executor.cpp). Agora folds it into the agent — no extra process, no registration round trip —
 * and keeps what a scheduler can observe:
 * - each command task gets its own executor, whose id is the task id (Mesos
 *   `Slave::getExecutorInfo`), and whose updates come from SOURCE_EXECUTOR with that executor id;
 * - on launch it sends TASK_STARTING, starts the command through the {@link CommandRunner}, then
 *   sends TASK_RUNNING (or TASK_FAILED if the command cannot start);
 * - when the command ends: exit status 0 → TASK_FINISHED; killed → TASK_KILLED; otherwise
 *   TASK_FAILED; the message is "Command exited with status 3" / "Command terminated with
 *   signal Terminated" (Mesos's `WSTRINGIFY`); then the executor terminates;
 * - a kill sends TASK_KILLING first if the framework has the TASK_KILLING_STATE capability, then
 *   SIGTERM, and SIGKILL after the grace period (the KILL_TASK's kill policy, else the task's,
 *   else 3 s).
 * Differences from Mesos, from folding it in: the task is STARTING and RUNNING at the instant
 * RUN_TASK arrives (no executor start-up time), and there is no command-executor overhead of
 * resources (Mesos adds cpus:0.1;mem:32 to the container) — the agent enforces no resources.
 */
import type { KillPolicy } from '../core/messages/common.js';
import type { ExecutorInfo, TaskInfo } from '../core/messages/task-info.js';
import { isTerminalState, type TaskState } from '../core/messages/task-state.js';
import type { ExecutorRecord, FrameworkRecord } from './book.js';
import {
  type CommandExit,
  type CommandLaunch,
  describeTermination,
  succeeded,
  waitStatus,
} from './command-runner.js';
import type { AgentContext } from './context.js';
import { groupCommandExited } from './default-executor.js';
import { executorTerminated, shutdownGraceMs } from './executor-lifecycle.js';
import { executorEnvironment } from './sandbox.js';
import { containerStatusOf, sendUpdate, type UpdateSpec } from './status-updates.js';
import { taskVolumes } from './volumes.js';

/** Launches a command task (its TaskInfo has `command`). */
export function launchCommandTask(ctx: AgentContext, fw: FrameworkRecord, task: TaskInfo): void {
  const info = commandExecutorInfo(fw, task);
  const { containerId, sandbox } = ctx.newContainer(fw.id, info.executor_id.value);
  const executor = ctx.book.addExecutor(fw, {
    kind: 'command',
    info,
    containerId,
    sandbox,
    phase: 'running',
  });
  ctx.book.launch(executor, task);
  if (ctx.tracing)
    ctx.trace('task-launched', { framework: fw.id, task: task.task_id.value, executor: 'command' });
  update(ctx, fw, executor, 'TASK_STARTING');
  const volumes = taskVolumes(ctx.options.workDir, task.resources ?? []);
  if (typeof volumes === 'string') {
    update(ctx, fw, executor, 'TASK_FAILED', volumes);
    executorTerminated(ctx, fw, executor, -1);
    return;
  }
  const launch = { ...commandLaunch(ctx, fw, executor, task), ...(volumes.length === 0 ? {} : { volumes }) };
  const started = ctx.runner.start(ctx.env, launch);
  if (!started.ok) {
    update(ctx, fw, executor, 'TASK_FAILED', started.message);
    executorTerminated(ctx, fw, executor, -1);
    return;
  }
  ctx.book.setCommand(executor, started.handle, launch, ctx.now());
  update(ctx, fw, executor, 'TASK_RUNNING');
}

/**
 * What the runner starts for a task's command, run by `executor` (the command executor of the
 * task, or the default executor of its group): the command in the executor's sandbox, with the
 * MESOS_* environment, as the command's or else the framework's user.
 */
export function commandLaunch(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  task: TaskInfo,
): CommandLaunch {
  return {
    frameworkId: fw.id,
    taskId: task.task_id.value,
    command: task.command ?? {},
    environment: executorEnvironment({
      frameworkId: fw.id,
      executorId: executor.id,
      sandbox: executor.sandbox,
      agentAddress: ctx.env.self,
      checkpoint: fw.info.checkpoint === true,
      shutdownGracePeriodMs: shutdownGraceMs(ctx, executor),
      command: task.command,
    }),
    sandbox: executor.sandbox,
    user: task.command?.user ?? fw.info.user,
  };
}

/**
 * KILL_TASK for a command task: SIGTERM now, SIGKILL after the kill policy's grace period (the
 * call's, else the task's, else 3 s).
 */
export function killCommandTask(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  policy: KillPolicy | undefined,
): void {
  const task = executor.launched.get(executor.id);
  const ns = policy?.grace_period?.nanoseconds ?? task?.info.kill_policy?.grace_period?.nanoseconds;
  killCommand(
    ctx,
    fw,
    executor,
    ns === undefined ? ctx.options.commandKillGracePeriodMs : Math.max(0, ns / 1e6),
  );
}

/** Kills the command of a command executor (a second kill is ignored, as the executor does). */
export function killCommand(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  graceMs: number,
): void {
  const command = executor.command;
  if (command === undefined || command.kill !== undefined) {
    ctx.trace('kill-ignored', {
      framework: fw.id,
      task: executor.id,
      why: command === undefined ? 'command not running' : 'already killing',
    });
    return;
  }
  command.kill = { atMs: ctx.now(), graceMs };
  const task = executor.launched.get(executor.id);
  const killingState = (fw.info.capabilities ?? []).some((c) => c.type === 'TASK_KILLING_STATE');
  if (killingState && task !== undefined && !isTerminalState(task.state))
    update(ctx, fw, executor, 'TASK_KILLING');
  ctx.trace('command-kill', { framework: fw.id, task: executor.id, graceMs });
  ctx.runner.kill(ctx.env, command.handle, graceMs);
}

/** The command runner reports that a command ended. */
export function commandExited(ctx: AgentContext, exit: CommandExit): void {
  if (groupCommandExited(ctx, exit)) return;
  const executor = ctx.book.takeCommand(exit.handle);
  const fw = executor === undefined ? undefined : ctx.book.frameworks.get(executor.frameworkId);
  if (executor === undefined || fw === undefined) {
    ctx.trace('command-exit-ignored', { handle: exit.handle.id, why: 'unknown command' });
    return;
  }
  const killed = executor.command?.kill !== undefined;
  executor.command = undefined;
  const t = exit.termination;
  const state: TaskState = succeeded(t) ? 'TASK_FINISHED' : killed ? 'TASK_KILLED' : 'TASK_FAILED';
  const task = executor.launched.get(executor.id);
  if (task !== undefined && !isTerminalState(task.state)) {
    update(ctx, fw, executor, state, `Command ${describeTermination(t)}`);
  }
  executorTerminated(ctx, fw, executor, waitStatus(t));
}

/** An update from the command executor about its one task. */
function update(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  state: TaskState,
  message?: string,
): void {
  const spec: UpdateSpec = {
    frameworkId: fw.frameworkId,
    taskId: { value: executor.id },
    state,
    source: 'SOURCE_EXECUTOR',
    executorId: executor.executorId,
    message,
    containerStatus: containerStatusOf(ctx, executor),
  };
  sendUpdate(ctx, spec);
}

/** The command executor's ExecutorInfo for a task (Mesos `Slave::getExecutorInfo`, abridged). */
function commandExecutorInfo(fw: FrameworkRecord, task: TaskInfo): ExecutorInfo {
  const value = task.command?.value;
  const shown = value === undefined ? 'NO COMMAND' : value.length > 15 ? `${value.slice(0, 12)}...` : value;
  return {
    type: 'CUSTOM',
    executor_id: { value: task.task_id.value },
    framework_id: fw.frameworkId,
    name: `Command Executor (Task: ${task.task_id.value}) (Command: sh -c '${shown}')`,
    ...(task.labels === undefined ? {} : { labels: task.labels }),
  };
}
