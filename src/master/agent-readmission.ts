/**
 * Readmission of an agent the master does not have registered: one it marked unreachable, one
 * that unregistered, or one it never saw (e.g. after a master restart). Mesos (>= 1.5) takes the
 * agent back with the tasks it reports, which are not killed: connected frameworks hear each
 * task's state with REASON_AGENT_REREGISTERED, frameworks the master does not know are recovered
 * from the FrameworkInfos the agent reports, and tasks of removed frameworks are not taken back
 * (the agent is told to shut those frameworks down). src/master/master.cpp `__reregisterSlave`.
 */
import type { UsedResources } from '../allocator/allocator.js';
import type { AgentMessage } from '../core/messages/agent-protocol.js';
import type { AgentID } from '../core/messages/ids.js';
import { type ResourceJson, resourcesFromList } from '../core/messages/resources-json.js';
import type { Task } from '../core/messages/task.js';
import type { ExecutorInfo } from '../core/messages/task-info.js';
import type { Address } from '../core/process.js';
import type { Resources } from '../core/resources.js';
import { UNRESERVED_ROLE } from '../core/roles.js';
import {
  admissibleTotal,
  connection,
  newAgent,
  resendKillsAndShutdowns,
  updateAgentFrameworks,
} from './agent-admission.js';
import { taskKey } from './agent-registry.js';
import { ensureRole } from './allocator-roles.js';
import type { MasterContext } from './context.js';
import { masterStatus } from './events.js';
import { addExecutor } from './executors.js';
import { recoverFramework } from './framework-lifecycle.js';
import type { FrameworkRecord } from './framework-registry.js';
import { startHealthChecks } from './health.js';
import { syncAgentResources } from './reservations.js';
import type { TaskRecord } from './task-book.js';
import { forwardStatus, isTerminalOrUnreachable } from './task-lifecycle.js';

type Reregister = Extract<AgentMessage, { type: 'REREGISTER_AGENT' }>;

/** The allocation role of resources a task or executor holds (their `allocation_info`). */
function allocationRole(resources: readonly ResourceJson[] | undefined, framework: FrameworkRecord): string {
  for (const r of resources ?? []) if (r.allocation_info?.role !== undefined) return r.allocation_info.role;
  // Mesos injects the framework's only role for agents that do not send allocation info.
  return framework.roles[0] ?? UNRESERVED_ROLE;
}

function taskFromReport(
  ctx: MasterContext,
  framework: FrameworkRecord,
  agentId: string,
  t: Task,
): TaskRecord | string {
  const resources = resourcesFromList(t.resources ?? [], 'resources');
  if (!resources.ok) return `${resources.error.path}: ${resources.error.message}`;
  if (t.state === 'TASK_UNREACHABLE') return 'reported in TASK_UNREACHABLE';
  if (ctx.tasks.get(framework.id, t.task_id.value) !== undefined) return 'duplicate task id';
  return {
    taskId: t.task_id.value,
    frameworkId: framework.id,
    agentId,
    name: t.name,
    executorId: t.executor_id?.value,
    role: allocationRole(t.resources, framework),
    resources: resources.value,
    labels: t.labels,
    state: t.state,
    statusUpdateState: t.status_update_state,
    statusUpdateUuid: t.status_update_uuid,
    statuses: [...(t.statuses ?? [])].slice(-ctx.options.limits.maxStatusesPerTask),
  };
}

/** An executor the agent reports, with what it holds. */
interface ReportedExecutor {
  readonly framework: FrameworkRecord;
  readonly info: ExecutorInfo;
  readonly role: string;
  readonly resources: Resources;
}

/** Readmits an agent with the id it reregisters with (see the module comment). */
export function readmit(ctx: MasterContext, from: Address, agentId: AgentID, msg: Reregister): void {
  const total = admissibleTotal(ctx, from, msg);
  if (total === undefined) return;
  recoverReportedFrameworks(ctx, msg);
  const tasks = reportedTasks(ctx, agentId.value, msg.tasks ?? []);
  const executors = reportedExecutors(ctx, msg.executor_infos ?? []);
  for (const t of tasks) ensureRole(ctx, ctx.frameworks.get(t.frameworkId) as FrameworkRecord, t.role);
  for (const e of executors) ensureRole(ctx, e.framework, e.role);
  const wasUnreachable = ctx.agents.unreachable.has(agentId.value);
  ctx.tasks.reachableAgain(
    agentId.value,
    tasks.map((t) => [t.frameworkId, t.taskId]),
  );
  ctx.agents.unreachable.delete(agentId.value);
  ctx.agents.removed.delete(agentId.value);
  ctx.recoveredAgents.delete(agentId.value);
  // Not waited for, unlike Mesos's MarkSlaveReachable: a master that restarts before the write
  // lands finds the agent unreachable or unknown, and readmits it when it reregisters again.
  ctx.registrar.apply({
    kind: wasUnreachable ? 'mark-reachable' : 'admit-agent',
    id: agentId.value,
    hostname: msg.agent.hostname,
  });
  const agent = newAgent(ctx, agentId, msg, from, total);
  agent.reregisteredAtMs = ctx.now();
  ctx.agents.add(agent);
  for (const t of tasks) ctx.tasks.add(t);
  for (const e of executors) addExecutor(agent, e.framework.id, e.info, e.role, e.resources);
  ctx.allocator.addAgent(agent.id, total, usedOf(tasks, executors, agent.id));
  ctx.sendAgent(agent, { type: 'AGENT_REREGISTERED', agent_id: agentId, connection: connection(ctx) });
  syncAgentResources(ctx, agent, msg.checkpointed_resources);
  startHealthChecks(ctx, agent);
  announceTasks(
    ctx,
    tasks,
    wasUnreachable ? 'Unreachable agent re-reregistered' : 'Unknown agent reregistered',
  );
  resendKillsAndShutdowns(ctx, agent, msg.tasks ?? []);
  updateAgentFrameworks(ctx, agent, msg.frameworks ?? []);
  ctx.allocation.trigger([agent.id]);
  ctx.trace('agent-readmitted', { agent: agent.id, from, tasks: tasks.length, wasUnreachable });
}

/** Frameworks the agent runs that the master does not know (and did not remove) are recovered. */
function recoverReportedFrameworks(ctx: MasterContext, msg: Reregister): void {
  for (const info of msg.frameworks ?? []) {
    const id = info.id;
    if (id === undefined || ctx.frameworks.get(id.value) !== undefined || ctx.frameworkRemoved(id.value)) {
      continue;
    }
    recoverFramework(ctx, { ...info, id });
  }
}

/** The reported tasks the master takes back (not those of removed frameworks or malformed ones). */
function reportedTasks(ctx: MasterContext, agentId: string, reported: readonly Task[]): TaskRecord[] {
  const out: TaskRecord[] = [];
  const seen = new Set<string>();
  for (const t of reported) {
    const frameworkId = t.framework_id.value;
    if (ctx.frameworkRemoved(frameworkId)) continue; // shut down below instead
    const framework = ctx.frameworks.get(frameworkId);
    const key = taskKey(frameworkId, t.task_id.value);
    const record =
      framework === undefined
        ? 'unknown framework'
        : seen.has(key)
          ? 'reported twice'
          : taskFromReport(ctx, framework, agentId, t);
    seen.add(key);
    if (typeof record === 'string') {
      ctx.trace('reported-task-ignored', {
        agent: agentId,
        framework: frameworkId,
        task: t.task_id.value,
        why: record,
      });
      continue;
    }
    out.push(record);
  }
  return out;
}

function reportedExecutors(ctx: MasterContext, infos: readonly ExecutorInfo[]): ReportedExecutor[] {
  const out: ReportedExecutor[] = [];
  for (const info of infos) {
    const framework =
      info.framework_id === undefined ? undefined : ctx.frameworks.get(info.framework_id.value);
    const resources = resourcesFromList(info.resources ?? [], 'resources');
    if (framework === undefined || !resources.ok) continue;
    out.push({
      framework,
      info,
      role: allocationRole(info.resources, framework),
      resources: resources.value,
    });
  }
  return out;
}

function usedOf(
  tasks: readonly TaskRecord[],
  executors: readonly ReportedExecutor[],
  agentId: string,
): UsedResources[] {
  const used: UsedResources[] = [];
  for (const t of tasks) {
    if (!isTerminalOrUnreachable(t.state)) {
      used.push({ frameworkId: t.frameworkId, agentId, role: t.role, resources: t.resources });
    }
  }
  for (const e of executors)
    used.push({ frameworkId: e.framework.id, agentId, role: e.role, resources: e.resources });
  return used;
}

/** Tells connected frameworks the state of their tasks on a readmitted agent. */
function announceTasks(ctx: MasterContext, tasks: readonly TaskRecord[], message: string): void {
  for (const t of tasks) {
    const framework = ctx.frameworks.get(t.frameworkId);
    if (framework === undefined) continue;
    const status = masterStatus({
      taskId: t.taskId,
      state: t.state,
      reason: 'REASON_AGENT_REREGISTERED',
      message,
      nowMs: ctx.now(),
      agentId: t.agentId,
      executorId: t.executorId,
    });
    forwardStatus(ctx, framework, status);
  }
}
