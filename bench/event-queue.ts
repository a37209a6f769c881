/**
 * Event-queue benchmark, the "hold" model of anchors.md §3: fill the queue with `pending`
 * events, then `events` times pop the earliest and push one at (its time + Exp(1)), so the queue
 * stays at `pending` the whole run, as a simulator's future-event list does. The exponential
 * draws come from an inline xorshift generator so the figure is the queue's, not the PRNG's.
 *
 * Usage: node --import tsx bench/event-queue.ts [--events 10000000] [--pending 100000] [--runs 3]
 * Prints one line per run and a median line.
 */
import { performance } from 'node:perf_hooks';
import { EventQueue } from '../src/runtime/sim/event-queue.js';
import { benchArgs } from './args.js';

const values = benchArgs(
  'node --import tsx bench/event-queue.ts [--events 10000000] [--pending 100000] [--runs 3]',
  {
    events: { type: 'string', default: '10000000' },
    pending: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
  },
);
const events = Number(values.events);
const pending = Number(values.pending);
const runs = Number(values.runs);

/** A fixed-seed xorshift32 in [0, 1): fast enough not to distort the measurement. */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** One run; returns events per second. */
function run(): number {
  const random = xorshift(42);
  const queue = new EventQueue<number>({ maxSize: Math.max(pending, 1), initialCapacity: pending });
  for (let i = 0; i < pending; i++) queue.push(-Math.log(1 - random()), i);
  let checksum = 0;
  const start = performance.now();
  for (let i = 0; i < events; i++) {
    const payload = queue.pop() as number;
    checksum += payload;
    queue.push(queue.lastTime - Math.log(1 - random()), payload);
  }
  const wallS = (performance.now() - start) / 1000;
  const perS = events / wallS;
  console.log(
    `events=${events} pending=${queue.size} wall_s=${wallS.toFixed(3)} events_per_s=${Math.round(perS)}` +
      ` checksum=${checksum % 1000}`,
  );
  return perS;
}

const rates: number[] = [];
for (let r = 0; r < runs; r++) rates.push(run());
rates.sort((a, b) => a - b);
const median = rates[rates.length >> 1] as number;
console.log(`median events_per_s=${Math.round(median)} runs=${runs} node=${process.version}`);
