/** Timing a live master's allocation runs from outside it (allocation-timing.ts). */
import test from 'ava';
import type { Env, Process } from '../../../src/core/process.js';
import {
  AllocationRunTiming,
  percentile,
  TIMING_WINDOW_RUNS,
  timedAllocations,
} from '../../../src/runtime/live/allocation-timing.js';

/** A process whose timers "take" the time the test's clock is moved by while they run. */
function slowTimers(clock: { ms: number }, costMs: Record<string, number>, seen: string[]): Process<unknown> {
  return {
    onStart: () => seen.push('start'),
    onMessage: () => seen.push('message'),
    onTimer(_env, tag) {
      seen.push(tag);
      clock.ms += costMs[tag] ?? 0;
    },
    onStop: () => seen.push('stop'),
  };
}

const env = {} as Env<unknown>;

test('only allocate timers are timed: the last run, the count, the max and the mean under Mesos names', (t) => {
  const clock = { ms: 1000 };
  const seen: string[] = [];
  const timing = new AllocationRunTiming();
  const master = timedAllocations(
    slowTimers(clock, { allocate: 3, 'allocation-interval': 50, heartbeat: 70 }, seen),
    timing,
    () => clock.ms,
  );
  master.onStart(env);
  t.deepEqual(timing.metrics(), {}, 'no timer value before the first run, as Mesos');
  master.onTimer(env, 'allocation-interval', 1);
  master.onTimer(env, 'heartbeat', 2);
  t.deepEqual(timing.metrics(), {}, 'other timers are not allocation runs');
  master.onTimer(env, 'allocate', 3);
  clock.ms += 500; // time between runs is not run time
  master.onMessage(env, 'x', {});
  master.onTimer(env, 'allocate', 4);
  t.deepEqual(timing.metrics(), {
    'allocator/mesos/allocation_run_ms': 3,
    'allocator/mesos/allocation_run_ms/count': 2,
    'allocator/mesos/allocation_run_ms/max': 3,
    'allocator/mesos/allocation_run_ms/min': 3,
    'allocator/mesos/allocation_run_ms/p50': 3,
    'allocator/mesos/allocation_run_ms/p90': 3,
    'allocator/mesos/allocation_run_ms/p95': 3,
    'allocator/mesos/allocation_run_ms/p99': 3,
    'allocator/mesos/allocation_run_ms/p999': 3,
    'allocator/mesos/allocation_run_ms/p9999': 3,
    'allocator/mesos/allocation_run_ms/mean': 3,
  });
  master.onStop?.(env);
  t.deepEqual(seen, ['start', 'allocation-interval', 'heartbeat', 'allocate', 'message', 'allocate', 'stop']);
});

test('the last run is the one shown; the statistics cover the runs in the window', (t) => {
  const timing = new AllocationRunTiming();
  timing.record(2);
  t.deepEqual(timing.metrics(), { 'allocator/mesos/allocation_run_ms': 2 }, 'statistics need two samples');
  for (const ms of [10, 0.5]) timing.record(ms);
  t.like(timing.metrics(), {
    'allocator/mesos/allocation_run_ms': 0.5,
    'allocator/mesos/allocation_run_ms/count': 3,
    'allocator/mesos/allocation_run_ms/min': 0.5,
    'allocator/mesos/allocation_run_ms/max': 10,
    'allocator/mesos/allocation_run_ms/p50': 2,
    // between ranks 1 and 2 of [0.5, 2, 10]: 2 + 0.8 × 8
    'allocator/mesos/allocation_run_ms/p90': 8.4,
    'allocator/mesos/allocation_run_ms/mean': 12.5 / 3,
  });
});

test('percentiles interpolate between ranks as libprocess does, and the window keeps the newest runs', (t) => {
  t.is(percentile([1, 2, 3, 4, 5], 0.5), 3);
  t.is(percentile([1, 2, 3, 4, 5], 0.99), 4.96);
  t.is(percentile([0, 100], 0.9999), 99.99);
  const timing = new AllocationRunTiming();
  for (let i = 1; i <= TIMING_WINDOW_RUNS + 10; i++) timing.record(i);
  t.like(timing.metrics(), {
    'allocator/mesos/allocation_run_ms/count': TIMING_WINDOW_RUNS,
    'allocator/mesos/allocation_run_ms/min': 11,
    'allocator/mesos/allocation_run_ms/max': TIMING_WINDOW_RUNS + 10,
  });
});
