/** Live clusters on loopback for tests: a master and agents in this process, on free ports. */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseResources } from '../../../src/core/resource-text.js';
import { AgentServer, type AgentServerOptions } from '../../../src/runtime/live/agent-server.js';
import { eventually as eventuallyWithin } from '../../../src/runtime/live/eventually.js';
import { MasterServer, type MasterServerOptions } from '../../../src/runtime/live/master-server.js';
import { patient } from '../../patience.js';

/** What a test may add to its cluster's master and agents (security, limits, TLS). */
export interface ClusterOptions {
  readonly master?: Omit<MasterServerOptions, 'port' | 'log'>;
  readonly agent?: Omit<AgentServerOptions, 'masterUrl' | 'resources' | 'workDir' | 'port' | 'log'>;
}

/** A master and `agents` agents of `resources` each, with short health-check timings. */
export async function liveCluster(
  agents: number,
  resources = 'cpus:2;mem:512',
  options: ClusterOptions = {},
) {
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const master = await MasterServer.start({
    master: { allocationIntervalMs: 100 },
    ...options.master,
    port: 0,
    log,
  });
  const workDir = mkdtempSync(join(tmpdir(), 'agora-live-'));
  const parsed = parseResources(resources);
  if (!parsed.ok) throw new Error(`bad resources ${resources}`);
  const started: AgentServer[] = [];
  for (let i = 0; i < agents; i++) {
    started.push(
      await AgentServer.start({
        ...options.agent,
        masterUrl: master.url,
        resources: parsed.value,
        workDir: join(workDir, `agent-${i}`),
        port: 0,
        log,
      }),
    );
  }
  await eventually(() => master.master.state().activated_slaves === agents, 10_000, 'the agents to register');
  return {
    master,
    agents: started,
    workDir,
    logs,
    async close() {
      await Promise.all(started.map((a) => a.close()));
      await master.close();
    },
  };
}

/**
 * Resolves when `check` holds, polling every 20 ms; rejects after `timeoutMs` stretched by the
 * test patience (test/patience.ts), so that a busy machine is slow, not failing.
 */
export function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string | (() => string),
): Promise<void> {
  return eventuallyWithin(check, patient(timeoutMs), what);
}
