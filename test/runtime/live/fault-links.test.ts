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
import { IN_PROCESS_NODES } from '../../../src/runtime/live/cluster-nodes.js';
import { FaultLinks } from '../../../src/runtime/live/fault-links.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { fastMaster, linkedAgent, masterState } from './fault-nodes.js';
import { eventually } from './harness.js';
import { Prober } from './prober.js';

/** Fast health checks: an agent cut off is unreachable after about 0.6 s. */
const SETTINGS = fastMaster(300, 2);

const context = { seed: 1, log: () => {} };

const state = masterState;

async function cluster() {
  const dir = mkdtempSync(join(tmpdir(), 'agora-links-'));
  const master = await IN_PROCESS_NODES.startMaster(SETTINGS, join(dir, 'master'), context);
  const links = new FaultLinks({ host: '127.0.0.1', port: master.port });
  const agent = await IN_PROCESS_NODES.startAgent(await linkedAgent(links, dir), context);
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
  // No agent, so no offers: the scheduler has no call in flight whose answer the cut would hold
  // (its calls go one at a time, so a held answer would hold the TEARDOWN behind it).
  const dir = mkdtempSync(join(tmpdir(), 'agora-links-'));
  const master = await IN_PROCESS_NODES.startMaster(SETTINGS, join(dir, 'master'), context);
  const links = new FaultLinks({ host: '127.0.0.1', port: master.port });
  const prober = new Prober([]);
  const url = await links.scheduler('scheduler-A');
  const { driver, close } = liveSchedulerDriver(prober, { user: 'tester', name: 'A' }, { masterUrl: url });
  try {
    driver.start();
    await eventually(() => prober.frameworkId !== undefined, 15_000, 'the framework to register');
    links.partition('master', 'scheduler-A', true);
    t.true(links.isCut('master', 'scheduler-A'));
    t.false(links.isCut('scheduler-A', 'master'));
    driver.stop();
    await eventually(
      async () => (await state(master.port)).completed_frameworks.length === 1,
      15_000,
      'the TEARDOWN to remove the framework',
    );
    t.is((await state(master.port)).frameworks.length, 0);
  } finally {
    links.heal('master', 'scheduler-A');
    await close();
    await master.close();
    await links.close();
  }
});
