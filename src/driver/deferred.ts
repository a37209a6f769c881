/**
 * Work a driver does "later, in its own process": Mesos's drivers `dispatch` every call to their
 * libprocess actor, so a callback the driver produces by itself (TASK_LOST for a launch while
 * disconnected, `error` for an invalid executor update) runs after the user's call has returned,
 * never inside it. We get the same by running such work from a 0 ms timer on the process's env:
 * it runs at the same simulated time, after the current handler, and callbacks never nest.
 */
import type { TimerId } from '../core/process.js';

/** How deferred work sets and cancels its timer (the driver's timer table, once it has an env). */
export interface DeferredTimerPort {
  /** Sets a 0 ms timer that runs `flush`; undefined while the process has no env yet. */
  set(flush: () => void): TimerId | undefined;
  cancel(id: TimerId): void;
}

/** A FIFO of deferred work, flushed by one 0 ms timer. */
export class DeferredWork {
  readonly #port: DeferredTimerPort;
  #queue: (() => void)[] = [];
  #timer: TimerId | undefined;

  constructor(port: DeferredTimerPort) {
    this.#port = port;
  }

  /** Queues `work`; it runs once the process has an env (at once armed if it has one). */
  add(work: () => void): void {
    this.#queue.push(work);
    this.arm();
  }

  /** Arms the timer if work is waiting and none is armed (call it when the process starts). */
  arm(): void {
    if (this.#queue.length === 0 || this.#timer !== undefined) return;
    this.#timer = this.#port.set(() => this.#flush());
  }

  /** Drops the queued work (the driver stopped). */
  clear(): void {
    this.#queue = [];
    if (this.#timer !== undefined) this.#port.cancel(this.#timer);
    this.#timer = undefined;
  }

  /** Runs the queued work in order (work queued meanwhile waits for the next timer). */
  #flush(): void {
    this.#timer = undefined;
    const queue = this.#queue;
    this.#queue = [];
    for (const work of queue) work();
    this.arm();
  }
}
