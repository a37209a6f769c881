import test from 'ava';
import type { Env, Process, TimerId } from '../../../src/core/process.js';
import { EventQueueFullError } from '../../../src/runtime/sim/event-queue.js';
import { ProcessError } from '../../../src/runtime/sim/process-error.js';
import type { TraceRecord } from '../../../src/runtime/sim/trace.js';
import { SimWorld } from '../../../src/runtime/sim/world.js';
import { type Msg, Recorder } from './systems.js';

test("now is each event's own time: timers and deliveries see the time they were due", (t) => {
  const world = new SimWorld<Msg>({ seed: 1, network: { latencyMsMin: 5, latencyMsMax: 5 } });
  world.spawn('b', () => new Recorder());
  world.spawn(
    'a',
    () =>
      new Recorder((env) => {
        env.setTimer(10, 'ten');
        env.setTimer(3, 'three');
        env.send('b', { type: 'hello', n: 1 });
      }),
  );
  world.runUntilIdle();
  const a = world.instance('a') as Recorder;
  t.deepEqual(
    a.seen.map((s) => [s.what, s.at]),
    [
      ['start', 0],
      ['timer', 3],
      ['timer', 10],
    ],
  );
  t.deepEqual((world.instance('b') as Recorder).seen[1], {
    what: 'message',
    at: 5,
    from: 'a',
    msg: { type: 'hello', n: 1 },
  });
  t.is(world.now, 10);
});

test('same-time events run in the order they were scheduled', (t) => {
  const world = new SimWorld<Msg>({ seed: 1 });
  world.spawn(
    'a',
    () =>
      new Recorder((env) => {
        for (const tag of ['x', 'y', 'z', 'w']) env.setTimer(7, tag);
      }),
  );
  world.runUntilIdle();
  t.deepEqual(
    (world.instance('a') as Recorder).seen.slice(1).map((s) => (s.what === 'timer' ? s.tag : '')),
    ['x', 'y', 'z', 'w'],
  );
});

test('timer ids are unique across the world; a process can cancel only its own timers', (t) => {
  const world = new SimWorld<Msg>({ seed: 1 });
  const ids: TimerId[] = [];
  const envs: Env<Msg>[] = [];
  for (const name of ['a', 'b']) {
    world.spawn(
      name,
      () =>
        new Recorder((env) => {
          envs.push(env);
          for (let i = 1; i <= 3; i++) ids.push(env.setTimer(i, `${name}${i}`));
        }),
    );
  }
  t.is(new Set(ids).size, 6);
  const [envA, envB] = envs as [Env<Msg>, Env<Msg>];
  envB.cancelTimer(ids[0] as TimerId); // a's timer: ignored
  envA.cancelTimer(ids[1] as TimerId); // a's own: cancelled
  envA.cancelTimer(12345); // bogus: ignored
  world.runUntilIdle();
  const tags = (name: string) =>
    (world.instance(name) as Recorder).seen.flatMap((s) => (s.what === 'timer' ? [s.tag] : []));
  t.deepEqual(tags('a'), ['a1', 'a3']);
  t.deepEqual(tags('b'), ['b1', 'b2', 'b3']);
  // Ids stay unique after earlier timers fired and their slots were reused.
  const later = (world.instance('a') as Recorder).env?.setTimer(1, 'later') as TimerId;
  t.false(ids.includes(later));
});

test('cancelling a timer that already fired is a no-op', (t) => {
  const world = new SimWorld<Msg>({ seed: 1 });
  let env: Env<Msg> | undefined;
  world.spawn('a', () => new Recorder((e) => (env = e)));
  const id = (env as Env<Msg>).setTimer(1, 'once');
  world.runUntilIdle();
  t.notThrows(() => env?.cancelTimer(id));
  t.is((world.instance('a') as Recorder).seen.length, 2);
});

test('messages to an unknown address are dropped and traced', (t) => {
  const world = new SimWorld<Msg>({ seed: 1 });
  world.spawn('a', () => new Recorder((env) => env.send('nobody', { type: 'hello', n: 0 })));
  world.runUntilIdle();
  t.like(JSON.parse(world.traceLines().at(-1) as string), {
    t: 0,
    process: '@network',
    kind: 'net.drop',
    reason: 'unknown-address',
    from: 'a',
    to: 'nobody',
    msg: { type: 'hello', n: 0 },
  });
});

/** A process that throws from the handler named by `where`. */
function thrower(where: 'start' | 'message' | 'timer'): Process<Msg> {
  return {
    onStart(env) {
      if (where === 'start') throw new Error('boom at start');
      env.setTimer(4, 'tick');
    },
    onMessage() {
      if (where === 'message') throw new Error('boom on message');
    },
    onTimer() {
      if (where === 'timer') throw new Error('boom on timer');
    },
  };
}

test('an exception in a handler propagates with the process address, the event and the time', (t) => {
  const start = new SimWorld<Msg>({ seed: 1 });
  const e1 = t.throws(() => start.spawn('m', () => thrower('start')), { instanceOf: ProcessError });
  t.is(e1.message, 'process m threw in onStart at t=0 ms: boom at start');
  t.is((e1.cause as Error).message, 'boom at start');

  const timer = new SimWorld<Msg>({ seed: 1 });
  timer.spawn('m', () => thrower('timer'));
  const e2 = t.throws(() => timer.runUntilIdle(), { instanceOf: ProcessError });
  t.regex(e2.message, /^process m threw in onTimer "tick" \(timer \d+\) at t=4 ms: boom on timer$/);

  const message = new SimWorld<Msg>({ seed: 1, network: { latencyMsMin: 2, latencyMsMax: 2 } });
  message.spawn('m', () => thrower('message'));
  message.inject('client', 'm', { type: 'ping', n: 3 });
  const e3 = t.throws(() => message.runUntilIdle(), { instanceOf: ProcessError });
  t.is(
    e3.message,
    'process m threw in onMessage from client: {"type":"ping","n":3} at t=2 ms: boom on message',
  );
  t.is(e3.address, 'm');
  t.is(e3.timeMs, 2);
});

test('runUntil processes events up to and including the time, then sets the clock', (t) => {
  const world = new SimWorld<Msg>({ seed: 1 });
  world.spawn(
    'a',
    () =>
      new Recorder((env) => {
        for (const d of [5, 10, 15]) env.setTimer(d, `t${d}`);
      }),
  );
  t.is(world.runUntil(10), 2);
  t.is(world.now, 10);
  t.is(world.runUntil(12), 0);
  t.is(world.now, 12);
  t.throws(() => world.runUntil(11), { instanceOf: RangeError, message: /now \(12 ms\)/ });
  t.is(world.runEvents(5), 1);
  t.is(world.now, 15);
  t.is(world.eventCount, 3);
});

test('runUntilIdle refuses to spin forever on a periodic timer', (t) => {
  const world = new SimWorld<Msg>({ seed: 1 });
  const periodic: Process<Msg> = {
    onStart: (env) => void env.setTimer(1, 'tick'),
    onMessage() {},
    onTimer: (env) => void env.setTimer(1, 'tick'),
  };
  world.spawn('clock', () => periodic);
  t.throws(() => world.runUntilIdle(1000), {
    message: /world not idle after 1000 events \(t=1000 ms, 1 pending\)/,
  });
});

test('harness actions run at their time and can be cancelled', (t) => {
  const world = new SimWorld<Msg>({ seed: 1 });
  const ran: number[] = [];
  world.at(5, (w) => ran.push(w.now));
  const h = world.at(6, (w) => ran.push(w.now));
  world.at(7, (w) => ran.push(w.now));
  t.true(world.cancelAction(h));
  t.false(world.cancelAction(h));
  world.runUntilIdle();
  t.deepEqual(ran, [5, 7]);
  t.throws(() => world.at(3, () => {}), { instanceOf: RangeError });
  world.at(8, (w) => w.runUntil(9));
  t.throws(() => world.runUntilIdle(), { message: /already running/ });
});

test('the event queue limit stops a flooding process with a clear error', (t) => {
  const world = new SimWorld<Msg>({ seed: 1, maxPendingEvents: 100 });
  world.spawn('sink', () => new Recorder());
  const error = t.throws(
    () =>
      world.spawn(
        'flood',
        () =>
          new Recorder((env) => {
            for (let i = 0; i < 1000; i++) env.send('sink', { type: 'hello', n: i });
          }),
      ),
    { instanceOf: ProcessError },
  );
  t.true(error.cause instanceof EventQueueFullError);
  t.regex(error.message, /event queue is full: 100 events pending/);
});

test('bad timer delays and self-stamped trace events are bugs', (t) => {
  const world = new SimWorld<Msg>({ seed: 1 });
  let env: Env<Msg> | undefined;
  world.spawn('a', () => new Recorder((e) => (env = e)));
  const e = env as Env<Msg>;
  t.throws(() => e.setTimer(-1, 'x'), { instanceOf: RangeError, message: /timer delay/ });
  t.throws(() => e.setTimer(Number.NaN, 'x'), { instanceOf: RangeError });
  t.throws(() => e.trace({ kind: 'x', t: 5 }), { message: /may not set "t" or "process"/ });
  world.crash('a');
  t.throws(() => e.send('a', { type: 'hello', n: 0 }), { message: /incarnation that went down/ });
});

test('addresses are validated and unique', (t) => {
  const world = new SimWorld<Msg>({ seed: 1 });
  world.add('a', () => new Recorder());
  t.throws(() => world.add('a', () => new Recorder()), { message: /already registered/ });
  t.throws(() => world.add('', () => new Recorder()), { message: /invalid address/ });
  t.throws(() => world.add('@network', () => new Recorder()), { message: /invalid address/ });
});

test('the trace can go to a sink or be turned off', (t) => {
  const records: TraceRecord[] = [];
  const sunk = new SimWorld<Msg>({ seed: 1, trace: (r) => records.push(r) });
  sunk.spawn('a', () => new Recorder((env) => env.trace({ kind: 'hi', x: 1 })));
  t.deepEqual(records, [
    { t: 0, process: 'a', kind: 'sim.start', incarnation: 0 },
    { t: 0, process: 'a', kind: 'hi', x: 1 },
  ]);
  t.deepEqual(sunk.traceLines(), []);
  const off = new SimWorld<Msg>({ seed: 1, trace: 'off' });
  off.spawn('a', () => new Recorder((env) => env.trace({ kind: 'hi' })));
  t.deepEqual(off.traceLines(), []);
  const capped = new SimWorld<Msg>({ seed: 1, maxTraceLines: 1 });
  t.throws(() => capped.spawn('a', () => new Recorder((env) => env.trace({ kind: 'hi' }))), {
    message: /trace is full: 1 lines/,
  });
});
