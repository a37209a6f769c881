import test from 'ava';
import type { TraceEvent } from '../../../src/core/process.js';
import { deriveStream } from '../../../src/core/random-streams.js';
import { type NetworkConfig, SimNetwork, type Transmission } from '../../../src/runtime/sim/network.js';

function network(config: Partial<NetworkConfig> = {}, seed = 'net'): SimNetwork {
  return new SimNetwork({ random: deriveStream(seed, 'network'), config });
}

/** A copy of the shared result object. */
function send(net: SimNetwork, from: string, to: string, nowMs = 0, receiverUp = true): Transmission {
  return { ...net.transmit(from, to, nowMs, receiverUp) };
}

test('the default network is reliable, FIFO and 1 ms', (t) => {
  const net = network();
  t.deepEqual(send(net, 'a', 'b', 10), { outcome: 'delivered', copies: 1, firstAtMs: 11, secondAtMs: 11 });
});

test('latency is drawn in [min, max] and spreads over it', (t) => {
  const net = network({ latencyMsMin: 5, latencyMsMax: 15, reorder: true });
  const latencies = Array.from({ length: 2000 }, () => send(net, 'a', 'b', 100).firstAtMs - 100);
  t.true(latencies.every((l) => l >= 5 && l <= 15));
  t.true(Math.min(...latencies) < 5.5 && Math.max(...latencies) > 14.5);
});

test('a two-way partition drops both directions; heal restores them', (t) => {
  const net = network();
  net.partition('a', 'b');
  t.is(send(net, 'a', 'b').outcome, 'partitioned');
  t.is(send(net, 'b', 'a').outcome, 'partitioned');
  t.is(send(net, 'a', 'c').outcome, 'delivered', 'other links are untouched');
  t.is(send(net, 'c', 'b').outcome, 'delivered');
  net.heal('b', 'a'); // argument order does not matter
  t.is(send(net, 'a', 'b').outcome, 'delivered');
  t.is(send(net, 'b', 'a').outcome, 'delivered');
});

test('a one-way partition drops exactly a → b', (t) => {
  const net = network();
  net.partition('a', 'b', { oneWay: true });
  t.is(send(net, 'a', 'b').outcome, 'partitioned');
  t.is(send(net, 'b', 'a').outcome, 'delivered');
  t.false(net.canReach('a', 'b'));
  t.true(net.canReach('b', 'a'));
  net.heal('a', 'b');
  t.is(send(net, 'a', 'b').outcome, 'delivered');
});

test('isolate cuts a node from everyone, including nodes named later; rejoin and healAll end it', (t) => {
  const net = network();
  net.isolate('m');
  for (const other of ['a', 'b', 'new-node']) {
    t.is(send(net, 'm', other).outcome, 'partitioned');
    t.is(send(net, other, 'm').outcome, 'partitioned');
  }
  t.is(send(net, 'a', 'b').outcome, 'delivered');
  net.heal('m', 'a');
  t.is(send(net, 'a', 'm').outcome, 'partitioned', 'heal of a pair does not end an isolation');
  net.rejoin('m');
  t.is(send(net, 'a', 'm').outcome, 'delivered');
  net.isolate('m');
  net.partition('x', 'y', { oneWay: true });
  net.healAll();
  t.is(send(net, 'a', 'm').outcome, 'delivered');
  t.is(send(net, 'x', 'y').outcome, 'delivered');
});

test('sends to oneself are loopback: immediate, never lost or partitioned', (t) => {
  const net = network({ latencyMsMin: 50, latencyMsMax: 90, lossProbability: 1 });
  net.isolate('a');
  t.deepEqual(send(net, 'a', 'a', 7), { outcome: 'delivered', copies: 1, firstAtMs: 7, secondAtMs: 7 });
});

test('loss probability 0, 1 and in between', (t) => {
  const none = network({ lossProbability: 0 });
  const all = network({ lossProbability: 1 });
  const some = network({ lossProbability: 0.3 });
  let lost = 0;
  for (let i = 0; i < 5000; i++) {
    t.is(none.transmit('a', 'b', i).outcome, 'delivered');
    t.is(all.transmit('a', 'b', i).copies, 0);
    if (some.transmit('a', 'b', i).outcome === 'lost') lost++;
  }
  t.true(Math.abs(lost / 5000 - 0.3) < 0.03, `loss rate ${lost / 5000}`);
});

test('duplication sends a second copy, after the first on a FIFO link', (t) => {
  const net = network({ duplicateProbability: 1, latencyMsMin: 0, latencyMsMax: 100 });
  for (let i = 0; i < 500; i++) {
    const r = send(net, 'a', 'b', i);
    t.is(r.outcome, 'duplicated');
    t.is(r.copies, 2);
    t.true(r.secondAtMs >= r.firstAtMs);
  }
});

test('links are FIFO by default: jitter delays a message but never lets it overtake', (t) => {
  const net = network({ latencyMsMin: 0, latencyMsMax: 100, duplicateProbability: 0.2 });
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < 2000; i++) {
    const r = send(net, 'a', 'b', i);
    t.true(r.firstAtMs >= last, `message ${i} overtook`);
    last = r.copies === 2 ? r.secondAtMs : r.firstAtMs;
    t.true(r.firstAtMs >= i, 'never before it was sent');
  }
});

test('with reorder on, jitter reorders messages on a link', (t) => {
  const net = network({ latencyMsMin: 0, latencyMsMax: 100, reorder: true });
  const times = Array.from({ length: 200 }, (_, i) => send(net, 'a', 'b', i).firstAtMs);
  const inversions = times.filter((x, i) => i > 0 && x < (times[i - 1] as number)).length;
  t.true(inversions > 10, `only ${inversions} inversions`);
});

test('every send draws the same numbers whatever the fault knobs, so fates change only where they should', (t) => {
  const calm = network({ latencyMsMin: 1, latencyMsMax: 50, reorder: true }, 'same');
  const lossy = network({ latencyMsMin: 1, latencyMsMax: 50, reorder: true, lossProbability: 0.5 }, 'same');
  lossy.partition('a', 'c');
  let compared = 0;
  for (let i = 0; i < 1000; i++) {
    const to = i % 3 === 0 ? 'c' : 'b';
    const x = send(calm, 'a', to, i);
    const y = send(lossy, 'a', to, i);
    if (y.copies > 0) {
      t.is(y.firstAtMs, x.firstAtMs);
      compared++;
    }
  }
  t.true(compared > 200);
});

test('the same seed gives the same fates; another seed other fates', (t) => {
  const config = { latencyMsMin: 0, latencyMsMax: 20, lossProbability: 0.2, duplicateProbability: 0.2 };
  const run = (seed: string) => {
    const net = network(config, seed);
    return Array.from({ length: 100 }, (_, i) => send(net, 'a', 'b', i));
  };
  t.deepEqual(run('s1'), run('s1'));
  t.notDeepEqual(run('s1'), run('s2'));
});

test('configure changes knobs from now on; bad knobs are refused with the field named', (t) => {
  const net = network();
  net.configure({ lossProbability: 1 });
  t.is(send(net, 'a', 'b').outcome, 'lost');
  t.is(net.config.latencyMsMin, 1, 'unchanged knobs keep their values');
  t.throws(() => net.configure({ lossProbability: 1.5 }), {
    instanceOf: RangeError,
    message: /lossProbability/,
  });
  t.throws(() => network({ latencyMsMin: 10, latencyMsMax: 5 }), { message: /latencyMsMax must be/ });
  t.throws(() => network({ latencyMsMin: -1 }), { message: /latencyMsMin/ });
  t.throws(() => network({ duplicateProbability: Number.NaN }), { message: /duplicateProbability/ });
  t.is(net.config.lossProbability, 1, 'a refused change changes nothing');
});

test('partition changes are reported to the trace hook', (t) => {
  const events: TraceEvent[] = [];
  const net = new SimNetwork({ random: deriveStream(1, 'n'), trace: (e) => events.push(e) });
  net.partition('a', 'b', { oneWay: true });
  net.heal('a', 'b');
  net.isolate('c');
  net.rejoin('c');
  net.healAll();
  t.deepEqual(
    events.map((e) => e.kind),
    ['net.partition', 'net.heal', 'net.isolate', 'net.rejoin', 'net.heal-all'],
  );
  t.deepEqual(events[0], { kind: 'net.partition', a: 'a', b: 'b', oneWay: true });
});

test('a refused send (receiver down) draws like any send but leaves the link FIFO state alone', (t) => {
  const config = { latencyMsMin: 0, latencyMsMax: 100 };
  const refusedFirst = network(config, 'refuse');
  const otherLinkFirst = network(config, 'refuse');
  t.is(send(refusedFirst, 'a', 'b', 0, false).outcome, 'refused');
  t.is(send(otherLinkFirst, 'a', 'c', 0).outcome, 'delivered'); // the same four draws, another link
  // The next a → b message is constrained by neither: it arrives at its own drawn time.
  t.deepEqual(send(refusedFirst, 'a', 'b', 1), send(otherLinkFirst, 'a', 'b', 1));
  t.is(send(refusedFirst, 'a', 'a', 2, false).outcome, 'refused', 'loopback to a down process too');
});

test('FIFO holds on every link while the link table is swept', (t) => {
  const net = network({ latencyMsMin: 0, latencyMsMax: 50 });
  const last = new Map<string, number>();
  let violations = 0;
  // 3 rounds over 6000 receivers: far more links than the table keeps before sweeping.
  for (let i = 0; i < 18_000; i++) {
    const to = `r${i % 6000}`;
    const r = send(net, 'a', to, i / 1000);
    if (r.firstAtMs < (last.get(to) ?? Number.NEGATIVE_INFINITY)) violations++;
    last.set(to, r.firstAtMs);
  }
  t.is(violations, 0);
});
