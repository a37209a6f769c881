/**
 * Partitions on a live cluster through the fault links (fault-links.ts): a real master and a real
 * agent in this process, each link through its proxy, a framework over the v1 HTTP API. A
 * master–agent partition makes the master mark the agent unreachable, and the agent comes back
 * when it heals; a one-way master → scheduler partition lets the scheduler's calls through (its
 * TEARDOWN removes the framework) while what the master sends it is held.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { resources } from '../../../src/core/resource-text.js';
import type { MasterState } from '../../../src/master/state.js';
import { IN_PROCESS_NODES, type MasterSettings } from '../../../src/runtime/live/cluster-nodes.js';
import { FaultLinks } from '../../../src/runtime/live/fault-links.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { eventually } from './harness.js';
import { Prober } from './prober.js';

/** Fast health checks: an agent cut off is unreachable after about 0.6 s. */
const SETTINGS: MasterSettings = {
  policy: 'drf',
  allocationIntervalMs: 100,
  weights: {},
  quotas: {},
  agentPingTimeoutMs: 300,
  maxAgentPingTimeouts: 2,
  agentReregisterTimeoutMs: 60_000,
  filterGpuResources: true,
  offerTimeoutMs: undefined,
};

const context = { seed: 1, log: () => {} };

async function state(port: number): Promise<MasterState> {
  const res = await fetch(`http://127.0.0.1:${port}/master/state`);
  return (await res.json()) as MasterState;
}

async function cluster() {
  const dir = mkdtempSync(join(tmpdir(), 'agora-links-'));
  const master = await IN_PROCESS_NODES.startMaster(SETTINGS, join(dir, 'master'), context);
  const links = new FaultLinks({ host: '127.0.0.1', port: master.port });
  const { masterUrl, advertisePort } = await links.agent('agent-0');
  const agent = await IN_PROCESS_NODES.startAgent(
    {
      id: 'agent-0',
      masterUrl,
      advertisePort,
      resources: resources('cpus:2;mem:512'),
      attributes: [],
      workDir: join(dir, 'agent-0'),
      recoveryTimeoutMs: 60_000,
      timeScale: 1,
    },
    context,
  );
  links.agentMoved('agent-0', agent.port);
  await eventually(async () => (await master.activatedAgents()) === 1, 15_000, 'the agent to register');
  return {
    master,
    links,
    agent,
    close: async () => {
      await agent.close();
      await master.close();
      await links.close();
    },
  };
}

test('a master–agent partition: the agent is unreachable while it lasts, and active again once healed', async (t) => {
  const c = await cluster();
  try {
    const before = await state(c.master.port);
    t.is(before.activated_slaves, 1);
    c.links.partition('master', 'agent-0', false);
    await eventually(
      async () => (await state(c.master.port)).unreachable_slaves === 1,
      15_000,
      'the master to mark the agent unreachable',
    );
    c.links.heal('master', 'agent-0');
    await eventually(
      async () => {
        const s = await state(c.master.port);
        return s.unreachable_slaves === 0 && s.activated_slaves === 1;
      },
      15_000,
      'the agent to come back',
    );
    t.pass();
  } finally {
    await c.close();
  }
});

test('a one-way master → scheduler partition: the scheduler’s TEARDOWN still reaches the master', async (t) => {
  const c = await cluster();
  const prober = new Prober([]);
  const url = await c.links.scheduler('scheduler-A');
  const { driver, close } = liveSchedulerDriver(prober, { user: 'tester', name: 'A' }, { masterUrl: url });
  try {
    driver.start();
    await eventually(() => prober.frameworkId !== undefined, 15_000, 'the framework to register');
    c.links.partition('master', 'scheduler-A', true);
    t.true(c.links.isCut('master', 'scheduler-A'));
    t.false(c.links.isCut('scheduler-A', 'master'));
    driver.stop();
    await eventually(
      async () => (await state(c.master.port)).completed_frameworks.length === 1,
      15_000,
      'the TEARDOWN to remove the framework',
    );
    t.is((await state(c.master.port)).frameworks.length, 0);
  } finally {
    c.links.heal('master', 'scheduler-A');
    await close();
    await c.close();
  }
});
