/**
 * Validation of `cluster`: agents added, removed and resized at times (a trace's machine events;
 * see {@link ClusterEventSpec} for what each does, Mesos's way), and of `tasks`, the trace tasks
 * given inline or as a file.
 */
import { type Context, readResources } from './context.js';
import { readArray, readChoice, readNumber, readObject, readString, required } from './fields.js';
import { FitCheck } from './fit.js';
import { describe, joinIndex } from './issues.js';
import {
  type AgentSpec,
  CLUSTER_EVENT_KINDS,
  type ClusterEventSpec,
  type FrameworkSpec,
  LIMITS,
  type TraceTasksSpec,
} from './schema.js';
import { checkOrder, readTraceTask, TRACE_TASK_LIMITS, type TraceTaskSpec } from './trace-task.js';
import { readTimeInRun } from './validate-jobs.js';

const EVENT_KEYS = {
  'agent-add': ['at', 'kind', 'agent'],
  'agent-remove': ['at', 'kind', 'agent'],
  'agent-resize': ['at', 'kind', 'agent', 'resources'],
} as const;

/** The cluster events, sorted by time (stable), or undefined after an error. */
export function readClusterEvents(
  ctx: Context,
  path: string,
  value: unknown,
  agents: readonly AgentSpec[] | undefined,
): ClusterEventSpec[] | undefined {
  const { issues } = ctx;
  const list = readArray(issues, path, value, LIMITS.clusterEvents);
  if (list === undefined) return undefined;
  const before = issues.count;
  const events: ClusterEventSpec[] = [];
  list.forEach((item, i) => {
    const at = joinIndex(path, i);
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      issues.add(at, `expected an object, got ${describe(item)}`);
      return;
    }
    const kind = required(issues, at, item as Record<string, unknown>, 'kind', (p, v) =>
      readChoice(issues, p, v, CLUSTER_EVENT_KINDS, 'cluster event kind'),
    );
    if (kind === undefined) return;
    const obj = readObject(issues, at, item, EVENT_KEYS[kind]);
    if (obj === undefined) return;
    const atMs = required(issues, at, obj, 'at', (p, v) => readTimeInRun(ctx, p, v));
    const agentId = required(issues, at, obj, 'agent', (p, v) => {
      const n = readNumber(issues, p, v, { integer: true, min: 0 });
      if (n === undefined || agents === undefined) return undefined;
      const agent = agents[n];
      if (agent === undefined) {
        issues.add(p, `no agent ${n} (the scenario has agents 0 to ${agents.length - 1})`);
        return undefined;
      }
      return agent.id;
    });
    if (atMs === undefined || agentId === undefined) return;
    if (kind === 'agent-resize') {
      const resources = required(issues, at, obj, 'resources', (p, v) => readResources(ctx, p, v));
      if (resources !== undefined) events.push({ kind, atMs, agentId, resources });
      return;
    }
    events.push({ kind, atMs, agentId });
  });
  if (issues.count !== before) return undefined;
  return events
    .map((e, i) => [e, i] as const)
    .sort((a, b) => a[0].atMs - b[0].atMs || a[1] - b[1])
    .map(([e]) => e);
}

/** `tasks`: a list of trace tasks, or `{"file": "<path>"}`. */
export function readTraceTasks(
  ctx: Context,
  path: string,
  value: unknown,
  scenario: {
    agents: readonly AgentSpec[] | undefined;
    frameworks: readonly FrameworkSpec[] | undefined;
    cluster: readonly ClusterEventSpec[] | undefined;
  },
): TraceTasksSpec | undefined {
  const { issues } = ctx;
  if (!Array.isArray(value)) {
    if (typeof value !== 'object' || value === null) {
      issues.add(path, `expected a list of tasks or {"file": "tasks.jsonl.gz"}, got ${describe(value)}`);
      return undefined;
    }
    const obj = readObject(issues, path, value, ['file']);
    if (obj === undefined) return undefined;
    const file = required(issues, path, obj, 'file', (p, v) => {
      const s = readString(issues, p, v, 4096);
      if (s === '') {
        issues.add(p, 'must not be empty');
        return undefined;
      }
      return s;
    });
    return file === undefined ? undefined : { kind: 'file', path: file };
  }
  const list = readArray(issues, path, value, TRACE_TASK_LIMITS.inline);
  if (list === undefined || scenario.frameworks === undefined) return undefined;
  const scope = traceTaskScope(scenario.frameworks, scenario.agents, scenario.cluster ?? []);
  const before = issues.count;
  const tasks: TraceTaskSpec[] = [];
  list.forEach((item, i) => {
    const t = readTraceTask(ctx, scope, joinIndex(path, i), item);
    if (t !== undefined) tasks.push(t);
  });
  if (issues.count !== before || !checkOrder(ctx, path, tasks)) return undefined;
  return { kind: 'inline', tasks };
}

/** What checking trace tasks needs: framework roles, and the agents to check fit against. */
export function traceTaskScope(
  frameworks: readonly FrameworkSpec[],
  agents: readonly AgentSpec[] | undefined,
  cluster: readonly ClusterEventSpec[] = [],
): { roles: Map<string, string>; fit: FitCheck | undefined } {
  // A resized agent's new resources count as an agent shape too.
  const resized = cluster.flatMap((e) => (e.kind === 'agent-resize' ? [{ resources: e.resources }] : []));
  return {
    roles: new Map(frameworks.map((f) => [f.name, f.role])),
    fit: agents === undefined ? undefined : new FitCheck([...agents, ...resized]),
  };
}
