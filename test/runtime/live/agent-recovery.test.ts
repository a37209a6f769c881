/**
 * A live agent killed with SIGKILL and restarted on its work dir (Mesos `--recover=reconnect`):
 * it takes back the tasks of checkpointing frameworks and reregisters under its id; what it
 * cannot take back is killed, never left running unowned. Real `agora master` and `agora agent`
 * processes, real task processes.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { markedProcesses, stillRunning } from '../../../src/runtime/live/task-processes.js';
import { runCli } from '../../cli/helpers.js';
import { eventually } from './harness.js';
import { Prober } from './prober.js';
import { freePort, killHard, type Started, startAgora, startMaster } from './processes.js';

/**
 * Health checks that give a restarted agent time to come back (6 s) before the master writes
 * it off, and fast allocation.
 */
const MASTER_FLAGS = [
  '--agent-ping-timeout',
  '0.5',
  '--max-agent-ping-timeouts',
  '12',
  '--allocation-interval',
  '0.1',
];

/** An `agora agent` on a fixed port and work dir, so that a restart is the same agent. */
function startAgentAt(
  masterUrl: string,
  port: number,
  workDir: string,
  extra: readonly string[] = [],
): Promise<Started> {
  return startAgora(
    [
      'agent',
      '--master',
      masterUrl.replace(/^http:\/\//u, ''),
      '--port',
      String(port),
      '--resources',
      'cpus:4;mem:2048',
      '--work-dir',
      workDir,
      ...extra,
    ],
    /agora agent: (agent@\S+)/u,
  );
}

/** The agent's id (Mesos's /state `id`, empty before registering) and Agora's `phase`. */
async function agentState(port: number): Promise<{ agentId?: string; phase: string }> {
  const state = (await (await fetch(`http://127.0.0.1:${port}/state`)).json()) as {
    id: string;
    phase: string;
  };
  return { ...(state.id === '' ? {} : { agentId: state.id }), phase: state.phase };
}

/** The running task processes of the agent on `workDir`, by task id (the group leaders). */
function taskProcesses(workDir: string): Map<string, { pid: number; startTicks: number }> {
  const byTask = new Map<string, { pid: number; startTicks: number }>();
  for (const p of markedProcesses(workDir)) {
    if (!p.watchdog && p.pid === p.pgid && p.executorId !== undefined) byTask.set(p.executorId, p);
  }
  return byTask;
}

test('a SIGKILLed agent restarted on its work dir takes back its checkpointed tasks, under the same agent id', async (t) => {
  const master = await startMaster(0, MASTER_FLAGS);
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'agora-agent-'));
  let agent = await startAgentAt(master.url, port, workDir);
  const prober = new Prober(
    [
      // Runs across the crash and ends after the restart.
      // Long enough to outlive its agent on a busy machine (its end is awaited, not timed).
      { id: 'across', command: 'sleep 12' },
      // End while the agent is down: their statuses are read back from their supervisors.
      { id: 'ok-while-down', command: 'sleep 1' },
      { id: 'fails-while-down', command: 'sleep 1; exit 3' },
    ],
    3,
  );
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'recovering', checkpoint: true, failover_timeout: 3600 },
    { masterUrl: master.url },
  );
  try {
    driver.start();
    await eventually(
      () =>
        ['across', 'ok-while-down', 'fails-while-down'].every((id) => prober.state(id) === 'TASK_RUNNING'),
      20_000,
      'the three tasks to run',
    ).catch((e) => {
      t.log(prober.events.join('\n'));
      t.log(agent.stderr());
      throw e;
    });
    const agentId = (await agentState(port)).agentId;
    // A child shows its own environment once it has exec'd, just after the agent spawned it.
    await eventually(() => taskProcesses(workDir).size === 3, 5_000, 'three supervised task processes');
    const before = taskProcesses(workDir);
    await killHard(agent.child);
    // Down long enough for the short tasks to end without their agent.
    await eventually(
      () => !stillRunning(before.get('ok-while-down') as { pid: number; startTicks: number }),
      10_000,
      'a task to end while the agent is down',
    );
    t.true(
      stillRunning(before.get('across') as { pid: number; startTicks: number }),
      'the long task outlives its agent',
    );
    agent = await startAgentAt(master.url, port, workDir);
    await eventually(
      async () => (await agentState(port)).phase === 'registered',
      20_000,
      'the agent to reregister',
    );
    t.is((await agentState(port)).agentId, agentId, 'the same agent id');
    await eventually(
      () =>
        prober.state('ok-while-down') === 'TASK_FINISHED' &&
        prober.state('fails-while-down') === 'TASK_FAILED',
      10_000,
      'the statuses of the tasks that ended while the agent was down',
    );
    const failed = prober.statuses.find(
      (s) => s.task_id.value === 'fails-while-down' && s.state === 'TASK_FAILED',
    );
    t.is(failed?.message, 'Command exited with status 3');
    // Running still, or finished by now on a slow machine: either way not reported lost.
    t.true(
      ['TASK_RUNNING', 'TASK_FINISHED'].includes(prober.state('across') ?? ''),
      `the long task was not reported lost (${prober.state('across')})`,
    );
    await eventually(() => prober.state('across') === 'TASK_FINISHED', 20_000, 'the long task to finish');
    t.false(
      prober.statuses.some(
        (s) => ['TASK_LOST', 'TASK_FAILED'].includes(s.state) && s.task_id.value !== 'fails-while-down',
      ),
      prober.events.join('\n'),
    );
    t.is(taskProcesses(workDir).size, 0, 'no task process left');
  } finally {
    driver.stop();
    await close();
    await killHard(agent.child);
    await killHard(master.child);
  }
});

test('the tasks of a framework that does not checkpoint die with their agent, and the framework hears it', async (t) => {
  const master = await startMaster(0, MASTER_FLAGS);
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'agora-agent-'));
  let agent = await startAgentAt(master.url, port, workDir);
  const prober = new Prober([{ id: 'mortal', command: 'sleep 60' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'mortal', failover_timeout: 3600 },
    { masterUrl: master.url },
  );
  try {
    driver.start();
    await eventually(() => prober.state('mortal') === 'TASK_RUNNING', 20_000, 'the task to run');
    await eventually(() => taskProcesses(workDir).has('mortal'), 5_000, 'the task process');
    const task = taskProcesses(workDir).get('mortal');
    if (task === undefined) return t.fail('no task process found');
    await killHard(agent.child);
    // The dead agent's watchdog stops it (SIGTERM; the agent is not coming back for it).
    await eventually(() => !stillRunning(task), 10_000, 'the task process to be stopped');
    await eventually(() => prober.state('mortal') === 'TASK_LOST', 15_000, 'the framework to hear TASK_LOST');
    agent = await startAgentAt(master.url, port, workDir);
    await eventually(
      async () => (await agentState(port)).phase === 'registered',
      20_000,
      'the agent to reregister',
    );
    t.is(taskProcesses(workDir).size, 0);
    t.true(readFileSync(join(workDir, 'meta', 'watchdog.log'), 'utf8').includes('is gone'));
  } finally {
    driver.stop();
    await close();
    await killHard(agent.child);
    await killHard(master.child);
  }
});

test('a checkpoint that cannot be recovered: --strict refuses to start, --no-strict starts a new agent and kills the old tasks', async (t) => {
  const master = await startMaster(0, MASTER_FLAGS);
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'agora-agent-'));
  let agent = await startAgentAt(master.url, port, workDir);
  const prober = new Prober([{ id: 'stranded', command: 'sleep 60' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'stranded', checkpoint: true, failover_timeout: 3600 },
    { masterUrl: master.url },
  );
  try {
    driver.start();
    await eventually(() => prober.state('stranded') === 'TASK_RUNNING', 20_000, 'the task to run');
    const oldId = (await agentState(port)).agentId;
    await eventually(() => taskProcesses(workDir).size === 1, 5_000, 'the task process');
    await killHard(agent.child);
    const checkpoint = join(workDir, 'meta', 'agent.json');
    writeFileSync(checkpoint, '{"version":1,');
    const refused = await runCli(
      'agent',
      '--master',
      master.url.replace(/^http:\/\//u, ''),
      '--port',
      String(port),
      '--work-dir',
      workDir,
    );
    t.is(refused.code, 2);
    t.regex(
      refused.err,
      /--work-dir: cannot recover the agent's checkpoint: .*agent\.json: agent checkpoint: not JSON/u,
    );
    t.regex(refused.err, /--no-strict/u);
    t.is(taskProcesses(workDir).size, 1, 'a refusal changes nothing');
    agent = await startAgentAt(master.url, port, workDir, ['--no-strict']);
    // Killed before the agent registered (SIGKILL sent; gone once the kernel has torn it down).
    await eventually(
      () => taskProcesses(workDir).size === 0,
      5_000,
      'the task nobody can recover to be killed',
    );
    t.true(existsSync(`${checkpoint}.discarded`));
    await eventually(
      async () => (await agentState(port)).phase === 'registered',
      20_000,
      'the agent to register',
    );
    t.not((await agentState(port)).agentId, oldId, 'a new agent');
  } finally {
    driver.stop();
    await close();
    await killHard(agent.child);
    await killHard(master.child);
  }
});

test('--recover=cleanup kills what the dead agent left running, removes its checkpoint and exits', async (t) => {
  const master = await startMaster(0, MASTER_FLAGS);
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'agora-agent-'));
  const agent = await startAgentAt(master.url, port, workDir);
  const prober = new Prober([{ id: 'kept', command: 'sleep 60' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'kept', checkpoint: true, failover_timeout: 3600 },
    { masterUrl: master.url },
  );
  try {
    driver.start();
    await eventually(() => prober.state('kept') === 'TASK_RUNNING', 20_000, 'the task to run');
    await eventually(() => taskProcesses(workDir).size === 1, 5_000, 'the task process');
    await killHard(agent.child);
    t.is(taskProcesses(workDir).size, 1, 'a checkpointed task outlives its agent');
    const r = await runCli('agent', '--master', 'x:1', '--work-dir', workDir, '--recover', 'cleanup');
    t.is(r.code, 0, r.err);
    t.regex(r.err, /killed [12] task process group/u);
    // SIGKILL is sent; the process is gone once the kernel has torn it down.
    await eventually(() => taskProcesses(workDir).size === 0, 5_000, 'the task to be gone');
    t.false(existsSync(join(workDir, 'meta', 'agent.json')));
  } finally {
    driver.stop();
    await close();
    await killHard(agent.child);
    await killHard(master.child);
  }
});

test('checkpointed tasks wait --recovery-timeout for their agent; if it does not come back, the watchdog kills them', async (t) => {
  const master = await startMaster(0, MASTER_FLAGS);
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'agora-agent-'));
  const agent = await startAgentAt(master.url, port, workDir, ['--recovery-timeout', '2']);
  const prober = new Prober([{ id: 'waiting', command: 'sleep 60' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'waiting', checkpoint: true, failover_timeout: 3600 },
    { masterUrl: master.url },
  );
  try {
    driver.start();
    await eventually(() => prober.state('waiting') === 'TASK_RUNNING', 20_000, 'the task to run');
    await eventually(() => taskProcesses(workDir).has('waiting'), 5_000, 'the task process');
    const task = taskProcesses(workDir).get('waiting');
    if (task === undefined) return t.fail('no task process found');
    const killedAt = Date.now();
    await killHard(agent.child);
    await eventually(() => !stillRunning(task), 15_000, 'the watchdog to give up on the agent');
    t.true(Date.now() - killedAt >= 2_000, 'not before the recovery timeout');
    const log = join(workDir, 'meta', 'watchdog.log');
    await eventually(
      () => readFileSync(log, 'utf8').includes('killed 1 task process group'),
      5_000,
      'the log',
    );
  } finally {
    driver.stop();
    await close();
    await killHard(agent.child);
    await killHard(master.child);
  }
});
