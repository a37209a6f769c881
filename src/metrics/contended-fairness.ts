/**
 * Fairness while it matters: the time-average of Jain's index over the frameworks that want more
 * (tasks pending), of their dominant shares over their weights, taken over the moments when at
 * least two frameworks want more.
 *
 * This is what DRF promises (progressive filling equalises the weighted dominant shares of the
 * users that still have demand), and unlike Jain's index of time-averaged shares it tells
 * policies apart on batch work: when every task finishes within the run, each framework's
 * time-averaged share is its total work over the run's length whatever the policy, so that index
 * is the same for every policy.
 */
import { jainIndex } from './jain.js';

/** What {@link ContendedFairness.result} gives. */
export interface ContendedFairnessResult {
  /** The time-averaged index, or null if two frameworks never wanted more at once. */
  readonly jainIndex: number | null;
  /** How long at least two frameworks wanted more, in ms. */
  readonly contendedMs: number;
}

/** Integrates the contended Jain index over time; O(frameworks wanting more) per change. */
export class ContendedFairness {
  /** Weighted dominant share of each framework that wants more. */
  readonly #wanting = new Map<string, number>();
  #lastMs = 0;
  #index = 1;
  #area = 0;
  #contendedMs = 0;

  /** `framework`'s weighted share is `weightedShare` from `atMs`, and it wants more or not. */
  update(atMs: number, framework: string, weightedShare: number, wantsMore: boolean): void {
    this.#closeTo(atMs);
    if (wantsMore) this.#wanting.set(framework, weightedShare);
    else this.#wanting.delete(framework);
    this.#index = this.#wanting.size >= 2 ? jainIndex([...this.#wanting.values()]) : 1;
  }

  /** The result over [0, `untilMs`]. */
  result(untilMs: number): ContendedFairnessResult {
    this.#closeTo(Math.max(untilMs, this.#lastMs));
    return {
      jainIndex: this.#contendedMs > 0 ? this.#area / this.#contendedMs : null,
      contendedMs: this.#contendedMs,
    };
  }

  #closeTo(atMs: number): void {
    if (atMs < this.#lastMs) throw new RangeError(`time went backwards: ${atMs} ms < ${this.#lastMs} ms`);
    if (this.#wanting.size >= 2) {
      this.#area += this.#index * (atMs - this.#lastMs);
      this.#contendedMs += atMs - this.#lastMs;
    }
    this.#lastMs = atMs;
  }
}

/**
 * When the contended index means something: contention that lasted at least this share of the
 * run *and* this many allocation cycles. A few cycles of overlap (two jobs submitted in the
 * same second) give an index of one or two allocation decisions, which says nothing about a
 * policy; 5% of the run and 30 cycles (30 s at Mesos's default 1 s interval) is long enough for
 * the allocator to have made many offers to each contender.
 */
export const MEANINGFUL_CONTENTION = { runShare: 0.05, allocationCycles: 30 } as const;

/** Whether `contendedSeconds` of a `runSeconds` run is contention worth an index. */
export function contentionIsMeaningful(
  contendedSeconds: number,
  runSeconds: number,
  allocationIntervalSeconds: number,
): boolean {
  return (
    contendedSeconds >= MEANINGFUL_CONTENTION.runShare * runSeconds &&
    contendedSeconds >= MEANINGFUL_CONTENTION.allocationCycles * allocationIntervalSeconds
  );
}
