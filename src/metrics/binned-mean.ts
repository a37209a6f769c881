/**
 * A step function (a value that holds from one change to the next) averaged over fixed time bins:
 * bin k covers [k·binMs, (k+1)·binMs). Each change closes the span since the previous one and
 * spreads it over the bins it crosses, so a chart drawn from the bins shows every burst in
 * proportion to how long it lasted, however far apart the samples are; nothing is stored per
 * change.
 */
export class BinnedMean {
  readonly binMs: number;
  readonly #area: Float64Array;
  #lastMs = 0;
  #value = 0;

  /** @param binMs the width of a bin (> 0); @param binCount how many bins, from time 0 */
  constructor(binMs: number, binCount: number) {
    if (!(binMs > 0 && Number.isInteger(binCount) && binCount > 0)) {
      throw new RangeError(`bins must be > 0 ms wide and a whole number > 0, got ${binMs} ms × ${binCount}`);
    }
    this.binMs = binMs;
    this.#area = new Float64Array(binCount);
  }

  /** The value now (the last one set; 0 before any). */
  get current(): number {
    return this.#value;
  }

  /** The value becomes `value` at `atMs`; times must not go backwards. */
  set(atMs: number, value: number): void {
    this.#closeTo(atMs);
    this.#value = value;
  }

  /**
   * The mean of each bin over [0, `untilMs`]: the last value holds until `untilMs`, and a bin cut
   * short by `untilMs` is averaged over the part of it that was run. Bins after `untilMs` are 0.
   */
  means(untilMs: number): Float64Array {
    this.#closeTo(untilMs);
    const out = new Float64Array(this.#area.length);
    for (let k = 0; k < out.length; k++) {
      const width = Math.min(this.binMs, untilMs - k * this.binMs);
      out[k] = width > 0 ? (this.#area[k] as number) / width : 0;
    }
    return out;
  }

  #closeTo(toMs: number): void {
    if (toMs < this.#lastMs) throw new RangeError(`time went backwards: ${toMs} ms < ${this.#lastMs} ms`);
    const end = Math.min(toMs, this.#area.length * this.binMs);
    let from = this.#lastMs;
    if (this.#value !== 0) {
      while (from < end) {
        const k = Math.floor(from / this.binMs);
        const binEnd = Math.min((k + 1) * this.binMs, end);
        this.#area[k] = (this.#area[k] as number) + this.#value * (binEnd - from);
        from = binEnd;
      }
    }
    this.#lastMs = toMs;
  }
}

/**
 * The mean of binned values (bin k covers [k·binSeconds, (k+1)·binSeconds), the run ends at
 * `untilSeconds`) over [0, `endSeconds`]: each bin weighted by how much of it lies before
 * `endSeconds`. A bin cut by `endSeconds` counts at its own mean, so the figure is exact at bin
 * edges and otherwise off by at most that one bin's variation.
 */
export function meanOfBinsUpTo(
  values: readonly number[],
  binSeconds: number,
  untilSeconds: number,
  endSeconds: number,
): number {
  const end = Math.min(endSeconds, untilSeconds);
  let area = 0;
  let span = 0;
  values.forEach((v, k) => {
    const width = Math.max(0, Math.min((k + 1) * binSeconds, end) - k * binSeconds);
    area += v * width;
    span += width;
  });
  return span > 0 ? area / span : 0;
}
