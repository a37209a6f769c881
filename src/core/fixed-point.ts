/**
 * Scalar resource amounts are kept as integer thousandths ("milli-units"), as Mesos does
 * (`convertToFixed(x) = llround(x * 1000)` in src/common/values.cpp), so that 0.1 + 0.2 is
 * exactly 0.3 and comparisons never suffer from binary floating point.
 */

/** Milli-units in one whole unit. */
export const MILLI_PER_UNIT = 1000;

/** Converts a decimal amount to milli-units, rounding to the nearest thousandth like Mesos. */
export function toMilli(amount: number): number {
  // Fix: `Math.round` rounds halves up (Math.round(-1.5) === -1) and can return -0, while
  // Mesos's `llround` rounds halves away from zero; round the magnitude and put the sign back.
  const milli = Math.round(Math.abs(amount) * MILLI_PER_UNIT);
  return milli === 0 ? 0 : Math.sign(amount) * milli;
}

/** Converts milli-units back to a plain number (for display and ratios only). */
export function fromMilli(milli: number): number {
  return milli / MILLI_PER_UNIT;
}

/** Formats milli-units as the shortest exact decimal: 3000 → "3", 1500 → "1.5", 10 → "0.01". */
export function formatMilli(milli: number): string {
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  const whole = Math.floor(abs / MILLI_PER_UNIT);
  const frac = abs % MILLI_PER_UNIT;
  if (frac === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}
