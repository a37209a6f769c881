/**
 * How long a live master's allocation runs take: Mesos's `allocator/mesos/allocation_run_ms`
 * timer (hierarchical allocator metrics, docs/monitoring.md). The master is sans-IO and has no
 * clock that measures work, so the live runtime times it from outside: a run is what the master
 * does when its `allocate` timer fires (src/master/allocation.ts: the allocator's run over the
 * candidate agents and the OFFERS events it makes). The simulator never wraps its master, so
 * `agora sim` neither measures nor prints anything new.
 *
 * One difference from Mesos: a firing the master holds back while it waits for agents after a
 * failover (`pauseForRecovery`) is timed too (it returns at once); Mesos's paused allocator does
 * not reach its timer. `allocator/mesos/allocation_runs` (the master's own count) leaves those
 * out, so it can be lower than `allocation_run_ms/count`.
 */
import type { Process } from '../../core/process.js';
import type { MasterTimer } from '../../master/timers.js';

/** The master's timer kind whose firing is an allocation run. */
const ALLOCATE: MasterTimer = 'allocate';

/** How many runs the statistics cover: libprocess's `TIME_SERIES_CAPACITY` (timeseries.hpp). */
export const TIMING_WINDOW_RUNS = 1000;

/** The percentiles libprocess's metrics show for a timer, by suffix (metrics.cpp). */
const PERCENTILES: readonly (readonly [string, number])[] = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
  ['p999', 0.999],
  ['p9999', 0.9999],
];

/**
 * The timings of the allocation runs so far: the last {@link TIMING_WINDOW_RUNS} of them
 * (libprocess keeps a time series of that capacity; it thins an old full series out where this
 * keeps the newest runs).
 */
export class AllocationRunTiming {
  readonly #window: number[] = [];
  #next = 0;
  #lastMs = 0;

  /** Records one run that took `ms` milliseconds. */
  record(ms: number): void {
    this.#lastMs = ms;
    if (this.#window.length < TIMING_WINDOW_RUNS) this.#window.push(ms);
    else this.#window[this.#next] = ms;
    this.#next = (this.#next + 1) % TIMING_WINDOW_RUNS;
  }

  /**
   * Under Mesos's names: the timer's value is the last run's duration; from two runs on, as
   * libprocess's statistics need two samples, `/count`, `/min`, `/max` and `/p50` … `/p9999`
   * over the window (linear interpolation between the nearest ranks, as statistics.hpp), and
   * Agora's `/mean` (the web UI shows it). Nothing before the first run (Mesos shows a timer
   * only once it has a sample).
   */
  metrics(): Record<string, number> {
    const name = 'allocator/mesos/allocation_run_ms';
    if (this.#window.length === 0) return {};
    const out: Record<string, number> = { [name]: this.#lastMs };
    if (this.#window.length < 2) return out;
    const sorted = [...this.#window].sort((a, b) => a - b);
    out[`${name}/count`] = sorted.length;
    out[`${name}/max`] = sorted[sorted.length - 1] as number;
    out[`${name}/min`] = sorted[0] as number;
    for (const [suffix, p] of PERCENTILES) out[`${name}/${suffix}`] = percentile(sorted, p);
    out[`${name}/mean`] = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
    return out;
  }
}

/** The `p` quantile of `sorted` (ascending, two values or more), interpolating between ranks. */
export function percentile(sorted: readonly number[], p: number): number {
  const position = p * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below] as number;
  return low + (position - below) * ((sorted[above] as number) - low);
}

/**
 * `master`, with each allocation run (each `allocate` timer it handles) timed into `timing` by
 * `clockMs` (a monotonic clock in milliseconds, `performance.now` unless a test gives another).
 */
export function timedAllocations<M>(
  master: Process<M>,
  timing: AllocationRunTiming,
  clockMs: () => number = () => performance.now(),
): Process<M> {
  return {
    onStart: (env) => master.onStart(env),
    onMessage: (env, from, msg) => master.onMessage(env, from, msg),
    onTimer(env, tag, id) {
      if (tag !== ALLOCATE) return master.onTimer(env, tag, id);
      const startMs = clockMs();
      master.onTimer(env, tag, id);
      timing.record(clockMs() - startMs);
    },
    onStop: (env) => master.onStop?.(env),
  };
}
