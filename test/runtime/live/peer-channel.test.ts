/**
 * The ordered peer channel: one POST at a time, in order; a stale keep-alive socket is retried,
 * a real failure drops the queue and breaks the link once; the queue is bounded. The `Post` here
 * is a script of outcomes (the channel's only input), and the second half of the file holds the
 * real messenger to it over real sockets.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import type { Address, Env, Process } from '../../../src/core/process.js';
import type { Wire } from '../../../src/core/wire.js';
import { LiveNode } from '../../../src/runtime/live/live-node.js';
import { NodeMessenger } from '../../../src/runtime/live/node-messages.js';
import { type LinkBreak, PeerChannel, type PostOutcome } from '../../../src/runtime/live/peer-channel.js';
import { eventually } from './harness.js';

/** A channel whose posts answer with the scripted outcomes, each after a random short delay. */
function scripted(outcomes: (body: string, attempt: number) => PostOutcome, maxQueued?: number) {
  const posted: string[] = [];
  const breaks: LinkBreak[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const attempts = new Map<string, number>();
  const channel = new PeerChannel(
    async (body) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const attempt = (attempts.get(body) ?? 0) + 1;
      attempts.set(body, attempt);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 3)));
      inFlight--;
      const outcome = outcomes(body, attempt);
      if (outcome.kind === 'delivered') posted.push(body);
      return outcome;
    },
    (why) => breaks.push(why),
    () => {},
    undefined,
    maxQueued,
  );
  return { channel, posted, breaks, maxInFlight: () => maxInFlight };
}

testProp(
  'messages arrive once each, in order, one POST at a time, stale sockets retried transparently',
  [fc.array(fc.boolean(), { minLength: 1, maxLength: 40 })],
  async (t, staleFirst) => {
    const bodies = staleFirst.map((_, i) => `m${i}`);
    const s = scripted((body, attempt) =>
      staleFirst[Number(body.slice(1))] === true && attempt === 1
        ? { kind: 'not-read', error: 'read ECONNRESET' }
        : { kind: 'delivered' },
    );
    for (const b of bodies) s.channel.send(b);
    await eventually(() => s.posted.length === bodies.length, 5_000, 'every message');
    t.deepEqual(s.posted, bodies);
    t.is(s.maxInFlight(), 1);
    t.deepEqual(s.breaks, []);
  },
  { numRuns: 30 },
);

test('a failure on a fresh connection drops what is queued and breaks the link once; later messages go on', async (t) => {
  const s = scripted((body) =>
    body === 'b' ? { kind: 'failed', error: 'connect ECONNREFUSED' } : { kind: 'delivered' },
  );
  for (const b of ['a', 'b', 'c', 'd']) s.channel.send(b);
  await eventually(() => s.breaks.length === 1 && s.channel.queued === 0, 5_000, 'the break');
  t.deepEqual(s.posted, ['a']);
  t.deepEqual(s.breaks, [{ kind: 'failed', error: 'connect ECONNREFUSED' }]);
  s.channel.send('e');
  await eventually(() => s.posted.length === 2, 5_000, 'the next message');
  t.deepEqual(s.posted, ['a', 'e']);
});

test('a socket that stays stale is a broken link; an error answer is one too', async (t) => {
  t.timeout(60_000);
  const stale = scripted(() => ({ kind: 'not-read', error: 'socket hang up' }));
  stale.channel.send('x');
  // Retried at once, then backing off to 2 s: about 7 s before it gives up.
  await eventually(() => stale.breaks.length === 1, 20_000, 'the break');
  t.deepEqual(stale.breaks, [{ kind: 'failed', error: 'socket hang up' }]);
  const refused = scripted(() => ({ kind: 'refused', status: 401, text: 'no' }));
  refused.channel.send('y');
  await eventually(() => refused.breaks.length === 1, 5_000, 'the refusal');
  t.deepEqual(refused.breaks, [{ kind: 'refused', status: 401, text: 'no' }]);
});

test('a peer that does not keep up breaks the link when the queue is full', async (t) => {
  const s = scripted(() => ({ kind: 'delivered' }), 3);
  for (const b of ['a', 'b', 'c', 'd']) s.channel.send(b);
  t.deepEqual(s.breaks, [{ kind: 'overflow' }]);
  t.is(s.channel.queued, 0);
  s.channel.send('e');
  await eventually(() => s.posted.includes('e'), 5_000, 'a message after the overflow');
  t.false(s.posted.includes('d'));
});

/** Records every message and link break it receives. */
class Recorder implements Process<Wire> {
  readonly received: string[] = [];
  onStart(): void {}
  onMessage(_env: Env<Wire>, from: Address, msg: Wire): void {
    this.received.push(msg.channel === 'link' ? `link ${msg.exited}` : `${msg.channel} from ${from}`);
  }
  onTimer(): void {}
}

/** A LiveNode with a recorder at `master` and a messenger that reaches `peer` at `url`. */
function sender(url: () => string) {
  const node = new LiveNode({ seed: 1 });
  const recorder = new Recorder();
  const messenger = new NodeMessenger(node, (to) => (to === 'peer' ? url() : undefined));
  node.useTransport({ handles: (to) => messenger.handles(to), send: (f, to, m) => messenger.send(f, to, m) });
  node.spawn('master', recorder);
  const ping = () =>
    messenger.send('master', 'peer', { channel: 'agent', message: { type: 'PING_AGENT', connected: true } });
  return { node, recorder, messenger, ping };
}

test('a keep-alive socket the peer resets as it is reused: the message is sent again on a fresh connection, and the link holds', async (t) => {
  const bodies: string[] = [];
  const served = new WeakMap<object, number>();
  let reset = false;
  const server = createServer((req: IncomingMessage, res) => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    if (n === 2 && !reset) {
      reset = true;
      // What a server closing an idle socket does to a request it never read.
      req.socket.resetAndDestroy();
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const s = sender(() => url);
  try {
    s.ping();
    await eventually(() => bodies.length === 1, 5_000, 'the first message');
    s.ping();
    s.ping();
    await eventually(() => bodies.length === 3, 5_000, 'the other two, the reset one sent again');
    t.is(s.messenger.counters.retried, 1);
    t.is(s.messenger.counters.broken, 0);
    t.deepEqual(s.recorder.received, [], 'no broken link reported');
  } finally {
    s.messenger.close();
    s.node.stopAll();
    server.close();
  }
});

test('a peer that is gone (connection refused) breaks the link once for what was queued', async (t) => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((r) => closed.close(() => r()));
  const s = sender(() => url);
  try {
    s.ping();
    s.ping();
    s.ping();
    await eventually(() => s.recorder.received.length > 0, 5_000, 'the link to break');
    await eventually(() => s.messenger.counters.broken === 1, 5_000, 'the count');
    t.deepEqual(s.recorder.received, ['link peer']);
  } finally {
    s.messenger.close();
    s.node.stopAll();
  }
});

test('a peer too busy to read a message in time (408) gets it again; the link holds', async (t) => {
  const bodies: string[] = [];
  let answered408 = false;
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (!answered408) {
        answered408 = true;
        res.writeHead(408, { Connection: 'close' }).end();
        return;
      }
      bodies.push(body);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const s = sender(() => url);
  try {
    s.ping();
    s.ping();
    await eventually(() => bodies.length === 2, 5_000, 'both messages');
    t.is(s.messenger.counters.retried, 1);
    t.deepEqual(s.recorder.received, [], 'no broken link reported');
  } finally {
    s.messenger.close();
    s.node.stopAll();
    server.close();
  }
});
