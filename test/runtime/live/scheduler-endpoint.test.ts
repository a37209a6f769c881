/**
 * The master's /api/v1/scheduler as Apache Mesos serves it: the SUBSCRIBE stream, and every
 * status code a bad request gets, each changing nothing else.
 */
import { request } from 'node:http';
import { fc } from '@fast-check/ava';
import test from 'ava';
import { MasterServer } from '../../../src/runtime/live/master-server.js';
import { eventually } from './harness.js';
import { call, send, subscribe } from './http-client.js';

const INFO = { user: 'tester', name: 'probe' };

test('SUBSCRIBE answers 200 with a Mesos-Stream-Id and a RecordIO stream: SUBSCRIBED, then a HEARTBEAT at once', async (t) => {
  const master = await MasterServer.start({ port: 0 });
  try {
    const sub = await subscribe(master.url, INFO);
    t.is(sub.status, 200);
    t.is(sub.headers['content-type'], 'application/json');
    t.is(sub.headers['transfer-encoding'], 'chunked');
    t.regex(String(sub.headers['mesos-stream-id']), /^[0-9a-f-]{36}$/u);
    await sub.waitFor(2);
    const [subscribed, heartbeat] = sub.events as [
      { type: string; subscribed: { framework_id: { value: unknown }; heartbeat_interval_seconds: number } },
      unknown,
    ];
    t.is(subscribed.type, 'SUBSCRIBED');
    t.is(typeof subscribed.subscribed.framework_id.value, 'string');
    t.is(subscribed.subscribed.heartbeat_interval_seconds, 15);
    t.deepEqual(heartbeat, { type: 'HEARTBEAT' });
    sub.close();
  } finally {
    await master.close();
  }
});

test('JSON as Mesos accepts it: unknown fields ignored, null taken as absent', async (t) => {
  const master = await MasterServer.start({ port: 0 });
  try {
    const sub = await subscribe(master.url, { ...INFO, some_future_field: { x: 1 }, principal: null });
    t.is(sub.status, 200);
    await sub.waitFor(1);
    t.is((sub.events[0] as { type: string }).type, 'SUBSCRIBED');
    sub.close();
  } finally {
    await master.close();
  }
});

test('bad requests get the status codes Mesos gives, with a message', async (t) => {
  const master = await MasterServer.start({ port: 0 });
  try {
    // A failover timeout keeps the framework known (disconnected) once its stream closes.
    const sub = await subscribe(master.url, { ...INFO, failover_timeout: 60 });
    await sub.waitFor(1);
    const id = (sub.events[0] as { subscribed: { framework_id: { value: string } } }).subscribed.framework_id
      .value;
    const stream = String(sub.headers['mesos-stream-id']);
    const revive = { type: 'REVIVE', framework_id: { value: id }, revive: {} };
    const url = `${master.url}/api/v1/scheduler`;
    const cases: [string, Promise<{ status: number; text: string }>, number, RegExp][] = [
      ['GET', send(url, { method: 'GET' }), 405, /Expecting 'POST'/u],
      ['no content type', send(url, { body: '{}' }), 400, /Content-Type/u],
      [
        'broken protobuf',
        send(url, { headers: { 'Content-Type': 'application/x-protobuf' }, body: 'x' }),
        400,
        /^Failed to parse body into Call protobuf: /u,
      ],
      [
        'text',
        send(url, { headers: { 'Content-Type': 'text/plain' }, body: 'x' }),
        415,
        /^Expecting 'Content-Type' of application\/json or application\/x-protobuf/u,
      ],
      ['not JSON', call(master.url, '{"type":'), 400, /^Failed to parse body into JSON/u],
      [
        'unknown call type',
        call(master.url, { type: 'FLY' }),
        400,
        /^Failed to validate scheduler::Call: type/u,
      ],
      [
        'missing payload',
        call(master.url, { type: 'ACCEPT', framework_id: { value: id } }, { 'Mesos-Stream-Id': stream }),
        400,
        /accept/u,
      ],
      [
        'SUBSCRIBE with a stream id',
        call(
          master.url,
          { type: 'SUBSCRIBE', subscribe: { framework_info: INFO } },
          { 'Mesos-Stream-Id': stream },
        ),
        400,
        /should not include/u,
      ],
      [
        'SUBSCRIBE accepting no JSON',
        send(url, {
          headers: { 'Content-Type': 'application/json', Accept: 'text/html' },
          body: JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: INFO } }),
        }),
        406,
        /^Expecting 'Accept' to allow 'application\/x-protobuf' or 'application\/json'/u,
      ],
      [
        'unknown framework',
        call(master.url, { ...revive, framework_id: { value: 'nope' } }, { 'Mesos-Stream-Id': stream }),
        400,
        /^Framework cannot be found$/u,
      ],
      ['no stream id', call(master.url, revive), 400, /should include the 'Mesos-Stream-Id'/u],
      ['wrong stream id', call(master.url, revive, { 'Mesos-Stream-Id': 'not-it' }), 400, /didn't match/u],
      ['too big', call(master.url, `"${'x'.repeat(17 * 1024 * 1024)}"`), 413, /over the limit/u],
      ['accepted', call(master.url, revive, { 'Mesos-Stream-Id': stream }), 202, /^$/u],
    ];
    for (const [what, answer, status, message] of cases) {
      const a = await answer;
      t.is(a.status, status, `${what}: ${a.text}`);
      t.regex(a.text, message, what);
    }
    sub.close();
    await eventually(
      () => master.master.state().frameworks[0]?.connected === false,
      2_000,
      'the master to see the stream close',
    );
    const after = await call(master.url, revive, { 'Mesos-Stream-Id': stream });
    t.is(after.status, 403, 'a framework whose stream closed is not subscribed');
    t.is(after.text, 'Framework is not subscribed');
    t.is(master.master.state().frameworks.length, 1, 'nothing but the one subscription changed the master');
    // Without a failover timeout the master removes a framework as soon as its stream closes.
    const brief = await subscribe(master.url, INFO);
    await brief.waitFor(1);
    const briefId = (brief.events[0] as { subscribed: { framework_id: { value: string } } }).subscribed
      .framework_id.value;
    const briefStream = String(brief.headers['mesos-stream-id']);
    brief.close();
    await eventually(
      () => !master.master.state().frameworks.some((f) => f.id === briefId),
      2_000,
      'the master to remove the framework whose stream closed',
    );
    const gone = await call(
      master.url,
      { ...revive, framework_id: { value: briefId } },
      { 'Mesos-Stream-Id': briefStream },
    );
    t.is(gone.status, 400);
    t.is(gone.text, 'Framework cannot be found');
  } finally {
    await master.close();
  }
});

test('a body that never ends gets 408 and its socket closed; the master goes on', async (t) => {
  const master = await MasterServer.start({ port: 0, requestTimeoutMs: 400 });
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${master.url}/api/v1/scheduler`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': '1000' },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.write('{"type":');
    });
    t.is(status, 408);
    const sub = await subscribe(master.url, INFO);
    t.is(sub.status, 200);
    sub.close();
  } finally {
    await master.close();
  }
});

test('random bodies get a 4xx (never a 5xx or a crash), and the master still serves a framework', async (t) => {
  const master = await MasterServer.start({ port: 0 });
  try {
    const sub = await subscribe(master.url, INFO);
    await sub.waitFor(1);
    const id = (sub.events[0] as { subscribed: { framework_id: { value: string } } }).subscribed.framework_id
      .value;
    const stream = String(sub.headers['mesos-stream-id']);
    const callish = fc.record(
      {
        type: fc.constantFrom(
          'SUBSCRIBE',
          'ACCEPT',
          'DECLINE',
          'KILL',
          'ACKNOWLEDGE',
          'RECONCILE',
          'MESSAGE',
          'TEARDOWN',
          'X',
        ),
        framework_id: fc.oneof(fc.constant({ value: id }), fc.anything()),
        accept: fc.anything(),
        decline: fc.anything(),
        kill: fc.anything(),
        acknowledge: fc.anything(),
        reconcile: fc.anything(),
        subscribe: fc.anything(),
      },
      { requiredKeys: ['type'] },
    );
    const bodies = fc.oneof(
      fc.string().map((s) => s),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      callish.map((v) => JSON.stringify(v)),
    );
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(bodies, fc.boolean(), async (body, withStream) => {
        const a = await call(master.url, body, withStream ? { 'Mesos-Stream-Id': stream } : {}).catch(
          () => undefined,
        );
        if (a === undefined) return true; // the master hung up on a stream it opened: fine
        statuses.add(a.status);
        return a.status < 500 && a.status !== 200;
      }),
      { numRuns: 300 },
    );
    t.log('statuses seen:', [...statuses].sort().join(', '));
    t.true(statuses.has(400));
    const fresh = await subscribe(master.url, { user: 'tester', name: 'after-the-fuzz' });
    await fresh.waitFor(1);
    t.is((fresh.events[0] as { type: string }).type, 'SUBSCRIBED');
    fresh.close();
    sub.close();
  } finally {
    await master.close();
  }
});
