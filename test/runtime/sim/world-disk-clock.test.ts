/** The simulated disk (durable store) and skewed clocks of the simulated world. */
import test from 'ava';
import type { Address, Env, Process, TimerId } from '../../../src/core/process.js';
import { SimWorld } from '../../../src/runtime/sim/world.js';

type Msg = { readonly n: number };

/** Saves `value` under `key` at start, and notes when the write is acknowledged. */
class Writer implements Process<Msg> {
  readonly acked: number[] = [];
  readonly loaded: (string | undefined)[] = [];
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  onStart(env: Env<Msg>): void {
    this.loaded.push(env.store?.load('k'));
    env.store?.save('k', this.#value, 'save');
  }
  onMessage(_env: Env<Msg>, _from: Address, _msg: Msg): void {}
  onTimer(env: Env<Msg>, tag: string, _id: TimerId): void {
    if (tag === 'save') this.acked.push(env.now());
  }
}

test('a write is acknowledged after a 1-10 ms fsync and then survives a crash', (t) => {
  const world = new SimWorld<Msg>({ seed: 1, disks: true });
  const writer = new Writer('v1');
  world.spawn('w', () => writer);
  t.deepEqual(writer.loaded, [undefined]);
  world.runUntil(20);
  t.is(writer.acked.length, 1);
  t.true((writer.acked[0] as number) >= 1 && (writer.acked[0] as number) <= 10);
  world.crash('w');
  t.is(world.diskContents('w').get('k'), 'v1');
});

test('a crash before the fsync is acknowledged keeps or loses the write, by seed, never tears it', (t) => {
  const outcomes = new Set<string | undefined>();
  for (let seed = 1; seed <= 20; seed++) {
    const world = new SimWorld<Msg>({ seed, disks: true });
    let incarnation = 0;
    world.spawn('w', () => new Writer(incarnation++ === 0 ? 'old' : 'new'));
    world.runUntil(20); // 'old' is durable
    world.crash('w');
    world.restart('w'); // writes 'new' at once…
    world.crash('w'); // …and crashes before its fsync returns
    const value = world.diskContents('w').get('k');
    t.true(value === 'old' || value === 'new', `seed ${seed}: ${value}`);
    outcomes.add(value);
  }
  t.deepEqual([...outcomes].sort(), ['new', 'old'], 'both outcomes happen across seeds');
});

test('without disks a process has no store', (t) => {
  const plain = new SimWorld<Msg>({ seed: 1 });
  const w = new Writer('v');
  plain.spawn('w', () => w);
  t.deepEqual(w.loaded, [undefined]);
  plain.runUntil(20);
  t.deepEqual(w.acked, [], 'nothing was saved');
  t.is(plain.diskContents('w').size, 0);
});

/** Notes its clock at start and when its timer fires. */
class Clock implements Process<Msg> {
  readonly seen: number[] = [];
  onStart(env: Env<Msg>): void {
    this.seen.push(env.now());
    env.setTimer(1000, 'tick');
  }
  onMessage(): void {}
  onTimer(env: Env<Msg>): void {
    this.seen.push(env.now());
  }
}

test('a skewed clock jumps and drifts; its timers run on its own time; the skew survives restarts', (t) => {
  const world = new SimWorld<Msg>({ seed: 1 });
  const first = new Clock();
  const clocks = [first, new Clock()];
  let n = 0;
  world.add('c', () => clocks[n++] as Clock);
  world.runUntil(100);
  world.skewClock('c', 5000, 2);
  t.is(world.clockOf('c'), 5100);
  world.start('c');
  t.deepEqual(first.seen, [5100]);
  world.runUntil(1000);
  t.deepEqual(first.seen, [5100, 6100], 'a 1 s timer on a clock running twice as fast fires after 500 ms');
  world.crash('c');
  world.runUntil(2000);
  world.restart('c');
  t.deepEqual(clocks[1]?.seen, [5100 + 1900 * 2], 'the restarted process reads the same skewed clock');
  t.throws(() => world.skewClock('c', 0, 0), { message: /rate > 0/u });
});
