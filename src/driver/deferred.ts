/**
 * Work a driver does "later, in its own process": Mesos's drivers `dispatch` every call to their
 * libprocess actor, so a callback the driver produces by itself (TASK_LOST for a launch while
 * disconnected, `error` for an invalid executor update) runs after the user's call has returned,
 * never inside it. We get the same by running such work from a 0 ms timer on the process's env:
 * it runs at the same simulated time, after the current handler, and callbacks never nest.
 */
import type { Env, TimerId } from '../core/process.js';
import type { Wire } from '../core/wire.js';

/** The timer tag of deferred work. */
export const DEFERRED_TAG = 'deferred';

/** A FIFO of deferred work, flushed by one 0 ms timer. */
export class DeferredWork {
  #queue: (() => void)[] = [];
  #timer: TimerId | undefined;

  /** Queues `work`; it runs once the process has an env (at once armed if it has one). */
  add(env: Env<Wire> | undefined, work: () => void): void {
    this.#queue.push(work);
    this.arm(env);
  }

  /** Arms the timer if work is waiting and none is armed (call it when the process starts). */
  arm(env: Env<Wire> | undefined): void {
    if (env === undefined || this.#queue.length === 0 || this.#timer !== undefined) return;
    this.#timer = env.setTimer(0, DEFERRED_TAG);
  }

  /** Whether timer `id` is ours. */
  owns(id: TimerId): boolean {
    return id === this.#timer;
  }

  /** Runs the queued work in order (work queued meanwhile waits for the next timer). */
  flush(env: Env<Wire>): void {
    this.#timer = undefined;
    const queue = this.#queue;
    this.#queue = [];
    for (const work of queue) work();
    this.arm(env);
  }

  /** Drops the queued work (the driver stopped). */
  clear(env: Env<Wire> | undefined): void {
    this.#queue = [];
    if (this.#timer !== undefined) env?.cancelTimer(this.#timer);
    this.#timer = undefined;
  }
}
