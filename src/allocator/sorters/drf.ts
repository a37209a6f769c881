import type { Quantities, SorterPolicy } from '../sorter.js';
import { MAX_RATIO, ShareSorter } from './share-sorter.js';

/**
 * The dominant share, unweighted: the largest fraction of any scalar resource held, over the
 * cluster totals (Mesos `DRFSorter::calculateShare`). Ranges and sets (ports) do not count.
 */
export function dominantShare(allocation: Quantities, totals: Quantities): number {
  let share = 0;
  for (const [name, total] of totals) {
    const s = (allocation.get(name) ?? 0) / total;
    if (s > share) share = s;
  }
  return share;
}

/**
 * Dominant Resource Fairness (Ghodsi et al., NSDI 2011), as Mesos's DRF sorter computes it:
 * lowest dominant share divided by weight first.
 */
export const drfPolicy: SorterPolicy = {
  name: 'drf',
  description: 'Dominant Resource Fairness: lowest max(allocated / total) / weight first (Mesos default)',
  create: () => new ShareSorter(MAX_RATIO),
};
