/** What the fault tests share: a master with fast health checks, and an agent behind its links. */
import { join } from 'node:path';
import { resources } from '../../../src/core/resource-text.js';
import type { MasterState } from '../../../src/master/state.js';
import type { AgentSettings, MasterSettings } from '../../../src/runtime/live/cluster-nodes.js';
import type { FaultLinks } from '../../../src/runtime/live/fault-links.js';

/** A master that pings every `pingMs` and gives an agent up after `maxMissed` missed pings. */
export function fastMaster(pingMs: number, maxMissed: number): MasterSettings {
  return {
    policy: 'drf',
    allocationIntervalMs: 100,
    weights: {},
    quotas: {},
    agentPingTimeoutMs: pingMs,
    maxAgentPingTimeouts: maxMissed,
    agentReregisterTimeoutMs: 60_000,
    filterGpuResources: true,
    offerTimeoutMs: undefined,
  };
}

/** The settings of agent `id` (2 CPUs, 512 MB) under `dir`, behind its links. */
export async function linkedAgent(links: FaultLinks, dir: string, id = 'agent-0'): Promise<AgentSettings> {
  const { masterUrl, advertisePort } = await links.agent(id);
  return {
    id,
    masterUrl,
    advertisePort,
    resources: resources('cpus:2;mem:512'),
    attributes: [],
    workDir: join(dir, id),
    recoveryTimeoutMs: 60_000,
    timeScale: 1,
  };
}

/** The master's `/master/state` on `port`. */
export async function masterState(port: number): Promise<MasterState> {
  const res = await fetch(`http://127.0.0.1:${port}/master/state`);
  return (await res.json()) as MasterState;
}
