/**
 * Custom executors the master accounts for (src/master/master.cpp `addExecutor`,
 * `removeExecutor`): an executor launched with a task holds its own resources until the agent
 * reports it exited, the agent forgets it, or its framework leaves the agent. Command tasks'
 * executors are the agent's business and are not tracked, as in Mesos.
 */
import type { ExecutorInfo } from '../core/messages/task-info.js';
import type { Resources } from '../core/resources.js';
import type { AgentRecord, ExecutorRecord } from './agent-registry.js';
import type { MasterContext } from './context.js';
import { getOrCreate } from './task-book.js';

/** The executor `executorId` of a framework on an agent, if the master knows it. */
export function findExecutor(
  agent: AgentRecord,
  frameworkId: string,
  executorId: string,
): ExecutorRecord | undefined {
  return agent.executors.get(frameworkId)?.get(executorId);
}

/** Starts accounting for an executor (its resources are already allocated to the framework). */
export function addExecutor(
  agent: AgentRecord,
  frameworkId: string,
  info: ExecutorInfo,
  role: string,
  resources: Resources,
): void {
  getOrCreate(agent.executors, frameworkId, () => new Map()).set(info.executor_id.value, {
    info,
    frameworkId,
    role,
    resources,
  });
}

/** Stops accounting for an executor and gives its resources back to the allocator. */
export function removeExecutor(
  ctx: MasterContext,
  agent: AgentRecord,
  frameworkId: string,
  executorId: string,
): void {
  const byFramework = agent.executors.get(frameworkId);
  const executor = byFramework?.get(executorId);
  if (byFramework === undefined || executor === undefined) return;
  ctx.allocator.recoverResources({
    frameworkId,
    agentId: agent.id,
    role: executor.role,
    resources: executor.resources,
  });
  byFramework.delete(executorId);
  if (byFramework.size === 0) agent.executors.delete(frameworkId);
}

/** Removes every executor of a framework on an agent (or of every framework). */
export function removeExecutors(ctx: MasterContext, agent: AgentRecord, frameworkId?: string): void {
  const frameworkIds = frameworkId === undefined ? [...agent.executors.keys()] : [frameworkId];
  for (const fw of frameworkIds) {
    for (const executorId of [...(agent.executors.get(fw)?.keys() ?? [])]) {
      removeExecutor(ctx, agent, fw, executorId);
    }
  }
}
