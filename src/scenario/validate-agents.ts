/** Validation of the `agents` array: groups of identical agents, expanded to one entry each. */
import type { Attribute } from '../core/messages/resources-json.js';
import { parseAttributes } from './attributes.js';
import { type Context, readResources } from './context.js';
import { field, optional, readArray, readNumber, readObject, readString, required } from './fields.js';
import { describe, joinIndex } from './issues.js';
import { type AgentSpec, agentId, DEFAULTS, LIMITS } from './schema.js';
import { readTimeInRun } from './validate-jobs.js';

const GROUP_KEYS = ['count', 'resources', 'hostname', 'attributes', 'at'] as const;

/** Hostnames: DNS-like labels, so that they read well in offers and constraints. */
const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9.\-_]{0,200}$/u;

/** The agents of the scenario, ids `agent-0`… in file order, or undefined after an error. */
export function readAgents(ctx: Context, path: string, value: unknown): AgentSpec[] | undefined {
  const { issues } = ctx;
  const list = readArray(issues, path, value, LIMITS.agentGroups);
  if (list === undefined) return undefined;
  if (list.length === 0) {
    issues.add(path, 'must list at least one agent group');
    return undefined;
  }
  const before = issues.count;
  const agents: AgentSpec[] = [];
  let total = 0;
  list.forEach((item, group) => {
    const at = joinIndex(path, group);
    const obj = readObject(issues, at, item, GROUP_KEYS);
    if (obj === undefined) return;
    const count = optional(
      obj,
      at,
      'count',
      (p, v) => readNumber(issues, p, v, { integer: true, min: 1, max: LIMITS.agents }),
      DEFAULTS.agentCount,
    );
    const resources = required(issues, at, obj, 'resources', (p, v) => readResources(ctx, p, v));
    const hostname = optional(obj, at, 'hostname', (p, v) => readHostname(ctx, p, v), undefined);
    const attributes = optional(obj, at, 'attributes', (p, v) => readAttributes(ctx, p, v), []);
    const startMs = optional(obj, at, 'at', (p, v) => readTimeInRun(ctx, p, v), 0);
    if (count === undefined || resources === undefined || attributes === undefined || startMs === undefined)
      return;
    if (field(obj, 'hostname') !== undefined && hostname === undefined) return;
    total += count;
    // Stop expanding once over the limit; the total is still summed for the message.
    for (let i = 0; i < count && agents.length < LIMITS.agents; i++) {
      const index = agents.length;
      const id = agentId(index);
      const name = hostname === undefined ? id : count === 1 ? hostname : `${hostname}-${i}`;
      agents.push({ id, index, resources, group, hostname: name, attributes, startMs });
    }
  });
  if (total > LIMITS.agents) {
    issues.add(path, `${total} agents in all, more than the limit of ${LIMITS.agents}`);
  }
  return issues.count === before ? agents : undefined;
}

function readHostname(ctx: Context, path: string, value: unknown): string | undefined {
  const s = readString(ctx.issues, path, value, 200);
  if (s === undefined) return undefined;
  if (!HOSTNAME.test(s)) {
    ctx.issues.add(path, `invalid hostname ${describe(s)} (letters, digits, ".", "-" and "_")`);
    return undefined;
  }
  return s;
}

function readAttributes(ctx: Context, path: string, value: unknown): Attribute[] | undefined {
  if (typeof value !== 'string') {
    ctx.issues.add(path, `expected attribute text like "rack:r1;gpu_model:V100", got ${describe(value)}`);
    return undefined;
  }
  const parsed = parseAttributes(value);
  if (!parsed.ok) {
    ctx.issues.add(path, parsed.error);
    return undefined;
  }
  return parsed.value;
}
