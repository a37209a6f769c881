/**
 * What a scenario run measures, fed by the workload frameworks (task launches and endings, as
 * each framework sees them) and by the runtime (capacity coming and going). It keeps O(1) state
 * per framework and resource, so a run of a million tasks costs nothing per task beyond a few
 * additions.
 *
 * Definitions, chosen to match what a Mesos framework can observe:
 * - a task **uses** its resources from the moment its framework accepts an offer for it until
 *   the framework hears a terminal status for it (Mesos's master counts the same span, shifted
 *   by a network latency);
 * - a framework's **dominant share** is the largest, over resources, of what its tasks use over
 *   the cluster's configured total (DRF's definition, Ghodsi et al. 2011 §4);
 * - **wait** is the time from a task's submission to its launch.
 */
import type { Quantities } from '../allocator/sorter.js';
import { ContendedFairness, type ContendedFairnessResult } from './contended-fairness.js';
import type { RunSeries } from './run-series.js';
import { TimeWeightedMean } from './time-weighted.js';
import { UtilizationTracker } from './utilization.js';

/** How a task ended, as the summary counts it. */
export type TaskOutcome = 'finished' | 'failed' | 'lost' | 'killed' | 'error';

/** The per-framework tallies. */
export class FrameworkTally {
  readonly name: string;
  readonly weight: number;
  submitted = 0;
  launched = 0;
  finished = 0;
  failed = 0;
  lost = 0;
  killed = 0;
  error = 0;
  offersReceived = 0;
  offersUsed = 0;
  offersDeclined = 0;
  waitSumMs = 0;
  waitMaxMs = 0;
  /** When a launched task last ended (any outcome), or undefined while none has. */
  lastEndMs: number | undefined;
  /** Set when the master refused or removed the framework (its `error` callback). */
  errorMessage: string | undefined;
  readonly share = new TimeWeightedMean();
  /** What its running tasks use, per resource (milli-units). */
  readonly used = new Map<string, number>();

  constructor(name: string, weight: number) {
    this.name = name;
    this.weight = weight;
  }

  /** Launched and not yet ended. */
  get running(): number {
    return this.launched - (this.finished + this.failed + this.lost + this.killed + this.error);
  }
}

/** Records a run's measurements; read them back with the getters or `frameworks()`. */
export class RunRecorder {
  readonly #frameworks = new Map<string, FrameworkTally>();
  readonly #utilization = new UtilizationTracker();
  /** The cluster's configured total per resource, the denominator of dominant shares. */
  readonly #clusterTotal: Quantities;
  readonly #series: RunSeries | undefined;
  readonly #contended = new ContendedFairness();

  /**
   * @param frameworks names and weights, in the order the summary lists them
   * @param clusterTotal every agent's resources added up (milli-units)
   * @param series where to record time series too, for reports
   */
  constructor(
    frameworks: readonly { name: string; weight: number }[],
    clusterTotal: Quantities,
    series?: RunSeries,
  ) {
    for (const f of frameworks) this.#frameworks.set(f.name, new FrameworkTally(f.name, f.weight));
    this.#clusterTotal = clusterTotal;
    this.#series = series;
  }

  /** The frameworks' records, in construction order. */
  frameworks(): readonly FrameworkTally[] {
    return [...this.#frameworks.values()];
  }

  /** The record of `name` (an unknown name is a bug of the caller). */
  framework(name: string): FrameworkTally {
    const f = this.#frameworks.get(name);
    if (f === undefined) throw new Error(`assertion failed: no framework ${name} is recorded`);
    return f;
  }

  /** Capacity joined (an agent came up) or left (it went down). */
  capacityChanged(atMs: number, quantities: Quantities, sign: 1 | -1): void {
    this.#utilization.changeTotal(atMs, quantities, sign);
    this.#series?.capacity(atMs, quantities, sign);
  }

  /** `count` tasks were submitted to `framework` at `atMs`. */
  submitted(framework: string, atMs: number, count: number): void {
    const f = this.framework(framework);
    f.submitted += count;
    this.#contendedChanged(f, atMs);
    this.#series?.pendingChanged(f.name, atMs, f.submitted - f.launched);
  }

  /** Offers arrived at `framework`. */
  offersReceived(framework: string, count: number): void {
    this.framework(framework).offersReceived += count;
  }

  /** `framework` launched tasks on an offer (`used`) or declined it. */
  offerAnswered(framework: string, used: boolean): void {
    const f = this.framework(framework);
    if (used) f.offersUsed++;
    else f.offersDeclined++;
  }

  /** `framework` declined `count` offers at once (the rest of an offer batch). */
  offersDeclined(framework: string, count: number): void {
    this.framework(framework).offersDeclined += count;
  }

  /**
   * A task was launched at `atMs`, `waitMs` after its submission, using `quantities`, on the
   * agent named `host` (its offers' hostname; given, the series keep per-agent utilisation).
   */
  taskLaunched(framework: string, atMs: number, waitMs: number, quantities: Quantities, host?: string): void {
    const f = this.framework(framework);
    f.launched++;
    f.waitSumMs += waitMs;
    if (waitMs > f.waitMaxMs) f.waitMaxMs = waitMs;
    this.#series?.waited(framework, waitMs);
    this.#series?.pendingChanged(framework, atMs, f.submitted - f.launched);
    this.#use(f, atMs, quantities, 1);
    if (host !== undefined) this.#series?.agentUsed(host, atMs, quantities, 1);
  }

  /** A launched task (on the agent named `host`, when given) ended at `atMs`. */
  taskEnded(
    framework: string,
    atMs: number,
    outcome: TaskOutcome,
    quantities: Quantities,
    host?: string,
  ): void {
    const f = this.framework(framework);
    f[outcome]++;
    f.lastEndMs = atMs;
    this.#use(f, atMs, quantities, -1);
    if (host !== undefined) this.#series?.agentUsed(host, atMs, quantities, -1);
  }

  /** The master refused or removed `framework`. */
  frameworkFailed(framework: string, message: string): void {
    this.framework(framework).errorMessage = message;
  }

  /** Fairness among the frameworks wanting more, over [0, `untilMs`] (see {@link ContendedFairness}). */
  contendedFairness(untilMs: number): ContendedFairnessResult {
    return this.#contended.result(untilMs);
  }

  /** Time-averaged utilisation per resource over [0, `untilMs`]. */
  utilization(untilMs: number): Readonly<Record<string, number>> {
    return this.#utilization.result(0, untilMs);
  }

  #use(f: FrameworkTally, atMs: number, quantities: Quantities, sign: 1 | -1): void {
    for (const [name, milli] of quantities) f.used.set(name, (f.used.get(name) ?? 0) + sign * milli);
    f.share.set(atMs, this.#dominantShare(f.used));
    this.#utilization.changeUsed(atMs, quantities, sign);
    this.#contendedChanged(f, atMs);
    if (this.#series !== undefined) {
      this.#series.used(atMs, quantities, sign);
      this.#series.frameworkChanged(f.name, atMs, f.share.current, f.running);
    }
  }

  #contendedChanged(f: FrameworkTally, atMs: number): void {
    this.#contended.update(atMs, f.name, f.share.current / f.weight, f.submitted > f.launched);
  }

  #dominantShare(used: Quantities): number {
    let share = 0;
    for (const [name, milli] of used) {
      const total = this.#clusterTotal.get(name) ?? 0;
      if (total > 0 && milli / total > share) share = milli / total;
    }
    return share;
  }
}
