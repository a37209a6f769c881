/**
 * The live master's configuration under Mesos's master flag names (docs/configuration/master.md),
 * as the operator API's GET_FLAGS lists it: `{name, value}` with values written the way Mesos
 * writes them (durations as `1secs`, `15secs`, `10mins`; booleans as `true`/`false`). Only the
 * flags Agora has are listed; each says what this master really runs with.
 */
import type { ResolvedMasterOptions } from '../../master/options.js';
import type { Flag } from './operator-http.js';

/** What the flags are read from: the master's resolved options and the server's settings. */
export interface MasterFlagSources {
  readonly options: ResolvedMasterOptions;
  readonly host: string;
  readonly port: number;
  readonly workDir: string | undefined;
  readonly policy: string | undefined;
  readonly authenticateFrameworks: boolean;
  readonly authenticateAgents: boolean;
  readonly authenticateHttpReadwrite: boolean;
  readonly acls: boolean;
  readonly tls: boolean;
}

/** GET_FLAGS's `flags`, sorted by name as Mesos lists them. */
export function masterFlags(s: MasterFlagSources): Flag[] {
  const o = s.options;
  const flags: Flag[] = [
    { name: 'agent_ping_timeout', value: mesosDuration(o.agentPingTimeoutMs) },
    { name: 'agent_reregister_timeout', value: mesosDuration(o.agentReregisterTimeoutMs) },
    { name: 'allocation_interval', value: mesosDuration(o.allocationIntervalMs) },
    { name: 'allocator', value: 'HierarchicalDRF' },
    { name: 'authenticate_agents', value: String(s.authenticateAgents) },
    { name: 'authenticate_frameworks', value: String(s.authenticateFrameworks) },
    { name: 'authenticate_http_frameworks', value: String(s.authenticateFrameworks) },
    { name: 'authenticate_http_readwrite', value: String(s.authenticateHttpReadwrite) },
    { name: 'hostname', value: s.host },
    { name: 'ip', value: s.host },
    { name: 'max_agent_ping_timeouts', value: String(o.maxAgentPingTimeouts) },
    { name: 'max_completed_frameworks', value: String(o.limits.maxCompletedFrameworks) },
    { name: 'max_completed_tasks_per_framework', value: String(o.limits.maxCompletedTasksPerFramework) },
    { name: 'max_unreachable_tasks_per_framework', value: String(o.limits.maxUnreachableTasksPerFramework) },
    { name: 'port', value: String(s.port) },
    { name: 'registry', value: s.workDir === undefined ? 'in_memory' : 'replicated_log' },
    { name: 'ssl_enabled', value: String(s.tls) },
  ];
  if (s.acls) flags.push({ name: 'acls', value: '(set)' });
  if (s.policy !== undefined) flags.push({ name: 'agora_allocation_policy', value: s.policy });
  if (o.offerTimeoutMs !== undefined)
    flags.push({ name: 'offer_timeout', value: mesosDuration(o.offerTimeoutMs) });
  if (o.weights.size > 0) {
    flags.push({ name: 'weights', value: [...o.weights].map(([role, w]) => `${role}=${w}`).join(',') });
  }
  if (s.workDir !== undefined) flags.push({ name: 'work_dir', value: s.workDir });
  return flags.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const UNITS: readonly [string, number][] = [
  ['weeks', 7 * 24 * 3_600_000],
  ['days', 24 * 3_600_000],
  ['hrs', 3_600_000],
  ['mins', 60_000],
  ['secs', 1_000],
  ['ms', 1],
];

/** A duration as Mesos's `Duration` prints it: in the largest unit it fills (`15secs`, `10mins`). */
export function mesosDuration(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size) return `${Number((ms / size).toPrecision(6))}${unit}`;
  }
  return `${Number((ms * 1_000_000).toPrecision(6))}ns`;
}
