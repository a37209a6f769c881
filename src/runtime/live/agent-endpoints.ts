/**
 * A live agent's classic read-only endpoints in Mesos's shapes (src/slave/http.cpp, the
 * endpoint help of docs/endpoints/slave/*.md, docs/monitoring.md):
 *
 * | path                                              | answer                                        |
 * |---------------------------------------------------|-----------------------------------------------|
 * | `/state`, `/slave(1)/state` (+ `.json`)           | the agent: resources, frameworks, executors, tasks, flags |
 * | `/flags`, `/slave(1)/flags`                       | `{"flags": {name: value}}`                    |
 * | `/monitor/statistics`, `/slave(1)/monitor/statistics` (+ `.json`) | per executor `ResourceStatistics`, measured in /proc |
 * | `/metrics/snapshot`                               | `slave/*` and `system/*` metrics              |
 * | `/metrics`                                        | the same in Prometheus's text format          |
 *
 * Mesos's agent process is `slave(1)`, and libprocess answers its endpoints at the top level
 * too; both are served. Besides Mesos's fields, `/state` carries Agora's `phase` (where the agent
 * is with its master: `disconnected`, `registered`, `terminating`).
 */
import { readFileSync } from 'node:fs';
import type { Agent } from '../../agent/agent.js';
import type { ExecutorRecord, FrameworkRecord, TaskRecord } from '../../agent/book.js';
import { AGENT_CAPABILITIES } from '../../agent/context.js';
import { AGORA_VERSION } from '../../cli/version.js';
import { resourcesFromList, resourcesToJson } from '../../core/messages/resources-json.js';
import type { TaskInfo } from '../../core/messages/task-info.js';
import { Resources } from '../../core/resources.js';
import { UNRESERVED_ROLE } from '../../core/roles.js';
import { attributesModel, type ResourcesModel, resourcesModel as snapshotModel } from '../../master/state.js';
import { buildInfo, MESOS_COMPATIBLE_VERSION, withMesosScalars } from './master-endpoints.js';
import { markedProcesses } from './task-processes.js';

/** What the agent's endpoints read besides the agent. */
export interface AgentEndpointContext {
  readonly agent: Agent;
  /** `slave(1)@host:port`. */
  readonly pid: string;
  readonly host: string;
  readonly port: number;
  readonly workDir: string;
  readonly masterUrl: string;
  /** When the agent started (ms since the epoch). */
  readonly startedAtMs: number;
  readonly flags: Readonly<Record<string, string>>;
  readonly counts: AgentEventCounts;
}

/** The tasks' terminal states the agent counts since it started (Mesos's agent metrics). */
const COUNTED = ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_GONE'] as const;

/** What the agent did, counted from its trace (the live node's trace hook). */
export class AgentEventCounts {
  readonly #tasks = new Map<string, number>();
  #executorsTerminated = 0;
  #validUpdates = 0;
  #invalidUpdates = 0;

  /** Counts one trace event of the agent's. */
  traced(event: { readonly kind: string; readonly state?: unknown }): void {
    switch (event.kind) {
      case 'agent.task':
        // A status update the agent applied to one of its tasks.
        this.#validUpdates++;
        if (typeof event.state === 'string')
          this.#tasks.set(event.state, (this.#tasks.get(event.state) ?? 0) + 1);
        return;
      case 'agent.update-dropped':
        this.#invalidUpdates++;
        return;
      case 'agent.executor-terminated':
        this.#executorsTerminated++;
        return;
      default:
        return;
    }
  }

  /** Under Mesos's names. */
  metrics(): Record<string, number> {
    const out: Record<string, number> = {
      'slave/executors_terminated': this.#executorsTerminated,
      'slave/valid_status_updates': this.#validUpdates,
      'slave/invalid_status_updates': this.#invalidUpdates,
    };
    for (const state of COUNTED) out[`slave/${taskName(state)}`] = this.#tasks.get(state) ?? 0;
    return out;
  }
}

/** Resources as Mesos's `json(Resources)` writes them (cpus, gpus, mem, disk always). */
function resourcesModel(r: Resources): ResourcesModel {
  return withMesosScalars(snapshotModel(r));
}

/** TASK_RUNNING → `tasks_running`. */
function taskName(state: string): string {
  return state.toLowerCase().replace(/^task_/u, 'tasks_');
}

/** A task's resources as a model (an empty one if they do not decode, which the master prevents). */
function taskResources(info: TaskInfo): Resources {
  const decoded = resourcesFromList(info.resources ?? [], 'resources');
  return decoded.ok ? decoded.value : Resources.EMPTY;
}

/** The role of a task's resources (Mesos: `allocation_info.role` of its first resource). */
function taskRole(info: TaskInfo): string {
  const first = info.resources?.[0];
  return first?.allocation_info?.role ?? first?.role ?? UNRESERVED_ROLE;
}

/** A launched or terminated task as Mesos's `json(Task)` on the agent. */
function taskJson(
  agentId: string,
  fw: FrameworkRecord,
  e: ExecutorRecord,
  t: TaskRecord,
): Record<string, unknown> {
  return {
    id: t.info.task_id.value,
    name: t.info.name,
    framework_id: fw.id,
    executor_id: e.kind === 'command' ? '' : e.id,
    slave_id: agentId,
    state: t.state,
    resources: resourcesModel(taskResources(t.info)),
    role: taskRole(t.info),
    // Agora's agent keeps a task's latest state, not its history of statuses.
    statuses: [],
    ...(t.info.labels === undefined ? {} : { labels: t.info.labels }),
  };
}

/** A queued task as Mesos's agent writes a `TaskInfo` (`json(TaskInfo)`). */
function queuedTaskJson(agentId: string, info: TaskInfo): Record<string, unknown> {
  return {
    id: info.task_id.value,
    name: info.name,
    slave_id: agentId,
    resources: resourcesModel(taskResources(info)),
    role: taskRole(info),
    ...(info.command === undefined ? {} : { command: info.command }),
    ...(info.executor === undefined ? {} : { executor_id: info.executor.executor_id.value }),
  };
}

/** Every task an executor holds, live or not. */
function tasksOf(e: ExecutorRecord): TaskInfo[] {
  return [
    ...e.queued.values(),
    ...[...e.launched.values()].map((t) => t.info),
    ...[...e.terminated.values()].map((t) => t.info),
  ];
}

/** An executor's resources: its own and its live tasks' (Mesos `Executor::allocatedResources`). */
function executorResources(e: ExecutorRecord): Resources {
  const own = resourcesFromList(e.info.resources ?? [], 'resources');
  let total = own.ok ? own.value : Resources.EMPTY;
  for (const info of [...e.queued.values(), ...[...e.launched.values()].map((t) => t.info)])
    total = total.add(taskResources(info));
  return total;
}

/** An executor as Mesos's `ExecutorWriter`. */
function executorJson(agentId: string, fw: FrameworkRecord, e: ExecutorRecord): Record<string, unknown> {
  const role = e.info.resources?.[0]?.allocation_info?.role ?? tasksOf(e).map(taskRole)[0];
  return {
    id: e.id,
    name: e.info.name ?? '',
    source: '',
    container: e.containerId,
    directory: e.sandbox,
    resources: resourcesModel(executorResources(e)),
    ...(role === undefined ? {} : { role }),
    ...(e.info.labels === undefined ? {} : { labels: e.info.labels }),
    ...(e.info.type === undefined ? {} : { type: e.info.type }),
    tasks: [...e.launched.values()].map((t) => taskJson(agentId, fw, e, t)),
    queued_tasks: [...e.queued.values()].map((info) => queuedTaskJson(agentId, info)),
    completed_tasks: [...e.terminated.values()].map((t) => taskJson(agentId, fw, e, t)),
  };
}

/** A framework as Mesos's agent `FrameworkWriter`. */
function frameworkJson(agentId: string, fw: FrameworkRecord): Record<string, unknown> {
  const info = fw.info;
  const multiRole = (info.capabilities ?? []).some((c) => c.type === 'MULTI_ROLE');
  return {
    id: fw.id,
    name: info.name,
    user: info.user,
    failover_timeout: info.failover_timeout ?? 0,
    checkpoint: info.checkpoint ?? false,
    hostname: info.hostname ?? '',
    ...(info.principal === undefined ? {} : { principal: info.principal }),
    ...(multiRole ? { roles: info.roles ?? [] } : { role: info.role ?? UNRESERVED_ROLE }),
    executors: [...fw.executors.values()].map((e) => executorJson(agentId, fw, e)),
    // Agora's agent forgets an executor once it has terminated and its tasks are acknowledged.
    completed_executors: [],
  };
}

/** The agent's total resources by reservation role (Mesos `reserved_resources`). */
function reservedByRole(total: Resources): Record<string, ResourcesModel> {
  const out: Record<string, ResourcesModel> = {};
  for (const role of new Set(total.entries.map((e) => e.role)))
    if (role !== UNRESERVED_ROLE) out[role] = resourcesModel(total.filter((e) => e.role === role));
  return out;
}

/** `/state` (Mesos's agent `Http::state`). */
export function agentStateJson(ctx: AgentEndpointContext): Record<string, unknown> {
  const agent = ctx.agent;
  const agentId = agent.agentId ?? '';
  const total = agent.options.resources;
  const reserved = total.filter((e) => e.role !== UNRESERVED_ROLE);
  return {
    version: MESOS_COMPATIBLE_VERSION,
    agora_version: AGORA_VERSION,
    ...buildInfo(),
    start_time: ctx.startedAtMs / 1000,
    id: agentId,
    pid: ctx.pid,
    hostname: agent.options.hostname ?? ctx.host,
    capabilities: [...AGENT_CAPABILITIES],
    resources: resourcesModel(total),
    reserved_resources: reservedByRole(total),
    unreserved_resources: resourcesModel(total.filter((e) => e.role === UNRESERVED_ROLE)),
    reserved_resources_full: Object.fromEntries(
      Object.keys(reservedByRole(total)).map((role) => [
        role,
        resourcesToJson(reserved.filter((e) => e.role === role)),
      ]),
    ),
    unreserved_resources_full: resourcesToJson(total.filter((e) => e.role === UNRESERVED_ROLE)),
    attributes: attributesModel(agent.options.attributes),
    ...(agent.phase === 'registered' ? { master_hostname: new URL(ctx.masterUrl).hostname } : {}),
    flags: ctx.flags,
    frameworks: agent.frameworks().map((fw) => frameworkJson(agentId, fw)),
    // Agora's agent forgets a framework once it has nothing left on the agent.
    completed_frameworks: [],
    // Agora-specific: where the agent is with its master.
    phase: agent.phase,
  };
}

/** The agent's `slave/*` metrics (src/slave/metrics.cpp, docs/monitoring.md). */
export function agentMetrics(ctx: AgentEndpointContext, nowMs: number): Record<string, number> {
  const agent = ctx.agent;
  const frameworks = agent.frameworks();
  const executors = frameworks.flatMap((fw) => [...fw.executors.values()]);
  const live = executors.flatMap((e) => [...e.launched.values()]);
  const out: Record<string, number> = {
    'slave/uptime_secs': (nowMs - ctx.startedAtMs) / 1000,
    'slave/registered': agent.phase === 'registered' ? 1 : 0,
    'slave/recovery_errors': 0,
    'slave/frameworks_active': frameworks.filter((fw) => !fw.terminating).length,
    'slave/tasks_staging': executors.reduce((n, e) => n + e.queued.size, 0) + count(live, 'TASK_STAGING'),
    'slave/tasks_starting': count(live, 'TASK_STARTING'),
    'slave/tasks_running': count(live, 'TASK_RUNNING'),
    'slave/tasks_killing': count(live, 'TASK_KILLING'),
    'slave/executors_registering': executors.filter((e) => e.phase === 'registering').length,
    'slave/executors_running': executors.filter((e) => e.phase === 'running').length,
    'slave/executors_terminating': executors.filter((e) => e.phase === 'terminating').length,
    'slave/executors_preempted': 0,
    'slave/container_launch_errors': 0,
    ...ctx.counts.metrics(),
  };
  const total = agent.options.resources;
  let used = Resources.EMPTY;
  for (const e of executors) used = used.add(executorResources(e));
  const totals = resourcesModel(total);
  const useds = resourcesModel(used);
  for (const name of ['cpus', 'gpus', 'mem', 'disk']) {
    for (const kind of [name, `${name}_revocable`]) {
      const t = typeof totals[kind] === 'number' ? (totals[kind] as number) : 0;
      const u = typeof useds[kind] === 'number' ? (useds[kind] as number) : 0;
      out[`slave/${kind}_total`] = t;
      out[`slave/${kind}_used`] = u;
      out[`slave/${kind}_percent`] = t === 0 ? 0 : u / t;
    }
  }
  return out;
}

function count(tasks: readonly TaskRecord[], state: string): number {
  return tasks.filter((t) => t.state === state).length;
}

/** Clock ticks per second of /proc's times (USER_HZ, fixed at 100 in Linux's user ABI). */
const TICKS_PER_SECOND = 100;

/** One process's CPU times, resident memory and threads, from /proc; undefined if it is gone. */
function processUsage(
  pid: number,
): { user: number; system: number; rss: number; threads: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB$/mu.exec(status)?.[1] ?? 0);
    return {
      // Fields 14 and 15 of stat (utime, stime), 20 (num_threads); `fields` starts at field 3.
      user: Number(fields[11]) / TICKS_PER_SECOND,
      system: Number(fields[12]) / TICKS_PER_SECOND,
      rss: rssKb * 1024,
      threads: Number(fields[17]),
    };
  } catch {
    return undefined;
  }
}

/**
 * `/monitor/statistics` (Mesos `ResourceMonitor`, docs/endpoints/slave/monitor/statistics.md):
 * one entry per executor with a running container, its `statistics` as Mesos's
 * `ResourceStatistics` fields that the posix isolators fill (`cpus_user_time_secs`,
 * `cpus_system_time_secs`, `mem_rss_bytes`, `processes`, `threads`) plus the container's limits
 * (`cpus_limit`, `mem_limit_bytes`), measured from /proc over every process that carries the
 * container's sandbox marker (task-processes.ts), children included. Linux only: elsewhere the
 * executors are listed with their limits and no usage.
 */
export function monitorStatistics(ctx: AgentEndpointContext, nowMs: number): Record<string, unknown>[] {
  const byContainer = new Map<string, number[]>();
  for (const p of markedProcesses(ctx.workDir)) {
    if (p.watchdog || p.container === undefined) continue;
    byContainer.set(p.container, [...(byContainer.get(p.container) ?? []), p.pid]);
  }
  const out: Record<string, unknown>[] = [];
  for (const fw of ctx.agent.frameworks()) {
    for (const e of fw.executors.values()) {
      if (e.phase === 'terminated') continue;
      const resources = resourcesModel(executorResources(e));
      const usage = { user: 0, system: 0, rss: 0, threads: 0, processes: 0 };
      for (const pid of byContainer.get(e.sandbox) ?? []) {
        const u = processUsage(pid);
        if (u === undefined) continue;
        usage.user += u.user;
        usage.system += u.system;
        usage.rss += u.rss;
        usage.threads += u.threads;
        usage.processes++;
      }
      out.push({
        executor_id: e.id,
        executor_name: e.info.name ?? '',
        framework_id: fw.id,
        source: '',
        statistics: {
          timestamp: nowMs / 1000,
          cpus_limit: resources.cpus,
          mem_limit_bytes: (resources.mem as number) * 1024 * 1024,
          cpus_user_time_secs: usage.user,
          cpus_system_time_secs: usage.system,
          mem_rss_bytes: usage.rss,
          processes: usage.processes,
          threads: usage.threads,
        },
      });
    }
  }
  return out;
}
