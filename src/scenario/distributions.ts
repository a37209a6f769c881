/**
 * Seeded sampling of task durations. Every function takes the random stream as a parameter
 * (`() => number`, uniform in [0, 1)), so the simulator decides which named stream a sample
 * comes from and the same stream always gives the same durations.
 *
 * Each kind draws a fixed number of values per sample (constant and forever 0, exponential and
 * uniform 1, lognormal 2), never a data-dependent number, so a change of parameters does not
 * shift the samples that follow it on the same stream.
 */
import { exponential, lognormalParameters, standardNormal } from '../core/distributions.js';
import type { Distribution } from './schema.js';

/** A sampler with a distribution's constants worked out once, for hot loops. */
export type Sampler = (random: () => number) => number;

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
