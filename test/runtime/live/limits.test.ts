/**
 * The master's limits against one slow or hostile client: at most `maxConnections` connections
 * (more are closed at once), request bodies up to `maxRequestBytes` (413 beyond), and at most
 * `maxEventQueueBytes` of unread events per subscriber (its stream is closed beyond). Each time
 * the master goes on serving the others, and `/metrics/snapshot` counts the refusal.
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import test from 'ava';
import { RecordIoDecoder } from '../../../src/core/recordio.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { MasterServer } from '../../../src/runtime/live/master-server.js';
import { eventually, liveCluster } from './harness.js';
import { call, send, subscribe } from './http-client.js';
import { Prober } from './prober.js';

const INFO = { user: 'tester', name: 'limited' };

/** The framework id in a SUBSCRIBED event. */
function frameworkIdOf(event: Record<string, unknown> | undefined): string {
  return (event as { subscribed: { framework_id: { value: string } } }).subscribed.framework_id.value;
}

test('over --max-connections a connection is closed at once; the master serves the others', async (t) => {
  const master = await MasterServer.start({ port: 0, limits: { maxConnections: 3 } });
  const idle: Socket[] = [];
  try {
    const sub = await subscribe(master.url, { ...INFO, failover_timeout: 60 });
    await sub.waitFor(1);
    for (let i = 0; i < 2; i++) idle.push(connect(master.port, '127.0.0.1'));
    await eventually(async () => (await master.openConnections()) === 3, 5_000, 'three connections');
    const refused = await send(`${master.url}/health`, { method: 'GET' }).then(
      (a) => `answered ${a.status}`,
      (e: NodeJS.ErrnoException) => e.code ?? e.message,
    );
    t.regex(refused, /^(ECONNRESET|EPIPE)$/u, 'the fourth connection is closed unanswered');
    t.is(master.metrics()['master/http_connections_refused'], 1);

    // One connection fewer, and the framework's calls and events flow again.
    idle.pop()?.destroy();
    await eventually(async () => (await master.openConnections()) === 2, 5_000, 'a free slot');
    const id = frameworkIdOf(sub.events[0]);
    const reconcile = {
      type: 'RECONCILE',
      framework_id: { value: id },
      reconcile: { tasks: [{ task_id: { value: 'ghost' } }] },
    };
    const answer = await call(master.url, reconcile, {
      'Mesos-Stream-Id': String(sub.headers['mesos-stream-id']),
    });
    t.is(answer.status, 202);
    await eventually(() => sub.events.some((e) => e.type === 'UPDATE'), 5_000, 'the reconciliation update');
    sub.close();
  } finally {
    for (const s of idle) s.destroy();
    await master.close();
  }
});

test('a body over --max-request-size gets 413, on the scheduler endpoint and the agent channel', async (t) => {
  const master = await MasterServer.start({ port: 0, limits: { maxRequestBytes: 4096 } });
  try {
    const big = JSON.stringify({
      type: 'SUBSCRIBE',
      subscribe: { framework_info: { ...INFO, name: 'x'.repeat(5000) } },
    });
    const tooBig = await call(master.url, big);
    t.is(tooBig.status, 413);
    t.regex(tooBig.text, /over the limit of 4096 bytes/u);
    const message = await send(`${master.url}/agora/v1/message`, {
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': '5000',
        'Agora-From': 'agent@127.0.0.1:1',
        // Well-formed, so the body is read: a REGISTER_AGENT could bind it (agent-sessions.ts).
        'Agora-Agent-Token': 'A'.repeat(43),
      },
      body: ' '.repeat(5000),
    });
    t.is(message.status, 413);
    t.is(master.metrics()['master/http_requests_too_large'], 2);
    const small = await subscribe(master.url, INFO);
    t.is(small.status, 200, 'a body under the limit is served');
    small.close();
  } finally {
    await master.close();
  }
});

/** A SUBSCRIBE whose client reads the SUBSCRIBED event and then never reads again. */
function stalledSubscriber(masterUrl: string): Promise<{ id: string; streamId: string; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(`${masterUrl}/api/v1/scheduler`, {
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    });
    req.on('error', () => {}); // the master will cut it off
    req.on('response', (res) => {
      const decoder = new RecordIoDecoder(1 << 20);
      const onData = (chunk: Buffer) => {
        const r = decoder.push(chunk);
        const first = r.ok ? r.records[0] : undefined;
        if (first === undefined) return;
        res.off('data', onData);
        res.pause();
        resolve({
          id: frameworkIdOf(JSON.parse(new TextDecoder().decode(first))),
          streamId: String(res.headers['mesos-stream-id']),
          close: () => req.destroy(),
        });
      };
      res.on('data', onData);
      res.on('error', reject);
    });
    req.end(
      JSON.stringify({
        type: 'SUBSCRIBE',
        subscribe: { framework_info: { ...INFO, name: 'stalled', failover_timeout: 60 } },
      }),
    );
  });
}

test('a subscriber that stops reading is cut off past --max-event-queue; one that reads and another framework work on', async (t) => {
  const limit = 256 * 1024;
  const cluster = await liveCluster(1, undefined, { master: { limits: { maxEventQueueBytes: limit } } });
  // The healthy framework's task runs across the flood; its updates must still come through.
  const prober = new Prober([{ id: 'during', command: 'sleep 1.5' }]);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { ...INFO, name: 'healthy' },
    { masterUrl: cluster.master.url },
  );
  const cleanup: (() => void)[] = [];
  try {
    driver.start();
    await eventually(() => prober.state('during') === 'TASK_RUNNING', 10_000, 'the healthy task to run');
    const stalled = await stalledSubscriber(cluster.master.url);
    cleanup.push(stalled.close);
    const reader = await subscribe(cluster.master.url, { ...INFO, name: 'reader' });
    cleanup.push(reader.close);
    await reader.waitFor(1);
    const readerId = frameworkIdOf(reader.events[0]);
    // Each RECONCILE of 100 unknown tasks makes 100 UPDATE events, about 50 KB: well under the
    // limit, so only a subscriber that lets them pile up call after call is cut off.
    const tasks = Array.from({ length: 100 }, (_, i) => ({ task_id: { value: `t${i}-${'x'.repeat(200)}` } }));
    const reconcile = (id: string) =>
      JSON.stringify({ type: 'RECONCILE', framework_id: { value: id }, reconcile: { tasks } });
    let calls = 0;
    const started = Date.now();
    while (cluster.master.metrics()['master/event_streams_overflowed'] === 0 && calls < 2_000) {
      const [a] = await Promise.all([
        call(cluster.master.url, reconcile(stalled.id), { 'Mesos-Stream-Id': stalled.streamId }),
        call(cluster.master.url, reconcile(readerId), {
          'Mesos-Stream-Id': String(reader.headers['mesos-stream-id']),
        }),
      ]);
      calls++;
      if (a.status !== 202) break; // the stalled framework is already disconnected
    }
    await eventually(
      () => cluster.master.metrics()['master/event_streams_overflowed'] === 1,
      5_000,
      'the stalled stream to be cut off',
    );
    const eventBytes = reader.events.filter((e) => e.type === 'UPDATE').length * 500;
    t.log(
      `cut off after ${calls} RECONCILE calls (about ${(eventBytes / 1e6).toFixed(1)} MB of events each way) in ${Date.now() - started} ms`,
    );
    t.true(calls > 1, 'not by one burst');
    t.true(
      cluster.logs.some((l) =>
        /closing event stream .* over the limit of 262144 \(--max-event-queue\)/u.test(l),
      ),
    );
    // The master saw the stream close, as on any broken connection: the framework is disconnected.
    await eventually(
      () => cluster.master.master.state().frameworks.find((f) => f.id === stalled.id)?.connected === false,
      5_000,
      'the stalled framework to be disconnected',
    );
    // The subscriber that reads was not cut off, and the other framework was never disturbed.
    t.is(cluster.master.master.state().frameworks.find((f) => f.id === readerId)?.connected, true);
    await eventually(() => prober.state('during') === 'TASK_FINISHED', 15_000, 'the healthy task to finish');
    t.false(prober.events.includes('disconnected'), prober.events.join('\n'));
    // The cut-off framework may come back.
    const back = await subscribe(
      cluster.master.url,
      { ...INFO, name: 'stalled', failover_timeout: 60 },
      stalled.id,
    );
    t.is(back.status, 200);
    await back.waitFor(1);
    t.is(back.events[0]?.type, 'SUBSCRIBED');
    back.close();
  } finally {
    for (const c of cleanup) c();
    driver.stop();
    await close();
    await cluster.close();
  }
});
