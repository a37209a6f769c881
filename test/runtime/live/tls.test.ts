/**
 * HTTPS on a live cluster: a master and an agent with the test-only certificate, a framework
 * that trusts the test CA and authenticates, a task launched and finished over TLS; and the
 * refusals: a client that does not trust the CA, plain HTTP to a TLS port, TLS on one side only.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parseResources } from '../../../src/core/resource-text.js';
import { AgentServer } from '../../../src/runtime/live/agent-server.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { MasterServer } from '../../../src/runtime/live/master-server.js';
import { readClientTls, readServerTls } from '../../../src/runtime/live/tls.js';
import { tempDir } from '../../cli/helpers.js';
import { eventually, liveCluster } from './harness.js';
import { send } from './http-client.js';
import { Prober } from './prober.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url));
const SERVER = readServerTls(fixture('server-key.pem'), fixture('server.pem'));
const TRUST = readClientTls(fixture('ca.pem'));
const FW = { principal: 'fw', secret: 'fw-secret' };
const AGENT = { principal: 'agent', secret: 'agent-secret' };

test('over HTTPS with credentials: an agent registers, a framework subscribes and its task finishes', async (t) => {
  const cluster = await liveCluster(1, undefined, {
    master: {
      tls: SERVER,
      clientTls: TRUST,
      security: { credentials: [FW, AGENT], authenticateFrameworks: true, authenticateAgents: true },
    },
    agent: { tls: SERVER, clientTls: TRUST, credential: AGENT },
  });
  t.regex(cluster.master.url, /^https:\/\/127\.0\.0\.1:\d+$/u);
  const prober = new Prober([{ id: 'hello', command: 'echo over tls' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'tls', principal: 'fw' },
    { masterUrl: cluster.master.url, credential: FW, tls: TRUST },
  );
  try {
    driver.start();
    await eventually(() => prober.state('hello') === 'TASK_FINISHED', 15_000, 'the task to finish');
    t.deepEqual(
      prober.events.filter((e) => e.startsWith('hello')),
      ['hello TASK_STARTING', 'hello TASK_RUNNING', 'hello TASK_FINISHED'],
    );
    const state = await send(`${cluster.master.url}/master/state`, { method: 'GET', ca: TRUST.ca as string });
    t.is(state.status, 200);
  } finally {
    driver.stop();
    await close();
    await cluster.close();
  }
});

test('verification is never off: a client without the CA, or speaking plain HTTP, gets nowhere', async (t) => {
  const master = await MasterServer.start({ port: 0, tls: SERVER });
  try {
    const untrusted = await t.throwsAsync(send(`${master.url}/health`, { method: 'GET' }));
    t.is((untrusted as NodeJS.ErrnoException | undefined)?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    await t.throwsAsync(send(`${master.url.replace('https:', 'http:')}/health`, { method: 'GET' }));
    const logs: string[] = [];
    const prober = new Prober([]);
    const { driver, close } = liveSchedulerDriver(
      prober,
      { user: 'tester', name: 'untrusting' },
      { masterUrl: master.url, log: (l) => logs.push(l) },
    );
    try {
      driver.start();
      await eventually(() => logs.some((l) => l.includes('unable to verify')), 5_000, 'the TLS refusal');
      t.deepEqual(prober.events, [], 'it never subscribed');
      t.is(master.master.state().frameworks.length, 0);
    } finally {
      driver.stop();
      await close();
    }
  } finally {
    await master.close();
  }
});

test('an agent and its master must agree on TLS (it is all or nothing, as in Mesos)', async (t) => {
  const resources = parseResources('cpus:1;mem:64');
  if (!resources.ok) return t.fail();
  const workDir = join(tempDir('tls-agent'), 'agent');
  const base = { resources: resources.value, workDir, port: 0 };
  await t.throwsAsync(AgentServer.start({ ...base, masterUrl: 'https://127.0.0.1:1' }), {
    message: /uses TLS, so the agent must serve TLS too/u,
  });
  await t.throwsAsync(AgentServer.start({ ...base, masterUrl: 'http://127.0.0.1:1', tls: SERVER }), {
    message: /its master must too/u,
  });
});
