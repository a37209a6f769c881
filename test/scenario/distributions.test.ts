/**
 * Duration sampling: means (and spreads) within tolerance for fixed seeds and, with fast-check,
 * across parameter ranges; a fixed number of draws per sample; determinism per stream.
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { lognormalParameters, standardNormal } from '../../src/core/distributions.js';
import { durationSampler, meanMs, sampleDurationMs } from '../../src/scenario/distributions.js';
import type { Distribution } from '../../src/scenario/schema.js';
import { counting, stream } from './fixtures.js';

function samples(d: Distribution, n: number, seed: string | number): number[] {
  const random = stream(seed);
  const sample = durationSampler(d);
  return Array.from({ length: n }, () => sample(random));
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function stddev(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** |actual − expected| ≤ tolerance × expected. */
function near(actual: number, expected: number, tolerance: number): boolean {
  return Math.abs(actual - expected) <= tolerance * expected;
}

const N = 20_000;

test('exponential: mean and standard deviation equal the mean', (t) => {
  const xs = samples({ kind: 'exponential', meanMs: 30_000 }, N, 1);
  // The standard error of the mean is 30 s / √20000 ≈ 0.7 %; 3 % is over four of them.
  t.true(near(mean(xs), 30_000, 0.03), String(mean(xs)));
  t.true(near(stddev(xs), 30_000, 0.05), String(stddev(xs)));
  t.true(xs.every((x) => x >= 0 && Number.isFinite(x)));
});

test('uniform: within bounds, mean in the middle', (t) => {
  const xs = samples({ kind: 'uniform', minMs: 30_000, maxMs: 90_000 }, N, 2);
  t.true(xs.every((x) => x >= 30_000 && x < 90_000));
  t.true(near(mean(xs), 60_000, 0.01), String(mean(xs)));
  // The standard deviation of a uniform is width / √12.
  t.true(near(stddev(xs), 60_000 / Math.sqrt(12), 0.03), String(stddev(xs)));
});

test('lognormal: the given mean and standard deviation are those of the durations', (t) => {
  const xs = samples({ kind: 'lognormal', meanMs: 600_000, stddevMs: 300_000 }, N, 3);
  t.true(near(mean(xs), 600_000, 0.03), String(mean(xs)));
  t.true(near(stddev(xs), 300_000, 0.06), String(stddev(xs)));
  t.true(xs.every((x) => x > 0));
});

test('lognormal with a standard deviation of 0 is constant', (t) => {
  const xs = samples({ kind: 'lognormal', meanMs: 5000, stddevMs: 0 }, 100, 4);
  t.true(xs.every((x) => near(x, 5000, 1e-12)));
});

test('lognormal parameters: exp(μ + σ²/2) is the mean', (t) => {
  const { mu, sigma } = lognormalParameters(600, 300);
  t.true(near(Math.exp(mu + (sigma * sigma) / 2), 600, 1e-12));
  t.true(near(Math.sqrt(Math.expm1(sigma * sigma)) * 600, 300, 1e-12));
});

test('standard normal: mean 0, standard deviation 1', (t) => {
  const random = stream(5);
  const xs = Array.from({ length: N }, () => standardNormal(random));
  t.true(Math.abs(mean(xs)) < 0.03, String(mean(xs)));
  t.true(near(stddev(xs), 1, 0.03), String(stddev(xs)));
});

test('constant and forever draw nothing', (t) => {
  const c = counting(stream(6));
  t.is(sampleDurationMs({ kind: 'constant', valueMs: 60_000 }, c.random), 60_000);
  t.is(sampleDurationMs({ kind: 'forever' }, c.random), Number.POSITIVE_INFINITY);
  t.is(c.draws(), 0);
});

test('draws per sample are fixed: exponential 1, uniform 1, lognormal 2', (t) => {
  const cases: [Distribution, number][] = [
    [{ kind: 'exponential', meanMs: 1 }, 1],
    [{ kind: 'uniform', minMs: 0, maxMs: 1 }, 1],
    [{ kind: 'lognormal', meanMs: 1, stddevMs: 1 }, 2],
  ];
  for (const [d, draws] of cases) {
    const c = counting(stream(7));
    const sample = durationSampler(d);
    for (let i = 0; i < 10; i++) sample(c.random);
    t.is(c.draws(), 10 * draws, d.kind);
  }
});

test('the same stream gives the same samples', (t) => {
  const d: Distribution = { kind: 'lognormal', meanMs: 100, stddevMs: 50 };
  t.deepEqual(samples(d, 50, 'same'), samples(d, 50, 'same'));
  t.notDeepEqual(samples(d, 50, 'same'), samples(d, 50, 'other'));
});

test('meanMs', (t) => {
  t.is(meanMs({ kind: 'constant', valueMs: 5 }), 5);
  t.is(meanMs({ kind: 'exponential', meanMs: 7 }), 7);
  t.is(meanMs({ kind: 'uniform', minMs: 2, maxMs: 4 }), 3);
  t.is(meanMs({ kind: 'lognormal', meanMs: 9, stddevMs: 1 }), 9);
  t.is(meanMs({ kind: 'forever' }), Number.POSITIVE_INFINITY);
});

/** Sample sizes and tolerances for the properties: about six standard errors, so a pass is sure. */
const M = 4000;

testProp(
  'exponential: the sample mean is near the mean, for any mean',
  [fc.double({ min: 1e-3, max: 1e9, noNaN: true }), fc.integer()],
  (t, m, seed) => {
    const xs = samples({ kind: 'exponential', meanMs: m }, M, seed);
    // Standard error 1/√4000 ≈ 1.6 %.
    t.true(near(mean(xs), m, 0.1), `${mean(xs)} vs ${m}`);
    t.true(xs.every((x) => x >= 0));
  },
  { numRuns: 50 },
);

testProp(
  'uniform: samples stay in [min, max] and the mean is near the middle',
  // Validated times are whole microseconds, so bounds are drawn as such.
  [fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1e12 }), fc.integer()],
  (t, a, b, seed) => {
    const [lo, hi] = a <= b ? [a / 1000, b / 1000] : [b / 1000, a / 1000];
    const xs = samples({ kind: 'uniform', minMs: lo, maxMs: hi }, M, seed);
    t.true(xs.every((x) => x >= lo && x <= hi));
    // Standard error width / √(12 · 4000) ≈ 0.5 % of the width.
    t.true(Math.abs(mean(xs) - (lo + hi) / 2) <= 0.03 * (hi - lo) + 1e-9 * hi);
  },
  { numRuns: 50 },
);

testProp(
  'lognormal: the sample mean is near the mean for coefficients of variation up to 1',
  [fc.double({ min: 1e-3, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer()],
  (t, m, cv, seed) => {
    const xs = samples({ kind: 'lognormal', meanMs: m, stddevMs: m * cv }, M, seed);
    // Standard error at most cv/√4000 ≈ 1.6 %.
    t.true(near(mean(xs), m, 0.1), `${mean(xs)} vs ${m} (cv ${cv})`);
    t.true(xs.every((x) => x > 0 && Number.isFinite(x)));
  },
  { numRuns: 50 },
);
