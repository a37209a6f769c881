/**
 * The driver status and its state machine, shared by the scheduler and the executor driver
 * (mesos.md §1.1; Mesos `enum Status` and src/sched/sched.cpp `MesosSchedulerDriver`):
 *
 * | call      | from                 | to      | returns                                   |
 * |-----------|----------------------|---------|-------------------------------------------|
 * | `start()` | NOT_STARTED          | RUNNING | RUNNING; from any other status: no-op, the status |
 * | `stop()`  | RUNNING or ABORTED   | STOPPED | STOPPED, but ABORTED if it was aborted; otherwise no-op |
 * | `abort()` | RUNNING              | ABORTED | ABORTED; otherwise no-op, the status      |
 * | `join()`  | RUNNING              | —       | a promise of STOPPED/ABORTED, settled when the driver leaves RUNNING; from any other status, resolved at once with it |
 * | `run()`   | = `start()`, then `join()` if RUNNING                                        |
 * | any other | RUNNING              | —       | acts, returns RUNNING; otherwise no-op, the status |
 *
 * Mesos's `join()` blocks the calling thread; ours returns a promise, which is the only way a
 * single-threaded program can wait without stopping the world that drives the driver.
 */

/** The driver statuses, named as in Mesos's proto (`DRIVER_NOT_STARTED` = 1 … `DRIVER_STOPPED` = 4). */
export const DriverStatus = {
  /** Constructed; `start()` not called yet. */
  NOT_STARTED: 'DRIVER_NOT_STARTED',
  /** Started. */
  RUNNING: 'DRIVER_RUNNING',
  /** `abort()` was called, or a fatal error aborted the driver (before `error()` was called). */
  ABORTED: 'DRIVER_ABORTED',
  /** `stop()` was called. */
  STOPPED: 'DRIVER_STOPPED',
} as const;

/** What every driver method returns. */
export type DriverStatus = (typeof DriverStatus)[keyof typeof DriverStatus];

/** The outcome of {@link DriverLifecycle.stop}. */
export interface StopOutcome {
  /** Whether the driver was RUNNING or ABORTED, so that stopping it has effects. */
  readonly acted: boolean;
  /** What `stop()` returns. */
  readonly returned: DriverStatus;
}

/** The status machine of the table above, with the waiters of `join()`. */
export class DriverLifecycle {
  #status: DriverStatus = DriverStatus.NOT_STARTED;
  #waiters: ((status: DriverStatus) => void)[] = [];

  /** The current status. */
  get status(): DriverStatus {
    return this.#status;
  }

  /** Whether the driver is RUNNING (the only status in which calls act and callbacks run). */
  get running(): boolean {
    return this.#status === DriverStatus.RUNNING;
  }

  /** NOT_STARTED → RUNNING; true if it moved. */
  start(): boolean {
    if (this.#status !== DriverStatus.NOT_STARTED) return false;
    this.#status = DriverStatus.RUNNING;
    return true;
  }

  /** RUNNING or ABORTED → STOPPED. */
  stop(): StopOutcome {
    const was = this.#status;
    if (was !== DriverStatus.RUNNING && was !== DriverStatus.ABORTED) return { acted: false, returned: was };
    this.#status = DriverStatus.STOPPED;
    this.#settle();
    return {
      acted: true,
      returned: was === DriverStatus.ABORTED ? DriverStatus.ABORTED : DriverStatus.STOPPED,
    };
  }

  /** RUNNING → ABORTED; true if it moved. */
  abort(): boolean {
    if (this.#status !== DriverStatus.RUNNING) return false;
    this.#status = DriverStatus.ABORTED;
    this.#settle();
    return true;
  }

  /** Resolves when the driver leaves RUNNING, or at once if it is not RUNNING. */
  join(): Promise<DriverStatus> {
    if (this.#status !== DriverStatus.RUNNING) return Promise.resolve(this.#status);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #settle(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve(this.#status);
  }
}
