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

/** The calls that move the status (every other call only acts while RUNNING). */
export type DriverCall = 'start' | 'stop' | 'abort';

/** A cell of {@link DRIVER_TRANSITIONS}: the status the call moves to, or `null` for a no-op. */
type Next = DriverStatus | null;

/**
 * The rules of the table above, status × call → next status (h11's `_state.py` style: the
 * whole machine in one place, checked by the compiler to name every status and every call).
 * `null`: the call is a no-op and returns the status.
 */
export const DRIVER_TRANSITIONS = {
  DRIVER_NOT_STARTED: { start: 'DRIVER_RUNNING', stop: null, abort: null },
  DRIVER_RUNNING: { start: null, stop: 'DRIVER_STOPPED', abort: 'DRIVER_ABORTED' },
  DRIVER_ABORTED: { start: null, stop: 'DRIVER_STOPPED', abort: null },
  DRIVER_STOPPED: { start: null, stop: null, abort: null },
} as const satisfies Readonly<Record<DriverStatus, Readonly<Record<DriverCall, Next>>>>;

/**
 * What `stop()` returns when it acts (Mesos `MesosSchedulerDriver::stop`): STOPPED, except that
 * an aborted driver says ABORTED, though it is STOPPED afterwards.
 */
const STOP_RETURNS = {
  DRIVER_RUNNING: 'DRIVER_STOPPED',
  DRIVER_ABORTED: 'DRIVER_ABORTED',
} as const satisfies Partial<Record<DriverStatus, DriverStatus>>;

/** The outcome of {@link DriverLifecycle.stop}. */
export interface StopOutcome {
  /** Whether the driver was RUNNING or ABORTED, so that stopping it has effects. */
  readonly acted: boolean;
  /** What `stop()` returns. */
  readonly returned: DriverStatus;
}

/** The status machine of {@link DRIVER_TRANSITIONS}, with the waiters of `join()`. */
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
    return this.#move('start') !== undefined;
  }

  /** RUNNING or ABORTED → STOPPED. */
  stop(): StopOutcome {
    const was = this.#move('stop');
    if (was === undefined) return { acted: false, returned: this.#status };
    return { acted: true, returned: STOP_RETURNS[was as keyof typeof STOP_RETURNS] };
  }

  /** RUNNING → ABORTED; true if it moved. */
  abort(): boolean {
    return this.#move('abort') !== undefined;
  }

  /** Resolves when the driver leaves RUNNING, or at once if it is not RUNNING. */
  join(): Promise<DriverStatus> {
    if (this.#status !== DriverStatus.RUNNING) return Promise.resolve(this.#status);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Applies the table; returns the status moved from, or undefined for a no-op. */
  #move(call: DriverCall): DriverStatus | undefined {
    const was = this.#status;
    const next: Next = DRIVER_TRANSITIONS[was][call];
    if (next === null) return undefined;
    this.#status = next;
    if (was === DriverStatus.RUNNING) this.#settle();
    return was;
  }

  #settle(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve(this.#status);
  }
}
