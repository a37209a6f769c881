/**
 * A custom executor over the v1 executor API: a live agent starts the executor program as a child
 * process, the program's ExecutorDriver subscribes at /api/v1/executor, runs the task, and
 * framework messages go both ways through the master.
 */
import { fileURLToPath } from 'node:url';
import test from 'ava';
import type { MasterInfo } from '../../../src/core/messages/cluster-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID } from '../../../src/core/messages/ids.js';
import type { Offer } from '../../../src/core/messages/offer.js';
import type { TaskStatus } from '../../../src/core/messages/task-status.js';
import type { Scheduler, SchedulerDriver } from '../../../src/driver/index.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { readClientTls, readServerTls } from '../../../src/runtime/live/tls.js';
import { eventually, liveCluster } from './harness.js';
import { send } from './http-client.js';

const EXECUTOR = fileURLToPath(new URL('./fixtures/echo-executor.ts', import.meta.url));
/** tsx by absolute URL: the executor runs in its sandbox, where `tsx` alone does not resolve. */
const TSX = import.meta.resolve('tsx');

class WithExecutor implements Scheduler {
  readonly states: string[] = [];
  readonly messages: string[] = [];
  agentId: AgentID | undefined;
  #launched = false;
  registered(_d: SchedulerDriver, _id: FrameworkID, _m: MasterInfo | undefined): void {}
  reregistered(): void {}
  disconnected(): void {}
  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    for (const offer of offers) {
      if (this.#launched) {
        driver.declineOffer(offer.id, { refuse_seconds: 3600 });
        continue;
      }
      this.#launched = true;
      this.agentId = offer.agent_id;
      const scalar = (name: string, value: number) => ({ name, type: 'SCALAR' as const, scalar: { value } });
      driver.launchTasks(
        [offer.id],
        [
          {
            name: 'echo-task',
            task_id: { value: 'echo-task' },
            agent_id: offer.agent_id,
            resources: [scalar('cpus', 0.1), scalar('mem', 32)],
            executor: {
              executor_id: { value: 'echo' },
              command: { value: `"${process.execPath}" --import "${TSX}" "${EXECUTOR}"` },
              resources: [scalar('cpus', 0.1), scalar('mem', 64)],
            },
          },
        ],
      );
    }
  }
  offerRescinded(_d: SchedulerDriver, _o: OfferID): void {}
  statusUpdate(_d: SchedulerDriver, status: TaskStatus): void {
    this.states.push(status.state);
  }
  frameworkMessage(_d: SchedulerDriver, _e: ExecutorID, _a: AgentID, data: string): void {
    this.messages.push(Buffer.from(data, 'base64').toString('utf8'));
  }
  slaveLost(): void {}
  executorLost(): void {}
  error(): void {}
}

test('a custom executor runs its task over the v1 executor API and echoes framework messages', async (t) => {
  const cluster = await liveCluster(1);
  const scheduler = new WithExecutor();
  const { driver, close } = liveSchedulerDriver(
    scheduler,
    { user: 'tester', name: 'with-executor' },
    {
      masterUrl: cluster.master.url,
    },
  );
  try {
    driver.start();
    await eventually(() => scheduler.states.includes('TASK_RUNNING'), 20_000, 'the executor to run the task');
    driver.sendFrameworkMessage(
      { value: 'echo' },
      scheduler.agentId as AgentID,
      Buffer.from('ping').toString('base64'),
    );
    await eventually(() => scheduler.states.includes('TASK_FINISHED'), 10_000, 'the task to finish');
    await eventually(() => scheduler.messages.length > 0, 10_000, 'the echo');
    t.deepEqual(scheduler.messages, ['echo: ping']);
    t.deepEqual(scheduler.states, ['TASK_RUNNING', 'TASK_FINISHED']);
    // The executor endpoint refuses a call from an executor that never subscribed.
    const agent = cluster.agents[0];
    const stray = await send(`http://${agent?.address.slice('agent@'.length)}/api/v1/executor`, {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'MESSAGE',
        framework_id: { value: 'nope' },
        executor_id: { value: 'nope' },
        message: { data: 'aGk=' },
      }),
    });
    t.is(stray.status, 403);
    t.is(stray.text, 'Executor is not subscribed');
  } finally {
    driver.stop();
    await close();
    await cluster.close();
  }
});

test('a TLS agent tells its executor (LIBPROCESS_SSL_ENABLED, LIBPROCESS_SSL_CA_FILE), which then subscribes over HTTPS', async (t) => {
  const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url));
  const server = readServerTls(fixture('server-key.pem'), fixture('server.pem'));
  const trust = readClientTls(fixture('ca.pem'));
  const cluster = await liveCluster(1, undefined, {
    master: { tls: server, clientTls: trust },
    agent: { tls: server, clientTls: trust },
  });
  const scheduler = new WithExecutor();
  const { driver, close } = liveSchedulerDriver(
    scheduler,
    { user: 'tester', name: 'with-executor-over-tls' },
    { masterUrl: cluster.master.url, tls: trust },
  );
  try {
    driver.start();
    await eventually(
      () => scheduler.states.includes('TASK_FINISHED'),
      20_000,
      'the executor to run the task',
    );
    t.deepEqual(scheduler.states, ['TASK_RUNNING', 'TASK_FINISHED']);
  } finally {
    driver.stop();
    await close();
    await cluster.close();
  }
});
