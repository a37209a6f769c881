/**
 * Issue 13 item 9 on a live master: what one client can make it hold is bounded. Request bodies
 * share a memory budget (503 beyond it, given back when they end), one client address holds at
 * most `maxConnectionsPerClient` connections, and SUBSCRIBEs with made-up framework ids cannot
 * grow the registry without bound. (The RSS these bound is measured by `npm run
 * bench:fuzz-live`, not here: a timing- and machine-dependent figure is no test.)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { BodyBudget, readBodyWithin } from '../../../src/runtime/live/body-reader.js';
import { MasterServer } from '../../../src/runtime/live/master-server.js';
import { eventually } from './harness.js';
import { send, subscribe } from './http-client.js';

const INFO = { user: 'tester', name: 'abuse' };

/** A connection that sends `sent` bytes of a body declared `declared` bytes long, then waits. */
function holdBody(port: number, declared: number, sent: number): { socket: Socket; answer: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(
    `POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`,
  );
  socket.write(Buffer.alloc(sent, 0x20));
  const answer = new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
    });
    socket.on('close', () => resolve(text));
    socket.on('data', () => {
      if (/\r\n\r\n/u.test(text)) resolve(text);
    });
  });
  return { socket, answer };
}

test('bodies held at once share a budget: beyond it a request gets 503 at once, and the budget comes back when they end', async (t) => {
  const master = await MasterServer.start({
    port: 0,
    limits: { maxRequestBytes: 4 * 1024 * 1024, maxRequestMemoryBytes: 4 * 1024 * 1024 },
  });
  const held: Socket[] = [];
  try {
    // Two bodies of 1.5 MB each, held unfinished: 2 MiB of budget each past their first 64 KiB
    // (reserved a MiB at a time), so the budget is spent.
    for (let i = 0; i < 2; i++) {
      const h = holdBody(master.port, 4_000_000, 1_500_000);
      held.push(h.socket);
    }
    await eventually(
      () => master.metrics()['master/http_request_body_bytes_held'] === 4 * 1024 * 1024,
      15_000,
      'the two bodies to hold the whole budget',
    );
    const third = holdBody(master.port, 4_000_000, 1_500_000);
    held.push(third.socket);
    const answer = await third.answer;
    t.regex(answer, /^HTTP\/1\.1 503 /u);
    t.regex(answer, /Retry-After: 1/iu);
    t.regex(
      answer,
      /Too much request data is held at once \(4194304 bytes across all requests\); retry later/u,
    );
    t.is(master.metrics()['master/http_requests_shed_for_memory'], 1);
    // Small calls never wait on the budget.
    t.is(
      (
        await send(`${master.url}/api/v1/scheduler`, {
          body: '{}',
          headers: { 'Content-Type': 'application/json' },
        })
      ).status,
      400,
    );
    for (const s of held) s.destroy();
    // Their budget is given back: a large body is read again.
    await eventually(
      async () => {
        const a = await send(`${master.url}/api/v1/scheduler`, {
          headers: { 'Content-Type': 'application/json' },
          body: `"${'x'.repeat(3_000_000)}"`,
        });
        return a.status === 400;
      },
      15_000,
      'the budget to come back',
    );
  } finally {
    for (const s of held) s.destroy();
    await master.close();
  }
});

test('BodyBudget: a body reserves past its first 64 KiB only, a MiB at a time, and gives it all back', async (t) => {
  const budget = new BodyBudget(3 * 1024 * 1024);
  const { PassThrough } = await import('node:stream');
  const body = new PassThrough() as unknown as Parameters<typeof readBodyWithin>[0];
  (body as unknown as { headers: Record<string, string> }).headers = {};
  const read = readBodyWithin(body, 16 * 1024 * 1024, budget);
  const stream = body as unknown as InstanceType<typeof PassThrough>;
  stream.write(Buffer.alloc(64 * 1024, 0x61));
  await new Promise((r) => setImmediate(r));
  t.is(budget.usedBytes, 0, 'the first 64 KiB are free');
  stream.write(Buffer.alloc(1, 0x61));
  await new Promise((r) => setImmediate(r));
  t.is(budget.usedBytes, 1024 * 1024);
  stream.end(Buffer.from('é'));
  const result = await read;
  t.true(result.ok && result.text.length === 64 * 1024 + 2 && result.text.endsWith('aé'));
  t.is(budget.usedBytes, 0);
});

test('one client address holds at most --max-connections-per-client connections; others are still served', async (t) => {
  const master = await MasterServer.start({ port: 0, limits: { maxConnectionsPerClient: 4 } });
  const idle: Socket[] = [];
  try {
    for (let i = 0; i < 4; i++) idle.push(connect(master.port, '127.0.0.1'));
    await eventually(async () => (await master.openConnections()) === 4, 15_000, 'four connections');
    const refused = await send(`${master.url}/health`, { method: 'GET' }).then(
      (a) => `answered ${a.status}`,
      (e: NodeJS.ErrnoException) => e.code ?? e.message,
    );
    t.regex(refused, /^(ECONNRESET|EPIPE)$/u, 'a fifth from the same address is closed unanswered');
    t.is(master.metrics()['master/http_connections_refused_per_client'], 1);
    // Another address (127.0.0.2 is loopback too) is another client.
    const other = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(`${master.url}/health`, { localAddress: '127.0.0.2' });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      }, reject);
    });
    t.is(other, 200);
    idle.pop()?.destroy();
    await eventually(
      async () =>
        (await send(`${master.url}/health`, { method: 'GET' }).catch(() => ({ status: 0 }))).status === 200,
      15_000,
      'a slot for the first client again',
    );
  } finally {
    for (const s of idle) s.destroy();
    await master.close();
  }
});

test('SUBSCRIBEs with made-up framework ids are refused past maxRecoveredFrameworks; the registry keeps only those taken back', async (t) => {
  const workDir = mkdtempSync(join(tmpdir(), 'agora-made-up-'));
  const master = await MasterServer.start({
    port: 0,
    workDir,
    master: { limits: { maxRecoveredFrameworks: 5 } },
  });
  try {
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) {
      const sub = await subscribe(master.url, { ...INFO, failover_timeout: 3600 }, `made-up-${i}`);
      await sub.waitFor(1);
      answers.push(String(sub.events[0]?.type));
      sub.close();
    }
    t.deepEqual(answers, [...Array(5).fill('SUBSCRIBED'), ...Array(5).fill('ERROR')]);
    await eventually(
      () => {
        let text: string;
        try {
          text = readFileSync(join(workDir, 'registry.json'), 'utf8');
        } catch {
          return false; // not written yet
        }
        return (JSON.parse(text) as { frameworks: string[] }).frameworks.length === 5;
      },
      10_000,
      'the registry to hold the five taken back',
    );
    t.is(master.master.state().frameworks.length, 5);
  } finally {
    await master.close();
  }
});
