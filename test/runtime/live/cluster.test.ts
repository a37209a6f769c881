/**
 * End to end on loopback: a live master and agent (in this process, each on its own HTTP port),
 * a framework over the v1 HTTP API, and real child processes for tasks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { eventually, liveCluster } from './harness.js';
import { Prober } from './prober.js';

/** Every file under `dir` whose path satisfies `keep`. */
function findFiles(dir: string, keep: (path: string) => boolean): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((p) => join(dir, p)).filter(keep);
}

test('launch, finish, fail, kill and reconcile with real processes', async (t) => {
  const cluster = await liveCluster(1);
  const prober = new Prober([
    { id: 'ok', command: 'echo out; echo err >&2' },
    { id: 'bad', command: 'exit 3' },
    { id: 'long', command: 'sleep 60' },
  ]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'prober' },
    { masterUrl: cluster.master.url },
  );
  try {
    driver.start();
    await eventually(
      () =>
        prober.state('long') === 'TASK_RUNNING' &&
        prober.state('ok') === 'TASK_FINISHED' &&
        prober.state('bad') === 'TASK_FAILED',
      15_000,
      'three tasks to settle',
    );
    t.deepEqual(
      prober.events.filter((e) => e.startsWith('ok ')),
      ['ok TASK_STARTING', 'ok TASK_RUNNING', 'ok TASK_FINISHED'],
    );
    const failed = prober.statuses.find((s) => s.task_id.value === 'bad' && s.state === 'TASK_FAILED');
    t.is(failed?.message, 'Command exited with status 3');
    // Output is captured in the task's sandbox, under the agent's work dir.
    const sandbox = findFiles(cluster.workDir, (p) => p.endsWith('/stdout')).find((p) => p.includes('/ok/'));
    t.truthy(sandbox, 'a sandbox for task ok');
    t.is(readFileSync(sandbox as string, 'utf8'), 'out\n');
    t.is(readFileSync((sandbox as string).replace(/stdout$/u, 'stderr'), 'utf8'), 'err\n');

    driver.reconcileTasks([]);
    await eventually(
      () => prober.events.includes('long TASK_RUNNING REASON_RECONCILIATION'),
      5_000,
      'implicit reconciliation',
    );

    driver.killTask({ value: 'long' });
    await eventually(() => prober.state('long') === 'TASK_KILLED', 10_000, 'the kill');
    const killed = prober.statuses.find((s) => s.task_id.value === 'long' && s.state === 'TASK_KILLED');
    t.regex(killed?.message ?? '', /signal Terminated/u, 'SIGTERM ended it within the grace period');

    const state = await fetch(`${cluster.master.url}/master/state`).then((r) => r.json());
    t.is(state.frameworks[0].id, prober.frameworkId);
    t.is(state.slaves.length, 1);
    t.is(state.hostname, '127.0.0.1');
    t.is(state.pid, `master@127.0.0.1:${cluster.master.port}`);
    const metrics = await fetch(`${cluster.master.url}/metrics/snapshot`).then((r) => r.json());
    t.is(metrics['master/slaves_active'], 1);
    t.is(metrics['master/frameworks_connected'], 1);
    // The live runtime times the master's allocation runs (allocation-timing.ts).
    t.true(metrics['allocator/mesos/allocation_run_ms'] > 0, 'the last allocation run took some time');
    t.true(metrics['allocator/mesos/allocation_run_ms/count'] >= metrics['allocator/mesos/allocation_runs']);
    t.is((await fetch(`${cluster.master.url}/health`)).status, 200);
  } finally {
    driver.stop();
    await close();
    await cluster.close();
  }
});

test('a framework re-subscribing with its id keeps its running task', async (t) => {
  const cluster = await liveCluster(1);
  const info = { user: 'tester', name: 'phoenix', failover_timeout: 60 };
  const first = new Prober([{ id: 'keep', command: 'sleep 30' }]);
  const one = liveSchedulerDriver(first, info, { masterUrl: cluster.master.url });
  const second = new Prober([]);
  let two: ReturnType<typeof liveSchedulerDriver> | undefined;
  try {
    one.driver.start();
    await eventually(() => first.state('keep') === 'TASK_RUNNING', 10_000, 'the task to run');
    one.driver.stop(true); // failover: the framework stays, its tasks keep running
    await one.close();
    two = liveSchedulerDriver(
      second,
      { ...info, id: { value: first.frameworkId as string } },
      { masterUrl: cluster.master.url },
    );
    two.driver.start();
    await eventually(() => second.frameworkId !== undefined, 10_000, 're-subscription');
    t.is(second.frameworkId, first.frameworkId, 'the same framework id');
    two.driver.reconcileTasks([{ task_id: { value: 'keep' } }]);
    await eventually(() => second.state('keep') === 'TASK_RUNNING', 5_000, 'reconciliation');
    t.pass();
  } finally {
    two?.driver.stop();
    await two?.close();
    await cluster.close();
  }
});
