/**
 * The mean of a sample and the half-width of its 95% confidence interval, from Student's t
 * distribution (seeds are few: with 5 runs the interval is 2.78 standard errors, not 1.96).
 */

/** Two-sided 95% quantiles of Student's t for 1–30 degrees of freedom. */
const T_95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
] as const;

/** Student's t 95% two-sided quantile for `df` degrees of freedom (1.96 from 120 on). */
export function t95(df: number): number {
  if (!(Number.isInteger(df) && df >= 1))
    throw new RangeError(`degrees of freedom must be a whole number >= 1, got ${df}`);
  const tabled = T_95[df - 1];
  if (tabled !== undefined) return tabled;
  // Between 30 and 120 degrees of freedom t falls from 2.042 to 1.980; interpolate in 1/df.
  return df >= 120 ? 1.96 : 1.98 + (2.042 - 1.98) * ((1 / df - 1 / 120) / (1 / 30 - 1 / 120));
}

/** The mean, and the half-width of its 95% confidence interval (0 for fewer than two values). */
export function meanConfidence(values: readonly number[]): { mean: number; halfWidth: number } {
  const n = values.length;
  if (n === 0) throw new RangeError('the mean of no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, halfWidth: 0 };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, halfWidth: t95(n - 1) * Math.sqrt(variance / n) };
}
