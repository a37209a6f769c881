import type { SorterPolicy } from '../sorter.js';
import { ShareSorter } from './share-sorter.js';

/**
 * Asset fairness (the DRF paper's §5 baseline): the share is the sum of the client's fractions
 * of every scalar resource, divided by its weight, so all resources count as one currency. It
 * is strategy-proof and envy-free but breaks the sharing incentive (see the 70 CPU / 70 GB
 * counter-example in the tests).
 */
export const assetPolicy: SorterPolicy = {
  name: 'asset',
  description: 'Asset fairness: lowest sum(allocated / total) first',
  create: () =>
    new ShareSorter((allocation, totals) => {
      let share = 0;
      for (const [name, total] of totals) share += (allocation.get(name) ?? 0) / total;
      return share;
    }),
};
