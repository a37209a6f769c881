/**
 * Link notifications: a process that goes down is reported to the processes it talked to, as a
 * connection reset would be, unless a partition separates them; without `linkMessage` nothing
 * is reported.
 */
import test from 'ava';
import type { Address, Env, Process } from '../../../src/core/process.js';
import { SimWorld } from '../../../src/runtime/sim/world.js';

type Msg = { readonly type: 'hello' } | { readonly type: 'exited'; readonly who: Address };

/** Says hello to `peer` on start (if any) and records every message with its time. */
class Node implements Process<Msg> {
  readonly seen: string[] = [];
  readonly #peer: Address | undefined;

  constructor(peer?: Address) {
    this.#peer = peer;
  }

  onStart(env: Env<Msg>): void {
    if (this.#peer !== undefined) env.send(this.#peer, { type: 'hello' });
  }

  onMessage(env: Env<Msg>, from: Address, msg: Msg): void {
    this.seen.push(msg.type === 'exited' ? `exited ${msg.who} at ${env.now()}` : `hello from ${from}`);
  }

  onTimer(): void {}
}

function world(withLinks: boolean, lossBreaksConnections = false): SimWorld<Msg> {
  return new SimWorld<Msg>({
    seed: 1,
    network: { latencyMsMin: 2, latencyMsMax: 2 },
    ...(withLinks ? { linkMessage: (who: Address) => ({ type: 'exited', who }) as const } : {}),
    lossBreaksConnections,
  });
}

const seen = (w: SimWorld<Msg>, a: Address): readonly string[] => (w.instance(a) as Node).seen;

test('a crash is reported to the peers the process talked to, after the minimum latency', (t) => {
  const w = world(true);
  w.spawn('server', () => new Node());
  w.spawn('client', () => new Node('server'));
  w.spawn('bystander', () => new Node());
  w.runUntil(10);
  w.crash('client');
  w.runUntil(20);
  t.deepEqual(seen(w, 'server'), ['hello from client', 'exited client at 12']);
  t.deepEqual(seen(w, 'bystander'), [], 'a process that never talked to it hears nothing');
});

test('the link works both ways and is forgotten with the incarnation', (t) => {
  const w = world(true);
  w.spawn('server', () => new Node());
  w.spawn('client', () => new Node('server'));
  w.runUntil(10);
  w.crash('server');
  w.runUntil(20);
  t.deepEqual(seen(w, 'client'), ['exited server at 12'], 'the receiver side is linked too');
  w.restart('server');
  w.crash('client');
  w.runUntil(30);
  t.deepEqual(seen(w, 'server'), [], 'the new incarnation never talked to the client');
});

test('a partition hides the crash (no reset crosses it); without linkMessage nothing is sent', (t) => {
  const w = world(true);
  w.spawn('server', () => new Node());
  w.spawn('client', () => new Node('server'));
  w.runUntil(10);
  w.network.partition('client', 'server');
  w.crash('client');
  w.runUntil(20);
  t.deepEqual(seen(w, 'server'), ['hello from client']);

  const quiet = world(false);
  quiet.spawn('server', () => new Node());
  quiet.spawn('client', () => new Node('server'));
  quiet.runUntil(10);
  quiet.crash('client');
  quiet.runUntil(20);
  t.deepEqual(seen(quiet, 'server'), ['hello from client']);
});

test('a message a partition cuts off breaks the connection: the sender is told, the receiver is not', (t) => {
  const w = world(true, true);
  w.spawn('server', () => new Node());
  w.network.partition('client', 'server', { oneWay: true });
  w.spawn('client', () => new Node('server'));
  w.runUntil(10);
  // Over TCP the hello is never skipped: the connection breaks, and the sender's stack gives up
  // on it. The reset cannot cross the partition to the server.
  t.deepEqual(seen(w, 'client'), ['exited server at 2']);
  t.deepEqual(seen(w, 'server'), []);

  const silent = world(true, false);
  silent.spawn('server', () => new Node());
  silent.network.partition('client', 'server', { oneWay: true });
  silent.spawn('client', () => new Node('server'));
  silent.runUntil(10);
  t.deepEqual(seen(silent, 'client'), [], 'without lossBreaksConnections a partition is silent');
});
