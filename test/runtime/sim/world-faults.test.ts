import test from 'ava';
import { SimWorld } from '../../../src/runtime/sim/world.js';
import { Chatter, type Msg, Recorder } from './systems.js';

type Line = { t: number; process: string; kind: string; [k: string]: unknown };
const parse = (world: SimWorld<Msg>): Line[] => world.traceLines().map((l) => JSON.parse(l) as Line);

/** Two chatters saying hello to each other every 10 ms over a 1 ms network. */
function chatters(): { world: SimWorld<Msg>; a: () => Chatter; b: () => Chatter } {
  const world = new SimWorld<Msg>({ seed: 'faults' });
  world.spawn('a', () => new Chatter(['b'], 10));
  world.spawn('b', () => new Chatter(['a'], 10));
  return { world, a: () => world.instance('a') as Chatter, b: () => world.instance('b') as Chatter };
}

test('a one-way partition drops exactly one direction; heal restores it', (t) => {
  const { world, a, b } = chatters();
  world.runUntil(55); // 5 hellos each way
  t.is(a().received.get('b'), 5);
  t.is(b().received.get('a'), 5);
  world.network.partition('a', 'b', { oneWay: true });
  world.runUntil(105);
  t.is(b().received.get('a'), 5, 'a → b is cut');
  t.is(a().received.get('b'), 10, 'b → a still flows');
  const drops = parse(world).filter((l) => l.kind === 'net.drop');
  t.is(drops.length, 5);
  t.true(drops.every((d) => d.from === 'a' && d.to === 'b' && d.reason === 'partition'));
  world.network.heal('a', 'b');
  world.runUntil(155);
  t.is(b().received.get('a'), 10);
  t.is(a().received.get('b'), 15);
});

test('a two-way partition drops both directions; heal restores both', (t) => {
  const { world, a, b } = chatters();
  world.at(25, (w) => w.network.partition('a', 'b'));
  world.at(75, (w) => w.network.heal('a', 'b'));
  world.runUntil(105);
  // Hellos at 10 and 20 arrive; those sent at 30..70 are dropped; 80..100 arrive.
  t.is(a().received.get('b'), 5);
  t.is(b().received.get('a'), 5);
  const lines = parse(world);
  t.like(
    lines.find((l) => l.kind === 'net.partition'),
    { t: 25, process: '@network', a: 'a', b: 'b', oneWay: false },
  );
  t.is(lines.filter((l) => l.kind === 'net.drop' && l.reason === 'partition').length, 10);
});

test('isolate and healAll', (t) => {
  const world = new SimWorld<Msg>({ seed: 'iso' });
  for (const name of ['a', 'b', 'c'])
    world.spawn(
      name,
      () =>
        new Chatter(
          ['a', 'b', 'c'].filter((x) => x !== name),
          10,
        ),
    );
  world.network.isolate('c');
  world.runUntil(35);
  const got = (x: string, from: string) => (world.instance(x) as Chatter).received.get(from) ?? 0;
  t.deepEqual([got('a', 'b'), got('b', 'a'), got('a', 'c'), got('c', 'a'), got('c', 'b')], [3, 3, 0, 0, 0]);
  world.network.healAll();
  world.runUntil(65);
  t.deepEqual([got('a', 'c'), got('c', 'a'), got('c', 'b')], [3, 3, 3]);
});

test("a crash drops the process's timers and the messages on their way to it", (t) => {
  const world = new SimWorld<Msg>({ seed: 'crash', network: { latencyMsMin: 50, latencyMsMax: 50 } });
  world.spawn('victim', () => new Recorder((env) => env.setTimer(100, 'late')));
  world.spawn('client', () => new Recorder((env) => env.send('victim', { type: 'ping', n: 1 })));
  const first = world.instance('victim') as Recorder;
  world.at(10, (w) => w.crash('victim'));
  world.at(20, (w) => w.restart('victim'));
  world.runUntilIdle();
  const second = world.instance('victim') as Recorder;
  t.not(second, first, 'restart builds a new instance');
  t.deepEqual(first.seen, [{ what: 'start', at: 0 }], 'the crashed instance saw nothing more');
  // The restarted instance set its own timer at 20 (fires at 120) but never sees the old timer
  // (due at 100) nor the message that was in flight when the crash happened (due at 50).
  t.deepEqual(second.seen, [
    { what: 'start', at: 20 },
    { what: 'timer', at: 120, tag: 'late', id: (second.seen[1] as { id: number }).id },
  ]);
  const lines = parse(world);
  t.like(
    lines.find((l) => l.kind === 'net.drop'),
    { t: 50, reason: 'receiver-down', from: 'client', to: 'victim' },
  );
  t.deepEqual(
    lines.filter((l) => l.kind.startsWith('sim.')).map((l) => [l.t, l.process, l.kind]),
    [
      [0, 'victim', 'sim.start'],
      [0, 'client', 'sim.start'],
      [10, 'victim', 'sim.crash'],
      [20, 'victim', 'sim.restart'],
    ],
  );
});

test('messages sent to a crashed process are dropped even if it restarts before they would arrive', (t) => {
  const world = new SimWorld<Msg>({ seed: 'down', network: { latencyMsMin: 30, latencyMsMax: 30 } });
  world.spawn('server', () => new Recorder());
  world.spawn('client', () => new Recorder());
  world.crash('server');
  world.inject('client', 'server', { type: 'ping', n: 1 }); // sent at 0 while down, due at 30
  world.at(10, (w) => w.restart('server'));
  world.runUntilIdle();
  t.deepEqual((world.instance('server') as Recorder).seen, [{ what: 'start', at: 10 }]);
  t.like(
    parse(world).find((l) => l.kind === 'net.drop'),
    { t: 0, reason: 'receiver-down' },
  );
});

test('messages a process sent before crashing still arrive', (t) => {
  const world = new SimWorld<Msg>({ seed: 'wire', network: { latencyMsMin: 30, latencyMsMax: 30 } });
  world.spawn('server', () => new Recorder());
  world.spawn('client', () => new Recorder((env) => env.send('server', { type: 'hello', n: 7 })));
  world.crash('client');
  world.runUntilIdle();
  t.deepEqual((world.instance('server') as Recorder).seen[1], {
    what: 'message',
    at: 30,
    from: 'client',
    msg: { type: 'hello', n: 7 },
  });
});

test('restart runs onStart on a fresh instance from the factory', (t) => {
  let built = 0;
  const world = new SimWorld<Msg>({ seed: 'restart' });
  world.spawn('p', () => {
    built++;
    return new Chatter(['q'], 5);
  });
  world.spawn('q', () => new Chatter(['p'], 5));
  world.runUntil(22);
  t.is((world.instance('p') as Chatter).received.get('q'), 4);
  world.crash('p');
  t.is(world.status('p'), 'crashed');
  t.is(world.instance('p'), undefined);
  world.runUntil(40);
  world.restart('p');
  t.is(built, 2);
  t.is(world.status('p'), 'running');
  t.is((world.instance('p') as Chatter).received.size, 0, 'state is lost in a crash');
  world.runUntil(51);
  t.is(
    (world.instance('p') as Chatter).received.get('q'),
    2,
    'and the new instance works (q sends at 45 and 50)',
  );
});

test('stop runs onStop, crash does not; neither can happen to a process that is not running', (t) => {
  const world = new SimWorld<Msg>({ seed: 'stop' });
  world.spawn('s', () => new Recorder());
  world.spawn('c', () => new Recorder());
  const s = world.instance('s') as Recorder;
  const c = world.instance('c') as Recorder;
  world.runUntil(5);
  world.stop('s');
  world.crash('c');
  t.deepEqual(s.seen.at(-1), { what: 'stop', at: 5 });
  t.deepEqual(c.seen.at(-1), { what: 'start', at: 0 });
  t.is(world.status('s'), 'stopped');
  t.throws(() => world.crash('s'), { message: /not running \(it is stopped\)/ });
  t.throws(() => world.stop('c'), { message: /not running \(it is crashed\)/ });
  t.throws(() => world.start('nobody'), { message: /no process registered at nobody/ });
  world.add('fresh', () => new Recorder());
  t.throws(() => world.restart('fresh'), { message: /cannot restart: it is registered/ });
  world.start('s');
  t.throws(() => world.start('s'), { message: /already running/ });
});
