/** Validation of the `frameworks` array and the scenario-wide job and task limits. */
import { quotaNameProblem } from '../core/quota-names.js';
import { roleProblem } from '../core/roles.js';
import { readConstraints } from './constraints.js';
import type { Context } from './context.js';
import {
  optional,
  readArray,
  readBoolean,
  readChoice,
  readName,
  readNumber,
  readObject,
  readSecondsAsMs,
  readString,
  required,
} from './fields.js';
import { FitCheck } from './fit.js';
import { joinIndex, joinKey } from './issues.js';
import {
  type AgentSpec,
  DEFAULTS,
  type FrameworkCapabilityName,
  type FrameworkSpec,
  type JobSpec,
  LIMITS,
  SCENARIO_CAPABILITIES,
  secondsToMs,
} from './schema.js';
import { type JobTotals, readJobs } from './validate-jobs.js';

const FRAMEWORK_KEYS = [
  'name',
  'role',
  'weight',
  'maxTasksPerOffer',
  'failoverTimeout',
  'reconcileInterval',
  'checkpoint',
  'quota',
  'capabilities',
  'constraints',
  'jobs',
] as const;

/** Largest quota amount of one resource (a typo guard, like the other limits). */
const MAX_QUOTA = 1e12;

/** Mesos puts no length limit on roles; this one only stops a runaway string. */
const MAX_ROLE_LENGTH = 256;

/** Where a role's weight was first given, to report a framework that disagrees. */
interface RoleWeight {
  readonly weight: number;
  readonly path: string;
}

/** The frameworks, or undefined after an error. `agents` (when valid) lets jobs be checked for fit. */
export function readFrameworks(
  ctx: Context,
  path: string,
  value: unknown,
  agents: readonly AgentSpec[] | undefined,
): FrameworkSpec[] | undefined {
  const { issues } = ctx;
  const list = readArray(issues, path, value, LIMITS.frameworks);
  if (list === undefined) return undefined;
  const before = issues.count;
  const fit = agents === undefined ? undefined : new FitCheck(agents);
  const names = new Map<string, number>();
  const weights = new Map<string, RoleWeight>();
  const quotas = new Map<string, { readonly quota: FrameworkSpec['quota']; readonly path: string }>();
  const totals: JobTotals = { jobs: 0, tasks: 0 };
  const frameworks: FrameworkSpec[] = [];
  list.forEach((item, i) => {
    const at = joinIndex(path, i);
    const fw = readFramework(ctx, at, item, fit, totals);
    if (fw === undefined) return;
    const first = names.get(fw.name);
    if (first !== undefined) {
      issues.add(
        joinKey(at, 'name'),
        `duplicate framework name "${fw.name}" (also ${joinIndex(path, first)})`,
      );
      return;
    }
    names.set(fw.name, i);
    // Mesos weights belong to roles, so two frameworks in one role cannot ask for two weights.
    const given = weights.get(fw.role);
    if (given === undefined) weights.set(fw.role, { weight: fw.weight, path: at });
    else if (given.weight !== fw.weight) {
      issues.add(
        joinKey(at, 'weight'),
        `${fw.weight} differs from the weight ${given.weight} of ${given.path}, which shares role "${fw.role}" (weights belong to roles)`,
      );
      return;
    }
    // Quotas belong to roles too.
    const quota = quotas.get(fw.role);
    if (quota === undefined) quotas.set(fw.role, { quota: fw.quota, path: at });
    else if (!sameQuota(quota.quota, fw.quota)) {
      issues.add(
        joinKey(at, 'quota'),
        `differs from the quota of ${quota.path}, which shares role "${fw.role}" (quotas belong to roles)`,
      );
      return;
    }
    frameworks.push(fw);
  });
  if (totals.jobs > LIMITS.jobs) {
    issues.add(path, `${totals.jobs} jobs in all, more than the limit of ${LIMITS.jobs}`);
  }
  if (totals.tasks > LIMITS.tasks) {
    issues.add(
      path,
      `about ${Math.round(totals.tasks)} tasks in all (Poisson jobs at their expected arrivals), more than the limit of ${LIMITS.tasks}`,
    );
  }
  return issues.count === before ? frameworks : undefined;
}

function readFramework(
  ctx: Context,
  path: string,
  value: unknown,
  fit: FitCheck | undefined,
  totals: JobTotals,
): FrameworkSpec | undefined {
  const { issues } = ctx;
  const obj = readObject(issues, path, value, FRAMEWORK_KEYS);
  if (obj === undefined) return undefined;
  const name = required(issues, path, obj, 'name', (p, v) => readName(issues, p, v));
  // The role defaults to the name (see FrameworkSpec.role); a valid name is always a valid role.
  const role = optional(obj, path, 'role', (p, v) => readRole(ctx, p, v), name);
  const weight = optional(
    obj,
    path,
    'weight',
    (p, v) => readNumber(issues, p, v, { above: 0, max: LIMITS.weight }),
    DEFAULTS.weight,
  );
  const maxTasksPerOffer = optional(
    obj,
    path,
    'maxTasksPerOffer',
    (p, v) => readNumber(issues, p, v, { integer: true, min: 1, max: LIMITS.tasksPerJob }),
    DEFAULTS.maxTasksPerOffer,
  );
  const failoverTimeoutMs = optional(
    obj,
    path,
    'failoverTimeout',
    (p, v) => readSecondsAsMs(issues, p, v),
    DEFAULTS.failoverTimeoutSeconds * 1000,
  );
  const checkpoint = optional(obj, path, 'checkpoint', (p, v) => readBoolean(issues, p, v), false);
  const capabilities = optional(obj, path, 'capabilities', (p, v) => readCapabilities(ctx, p, v), []);
  const constraints = optional(obj, path, 'constraints', (p, v) => readConstraints(issues, p, v), []);
  const quota = obj.quota === undefined ? undefined : readQuota(ctx, joinKey(path, 'quota'), obj.quota);
  // Absent means never (not a default value), so it is read by hand rather than with optional().
  const rawReconcile = obj.reconcileInterval;
  const reconcileSeconds =
    rawReconcile === undefined
      ? undefined
      : readNumber(issues, joinKey(path, 'reconcileInterval'), rawReconcile, {
          above: 0,
          max: LIMITS.seconds,
        });
  const reconcileIntervalMs = reconcileSeconds === undefined ? undefined : secondsToMs(reconcileSeconds);
  const jobs = optional(
    obj,
    path,
    'jobs',
    (p, v) => {
      const list = readArray(issues, p, v, LIMITS.jobsPerFramework);
      if (list === undefined) return undefined;
      // Bound the work on a huge file: past the scenario-wide limit, jobs are counted, not read.
      if (totals.jobs + list.length > LIMITS.jobs) {
        totals.jobs += list.length;
        return undefined;
      }
      return readJobs(ctx, p, list, { role, fit }, totals);
    },
    [],
  );
  if (
    name === undefined ||
    role === undefined ||
    weight === undefined ||
    maxTasksPerOffer === undefined ||
    failoverTimeoutMs === undefined ||
    checkpoint === undefined ||
    capabilities === undefined ||
    constraints === undefined ||
    jobs === undefined ||
    (obj.quota !== undefined && quota === undefined)
  ) {
    return undefined;
  }
  if (quota !== undefined && !tasksFitQuota(ctx, path, jobs, quota)) return undefined;
  if (rawReconcile !== undefined && reconcileIntervalMs === undefined) return undefined;
  return {
    name,
    role,
    weight,
    maxTasksPerOffer,
    failoverTimeoutMs,
    reconcileIntervalMs,
    checkpoint,
    quota,
    capabilities,
    constraints,
    jobs,
  };
}

/** Mesos capability names; only those in {@link SCENARIO_CAPABILITIES} change what a run does. */
function readCapabilities(ctx: Context, path: string, value: unknown): FrameworkCapabilityName[] | undefined {
  const list = readArray(ctx.issues, path, value, SCENARIO_CAPABILITIES.length);
  if (list === undefined) return undefined;
  const out: FrameworkCapabilityName[] = [];
  const before = ctx.issues.count;
  list.forEach((v, i) => {
    const c = readChoice(ctx.issues, joinIndex(path, i), v, SCENARIO_CAPABILITIES, 'capability');
    if (c !== undefined && !out.includes(c)) out.push(c);
  });
  return ctx.issues.count === before ? out : undefined;
}

/** Whether two quotas give the same amounts (in whatever key order they were written). */
function sameQuota(a: FrameworkSpec['quota'], b: FrameworkSpec['quota']): boolean {
  if (a === undefined || b === undefined) return a === b;
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}

/** A quota: an object of resource name → amount (>= 0). */
function readQuota(ctx: Context, path: string, value: unknown): Record<string, number> | undefined {
  const { issues } = ctx;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.add(path, `expected an object of resource name → amount, e.g. {"cpus": 8, "mem": 16384}`);
    return undefined;
  }
  const before = issues.count;
  const quota: Record<string, number> = {};
  for (const [name, amount] of Object.entries(value)) {
    const at = joinKey(path, name);
    const nameProblem = quotaNameProblem(name);
    if (nameProblem !== undefined) {
      issues.add(at, nameProblem);
      continue;
    }
    const n = readNumber(issues, at, amount, { min: 0, max: MAX_QUOTA });
    if (n !== undefined) quota[name] = n;
  }
  return issues.count === before ? quota : undefined;
}

/** A task that needs more of a resource than its role's quota allows could never launch. */
function tasksFitQuota(
  ctx: Context,
  path: string,
  jobs: readonly JobSpec[],
  quota: Readonly<Record<string, number>>,
): boolean {
  for (const [i, job] of jobs.entries()) {
    for (const [name, limit] of Object.entries(quota)) {
      const need = job.resources.scalarMilli(name) / 1000;
      if (need > limit) {
        ctx.issues.add(
          joinKey(joinIndex(joinKey(path, 'jobs'), i), 'resources'),
          `a task needs ${name}:${need}, more than the role's quota of ${limit}: it could never be launched`,
        );
        return false;
      }
    }
  }
  return true;
}

function readRole(ctx: Context, path: string, value: unknown): string | undefined {
  const role = readString(ctx.issues, path, value, MAX_ROLE_LENGTH);
  if (role === undefined) return undefined;
  const problem = roleProblem(role);
  if (problem !== undefined) {
    ctx.issues.add(path, `invalid role ${JSON.stringify(role)}: ${problem}`);
    return undefined;
  }
  return role;
}
