import test from 'ava';
import type { Env, Process } from '../../../src/core/process.js';
import { deriveStream } from '../../../src/core/random-streams.js';
import { SimWorld } from '../../../src/runtime/sim/world.js';
import { type Msg, Pinger, Ponger, Recorder } from './systems.js';

const FAULTY = { latencyMsMin: 1, latencyMsMax: 40, lossProbability: 0.2, duplicateProbability: 0.2 };

/** A ping-pong run over a faulty network; returns its trace. */
function pingPong(seed: string | number, traceDeliveries = true): string[] {
  const world = new SimWorld<Msg>({ seed, network: FAULTY, traceDeliveries });
  world.spawn('ponger', () => new Ponger());
  world.spawn('pinger', () => new Pinger('ponger', 10, 200));
  world.runUntilIdle();
  return world.traceLines();
}

test('the same seed gives a byte-identical trace', (t) => {
  const a = pingPong('seed-1');
  const b = pingPong('seed-1');
  t.true(a.length > 500, `trace has only ${a.length} lines`);
  t.is(a.join('\n'), b.join('\n'));
});

test('the trace shows what the network did: losses and duplicates happen and are recorded', (t) => {
  const lines = pingPong('seed-1').map((l) => JSON.parse(l) as Record<string, unknown>);
  const kinds = new Set(lines.map((l) => l.kind));
  for (const kind of [
    'sim.start',
    'sim.send',
    'sim.deliver',
    'sim.timer',
    'net.drop',
    'net.duplicate',
    'pong',
    'tick',
  ]) {
    t.true(kinds.has(kind), `no ${kind} line`);
  }
  const drop = lines.find((l) => l.kind === 'net.drop');
  t.like(drop, { process: '@network', reason: 'loss' });
  t.deepEqual(Object.keys(lines[0] ?? {}).slice(0, 3), ['t', 'process', 'kind']);
  // Time never goes backwards in the trace.
  t.true(lines.every((l, i) => i === 0 || (l.t as number) >= (lines[i - 1]?.t as number)));
});

test('a different seed gives a different trace', (t) => {
  t.not(pingPong('seed-1').join('\n'), pingPong('seed-2').join('\n'));
  t.not(pingPong(1, false).join('\n'), pingPong(2, false).join('\n'));
});

test('each process draws from its own stream, derived from the seed and its address', (t) => {
  const draws: number[] = [];
  const world = new SimWorld<Msg>({ seed: 99 });
  world.spawn('a', () => new Recorder((env) => draws.push(env.random(), env.random())));
  const expected = deriveStream(99, 'process/a');
  t.deepEqual(draws, [expected(), expected()]);
});

/** Draws on start and on each of its timers, sending every draw to `sink` over the faulty network. */
class Drawer implements Process<Msg> {
  readonly draws: number[] = [];

  onStart(env: Env<Msg>): void {
    for (let i = 1; i <= 20; i++) env.setTimer(i * 3, 'draw');
    this.onTimer(env);
  }

  onMessage(): void {}

  onTimer(env: Env<Msg>): void {
    const x = env.random();
    this.draws.push(x);
    env.send('sink', { type: 'hello', n: x });
  }
}

/** Runs `a` alongside `others` processes that draw and send just like it; returns a's draws. */
function drawsOfA(others: number): number[] {
  const world = new SimWorld<Msg>({ seed: 'independence', network: FAULTY });
  world.spawn('sink', () => new Recorder());
  // Spawn the others first, so they also draw before a does at every time step.
  for (let i = 0; i < others; i++) world.spawn(`noise-${i}`, () => new Drawer());
  world.spawn('a', () => new Drawer());
  world.runUntilIdle();
  return (world.instance('a') as Drawer).draws;
}

test("adding processes does not change another process's draws", (t) => {
  const alone = drawsOfA(0);
  t.is(alone.length, 21);
  t.deepEqual(drawsOfA(5), alone);
  t.deepEqual(drawsOfA(20), alone);
});

test('a restarted process draws from a fresh stream of its own', (t) => {
  const draws: number[][] = [];
  const world = new SimWorld<Msg>({ seed: 5 });
  world.spawn('a', () => new Recorder((env) => draws.push([env.random(), env.random()])));
  world.crash('a');
  world.restart('a');
  world.crash('a');
  world.restart('a');
  const first = deriveStream(5, 'process/a');
  const second = deriveStream(5, 'process/a#1');
  const third = deriveStream(5, 'process/a#2');
  t.deepEqual(draws, [
    [first(), first()],
    [second(), second()],
    [third(), third()],
  ]);
});
