/**
 * Jain's fairness index (Jain, Chiu and Hawe, 1984): (Σx)² / (n · Σx²). It is 1 when every
 * value is equal and 1/n when one party has everything. By convention here an empty list, or
 * one where every value is 0, scores 1: nobody has more than anybody else.
 */
export function jainIndex(values: readonly number[]): number {
  let max = 0;
  for (const v of values) {
    if (!(v >= 0 && Number.isFinite(v)))
      throw new RangeError(`Jain's index needs finite values >= 0, got ${v}`);
    if (v > max) max = v;
  }
  if (max === 0) return 1;
  // Scaling by the largest value keeps equal values exactly equal to 1 (0.3 · 0.3 · 3 is not
  // exactly (0.9)² / 3 in binary floating point) and keeps the squares in range.
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    const x = v / max;
    sum += x;
    squares += x * x;
  }
  return (sum * sum) / (values.length * squares);
}
