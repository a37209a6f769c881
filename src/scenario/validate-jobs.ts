/** Validation of one framework's jobs: when they arrive, what their tasks need and how long they run. */
import type { Resources } from '../core/resources.js';
import { UNRESERVED_ROLE } from '../core/roles.js';
import { expectedSubmissions } from './arrivals.js';
import { type Context, readResources, secondsText } from './context.js';
import {
  field,
  type JsonObject,
  optional,
  readChoice,
  readName,
  readNumber,
  readObject,
  readSecondsAsMs,
  required,
} from './fields.js';
import type { FitCheck } from './fit.js';
import { describe, joinIndex, joinKey } from './issues.js';
import { DEFAULTS, type Distribution, type JobSpec, type JobStart, LIMITS } from './schema.js';

const JOB_KEYS = ['name', 'at', 'arrival', 'tasks', 'resources', 'duration', 'failRate'] as const;
const ARRIVAL_KEYS = ['process', 'rate', 'from', 'until'] as const;
const ARRIVAL_PROCESSES = ['poisson'] as const;
const DISTRIBUTIONS = ['exponential', 'uniform', 'lognormal'] as const;
const DISTRIBUTION_KEYS = {
  exponential: ['dist', 'mean'],
  uniform: ['dist', 'min', 'max'],
  lognormal: ['dist', 'mean', 'stddev'],
} as const;

/** The framework a job belongs to, as far as its jobs need to know. */
export interface JobOwner {
  readonly role: string | undefined;
  readonly fit: FitCheck | undefined;
}

/** Tallies over all jobs, for the scenario-wide limits. */
export interface JobTotals {
  jobs: number;
  /** Tasks, Poisson jobs counted at their expected number of arrivals. */
  tasks: number;
}

/** Reads a framework's `jobs` (already known to be an array within the per-framework limit). */
export function readJobs(
  ctx: Context,
  path: string,
  list: readonly unknown[],
  owner: JobOwner,
  totals: JobTotals,
): JobSpec[] | undefined {
  const before = ctx.issues.count;
  const jobs: JobSpec[] = [];
  const names = new Map<string, number>();
  list.forEach((item, i) => {
    const job = readJob(ctx, joinIndex(path, i), item, i, owner);
    if (job === undefined) return;
    const first = names.get(job.name);
    if (first !== undefined) {
      ctx.issues.add(
        joinKey(joinIndex(path, i), 'name'),
        `duplicate job name "${job.name}" (also ${path}[${first}])`,
      );
      return;
    }
    names.set(job.name, i);
    totals.jobs++;
    totals.tasks += job.tasks * expectedSubmissions(job.start);
    jobs.push(job);
  });
  return ctx.issues.count === before ? jobs : undefined;
}

function readJob(
  ctx: Context,
  path: string,
  value: unknown,
  index: number,
  owner: JobOwner,
): JobSpec | undefined {
  const { issues } = ctx;
  const obj = readObject(issues, path, value, JOB_KEYS);
  if (obj === undefined) return undefined;
  const name = optional(obj, path, 'name', (p, v) => readName(issues, p, v), `job-${index}`);
  const start = readStart(ctx, path, obj);
  const tasks = required(issues, path, obj, 'tasks', (p, v) =>
    readNumber(issues, p, v, { integer: true, min: 1, max: LIMITS.tasksPerJob }),
  );
  const resources = required(issues, path, obj, 'resources', (p, v) => {
    const r = readResources(ctx, p, v);
    return r === undefined ? undefined : checkTaskResources(ctx, p, r, owner);
  });
  const duration = required(issues, path, obj, 'duration', (p, v) => readDuration(ctx, p, v));
  const failRate = optional(
    obj,
    path,
    'failRate',
    (p, v) => readNumber(issues, p, v, { min: 0, max: 1 }),
    DEFAULTS.failRate,
  );
  if (
    name === undefined ||
    start === undefined ||
    tasks === undefined ||
    resources === undefined ||
    duration === undefined ||
    failRate === undefined
  ) {
    return undefined;
  }
  return { name, start, tasks, resources, duration, failRate };
}

/**
 * A task asks for scalar and range resources (no sets), unreserved or reserved for its
 * framework's role; a demand for resources reserved to another role could never be offered to it.
 */
function checkTaskResources(
  ctx: Context,
  path: string,
  r: Resources,
  owner: JobOwner,
): Resources | undefined {
  for (const e of r.entries) {
    // A set resource names particular values (which disks, which GPUs by id) that a scenario
    // cannot know in advance; ranges are asked for by size (see scenarios/README.md).
    if (e.value.kind === 'set') {
      ctx.issues.add(
        path,
        `"${e.name}" is a set resource; scenario tasks may ask for scalars (cpus:1) and ranges (ports:[1-2] asks for two ports)`,
      );
      return undefined;
    }
  }
  if (owner.role === undefined) return r;
  for (const e of r.entries) {
    if (e.role !== UNRESERVED_ROLE && e.role !== owner.role) {
      ctx.issues.add(
        path,
        `"${e.name}" is reserved for role "${e.role}", but the framework's role is "${owner.role}"; it would never be offered`,
      );
      return undefined;
    }
  }
  const problem = owner.fit?.problem(r, owner.role);
  if (problem !== undefined) {
    ctx.issues.add(path, problem);
    return undefined;
  }
  return r;
}

/** Exactly one of `at` and `arrival`. */
function readStart(ctx: Context, path: string, obj: JsonObject): JobStart | undefined {
  const { issues } = ctx;
  const at = field(obj, 'at');
  const arrival = field(obj, 'arrival');
  if (at !== undefined && arrival !== undefined) {
    issues.add(joinKey(path, 'arrival'), 'not allowed together with "at" (give one of them)');
    return undefined;
  }
  if (arrival !== undefined) return readArrival(ctx, joinKey(path, 'arrival'), arrival);
  if (at === undefined) {
    issues.add(joinKey(path, 'at'), 'missing (required unless "arrival" is given)');
    return undefined;
  }
  const atMs = readTimeInRun(ctx, joinKey(path, 'at'), at);
  return atMs === undefined ? undefined : { kind: 'at', atMs };
}

/** A time in [0, until): anything at or after the end of the run would never happen. */
export function readTimeInRun(ctx: Context, path: string, value: unknown): number | undefined {
  const ms = readSecondsAsMs(ctx.issues, path, value);
  if (ms === undefined || ctx.untilMs === undefined) return ms;
  if (ms >= ctx.untilMs) {
    ctx.issues.add(
      path,
      `must be before the end of the run (until ${secondsText(ctx.untilMs)}), got ${secondsText(ms)}`,
    );
    return undefined;
  }
  return ms;
}

function readArrival(ctx: Context, path: string, value: unknown): JobStart | undefined {
  const { issues } = ctx;
  const obj = readObject(issues, path, value, ARRIVAL_KEYS);
  if (obj === undefined) return undefined;
  const processKind = required(issues, path, obj, 'process', (p, v) =>
    readChoice(issues, p, v, ARRIVAL_PROCESSES, 'arrival process'),
  );
  const ratePerSecond = required(issues, path, obj, 'rate', (p, v) => readNumber(issues, p, v, { above: 0 }));
  const fromMs = optional(obj, path, 'from', (p, v) => readTimeInRun(ctx, p, v), 0);
  const untilMs = optional(obj, path, 'until', (p, v) => readArrivalEnd(ctx, p, v), ctx.untilMs);
  if (
    processKind === undefined ||
    ratePerSecond === undefined ||
    fromMs === undefined ||
    untilMs === undefined
  ) {
    return undefined;
  }
  if (untilMs <= fromMs) {
    issues.add(
      joinKey(path, 'until'),
      `must be after "from" (${secondsText(fromMs)}), got ${secondsText(untilMs)}`,
    );
    return undefined;
  }
  const start: JobStart = { kind: 'poisson', ratePerSecond, fromMs, untilMs };
  const expected = expectedSubmissions(start);
  if (expected > LIMITS.arrivalsPerProcess) {
    issues.add(
      joinKey(path, 'rate'),
      `expects ${Math.round(expected)} arrivals (rate × span), more than the limit of ${LIMITS.arrivalsPerProcess}`,
    );
    return undefined;
  }
  return start;
}

/** An arrival process ends by the end of the run (its arrivals after it would never happen). */
function readArrivalEnd(ctx: Context, path: string, value: unknown): number | undefined {
  const ms = readSecondsAsMs(ctx.issues, path, value, { above: 0 });
  if (ms === undefined || ctx.untilMs === undefined || ms <= ctx.untilMs) return ms;
  ctx.issues.add(
    path,
    `must be at most the end of the run (until ${secondsText(ctx.untilMs)}), got ${secondsText(ms)}`,
  );
  return undefined;
}

/** A duration: seconds, `"forever"`, or `{"dist": …}` with its parameters in seconds. */
export function readDuration(ctx: Context, path: string, value: unknown): Distribution | undefined {
  const { issues } = ctx;
  if (typeof value === 'number') {
    const valueMs = readSecondsAsMs(issues, path, value);
    return valueMs === undefined ? undefined : { kind: 'constant', valueMs };
  }
  if (value === 'forever') return { kind: 'forever' };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.add(
      path,
      `expected a number of seconds, "forever" or a distribution like {"dist":"exponential","mean":30}, got ${describe(value)}`,
    );
    return undefined;
  }
  const raw = value as JsonObject;
  const dist = required(issues, path, raw, 'dist', (p, v) =>
    readChoice(issues, p, v, DISTRIBUTIONS, 'distribution'),
  );
  if (dist === undefined) return undefined;
  const obj = readObject(issues, path, raw, DISTRIBUTION_KEYS[dist]);
  if (obj === undefined) return undefined;
  const seconds = (key: string, rule: { above?: number; min?: number }) =>
    required(issues, path, obj, key, (p, v) => readSecondsAsMs(issues, p, v, rule));
  switch (dist) {
    case 'exponential': {
      const meanMs = seconds('mean', { above: 0 });
      return meanMs === undefined ? undefined : { kind: 'exponential', meanMs };
    }
    case 'uniform': {
      const minMs = seconds('min', { min: 0 });
      const maxMs = seconds('max', { min: 0 });
      if (minMs === undefined || maxMs === undefined) return undefined;
      if (maxMs < minMs) {
        issues.add(
          joinKey(path, 'max'),
          `must be at least "min" (${secondsText(minMs)}), got ${secondsText(maxMs)}`,
        );
        return undefined;
      }
      return { kind: 'uniform', minMs, maxMs };
    }
    case 'lognormal': {
      const meanMs = seconds('mean', { above: 0 });
      const stddevMs = seconds('stddev', { min: 0 });
      return meanMs === undefined || stddevMs === undefined
        ? undefined
        : { kind: 'lognormal', meanMs, stddevMs };
    }
  }
}
