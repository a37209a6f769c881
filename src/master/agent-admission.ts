/**
 * What registration, reregistration and readmission of agents share: the connection settings
 * the master announces, building an agent record, checking its resources, re-sending kills and
 * framework shutdowns it missed, and telling it the current FrameworkInfos.
 */
import type { AgentMessage, MasterAgentConnection } from '../core/messages/agent-protocol.js';
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { AgentID } from '../core/messages/ids.js';
import { resourcesFromList } from '../core/messages/resources-json.js';
import type { Task } from '../core/messages/task.js';
import { isTerminalState } from '../core/messages/task-state.js';
import type { Address } from '../core/process.js';
import type { Resources } from '../core/resources.js';
import { type AgentRecord, taskKey } from './agent-registry.js';
import type { MasterContext } from './context.js';
import { recoverFramework } from './framework-lifecycle.js';
import { totalWithReservations } from './reservations.js';

/** REGISTER_AGENT or REREGISTER_AGENT. */
export type Registration = Extract<AgentMessage, { type: 'REGISTER_AGENT' | 'REREGISTER_AGENT' }>;

/** What the master tells agents about its health checks (`MasterSlaveConnection`). */
export function connection(ctx: MasterContext): MasterAgentConnection {
  return {
    total_ping_timeout_seconds: (ctx.options.agentPingTimeoutMs * ctx.options.maxAgentPingTimeouts) / 1000,
  };
}

/** A connected, active agent record for a (re)registration from `from`. */
export function newAgent(
  ctx: MasterContext,
  agentId: AgentID,
  msg: Registration,
  from: Address,
  total: Resources,
): AgentRecord {
  return {
    id: agentId.value,
    agentId,
    info: { ...msg.agent, id: agentId },
    address: from,
    total,
    capabilities: msg.agent_capabilities ?? [],
    version: msg.version,
    connected: true,
    active: true,
    registeredAtMs: ctx.now(),
    reregisteredAtMs: undefined,
    executors: new Map(),
    killedTasks: new Set(),
    health: { dueAtMs: undefined, pinged: false, timeouts: 0 },
    reregisterTimer: undefined,
  };
}

/** The agent's total resources, or undefined (traced) when they are invalid or over the limit. */
export function admissibleTotal(ctx: MasterContext, from: Address, msg: Registration): Resources | undefined {
  if (ctx.agents.size >= ctx.options.limits.maxAgents) {
    ctx.trace('agent-refused', { from, why: 'too many agents' });
    return undefined;
  }
  const total = resourcesFromList(msg.agent.resources ?? [], 'agent.resources');
  if (!total.ok) {
    ctx.trace('agent-refused', { from, why: `${total.error.path}: ${total.error.message}` });
    return undefined;
  }
  const withReservations = totalWithReservations(
    ctx,
    total.value,
    msg.agent.id?.value,
    msg.checkpointed_resources,
  );
  if (typeof withReservations === 'string') {
    ctx.trace('agent-refused', { from, why: withReservations });
    return undefined;
  }
  return withReservations;
}

/** Kills the agent missed while partitioned, and shutdowns of frameworks removed meanwhile. */
export function resendKillsAndShutdowns(
  ctx: MasterContext,
  agent: AgentRecord,
  reported: readonly Task[],
): void {
  const shutdown = new Set<string>();
  for (const t of reported) {
    const frameworkId = t.framework_id.value;
    if (!isTerminalState(t.state) && agent.killedTasks.has(taskKey(frameworkId, t.task_id.value))) {
      ctx.sendAgent(agent, { type: 'KILL_TASK', framework_id: t.framework_id, task_id: t.task_id });
    }
    if (ctx.frameworkRemoved(frameworkId) && !shutdown.has(frameworkId)) {
      shutdown.add(frameworkId);
      ctx.sendAgent(agent, { type: 'SHUTDOWN_FRAMEWORK', framework_id: t.framework_id });
    }
  }
}

/** UPDATE_FRAMEWORK for the frameworks the master knows; the others are recovered. */
export function updateAgentFrameworks(
  ctx: MasterContext,
  agent: AgentRecord,
  infos: readonly FrameworkInfo[],
): void {
  for (const info of infos) {
    const id = info.id;
    if (id === undefined) continue;
    const framework = ctx.frameworks.get(id.value);
    if (framework !== undefined) {
      ctx.sendAgent(agent, { type: 'UPDATE_FRAMEWORK', framework_id: id, framework_info: framework.info });
    } else if (!ctx.frameworkRemoved(id.value)) {
      recoverFramework(ctx, { ...info, id });
    }
  }
}
