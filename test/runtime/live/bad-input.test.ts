/**
 * Bad input on the other ports: the master–agent message endpoint (on the master and on an
 * agent) and, towards a scheduler, a "master" whose event stream is broken. Each gets a clear
 * 4xx or a closed connection, and nothing else changes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fc } from '@fast-check/ava';
import test from 'ava';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { eventually, liveCluster } from './harness.js';
import { send } from './http-client.js';
import { Prober } from './prober.js';

test('the message endpoint refuses what is not a well-formed message, on the master and on an agent', async (t) => {
  const cluster = await liveCluster(1);
  try {
    const agent = cluster.agents[0];
    if (agent === undefined) return t.fail();
    const agentUrl = `http://${agent.address.slice('agent@'.length)}`;
    // The master reads the body of a message from an agent address with a well-formed token (a
    // REGISTER_AGENT would bind them); an agent reads none without its own token (401 first).
    const senders = [
      {
        base: cluster.master.url,
        from: { 'Agora-From': 'agent@127.0.0.1:1', 'Agora-Agent-Token': 'A'.repeat(43) },
      },
      { base: agentUrl, from: { 'Agora-From': 'master' } },
    ];
    for (const { base, from } of senders) {
      const url = `${base}/agora/v1/message`;
      const json = { 'Content-Type': 'application/json' };
      const read = base === cluster.master.url;
      const unread: [number, RegExp] = [401, /^Missing or malformed 'Agora-Agent-Token' header/u];
      const cases: [string, Promise<{ status: number; text: string }>, number, RegExp][] = [
        ['GET', send(url, { method: 'GET' }), 405, /POST/u],
        ['no sender', send(url, { headers: json, body: '{}' }), 400, /Agora-From/u],
        [
          'not JSON',
          send(url, { headers: { ...json, ...from }, body: '{' }),
          ...(read ? ([400, /JSON/u] as const) : unread),
        ],
        [
          'unknown message',
          send(url, { headers: { ...json, ...from }, body: '{"type":"NOPE"}' }),
          ...(read ? ([400, /^Failed to validate agent message: /u] as const) : unread),
        ],
        [
          'text',
          send(url, { headers: { 'Content-Type': 'text/plain', ...from }, body: 'hi' }),
          ...(read ? ([415, /application\/json/u] as const) : unread),
        ],
      ];
      for (const [what, answer, status, message] of cases) {
        const a = await answer;
        t.is(a.status, status, `${base} ${what}: ${a.text}`);
        t.regex(a.text, message, `${base} ${what}`);
      }
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string(),
            fc.jsonValue().map((v) => JSON.stringify(v)),
          ),
          async (body) => {
            const a = await send(url, { headers: { ...json, 'Agora-From': 'agent@127.0.0.1:1' }, body });
            return a.status >= 400 && a.status < 500;
          },
        ),
        { numRuns: 100 },
      );
    }
    t.is(cluster.master.master.state().activated_slaves, 1, 'the agent is still registered and active');
    t.is((await send(`${cluster.master.url}/health`, { method: 'GET' })).status, 200);
  } finally {
    await cluster.close();
  }
});

test('a scheduler whose master sends a broken RecordIO stream disconnects and retries; it does not crash', async (t) => {
  let subscribes = 0;
  const frames = [
    '5\n{"ty', // truncated, then the connection ends
    '99999999999\n', // a record far over the limit
    'x\n{}', // not a length at all
  ];
  const fake = createServer((req, res) => {
    req.resume();
    const frame = frames[subscribes++ % frames.length] as string;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': `s${subscribes}` });
    res.end(frame);
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  const prober = new Prober([]);
  const logs: string[] = [];
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'victim' },
    {
      masterUrl: url,
      log: (line) => logs.push(line),
      driver: { registrationBackoffFactorMs: 20, registrationBackoffMaxMs: 100 },
    },
  );
  try {
    driver.start();
    await eventually(() => subscribes >= 4, 20_000, 'the driver to keep re-subscribing');
    t.is(driver.status, 'DRIVER_RUNNING');
    t.false(
      prober.events.some((e) => e.startsWith('registered')),
      'nothing was taken as SUBSCRIBED',
    );
    t.true(
      logs.some((l) => /over the limit|unexpected byte/u.test(l)),
      logs.join('\n'),
    );
  } finally {
    driver.stop();
    await close();
    await new Promise<void>((r) => fake.close(() => r()));
  }
});
