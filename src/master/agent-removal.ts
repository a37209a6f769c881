/**
 * How agents leave (src/master/master.cpp `exited`, `disconnect(Slave*)`,
 * `agentReregisterTimeout`, `markUnreachable`, `__removeSlave`, `_removeSlave`,
 * `removeFramework(Slave*, Framework*)`, `sendSlaveLost`; mesos.md §7.2):
 * - a broken connection disconnects the agent: it is deactivated, its offers rescinded, the tasks
 *   of frameworks that do not checkpoint become TASK_LOST (REASON_AGENT_DISCONNECTED, even for
 *   PARTITION_AWARE frameworks), and it has `agentReregisterTimeoutMs` to reregister;
 * - failed health checks, or that timeout, mark it unreachable: it leaves the allocator, its tasks
 *   become TASK_UNREACHABLE (PARTITION_AWARE frameworks) or TASK_LOST, REASON_AGENT_REMOVED, with
 *   `unreachable_time`, its offers are rescinded and every connected framework gets
 *   FAILURE{agent_id} (Mesos notifies all connected frameworks, not only those using the agent);
 * - an agent that unregisters is removed the same way, its tasks TASK_LOST.
 */
import type { AgentRecord } from './agent-registry.js';
import type { MasterContext } from './context.js';
import { failureEvent, masterStatus } from './events.js';
import { removeExecutors } from './executors.js';
import { type FrameworkRecord, isPartitionAware } from './framework-registry.js';
import { rescindOffer } from './offer-lifecycle.js';
import { endTask, forwardStatus, updateTask } from './task-lifecycle.js';

/** The agent's connection broke. */
export function disconnectAgent(ctx: MasterContext, agent: AgentRecord): void {
  // A second `exited` for an agent already disconnected is ignored (MESOS-675).
  if (!agent.connected) return;
  agent.connected = false;
  deactivateAgent(ctx, agent);
  const frameworkIds = new Set([...ctx.tasks.onAgentByFramework(agent.id).keys(), ...agent.executors.keys()]);
  for (const id of frameworkIds) {
    const framework = ctx.frameworks.get(id);
    if (framework !== undefined && framework.info.checkpoint !== true)
      removeFrameworkFromAgent(ctx, agent, framework);
  }
  const timeoutMs = ctx.options.agentReregisterTimeoutMs;
  agent.reregisterTimer = ctx.timers.set(timeoutMs, 'agent-reregister', () => {
    agent.reregisterTimer = undefined;
    if (ctx.agents.get(agent.id) !== agent || agent.connected) return;
    markUnreachable(ctx, agent, `agent did not reregister within ${timeoutMs} ms after disconnecting`);
  });
  ctx.trace('agent-disconnected', { agent: agent.id });
}

/** Stops offering the agent and rescinds its offers. */
function deactivateAgent(ctx: MasterContext, agent: AgentRecord): void {
  agent.active = false;
  ctx.allocator.deactivateAgent(agent.id);
  for (const offer of ctx.offers.onAgent(agent.id)) rescindOffer(ctx, offer, 'agent disconnected');
}

/** A non-checkpointing framework's tasks and executors on a disconnected agent are lost. */
function removeFrameworkFromAgent(ctx: MasterContext, agent: AgentRecord, framework: FrameworkRecord): void {
  const message = `Agent ${agent.info.hostname} disconnected`;
  for (const task of ctx.tasks.onAgentByFramework(agent.id).get(framework.id) ?? []) {
    endTask(
      ctx,
      task,
      { state: 'TASK_LOST', reason: 'REASON_AGENT_DISCONNECTED', message },
      { notify: true },
    );
  }
  removeExecutors(ctx, agent, framework.id);
}

/** Health checks failed or the agent did not reregister in time. */
export function markUnreachable(ctx: MasterContext, agent: AgentRecord, why: string): void {
  if (agent.markingUnreachable === true) return;
  agent.markingUnreachable = true;
  const now = ctx.now();
  // Mesos makes it durable first (registrar MarkSlaveUnreachable), then removes the agent: a
  // master that restarts in between still knows the agent unreachable.
  ctx.registrar.apply({ kind: 'mark-unreachable', id: agent.id, atMs: now }, () => {
    if (ctx.agents.get(agent.id) === agent) removeUnreachable(ctx, agent, why, now);
  });
}

function removeUnreachable(ctx: MasterContext, agent: AgentRecord, why: string, now: number): void {
  const evicted = ctx.agents.unreachable.set(agent.id, now);
  if (evicted !== undefined) ctx.tasks.forgetAgent(evicted[0]);
  // Removed from the allocator first, so that nothing recovered below is offered again.
  ctx.allocator.removeAgent(agent.id);
  for (const [frameworkId, tasks] of ctx.tasks.onAgentByFramework(agent.id)) {
    const framework = ctx.frameworks.get(frameworkId);
    const state = framework !== undefined && isPartitionAware(framework) ? 'TASK_UNREACHABLE' : 'TASK_LOST';
    for (const task of tasks) {
      endTask(
        ctx,
        task,
        { state, reason: 'REASON_AGENT_REMOVED', message: why, unreachableTimeMs: now },
        { unreachable: true, notify: true },
      );
    }
  }
  dropAgent(ctx, agent, 'agent unreachable');
  ctx.trace('agent-unreachable', { agent: agent.id, why });
}

/** The agent unregistered (or is replaced): its tasks are lost for good. */
export function removeAgent(ctx: MasterContext, agent: AgentRecord, why: string): void {
  ctx.allocator.removeAgent(agent.id);
  const message = `Agent ${agent.info.hostname} removed: ${why}`;
  for (const tasks of ctx.tasks.onAgentByFramework(agent.id).values()) {
    for (const task of tasks) {
      endTask(ctx, task, { state: 'TASK_LOST', reason: 'REASON_AGENT_REMOVED', message }, { notify: true });
    }
  }
  ctx.agents.removed.set(agent.id, true);
  ctx.registrar.apply({ kind: 'remove-agent', id: agent.id });
  dropAgent(ctx, agent, 'agent removed');
  ctx.trace('agent-removed', { agent: agent.id, why });
}

/**
 * An operator marked the agent gone (MARK_AGENT_GONE, already in the registry): Mesos's
 * `markGone` shuts it down and removes it with no unreachable time, so the tasks of
 * PARTITION_AWARE frameworks become TASK_GONE_BY_OPERATOR and the others' TASK_LOST.
 */
export function removeGoneAgent(ctx: MasterContext, agent: AgentRecord): void {
  ctx.sendAgent(agent, { type: 'SHUTDOWN_AGENT', message: GONE });
  ctx.allocator.removeAgent(agent.id);
  for (const [frameworkId, tasks] of ctx.tasks.onAgentByFramework(agent.id)) {
    const spec = goneStatus(ctx.frameworks.get(frameworkId));
    for (const task of tasks) endTask(ctx, task, spec, { notify: true });
  }
  ctx.agents.removed.set(agent.id, true);
  dropAgent(ctx, agent, 'agent marked gone');
  ctx.trace('agent-removed', { agent: agent.id, why: GONE });
}

/**
 * An unreachable agent was marked gone: its unreachable tasks end as in {@link removeGoneAgent}
 * and become completed (Mesos `markGone` for an agent in `slaves.unreachable`).
 */
export function endUnreachableTasksOfGoneAgent(ctx: MasterContext, agentId: string): void {
  for (const task of ctx.tasks.takeUnreachableOnAgent(agentId)) {
    const framework = ctx.frameworks.get(task.frameworkId);
    const status = masterStatus({
      ...goneStatus(framework),
      taskId: task.taskId,
      nowMs: ctx.now(),
      agentId: task.agentId,
      executorId: task.executorId,
    });
    updateTask(ctx, task, status);
    ctx.tasks.addCompleted(task);
    if (framework !== undefined) forwardStatus(ctx, framework, status, task);
  }
}

const GONE = 'Agent has been marked gone';

/** TASK_GONE_BY_OPERATOR for PARTITION_AWARE frameworks, TASK_LOST for the others (`__removeSlave`). */
function goneStatus(framework: FrameworkRecord | undefined) {
  return framework !== undefined && isPartitionAware(framework)
    ? ({ state: 'TASK_GONE_BY_OPERATOR', reason: 'REASON_AGENT_REMOVED_BY_OPERATOR', message: GONE } as const)
    : ({ state: 'TASK_LOST', reason: 'REASON_AGENT_REMOVED', message: GONE } as const);
}

/** The common end of a removal: executors, offers, timers, registry, FAILURE to frameworks. */
function dropAgent(ctx: MasterContext, agent: AgentRecord, why: string): void {
  removeExecutors(ctx, agent);
  for (const offer of ctx.offers.onAgent(agent.id)) rescindOffer(ctx, offer, why);
  agent.health.dueAtMs = undefined; // its entry in the ping schedule is skipped from now on
  ctx.env.health?.stopped(agent.address);
  ctx.timers.cancel(agent.reregisterTimer);
  agent.reregisterTimer = undefined;
  agent.connected = false;
  agent.active = false;
  ctx.agents.delete(agent);
  for (const framework of ctx.frameworks.all()) ctx.sendEvent(framework, failureEvent(agent.agentId));
}
