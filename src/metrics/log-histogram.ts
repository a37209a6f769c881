/**
 * A histogram of non-negative durations in logarithmic buckets, 1% wide, from 1 ms to a year:
 * about 2,500 counters whatever the number of samples, so the wait times of 25 million trace
 * tasks cost a few kilobytes. The first {@link EXACT_SAMPLES} samples are also kept as they are,
 * and quantiles are exact (nearest rank) while no more have come; after that they are read at
 * the bucket's upper bound (clamped to the largest sample), within 1% above the exact value.
 */

/** Samples kept exactly before quantiles come from the buckets alone. */
export const EXACT_SAMPLES = 10_000;

const RATIO = 1.01;
const LOG_RATIO = Math.log(RATIO);
const MAX_MS = 366 * 24 * 3600 * 1000;
const BUCKETS = Math.ceil(Math.log(MAX_MS) / LOG_RATIO) + 2;

/** Quantiles of a histogram, in seconds (null when it holds no sample). */
export interface QuantileSummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** Counts of durations (ms) in 1%-wide logarithmic buckets. */
export class LogHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #zeros = 0;
  #count = 0;
  #maxMs = 0;
  #exact: number[] | undefined = [];

  /** Samples recorded. */
  get count(): number {
    return this.#count;
  }

  /** Records one duration in ms (negative values count as 0). */
  add(ms: number): void {
    this.#count++;
    if (this.#exact !== undefined) {
      if (this.#exact.length < EXACT_SAMPLES) this.#exact.push(Math.max(0, ms));
      else this.#exact = undefined;
    }
    if (!(ms >= 1)) {
      // Under a millisecond (the simulated clock's grain) counts as zero.
      this.#zeros++;
      return;
    }
    if (ms > this.#maxMs) this.#maxMs = ms;
    const i = Math.min(BUCKETS - 1, Math.ceil(Math.log(ms) / LOG_RATIO));
    this.#counts[i] = (this.#counts[i] as number) + 1;
  }

  /** The `q` quantile (0 < q ≤ 1) in ms: the smallest bucket bound with at least q of the samples. */
  quantileMs(q: number): number | undefined {
    if (this.#count === 0) return undefined;
    const rank = Math.ceil(q * this.#count);
    if (this.#exact !== undefined) {
      const sorted = [...this.#exact].sort((a, b) => a - b);
      return sorted[Math.max(0, rank - 1)];
    }
    if (rank <= this.#zeros) return 0;
    let seen = this.#zeros;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i] as number;
      if (seen >= rank) return Math.min(RATIO ** i, this.#maxMs);
    }
    return this.#maxMs;
  }

  /** p50, p90, p99 and max, in seconds rounded to the millisecond. */
  summary(): QuantileSummary {
    const s = (q: number) => {
      const ms = this.quantileMs(q);
      return ms === undefined ? null : Math.round(ms) / 1000;
    };
    return {
      count: this.#count,
      p50: s(0.5),
      p90: s(0.9),
      p99: s(0.99),
      max:
        this.#count === 0
          ? null
          : Math.round(this.#exact === undefined ? this.#maxMs : Math.max(0, ...this.#exact)) / 1000,
    };
  }
}
