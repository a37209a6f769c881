/**
 * A custom executor over the v1 executor API: a live agent starts the executor program as a child
 * process, the program's ExecutorDriver subscribes at /api/v1/executor, runs the task, and
 * framework messages go both ways through the master.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { ECHO_EXECUTOR, typescriptExecutor } from './typescript-executor.js';

const IMPOSTOR = fileURLToPath(new URL('./fixtures/impostor-executor.ts', import.meta.url));

class WithExecutor implements Scheduler {
  readonly states: string[] = [];
  readonly statuses: TaskStatus[] = [];
  readonly messages: string[] = [];
  agentId: AgentID | undefined;
  #launched = false;
  readonly #program: string;

  /** @param program the executor program to launch (a TypeScript file) */
  constructor(program = ECHO_EXECUTOR) {
    this.#program = program;
  }
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
            executor: typescriptExecutor(this.#program),
          },
        ],
      );
    }
  }
  offerRescinded(_d: SchedulerDriver, _o: OfferID): void {}
  statusUpdate(_d: SchedulerDriver, status: TaskStatus): void {
    this.states.push(status.state);
    this.statuses.push(status);
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
    // The executor endpoint refuses a call from an executor the agent did not start (no token).
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
    t.is(stray.status, 401);
    t.is(stray.headers['www-authenticate'], 'Bearer realm="mesos-agent-executor"');
    t.regex(stray.text, /^Missing 'Authorization' header/u);
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
      () =>
        `the executor to run the task (states heard: ${scheduler.states.join(', ') || 'none'}; ` +
        `last status: ${JSON.stringify(scheduler.statuses.at(-1) ?? null)})`,
    );
    t.deepEqual(scheduler.states, ['TASK_RUNNING', 'TASK_FINISHED']);
  } finally {
    driver.stop();
    await close();
    await cluster.close();
  }
});

test('issue 13 item 1, executors: calls need the token the agent gave the executor; it names one executor of one framework and dies with its container', async (t) => {
  const cluster = await liveCluster(1);
  const scheduler = new WithExecutor(IMPOSTOR);
  const { driver, close } = liveSchedulerDriver(
    scheduler,
    { user: 'tester', name: 'with-impostor' },
    { masterUrl: cluster.master.url },
  );
  const executorUrl = `http://${cluster.agents[0]?.address.slice('agent@'.length)}/api/v1/executor`;
  // A MESSAGE call (202 while the executor is subscribed), not a SUBSCRIBE: that would stream.
  const message = (frameworkId: string, headers: Record<string, string>) =>
    send(executorUrl, {
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({
        type: 'MESSAGE',
        framework_id: { value: frameworkId },
        executor_id: { value: 'echo' },
        message: { data: 'aGk=' },
      }),
    });
  try {
    driver.start();
    await eventually(
      () => scheduler.states.includes('TASK_FINISHED'),
      20_000,
      'the impostor to finish its task',
    );
    const answers = scheduler.statuses.find((s) => s.state === 'TASK_FINISHED')?.message ?? '';
    t.regex(
      answers,
      /^403 The executor token does not contain an 'eid' claim with the executor ID someone-else, which is set in the call$/mu,
      'an executor cannot send an update in another executor’s name',
    );
    t.regex(
      answers,
      /^403 The executor token does not contain an 'fid' claim with the framework ID another-framework, which is set in the call$/mu,
      'nor subscribe as another framework’s executor',
    );
    t.deepEqual(scheduler.states, ['TASK_RUNNING', 'TASK_FINISHED'], 'its own updates went through');

    const stdout = (readdirSync(cluster.workDir, { recursive: true }) as string[])
      .map((p) => join(cluster.workDir, p))
      .find((p) => p.endsWith('/stdout') && p.includes('/executors/echo/'));
    const token = /^token (\S+)$/mu.exec(readFileSync(stdout as string, 'utf8'))?.[1] as string;
    t.truthy(token);
    const fid = /\/frameworks\/([^/]+)\//u.exec(stdout as string)?.[1] as string;
    driver.stop();
    // Its stream closes first ("Executor is not subscribed"), then its process exits, and with
    // it the container its token names.
    const gone = "The executor token does not contain a 'cid' claim with the correct active ContainerID";
    await eventually(
      async () => (await message(fid, { Authorization: `Bearer ${token}` })).text === gone,
      10_000,
      'the executor’s container to be gone',
    );
    const late = await message(fid, { Authorization: `Bearer ${token}` });
    t.is(late.status, 403);
    t.is(late.text, gone);
    const forged = await message(fid, { Authorization: `Bearer ${token.slice(0, -4)}AAAA` });
    t.is(forged.status, 401);
    t.is(forged.text, 'Invalid executor token');
  } finally {
    driver.stop();
    await close();
    await cluster.close();
  }
});
