/**
 * The master's state in the operator API v1's shapes (include/mesos/v1/master/master.proto
 * `Response.GetState`, `GetAgents.Agent`, `GetFrameworks.Framework`, `GetExecutors.Executor`,
 * `GetTasks`, `Role`; Mesos JSON: snake_case, `{value}` ids, times as `TimeInfo` nanoseconds,
 * resources as `Resource` lists). GET_STATE, GET_AGENTS, GET_FRAMEWORKS, GET_EXECUTORS,
 * GET_TASKS, GET_ROLES and the SUBSCRIBE stream are all cut from it. Built on demand; it shares
 * nothing with the master's records.
 */

import type { AgentInfo } from '../core/messages/cluster-info.js';
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { FrameworkID } from '../core/messages/ids.js';
import type { ResourceJson } from '../core/messages/resources-json.js';
import { resourcesToJson } from '../core/messages/resources-json.js';
import type { Task } from '../core/messages/task.js';
import type { ExecutorInfo } from '../core/messages/task-info.js';
import { Resources } from '../core/resources.js';
import { UNRESERVED_ROLE } from '../core/roles.js';
import type { AgentRecord } from './agent-registry.js';
import type { MasterContext } from './context.js';
import type { FrameworkRecord } from './framework-registry.js';
import { agentUsage } from './state.js';
import type { TaskRecord } from './task-book.js';
import { isTerminalOrUnreachable } from './task-lifecycle.js';

/** Mesos `TimeInfo`. */
export interface TimeInfo {
  readonly nanoseconds: number;
}

/** `Response.GetAgents.Agent`. */
export interface V1Agent {
  readonly agent_info: AgentInfo;
  readonly active: boolean;
  readonly deactivated: boolean;
  readonly version: string;
  readonly pid: string;
  readonly registered_time: TimeInfo;
  readonly reregistered_time?: TimeInfo;
  readonly total_resources: readonly ResourceJson[];
  readonly allocated_resources: readonly ResourceJson[];
  readonly offered_resources: readonly ResourceJson[];
  readonly capabilities: readonly { readonly type: string }[];
}

/** `Response.GetFrameworks.Framework`. */
export interface V1Framework {
  readonly framework_info: FrameworkInfo;
  readonly active: boolean;
  readonly connected: boolean;
  readonly recovered: boolean;
  readonly registered_time?: TimeInfo;
  readonly reregistered_time?: TimeInfo;
  readonly unregistered_time?: TimeInfo;
  readonly allocated_resources: readonly ResourceJson[];
  readonly offered_resources: readonly ResourceJson[];
}

/** `Response.GetExecutors.Executor`. */
export interface V1Executor {
  readonly executor_info: ExecutorInfo;
  readonly agent_id: { readonly value: string };
}

/** `Response.GetTasks`. */
export interface V1Tasks {
  readonly tasks: readonly Task[];
  readonly unreachable_tasks: readonly Task[];
  readonly completed_tasks: readonly Task[];
}

/** `Response.GetState`. */
export interface V1State {
  readonly get_tasks: V1Tasks;
  readonly get_executors: { readonly executors: readonly V1Executor[] };
  readonly get_frameworks: {
    readonly frameworks: readonly V1Framework[];
    readonly completed_frameworks: readonly V1Framework[];
  };
  readonly get_agents: {
    readonly agents: readonly V1Agent[];
    readonly recovered_agents: readonly AgentInfo[];
  };
}

/** `Role` (master.proto `Role`; GET_ROLES). */
export interface V1Role {
  readonly name: string;
  readonly weight: number;
  readonly frameworks: readonly FrameworkID[];
  readonly resources: readonly ResourceJson[];
}

/** Milliseconds on the master's clock as a `TimeInfo`. */
export function timeInfo(ms: number): TimeInfo {
  return { nanoseconds: Math.round(ms * 1_000_000) };
}

/** The whole state (GET_STATE, and SUBSCRIBED's `get_state`). */
export function operatorState(ctx: MasterContext): V1State {
  const tasks: Task[] = [];
  const unreachable: Task[] = [];
  const completed: Task[] = [];
  const frameworks: V1Framework[] = [];
  for (const f of ctx.frameworks.all()) {
    frameworks.push(v1Framework(ctx, f, undefined));
    for (const t of ctx.tasks.ofFramework(f.id)) tasks.push(v1Task(t));
    for (const t of ctx.tasks.unreachableOf(f.id)) unreachable.push(v1Task(t));
    for (const t of ctx.tasks.completedOf(f.id)) completed.push(v1Task(t));
  }
  const completedFrameworks: V1Framework[] = [];
  for (const c of ctx.frameworks.completed()) {
    completedFrameworks.push(v1Framework(ctx, c.record, c.unregisteredAtMs));
    for (const t of c.completedTasks) completed.push(v1Task(t));
  }
  const agents = [...ctx.agents.all()];
  const executors: V1Executor[] = [];
  for (const agent of agents) {
    for (const byId of agent.executors.values()) {
      for (const e of byId.values()) executors.push({ executor_info: e.info, agent_id: agent.agentId });
    }
  }
  return {
    get_tasks: { tasks, unreachable_tasks: unreachable, completed_tasks: completed },
    get_executors: { executors },
    get_frameworks: { frameworks, completed_frameworks: completedFrameworks },
    get_agents: {
      agents: agents.map((a) => v1Agent(ctx, a)),
      recovered_agents: [...ctx.recoveredAgents].map(([id, hostname]) => ({ hostname, id: { value: id } })),
    },
  };
}

/** One agent (GET_AGENTS, AGENT_ADDED). */
export function v1Agent(ctx: MasterContext, agent: AgentRecord): V1Agent {
  const { used, offered } = agentUsage(ctx, agent);
  return {
    agent_info: { ...agent.info, id: agent.agentId, resources: resourcesToJson(agent.total) },
    active: agent.active,
    deactivated: !agent.active,
    version: agent.version ?? '',
    pid: agent.address,
    registered_time: timeInfo(agent.registeredAtMs),
    ...(agent.reregisteredAtMs === undefined ? {} : { reregistered_time: timeInfo(agent.reregisteredAtMs) }),
    total_resources: resourcesToJson(agent.total),
    allocated_resources: resourcesToJson(used),
    offered_resources: resourcesToJson(offered),
    capabilities: agent.capabilities.map((c) => ({ type: c.type })),
  };
}

/** One framework (GET_FRAMEWORKS, FRAMEWORK_ADDED/UPDATED). */
export function v1Framework(
  ctx: MasterContext,
  f: FrameworkRecord,
  unregisteredAtMs: number | undefined,
): V1Framework {
  let allocated = Resources.EMPTY;
  for (const t of ctx.tasks.ofFramework(f.id))
    if (!isTerminalOrUnreachable(t.state)) allocated = allocated.add(t.resources);
  for (const agent of ctx.agents.all()) {
    for (const e of agent.executors.get(f.id)?.values() ?? []) allocated = allocated.add(e.resources);
  }
  let offered = Resources.EMPTY;
  for (const o of ctx.offers.ofFramework(f.id)) offered = offered.add(o.resources);
  return {
    framework_info: { ...f.info, id: f.frameworkId },
    active: f.active,
    connected: f.connected,
    recovered: f.recovered,
    ...(f.registeredAtMs === undefined ? {} : { registered_time: timeInfo(f.registeredAtMs) }),
    ...(f.reregisteredAtMs === undefined ? {} : { reregistered_time: timeInfo(f.reregisteredAtMs) }),
    ...(unregisteredAtMs === undefined ? {} : { unregistered_time: timeInfo(unregisteredAtMs) }),
    allocated_resources: resourcesToJson(allocated),
    offered_resources: resourcesToJson(offered),
  };
}

/** One task (Mesos `Task`). */
export function v1Task(t: TaskRecord): Task {
  return {
    name: t.name,
    task_id: { value: t.taskId },
    framework_id: { value: t.frameworkId },
    ...(t.executorId === undefined ? {} : { executor_id: { value: t.executorId } }),
    agent_id: { value: t.agentId },
    state: t.state,
    resources: resourcesToJson(t.resources, t.role === UNRESERVED_ROLE ? {} : { allocationRole: t.role }),
    statuses: t.statuses,
    ...(t.statusUpdateState === undefined ? {} : { status_update_state: t.statusUpdateState }),
    ...(t.statusUpdateUuid === undefined ? {} : { status_update_uuid: t.statusUpdateUuid }),
    ...(t.labels === undefined ? {} : { labels: t.labels }),
  };
}

/**
 * Every role that has a weight, a quota, or a framework subscribed to it (Mesos GET_ROLES lists
 * the roles it knows), with its weight (1 unless set), frameworks and the resources allocated
 * to it.
 */
export function operatorRoles(ctx: MasterContext): V1Role[] {
  const doc = ctx.registrar.document();
  const names = new Set<string>([...Object.keys(doc.weights), ...Object.keys(doc.quotas)]);
  const frameworks = new Map<string, FrameworkID[]>();
  const allocated = new Map<string, Resources>();
  for (const f of ctx.frameworks.all()) {
    for (const role of f.roles) {
      names.add(role);
      frameworks.set(role, [...(frameworks.get(role) ?? []), f.frameworkId]);
    }
    for (const t of ctx.tasks.ofFramework(f.id)) {
      if (isTerminalOrUnreachable(t.state)) continue;
      allocated.set(t.role, (allocated.get(t.role) ?? Resources.EMPTY).add(t.resources));
    }
  }
  return [...names].sort().map((name) => ({
    name,
    weight: doc.weights[name] ?? 1,
    frameworks: frameworks.get(name) ?? [],
    resources: resourcesToJson(allocated.get(name) ?? Resources.EMPTY, { allocationRole: name }),
  }));
}
