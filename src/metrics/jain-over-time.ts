/**
 * Jain's index bin by bin, among the frameworks that wanted more in the bin, of their
 * time-averaged dominant shares over their weights: the population of the summary's contended
 * index (contended-fairness.ts), drawn over time so a reader sees *when* a policy is unfair, not
 * only how much on average.
 *
 * A framework wants more in a bin when its queue held at least {@link WANTING_PENDING_MIN} tasks
 * on average over the bin. A stream of small queries, each launched within a cycle of arriving,
 * has a task pending for an instant in most bins; counting it would make the index and the fair
 * shares flicker with every arrival while it is never kept waiting.
 */
import { jainIndex } from './jain.js';
import { round6 } from './round.js';

/** A framework wants more in a bin when its queue averaged at least this many tasks over it. */
export const WANTING_PENDING_MIN = 0.5;

/** One framework's binned series and weight. */
export interface WeightedShareSeries {
  readonly dominantShare: readonly number[];
  readonly pending: readonly number[];
  readonly weight: number;
}

/**
 * Per bin: Jain's index of `dominantShare / weight` over the frameworks that wanted more in the
 * bin, or null when fewer than two did (no contention, nothing to judge).
 */
export function jainPerBin(frameworks: readonly WeightedShareSeries[]): (number | null)[] {
  const bins = Math.max(0, ...frameworks.map((f) => f.dominantShare.length));
  const out: (number | null)[] = [];
  for (let k = 0; k < bins; k++) {
    const wanting: number[] = [];
    for (const f of frameworks) {
      if ((f.pending[k] ?? 0) >= WANTING_PENDING_MIN) wanting.push((f.dominantShare[k] ?? 0) / f.weight);
    }
    out.push(wanting.length >= 2 ? round6(jainIndex(wanting)) : null);
  }
  return out;
}

/**
 * Per framework, per bin: its weighted fair share among the frameworks that wanted more in the
 * bin (its weight over the sum of their weights), or null when it wanted no more. Weighted DRF
 * guarantees each framework that wants more at least this share of its dominant resource
 * (sharing incentive, Ghodsi et al. 2011 §4.1); it may hold more when the others' demands are
 * on other resources.
 */
export function fairSharePerBin(frameworks: readonly WeightedShareSeries[]): (number | null)[][] {
  const bins = Math.max(0, ...frameworks.map((f) => f.pending.length));
  const out = frameworks.map((): (number | null)[] => []);
  for (let k = 0; k < bins; k++) {
    let weights = 0;
    for (const f of frameworks) if ((f.pending[k] ?? 0) >= WANTING_PENDING_MIN) weights += f.weight;
    frameworks.forEach((f, i) => {
      out[i]?.push((f.pending[k] ?? 0) >= WANTING_PENDING_MIN ? round6(f.weight / weights) : null);
    });
  }
  return out;
}
