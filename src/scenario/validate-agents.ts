/** Validation of the `agents` array: groups of identical agents, expanded to one entry each. */
import { type Context, readResources } from './context.js';
import { optional, readArray, readNumber, readObject, required } from './fields.js';
import { joinIndex } from './issues.js';
import { type AgentSpec, agentId, DEFAULTS, LIMITS } from './schema.js';

const GROUP_KEYS = ['count', 'resources'] as const;

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
    if (count === undefined || resources === undefined) return;
    total += count;
    // Stop expanding once over the limit; the total is still summed for the message.
    for (let i = 0; i < count && agents.length < LIMITS.agents; i++) {
      const index = agents.length;
      agents.push({ id: agentId(index), index, resources, group });
    }
  });
  if (total > LIMITS.agents) {
    issues.add(path, `${total} agents in all, more than the limit of ${LIMITS.agents}`);
  }
  return issues.count === before ? agents : undefined;
}
