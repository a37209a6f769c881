/**
 * What a run's report charts: time series averaged over fixed bins (utilisation per resource,
 * each framework's dominant share, running tasks and pending tasks, offers per allocation cycle)
 * and each framework's task waits. It is fed by the {@link RunRecorder} (tasks starting and ending,
 * capacity coming and going) and by the runtime (the master's offer counters at each bin's end),
 * and costs O(1) per change plus one number per launched task.
 *
 * A bin spans a whole number of allocation intervals, so "offers per allocation cycle" is exact
 * per bin; runs of up to {@link DEFAULT_MAX_BINS} cycles get one bin per cycle.
 */
import type { Quantities } from '../allocator/sorter.js';
import { BinnedMean } from './binned-mean.js';
import { round3, round6 } from './round.js';

/** Charts look no better with more points than this; longer runs average cycles together. */
export const DEFAULT_MAX_BINS = 360;

/** At most this many waits are kept per framework in the data (evenly spaced by rank). */
export const MAX_WAIT_POINTS = 1000;

/** The master's cumulative offer counters at some moment. */
export interface OfferCounters {
  readonly offersMade: number;
  readonly offersAccepted: number;
  readonly offersDeclined: number;
}

/**
 * A sample of a framework's task waits, sorted ascending, in seconds: every wait when there are
 * at most {@link MAX_WAIT_POINTS}, else that many evenly spaced by rank (the first and last are
 * the minimum and maximum). `count` is how many tasks waited.
 */
export interface WaitSample {
  readonly count: number;
  readonly seconds: readonly number[];
}

/** One framework's series. */
export interface FrameworkSeriesData {
  /** Time-averaged dominant share in each bin, 0–1. */
  readonly dominantShare: readonly number[];
  /** Time-averaged number of running tasks in each bin (to a thousandth of a task). */
  readonly running: readonly number[];
  /**
   * Time-averaged number of tasks submitted and not yet launched in each bin (its queue depth,
   * the summary's "pending"), to a thousandth of a task.
   */
  readonly pending: readonly number[];
  readonly waits: WaitSample;
}

/** A run's series, as plain JSON (it crosses worker threads and goes into reports). */
export interface RunSeriesData {
  /** Bin k covers [k·binSeconds, (k+1)·binSeconds), the last one cut at `untilSeconds`. */
  readonly binSeconds: number;
  readonly untilSeconds: number;
  /** Allocation cycles per whole bin. */
  readonly cyclesPerBin: number;
  /** Per resource: used over available capacity in each bin, 0–1. */
  readonly utilization: Readonly<Record<string, readonly number[]>>;
  /** Keyed by framework name, in scenario order. */
  readonly frameworks: Readonly<Record<string, FrameworkSeriesData>>;
  /** Offers per allocation cycle, averaged over each bin's cycles. */
  readonly offersPerCycle: {
    readonly made: readonly number[];
    readonly accepted: readonly number[];
    readonly declined: readonly number[];
  };
  /**
   * Per agent (by hostname, as offers name it), per resource: what its running tasks use in
   * each bin, time-averaged, in the resource's units (to a thousandth). Agents on which no task
   * ever ran are absent. A report turns it into a utilisation heatmap (report/agent-heatmap.ts).
   */
  readonly agents: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
}

/** How a run's series are cut into bins. */
export interface RunSeriesOptions {
  readonly untilMs: number;
  readonly allocationIntervalMs: number;
  /** Framework names, in the order reports list them. */
  readonly frameworks: readonly string[];
  /** Resource names that have capacity. */
  readonly resources: readonly string[];
  readonly maxBins?: number;
}

class FrameworkSeries {
  readonly share: BinnedMean;
  readonly running: BinnedMean;
  readonly pending: BinnedMean;
  waits = new Float64Array(64);
  waitCount = 0;

  constructor(binMs: number, bins: number) {
    this.share = new BinnedMean(binMs, bins);
    this.running = new BinnedMean(binMs, bins);
    this.pending = new BinnedMean(binMs, bins);
  }
}

/** Collects a run's series; read them with {@link data} at the end. */
export class RunSeries {
  readonly binMs: number;
  readonly binCount: number;
  readonly #untilMs: number;
  readonly #intervalMs: number;
  readonly #frameworks = new Map<string, FrameworkSeries>();
  readonly #used = new Map<string, BinnedMean>();
  readonly #capacity = new Map<string, BinnedMean>();
  /** Hostname → resource → what its tasks use; created when an agent first runs a task. */
  readonly #agents = new Map<string, Map<string, BinnedMean>>();
  readonly #offers = { made: [] as number[], accepted: [] as number[], declined: [] as number[] };
  #last: OfferCounters = { offersMade: 0, offersAccepted: 0, offersDeclined: 0 };

  constructor(options: RunSeriesOptions) {
    const maxBins = options.maxBins ?? DEFAULT_MAX_BINS;
    const cycles = options.untilMs / options.allocationIntervalMs;
    const cyclesPerBin = Math.max(1, Math.ceil(cycles / maxBins));
    this.#untilMs = options.untilMs;
    this.#intervalMs = options.allocationIntervalMs;
    this.binMs = cyclesPerBin * options.allocationIntervalMs;
    this.binCount = Math.max(1, Math.ceil(options.untilMs / this.binMs));
    for (const name of options.frameworks) {
      this.#frameworks.set(name, new FrameworkSeries(this.binMs, this.binCount));
    }
    for (const name of options.resources) {
      this.#used.set(name, new BinnedMean(this.binMs, this.binCount));
      this.#capacity.set(name, new BinnedMean(this.binMs, this.binCount));
    }
  }

  /** When the next offer sample is due (the end of the first unsampled bin), or Infinity. */
  nextSampleMs(): number {
    const k = this.#offers.made.length;
    return k < this.binCount ? Math.min((k + 1) * this.binMs, this.#untilMs) : Number.POSITIVE_INFINITY;
  }

  /** The master's counters at {@link nextSampleMs}: closes that bin's offer figures. */
  sampleOffers(counters: OfferCounters): void {
    const k = this.#offers.made.length;
    const width = Math.min(this.binMs, this.#untilMs - k * this.binMs);
    const cycles = width / this.#intervalMs;
    this.#offers.made.push(round6((counters.offersMade - this.#last.offersMade) / cycles));
    this.#offers.accepted.push(round6((counters.offersAccepted - this.#last.offersAccepted) / cycles));
    this.#offers.declined.push(round6((counters.offersDeclined - this.#last.offersDeclined) / cycles));
    this.#last = { ...counters };
  }

  /** `framework`'s dominant share and running-task count became these at `atMs`. */
  frameworkChanged(framework: string, atMs: number, share: number, running: number): void {
    const f = this.#framework(framework);
    f.share.set(atMs, share);
    f.running.set(atMs, running);
  }

  /** `framework`'s tasks submitted and not yet launched became `pending` at `atMs`. */
  pendingChanged(framework: string, atMs: number, pending: number): void {
    this.#framework(framework).pending.set(atMs, pending);
  }

  /** A task of `framework` waited `waitMs` from submission to launch. */
  waited(framework: string, waitMs: number): void {
    const f = this.#framework(framework);
    if (f.waitCount === f.waits.length) {
      const grown = new Float64Array(f.waits.length * 2);
      grown.set(f.waits);
      f.waits = grown;
    }
    f.waits[f.waitCount++] = waitMs;
  }

  /** Tasks' resources came into use (sign 1) or left it (−1) at `atMs`. */
  used(atMs: number, quantities: Quantities, sign: 1 | -1): void {
    RunSeries.#apply(this.#used, atMs, quantities, sign);
  }

  /**
   * A task's resources came into use (sign 1) or left it (−1) at `atMs` on the agent `host`.
   * Costs one array of bins per resource of each agent that ever runs a task.
   */
  agentUsed(host: string, atMs: number, quantities: Quantities, sign: 1 | -1): void {
    let agent = this.#agents.get(host);
    if (agent === undefined) {
      agent = new Map();
      for (const name of this.#capacity.keys()) agent.set(name, new BinnedMean(this.binMs, this.binCount));
      this.#agents.set(host, agent);
    }
    RunSeries.#apply(agent, atMs, quantities, sign);
  }

  /** Capacity joined (sign 1) or left (−1) at `atMs`. */
  capacity(atMs: number, quantities: Quantities, sign: 1 | -1): void {
    RunSeries.#apply(this.#capacity, atMs, quantities, sign);
  }

  /** The series over [0, `untilMs`]. */
  data(untilMs: number): RunSeriesData {
    const utilization: Record<string, number[]> = {};
    for (const name of [...this.#capacity.keys()].sort()) {
      const capacity = (this.#capacity.get(name) as BinnedMean).means(untilMs);
      const used = (this.#used.get(name) as BinnedMean).means(untilMs);
      utilization[name] = Array.from(capacity, (c, k) =>
        round6(c > 0 ? Math.min(1, (used[k] as number) / c) : 0),
      );
    }
    const frameworks: Record<string, FrameworkSeriesData> = {};
    for (const [name, f] of this.#frameworks) {
      frameworks[name] = {
        dominantShare: Array.from(f.share.means(untilMs), round6),
        running: Array.from(f.running.means(untilMs), round3),
        pending: Array.from(f.pending.means(untilMs), round3),
        waits: waitSample(f.waits.subarray(0, f.waitCount)),
      };
    }
    const agents: Record<string, Record<string, number[]>> = {};
    for (const [host, used] of this.#agents) {
      const row: Record<string, number[]> = {};
      for (const [name, mean] of used) row[name] = Array.from(mean.means(untilMs), (m) => round3(m / 1000));
      agents[host] = row;
    }
    return {
      binSeconds: this.binMs / 1000,
      untilSeconds: untilMs / 1000,
      cyclesPerBin: this.binMs / this.#intervalMs,
      utilization,
      frameworks,
      offersPerCycle: {
        made: [...this.#offers.made],
        accepted: [...this.#offers.accepted],
        declined: [...this.#offers.declined],
      },
      agents,
    };
  }

  #framework(name: string): FrameworkSeries {
    const f = this.#frameworks.get(name);
    if (f === undefined) throw new Error(`assertion failed: no framework ${name} has series`);
    return f;
  }

  static #apply(series: Map<string, BinnedMean>, atMs: number, quantities: Quantities, sign: 1 | -1): void {
    for (const [name, milli] of quantities) {
      const s = series.get(name);
      if (s !== undefined) s.set(atMs, s.current + sign * milli);
    }
  }
}

/** Sorts `waitsMs` and keeps at most {@link MAX_WAIT_POINTS} of them, evenly spaced by rank. */
export function waitSample(waitsMs: Float64Array): WaitSample {
  const sorted = Float64Array.from(waitsMs).sort();
  const n = sorted.length;
  const points = Math.min(n, MAX_WAIT_POINTS);
  const seconds: number[] = [];
  for (let i = 0; i < points; i++) {
    const rank = points === 1 ? 0 : Math.round((i * (n - 1)) / (points - 1));
    seconds.push(round6((sorted[rank] as number) / 1000));
  }
  return { count: n, seconds };
}
