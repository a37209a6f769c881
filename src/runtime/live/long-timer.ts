/**
 * Timers of any length on Node's event loop. `setTimeout` keeps its delay in a signed 32-bit
 * int: anything over 2^31 − 1 ms (24.8 days) is taken as 1 ms, with a TimeoutOverflowWarning.
 * Mesos's own frameworks ask for longer (a `failover_timeout` of a week is the documented
 * advice, 30 days is common), and a live master that fired such a timer after 1 ms would remove
 * a framework and kill its tasks on any disconnect. So a long delay is chained: the timer waits
 * the longest step Node allows, then sets the next step for what is left, measured on the wall
 * clock so that late steps do not add up.
 */

/** The longest delay `setTimeout` honours (2^31 − 1 ms). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A timer from {@link setLongTimeout}; cancel it with {@link clearLongTimeout}. */
export interface LongTimeout {
  /** The current step's handle (replaced at each step). */
  handle: ReturnType<typeof setTimeout>;
  /** Whether it must keep the event loop alive (Node's `ref`/`unref`). */
  refed: boolean;
}

/**
 * Calls `fire` once `delayMs` have passed (at once for a delay of 0, a negative or NaN one;
 * never for +Infinity). `maxStepMs` is the longest single step (tests make it small).
 */
export function setLongTimeout(fire: () => void, delayMs: number, maxStepMs = MAX_TIMEOUT_MS): LongTimeout {
  const delay = Number.isNaN(delayMs) ? 0 : Math.max(0, delayMs);
  const dueAtMs = Date.now() + delay;
  const timer: LongTimeout = { handle: undefined as unknown as ReturnType<typeof setTimeout>, refed: true };
  const step = (leftMs: number) => {
    if (leftMs <= maxStepMs) {
      timer.handle = setTimeout(fire, leftMs);
    } else {
      timer.handle = setTimeout(() => step(dueAtMs - Date.now()), maxStepMs);
    }
    if (!timer.refed) timer.handle.unref();
  };
  step(delay);
  return timer;
}

/** Cancels a timer from {@link setLongTimeout} (a no-op once it fired). */
export function clearLongTimeout(timer: LongTimeout): void {
  clearTimeout(timer.handle);
}

/** Lets the process exit while the timer is pending, as `setTimeout(...).unref()` does. */
export function unrefLongTimeout(timer: LongTimeout): LongTimeout {
  timer.refed = false;
  timer.handle.unref();
  return timer;
}
