/**
 * mesos-framework (tobilg's npm library for writing Mesos schedulers in JavaScript, 0.5.x), run
 * unchanged against a live Agora master and agent on loopback: it subscribes over the v1 HTTP
 * API, takes offers with its own default OFFERS handler (which reads `offer.url.address.ip` for
 * the tasks' HOST variable: with no `url` in offers it threw on the first one), launches its
 * tasks, which run as real processes and finish, and sees and acknowledges their updates.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import test from 'ava';
import { eventually, liveCluster } from '../runtime/live/harness.js';

/** The little of mesos-framework's API this test uses (it ships no types). */
interface MesosFrameworkScheduler {
  on(event: string, listener: (arg: unknown) => void): void;
  subscribe(): void;
  teardown(): void;
  httpRequest: { abort?: () => void; destroy?: () => void };
  launchedTasks: { taskId: string; runtimeInfo?: { network?: { ip?: string | null; hostname?: string } } }[];
}
interface MesosFramework {
  Scheduler: new (options: Record<string, unknown>) => MesosFrameworkScheduler;
  Mesos: { getMesos(): { CommandInfo: new (...args: unknown[]) => unknown } };
}

const require = createRequire(import.meta.url);

test('mesos-framework subscribes, takes offers, launches tasks that run and finish, and sees their updates', async (t) => {
  const cluster = await liveCluster(1, 'cpus:2;mem:512;disk:512');
  const { Scheduler, Mesos } = require('mesos-framework') as MesosFramework;
  const mesos = Mesos.getMesos();
  const logDir = mkdtempSync(join(tmpdir(), 'agora-mesos-framework-'));
  const port = Number(new URL(cluster.master.url).port);
  const scheduler = new Scheduler({
    masterUrl: '127.0.0.1',
    port,
    frameworkName: 'agora-mesos-framework-test',
    user: process.env.USER ?? 'root',
    // Its socket timeout must outlast the master's 15 s heartbeat interval.
    masterConnectionTimeout: 60,
    frameworkFailoverTimeout: 0,
    // Its log file goes under the temporary directory, not the working directory.
    logging: { path: logDir, fileName: 'mesos-framework.log', level: 'warn' },
    tasks: {
      sleeper: {
        instances: 2,
        commandInfo: new mesos.CommandInfo(null, null, true, 'echo "host=$HOST" && sleep 0.3', null, null),
        resources: { cpus: 0.2, mem: 32, ports: 0, disk: 0 },
      },
    },
  });
  const events: string[] = [];
  const errors: string[] = [];
  const updates: { taskId: string; state: string; uuid: string | undefined; source: string | undefined }[] =
    [];
  let subscribed: { frameworkId: string; mesosStreamId: string } | undefined;
  scheduler.on('subscribed', (o) => {
    subscribed = o as typeof subscribed;
  });
  scheduler.on('offers', () => events.push('OFFERS'));
  scheduler.on('update', (u) => {
    const status = (
      u as { status: { task_id: { value: string }; state: string; uuid?: string; source?: string } }
    ).status;
    updates.push({
      taskId: status.task_id.value,
      state: status.state,
      uuid: status.uuid,
      source: status.source,
    });
  });
  scheduler.on('error', (e) => errors.push(e instanceof Error ? e.message : JSON.stringify(e)));
  scheduler.on('ready', () => scheduler.subscribe());
  try {
    await eventually(() => subscribed !== undefined, 10_000, 'mesos-framework to subscribe');
    t.regex(subscribed?.frameworkId ?? '', /-0000$/u);
    const finished = () => new Set(updates.filter((u) => u.state === 'TASK_FINISHED').map((u) => u.taskId));
    await eventually(
      () => finished().size === 2,
      20_000,
      () =>
        `both tasks to finish (updates so far: ${JSON.stringify(updates)}; errors: ${JSON.stringify(errors)})`,
    );
    t.true(events.includes('OFFERS'));
    for (const id of finished()) {
      t.deepEqual(
        updates.filter((u) => u.taskId === id).map((u) => u.state),
        ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'],
        id,
      );
    }
    // It took the agent's IP from the offer's url, and handed it to the task as HOST.
    for (const task of scheduler.launchedTasks) t.is(task.runtimeInfo?.network?.ip, '127.0.0.1');
    const stdouts = readdirSync(cluster.workDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith(`${sep}stdout`))
      .map((f) => readFileSync(join(cluster.workDir, f), 'utf8'));
    t.deepEqual(stdouts, ['host=127.0.0.1\n', 'host=127.0.0.1\n'], "each task's sandbox stdout");
    // Every update that asked for an acknowledgement got one: nothing is left for the agent to retry.
    await eventually(
      () => cluster.agents[0]?.agent.state().pendingStatusUpdates === 0,
      10_000,
      'the agent to have every update acknowledged',
    );
    t.deepEqual(errors, [], 'mesos-framework reported no error');
  } finally {
    scheduler.teardown();
    scheduler.httpRequest.destroy?.();
    await cluster.close();
  }
});
