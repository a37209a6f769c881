/**
 * `/metrics/snapshot` of a live master: a flat JSON object of gauges and counters under Mesos's
 * metric names where there is one (docs/monitoring.md: `master/frameworks_active`,
 * `master/slaves_active`, `master/tasks_running`, …), built from the master's state snapshot.
 */
import type { MasterState } from '../../master/state.js';

/** The metrics of `state`, `uptimeSeconds` after the master started. */
export function masterMetrics(state: MasterState, uptimeSeconds: number): Record<string, number> {
  const frameworks = state.frameworks;
  const metrics: Record<string, number> = {
    'master/elected': 1,
    'master/uptime_secs': uptimeSeconds,
    'master/frameworks_active': frameworks.filter((f) => f.active).length,
    'master/frameworks_inactive': frameworks.filter((f) => !f.active).length,
    'master/frameworks_connected': frameworks.filter((f) => f.connected).length,
    'master/frameworks_disconnected': frameworks.filter((f) => !f.connected).length,
    'master/slaves_active': state.activated_slaves,
    'master/slaves_inactive': state.deactivated_slaves,
    'master/slaves_unreachable': state.unreachable_slaves,
    'allocator/mesos/allocation_runs': state.counters.allocationRuns,
    'master/offers_made': state.counters.offersMade,
    'master/offers_accepted': state.counters.offersAccepted,
    'master/offers_declined': state.counters.offersDeclined,
    'master/offers_rescinded': state.counters.offersRescinded,
    'master/tasks_launched': state.counters.tasksLaunched,
  };
  for (const [taskState, count] of Object.entries(state.counters.tasksByState)) {
    // TASK_RUNNING → master/tasks_running, as Mesos names its task gauges.
    metrics[`master/${taskState.toLowerCase().replace(/^task_/u, 'tasks_')}`] = count;
  }
  return metrics;
}
