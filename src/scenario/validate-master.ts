/** Validation of a scenario's `master` section: the Mesos master flags a scenario may set. */
import type { Context } from './context.js';
import { field, optional, readBoolean, readNumber, readObject, readSecondsAsMs } from './fields.js';
import { DEFAULTS, LIMITS, type MasterSpec, secondsToMs } from './schema.js';

const MASTER_KEYS = [
  'offerTimeout',
  'agentPingTimeout',
  'maxAgentPingTimeouts',
  'filterGpuResources',
] as const;

/** The master settings with every default (an absent section). */
export function defaultMaster(): MasterSpec {
  return {
    offerTimeoutMs: undefined,
    agentPingTimeoutMs: secondsToMs(DEFAULTS.agentPingTimeoutSeconds),
    maxAgentPingTimeouts: DEFAULTS.maxAgentPingTimeouts,
    filterGpuResources: DEFAULTS.filterGpuResources,
  };
}

/** Reads `master`. */
export function readMaster(ctx: Context, path: string, value: unknown): MasterSpec | undefined {
  const { issues } = ctx;
  const obj = readObject(issues, path, value, MASTER_KEYS);
  if (obj === undefined) return undefined;
  const defaults = defaultMaster();
  const seconds = (p: string, v: unknown) =>
    readSecondsAsMs(issues, p, v, { above: 0, max: LIMITS.masterTimeoutSeconds });
  // Absent means no offer timeout, Mesos's default.
  const offerTimeoutMs = optional(obj, path, 'offerTimeout', seconds, undefined);
  const agentPingTimeoutMs = optional(obj, path, 'agentPingTimeout', seconds, defaults.agentPingTimeoutMs);
  const maxAgentPingTimeouts = optional(
    obj,
    path,
    'maxAgentPingTimeouts',
    (p, v) => readNumber(issues, p, v, { integer: true, min: 1, max: LIMITS.maxAgentPingTimeouts }),
    defaults.maxAgentPingTimeouts,
  );
  const filterGpuResources = optional(
    obj,
    path,
    'filterGpuResources',
    (p, v) => readBoolean(issues, p, v),
    defaults.filterGpuResources,
  );
  if (
    agentPingTimeoutMs === undefined ||
    maxAgentPingTimeouts === undefined ||
    filterGpuResources === undefined
  )
    return undefined;
  if (field(obj, 'offerTimeout') !== undefined && offerTimeoutMs === undefined) return undefined;
  return { offerTimeoutMs, agentPingTimeoutMs, maxAgentPingTimeouts, filterGpuResources };
}
