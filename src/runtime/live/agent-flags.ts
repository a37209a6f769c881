/**
 * The live agent's configuration under Mesos's agent flag names (docs/configuration/agent.md),
 * as the operator API's GET_FLAGS lists it; durations written as Mesos writes them.
 */
import type { ResolvedAgentOptions } from '../../agent/options.js';
import { formatResources } from '../../core/resource-text.js';
import { mesosDuration } from './master-flags.js';
import type { Flag } from './operator-http.js';

/** What the flags are read from. */
export interface AgentFlagSources {
  readonly options: ResolvedAgentOptions;
  readonly masterUrl: string;
  readonly host: string;
  readonly port: number;
}

/** GET_FLAGS's `flags`, sorted by name. */
export function agentFlags(s: AgentFlagSources): Flag[] {
  const o = s.options;
  const flags: Flag[] = [
    { name: 'executor_registration_timeout', value: mesosDuration(o.executorRegistrationTimeoutMs) },
    { name: 'executor_shutdown_grace_period', value: mesosDuration(o.executorShutdownGracePeriodMs) },
    { name: 'hostname', value: s.host },
    { name: 'ip', value: s.host },
    { name: 'master', value: s.masterUrl },
    { name: 'port', value: String(s.port) },
    { name: 'recover', value: o.recover },
    { name: 'registration_backoff_factor', value: mesosDuration(o.registrationBackoffFactorMs) },
    { name: 'resources', value: formatResources(o.resources) },
    { name: 'work_dir', value: o.workDir },
  ];
  return flags.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
