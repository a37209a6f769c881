/**
 * How reports write numbers: as precise as a reader can use, no more. Shares and indices to three
 * decimals, percentages to one, durations in the unit that suits them with three significant
 * figures ("0.35 s", "12.3 s", "4.2 min").
 */

/** 0.974712 → "0.975". */
export function formatFraction(x: number): string {
  return x.toFixed(3);
}

/** 0.4567 → "45.7%". */
export function formatPercent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** A duration in seconds: "0.35 s", "12.3 s", "340 s", "4.2 min", "2.5 h". */
export function formatSecondsShort(seconds: number): string {
  if (seconds >= 7200) return `${(seconds / 3600).toPrecision(3).replace(/\.?0+$/u, '')} h`;
  if (seconds >= 600) return `${(seconds / 60).toPrecision(3).replace(/\.?0+$/u, '')} min`;
  if (seconds === 0) return '0 s';
  return `${Number(seconds.toPrecision(3))} s`;
}
