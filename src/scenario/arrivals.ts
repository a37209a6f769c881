/**
 * Job arrivals: when each submission of a job happens. A job with `at` is submitted once; a job
 * with a Poisson arrival process is submitted at every arrival, the gaps between arrivals being
 * exponential with mean 1 / rate. Pure functions of an injected random stream.
 */
import { nextPoissonArrivalMs } from '../core/distributions.js';
import type { JobSpec, JobStart } from './schema.js';

/**
 * Every submission time of a job, in milliseconds, ascending: `[atMs]`, or the Poisson arrivals
 * in [`fromMs`, `untilMs`). Validation bounds the expected number of arrivals (rate × span) by
 * `LIMITS.arrivalsPerProcess`; for a stream that must not be held in memory, step with
 * {@link nextPoissonArrivalMs} instead.
 */
export function submissionTimesMs(start: JobStart, random: () => number): number[] {
  if (start.kind === 'at') return [start.atMs];
  const { ratePerSecond, fromMs, untilMs } = start;
  if (!(ratePerSecond > 0 && Number.isFinite(ratePerSecond))) {
    throw new RangeError(`Poisson rate must be a positive finite number, got ${ratePerSecond}`);
  }
  const times: number[] = [];
  for (let t = nextPoissonArrivalMs(fromMs, ratePerSecond, random); t < untilMs; ) {
    times.push(t);
    t = nextPoissonArrivalMs(t, ratePerSecond, random);
  }
  return times;
}

/** The expected number of submissions of a job: 1, or rate × span for a Poisson job. */
export function expectedSubmissions(start: JobStart): number {
  if (start.kind === 'at') return 1;
  return (start.ratePerSecond * (start.untilMs - start.fromMs)) / 1000;
}

/** The expected number of tasks a job submits over the run. */
export function expectedTasks(job: JobSpec): number {
  return job.tasks * expectedSubmissions(job.start);
}
