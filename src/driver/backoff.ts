/**
 * Randomised, truncated exponential backoff between (re)subscription attempts, as Mesos's
 * scheduler driver does it (src/sched/sched.cpp `doReliableRegistration`; mesos.md §1.3, §6.7):
 * the first attempt goes out at once; each later one waits a uniform random delay in
 * `[0, bound]`, where `bound` starts at the backoff factor (2 s), doubles after every attempt and
 * is capped (1 min). The randomness is the process's own seeded stream, so the simulator stays
 * deterministic.
 */

/** The bounds of a {@link Backoff}. */
export interface BackoffBounds {
  /** The first bound (Mesos `DEFAULT_REGISTRATION_BACKOFF_FACTOR`, 2 s for schedulers). */
  readonly factorMs: number;
  /** The largest bound (Mesos `REGISTRATION_RETRY_INTERVAL_MAX`, 1 min for schedulers). */
  readonly maxMs: number;
}

/** The state of one series of attempts; {@link reset} starts a new series. */
export class Backoff {
  readonly #bounds: BackoffBounds;
  #boundMs: number;

  constructor(bounds: BackoffBounds) {
    if (!(bounds.factorMs >= 0 && bounds.maxMs >= 0 && Number.isFinite(bounds.maxMs))) {
      throw new RangeError(`backoff bounds must be finite and >= 0, got ${JSON.stringify(bounds)}`);
    }
    this.#bounds = bounds;
    this.#boundMs = Math.min(bounds.factorMs, bounds.maxMs);
  }

  /** Starts over from the factor (after a successful subscription). */
  reset(): void {
    this.#boundMs = Math.min(this.#bounds.factorMs, this.#bounds.maxMs);
  }

  /** The delay before the next attempt, uniform in [0, bound]; the bound then doubles (capped). */
  next(random: () => number): number {
    const delayMs = Math.floor(this.#boundMs * random());
    this.#boundMs = Math.min(this.#boundMs * 2, this.#bounds.maxMs);
    return delayMs;
  }
}
