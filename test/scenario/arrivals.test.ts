/** Job arrivals: fixed times, and Poisson processes whose counts and gaps match their rate. */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { nextPoissonArrivalMs } from '../../src/core/distributions.js';
import { resources } from '../../src/core/resource-text.js';
import { expectedSubmissions, expectedTasks, submissionTimesMs } from '../../src/scenario/arrivals.js';
import type { JobStart } from '../../src/scenario/schema.js';
import { counting, stream } from './fixtures.js';

function poisson(ratePerSecond: number, fromMs: number, untilMs: number): JobStart {
  return { kind: 'poisson', ratePerSecond, fromMs, untilMs };
}

test('a job with "at" is submitted once, drawing nothing', (t) => {
  const c = counting(stream(1));
  t.deepEqual(submissionTimesMs({ kind: 'at', atMs: 1500 }, c.random), [1500]);
  t.is(c.draws(), 0);
});

test('Poisson: the count is near rate × span for a fixed seed', (t) => {
  // 0.5/s over 2000 s: 1000 expected, standard deviation √1000 ≈ 32; allow four of them.
  const times = submissionTimesMs(poisson(0.5, 0, 2_000_000), stream('count'));
  t.true(Math.abs(times.length - 1000) <= 126, String(times.length));
});

test('Poisson: times are ascending and within [from, until)', (t) => {
  const times = submissionTimesMs(poisson(2, 10_000, 20_000), stream('bounds'));
  t.true(times.length > 0);
  t.true(times.every((x, i) => x >= 10_000 && x < 20_000 && (i === 0 || x > (times[i - 1] ?? 0))));
});

test('Poisson: the mean gap is 1 / rate', (t) => {
  const random = stream('gaps');
  let t0 = 0;
  let sum = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const t1 = nextPoissonArrivalMs(t0, 4, random);
    sum += t1 - t0;
    t0 = t1;
  }
  // Mean gap 250 ms; standard error 250/√20000 ≈ 0.7 %.
  t.true(Math.abs(sum / n - 250) <= 0.03 * 250, String(sum / n));
});

test('Poisson: one draw per arrival, plus the one that lands past the end', (t) => {
  const c = counting(stream('draws'));
  const times = submissionTimesMs(poisson(1, 0, 100_000), c.random);
  t.is(c.draws(), times.length + 1);
});

test('Poisson: the same stream gives the same arrivals', (t) => {
  const s = poisson(0.1, 0, 600_000);
  t.deepEqual(submissionTimesMs(s, stream('x')), submissionTimesMs(s, stream('x')));
});

test('Poisson: a rate that is not positive and finite is a bug', (t) => {
  t.throws(() => submissionTimesMs(poisson(0, 0, 1000), stream(1)), { instanceOf: RangeError });
  t.throws(() => submissionTimesMs(poisson(Number.POSITIVE_INFINITY, 0, 1000), stream(1)), {
    instanceOf: RangeError,
  });
});

test('expected submissions and tasks', (t) => {
  t.is(expectedSubmissions({ kind: 'at', atMs: 0 }), 1);
  t.is(expectedSubmissions(poisson(0.05, 0, 3_000_000)), 150);
  const job = {
    name: 'q',
    start: poisson(0.05, 0, 3_000_000),
    tasks: 5,
    resources: resources('cpus:1'),
    duration: { kind: 'forever' } as const,
    failRate: 0,
  };
  t.is(expectedTasks(job), 750);
});

testProp(
  'Poisson: counts are within five standard deviations of rate × span',
  [fc.double({ min: 0.001, max: 100, noNaN: true }), fc.integer({ min: 1, max: 10_000 }), fc.integer()],
  (t, rate, expected, seed) => {
    // Choose the span so that about `expected` arrivals are due.
    const spanMs = (expected / rate) * 1000;
    const times = submissionTimesMs(poisson(rate, 0, spanMs), stream(seed));
    const mu = expectedSubmissions(poisson(rate, 0, spanMs));
    t.true(Math.abs(times.length - mu) <= 5 * Math.sqrt(mu) + 1, `${times.length} vs ${mu}`);
    t.true(times.every((x) => x >= 0 && x < spanMs));
  },
  { numRuns: 100 },
);
