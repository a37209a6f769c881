/**
 * Faults with real processes: `agora master` and `agora agent` started as commands, killed with
 * SIGKILL, restarted; a framework over the v1 HTTP API watches.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { runCli } from '../../cli/helpers.js';
import { eventually } from './harness.js';
import { Prober } from './prober.js';
import { FAST_HEALTH_CHECKS, freePort, killHard, startAgent, startMaster } from './processes.js';

/** Fast health checks so an agent's loss is noticed within a second or two. */
const FAST = FAST_HEALTH_CHECKS;

test('an agent killed with SIGKILL: its task is lost and the framework hears slaveLost', async (t) => {
  const master = await startMaster(0, FAST);
  const agent = await startAgent(master.url, mkdtempSync(join(tmpdir(), 'agora-agent-')));
  const prober = new Prober([{ id: 'doomed', command: 'sleep 3' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'watcher' },
    { masterUrl: master.url },
  );
  try {
    driver.start();
    await eventually(() => prober.state('doomed') === 'TASK_RUNNING', 15_000, 'the task to run');
    await killHard(agent.child);
    await eventually(() => prober.events.some((e) => e.startsWith('agent lost ')), 10_000, 'slaveLost');
    t.regex(prober.state('doomed') ?? '', /^TASK_(LOST|UNREACHABLE)$/u, prober.events.join('\n'));
  } finally {
    driver.stop();
    await close();
    await killHard(agent.child);
    await killHard(master.child);
  }
});

test('a master restart: the agent re-registers, the framework re-subscribes, its running task is reconciled', async (t) => {
  const port = await freePort();
  let master = await startMaster(port, FAST);
  const agent = await startAgent(master.url, mkdtempSync(join(tmpdir(), 'agora-agent-')));
  const prober = new Prober([{ id: 'survivor', command: 'sleep 20' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'survivor', failover_timeout: 60 },
    { masterUrl: master.url },
  );
  try {
    driver.start();
    await eventually(() => prober.state('survivor') === 'TASK_RUNNING', 15_000, 'the task to run');
    await killHard(master.child);
    await eventually(() => prober.events.includes('disconnected'), 10_000, 'the framework to notice');
    master = await startMaster(port, FAST);
    await eventually(
      () => prober.events.filter((e) => e === 'registered' || e === 'reregistered').length >= 2,
      20_000,
      'the framework to re-subscribe',
    );
    const url = master.url;
    await eventually(
      async () => (await fetch(`${url}/master/state`).then((r) => r.json())).slaves.length === 1,
      20_000,
      'the agent to re-register',
    );
    driver.reconcileTasks([]);
    await eventually(
      () => prober.events.includes('survivor TASK_RUNNING REASON_RECONCILIATION'),
      10_000,
      'the running task reconciled',
    );
    t.log(prober.events.join('\n'));
    t.pass();
  } finally {
    driver.stop();
    await close();
    await killHard(agent.child);
    await killHard(master.child);
  }
});

test('the registry is written to --work-dir (fsync, rename) and a restarted master recovers it', async (t) => {
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'agora-master-'));
  let master = await startMaster(port, [...FAST, '--work-dir', workDir]);
  const agent = await startAgent(master.url, mkdtempSync(join(tmpdir(), 'agora-agent-')));
  const registry = join(workDir, 'registry.json');
  const admitted = () => {
    if (!existsSync(registry)) return [];
    return Object.keys(JSON.parse(readFileSync(registry, 'utf8')).admitted);
  };
  try {
    await eventually(() => admitted().length === 1, 15_000, 'the agent admitted in the registry');
    // The master admits an agent before it tells it so: wait until the agent knows its id, or a
    // master killed in between leaves it to register afresh (as a Mesos agent would).
    const agentUrl = `http://${agent.match[1]?.replace(/^agent@/u, '')}`;
    await eventually(
      async () => (await fetch(`${agentUrl}/state`).then((r) => r.json())).id === admitted()[0],
      15_000,
      'the agent to hear its id',
    );
    t.deepEqual(
      readdirSync(workDir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file is left behind',
    );
    const agentId = admitted()[0];
    await killHard(master.child);
    master = await startMaster(port, [...FAST, '--work-dir', workDir]);
    const url = master.url;
    await eventually(
      async () => {
        const state = await fetch(`${url}/master/state`).then((r) => r.json());
        return state.slaves[0]?.id === agentId && state.recovered_slaves.length === 0;
      },
      // The agent's registration retries back off up to a minute while the master is down.
      70_000,
      'the recovered agent to reregister under its id',
    );
    t.deepEqual(admitted(), [agentId]);
  } finally {
    await killHard(agent.child);
    await killHard(master.child);
  }
});

test('--quota and --weights go to the registry; a master restarted without them keeps them', async (t) => {
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'agora-master-'));
  let master = await startMaster(port, [
    '--work-dir',
    workDir,
    '--quota',
    'analytics=cpus:8;mem:16384',
    '--weights',
    'analytics=2',
  ]);
  const registry = join(workDir, 'registry.json');
  const quota = async () => (await fetch(`${master.url}/quota`)).json();
  const expected = {
    configs: [{ role: 'analytics', limits: { cpus: { value: 8 }, mem: { value: 16384 } } }],
  };
  try {
    t.deepEqual(await quota(), expected);
    // The registry may be written more than once (each batch of operations is one write): wait
    // for the write that holds the quota rather than read the first file that appears.
    const stored = () =>
      existsSync(registry) ? (JSON.parse(readFileSync(registry, 'utf8')) as Record<string, unknown>) : {};
    await eventually(
      () => {
        const { quotas, weights } = stored() as { quotas?: object; weights?: object };
        return (
          quotas !== undefined && 'analytics' in quotas && weights !== undefined && 'analytics' in weights
        );
      },
      10_000,
      'the registry written',
    );
    const written = stored();
    t.deepEqual(written.quotas, { analytics: { cpus: 8, mem: 16384 } });
    t.deepEqual(written.weights, { analytics: 2 });
    await killHard(master.child);
    master = await startMaster(port, ['--work-dir', workDir]);
    t.deepEqual(await quota(), expected, 'the registry wins over the (absent) flags');
  } finally {
    await killHard(master.child);
  }
});

test('a master whose registry cannot be read refuses to start, naming the file and the problem', async (t) => {
  const workDir = mkdtempSync(join(tmpdir(), 'agora-master-'));
  writeFileSync(join(workDir, 'registry.json'), '{"version":1,"admitted":[]}');
  const r = await runCli('master', '--port', '0', '--work-dir', workDir);
  t.is(r.code, 2);
  t.regex(r.err, /--work-dir: cannot recover the registry: .*registry\.json: admitted: expected an object/u);
});
