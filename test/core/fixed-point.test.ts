import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { formatMilli, fromMilli, MILLI_PER_UNIT, toMilli } from '../../src/core/fixed-point.js';

/**
 * Below 2^50 milli-units a double still holds every thousandth exactly enough for
 * `toMilli(Number(formatMilli(m)))` to come back to `m`; at 2^51 and above it does not (a double
 * near 2.25e12 is only good to about 0.0005), so no number-based conversion could.
 */
const EXACT_MILLI = 2 ** 50;

test('a unit is 1000 milli-units', (t) => {
  t.is(MILLI_PER_UNIT, 1000);
  t.is(toMilli(1), 1000);
  t.is(fromMilli(1500), 1.5);
});

test('0.1 + 0.2 is exactly 0.3 in milli-units', (t) => {
  t.not(0.1 + 0.2, 0.3); // the binary floating-point trap the milli-units avoid
  t.is(toMilli(0.1) + toMilli(0.2), toMilli(0.3));
  t.is(toMilli(0.1) + toMilli(0.2), 300);
  t.is(formatMilli(toMilli(0.1) + toMilli(0.2)), '0.3');
});

test('toMilli rounds to the nearest thousandth', (t) => {
  t.is(toMilli(0), 0);
  t.is(toMilli(0.0004), 0);
  t.is(toMilli(0.0006), 1);
  t.is(toMilli(1.2344), 1234);
  t.is(toMilli(1.2346), 1235);
  t.is(toMilli(8192), 8_192_000);
  t.is(toMilli(0.001), 1);
});

test('toMilli rounds halves away from zero, like llround in Mesos', (t) => {
  // Each product below is an exact half in binary (e.g. 0.0025 * 1000 === 2.5).
  t.is(0.0025 * 1000, 2.5);
  t.is(-0.0015 * 1000, -1.5);
  t.is(toMilli(0.0025), 3);
  t.is(toMilli(-0.0025), -3);
  t.is(toMilli(0.0015), 2);
  t.is(toMilli(-0.0015), -2);
  t.is(toMilli(-0.0005), -1);
});

test('toMilli never returns negative zero', (t) => {
  t.is(toMilli(-0.0001), 0);
  t.is(toMilli(-0), 0);
});

testProp(
  'toMilli is symmetric around zero',
  [fc.double({ min: -1e9, max: 1e9, noNaN: true })],
  (t, x) => {
    const m = toMilli(x);
    t.is(toMilli(-x), m === 0 ? 0 : -m);
  },
  { numRuns: 500 },
);

testProp(
  'toMilli is within half a milli-unit of the exact product',
  [fc.double({ min: -1e9, max: 1e9, noNaN: true })],
  (t, x) => {
    const m = toMilli(x);
    t.true(Number.isSafeInteger(m));
    t.true(Math.abs(m - x * 1000) <= 0.5, `${x} -> ${m}`);
  },
  { numRuns: 500 },
);

test('formatMilli writes the shortest exact decimal', (t) => {
  t.is(formatMilli(3000), '3');
  t.is(formatMilli(1500), '1.5');
  t.is(formatMilli(10), '0.01');
  t.is(formatMilli(1), '0.001');
  t.is(formatMilli(100), '0.1');
  t.is(formatMilli(1234567), '1234.567');
  t.is(formatMilli(1_000_010), '1000.01');
  t.is(formatMilli(0), '0');
  t.is(formatMilli(-0), '0');
  t.is(formatMilli(-1500), '-1.5');
  t.is(formatMilli(-1), '-0.001');
  t.is(formatMilli(Number.MAX_SAFE_INTEGER), '9007199254740.991');
});

testProp(
  'formatMilli is canonical: no trailing zeros, at most three decimals',
  [fc.maxSafeInteger()],
  (t, m) => {
    t.regex(formatMilli(m), /^-?(0|[1-9]\d*)(\.\d{0,2}[1-9])?$/);
  },
  { numRuns: 500 },
);

testProp(
  'formatMilli is exact over every safe integer (checked with BigInt)',
  [fc.maxSafeInteger()],
  (t, m) => {
    const s = formatMilli(m);
    const negative = s.startsWith('-');
    const [whole = '', frac = ''] = (negative ? s.slice(1) : s).split('.');
    const abs = BigInt(whole) * 1000n + BigInt(frac.padEnd(3, '0'));
    t.is(negative ? -abs : abs, BigInt(m));
  },
  { numRuns: 500 },
);

testProp(
  'toMilli(Number(formatMilli(m))) === m for 3-decimal values below 2^50 milli-units',
  [fc.integer({ min: -EXACT_MILLI, max: EXACT_MILLI })],
  (t, m) => {
    t.is(toMilli(Number(formatMilli(m))), m);
    t.is(toMilli(fromMilli(m)), m);
  },
  { numRuns: 1000 },
);

testProp(
  'toMilli(Number(formatMilli(m))) === m for everyday amounts',
  [fc.integer({ min: 0, max: 10_000_000_000 })],
  (t, m) => {
    t.is(toMilli(Number(formatMilli(m))), m);
  },
  { numRuns: 1000 },
);
