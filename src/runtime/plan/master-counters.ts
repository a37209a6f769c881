/** The master's counters as a run summary reports them, from either world's master. */
import type { MasterCounters } from './harness.js';

/**
 * `master`'s counters a summary reports; all 0 while it is down (undefined). The master
 * or a live master node in another process (live/cluster-nodes.ts) gives them.
 */
export function masterCountersOf(master: { counters(): MasterCounters } | undefined): MasterCounters {
  const counters = master?.counters();
  return {
    allocationRuns: counters?.allocationRuns ?? 0,
    offersMade: counters?.offersMade ?? 0,
    offersAccepted: counters?.offersAccepted ?? 0,
    offersDeclined: counters?.offersDeclined ?? 0,
    offersRescinded: counters?.offersRescinded ?? 0,
  };
}
