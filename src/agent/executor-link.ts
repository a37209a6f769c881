/**
 * The agent's side of custom executors (tasks with `TaskInfo.executor`), over the v1 executor
 * API (mesos.md §3; Mesos src/slave/slave.cpp `_run`, `subscribe`, `statusUpdate`,
 * `executorMessage`, `schedulerMessage`, `registerExecutorTimeout`, src/slave/http.cpp
 * `executor`):
 * - the first task of an executor makes the agent launch it through the {@link ExecutorLauncher}
 *   and queue the task; the executor must SUBSCRIBE within 1 min, or it is destroyed and its
 *   tasks fail (TASK_FAILED, REASON_EXECUTOR_REGISTRATION_TIMEOUT);
 * - SUBSCRIBE gets SUBSCRIBED, then one LAUNCH per queued task (the task is then STAGING until
 *   the executor reports); later tasks are LAUNCHed at once; a SUBSCRIBE's unacknowledged
 *   updates are taken again (duplicates are recognised by uuid);
 * - UPDATE feeds the status-update manager and is answered with ACKNOWLEDGED;
 * - MESSAGE goes to the master as EXECUTOR_TO_FRAMEWORK; FRAMEWORK_TO_EXECUTOR from the master
 *   becomes a MESSAGE event for a subscribed executor (dropped otherwise, as Mesos does);
 * - KILL_TASK becomes a KILL event; a task not yet sent to its executor is killed by the agent;
 * - the launcher's report of the executor's end, or the executor's connection breaking, ends the
 *   executor (see executor-lifecycle.ts). In the simulated world a broken connection means the
 *   executor process is gone (executors of non-checkpointing frameworks exit when they lose their
 *   agent, mesos.md §3), so the agent destroys its container, which the launcher then reports.
 * Calls the live agent would answer with HTTP 400/403 (unknown framework or executor, a call
 * before SUBSCRIBE, an invalid update) are dropped and traced.
 */
import { assertNever } from '../core/assert-never.js';
import type { AgentMessage } from '../core/messages/agent-protocol.js';
import { base64ByteLength, UUID_BYTES } from '../core/messages/base64.js';
import type { KillPolicy } from '../core/messages/common.js';
import type { ExecutorCall, ExecutorSubscribe } from '../core/messages/executor.js';
import type { ExecutorInfo, TaskInfo } from '../core/messages/task-info.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { Address } from '../core/process.js';
import { executorEvent } from '../core/wire.js';
import type { ExecutorRecord, FrameworkRecord } from './book.js';
import type { AgentContext } from './context.js';
import type { ExecutorExit } from './executor-launcher.js';
import {
  destroyExecutor,
  executorTerminated,
  removeFrameworkIfIdle,
  shutdownExecutor,
  shutdownGraceMs,
} from './executor-lifecycle.js';
import { nextExecutorPhase } from './executor-phase.js';
import { durationText, executorEnvironment } from './sandbox.js';
import {
  containerStatusOf,
  droppedOrLost,
  sendUnheldUpdate,
  sendUpdate,
  statusUpdate,
} from './status-updates.js';

/** Runs a task on its custom executor, launching the executor if it is new. */
export function runCustomTask(
  ctx: AgentContext,
  fw: FrameworkRecord,
  task: TaskInfo & { readonly executor: ExecutorInfo },
  launchExecutor: boolean | undefined,
): void {
  const info: ExecutorInfo = { ...task.executor, framework_id: task.executor.framework_id ?? fw.frameworkId };
  const executor = fw.executors.get(info.executor_id.value);
  if (executor === undefined) {
    if (launchExecutor === false) {
      // Mesos >= 1.5: the master said the executor runs already, but it is gone.
      refuse(ctx, fw, task, 'Executor not running');
      return;
    }
    startExecutor(ctx, fw, info, task);
    return;
  }
  if (executor.kind === 'command') {
    refuse(ctx, fw, task, 'Executor id in use by a command task');
    return;
  }
  switch (executor.phase) {
    case 'registering':
      ctx.book.queue(executor, task);
      ctx.trace('task-queued', { framework: fw.id, task: task.task_id.value, executor: executor.id });
      return;
    case 'running':
      launchOnExecutor(ctx, fw, executor, task);
      return;
    case 'terminating':
    case 'terminated':
      refuse(ctx, fw, task, `Executor ${executor.phase}`);
      return;
    default:
      assertNever(executor.phase, 'executor phase');
  }
}

/** TASK_DROPPED (TASK_LOST) for a task the executor cannot take (Mesos `__run`). */
function refuse(ctx: AgentContext, fw: FrameworkRecord, task: TaskInfo, message: string): void {
  ctx.trace('task-refused', { framework: fw.id, task: task.task_id.value, why: message });
  sendUnheldUpdate(ctx, {
    frameworkId: fw.frameworkId,
    taskId: task.task_id,
    state: droppedOrLost(fw.info),
    source: 'SOURCE_AGENT',
    reason: 'REASON_EXECUTOR_TERMINATED',
    message,
    ...(task.executor === undefined ? {} : { executorId: task.executor.executor_id }),
  });
  removeFrameworkIfIdle(ctx, fw);
}

function startExecutor(ctx: AgentContext, fw: FrameworkRecord, info: ExecutorInfo, task: TaskInfo): void {
  const { containerId, sandbox } = ctx.newContainer(fw.id, info.executor_id.value);
  const executor = ctx.book.addExecutor(fw, {
    kind: 'custom',
    info,
    containerId,
    sandbox,
    phase: 'registering',
  });
  ctx.book.queue(executor, task);
  const started = ctx.launcher.launch(ctx.env, {
    frameworkId: fw.id,
    framework: fw.info,
    executor: info,
    containerId,
    sandbox,
    environment: executorEnvironment({
      frameworkId: fw.id,
      executorId: executor.id,
      sandbox,
      agentAddress: ctx.env.self,
      checkpoint: fw.info.checkpoint === true,
      shutdownGracePeriodMs: shutdownGraceMs(ctx, executor),
      command: info.command,
    }),
    agentAddress: ctx.env.self,
  });
  if (!started.ok) {
    ctx.trace('executor-launch-failed', { framework: fw.id, executor: executor.id, why: started.message });
    executor.termination = {
      state: 'TASK_FAILED',
      reason: 'REASON_CONTAINER_LAUNCH_FAILED',
      message: `Failed to launch container: ${started.message}`,
    };
    executorTerminated(ctx, fw, executor, -1);
    return;
  }
  ctx.book.setLaunch(executor, started.handle);
  ctx.trace('executor-launched', { framework: fw.id, executor: executor.id, container: containerId });
  const timeoutMs = ctx.options.executorRegistrationTimeoutMs;
  executor.registrationTimer = ctx.timers.set(timeoutMs, 'executor-registration', () => {
    executor.registrationTimer = undefined;
    registrationTimeout(ctx, fw, executor, timeoutMs);
  });
}

/** Mesos `registerExecutorTimeout`: an executor that never subscribed is destroyed. */
function registrationTimeout(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  timeoutMs: number,
): void {
  const next = nextExecutorPhase(executor.phase, 'registration-timeout');
  if (next === null || fw.terminating) return;
  ctx.trace('executor-registration-timeout', { framework: fw.id, executor: executor.id });
  executor.phase = next;
  executor.termination = {
    state: 'TASK_FAILED',
    reason: 'REASON_EXECUTOR_REGISTRATION_TIMEOUT',
    message: `Executor did not register within ${durationText(timeoutMs)}`,
  };
  destroyExecutor(ctx, fw, executor);
}

/** Sends a task to a subscribed executor (LAUNCH); it is STAGING until the executor reports. */
function launchOnExecutor(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  task: TaskInfo,
): void {
  ctx.book.launch(executor, task);
  ctx.sendExecutor(executor, { type: 'LAUNCH', launch: { task } });
  ctx.trace('task-launched', { framework: fw.id, task: task.task_id.value, executor: executor.id });
}

/** An executor call from `from`. */
export function handleExecutorCall(ctx: AgentContext, from: Address, call: ExecutorCall): void {
  const fw = ctx.book.frameworks.get(call.framework_id.value);
  const executor = fw?.executors.get(call.executor_id.value);
  const reject = (why: string) =>
    ctx.trace('executor-call-rejected', {
      from,
      type: call.type,
      framework: call.framework_id.value,
      executor: call.executor_id.value,
      why,
    });
  // The live agent answers these with 400 Bad Request / 403 Forbidden (src/slave/http.cpp).
  if (fw === undefined) {
    reject('Framework cannot be found');
    return;
  }
  if (executor === undefined) {
    reject('Executor cannot be found');
    return;
  }
  if (executor.kind === 'command') {
    reject('the command executor runs inside the agent');
    return;
  }
  if (call.type !== 'SUBSCRIBE' && executor.phase === 'registering') {
    reject('Executor is not subscribed');
    return;
  }
  switch (call.type) {
    case 'SUBSCRIBE':
      subscribe(ctx, from, fw, executor, call.subscribe);
      return;
    case 'UPDATE': {
      const problem = updateProblem(call.update.status);
      if (problem !== undefined) {
        reject(problem);
        return;
      }
      executorUpdate(ctx, fw, executor, call.update.status);
      return;
    }
    case 'MESSAGE':
      executorMessage(ctx, fw, executor, call.message.data);
      return;
    case 'HEARTBEAT':
      return;
    default:
      assertNever(call, 'executor call type');
  }
}

/** Mesos `Slave::subscribe` (HTTP executors). */
function subscribe(
  ctx: AgentContext,
  from: Address,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  body: ExecutorSubscribe,
): void {
  const next = nextExecutorPhase(executor.phase, 'subscribed');
  if (ctx.link.phase === 'terminating' || fw.terminating || next === null) {
    ctx.trace('executor-subscribe-refused', {
      framework: fw.id,
      executor: executor.id,
      phase: executor.phase,
    });
    ctx.env.send(from, executorEvent({ type: 'SHUTDOWN' }));
    return;
  }
  const resubscribed = executor.address !== undefined;
  ctx.book.subscribe(executor, from);
  executor.phase = next;
  ctx.timers.cancel(executor.registrationTimer);
  executor.registrationTimer = undefined;
  ctx.trace('executor-subscribed', { framework: fw.id, executor: executor.id, from, resubscribed });
  if (executor.queued.size === 0 && executor.launched.size === 0) {
    // Mesos: an executor whose tasks were all killed before it subscribed has nothing to run
    // and is shut down.
    ctx.trace('executor-idle', { framework: fw.id, executor: executor.id });
    shutdownExecutor(ctx, fw, executor);
    return;
  }
  ctx.sendExecutor(executor, {
    type: 'SUBSCRIBED',
    subscribed: {
      executor_info: executor.info,
      framework_info: fw.info,
      agent_info: ctx.agentInfo(),
      container_id: { value: executor.containerId },
    },
  });
  for (const u of body.unacknowledged_updates ?? []) {
    if (updateProblem(u.status) === undefined) executorUpdate(ctx, fw, executor, u.status);
  }
  for (const task of [...executor.queued.values()]) launchOnExecutor(ctx, fw, executor, task);
}

/** Mesos's executor UPDATE validation (src/common/validation.cpp), for typed sim messages too. */
function updateProblem(status: TaskStatus): string | undefined {
  if (status.uuid === undefined || base64ByteLength(status.uuid) !== UUID_BYTES) {
    return 'update.status.uuid: expected a 16-byte UUID';
  }
  if (status.state === 'TASK_STAGING')
    return 'update.status.state: TASK_STAGING may not be sent by an executor';
  return undefined;
}

/** An executor's UPDATE: into the status-update path, acknowledged back to the executor. */
function executorUpdate(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  status: TaskStatus,
): void {
  const agentId = ctx.link.agentId;
  const uuid = status.uuid;
  if (agentId === undefined || uuid === undefined) return;
  const timestamp = status.timestamp ?? ctx.now() / 1000;
  statusUpdate(
    ctx,
    {
      framework_id: fw.frameworkId,
      executor_id: executor.executorId,
      agent_id: agentId,
      status: {
        ...status,
        source: 'SOURCE_EXECUTOR',
        agent_id: agentId,
        executor_id: executor.executorId,
        timestamp,
        uuid,
        container_status: containerStatusOf(ctx, executor, status.container_status),
      },
      timestamp,
      uuid,
    },
    executor,
  );
}

/** An executor's MESSAGE: to the framework through the master (Mesos `executorMessage`). */
function executorMessage(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  data: string,
): void {
  const agentId = ctx.link.agentId;
  if (ctx.link.phase !== 'registered' || fw.terminating || agentId === undefined) {
    ctx.trace('message-dropped', {
      framework: fw.id,
      executor: executor.id,
      direction: 'to-framework',
      why: fw.terminating ? 'framework terminating' : 'not registered',
    });
    return;
  }
  ctx.sendMaster({
    type: 'EXECUTOR_TO_FRAMEWORK',
    agent_id: agentId,
    framework_id: fw.frameworkId,
    executor_id: executor.executorId,
    data,
  });
}

type FrameworkToExecutor = Extract<AgentMessage, { type: 'FRAMEWORK_TO_EXECUTOR' }>;

/** FRAMEWORK_TO_EXECUTOR: a MESSAGE event for a running executor (Mesos `schedulerMessage`). */
export function handleFrameworkMessage(ctx: AgentContext, msg: FrameworkToExecutor): void {
  const fw = ctx.book.frameworks.get(msg.framework_id.value);
  const executor = fw?.executors.get(msg.executor_id.value);
  const why =
    ctx.link.phase !== 'registered'
      ? 'not registered'
      : fw === undefined
        ? 'unknown framework'
        : fw.terminating
          ? 'framework terminating'
          : executor === undefined
            ? 'unknown executor'
            : executor.phase !== 'running' || executor.address === undefined
              ? `executor ${executor.phase}`
              : undefined;
  if (why !== undefined || executor === undefined) {
    ctx.trace('message-dropped', {
      framework: msg.framework_id.value,
      executor: msg.executor_id.value,
      direction: 'to-executor',
      why,
    });
    return;
  }
  ctx.sendExecutor(executor, { type: 'MESSAGE', message: { data: msg.data } });
}

/** KILL_TASK for a task of a custom executor (Mesos `killTask`, by executor state). */
export function killCustomTask(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  task: TaskInfo['task_id'],
  policy: KillPolicy | undefined,
): void {
  const killed = (message: string, reason?: 'REASON_EXECUTOR_UNREGISTERED') =>
    sendUpdate(ctx, {
      frameworkId: fw.frameworkId,
      taskId: task,
      state: 'TASK_KILLED',
      source: 'SOURCE_AGENT',
      message,
      ...(reason === undefined ? {} : { reason }),
      executorId: executor.executorId,
    });
  switch (executor.phase) {
    case 'registering':
      killed('Unregistered executor', 'REASON_EXECUTOR_UNREGISTERED');
      return;
    case 'running':
      if (executor.queued.has(task.value)) killed('Task killed while it was queued');
      else
        ctx.sendExecutor(executor, {
          type: 'KILL',
          kill: { task_id: task, ...(policy === undefined ? {} : { kill_policy: policy }) },
        });
      return;
    case 'terminating':
    case 'terminated':
      ctx.trace('kill-ignored', { framework: fw.id, task: task.value, why: `executor ${executor.phase}` });
      return;
    default:
      assertNever(executor.phase, 'executor phase');
  }
}

/** The launcher reports that an executor ended. */
export function launcherExited(ctx: AgentContext, exit: ExecutorExit): void {
  const executor = ctx.book.takeLaunch(exit.handle);
  const fw = executor === undefined ? undefined : ctx.book.frameworks.get(executor.frameworkId);
  if (executor === undefined || fw === undefined) {
    ctx.trace('executor-exit-ignored', { handle: exit.handle.id, why: 'unknown executor' });
    return;
  }
  executor.launch = undefined;
  executorTerminated(ctx, fw, executor, exit.status);
}

/** A connection broke: if it was a subscribed executor's, that executor is gone. */
export function executorLinkExited(ctx: AgentContext, address: Address): boolean {
  const executor = ctx.book.executorAt(address);
  const fw = executor === undefined ? undefined : ctx.book.frameworks.get(executor.frameworkId);
  if (executor === undefined || fw === undefined) return false;
  ctx.book.unsubscribe(executor);
  ctx.trace('executor-disconnected', { framework: fw.id, executor: executor.id, phase: executor.phase });
  const next = nextExecutorPhase(executor.phase, 'link-exited');
  if (next === null) return true;
  executor.phase = next;
  ctx.timers.cancel(executor.shutdownTimer);
  executor.shutdownTimer = undefined;
  destroyExecutor(ctx, fw, executor);
  return true;
}
