/**
 * A restarted agent's recovery from its checkpoint (Mesos src/slave/slave.cpp `recover`,
 * `_recover`, with `--recover=reconnect`; docs/agent-recovery.md):
 * - it takes back its AgentID, so it reregisters rather than registers;
 * - it takes back each checkpointing framework's command executors and their tasks, and puts
 *   their unacknowledged status updates back in their streams (they go out, in order, once the
 *   master has it again);
 * - it reattaches to each command that was running ({@link CommandRunner.recover}): a command
 *   that ended while the agent was down is reported ended at once, and its task's terminal
 *   update follows; a command the runner cannot reattach to is taken as gone, and its task fails
 *   (TASK_FAILED, REASON_EXECUTOR_TERMINATED), as Mesos does for a container it cannot recover.
 * What the master believes that the agent no longer holds (tasks launched just before the crash,
 * whose checkpoint never became durable; tasks of frameworks that do not checkpoint) is settled
 * by the reregistration: the master asks the agent to reconcile them and the agent, not knowing
 * them, answers TASK_LOST (TASK_DROPPED for partition-aware frameworks).
 */
import type { TaskRecord } from './book.js';
import type { AgentCheckpoint } from './checkpoint.js';
import type { AgentContext } from './context.js';
import { executorTerminated } from './executor-lifecycle.js';

/** Puts the checkpointed state back into a freshly started agent (before it registers). */
export function recoverCheckpoint(ctx: AgentContext, checkpoint: AgentCheckpoint): void {
  ctx.link.agentId = { value: checkpoint.agentId };
  ctx.checkpointedResources = checkpoint.resources ?? [];
  let tasks = 0;
  for (const saved of checkpoint.frameworks) {
    const fw = ctx.book.framework(saved.info);
    for (const e of saved.executors) {
      const executor = ctx.book.addExecutor(fw, {
        kind: 'command',
        info: e.info,
        containerId: e.containerId,
        sandbox: e.sandbox,
        phase: e.phase,
      });
      executor.termination = e.termination;
      for (const t of e.tasks) {
        const record: TaskRecord = ctx.book.launch(executor, t.info);
        record.state = t.state;
        // The head of its stream is what was forwarded last (or will be, once registered).
        record.statusUpdateState = t.updates[0]?.status.state;
        record.statusUpdateUuid = t.updates[0]?.uuid;
        if (t.where === 'terminated') {
          executor.launched.delete(t.info.task_id.value);
          executor.terminated.set(t.info.task_id.value, record);
        }
        ctx.updates.restore(t.updates);
        tasks++;
      }
      const command = e.command;
      if (command === undefined) continue;
      const history = { startedAtMs: command.startedAtMs, kill: command.kill };
      const reattached = ctx.runner.recover?.(ctx.env, command.launch, history) ?? {
        ok: false as const,
        message: 'the command runner cannot reattach to commands',
      };
      if (reattached.ok) {
        ctx.book.setCommand(executor, reattached.handle, command.launch, command.startedAtMs, command.kill);
      } else {
        ctx.trace('command-not-recovered', {
          framework: fw.id,
          executor: executor.id,
          why: reattached.message,
        });
        executor.termination ??= {
          state: 'TASK_FAILED',
          reason: 'REASON_EXECUTOR_TERMINATED',
          message: `Executor could not be recovered: ${reattached.message}`,
        };
        executorTerminated(ctx, fw, executor, -1);
      }
    }
  }
  ctx.trace('recovered', { agent: checkpoint.agentId, frameworks: checkpoint.frameworks.length, tasks });
}
