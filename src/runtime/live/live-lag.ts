/**
 * How late a live run is against its scaled clock. Two measures, both in scenario ms (real
 * lateness × the time scale):
 * - the run's scheduled actions (submissions, reconcile ticks, faults, supervisor restarts):
 *   when each was meant to fire and when it did;
 * - a probe timer, every {@link PROBE_INTERVAL_MS} of real time, whose lateness is the event
 *   loop's: every timer and every message delivery of the master, agents and schedulers in this
 *   process waits behind the same loop.
 *
 * Compared with the smallest timing of the plan that matters ({@link smallestTimingMs}), a lag of
 * more than {@link LAG_TOLERANCE} of it means the run no longer keeps the scenario's timings.
 */
import type { ClusterPlan } from '../plan/cluster-plan.js';

/** Real ms between probe ticks. */
export const PROBE_INTERVAL_MS = 20;

/** The fraction of the smallest timing a lag may reach before the run says it did not hold. */
export const LAG_TOLERANCE = 0.1;

/**
 * The smallest real interval, in ms, a live run can keep within {@link LAG_TOLERANCE}: timers on
 * a loaded event loop fire a millisecond or two late, and an offer's round trip (master → HTTP →
 * scheduler → HTTP → master → agent) takes a few more, so a timing below 20 real ms cannot be
 * held to 10%.
 */
export const MIN_REAL_TIMING_MS = 20;

/** Percentiles of one measure, in scenario ms. */
export interface LagFigures {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** What a live run reports of its lag. */
export interface LagReport {
  readonly actions: LagFigures;
  readonly probe: LagFigures;
  /** The smallest timing of the plan that matters, and what it is. */
  readonly smallestTimingMs: number;
  readonly smallestTiming: string;
  /** The larger p99 of the two, over the smallest timing. */
  readonly fraction: number;
  /** Whether that fraction passed {@link LAG_TOLERANCE}. */
  readonly exceeded: boolean;
}

/**
 * The smallest timing of `plan` a late timer would distort: the allocation interval, the refuse
 * filters, the agent ping timeout, the offer timeout and the reconcile intervals.
 */
export function smallestTimingMs(plan: ClusterPlan): { readonly ms: number; readonly what: string } {
  const candidates: [number, string][] = [
    [plan.master.allocationIntervalMs, 'the allocation interval'],
    [plan.master.agentPingTimeoutMs, 'the agent ping timeout'],
  ];
  if (plan.master.offerTimeoutMs !== undefined)
    candidates.push([plan.master.offerTimeoutMs, 'the offer timeout']);
  for (const f of plan.frameworks) {
    if (f.refuseSeconds > 0) candidates.push([f.refuseSeconds * 1000, 'the refuse filter']);
    if (f.reconcileIntervalMs !== undefined)
      candidates.push([f.reconcileIntervalMs, `${f.spec.name}'s reconcile interval`]);
  }
  let best = candidates[0] as [number, string];
  for (const c of candidates) if (c[0] < best[0]) best = c;
  return { ms: best[0], what: best[1] };
}

/** The largest time scale at which `plan`'s smallest timing stays above {@link MIN_REAL_TIMING_MS}. */
export function maxTimeScale(plan: ClusterPlan): number {
  return smallestTimingMs(plan).ms / MIN_REAL_TIMING_MS;
}

/** Collects lateness samples (scenario ms) and reports them. */
export class LagMeter {
  readonly #scale: number;
  readonly #actions: number[] = [];
  readonly #probe: number[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastTickMs = 0;

  constructor(timeScale: number) {
    this.#scale = timeScale;
  }

  /** Starts the probe. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#lastTickMs = performance.now();
    this.#timer = setInterval(() => {
      const now = performance.now();
      this.#probe.push(Math.max(0, now - this.#lastTickMs - PROBE_INTERVAL_MS) * this.#scale);
      this.#lastTickMs = now;
    }, PROBE_INTERVAL_MS);
  }

  /** Stops the probe. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** An action meant for `intendedMs` fired at `actualMs` (scenario ms). */
  action(intendedMs: number, actualMs: number): void {
    this.#actions.push(Math.max(0, actualMs - intendedMs));
  }

  /** The figures so far, against `plan`'s smallest timing. */
  report(plan: ClusterPlan): LagReport {
    const actions = figures(this.#actions);
    const probe = figures(this.#probe);
    const smallest = smallestTimingMs(plan);
    const fraction = Math.max(actions.p99Ms, probe.p99Ms) / smallest.ms;
    return {
      actions,
      probe,
      smallestTimingMs: smallest.ms,
      smallestTiming: smallest.what,
      fraction,
      exceeded: fraction > LAG_TOLERANCE,
    };
  }
}

function figures(samples: readonly number[]): LagFigures {
  if (samples.length === 0) return { count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return {
    count: sorted.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted[sorted.length - 1] as number,
  };
}
