/**
 * Validation of the `faults` array. Besides each fault's own fields, the faults are replayed in
 * time order to catch schedules that cannot mean what they say: crashing an agent that is
 * already down, restarting one that is up, crashing a framework that has not failed over yet.
 */
import { assertNever } from '../core/assert-never.js';
import { type Context, secondsText } from './context.js';
import {
  field,
  type JsonObject,
  optional,
  readArray,
  readBoolean,
  readChoice,
  readNumber,
  readObject,
  readSecondsAsMs,
  required,
} from './fields.js';
import { describe, hint, joinIndex, joinKey } from './issues.js';
import {
  AGENT_RECOVERIES,
  type AgentSpec,
  agentId,
  FAULT_KINDS,
  type FaultSpec,
  type FrameworkSpec,
  LIMITS,
  MASTER_ADDRESS,
  schedulerAddress,
} from './schema.js';
import { readTimeInRun } from './validate-jobs.js';

const FAULT_KEYS = {
  'agent-crash': ['kind', 'at', 'agent', 'restartAfter', 'recover'],
  'agent-restart': ['kind', 'at', 'agent'],
  'network-partition': ['kind', 'at', 'duration', 'sides', 'oneWay'],
  'framework-crash': ['kind', 'at', 'framework', 'failoverAfter'],
  'master-crash': ['kind', 'at', 'restartAfter'],
  'clock-skew': ['kind', 'at', 'process', 'jump', 'rate'],
} as const;

/** Clock drift beyond this (either way) is not a skewed clock but a broken one. */
const MAX_CLOCK_RATE = 2;
const MIN_CLOCK_RATE = 0.5;

/** What faults may name; undefined parts were invalid, and references to them are not checked. */
export interface FaultTargets {
  readonly agents: readonly AgentSpec[] | undefined;
  readonly frameworks: readonly FrameworkSpec[] | undefined;
}

/** The faults sorted by time (stable), or undefined after an error. */
export function readFaults(
  ctx: Context,
  path: string,
  value: unknown,
  targets: FaultTargets,
): FaultSpec[] | undefined {
  const list = readArray(ctx.issues, path, value, LIMITS.faults);
  if (list === undefined) return undefined;
  const before = ctx.issues.count;
  const read: { fault: FaultSpec; path: string }[] = [];
  list.forEach((item, i) => {
    const at = joinIndex(path, i);
    const fault = readFault(ctx, at, item, targets);
    if (fault !== undefined) read.push({ fault, path: at });
  });
  if (ctx.issues.count !== before) return undefined;
  read.sort((a, b) => a.fault.atMs - b.fault.atMs);
  replay(ctx, read);
  return ctx.issues.count === before ? read.map((r) => r.fault) : undefined;
}

function readFault(ctx: Context, path: string, value: unknown, targets: FaultTargets): FaultSpec | undefined {
  const { issues } = ctx;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.add(path, `expected an object, got ${describe(value)}`);
    return undefined;
  }
  const kind = required(issues, path, value as JsonObject, 'kind', (p, v) =>
    readChoice(issues, p, v, FAULT_KINDS, 'fault kind'),
  );
  if (kind === undefined) return undefined;
  const obj = readObject(issues, path, value, FAULT_KEYS[kind]);
  if (obj === undefined) return undefined;
  const atMs = required(issues, path, obj, 'at', (p, v) => readTimeInRun(ctx, p, v));
  const positiveMs = (p: string, v: unknown) => readSecondsAsMs(issues, p, v, { above: 0 });
  switch (kind) {
    case 'agent-crash': {
      const agent = required(issues, path, obj, 'agent', (p, v) => readAgent(ctx, p, v, targets.agents));
      const restartAfterMs = optional(obj, path, 'restartAfter', positiveMs, undefined);
      const recover = optional(
        obj,
        path,
        'recover',
        (p, v) => readChoice(issues, p, v, AGENT_RECOVERIES, 'agent recovery'),
        'reboot',
      );
      if (atMs === undefined || agent === undefined || recover === undefined) return undefined;
      if (field(obj, 'restartAfter') === undefined) return { kind, atMs, agentId: agent, recover };
      if (restartAfterMs === undefined) return undefined;
      return { kind, atMs, agentId: agent, restartAfterMs, recover };
    }
    case 'agent-restart': {
      const agent = required(issues, path, obj, 'agent', (p, v) => readAgent(ctx, p, v, targets.agents));
      return atMs === undefined || agent === undefined ? undefined : { kind, atMs, agentId: agent };
    }
    case 'network-partition': {
      const durationMs = required(issues, path, obj, 'duration', positiveMs);
      const sides = required(issues, path, obj, 'sides', (p, v) => readSides(ctx, p, v, targets));
      const oneWay = optional(obj, path, 'oneWay', (p, v) => readBoolean(issues, p, v), false);
      if (atMs === undefined || durationMs === undefined || sides === undefined || oneWay === undefined)
        return undefined;
      return { kind, atMs, durationMs, sides, oneWay };
    }
    case 'master-crash': {
      const restartAfterMs = optional(obj, path, 'restartAfter', positiveMs, undefined);
      if (atMs === undefined) return undefined;
      if (field(obj, 'restartAfter') === undefined) return { kind, atMs };
      if (restartAfterMs === undefined) return undefined;
      return { kind, atMs, restartAfterMs };
    }
    case 'clock-skew': {
      const process = required(issues, path, obj, 'process', (p, v) => readProcess(ctx, p, v, targets));
      const jump = optional(
        obj,
        path,
        'jump',
        (p, v) => readNumber(issues, p, v, { min: -LIMITS.seconds, max: LIMITS.seconds }),
        0,
      );
      const rate = optional(
        obj,
        path,
        'rate',
        (p, v) => readNumber(issues, p, v, { min: MIN_CLOCK_RATE, max: MAX_CLOCK_RATE }),
        1,
      );
      if (atMs === undefined || process === undefined || jump === undefined || rate === undefined)
        return undefined;
      return { kind, atMs, process, jumpMs: Math.round(jump * 1000), rate };
    }
    case 'framework-crash': {
      const framework = required(issues, path, obj, 'framework', (p, v) =>
        readFrameworkRef(ctx, p, v, targets),
      );
      const failoverAfterMs = optional(obj, path, 'failoverAfter', positiveMs, undefined);
      if (atMs === undefined || framework === undefined) return undefined;
      if (field(obj, 'failoverAfter') === undefined) return { kind, atMs, framework };
      if (failoverAfterMs === undefined) return undefined;
      return { kind, atMs, framework, failoverAfterMs };
    }
    default:
      return assertNever(kind, 'fault kind');
  }
}

/** An agent by index, as its id. */
function readAgent(
  ctx: Context,
  path: string,
  value: unknown,
  agents: readonly AgentSpec[] | undefined,
): string | undefined {
  const index = readNumber(ctx.issues, path, value, { integer: true, min: 0 });
  if (index === undefined) return undefined;
  if (agents !== undefined && index >= agents.length) {
    ctx.issues.add(path, `no agent ${index} (agents are numbered 0 to ${agents.length - 1})`);
    return undefined;
  }
  return agentId(index);
}

function readFrameworkRef(
  ctx: Context,
  path: string,
  value: unknown,
  targets: FaultTargets,
): string | undefined {
  if (typeof value !== 'string') {
    ctx.issues.add(path, `expected a framework name, got ${describe(value)}`);
    return undefined;
  }
  const names = targets.frameworks?.map((f) => f.name);
  if (names !== undefined && !names.includes(value)) {
    ctx.issues.add(path, `unknown framework ${describe(value)} ${hint(value, names)}`);
    return undefined;
  }
  return value;
}

/** Two disjoint, non-empty lists of process addresses. */
function readSides(
  ctx: Context,
  path: string,
  value: unknown,
  targets: FaultTargets,
): [string[], string[]] | undefined {
  const { issues } = ctx;
  const list = readArray(issues, path, value, Number.MAX_SAFE_INTEGER);
  if (list === undefined) return undefined;
  if (list.length !== 2) {
    issues.add(path, `expected two sides, got ${list.length}`);
    return undefined;
  }
  const sides: string[][] = [];
  const sideOf = new Map<string, number>();
  list.forEach((raw, s) => {
    const at = joinIndex(path, s);
    const side = readArray(issues, at, raw, LIMITS.partitionSide);
    if (side === undefined) return;
    if (side.length === 0) issues.add(at, 'must name at least one process');
    const names: string[] = [];
    side.forEach((item, k) => {
      const name = readProcess(ctx, joinIndex(at, k), item, targets);
      if (name === undefined) return;
      const other = sideOf.get(name);
      if (other === undefined) sideOf.set(name, s);
      else if (other === s) issues.add(joinIndex(at, k), `"${name}" is listed twice`);
      else issues.add(joinIndex(at, k), `"${name}" is on both sides`);
      names.push(name);
    });
    sides.push(names);
  });
  const [a, b] = sides;
  return a === undefined || b === undefined ? undefined : [a, b];
}

const AGENT_ADDRESS = /^agent-(0|[1-9]\d*)$/u;
const SCHEDULER_PREFIX = 'scheduler-';

/** A process address: `master`, `agent-<index>` or `scheduler-<framework>`. */
function readProcess(ctx: Context, path: string, value: unknown, targets: FaultTargets): string | undefined {
  if (typeof value !== 'string') {
    ctx.issues.add(path, `expected a process name, got ${describe(value)}`);
    return undefined;
  }
  if (value === MASTER_ADDRESS) return value;
  const agent = AGENT_ADDRESS.exec(value);
  if (agent !== null) {
    const index = Number(agent[1]);
    const n = targets.agents?.length;
    if (n !== undefined && index >= n) {
      ctx.issues.add(path, `no agent "${value}" (agents are agent-0 to agent-${n - 1})`);
      return undefined;
    }
    return value;
  }
  if (value.startsWith(SCHEDULER_PREFIX)) {
    const names = targets.frameworks?.map((f) => f.name);
    const fw = value.slice(SCHEDULER_PREFIX.length);
    if (names !== undefined && !names.includes(fw)) {
      ctx.issues.add(path, `unknown framework "${fw}" in ${describe(value)} ${hint(fw, names)}`);
      return undefined;
    }
    return value;
  }
  const known = [MASTER_ADDRESS, ...(targets.frameworks ?? []).map((f) => schedulerAddress(f.name))];
  const near = hint(value, known);
  ctx.issues.add(
    path,
    `unknown process ${describe(value)} ${near.startsWith('(did') ? near : '(expected "master", "agent-<index>" or "scheduler-<framework>")'}`,
  );
  return undefined;
}

/** Down intervals [since, until) of agents and frameworks while replaying the faults. */
interface Down {
  readonly untilMs: number;
  readonly by: string;
}

function replay(ctx: Context, faults: readonly { fault: FaultSpec; path: string }[]): void {
  const agents = new Map<string, Down>();
  const frameworks = new Map<string, Down>();
  const masters = new Map<string, Down>();
  const isDown = (m: Map<string, Down>, key: string, t: number) => {
    const d = m.get(key);
    return d !== undefined && t < d.untilMs ? d : undefined;
  };
  for (const { fault: f, path } of faults) {
    const when = secondsText(f.atMs);
    if (f.kind === 'agent-crash') {
      const down = isDown(agents, f.agentId, f.atMs);
      if (down !== undefined) {
        ctx.issues.add(
          joinKey(path, 'agent'),
          `${f.agentId} is already down at ${when} (crashed by ${down.by})`,
        );
      } else {
        agents.set(f.agentId, { untilMs: f.atMs + (f.restartAfterMs ?? Number.POSITIVE_INFINITY), by: path });
      }
    } else if (f.kind === 'agent-restart') {
      if (isDown(agents, f.agentId, f.atMs) === undefined) {
        ctx.issues.add(
          joinKey(path, 'agent'),
          `${f.agentId} is not down at ${when}, so there is nothing to restart`,
        );
      } else {
        agents.set(f.agentId, { untilMs: f.atMs, by: path });
      }
    } else if (f.kind === 'master-crash') {
      const down = isDown(masters, MASTER_ADDRESS, f.atMs);
      if (down !== undefined) {
        ctx.issues.add(joinKey(path, 'at'), `the master is already down at ${when} (crashed by ${down.by})`);
      } else {
        masters.set(MASTER_ADDRESS, {
          untilMs: f.atMs + (f.restartAfterMs ?? Number.POSITIVE_INFINITY),
          by: path,
        });
      }
    } else if (f.kind === 'framework-crash') {
      const down = isDown(frameworks, f.framework, f.atMs);
      if (down !== undefined) {
        ctx.issues.add(
          joinKey(path, 'framework'),
          `"${f.framework}" is already down at ${when} (crashed by ${down.by})`,
        );
      } else {
        frameworks.set(f.framework, {
          untilMs: f.atMs + (f.failoverAfterMs ?? Number.POSITIVE_INFINITY),
          by: path,
        });
      }
    }
  }
}
