/**
 * Samplers for the distributions the simulator and the scenarios need (latencies, task
 * durations, inter-arrival gaps): the one home of these formulas, so every layer agrees on a
 * sample. Each is a pure function of the caller's random stream, passed last, so the caller
 * decides which named stream pays for the sample.
 *
 * Each sampler draws a fixed number of values per sample (uniform and exponential one,
 * normal and lognormal two), never a data-dependent number such as a rejection loop would, so
 * changing a parameter does not shift the samples that follow on the same stream.
 */

/** A uniform stream in [0, 1). */
export type RandomStream = () => number;

function requireFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
}

function requirePositive(name: string, value: number): void {
  if (!(value > 0 && Number.isFinite(value))) {
    throw new RangeError(`${name} must be a positive finite number, got ${value}`);
  }
}

/** Uniform in [min, max) (one draw). */
export function uniform(min: number, max: number, random: RandomStream): number {
  requireFinite('min', min);
  requireFinite('max', max);
  if (max < min) throw new RangeError(`max must be >= min, got min=${min} max=${max}`);
  return min + (max - min) * random();
}

/** Exponential with the given mean, by inversion (one draw). */
export function exponential(mean: number, random: RandomStream): number {
  requirePositive('mean', mean);
  // 1 − u lies in (0, 1], so the logarithm is finite.
  return -mean * Math.log(1 - random());
}

/**
 * Standard normal by Box–Muller (two draws). Only the cosine value is used: keeping the sine
 * value for the next call would make each call's draw count depend on the call history.
 */
export function standardNormal(random: RandomStream): number {
  const r = Math.sqrt(-2 * Math.log(1 - random()));
  return r * Math.cos(2 * Math.PI * random());
}

/**
 * The (mu, sigma) of the underlying normal for a lognormal whose values have the given mean and
 * standard deviation: sigma² = ln(1 + (stddev/mean)²), mu = ln(mean) − sigma²/2.
 */
export function lognormalParameters(mean: number, stddev: number): { mu: number; sigma: number } {
  requirePositive('mean', mean);
  requireFinite('stddev', stddev);
  if (stddev < 0) throw new RangeError(`stddev must be >= 0, got ${stddev}`);
  const sigma2 = Math.log1p((stddev / mean) ** 2);
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

/**
 * Lognormal parameterised by the mean and standard deviation *of the samples themselves* (not of
 * their logarithm), which is how task durations are usually quoted (two draws). For the
 * log-space parameters use `Math.exp(mu + sigma * standardNormal(random))`.
 */
export function lognormal(mean: number, stddev: number, random: RandomStream): number {
  const { mu, sigma } = lognormalParameters(mean, stddev);
  return Math.exp(mu + sigma * standardNormal(random));
}

/**
 * The next arrival after `afterMs` of a Poisson process with `ratePerSecond` arrivals per second:
 * the gaps are exponential with mean 1000 / rate ms (one draw).
 */
export function nextPoissonArrivalMs(afterMs: number, ratePerSecond: number, random: RandomStream): number {
  requirePositive('ratePerSecond', ratePerSecond);
  return afterMs + exponential(1000 / ratePerSecond, random);
}

/** Default cap on {@link poissonArrivalsMs}'s output. */
export const MAX_POISSON_ARRIVALS = 1_000_000;

/**
 * Every arrival in [`fromMs`, `untilMs`) of a Poisson process, ascending. The output is capped at
 * `maxArrivals` (a RangeError past it): a rate typo should fail, not exhaust memory; to stream
 * more arrivals, step with {@link nextPoissonArrivalMs}.
 */
export function poissonArrivalsMs(
  fromMs: number,
  untilMs: number,
  ratePerSecond: number,
  random: RandomStream,
  maxArrivals = MAX_POISSON_ARRIVALS,
): number[] {
  requireFinite('fromMs', fromMs);
  requireFinite('untilMs', untilMs);
  const times: number[] = [];
  for (let t = nextPoissonArrivalMs(fromMs, ratePerSecond, random); t < untilMs; ) {
    if (times.length === maxArrivals) {
      throw new RangeError(`more than ${maxArrivals} Poisson arrivals in [${fromMs}, ${untilMs}) ms`);
    }
    times.push(t);
    t = nextPoissonArrivalMs(t, ratePerSecond, random);
  }
  return times;
}
