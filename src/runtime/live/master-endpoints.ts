/**
 * A live master's classic read-only endpoints in Mesos's shapes (src/master/http.cpp,
 * src/master/readonly_handler.cpp, the endpoint help of docs/endpoints/master/*.md):
 *
 * | path                                   | answer                                                   |
 * |----------------------------------------|----------------------------------------------------------|
 * | `/master/state`, `/state` (+ `.json`)  | the whole state, with `version`, `flags`, `leader_info`… |
 * | `/master/state-summary`                | agents and frameworks with task counts per state, no tasks |
 * | `/master/frameworks`                   | `frameworks`, `completed_frameworks` (`?framework_id=`)  |
 * | `/master/slaves`                       | `slaves` with `*_full` resources, `recovered_slaves` (`?slave_id=`) |
 * | `/master/tasks` (+ `.json`)            | `tasks`, `?limit` (100) `&offset` (0) `&order=asc|desc` (desc) `&framework_id` `&task_id` |
 * | `/master/roles` (+ `.json`)            | `roles`: name, weight, quota, allocated, offered, reserved, frameworks |
 * | `/master/flags`                        | `{"flags": {name: value}}`, values as Mesos prints them   |
 * | `/master/health`                       | 200, empty                                               |
 * | `/master/quota`, `/master/weights`     | `QuotaStatus` and `[{role, weight}]`                     |
 * | `/version`                             | `version`, `build_date`, `build_time`, `build_user`      |
 * | `/master/redirect`, `/redirect`        | 307 to `//host:port` of the leading master, 503 without one |
 *
 * Mesos answers the state endpoints of a master that does not lead with 307 to the leader; a
 * lone live master always leads, and the ZooKeeper election feeds {@link MasterEndpointContext.leader}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { userInfo } from 'node:os';
import {
  agentPid,
  type FrameworkSnapshot,
  type MasterInfoSnapshot,
  type MasterState,
  type ResourcesModel,
  type TaskSnapshot,
} from '../../master/state.js';
import { isTerminalOrUnreachable } from '../../master/task-lifecycle.js';
import { sendJson, sendText } from './http-util.js';
import { weightInfos } from './ui-endpoint.js';

/**
 * The Mesos release whose endpoints, messages and metrics Agora follows, reported as `version`
 * (clients compare it to decide what they may ask for); Agora's own is `agora_version`.
 */
export const MESOS_COMPATIBLE_VERSION = '1.11.0';

/** Mesos's `TASK_LIMIT`: the tasks `/master/tasks` returns when no `limit` is given. */
export const DEFAULT_TASK_LIMIT = 100;

/** Mesos's default role weight. */
const DEFAULT_WEIGHT = 1;

/** What the endpoints read. */
export interface MasterEndpointContext {
  /** The master's snapshot now (state.ts). */
  state(): MasterState;
  /** The flags as Mesos prints them (master-flags.ts). */
  readonly flags: Readonly<Record<string, string>>;
  /** The leading master, or undefined while none is known (Mesos: 503 from /redirect). */
  leader(): MasterInfoSnapshot | undefined;
  /** When this master was elected (ms since the epoch), if it leads. */
  electedAtMs(): number | undefined;
  quotas(): Readonly<Record<string, Readonly<Record<string, number>>>>;
  weights(): Readonly<Record<string, number>>;
  /** Agora's version (package.json). */
  readonly agoraVersion: string;
}

/** Mesos's build fields; Agora has no build step, so they tell who started it, where and when. */
export interface BuildInfo {
  readonly build_date: string;
  readonly build_time: number;
  readonly build_user: string;
}

const STARTED = new Date();

/** `/version`'s build fields for this process. */
export function buildInfo(): BuildInfo {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    // No user name (a uid without a passwd entry): Mesos would print an empty one too.
  }
  return {
    build_date: STARTED.toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/u, ''),
    build_time: Math.floor(STARTED.getTime() / 1000),
    build_user: user,
  };
}

/** `/version` (Mesos `version()`: version and build fields). */
export function versionJson(agoraVersion: string): Record<string, unknown> {
  return { version: MESOS_COMPATIBLE_VERSION, ...buildInfo(), agora_version: agoraVersion };
}

/** Mesos's `json(Resources)` writes these scalars always, at 0 when absent. */
const ALWAYS_WRITTEN = ['cpus', 'gpus', 'mem', 'disk'] as const;

/** `model` with cpus, gpus, mem and disk at 0 where absent, as Mesos writes resources. */
export function withMesosScalars(model: ResourcesModel): ResourcesModel {
  const out: Record<string, number | string> = {};
  for (const name of ALWAYS_WRITTEN) out[name] = 0;
  return Object.assign(out, model);
}

function taskWithScalars(t: TaskSnapshot): TaskSnapshot {
  return { ...t, resources: withMesosScalars(t.resources) };
}

/** A framework as Mesos writes it: resources with their scalars, no pid (an HTTP framework). */
function frameworkWithScalars({ pid: _pid, ...f }: FrameworkSnapshot): FrameworkSnapshot {
  return {
    ...f,
    resources: withMesosScalars(f.resources),
    used_resources: withMesosScalars(f.used_resources),
    offered_resources: withMesosScalars(f.offered_resources),
    executors: f.executors.map((e) => ({ ...e, resources: withMesosScalars(e.resources) })),
    tasks: f.tasks.map(taskWithScalars),
    unreachable_tasks: f.unreachable_tasks.map(taskWithScalars),
    completed_tasks: f.completed_tasks.map(taskWithScalars),
    offers: f.offers.map((o) => ({ ...o, resources: withMesosScalars(o.resources) })),
  };
}

/**
 * The master's snapshot as Mesos writes it: every resources object with cpus, gpus, mem and disk,
 * agents' pids as `slave(1)@host:port`, no framework pids; the snapshot itself keeps Agora's
 * forms, which the simulator's checks, the web UI and the master's tests read.
 */
export function withMesosResources(state: MasterState): MasterState {
  return {
    ...state,
    slaves: state.slaves.map((a) => ({
      ...a,
      pid: agentPid(a.pid),
      resources: withMesosScalars(a.resources),
      used_resources: withMesosScalars(a.used_resources),
      offered_resources: withMesosScalars(a.offered_resources),
      unreserved_resources: withMesosScalars(a.unreserved_resources),
      reserved_resources: Object.fromEntries(
        Object.entries(a.reserved_resources).map(([role, r]) => [role, withMesosScalars(r)]),
      ),
    })),
    frameworks: state.frameworks.map(frameworkWithScalars),
    completed_frameworks: state.completed_frameworks.map(frameworkWithScalars),
  };
}

/** `/master/state` (Mesos `ReadOnlyHandler::state`): the snapshot with what only the host knows. */
export function stateJson(ctx: MasterEndpointContext): Record<string, unknown> {
  const { info, counters, ...state } = ctx.state();
  const leader = ctx.leader();
  const elected = ctx.electedAtMs();
  return {
    version: MESOS_COMPATIBLE_VERSION,
    agora_version: ctx.agoraVersion,
    ...buildInfo(),
    start_time: state.start_time,
    ...(elected === undefined ? {} : { elected_time: elected / 1000 }),
    id: state.id,
    pid: state.pid,
    hostname: state.hostname,
    capabilities: state.capabilities,
    activated_slaves: state.activated_slaves,
    deactivated_slaves: state.deactivated_slaves,
    unreachable_slaves: state.unreachable_slaves,
    ...(leader === undefined ? {} : { leader: leader.pid, leader_info: leader }),
    flags: ctx.flags,
    slaves: state.slaves,
    recovered_slaves: state.recovered_slaves,
    frameworks: state.frameworks,
    completed_frameworks: state.completed_frameworks,
    orphan_tasks: state.orphan_tasks,
    unregistered_frameworks: state.unregistered_frameworks,
    // Agora-specific: the master's offer and task counters (the web UI reads them).
    counters,
    master_info: info,
  };
}

/** The states `state-summary` counts tasks in, per agent and per framework. */
const SUMMARY_STATES = [
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_KILLED',
  'TASK_FAILED',
  'TASK_LOST',
  'TASK_ERROR',
  'TASK_UNREACHABLE',
] as const;

function taskCounts(tasks: readonly TaskSnapshot[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(SUMMARY_STATES.map((s) => [s, 0]));
  for (const t of tasks) if (t.state in out) out[t.state] = (out[t.state] ?? 0) + 1;
  return out;
}

/** A framework's fields of Mesos's `Summary<Framework>`. */
function frameworkSummary(f: FrameworkSnapshot): Record<string, unknown> {
  return {
    id: f.id,
    name: f.name,
    ...(f.pid === undefined ? {} : { pid: f.pid }),
    used_resources: f.used_resources,
    offered_resources: f.offered_resources,
    capabilities: f.capabilities,
    hostname: f.hostname,
    webui_url: f.webui_url,
    active: f.active,
    connected: f.connected,
    recovered: f.recovered,
  };
}

/**
 * `/master/state-summary` (Mesos `ReadOnlyHandler::stateSummary`): agents and frameworks without
 * their tasks, each with its task counts by state and the ids of the other side it shares tasks
 * with. As in Mesos, the counts come from the tasks of registered frameworks (live, unreachable
 * and the completed ones kept).
 */
export function stateSummaryJson(state: MasterState): Record<string, unknown> {
  const tasks = state.frameworks.flatMap((f) => [...f.tasks, ...f.unreachable_tasks, ...f.completed_tasks]);
  const live = state.frameworks.flatMap((f) => f.tasks);
  return {
    hostname: state.hostname,
    slaves: state.slaves.map((a) => ({
      ...a,
      ...taskCounts(tasks.filter((t) => t.slave_id === a.id)),
      framework_ids: [...new Set(live.filter((t) => t.slave_id === a.id).map((t) => t.framework_id))],
    })),
    frameworks: state.frameworks.map((f) => ({
      ...frameworkSummary(f),
      ...taskCounts([...f.tasks, ...f.unreachable_tasks, ...f.completed_tasks]),
      slave_ids: [...new Set(f.tasks.map((t) => t.slave_id))],
    })),
  };
}

/** `/master/frameworks` (Mesos `ReadOnlyHandler::frameworks`), optionally one `framework_id`. */
export function frameworksJson(state: MasterState, frameworkId: string | null): Record<string, unknown> {
  const pick = (f: FrameworkSnapshot) => frameworkId === null || f.id === frameworkId;
  return {
    frameworks: state.frameworks.filter(pick),
    completed_frameworks: state.completed_frameworks.filter(pick),
    unregistered_frameworks: [],
  };
}

/** A resources model as Mesos's `*_full` arrays of `Resource` (endpoint format: unreserved `*`). */
function fullResources(model: ResourcesModel, role?: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [name, value] of Object.entries(model)) {
    const reservation = role === undefined ? {} : { reservations: [{ type: 'DYNAMIC', role }] };
    if (typeof value === 'number') {
      if (value !== 0) out.push({ name, type: 'SCALAR', scalar: { value }, ...reservation });
    } else if (value.startsWith('[')) {
      const ranges = [...value.matchAll(/(\d+)-(\d+)/gu)].map((m) => ({
        begin: Number(m[1]),
        end: Number(m[2]),
      }));
      out.push({ name, type: 'RANGES', ranges: { range: ranges }, ...reservation });
    } else {
      const items = value
        .replace(/^\{|\}$/gu, '')
        .split(',')
        .filter((x) => x !== '');
      out.push({ name, type: 'SET', set: { item: items }, ...reservation });
    }
  }
  return out;
}

/** `/master/slaves` (Mesos `ReadOnlyHandler::slaves`): with `*_full` resources, optionally one `slave_id`. */
export function slavesJson(state: MasterState, slaveId: string | null): Record<string, unknown> {
  return {
    slaves: state.slaves
      .filter((a) => slaveId === null || a.id === slaveId)
      .map((a) => ({
        ...a,
        reserved_resources_full: Object.fromEntries(
          Object.entries(a.reserved_resources).map(([role, r]) => [role, fullResources(r, role)]),
        ),
        unreserved_resources_full: fullResources(a.unreserved_resources),
        used_resources_full: fullResources(a.used_resources),
        offered_resources_full: fullResources(a.offered_resources),
      })),
    recovered_slaves: state.recovered_slaves.filter((a) => slaveId === null || a.id === slaveId),
  };
}

/** A query parameter as Mesos's `numify<int>`: a whole number, or the default when absent or bad. */
function intParam(url: URL, name: string, fallback: number): number {
  const text = url.searchParams.get(name);
  if (text === null || !/^\s*-?\d+\s*$/u.test(text)) return fallback;
  const n = Number(text);
  return n < 0 ? fallback : n;
}

/**
 * `/master/tasks` (Mesos `ReadOnlyHandler::tasks`): the tasks of registered and completed
 * frameworks (live, unreachable and completed), sorted by their first status's timestamp,
 * newest first unless `order=asc` (a task with no status sorts last descending, first
 * ascending), then `offset` and `limit` applied.
 */
export function tasksJson(state: MasterState, url: URL): Record<string, unknown> {
  const frameworkId = url.searchParams.get('framework_id');
  const taskId = url.searchParams.get('task_id');
  const limit = intParam(url, 'limit', DEFAULT_TASK_LIMIT);
  const offset = intParam(url, 'offset', 0);
  const ascending = url.searchParams.get('order') === 'asc';
  const tasks = [...state.frameworks, ...state.completed_frameworks]
    .filter((f) => frameworkId === null || f.id === frameworkId)
    .flatMap((f) => [...f.tasks, ...f.unreachable_tasks, ...f.completed_tasks])
    .filter((t) => taskId === null || t.id === taskId);
  const first = (t: TaskSnapshot) => t.statuses[0]?.timestamp;
  const sorted = tasks
    .map((t, i) => ({ t, i }))
    .sort((a, b) => {
      const x = first(a.t);
      const y = first(b.t);
      if (x === undefined || y === undefined) {
        if (x === y) return a.i - b.i;
        // No status: first ascending, last descending (Mesos's TaskComparator).
        return (x === undefined ? -1 : 1) * (ascending ? 1 : -1);
      }
      return (ascending ? x - y : y - x) || a.i - b.i;
    })
    .map(({ t }) => t);
  return { tasks: sorted.slice(offset, offset + limit) };
}

/** Scalars of a resources model that are not 0 (Mesos `ResourceQuantities`). */
function quantities(model: ResourcesModel | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(model ?? {}))
    if (typeof value === 'number' && value !== 0) out[name] = value;
  return out;
}

function addInto(into: Record<string, number>, more: ResourcesModel): void {
  for (const [name, value] of Object.entries(more)) {
    if (typeof value === 'number' && value !== 0) into[name] = (into[name] ?? 0) + value;
  }
}

/**
 * `/master/roles` (Mesos `ReadOnlyHandler::roles`): every known role (with a weight, a quota,
 * a framework or a reservation), its weight, quota (`guarantee` none, `limit`, `consumed`),
 * what is allocated to it (tasks and executors), offered to it and reserved for it, and its
 * frameworks. `consumed` is allocated plus reserved (exact while no task runs on a
 * reservation; Mesos counts a reservation in use once).
 */
export function rolesJson(
  state: MasterState,
  weights: Readonly<Record<string, number>>,
  quotas: Readonly<Record<string, Readonly<Record<string, number>>>>,
): Record<string, unknown> {
  const names = new Set<string>([...Object.keys(weights), ...Object.keys(quotas)]);
  const allocated = new Map<string, Record<string, number>>();
  const offered = new Map<string, Record<string, number>>();
  const reserved = new Map<string, Record<string, number>>();
  const frameworks = new Map<string, string[]>();
  const get = (m: Map<string, Record<string, number>>, role: string) => {
    names.add(role);
    const r = m.get(role) ?? {};
    m.set(role, r);
    return r;
  };
  for (const f of state.frameworks) {
    for (const role of f.roles) {
      names.add(role);
      frameworks.set(role, [...(frameworks.get(role) ?? []), f.id]);
    }
    for (const t of f.tasks)
      if (!isTerminalOrUnreachable(t.state)) addInto(get(allocated, t.role), t.resources);
    for (const e of f.executors) addInto(get(allocated, e.role), e.resources);
    for (const o of f.offers) addInto(get(offered, o.allocation_info.role), o.resources);
  }
  for (const a of state.slaves)
    for (const [role, r] of Object.entries(a.reserved_resources)) addInto(get(reserved, role), r);
  return {
    roles: [...names].sort().map((name) => {
      const alloc = allocated.get(name) ?? {};
      const offer = offered.get(name) ?? {};
      const consumed = { ...alloc };
      addInto(consumed, reserved.get(name) ?? {});
      const resources = { ...alloc };
      addInto(resources, offer);
      return {
        name,
        weight: weights[name] ?? DEFAULT_WEIGHT,
        quota: { role: name, guarantee: {}, limit: { ...(quotas[name] ?? {}) }, consumed },
        resources,
        allocated: quantities(alloc),
        offered: quantities(offer),
        reserved: quantities(reserved.get(name)),
        frameworks: frameworks.get(name) ?? [],
      };
    }),
  };
}

/**
 * `GET /master/quota` as Mesos's `QuotaStatus` (include/mesos/quota/quota.proto): `configs`, each a
 * role with its `limits` as name → `{value}`. Guarantees are not modelled, so there are none.
 */
export function quotaStatus(quotas: Readonly<Record<string, Readonly<Record<string, number>>>>): {
  configs: { role: string; limits: Record<string, { value: number }> }[];
} {
  return {
    configs: Object.entries(quotas).map(([role, limits]) => ({
      role,
      limits: Object.fromEntries(Object.entries(limits).map(([name, value]) => [name, { value }])),
    })),
  };
}

/** A JSONP callback name: an identifier path, nothing a page could be made to run. */
const JSONP_CALLBACK = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/u;

/**
 * Answers `value` as JSON, or with `?jsonp=callback` as `callback(…);` in `text/javascript`, as
 * Mesos's `OK(json, jsonp)` (its web UI reads agents' state so). A callback that is not a plain
 * identifier path is 400 (Mesos writes whatever it is given).
 */
export function sendJsonp(res: ServerResponse, url: URL, value: unknown): void {
  const callback = url.searchParams.get('jsonp');
  if (callback === null) {
    sendJson(res, value);
    return;
  }
  if (!JSONP_CALLBACK.test(callback)) {
    sendText(res, 400, `Expecting 'jsonp' to be a JavaScript identifier, got '${callback}'`);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/javascript', 'X-Content-Type-Options': 'nosniff' });
  res.end(`${callback}(${JSON.stringify(value)});`);
}

/**
 * Answers `path` if it is one of the endpoints above; returns whether it did. GETs only (405
 * otherwise, as Mesos's read-only endpoints).
 */
export function serveMasterEndpoint(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  ctx: MasterEndpointContext,
): boolean {
  const answer = endpointFor(path);
  if (answer === undefined) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, `Expecting 'GET', received '${req.method ?? ''}'`, { Allow: 'GET' });
    return true;
  }
  answer(req, res, new URL(req.url ?? '/', 'http://master'), ctx);
  return true;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, ctx: MasterEndpointContext) => void;

function endpointFor(path: string): Handler | undefined {
  switch (path) {
    case '/master/state':
    case '/master/state.json':
    case '/state':
    case '/state.json':
      return (_req, res, url, ctx) => sendJsonp(res, url, stateJson(ctx));
    case '/master/state-summary':
      return (_req, res, url, ctx) => sendJsonp(res, url, stateSummaryJson(ctx.state()));
    case '/master/frameworks':
      return (_req, res, url, ctx) =>
        sendJsonp(res, url, frameworksJson(ctx.state(), url.searchParams.get('framework_id')));
    case '/master/slaves':
      return (_req, res, url, ctx) =>
        sendJsonp(res, url, slavesJson(ctx.state(), url.searchParams.get('slave_id')));
    case '/master/tasks':
    case '/master/tasks.json':
      return (_req, res, url, ctx) => sendJsonp(res, url, tasksJson(ctx.state(), url));
    case '/master/roles':
    case '/master/roles.json':
      return (_req, res, url, ctx) =>
        sendJsonp(res, url, rolesJson(ctx.state(), ctx.weights(), ctx.quotas()));
    case '/master/flags':
      return (_req, res, url, ctx) => sendJsonp(res, url, { flags: ctx.flags });
    case '/master/health':
      return (_req, res) => sendText(res, 200, '');
    case '/master/quota':
      return (_req, res, url, ctx) => sendJsonp(res, url, quotaStatus(ctx.quotas()));
    case '/master/weights':
      return (_req, res, url, ctx) => sendJsonp(res, url, weightInfos(ctx.weights()));
    case '/version':
      return (_req, res, url, ctx) => sendJsonp(res, url, versionJson(ctx.agoraVersion));
    case '/master/redirect':
    case '/redirect':
      return (_req, res, _url, ctx) => redirect(res, ctx.leader());
    default:
      return undefined;
  }
}

/**
 * Mesos `Http::redirect`: 307 to the leader's base URL, protocol-relative (`//host:port`) so a
 * browser keeps its scheme; 503 when no leader is known.
 */
function redirect(res: ServerResponse, leader: MasterInfoSnapshot | undefined): void {
  if (leader === undefined) {
    sendText(res, 503, 'No leader elected');
    return;
  }
  const host = leader.hostname.includes(':') ? `[${leader.hostname}]` : leader.hostname;
  res.writeHead(307, { Location: `//${host}:${leader.port}` });
  res.end();
}
