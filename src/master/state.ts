/**
 * A read-only snapshot of the master, shaped like Mesos's /master/state (src/master/readonly_handler.cpp
 * `state`, `SlaveWriter`, `FullFrameworkWriter`; src/common/http.cpp `json(Task)`,
 * `json(TaskStatus)`, `json(Resources)`): snake_case names, times in seconds, resources as
 * `{cpus: 2, mem: 1024, ports: "[31000-32000]"}`. What only the process
 * hosting the master knows (its version, flags, when it was elected, who leads) is added by
 * the live layer (src/runtime/live/master-endpoints.ts). It is built on demand and shares
 * nothing with the master's live records, so callers may keep or serialise it.
 */

import { fromMilli } from '../core/fixed-point.js';
import type { Labels } from '../core/messages/common.js';
import type { Attribute } from '../core/messages/resources-json.js';
import type { TaskState } from '../core/messages/task-state.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import { formatRanges } from '../core/ranges.js';
import { Resources } from '../core/resources.js';
import { UNRESERVED_ROLE } from '../core/roles.js';
import type { AgentRecord } from './agent-registry.js';
import type { MasterContext } from './context.js';
import type { MasterCountersSnapshot } from './counters.js';
import type { CompletedFramework, FrameworkRecord } from './framework-registry.js';
import { hasCapability } from './framework-registry.js';
import type { OfferRecord } from './offer-book.js';
import type { TaskRecord } from './task-book.js';
import { isTerminalOrUnreachable } from './task-lifecycle.js';

/** Resources as Mesos's `model(Resources)`: scalars summed by name, ranges and sets as text. */
export type ResourcesModel = Readonly<Record<string, number | string>>;

/** A status in a task's `statuses` (Mesos `json(TaskStatus)`). */
export interface TaskStatusSnapshot {
  readonly state: TaskState;
  readonly timestamp: number;
  readonly labels?: Labels;
  /** As the agent reported it (container id, IP addresses), when it did. */
  readonly container_status?: unknown;
  readonly healthy?: boolean;
}

/** A task in state (Mesos `json(Task)`). */
export interface TaskSnapshot {
  readonly id: string;
  readonly name: string;
  readonly framework_id: string;
  readonly executor_id: string;
  readonly slave_id: string;
  readonly state: TaskState;
  readonly role: string;
  readonly resources: ResourcesModel;
  readonly statuses: readonly TaskStatusSnapshot[];
  readonly labels?: Labels;
}

/** A custom executor in a framework's `executors` (Mesos `json(ExecutorInfo)` + `slave_id`). */
export interface ExecutorSnapshot {
  readonly executor_id: string;
  readonly name: string;
  readonly framework_id: string;
  readonly command: unknown;
  readonly resources: ResourcesModel;
  readonly role: string;
  readonly labels?: Labels;
  readonly type?: string;
  readonly slave_id: string;
}

/** An offer in state. */
export interface OfferSnapshot {
  readonly id: string;
  readonly framework_id: string;
  readonly slave_id: string;
  readonly allocation_info: { readonly role: string };
  readonly resources: ResourcesModel;
}

/** A framework in state (Mesos `FullFrameworkWriter`, plus `suppressed_roles`). */
export interface FrameworkSnapshot {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  /**
   * The address of its connection (Agora's; the endpoints leave it out, as Mesos does for HTTP
   * frameworks, which every framework of Agora's is).
   */
  readonly pid?: string;
  readonly hostname: string;
  readonly webui_url: string;
  readonly labels?: Labels;
  readonly roles: readonly string[];
  readonly role?: string;
  readonly suppressed_roles: readonly string[];
  readonly principal?: string;
  readonly active: boolean;
  readonly connected: boolean;
  readonly recovered: boolean;
  readonly checkpoint: boolean;
  readonly failover_timeout: number;
  readonly capabilities: readonly string[];
  /** Seconds; 0 when it never registered with this master (Mesos writes it always). */
  readonly registered_time: number;
  /** Only when it differs from `registered_time`, as Mesos writes it. */
  readonly reregistered_time?: number;
  /** Seconds; 0 while registered. */
  readonly unregistered_time: number;
  readonly resources: ResourcesModel;
  readonly used_resources: ResourcesModel;
  readonly offered_resources: ResourcesModel;
  readonly executors: readonly ExecutorSnapshot[];
  readonly tasks: readonly TaskSnapshot[];
  readonly unreachable_tasks: readonly TaskSnapshot[];
  readonly completed_tasks: readonly TaskSnapshot[];
  readonly offers: readonly OfferSnapshot[];
  /** Agora-specific (Mesos's state has no per-framework offer counts): offers made to it by this master. */
  readonly offers_made: number;
  /** Agora-specific: offers it declined at this master (offers that timed out or were rescinded are not counted). */
  readonly offers_declined: number;
}

/** An agent in state (Mesos `SlaveWriter` in /state's `slaves`). */
export interface AgentSnapshot {
  readonly id: string;
  /** Its address (`agent@host:port` live); the endpoints write Mesos's `slave(1)@host:port`. */
  readonly pid: string;
  readonly hostname: string;
  readonly port: number;
  readonly registered_time: number;
  readonly reregistered_time?: number;
  readonly active: boolean;
  /** Mesos: deactivated for maintenance or draining, which Agora does not have: false. */
  readonly deactivated: boolean;
  readonly connected: boolean;
  readonly version?: string;
  readonly capabilities: readonly string[];
  readonly attributes: Readonly<Record<string, number | string>>;
  readonly resources: ResourcesModel;
  readonly used_resources: ResourcesModel;
  readonly offered_resources: ResourcesModel;
  /** Mesos's `reserved_resources`: its resources reserved for each role (none: `{}`). */
  readonly reserved_resources: Readonly<Record<string, ResourcesModel>>;
  /** Mesos's `unreserved_resources`: its resources reserved for no role. */
  readonly unreserved_resources: ResourcesModel;
}

/** The master's own MasterInfo as Mesos writes it in `leader_info` (`json(MasterInfo)`). */
export interface MasterInfoSnapshot {
  readonly id: string;
  readonly pid: string;
  readonly port: number;
  readonly hostname: string;
}

/** The whole snapshot (Mesos /master/state, less what the live layer adds). */
export interface MasterState {
  readonly id: string;
  /** `master@host:port`, as Mesos writes its pid. */
  readonly pid: string;
  readonly hostname: string;
  readonly capabilities: readonly string[];
  /** This master's own info (the live layer replaces `leader`/`leader_info` when another leads). */
  readonly info: MasterInfoSnapshot;
  readonly start_time: number;
  readonly activated_slaves: number;
  readonly deactivated_slaves: number;
  readonly unreachable_slaves: number;
  readonly slaves: readonly AgentSnapshot[];
  /** Agents the registry says were admitted that have not reregistered since this master started. */
  readonly recovered_slaves: readonly { readonly id: string; readonly hostname: string }[];
  readonly frameworks: readonly FrameworkSnapshot[];
  readonly completed_frameworks: readonly FrameworkSnapshot[];
  /** Always empty, as in Mesos since 1.2 (kept for clients that read it). */
  readonly orphan_tasks: readonly never[];
  /** Always empty, as in Mesos since 1.2. */
  readonly unregistered_frameworks: readonly never[];
  /** Agora-specific: the master's counters (the web UI reads them). */
  readonly counters: MasterCountersSnapshot;
}

/** Builds the snapshot. */
export function masterState(ctx: MasterContext): MasterState {
  const agents = [...ctx.agents.all()];
  const info = ctx.masterInfo;
  const pid = info.pid ?? ctx.env.self;
  const hostname = info.hostname ?? ctx.env.self;
  return {
    id: ctx.ids.masterId,
    pid,
    hostname,
    capabilities: (info.capabilities ?? []).map((c) => c.type),
    info: { id: info.id, pid, port: info.port, hostname },
    start_time: ctx.startedAtMs / 1000,
    activated_slaves: agents.filter((a) => a.active).length,
    deactivated_slaves: agents.filter((a) => !a.active).length,
    unreachable_slaves: ctx.agents.unreachable.size,
    slaves: agents.map((a) => agentState(ctx, a)),
    recovered_slaves: [...ctx.recoveredAgents].map(([id, hostname]) => ({ id, hostname })),
    frameworks: [...ctx.frameworks.all()].map((f) => frameworkState(ctx, f)),
    completed_frameworks: [...ctx.frameworks.completed()].map((c) => completedFrameworkState(c)),
    orphan_tasks: [],
    unregistered_frameworks: [],
    counters: countersSnapshot(ctx),
  };
}

/** The counters, with the live task gauge. */
export function countersSnapshot(ctx: MasterContext): MasterCountersSnapshot {
  const gauge = new Map<TaskState, number>();
  const count = (t: TaskRecord) => gauge.set(t.state, (gauge.get(t.state) ?? 0) + 1);
  for (const task of ctx.tasks.all()) count(task);
  for (const framework of ctx.frameworks.all())
    for (const task of ctx.tasks.unreachableOf(framework.id)) count(task);
  return ctx.counters.snapshot(gauge);
}

/** An agent's total, and what of it is in use (live tasks, executors) and on offer. */
export interface AgentUsage {
  readonly id: string;
  readonly total: Resources;
  readonly used: Resources;
  readonly offered: Resources;
}

/** What `agent` has in use and on offer, as the master sees it. */
export function agentUsage(ctx: MasterContext, agent: AgentRecord): AgentUsage {
  let used = Resources.EMPTY;
  for (const tasks of ctx.tasks.onAgentByFramework(agent.id).values()) {
    for (const t of tasks) if (!isTerminalOrUnreachable(t.state)) used = used.add(t.resources);
  }
  for (const byId of agent.executors.values()) for (const e of byId.values()) used = used.add(e.resources);
  return { id: agent.id, total: agent.total, used, offered: sumOffers(ctx.offers.onAgent(agent.id)) };
}

function agentState(ctx: MasterContext, agent: AgentRecord): AgentSnapshot {
  const { used, offered } = agentUsage(ctx, agent);
  return {
    id: agent.id,
    pid: agent.address,
    hostname: agent.info.hostname,
    port: agent.info.port ?? portOf(agent.address),
    registered_time: agent.registeredAtMs / 1000,
    ...(agent.reregisteredAtMs === undefined ? {} : { reregistered_time: agent.reregisteredAtMs / 1000 }),
    active: agent.active,
    deactivated: false,
    connected: agent.connected,
    ...(agent.version === undefined ? {} : { version: agent.version }),
    capabilities: agent.capabilities.map((c) => c.type),
    attributes: attributesModel(agent.info.attributes ?? []),
    resources: resourcesModel(agent.total),
    used_resources: resourcesModel(used),
    offered_resources: resourcesModel(offered),
    reserved_resources: reservedByRole(agent.total),
    unreserved_resources: resourcesModel(agent.total.filter((e) => e.role === UNRESERVED_ROLE)),
  };
}

/**
 * An agent's address as Mesos writes an agent's pid: a live agent's `agent@host:port` is
 * `slave(1)@host:port` (the libprocess id of Mesos's agent process); a simulated agent's name
 * has no host and is kept.
 */
export function agentPid(address: string): string {
  return address.startsWith('agent@') ? `slave(1)@${address.slice('agent@'.length)}` : address;
}

/** The port in `name@host:port`, or 5051 (Mesos's agent port) when there is none. */
function portOf(address: string): number {
  const port = Number(/:(\d+)$/u.exec(address)?.[1]);
  return Number.isSafeInteger(port) ? port : 5051;
}

/** Mesos's `reserved_resources` of an agent: its total's reserved entries, by role. */
function reservedByRole(total: Resources): Record<string, ResourcesModel> {
  const out: Record<string, ResourcesModel> = {};
  const roles = new Set(total.entries.map((e) => e.role).filter((role) => role !== UNRESERVED_ROLE));
  for (const role of roles) out[role] = resourcesModel(total.filter((e) => e.role === role));
  return out;
}

function frameworkState(ctx: MasterContext, framework: FrameworkRecord): FrameworkSnapshot {
  const tasks = ctx.tasks.ofFramework(framework.id);
  const offers = ctx.offers.ofFramework(framework.id);
  let used = Resources.EMPTY;
  for (const t of tasks) if (!isTerminalOrUnreachable(t.state)) used = used.add(t.resources);
  for (const agent of ctx.agents.all()) {
    for (const e of agent.executors.get(framework.id)?.values() ?? []) used = used.add(e.resources);
  }
  const offered = sumOffers(offers);
  return {
    ...frameworkInfoState(framework),
    active: framework.active,
    connected: framework.connected,
    recovered: framework.recovered,
    ...times(framework.registeredAtMs, framework.reregisteredAtMs, undefined),
    resources: resourcesModel(used.add(offered)),
    used_resources: resourcesModel(used),
    offered_resources: resourcesModel(offered),
    executors: executorsOf(ctx, framework.id),
    tasks: tasks.map(taskState),
    unreachable_tasks: ctx.tasks.unreachableOf(framework.id).map(taskState),
    completed_tasks: ctx.tasks.completedOf(framework.id).map(taskState),
    offers: offers.map(offerState),
    offers_made: framework.offersMade,
    offers_declined: framework.offersDeclined,
  };
}

function completedFrameworkState(completed: CompletedFramework): FrameworkSnapshot {
  const f = completed.record;
  return {
    ...frameworkInfoState(f),
    active: false,
    connected: false,
    recovered: false,
    ...times(f.registeredAtMs, f.reregisteredAtMs, completed.unregisteredAtMs),
    resources: {},
    used_resources: {},
    offered_resources: {},
    executors: [],
    tasks: [],
    unreachable_tasks: [],
    completed_tasks: completed.completedTasks.map(taskState),
    offers: [],
    offers_made: f.offersMade,
    offers_declined: f.offersDeclined,
  };
}

function frameworkInfoState(f: FrameworkRecord) {
  const info = f.info;
  return {
    id: f.id,
    name: info.name,
    user: info.user,
    ...(f.address === undefined ? {} : { pid: f.address }),
    hostname: info.hostname ?? '',
    webui_url: info.webui_url ?? '',
    ...(info.labels === undefined ? {} : { labels: info.labels }),
    roles: [...f.roles],
    ...(hasCapability(info, 'MULTI_ROLE') ? {} : { role: f.roles[0] as string }),
    suppressed_roles: [...f.suppressedRoles],
    ...(info.principal === undefined ? {} : { principal: info.principal }),
    checkpoint: info.checkpoint ?? false,
    failover_timeout: info.failover_timeout ?? 0,
    capabilities: (info.capabilities ?? []).map((c) => c.type),
  };
}

function times(
  registered: number | undefined,
  reregistered: number | undefined,
  unregistered: number | undefined,
) {
  return {
    registered_time: (registered ?? 0) / 1000,
    ...(reregistered === undefined || reregistered === registered
      ? {}
      : { reregistered_time: reregistered / 1000 }),
    unregistered_time: (unregistered ?? 0) / 1000,
  };
}

/** The custom executors of framework `frameworkId` on every agent (Mesos `Framework::executors`). */
function executorsOf(ctx: MasterContext, frameworkId: string): ExecutorSnapshot[] {
  const out: ExecutorSnapshot[] = [];
  for (const agent of ctx.agents.all()) {
    for (const e of agent.executors.get(frameworkId)?.values() ?? []) {
      const info = e.info;
      out.push({
        executor_id: info.executor_id.value,
        name: info.name ?? '',
        framework_id: info.framework_id?.value ?? frameworkId,
        command: info.command ?? {},
        resources: resourcesModel(e.resources),
        role: e.role,
        ...(info.labels === undefined ? {} : { labels: info.labels }),
        ...(info.type === undefined ? {} : { type: info.type }),
        slave_id: agent.id,
      });
    }
  }
  return out;
}

function taskState(t: TaskRecord): TaskSnapshot {
  return {
    id: t.taskId,
    name: t.name,
    framework_id: t.frameworkId,
    executor_id: t.executorId ?? '',
    slave_id: t.agentId,
    state: t.state,
    role: t.role,
    resources: resourcesModel(t.resources),
    statuses: t.statuses.map(statusState),
    ...(t.labels === undefined ? {} : { labels: t.labels }),
  };
}

/** Mesos `json(TaskStatus)`: state and timestamp, and labels, container status and health when set. */
function statusState(s: TaskStatus): TaskStatusSnapshot {
  // `container_status` is carried when the agent's update has one (the field joins TaskStatus
  // with the messages Mesos's master fills; read loosely so this does not depend on when).
  const containerStatus = (s as TaskStatus & { readonly container_status?: unknown }).container_status;
  return {
    state: s.state,
    timestamp: s.timestamp ?? 0,
    ...(s.labels === undefined ? {} : { labels: s.labels }),
    ...(containerStatus === undefined ? {} : { container_status: containerStatus }),
    ...(s.healthy === undefined ? {} : { healthy: s.healthy }),
  };
}

function offerState(o: OfferRecord): OfferSnapshot {
  return {
    id: o.id,
    framework_id: o.frameworkId,
    slave_id: o.agentId,
    allocation_info: { role: o.role },
    resources: resourcesModel(o.resources),
  };
}

function sumOffers(offers: readonly OfferRecord[]): Resources {
  return offers.reduce((sum, o) => sum.add(o.resources), Resources.EMPTY);
}

/**
 * Mesos `json(Resources)`: scalars by name (all roles summed), ranges and sets as text. Mesos
 * also writes `cpus`, `gpus`, `mem` and `disk` at 0 when absent; the endpoints add those
 * (src/runtime/live/master-endpoints.ts `withMesosScalars`), the snapshot leaves them out.
 */
export function resourcesModel(r: Resources): ResourcesModel {
  const out: Record<string, number | string> = {};
  const ranges = new Map<string, Resources>();
  for (const e of r.entries) {
    if (e.value.kind === 'scalar') out[e.name] = fromMilli(r.scalarMilli(e.name));
    else ranges.set(e.name, (ranges.get(e.name) ?? Resources.EMPTY).add(Resources.of([{ ...e, role: '*' }])));
  }
  for (const [name, bag] of ranges) {
    const v = bag.entries[0]?.value;
    if (v?.kind === 'ranges') out[name] = formatRanges(v.ranges);
    else if (v?.kind === 'set') out[name] = `{${v.items.join(',')}}`;
  }
  return out;
}

/** Mesos `json(Attributes)`: each attribute by name, scalars as numbers, the rest as text. */
export function attributesModel(attributes: readonly Attribute[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const a of attributes) {
    if (a.type === 'SCALAR') out[a.name] = a.scalar?.value ?? 0;
    else if (a.type === 'TEXT') out[a.name] = a.text?.value ?? '';
    else if (a.type === 'RANGES')
      out[a.name] = formatRanges((a.ranges?.range ?? []).map((x) => [x.begin, x.end] as const));
    else out[a.name] = `{${(a.set?.item ?? []).join(',')}}`;
  }
  return out;
}
