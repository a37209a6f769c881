/**
 * The end of executors and frameworks on the agent (Mesos src/slave/slave.cpp
 * `shutdownFramework`, `shutdownExecutor`, `_shutdownExecutor`, `shutdownExecutorTimeout`,
 * `executorTerminated`, `removeExecutor`, `removeFramework`):
 * - shutting an executor down: a custom executor gets SHUTDOWN and, if it is still there after
 *   its grace period (`ExecutorInfo.shutdown_grace_period`, else 5 s), its container is
 *   destroyed; the command executor kills its command with that grace period;
 * - an executor that terminates fails its tasks that are not terminal yet (TASK_FAILED with
 *   REASON_EXECUTOR_TERMINATED, or the reason of a pending termination such as the registration
 *   timeout), unless its framework is being shut down; a custom executor's end is reported to
 *   the master (EXITED_EXECUTOR), and so is a default executor's (it frees the executor's
 *   resources there), a command executor's is not (the master does not know them);
 * - shutting a framework down shuts all its executors down; no status updates are sent for it
 *   any more (nobody would acknowledge them);
 * - an executor is removed once it has terminated and every task of it is complete (or its
 *   framework is terminating), a framework once it has no executor left; removing a framework
 *   that was shut down drops its status-update streams.
 */
import type { ExecutorRecord, FrameworkRecord } from './book.js';
import { killCommand } from './command-executor.js';
import type { AgentContext } from './context.js';
import { shutdownDefaultExecutor } from './default-executor.js';
import { nextExecutorPhase } from './executor-phase.js';
import { sendUpdate } from './status-updates.js';

/** Mesos `executorTerminated`: the executor is gone, with waitpid `status` (-1 if unknown). */
export function executorTerminated(
  ctx: AgentContext,
  fw: FrameworkRecord,
  executor: ExecutorRecord,
  status: number,
): void {
  const next = nextExecutorPhase(executor.phase, 'terminated');
  if (next === null) return;
  executor.phase = next;
  ctx.timers.cancel(executor.registrationTimer);
  ctx.timers.cancel(executor.shutdownTimer);
  executor.registrationTimer = undefined;
  executor.shutdownTimer = undefined;
  ctx.book.unsubscribe(executor);
  if (ctx.tracing) {
    ctx.trace('executor-terminated', {
      framework: fw.id,
      executor: executor.id,
      kind: executor.kind,
      status,
    });
  }
  // A command executor's one task is usually terminal by now: nothing is left to fail.
  if (!fw.terminating && executor.launched.size + executor.queued.size > 0) {
    const termination = executor.termination ?? {
      state: 'TASK_FAILED',
      reason: 'REASON_EXECUTOR_TERMINATED',
      message: 'Executor terminated',
    };
    const live = [...executor.launched.values()].map((t) => t.info.task_id);
    for (const taskId of [...live, ...[...executor.queued.values()].map((t) => t.task_id)]) {
      sendUpdate(ctx, {
        frameworkId: fw.frameworkId,
        taskId,
        state: termination.state,
        source: 'SOURCE_AGENT',
        reason: termination.reason,
        message: termination.message,
        executorId: executor.executorId,
      });
    }
  }
  const agentId = ctx.link.agentId;
  if (executor.kind !== 'command' && agentId !== undefined) {
    ctx.sendMaster({
      type: 'EXITED_EXECUTOR',
      agent_id: agentId,
      framework_id: fw.frameworkId,
      executor_id: executor.executorId,
      status,
    });
  }
  removeExecutorIfDone(ctx, fw, executor);
}

/** Removes a terminated executor with no incomplete task (any, if its framework is terminating). */
export function removeExecutorIfDone(ctx: AgentContext, fw: FrameworkRecord, executor: ExecutorRecord): void {
  if (executor.phase !== 'terminated') return;
  if (!fw.terminating && ctx.book.hasIncompleteTasks(executor)) return;
  ctx.book.removeExecutor(fw, executor);
  if (ctx.tracing) ctx.trace('executor-removed', { framework: fw.id, executor: executor.id });
  removeFrameworkIfIdle(ctx, fw);
}

/**
 * Removes a framework that has no executor left. A framework that was shut down loses its
 * status-update streams too (nobody would acknowledge them). Mesos drops the streams of any
 * removed framework, which loses the agent's own answers about tasks it never held (its TODO in
 * `Slave::_run`); Agora keeps those streams until their updates are acknowledged — every other
 * stream of a framework with no executor is closed already, as all its tasks are complete.
 */
export function removeFrameworkIfIdle(ctx: AgentContext, fw: FrameworkRecord): void {
  if (fw.executors.size > 0 || ctx.book.frameworks.get(fw.id) !== fw) return;
  ctx.book.removeFramework(fw);
  if (fw.terminating) ctx.updates.cleanup(fw.id);
  if (ctx.tracing) ctx.trace('framework-removed', { framework: fw.id });
}

/** The grace an executor gets to shut down. */
export function shutdownGraceMs(ctx: AgentContext, executor: ExecutorRecord): number {
  const ns = executor.info.shutdown_grace_period?.nanoseconds;
  return ns === undefined ? ctx.options.executorShutdownGracePeriodMs : Math.max(0, ns / 1e6);
}

/** Mesos `_shutdownExecutor`: asks a registering or running executor to stop. */
export function shutdownExecutor(ctx: AgentContext, fw: FrameworkRecord, executor: ExecutorRecord): void {
  const next = nextExecutorPhase(executor.phase, 'shutdown');
  if (next === null) return;
  executor.phase = next;
  ctx.timers.cancel(executor.registrationTimer);
  executor.registrationTimer = undefined;
  const graceMs = shutdownGraceMs(ctx, executor);
  ctx.trace('executor-shutdown', { framework: fw.id, executor: executor.id, graceMs });
  if (executor.kind === 'command') {
    killCommand(ctx, fw, executor, graceMs);
    return;
  }
  if (executor.kind === 'default') {
    shutdownDefaultExecutor(ctx, fw, executor, graceMs);
    return;
  }
  // An executor that has not subscribed yet misses this; it is destroyed after the grace period.
  ctx.sendExecutor(executor, { type: 'SHUTDOWN' });
  executor.shutdownTimer = ctx.timers.set(graceMs, 'executor-shutdown', () => {
    executor.shutdownTimer = undefined;
    if (executor.phase !== 'terminating') return;
    ctx.trace('executor-destroyed', {
      framework: fw.id,
      executor: executor.id,
      why: 'shutdown grace period over',
    });
    destroyExecutor(ctx, fw, executor);
  });
}

/** Destroys a custom executor's container; its end comes back from the launcher. */
export function destroyExecutor(ctx: AgentContext, fw: FrameworkRecord, executor: ExecutorRecord): void {
  if (executor.launch === undefined) {
    executorTerminated(ctx, fw, executor, -1);
    return;
  }
  ctx.launcher.kill(ctx.env, executor.launch);
}

/** Mesos `shutdownFramework`: stops every executor of the framework. */
export function shutdownFramework(ctx: AgentContext, fw: FrameworkRecord): void {
  if (fw.terminating) {
    ctx.trace('framework-shutdown-ignored', { framework: fw.id, why: 'already terminating' });
    return;
  }
  fw.terminating = true;
  ctx.trace('framework-shutdown', { framework: fw.id, executors: fw.executors.size });
  for (const executor of [...fw.executors.values()]) {
    if (executor.phase === 'registering' || executor.phase === 'running') shutdownExecutor(ctx, fw, executor);
    else if (executor.phase === 'terminated') removeExecutorIfDone(ctx, fw, executor);
  }
  removeFrameworkIfIdle(ctx, fw);
}
