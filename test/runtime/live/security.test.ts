/**
 * Authentication and authorization on a live master, as Mesos does them: HTTP Basic on the
 * scheduler endpoint and on the agent channel (401 with `WWW-Authenticate`), the principal a
 * framework may claim, and `register_frameworks` ACLs (403 naming the role).
 */
import { join } from 'node:path';
import test from 'ava';
import { parseResources } from '../../../src/core/resource-text.js';
import { AgentServer } from '../../../src/runtime/live/agent-server.js';
import { basicAuthorization } from '../../../src/runtime/live/http-basic.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { MasterServer } from '../../../src/runtime/live/master-server.js';
import { eventually, liveCluster } from './harness.js';
import { call, send, subscribe } from './http-client.js';
import { Prober } from './prober.js';

const FW = { principal: 'fw', secret: 'fw-secret' };
const OTHER = { principal: 'other', secret: 'other-secret' };
const AGENT = { principal: 'agent', secret: 'agent-secret' };
const INFO = { user: 'tester', name: 'secure' };
const auth = (c: { principal: string; secret: string }) => ({ Authorization: basicAuthorization(c) });

/** The framework id in a SUBSCRIBED event. */
function frameworkIdOf(event: Record<string, unknown> | undefined): string {
  return (event as { subscribed: { framework_id: { value: string } } }).subscribed.framework_id.value;
}

test('framework authentication: 401 with WWW-Authenticate without or with bad credentials; good ones subscribe', async (t) => {
  const master = await MasterServer.start({
    port: 0,
    security: { credentials: [FW, OTHER], authenticateFrameworks: true },
  });
  try {
    const subscribeBody = { type: 'SUBSCRIBE', subscribe: { framework_info: INFO } };
    const cases: [string, Record<string, string>, RegExp][] = [
      ['no credentials', {}, /^Missing 'Authorization' header/u],
      ['a wrong secret', auth({ ...FW, secret: 'guess' }), /^Invalid principal or secret$/u],
      [
        'an unknown principal',
        auth({ principal: 'nobody', secret: 'fw-secret' }),
        /^Invalid principal or secret$/u,
      ],
      ['another scheme', { Authorization: 'Bearer token' }, /^Unsupported authentication scheme 'Bearer'/u],
      ['a malformed header', { Authorization: 'Basic ???' }, /^Malformed 'Authorization' header/u],
    ];
    for (const [what, headers, reason] of cases) {
      const a = await call(master.url, subscribeBody, headers);
      t.is(a.status, 401, what);
      t.is(a.headers['www-authenticate'], 'Basic realm="mesos-master-scheduler"', what);
      t.regex(a.text, reason, what);
    }
    t.is(master.master.state().frameworks.length, 0, 'nothing subscribed');

    const sub = await subscribe(master.url, INFO, undefined, auth(FW));
    t.is(sub.status, 200);
    await sub.waitFor(1);
    const id = frameworkIdOf(sub.events[0]);
    // Mesos gives an authenticated framework that names no principal the authenticated one.
    t.is(master.master.state().frameworks[0]?.principal, 'fw');
    const stream = { 'Mesos-Stream-Id': String(sub.headers['mesos-stream-id']) };
    const revive = { type: 'REVIVE', framework_id: { value: id }, revive: {} };
    t.is((await call(master.url, revive, { ...stream, ...auth(FW) })).status, 202);
    t.is((await call(master.url, revive, stream)).status, 401, 'every call needs credentials');
    const stolen = await call(master.url, revive, { ...stream, ...auth(OTHER) });
    t.is(stolen.status, 400, 'another principal cannot act for the framework, even with its stream id');
    t.is(stolen.text, "Authenticated principal 'other' does not match principal 'fw' set in `FrameworkInfo`");
    t.is(master.metrics()['master/http_authentication_failures'], cases.length + 1);
    // Nor can it take the framework over by resubscribing with its id: the master refuses the
    // change of principal before any failover, and the owner's stream stays open.
    const hijack = await subscribe(master.url, INFO, id, auth(OTHER));
    await hijack.waitFor(1);
    t.deepEqual(hijack.events[0], {
      type: 'ERROR',
      error: { message: "Changing framework's principal is not allowed" },
    });
    await new Promise((r) => setTimeout(r, 100));
    t.false(
      sub.events.some((e) => e.type === 'ERROR'),
      'no "Framework failed over" for the owner',
    );
    t.is(master.master.state().frameworks[0]?.connected, true);
    hijack.close();
    sub.close();
  } finally {
    await master.close();
  }
});

test('a SUBSCRIBE whose FrameworkInfo.principal is not the authenticated one is refused as Mesos refuses it (400)', async (t) => {
  const master = await MasterServer.start({
    port: 0,
    security: { credentials: [FW, OTHER], authenticateFrameworks: true },
  });
  try {
    const a = await call(
      master.url,
      { type: 'SUBSCRIBE', subscribe: { framework_info: { ...INFO, principal: 'other' } } },
      auth(FW),
    );
    t.is(a.status, 400);
    t.is(
      a.text,
      "Failed to validate scheduler::Call: Authenticated principal 'fw' does not match principal 'other' set in `FrameworkInfo`",
    );
    const same = await subscribe(master.url, { ...INFO, principal: 'fw' }, undefined, auth(FW));
    t.is(same.status, 200, 'naming the authenticated principal is fine');
    same.close();
  } finally {
    await master.close();
  }
});

test('without --authenticate-frameworks the master does not look at credentials, as Mesos without authenticators', async (t) => {
  const master = await MasterServer.start({ port: 0, security: { credentials: [FW] } });
  try {
    const bad = await subscribe(master.url, INFO, undefined, auth({ ...FW, secret: 'wrong' }));
    t.is(bad.status, 200);
    const none = await subscribe(master.url, { ...INFO, principal: 'anyone' });
    t.is(none.status, 200, 'a claimed principal is taken as it is');
    bad.close();
    none.close();
  } finally {
    await master.close();
  }
});

test('register_frameworks ACLs: a role the principal may not use gets 403 naming the role, and the driver hears it', async (t) => {
  const master = await MasterServer.start({
    port: 0,
    security: {
      credentials: [FW, OTHER],
      authenticateFrameworks: true,
      acls: {
        permissive: true,
        registerFrameworks: [
          { principals: { type: 'SOME', values: ['fw'] }, roles: { type: 'SOME', values: ['analytics'] } },
          { principals: { type: 'NONE' }, roles: { type: 'SOME', values: ['analytics'] } },
        ],
      },
    },
  });
  try {
    const allowed = await subscribe(master.url, { ...INFO, role: 'analytics' }, undefined, auth(FW));
    t.is(allowed.status, 200);
    await allowed.waitFor(1);
    const body = (info: Record<string, unknown>) => ({
      type: 'SUBSCRIBE',
      subscribe: { framework_info: info },
    });
    const forbidden = await call(master.url, body({ ...INFO, role: 'analytics' }), auth(OTHER));
    t.is(forbidden.status, 403);
    t.regex(forbidden.text, /^Not authorized to use role 'analytics'.*principal 'other'/u);
    const multi = await call(
      master.url,
      body({ ...INFO, roles: ['ads', 'analytics'], capabilities: [{ type: 'MULTI_ROLE' }] }),
      auth(OTHER),
    );
    t.is(multi.status, 403, 'a MULTI_ROLE framework needs every role allowed');
    t.regex(multi.text, /role 'analytics'/u);
    const ads = await subscribe(master.url, { ...INFO, role: 'ads' }, undefined, auth(OTHER));
    t.is(ads.status, 200);
    await ads.waitFor(1);

    // UPDATE_FRAMEWORK is authorized the same way (Mesos answers it 403 too).
    const update = (sub: typeof ads, principal: string, role: string) => {
      const id = frameworkIdOf(sub.events[0]);
      return call(
        master.url,
        {
          type: 'UPDATE_FRAMEWORK',
          framework_id: { value: id },
          update_framework: { framework_info: { ...INFO, id: { value: id }, principal, role } },
        },
        {
          ...auth(principal === 'fw' ? FW : OTHER),
          'Mesos-Stream-Id': String(sub.headers['mesos-stream-id']),
        },
      );
    };
    const moved = await update(ads, 'other', 'analytics');
    t.is(moved.status, 403);
    t.regex(moved.text, /^Not authorized to use role 'analytics'/u);
    t.is((await update(allowed, 'fw', 'web')).status, 200, 'a role no rule mentions is allowed (permissive)');
    t.is(master.metrics()['master/http_authorization_failures'], 3);

    // A driver refused at SUBSCRIBE gets the master's answer as an error.
    const prober = new Prober([]);
    const { driver, close } = liveSchedulerDriver(
      prober,
      { ...INFO, name: 'refused', role: 'analytics', principal: 'other' },
      { masterUrl: master.url, credential: OTHER },
    );
    try {
      driver.start();
      await eventually(() => prober.events.some((e) => e.startsWith('error')), 5_000, 'the refusal');
      t.regex(
        prober.events.find((e) => e.startsWith('error')) ?? '',
        /SUBSCRIBE answered 403: Not authorized to use role 'analytics'/u,
      );
    } finally {
      driver.stop();
      await close();
    }
    allowed.close();
    ads.close();
  } finally {
    await master.close();
  }
});

test('agent authentication: an agent without a good credential cannot register; with one it can', async (t) => {
  const cluster = await liveCluster(0, undefined, {
    master: { security: { credentials: [AGENT], authenticateAgents: true } },
  });
  const resources = parseResources('cpus:1;mem:128');
  if (!resources.ok) return t.fail();
  let started = 0;
  const start = (credential?: { principal: string; secret: string }) => {
    const logs: string[] = [];
    return AgentServer.start({
      masterUrl: cluster.master.url,
      resources: resources.value,
      workDir: join(cluster.workDir, `agent-${started++}`),
      port: 0,
      log: (line) => logs.push(line),
      ...(credential === undefined ? {} : { credential }),
    }).then((agent) => ({ agent, logs }));
  };
  const agents: { close(): Promise<void> }[] = [];
  try {
    const raw = await send(`${cluster.master.url}/agora/v1/message`, {
      headers: { 'Content-Type': 'application/json', 'Agora-From': 'agent@127.0.0.1:1' },
      body: '{}',
    });
    t.is(raw.status, 401);
    t.is(raw.headers['www-authenticate'], 'Basic realm="agora-master-agents"');

    for (const credential of [undefined, { ...AGENT, secret: 'wrong' }]) {
      const { agent, logs } = await start(credential);
      agents.push(agent);
      await eventually(() => logs.some((l) => /refused: master answered 401/u.test(l)), 5_000, 'the refusal');
      t.false(logs.join('\n').includes('agent-secret'), 'no secret in the log');
    }
    t.is(cluster.master.master.state().activated_slaves, 0);
    const { agent } = await start(AGENT);
    agents.push(agent);
    await eventually(
      () => cluster.master.master.state().activated_slaves === 1,
      5_000,
      'the agent to register',
    );
    t.is(cluster.master.master.state().activated_slaves, 1, 'only the agent with the credential');
  } finally {
    await Promise.all(agents.map((a) => a.close()));
    await cluster.close();
  }
});

test('with credentials but without --authenticate-agents, an agent may send none, but what it sends must be valid', async (t) => {
  const cluster = await liveCluster(1, undefined, { master: { security: { credentials: [AGENT] } } });
  try {
    t.is(cluster.master.master.state().activated_slaves, 1, 'an agent without a credential registers');
    const headers = {
      'Content-Type': 'application/json',
      'Agora-From': 'agent@127.0.0.1:1',
      'Agora-Agent-Token': 'A'.repeat(43),
    };
    const wrong = await send(`${cluster.master.url}/agora/v1/message`, {
      headers: { ...headers, ...auth({ ...AGENT, secret: 'wrong' }) },
      body: '{}',
    });
    t.is(
      wrong.status,
      401,
      'a wrong credential is refused, as a Mesos master refuses a failed SASL exchange',
    );
    const right = await send(`${cluster.master.url}/agora/v1/message`, {
      headers: { ...headers, ...auth(AGENT) },
      body: '{}',
    });
    t.is(right.status, 400, 'a good credential gets through to the message check');
  } finally {
    await cluster.close();
  }
});

test('authentication without credentials is refused at start', async (t) => {
  await t.throwsAsync(MasterServer.start({ port: 0, security: { authenticateFrameworks: true } }), {
    message: /requires credentials/u,
  });
});
