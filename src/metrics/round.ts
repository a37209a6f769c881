/**
 * Rounds to 6 decimals (and turns -0 into 0): enough for any comparison, short enough to read,
 * and the same bytes on every run, which deterministic summaries and reports rely on.
 */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6 + 0;
}

/** Rounds to 3 decimals (and turns -0 into 0): time-averaged counts, to a thousandth of a task. */
export function round3(x: number): number {
  return Math.round(x * 1e3) / 1e3 + 0;
}
