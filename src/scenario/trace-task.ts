/**
 * Trace tasks: tasks given one by one, as a trace records them, rather than as jobs of identical
 * tasks. Each names its framework, its submission time, what it asks for, how long it runs once
 * launched and how it ended in the trace, and optionally what the trace's own scheduler did
 * (`scheduled`, for the wait-time comparison), its priority band or QoS class, the group it
 * belongs to (a job or a stage: the scope of its constraints and what others may depend on),
 * the groups it must wait for, and placement constraints.
 *
 * A scenario holds them inline (a short list) or names a JSON-lines file beside it (optionally
 * gzipped), read as the simulated clock reaches each task, so a trace of millions of tasks is
 * never in memory. One line, one task:
 *
 *     {"at":12.5,"framework":"u3.batch","resources":"cpus:0.5;mem:2048","duration":300,"outcome":"finished"}
 *
 * This module checks one task (pure); reading the file is the composition root's
 * (src/runtime/sim/trace-task-file.ts).
 */
import type { Resources } from '../core/resources.js';
import { type PlacementConstraint, readConstraints } from './constraints.js';
import { type Context, readResources } from './context.js';
import {
  field,
  optional,
  readArray,
  readChoice,
  readName,
  readObject,
  readSecondsAsMs,
  readString,
  required,
} from './fields.js';
import type { FitCheck } from './fit.js';
import { joinIndex, joinKey } from './issues.js';

/**
 * How a task ended in the trace. The simulated task ends the same way once launched, after the
 * same duration: `finished` exits 0, `failed` exits 1 (TASK_FAILED); `killed`, `evicted` and
 * `lost` are killed by their framework when the duration is up (TASK_KILLED; Mesos has no
 * eviction of its own, and a task the trace lost ended at that time for reasons outside the
 * scheduler), and the summary keeps the trace's word for them.
 */
export const TRACE_OUTCOMES = ['finished', 'failed', 'killed', 'evicted', 'lost'] as const;

/** A trace outcome. */
export type TraceOutcome = (typeof TRACE_OUTCOMES)[number];

/** One checked trace task; times in ms. */
export interface TraceTaskSpec {
  /** When it is submitted (simulated time). */
  readonly atMs: number;
  readonly framework: string;
  /** The trace's name for it (the task id's prefix); undefined when the trace gives none. */
  readonly id: string | undefined;
  readonly resources: Resources;
  /** How long it runs once launched; `Infinity` when the trace saw no end (it runs until the run ends). */
  readonly durationMs: number;
  readonly outcome: TraceOutcome;
  /** When the trace's scheduler placed it (simulated time), if the trace says. */
  readonly scheduledMs: number | undefined;
  /** The priority band or QoS class the comparison groups it under; undefined: its framework's role. */
  readonly band: string | undefined;
  /** The group it belongs to (job or stage), if any. */
  readonly group: string | undefined;
  /** Groups every task of which must have ended before it is handed to its framework. */
  readonly after: readonly string[];
  readonly constraints: readonly PlacementConstraint[];
}

/** Keys of a trace task as written. */
export const TRACE_TASK_KEYS = [
  'at',
  'framework',
  'id',
  'resources',
  'duration',
  'outcome',
  'scheduled',
  'band',
  'group',
  'after',
  'constraints',
] as const;

/** Limits on one trace task. */
export const TRACE_TASK_LIMITS = {
  idLength: 256,
  groupLength: 256,
  bandLength: 64,
  after: 10_000,
  /** Characters of one line of a task file. */
  lineChars: 1024 * 1024,
  /** Tasks inline in a scenario file (more belong in a task file). */
  inline: 100_000,
} as const;

/** What checking a task needs to know of the scenario. */
export interface TraceTaskScope {
  /** Framework name → its role (to check that a task fits an agent offered to that role). */
  readonly roles: ReadonlyMap<string, string>;
  readonly fit: FitCheck | undefined;
}

/** Reads one trace task at `path`, or records what is wrong with it. */
export function readTraceTask(
  ctx: Context,
  scope: TraceTaskScope,
  path: string,
  value: unknown,
): TraceTaskSpec | undefined {
  const { issues } = ctx;
  const obj = readObject(issues, path, value, TRACE_TASK_KEYS);
  if (obj === undefined) return undefined;
  const atMs = required(issues, path, obj, 'at', (p, v) => readSecondsAsMs(issues, p, v));
  const framework = required(issues, path, obj, 'framework', (p, v) => {
    const name = readName(issues, p, v);
    if (name !== undefined && !scope.roles.has(name)) {
      issues.add(p, `no framework "${name}" in the scenario`);
      return undefined;
    }
    return name;
  });
  const id = optional(
    obj,
    path,
    'id',
    (p, v) => readString(issues, p, v, TRACE_TASK_LIMITS.idLength),
    undefined,
  );
  const resources = required(issues, path, obj, 'resources', (p, v) => {
    const r = readResources(ctx, p, v);
    if (r === undefined || framework === undefined) return r;
    if (r.entries.some((e) => e.value.kind === 'set')) {
      issues.add(p, 'set resources cannot be asked for by amount; use scalars and ranges');
      return undefined;
    }
    const problem = scope.fit?.problem(r, scope.roles.get(framework) as string);
    if (problem !== undefined) {
      issues.add(p, problem);
      return undefined;
    }
    return r;
  });
  const durationMs = optional(
    obj,
    path,
    'duration',
    (p, v) => (v === 'forever' ? Number.POSITIVE_INFINITY : readSecondsAsMs(issues, p, v)),
    Number.POSITIVE_INFINITY,
  );
  const outcome = optional(
    obj,
    path,
    'outcome',
    (p, v) => readChoice(issues, p, v, TRACE_OUTCOMES, 'outcome'),
    'finished' as TraceOutcome,
  );
  const scheduledMs = optional(obj, path, 'scheduled', (p, v) => readSecondsAsMs(issues, p, v), undefined);
  const band = optional(
    obj,
    path,
    'band',
    (p, v) => readString(issues, p, v, TRACE_TASK_LIMITS.bandLength),
    undefined,
  );
  const group = optional(
    obj,
    path,
    'group',
    (p, v) => readString(issues, p, v, TRACE_TASK_LIMITS.groupLength),
    undefined,
  );
  const after = optional(obj, path, 'after', (p, v) => readGroups(ctx, p, v), []);
  const constraints = optional(obj, path, 'constraints', (p, v) => readConstraints(issues, p, v), []);
  if (
    atMs === undefined ||
    framework === undefined ||
    resources === undefined ||
    durationMs === undefined ||
    outcome === undefined ||
    after === undefined ||
    constraints === undefined ||
    (field(obj, 'id') !== undefined && id === undefined) ||
    (field(obj, 'scheduled') !== undefined && scheduledMs === undefined) ||
    (field(obj, 'band') !== undefined && band === undefined) ||
    (field(obj, 'group') !== undefined && group === undefined)
  ) {
    return undefined;
  }
  if (scheduledMs !== undefined && scheduledMs < atMs) {
    issues.add(
      joinKey(path, 'scheduled'),
      `must not be before "at" (${atMs / 1000} s), got ${scheduledMs / 1000} s`,
    );
    return undefined;
  }
  if (group !== undefined && after.includes(group)) {
    issues.add(joinKey(path, 'after'), `names the task's own group "${group}"`);
    return undefined;
  }
  return {
    atMs,
    framework,
    id,
    resources,
    durationMs,
    outcome,
    scheduledMs,
    band,
    group,
    after,
    constraints,
  };
}

function readGroups(ctx: Context, path: string, value: unknown): string[] | undefined {
  const list = readArray(ctx.issues, path, value, TRACE_TASK_LIMITS.after);
  if (list === undefined) return undefined;
  const out: string[] = [];
  const before = ctx.issues.count;
  list.forEach((v, i) => {
    const s = readString(ctx.issues, joinIndex(path, i), v, TRACE_TASK_LIMITS.groupLength);
    if (s !== undefined) out.push(s);
  });
  return ctx.issues.count === before ? out : undefined;
}

/** Whether inline tasks are in submission order (a task file must be too; see the reader). */
export function checkOrder(ctx: Context, path: string, tasks: readonly TraceTaskSpec[]): boolean {
  for (let i = 1; i < tasks.length; i++) {
    const prev = (tasks[i - 1] as TraceTaskSpec).atMs;
    const at = (tasks[i] as TraceTaskSpec).atMs;
    if (at < prev) {
      ctx.issues.add(
        joinKey(joinIndex(path, i), 'at'),
        `tasks must be in submission order: ${at / 1000} s comes after ${prev / 1000} s`,
      );
      return false;
    }
  }
  return true;
}
