/**
 * Scenario validation: from parsed JSON (or scenario text) to a {@link Scenario}, or every
 * problem found, each with its path (`frameworks[1].jobs[0].resources: unknown resource "cpu"
 * at 0 (expected one of …)`). Pure: the caller reads the file; nothing here touches IO.
 */
import { findPolicy } from '../allocator/policies.js';
import { MAX_REFUSE_SECONDS } from '../allocator/refuse-filter.js';
import { err, ok, type Result } from '../core/result.js';
import { type Context, newContext, secondsText } from './context.js';
import {
  field,
  type JsonObject,
  optional,
  readBoolean,
  readName,
  readNumber,
  readObject,
  readSecondsAsMs,
  readString,
  required,
} from './fields.js';
import { Issues, joinKey, type ScenarioError } from './issues.js';
import { lineColumn, scanJson } from './json-text.js';
import {
  type AllocatorSpec,
  DEFAULTS,
  LIMITS,
  type NetworkSpec,
  type Scenario,
  secondsToMs,
} from './schema.js';
import { readAgents } from './validate-agents.js';
import { readClusterEvents, readTraceTasks } from './validate-cluster.js';
import { readFaults } from './validate-faults.js';
import { readFrameworks } from './validate-frameworks.js';
import { defaultMaster, readMaster } from './validate-master.js';

const TOP_KEYS = [
  'name',
  'description',
  'seed',
  'until',
  'allocator',
  'master',
  'network',
  'agents',
  'frameworks',
  'faults',
  'cluster',
  'tasks',
] as const;
const ALLOCATOR_KEYS = ['policy', 'allocationInterval', 'refuseSeconds'] as const;
const NETWORK_KEYS = ['latency', 'loss', 'duplication', 'reorder'] as const;
const LATENCY_KEYS = ['min', 'max'] as const;

/**
 * Checks parsed scenario JSON and fills in the defaults. Reports every problem (up to
 * `LIMITS.errors`), in file order, so one run shows everything to fix.
 */
export function validateScenario(json: unknown): Result<Scenario, ScenarioError[]> {
  const issues = new Issues();
  const scenario = readScenario(issues, json);
  return scenario === undefined || !issues.empty ? err(issues.list()) : ok(scenario);
}

function readScenario(issues: Issues, json: unknown): Scenario | undefined {
  const root = readObject(issues, '', json, TOP_KEYS);
  if (root === undefined) return undefined;
  const name = required(issues, '', root, 'name', (p, v) => readName(issues, p, v));
  const description = optional(
    root,
    '',
    'description',
    (p, v) => readString(issues, p, v, LIMITS.descriptionLength),
    '',
  );
  const seed = optional(
    root,
    '',
    'seed',
    (p, v) => readNumber(issues, p, v, { integer: true, min: 0, max: LIMITS.seed }),
    DEFAULTS.seed,
  );
  const untilMs = required(issues, '', root, 'until', (p, v) => readSecondsAsMs(issues, p, v, { above: 0 }));
  const ctx = newContext(issues, untilMs);
  const allocator = optional(root, '', 'allocator', (p, v) => readAllocator(ctx, p, v), defaultAllocator());
  const master = optional(root, '', 'master', (p, v) => readMaster(ctx, p, v), defaultMaster());
  const network = optional(root, '', 'network', (p, v) => readNetwork(ctx, p, v), readNetworkOf(ctx, '', {}));
  const agents = required(issues, '', root, 'agents', (p, v) => readAgents(ctx, p, v));
  const frameworks = optional(root, '', 'frameworks', (p, v) => readFrameworks(ctx, p, v, agents), []);
  const faults = optional(root, '', 'faults', (p, v) => readFaults(ctx, p, v, { agents, frameworks }), []);
  const cluster = optional(root, '', 'cluster', (p, v) => readClusterEvents(ctx, p, v, agents), []);
  const tasks = optional(
    root,
    '',
    'tasks',
    (p, v) => readTraceTasks(ctx, p, v, { agents, frameworks, cluster }),
    undefined,
  );
  if (
    name === undefined ||
    description === undefined ||
    seed === undefined ||
    untilMs === undefined ||
    allocator === undefined ||
    master === undefined ||
    network === undefined ||
    agents === undefined ||
    frameworks === undefined ||
    faults === undefined ||
    cluster === undefined ||
    (root.tasks !== undefined && tasks === undefined)
  ) {
    return undefined;
  }
  return {
    name,
    description,
    seed,
    untilMs,
    allocator,
    master,
    network,
    agents,
    frameworks,
    faults,
    cluster,
    tasks,
  };
}

function defaultAllocator(): AllocatorSpec {
  return {
    policy: DEFAULTS.policy,
    allocationIntervalMs: secondsToMs(DEFAULTS.allocationIntervalSeconds),
    refuseSeconds: DEFAULTS.refuseSeconds,
  };
}

function readAllocator(ctx: Context, path: string, value: unknown): AllocatorSpec | undefined {
  const { issues } = ctx;
  const obj = readObject(issues, path, value, ALLOCATOR_KEYS);
  if (obj === undefined) return undefined;
  const policy = optional(
    obj,
    path,
    'policy',
    (p, v) => {
      const name = readString(issues, p, v, LIMITS.nameLength);
      if (name === undefined) return undefined;
      const found = findPolicy(name);
      if (typeof found === 'string') {
        issues.add(p, found);
        return undefined;
      }
      return name;
    },
    DEFAULTS.policy,
  );
  const allocationIntervalMs = optional(
    obj,
    path,
    'allocationInterval',
    (p, v) => readSecondsAsMs(issues, p, v, { above: 0, max: LIMITS.allocationIntervalSeconds }),
    secondsToMs(DEFAULTS.allocationIntervalSeconds),
  );
  const refuseSeconds = optional(
    obj,
    path,
    'refuseSeconds',
    (p, v) => readNumber(issues, p, v, { min: 0, max: MAX_REFUSE_SECONDS }),
    DEFAULTS.refuseSeconds,
  );
  if (policy === undefined || allocationIntervalMs === undefined || refuseSeconds === undefined)
    return undefined;
  return { policy, allocationIntervalMs, refuseSeconds };
}

function readNetwork(ctx: Context, path: string, value: unknown): NetworkSpec | undefined {
  const obj = readObject(ctx.issues, path, value, NETWORK_KEYS);
  return obj === undefined ? undefined : readNetworkOf(ctx, path, obj);
}

/**
 * The network settings of `obj` (an empty object gives the defaults). When only one latency
 * bound is given, the other default moves out of its way (`{"max": 0.0001}` means 0.1 ms flat),
 * rather than making a lone bound an error against a default the file never mentions.
 */
function readNetworkOf(ctx: Context, path: string, obj: JsonObject): NetworkSpec | undefined {
  const { issues } = ctx;
  const probability = (p: string, v: unknown) => readNumber(issues, p, v, { min: 0, below: 1 });
  const loss = optional(obj, path, 'loss', probability, DEFAULTS.loss);
  const duplication = optional(obj, path, 'duplication', probability, DEFAULTS.duplication);
  const latency = optional(obj, path, 'latency', (p, v) => readLatency(ctx, p, v), {
    minMs: secondsToMs(DEFAULTS.latencyMinSeconds),
    maxMs: secondsToMs(DEFAULTS.latencyMaxSeconds),
  });
  const reorder = optional(obj, path, 'reorder', (p, v) => readBoolean(issues, p, v), DEFAULTS.reorder);
  if (loss === undefined || duplication === undefined || latency === undefined || reorder === undefined)
    return undefined;
  return { latencyMinMs: latency.minMs, latencyMaxMs: latency.maxMs, loss, duplication, reorder };
}

function readLatency(
  ctx: Context,
  path: string,
  value: unknown,
): { minMs: number; maxMs: number } | undefined {
  const { issues } = ctx;
  const obj = readObject(issues, path, value, LATENCY_KEYS);
  if (obj === undefined) return undefined;
  const bound = (p: string, v: unknown) =>
    readSecondsAsMs(issues, p, v, { min: 0, max: LIMITS.latencySeconds });
  const given = {
    min: optional(obj, path, 'min', bound, undefined),
    max: optional(obj, path, 'max', bound, undefined),
  };
  const minMs =
    given.min ?? Math.min(secondsToMs(DEFAULTS.latencyMinSeconds), given.max ?? Number.POSITIVE_INFINITY);
  const maxMs = given.max ?? Math.max(secondsToMs(DEFAULTS.latencyMaxSeconds), minMs);
  if (maxMs < minMs) {
    issues.add(
      joinKey(path, 'max'),
      `must be at least "min" (${secondsText(minMs)}), got ${secondsText(maxMs)}`,
    );
    return undefined;
  }
  const invalid = (key: 'min' | 'max') => field(obj, key) !== undefined && given[key] === undefined;
  return invalid('min') || invalid('max') ? undefined : { minMs, maxMs };
}

/**
 * Parses and validates scenario text. JSON syntax errors are reported as
 * `<fileLabel>:<line>:<column>: invalid JSON: <what>` (1-based line and column); duplicated keys
 * are errors at their path (JSON.parse would silently keep the last one). A leading byte-order
 * mark is ignored, as editors on some systems add one.
 */
export function loadScenarioText(text: string, fileLabel: string): Result<Scenario, ScenarioError[]> {
  if (text.length > LIMITS.textChars) {
    return err([
      {
        path: fileLabel,
        message: `is ${text.length} characters long, more than the limit of ${LIMITS.textChars}`,
      },
    ]);
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const scan = scanJson(body, LIMITS.errors);
  if (scan.syntax !== undefined) {
    const { line, column } = lineColumn(body, scan.syntax.offset);
    return err([{ path: `${fileLabel}:${line}:${column}`, message: `invalid JSON: ${scan.syntax.message}` }]);
  }
  const issues = new Issues();
  for (const d of scan.duplicates) {
    const second = lineColumn(body, d.offset);
    const first = lineColumn(body, d.firstOffset);
    issues.add(
      d.path,
      `duplicate key at ${second.line}:${second.column} (first at ${first.line}:${first.column}); give each key once`,
    );
  }
  const validated = validateScenario(JSON.parse(body));
  if (validated.ok && issues.empty) return validated;
  if (!validated.ok) for (const e of validated.error) issues.add(e.path, e.message);
  return err(issues.list());
}
