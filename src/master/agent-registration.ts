/**
 * Agent registration (src/master/master.cpp `registerSlave`, `reregisterSlave`,
 * `__reregisterSlave`, `___reregisterSlave`, `reconcileKnownSlave`, `updateSlaveFrameworks`):
 * - REGISTER_AGENT: a new AgentID, the agent's resources to the allocator (which allocates on
 *   it at once), AGENT_REGISTERED, then health checks. A retry from a connected agent's address
 *   gets AGENT_REGISTERED again; a new registration at a disconnected agent's address replaces
 *   that agent.
 * - REREGISTER_AGENT from a registered agent: the master's tasks the agent does not report are
 *   sent back for the agent to reconcile, executors it does not report are forgotten, kills it
 *   missed are sent again, and a disconnected agent is reconnected and reactivated.
 * - REREGISTER_AGENT with an id the master does not have readmits the agent
 *   (agent-readmission.ts).
 */
import type { AgentMessage, ReconcileTasks } from '../core/messages/agent-protocol.js';
import type { AgentID } from '../core/messages/ids.js';
import type { Task } from '../core/messages/task.js';
import type { ExecutorInfo } from '../core/messages/task-info.js';
import { isTerminalState } from '../core/messages/task-state.js';
import type { Address } from '../core/process.js';
import type { Resources } from '../core/resources.js';
import {
  admissibleTotal,
  connection,
  newAgent,
  resendKillsAndShutdowns,
  updateAgentFrameworks,
} from './agent-admission.js';
import { readmit } from './agent-readmission.js';
import { type AgentRecord, taskKey } from './agent-registry.js';
import { removeAgent } from './agent-removal.js';
import type { MasterContext } from './context.js';
import { removeExecutor } from './executors.js';
import { startHealthChecks } from './health.js';
import { syncAgentResources } from './reservations.js';

type Register = Extract<AgentMessage, { type: 'REGISTER_AGENT' }>;
type Reregister = Extract<AgentMessage, { type: 'REREGISTER_AGENT' }>;

/** REGISTER_AGENT. */
export function handleRegister(ctx: MasterContext, from: Address, msg: Register): void {
  const existing = ctx.agents.at(from);
  if (existing?.connected) {
    ctx.sendAgent(existing, {
      type: 'AGENT_REGISTERED',
      agent_id: existing.agentId,
      connection: connection(ctx),
    });
    return;
  }
  if (ctx.admitting.has(from)) {
    // The registry is writing this agent's admission; it answers once the write is durable.
    ctx.trace('agent-register-ignored', { from, why: 'admission being written' });
    return;
  }
  if (existing !== undefined) removeAgent(ctx, existing, 'a new agent registered at the same address');
  const total = admissibleTotal(ctx, from, msg);
  if (total === undefined) return;
  const agentId = ctx.ids.nextAgent();
  ctx.admitting.add(from);
  // Mesos admits an agent in the registry before telling it its id (registrar AdmitSlave), so
  // that no agent holds an id a restarted master has never heard of.
  ctx.registrar.apply({ kind: 'admit-agent', id: agentId.value, hostname: msg.agent.hostname }, () => {
    ctx.admitting.delete(from);
    admit(ctx, from, agentId, msg, total);
  });
}

function admit(ctx: MasterContext, from: Address, agentId: AgentID, msg: Register, total: Resources): void {
  const agent = newAgent(ctx, agentId, msg, from, total);
  ctx.agents.add(agent);
  ctx.allocator.addAgent(agent.id, total);
  ctx.sendAgent(agent, { type: 'AGENT_REGISTERED', agent_id: agent.agentId, connection: connection(ctx) });
  syncAgentResources(ctx, agent, msg.checkpointed_resources);
  startHealthChecks(ctx, agent);
  ctx.allocation.trigger([agent.id]);
  ctx.trace('agent-registered', { agent: agent.id, from, hostname: agent.info.hostname });
}

/** REREGISTER_AGENT. */
export function handleReregister(ctx: MasterContext, from: Address, msg: Reregister): void {
  const id = msg.agent.id?.value;
  if (id === undefined) {
    ctx.trace('agent-refused', { from, why: 'reregistration without an agent id' });
    return;
  }
  if (ctx.agentsMarkedGone.has(id)) {
    // Mesos shuts down an agent marked gone that comes back (master.cpp `reregisterSlave`).
    ctx.env.send(from, {
      channel: 'agent',
      message: { type: 'SHUTDOWN_AGENT', message: 'Agent has been marked gone' },
    });
    ctx.trace('agent-refused', { from, agent: id, why: 'marked gone' });
    return;
  }
  const known = ctx.agents.get(id);
  if (known?.markingUnreachable === true) {
    // Mesos ignores it too; the agent retries, and is readmitted once it is marked.
    ctx.trace('agent-reregister-ignored', { from, agent: id, why: 'being marked unreachable' });
    return;
  }
  if (known !== undefined) reregisterKnown(ctx, from, known, msg);
  else readmit(ctx, from, { value: id }, msg);
}

function reregisterKnown(ctx: MasterContext, from: Address, agent: AgentRecord, msg: Reregister): void {
  if (agent.address !== from || agent.info.hostname !== msg.agent.hostname) {
    ctx.env.send(from, {
      channel: 'agent',
      message: {
        type: 'SHUTDOWN_AGENT',
        message: 'Agent attempted to reregister with different IP / hostname',
      },
    });
    ctx.trace('agent-refused', { from, agent: agent.id, why: 'different address or hostname' });
    return;
  }
  agent.reregisteredAtMs = ctx.now();
  agent.capabilities = msg.agent_capabilities ?? agent.capabilities;
  agent.version = msg.version ?? agent.version;
  reconcileKnownAgent(ctx, agent, msg.tasks ?? [], msg.executor_infos ?? []);
  syncAgentResources(ctx, agent, msg.checkpointed_resources);
  if (!agent.connected) {
    ctx.timers.cancel(agent.reregisterTimer);
    agent.reregisterTimer = undefined;
    agent.connected = true;
    agent.active = true;
    ctx.allocator.activateAgent(agent.id);
  }
  updateAgentFrameworks(ctx, agent, msg.frameworks ?? []);
  ctx.trace('agent-reregistered', { agent: agent.id, from });
}

/** Mesos `reconcileKnownSlave`. */
function reconcileKnownAgent(
  ctx: MasterContext,
  agent: AgentRecord,
  reported: readonly Task[],
  executors: readonly ExecutorInfo[],
): void {
  const reportedKeys = new Set(reported.map((t) => taskKey(t.framework_id.value, t.task_id.value)));
  const reconciliations: ReconcileTasks[] = [];
  for (const [frameworkId, tasks] of ctx.tasks.onAgentByFramework(agent.id)) {
    const framework = ctx.frameworks.get(frameworkId);
    const missing = tasks.filter((t) => !reportedKeys.has(taskKey(frameworkId, t.taskId)));
    if (framework === undefined || missing.length === 0) continue;
    reconciliations.push({
      framework_id: framework.frameworkId,
      statuses: missing.map((t) => ({
        task_id: { value: t.taskId },
        agent_id: agent.agentId,
        state: t.statusUpdateState ?? t.state,
        source: 'SOURCE_MASTER',
        message: 'Reconciliation request',
        reason: 'REASON_RECONCILIATION',
        timestamp: ctx.now() / 1000,
      })),
      framework: framework.info,
    });
  }
  ctx.sendAgent(agent, {
    type: 'AGENT_REREGISTERED',
    agent_id: agent.agentId,
    ...(reconciliations.length === 0 ? {} : { reconciliations }),
    connection: connection(ctx),
  });
  const reportedExecutors = new Set(
    executors.map((e) => taskKey(e.framework_id?.value ?? '', e.executor_id.value)),
  );
  for (const [frameworkId, byId] of [...agent.executors]) {
    for (const executorId of [...byId.keys()]) {
      if (!reportedExecutors.has(taskKey(frameworkId, executorId)))
        removeExecutor(ctx, agent, frameworkId, executorId);
    }
  }
  resendKillsAndShutdowns(ctx, agent, reported);
  killWrittenOff(ctx, agent, reported);
}

/**
 * Tasks of non-checkpointing frameworks that the master ended (TASK_LOST) when the agent
 * disconnected, but that the agent still runs: their resources were offered again, so they are
 * killed rather than left to over-commit the agent. The framework already heard TASK_LOST;
 * the agent's TASK_KILLED is for a task the master no longer knows, and is ignored.
 */
function killWrittenOff(ctx: MasterContext, agent: AgentRecord, reported: readonly Task[]): void {
  for (const t of reported) {
    if (isTerminalState(t.state) || ctx.tasks.get(t.framework_id.value, t.task_id.value) !== undefined)
      continue;
    const framework = ctx.frameworks.get(t.framework_id.value);
    if (framework === undefined || framework.info.checkpoint === true) continue;
    ctx.sendAgent(agent, { type: 'KILL_TASK', framework_id: t.framework_id, task_id: t.task_id });
    ctx.trace('task-written-off-killed', { agent: agent.id, framework: framework.id, task: t.task_id.value });
  }
}
