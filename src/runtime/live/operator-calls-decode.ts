/**
 * Decodes and validates operator API calls (`master::Call`, `agent::Call`;
 * include/mesos/v1/master/master.proto, agent/agent.proto) from their JSON form, with the
 * messages Mesos answers 400 with ("Failed to convert JSON into Call protobuf: …" for a body
 * that is not a Call, "Failed to validate master::Call: Expecting 'x' to be present" for a
 * missing argument, the weights and quota handlers' own words for bad weights and quotas).
 *
 * Calls Mesos has but Agora does not serve decode as `unsupported`; the endpoint answers them
 * 501 Not Implemented, as Mesos answers a call its build does not implement.
 */
import { formatDecodeError } from '../../core/messages/decode-helpers.js';
import type { AgentID } from '../../core/messages/ids.js';
import type { OperatorChange, QuotaConfig, WeightInfo } from '../../core/messages/operator-call.js';
import { resourceJsonList } from '../../core/messages/resources-json.js';
import { quotaNameProblem } from '../../core/quota-names.js';
import { roleProblem } from '../../core/roles.js';

/** The master's calls Agora serves without an argument. */
const MASTER_PLAIN = [
  'GET_HEALTH',
  'GET_FLAGS',
  'GET_VERSION',
  'GET_LOGGING_LEVEL',
  'GET_STATE',
  'GET_AGENTS',
  'GET_FRAMEWORKS',
  'GET_EXECUTORS',
  'GET_TASKS',
  'GET_ROLES',
  'GET_WEIGHTS',
  'GET_MASTER',
  'GET_QUOTA',
  'GET_MAINTENANCE_STATUS',
  'SUBSCRIBE',
] as const;

/** Every `master::Call` type Mesos knows (master.proto `Call.Type`). */
const MASTER_CALL_TYPES: readonly string[] = [
  ...MASTER_PLAIN,
  'UNKNOWN',
  'GET_METRICS',
  'SET_LOGGING_LEVEL',
  'LIST_FILES',
  'READ_FILE',
  'GET_OPERATIONS',
  'UPDATE_WEIGHTS',
  'RESERVE_RESOURCES',
  'UNRESERVE_RESOURCES',
  'CREATE_VOLUMES',
  'DESTROY_VOLUMES',
  'GROW_VOLUME',
  'SHRINK_VOLUME',
  'GET_MAINTENANCE_SCHEDULE',
  'UPDATE_MAINTENANCE_SCHEDULE',
  'START_MAINTENANCE',
  'STOP_MAINTENANCE',
  'DRAIN_AGENT',
  'DEACTIVATE_AGENT',
  'REACTIVATE_AGENT',
  'UPDATE_QUOTA',
  'SET_QUOTA',
  'REMOVE_QUOTA',
  'TEARDOWN',
  'MARK_AGENT_GONE',
];

/** A master call Agora serves, or one it knows but does not. */
export type MasterCall =
  | { readonly type: (typeof MASTER_PLAIN)[number] }
  | { readonly type: 'GET_METRICS' }
  | { readonly type: 'CHANGE'; readonly change: OperatorChange }
  | { readonly type: 'UNSUPPORTED'; readonly name: string };

/** The agent's calls Agora serves without an argument. */
const AGENT_PLAIN = [
  'GET_HEALTH',
  'GET_FLAGS',
  'GET_VERSION',
  'GET_STATE',
  'GET_CONTAINERS',
  'GET_FRAMEWORKS',
  'GET_EXECUTORS',
  'GET_TASKS',
  'GET_AGENT',
] as const;

/** Every `agent::Call` type Mesos knows (agent.proto `Call.Type`). */
const AGENT_CALL_TYPES: readonly string[] = [
  ...AGENT_PLAIN,
  'UNKNOWN',
  'GET_METRICS',
  'GET_LOGGING_LEVEL',
  'SET_LOGGING_LEVEL',
  'LIST_FILES',
  'READ_FILE',
  'GET_OPERATIONS',
  'GET_RESOURCE_PROVIDERS',
  'LAUNCH_NESTED_CONTAINER',
  'WAIT_NESTED_CONTAINER',
  'KILL_NESTED_CONTAINER',
  'REMOVE_NESTED_CONTAINER',
  'LAUNCH_NESTED_CONTAINER_SESSION',
  'ATTACH_CONTAINER_INPUT',
  'ATTACH_CONTAINER_OUTPUT',
  'LAUNCH_CONTAINER',
  'WAIT_CONTAINER',
  'KILL_CONTAINER',
  'REMOVE_CONTAINER',
  'ADD_RESOURCE_PROVIDER_CONFIG',
  'UPDATE_RESOURCE_PROVIDER_CONFIG',
  'REMOVE_RESOURCE_PROVIDER_CONFIG',
  'MARK_RESOURCE_PROVIDER_GONE',
  'PRUNE_IMAGES',
];

/** An agent call Agora serves, or one it knows but does not. */
export type AgentCall =
  | { readonly type: (typeof AGENT_PLAIN)[number] }
  | { readonly type: 'GET_METRICS' }
  | { readonly type: 'LIST_FILES'; readonly path: string }
  | {
      readonly type: 'READ_FILE';
      readonly path: string;
      readonly offset: number;
      readonly length: number | undefined;
    }
  | { readonly type: 'UNSUPPORTED'; readonly name: string };

/** A decoded call, or the 400 message. */
export type DecodedCall<T> =
  | { readonly ok: true; readonly call: T }
  | { readonly ok: false; readonly message: string };

type Obj = Readonly<Record<string, unknown>>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const bad = (message: string) => ({ ok: false as const, message });

/** The call's `type`, checked against the names Mesos knows. */
function callType(
  json: unknown,
  known: readonly string[],
): { ok: true; type: string } | { ok: false; message: string } {
  if (!isObj(json)) return bad('Failed to convert JSON into Call protobuf: expected a JSON object');
  const type = json.type;
  if (type === undefined) return bad("Failed to validate Call: Expecting 'type' to be present");
  if (typeof type !== 'string' || !known.includes(type)) {
    return bad(`Failed to convert JSON into Call protobuf: Failed to find enum for '${String(type)}'`);
  }
  return { ok: true, type };
}

/** The call's argument field (e.g. `update_weights`), which Mesos requires for calls that take one. */
function argument(json: Obj, field: string, what: string): Obj | string {
  const value = json[field];
  if (!isObj(value)) return `Failed to validate ${what}: Expecting '${field}' to be present`;
  return value;
}

/** Decodes a `master::Call`. */
export function decodeMasterCall(json: unknown): DecodedCall<MasterCall> {
  const t = callType(json, MASTER_CALL_TYPES);
  if (!t.ok) return t;
  const obj = json as Obj;
  const type = t.type;
  if ((MASTER_PLAIN as readonly string[]).includes(type)) {
    return { ok: true, call: { type: type as (typeof MASTER_PLAIN)[number] } };
  }
  switch (type) {
    case 'GET_METRICS': {
      const arg = argument(obj, 'get_metrics', 'master::Call');
      return typeof arg === 'string' ? bad(arg) : { ok: true, call: { type } };
    }
    case 'UPDATE_WEIGHTS': {
      const arg = argument(obj, 'update_weights', 'master::Call');
      if (typeof arg === 'string') return bad(arg);
      const infos = weightInfos(arg.weight_infos);
      return typeof infos === 'string'
        ? bad(infos)
        : { ok: true, call: { type: 'CHANGE', change: { type, weightInfos: infos } } };
    }
    case 'UPDATE_QUOTA': {
      const arg = argument(obj, 'update_quota', 'master::Call');
      if (typeof arg === 'string') return bad(arg);
      const configs = quotaConfigs(arg.quota_configs);
      return typeof configs === 'string'
        ? bad(configs)
        : { ok: true, call: { type: 'CHANGE', change: { type, quotaConfigs: configs } } };
    }
    case 'MARK_AGENT_GONE': {
      const arg = argument(obj, 'mark_agent_gone', 'master::Call');
      if (typeof arg === 'string') return bad(arg);
      const agentId = idOf(arg.agent_id);
      if (agentId === undefined) {
        return bad("Failed to validate master::Call: Expecting 'mark_agent_gone.agent_id' to be present");
      }
      return { ok: true, call: { type: 'CHANGE', change: { type, agentId } } };
    }
    case 'RESERVE_RESOURCES':
    case 'UNRESERVE_RESOURCES': {
      const field = type === 'RESERVE_RESOURCES' ? 'reserve_resources' : 'unreserve_resources';
      const arg = argument(obj, field, 'master::Call');
      if (typeof arg === 'string') return bad(arg);
      const agentId = idOf(arg.agent_id);
      if (agentId === undefined) {
        return bad(`Failed to validate master::Call: Expecting '${field}.agent_id' to be present`);
      }
      const resources = resourceJsonList(arg.resources ?? [], `${field}.resources`);
      if (!resources.ok) {
        return bad(`Failed to convert JSON into Call protobuf: ${formatDecodeError(resources.error)}`);
      }
      if (resources.value.length === 0) {
        return bad(`Failed to validate master::Call: Expecting '${field}.resources' to be non-empty`);
      }
      return { ok: true, call: { type: 'CHANGE', change: { type, agentId, resources: resources.value } } };
    }
    default:
      return { ok: true, call: { type: 'UNSUPPORTED', name: type } };
  }
}

/** Decodes an `agent::Call`. */
export function decodeAgentCall(json: unknown): DecodedCall<AgentCall> {
  const t = callType(json, AGENT_CALL_TYPES);
  if (!t.ok) return t;
  const obj = json as Obj;
  const type = t.type;
  if ((AGENT_PLAIN as readonly string[]).includes(type)) {
    return { ok: true, call: { type: type as (typeof AGENT_PLAIN)[number] } };
  }
  switch (type) {
    case 'GET_METRICS': {
      const arg = argument(obj, 'get_metrics', 'agent::Call');
      return typeof arg === 'string' ? bad(arg) : { ok: true, call: { type } };
    }
    case 'LIST_FILES': {
      const arg = argument(obj, 'list_files', 'agent::Call');
      if (typeof arg === 'string') return bad(arg);
      if (typeof arg.path !== 'string') {
        return bad("Failed to validate agent::Call: Expecting 'list_files.path' to be present");
      }
      return { ok: true, call: { type, path: arg.path } };
    }
    case 'READ_FILE': {
      const arg = argument(obj, 'read_file', 'agent::Call');
      if (typeof arg === 'string') return bad(arg);
      if (typeof arg.path !== 'string') {
        return bad("Failed to validate agent::Call: Expecting 'read_file.path' to be present");
      }
      const offset = uint64(arg.offset);
      const length = arg.length === undefined ? undefined : uint64(arg.length);
      if (offset === undefined)
        return bad("Failed to validate agent::Call: Expecting 'read_file.offset' to be present");
      if (offset === null || length === null) {
        return bad(
          'Failed to convert JSON into Call protobuf: read_file.offset and length: expected uint64s',
        );
      }
      return { ok: true, call: { type, path: arg.path, offset, length } };
    }
    default:
      return { ok: true, call: { type: 'UNSUPPORTED', name: type } };
  }
}

/** A uint64 as JSON carries it (a number, or a decimal string as protobuf JSON writes 64-bit ints). */
function uint64(v: unknown): number | undefined | null {
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/u.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function idOf(v: unknown): AgentID | undefined {
  return isObj(v) && typeof v.value === 'string' && v.value !== '' ? { value: v.value } : undefined;
}

/** `weight_infos`, checked as Mesos's weights handler does (weights_handler.cpp). */
function weightInfos(v: unknown): WeightInfo[] | string {
  const what = 'Failed to validate update weights request JSON';
  if (!Array.isArray(v)) return `${what}: Expecting 'weight_infos' to be a list`;
  const out: WeightInfo[] = [];
  for (const [i, info] of v.entries()) {
    if (!isObj(info) || typeof info.role !== 'string' || typeof info.weight !== 'number') {
      return `${what}: weight_infos[${i}]: expected {"role": string, "weight": number}`;
    }
    const role = info.role.trim();
    const problem = roleProblem(role);
    if (problem !== undefined) return `${what}: Invalid role '${role}': ${problem}`;
    if (!(info.weight > 0) || !Number.isFinite(info.weight)) {
      return `${what} for role '${role}': Invalid weight '${info.weight}': Weights must be positive`;
    }
    out.push({ role, weight: info.weight });
  }
  return out;
}

/**
 * `quota_configs`, checked as Mesos's quota handler does (roles valid and not `*`, each role once,
 * scalar names, amounts >= 0). Agora keeps limits only: a config with guarantees is refused with
 * that reason rather than silently dropping them.
 */
function quotaConfigs(v: unknown): QuotaConfig[] | string {
  const what = 'Invalid QuotaConfig';
  if (!Array.isArray(v))
    return "Failed to validate master::Call: Expecting 'update_quota.quota_configs' to be a list";
  const out: QuotaConfig[] = [];
  const seen = new Set<string>();
  for (const [i, config] of v.entries()) {
    if (!isObj(config) || typeof config.role !== 'string')
      return `${what}: quota_configs[${i}]: expected a 'role'`;
    const role = config.role;
    if (role === '*')
      return `${what}: Invalid role '*': setting quota for the default '*' role is not supported`;
    const problem = roleProblem(role);
    if (problem !== undefined) return `${what}: Invalid role '${role}': ${problem}`;
    if (seen.has(role)) return `${what}: Duplicate config for role '${role}'`;
    seen.add(role);
    const guarantees = config.guarantees;
    if (isObj(guarantees) && Object.keys(guarantees).length > 0) {
      return `${what} for role '${role}': guarantees are not supported by Agora (it enforces limits only); set 'limits'`;
    }
    const limits: Record<string, number> = {};
    const raw = config.limits ?? {};
    if (!isObj(raw))
      return `${what} for role '${role}': 'limits' must be a map of resource name to {"value": number}`;
    for (const [name, quantity] of Object.entries(raw)) {
      const nameProblem = quotaNameProblem(name);
      if (nameProblem !== undefined) return `${what} for role '${role}': ${nameProblem}`;
      const value = isObj(quantity) ? quantity.value : undefined;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        return `${what} for role '${role}': limits.${name}: expected {"value": a number >= 0}`;
      }
      limits[name] = value;
    }
    out.push({ role, limits });
  }
  return out;
}
