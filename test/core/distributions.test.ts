import test from 'ava';
import {
  exponential,
  lognormal,
  lognormalParameters,
  nextPoissonArrivalMs,
  poissonArrivalsMs,
  standardNormal,
  uniform,
} from '../../src/core/distributions.js';
import { deriveStream } from '../../src/core/random-streams.js';

// Fixed seed and sample size: the tolerances are about 5 standard errors, so these checks are
// deterministic and would catch a wrong formula (e.g. lognormal fed mu/sigma as mean/stddev).
const N = 50_000;

function stats(sample: (random: () => number) => number, seed = 'dist'): { mean: number; sd: number } {
  const random = deriveStream(seed, 'sample');
  const xs = Array.from({ length: N }, () => sample(random));
  const mean = xs.reduce((s, x) => s + x, 0) / N;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (N - 1));
  return { mean, sd };
}

function near(actual: number, expected: number, tolerance: number): boolean {
  return Math.abs(actual - expected) <= tolerance;
}

test('uniform(min, max): range, mean and spread', (t) => {
  const random = deriveStream(1, 'u');
  for (let i = 0; i < 1000; i++) {
    const x = uniform(10, 20, random);
    t.true(x >= 10 && x < 20);
  }
  const { mean, sd } = stats((r) => uniform(10, 20, r));
  t.true(near(mean, 15, 0.07), `mean ${mean}`);
  t.true(near(sd, 10 / Math.sqrt(12), 0.05), `sd ${sd}`);
  t.is(uniform(5, 5, random), 5);
});

test('exponential(mean): mean and standard deviation both equal the mean', (t) => {
  const { mean, sd } = stats((r) => exponential(250, r));
  t.true(near(mean, 250, 6), `mean ${mean}`);
  t.true(near(sd, 250, 8), `sd ${sd}`);
});

test('standardNormal: mean 0, standard deviation 1', (t) => {
  const { mean, sd } = stats(standardNormal);
  t.true(near(mean, 0, 0.025), `mean ${mean}`);
  t.true(near(sd, 1, 0.02), `sd ${sd}`);
});

test('lognormal(mean, stddev) is parameterised by the mean and stddev of the samples', (t) => {
  const { mean, sd } = stats((r) => lognormal(1000, 500, r));
  t.true(near(mean, 1000, 12), `mean ${mean}`);
  t.true(near(sd, 500, 25), `sd ${sd}`);
  const { mu, sigma } = lognormalParameters(1000, 500);
  t.true(near(Math.exp(mu + sigma ** 2 / 2), 1000, 1e-9));
  t.true(
    near(lognormal(80, 0, deriveStream(1, 'x')), 80, 1e-9),
    'stddev 0 is the constant mean (up to rounding)',
  );
});

test('Poisson arrivals: count over a window matches rate × span', (t) => {
  const random = deriveStream('p', 'arrivals');
  const times = poissonArrivalsMs(0, 1_000_000, 20, random); // 20/s for 1000 s: 20,000 expected
  t.true(near(times.length, 20_000, 5 * Math.sqrt(20_000)), `count ${times.length}`);
  t.true(times.every((x, i) => x >= 0 && x < 1_000_000 && (i === 0 || x > (times[i - 1] as number))));
  const next = nextPoissonArrivalMs(500, 2, deriveStream('p', 'n'));
  t.true(next > 500);
});

test('Poisson arrivals are capped', (t) => {
  t.throws(() => poissonArrivalsMs(0, 1_000_000, 1000, deriveStream(1, 'c'), 100), {
    instanceOf: RangeError,
    message: /more than 100 Poisson arrivals/,
  });
});

test('each sampler draws a fixed number of values', (t) => {
  let draws = 0;
  const counting = () => {
    draws++;
    return 0.3;
  };
  const count = (f: () => unknown) => {
    draws = 0;
    f();
    return draws;
  };
  t.is(
    count(() => uniform(0, 1, counting)),
    1,
  );
  t.is(
    count(() => exponential(1, counting)),
    1,
  );
  t.is(
    count(() => standardNormal(counting)),
    2,
  );
  t.is(
    count(() => lognormal(5, 1, counting)),
    2,
  );
  t.is(
    count(() => nextPoissonArrivalMs(0, 1, counting)),
    1,
  );
});

test('bad parameters are refused with the parameter named', (t) => {
  const random = deriveStream(1, 'bad');
  t.throws(() => uniform(2, 1, random), { instanceOf: RangeError, message: /max must be >= min/ });
  t.throws(() => exponential(0, random), { instanceOf: RangeError, message: /mean must be a positive/ });
  t.throws(() => lognormal(10, -1, random), { instanceOf: RangeError, message: /stddev must be >= 0/ });
  t.throws(() => nextPoissonArrivalMs(0, Number.NaN, random), {
    instanceOf: RangeError,
    message: /ratePerSecond/,
  });
});
