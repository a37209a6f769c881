/**
 * Seeded sampling of task durations. Every function takes the random stream as a parameter
 * (`() => number`, uniform in [0, 1)), so the simulator decides which named stream a sample
 * comes from and the same stream always gives the same durations.
 *
 * Each kind draws a fixed number of values per sample (constant and forever 0, exponential and
 * uniform 1, lognormal 2), never a data-dependent number, so a change of parameters does not
 * shift the samples that follow it on the same stream.
 */
import type { Distribution } from './schema.js';

/** A sampler with a distribution's constants worked out once, for hot loops. */
export type Sampler = (random: () => number) => number;

/**
 * The parameters of the normal distribution whose exponential has the given mean and standard
 * deviation: σ² = ln(1 + (sd/mean)²), μ = ln(mean) − σ²/2.
 */
export function lognormalParameters(mean: number, stddev: number): { mu: number; sigma: number } {
  const sigma2 = Math.log1p((stddev / mean) ** 2);
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

/**
 * A standard normal value from two uniform draws (Box–Muller, cosine branch only: keeping the
 * sine value for the next call would make the draw count depend on call history).
 */
export function standardNormal(random: () => number): number {
  // 1 − u lies in (0, 1], so the logarithm is finite.
  const r = Math.sqrt(-2 * Math.log(1 - random()));
  return r * Math.cos(2 * Math.PI * random());
}

/** An exponential value with the given mean, by inversion. */
export function exponential(mean: number, random: () => number): number {
  return -mean * Math.log(1 - random());
}

/** A sampler for `d`, in milliseconds; `forever` samples `Infinity`. */
export function durationSampler(d: Distribution): Sampler {
  switch (d.kind) {
    case 'constant': {
      const v = d.valueMs;
      return () => v;
    }
    case 'forever':
      return () => Number.POSITIVE_INFINITY;
    case 'exponential': {
      const mean = d.meanMs;
      return (random) => exponential(mean, random);
    }
    case 'uniform': {
      const { minMs, maxMs } = d;
      const width = maxMs - minMs;
      return (random) => minMs + width * random();
    }
    case 'lognormal': {
      const { mu, sigma } = lognormalParameters(d.meanMs, d.stddevMs);
      return (random) => Math.exp(mu + sigma * standardNormal(random));
    }
  }
}

/** One sample of `d`, in milliseconds (see {@link durationSampler}). */
export function sampleDurationMs(d: Distribution, random: () => number): number {
  return durationSampler(d)(random);
}

/** The mean of `d` in milliseconds (`Infinity` for forever). */
export function meanMs(d: Distribution): number {
  switch (d.kind) {
    case 'constant':
      return d.valueMs;
    case 'forever':
      return Number.POSITIVE_INFINITY;
    case 'exponential':
    case 'lognormal':
      return d.meanMs;
    case 'uniform':
      return (d.minMs + d.maxMs) / 2;
  }
}
