/**
 * The spread of many frameworks drawn as one shape: in each bin (or at each wait, for CDFs), the
 * minimum, 10th percentile, median, 90th percentile and maximum over the frameworks. A chart of
 * 100 frameworks shows these as bands under the few frameworks drawn as lines of their own.
 */
import type { WaitSample } from '../metrics/run-series.js';

/** Per bin (or per x), over the frameworks. */
export interface Spread {
  readonly min: readonly number[];
  readonly p10: readonly number[];
  readonly median: readonly number[];
  readonly p90: readonly number[];
  readonly max: readonly number[];
}

/**
 * The `p` quantile (0–1) of ascending `sorted` values, linearly interpolated between the two
 * nearest ranks (R's type 7, as d3 and NumPy do by default); NaN when there are none.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(n - 1, lo + 1)] as number;
  return a + (h - lo) * (b - a);
}

/**
 * The spread of `n` values at each of `count` indices: `fill(k, into)` writes index k's values
 * into `into`; every figure is passed through `round`.
 */
function spreadOf(
  count: number,
  n: number,
  fill: (k: number, into: Float64Array) => void,
  round: (x: number) => number,
): Spread {
  const out = {
    min: [] as number[],
    p10: [] as number[],
    median: [] as number[],
    p90: [] as number[],
    max: [] as number[],
  };
  const values = new Float64Array(n);
  for (let k = 0; k < count; k++) {
    fill(k, values);
    values.sort();
    out.min.push(round(quantileSorted(values, 0)));
    out.p10.push(round(quantileSorted(values, 0.1)));
    out.median.push(round(quantileSorted(values, 0.5)));
    out.p90.push(round(quantileSorted(values, 0.9)));
    out.max.push(round(quantileSorted(values, 1)));
  }
  return out;
}

/**
 * The spread over `series` (one array of bins per framework, all as long) in each bin; empty
 * arrays when there is no series.
 */
export function spreadPerBin(series: readonly (readonly number[])[], round: (x: number) => number): Spread {
  const bins = series.length === 0 ? 0 : Math.max(...series.map((s) => s.length));
  return spreadOf(
    bins,
    series.length,
    (k, into) => {
      for (const [i, s] of series.entries()) into[i] = s[k] ?? 0;
    },
    round,
  );
}

/**
 * The spread, at each wait in `seconds`, of the fraction of each framework's launched tasks that
 * waited at most that long (its CDF there), over the frameworks that launched any. A sample of
 * m points stands for its tasks evenly (each point for count/m of them), as in the CDF drawn.
 */
export function cdfSpread(
  samples: readonly WaitSample[],
  seconds: readonly number[],
  round: (x: number) => number,
): Spread {
  const launched = samples.filter((s) => s.count > 0 && s.seconds.length > 0);
  if (launched.length === 0) return spreadOf(0, 0, () => {}, round);
  return spreadOf(
    seconds.length,
    launched.length,
    (k, into) => {
      const x = seconds[k] as number;
      for (const [i, s] of launched.entries()) into[i] = atMost(s.seconds, x) / s.seconds.length;
    },
    round,
  );
}

/** How many of ascending `values` are ≤ `x` (binary search). */
function atMost(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
