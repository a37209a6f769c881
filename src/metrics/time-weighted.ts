/**
 * The time-weighted mean of a step function: a value that holds from one update to the next
 * (running tasks, a dominant share, allocated cpus). Each update closes the previous step, so the
 * cost is O(1) per update and nothing is stored per step.
 */
export class TimeWeightedMean {
  private startMs: number | undefined;
  private lastMs = 0;
  private value = 0;
  private area = 0;

  /** The value now (the last one set, 0 before any). */
  get current(): number {
    return this.value;
  }

  /** The value becomes `value` at `atMs`; times must not go backwards. */
  set(atMs: number, value: number): void {
    if (this.startMs === undefined) {
      this.startMs = atMs;
    } else {
      if (atMs < this.lastMs) throw new RangeError(`time went backwards: ${atMs} ms < ${this.lastMs} ms`);
      this.area += this.value * (atMs - this.lastMs);
    }
    this.lastMs = atMs;
    this.value = value;
  }

  /**
   * The mean over [first update, `untilMs`] (the last value holding until then), or 0 for an
   * empty span. `fromMs` widens the span to an earlier start, counting the time before the first
   * update as 0 (e.g. the whole run, when a framework arrived late).
   */
  mean(untilMs: number, fromMs?: number): number {
    if (this.startMs === undefined) return 0;
    const start = fromMs === undefined ? this.startMs : Math.min(fromMs, this.startMs);
    const span = untilMs - start;
    if (span <= 0) return this.value;
    const area = this.area + this.value * Math.max(0, untilMs - this.lastMs);
    return area / span;
  }
}
