/**
 * The cluster nodes as OS processes (`agora live --processes`): `agora master` and `agora agent`
 * children behind the fault links, killed with SIGKILL and restarted on their work dirs. An
 * agent killed and restarted reregisters under its id with its checkpointed task still running;
 * after a reboot (its disk wiped) it registers as a new agent and the task is lost; a master
 * killed and restarted on its registry gets its agent back through the retargeted links.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { childProcessNodes, wipeAgentDisk } from '../../../src/runtime/live/cluster-nodes.js';
import { FaultLinks } from '../../../src/runtime/live/fault-links.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { patient } from '../../patience.js';
import { fastMaster, linkedAgent, masterState } from './fault-nodes.js';
import { eventually } from './harness.js';
import { Prober } from './prober.js';

const SETTINGS = fastMaster(500, 4);

const lines: string[] = [];
const context = { seed: 1, log: (line: string) => lines.push(line) };
const nodes = childProcessNodes({ startTimeoutMs: patient(15_000) });

const state = masterState;

test('an agent process killed and restarted on its work dir keeps its id and its checkpointed task; after a reboot it is a new agent and the task is lost', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'agora-nodes-'));
  const master = await nodes.startMaster(SETTINGS, join(dir, 'master'), context);
  const links = new FaultLinks({ host: '127.0.0.1', port: master.port });
  const settings = await linkedAgent(links, dir);
  let agent = await nodes.startAgent(settings, context);
  links.agentMoved('agent-0', agent.port);
  const prober = new Prober([{ id: 'survivor', command: 'sleep 60' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'checkpointing', checkpoint: true, failover_timeout: 60 },
    { masterUrl: await links.scheduler('scheduler-A') },
  );
  try {
    driver.start();
    await eventually(() => prober.state('survivor') === 'TASK_RUNNING', 20_000, 'the task to run');
    const id = (await state(master.port)).slaves[0]?.id;
    t.truthy(id);
    await agent.crash();
    agent = await nodes.startAgent(settings, context);
    links.agentMoved('agent-0', agent.port);
    await eventually(
      async () => {
        const s = await state(master.port);
        return s.slaves.length === 1 && s.slaves[0]?.id === id && s.slaves[0]?.active === true;
      },
      20_000,
      'the agent to reregister under its id',
    );
    t.is(prober.state('survivor'), 'TASK_RUNNING', prober.events.join('\n'));
    // A reboot: the agent dies, its machine's tasks with it, its disk is empty when it is back.
    await agent.crash();
    wipeAgentDisk(settings.workDir);
    agent = await nodes.startAgent(settings, context);
    links.agentMoved('agent-0', agent.port);
    await eventually(
      async () => (await state(master.port)).slaves.some((a) => a.id !== id && a.active),
      20_000,
      'the rebooted agent to register anew',
    );
    await eventually(
      () => /^TASK_(LOST|GONE|UNREACHABLE)$/u.test(prober.state('survivor') ?? ''),
      20_000,
      () => `the task to be lost: ${prober.events.join(', ')}`,
    );
    t.pass();
  } finally {
    driver.stop();
    await close();
    await agent.close();
    await master.close();
    await links.close();
  }
});

test('a master process killed and restarted on its registry: the agent comes back through the retargeted links', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'agora-nodes-'));
  let master = await nodes.startMaster(SETTINGS, join(dir, 'master'), context);
  const links = new FaultLinks({ host: '127.0.0.1', port: master.port });
  const agent = await nodes.startAgent(await linkedAgent(links, dir), context);
  links.agentMoved('agent-0', agent.port);
  try {
    await eventually(async () => (await master.activatedAgents()) === 1, 20_000, 'the agent to register');
    const id = (await state(master.port)).slaves[0]?.id;
    await master.crash();
    master = await nodes.startMaster(SETTINGS, join(dir, 'master'), context);
    links.masterMoved({ host: '127.0.0.1', port: master.port });
    await eventually(
      async () => {
        const s = await state(master.port);
        return s.slaves[0]?.id === id && s.activated_slaves === 1;
      },
      20_000,
      'the agent to reregister with the restarted master',
    );
    await master.refreshCounters();
    t.true(master.counters().allocationRuns > 0);
  } finally {
    await agent.close();
    await master.close();
    await links.close();
  }
});
