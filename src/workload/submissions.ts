/**
 * When each job of a framework is submitted over a run, merged into one time-ordered schedule.
 * Poisson jobs draw their arrivals from the framework's own arrivals stream, job after job in
 * file order, so adding a job to one framework never moves another framework's arrivals.
 *
 * The schedule is held as two parallel typed arrays (time, job index) rather than an object per
 * submission: a day of Poisson arrivals can be a million entries.
 */
import { submissionTimesMs } from '../scenario/arrivals.js';
import type { FrameworkSpec } from '../scenario/schema.js';

/** A framework's submissions, ascending by time (same-time submissions in job order). */
export interface SubmissionSchedule {
  readonly timesMs: Float64Array;
  /** Index into the framework's `jobs` of each submission. */
  readonly jobs: Uint32Array;
}

/** The submissions of `framework`'s jobs, drawing Poisson arrivals from `random`. */
export function submissionSchedule(framework: FrameworkSpec, random: () => number): SubmissionSchedule {
  const perJob = framework.jobs.map((job) => submissionTimesMs(job.start, random));
  const total = perJob.reduce((n, times) => n + times.length, 0);
  const order = new Uint32Array(total);
  const times = new Float64Array(total);
  const jobs = new Uint32Array(total);
  let k = 0;
  perJob.forEach((list, j) => {
    for (const t of list) {
      times[k] = t;
      jobs[k] = j;
      k++;
    }
  });
  for (let i = 0; i < total; i++) order[i] = i;
  // Stable by construction: ties keep their (job, arrival) order through the index comparison.
  order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  return {
    timesMs: Float64Array.from(order, (i) => times[i] as number),
    jobs: Uint32Array.from(order, (i) => jobs[i] as number),
  };
}
