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

/** The timings of the allocation runs so far. */
export class AllocationRunTiming {
  #count = 0;
  #lastMs = 0;
  #maxMs = 0;
  #totalMs = 0;

  /** Records one run that took `ms` milliseconds. */
  record(ms: number): void {
    this.#count++;
    this.#lastMs = ms;
    this.#maxMs = Math.max(this.#maxMs, ms);
    this.#totalMs += ms;
  }

  /**
   * Under Mesos's names: the timer's value is the last run's duration, with `/count`, `/max` and
   * `/mean` beside it. Nothing before the first run (Mesos shows a timer only once it has a sample).
   */
  metrics(): Record<string, number> {
    if (this.#count === 0) return {};
    return {
      'allocator/mesos/allocation_run_ms': this.#lastMs,
      'allocator/mesos/allocation_run_ms/count': this.#count,
      'allocator/mesos/allocation_run_ms/max': this.#maxMs,
      'allocator/mesos/allocation_run_ms/mean': this.#totalMs / this.#count,
    };
  }
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
