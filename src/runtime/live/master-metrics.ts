/**
 * `/metrics/snapshot` of a live master: a flat JSON object of gauges and counters under Mesos's
 * metric names where there is one (docs/monitoring.md: `master/frameworks_active`,
 * `master/slaves_active`, `master/tasks_running`, …), built from the master's state snapshot,
 * and the live layer's own refusals ({@link LiveCounters}), which Mesos has no names for.
 */
import type { MasterState } from '../../master/state.js';

/**
 * What the master's HTTP layer refused, counted since it started: the limits and the security
 * checks that keep one slow or hostile client from hurting the others.
 */
export class LiveCounters {
  /** Connections closed at once because `--max-connections` were open. */
  connectionsRefused = 0;
  /** Connections closed at once because their client held `--max-connections-per-client`. */
  connectionsRefusedPerClient = 0;
  /** Requests answered 413 (over `--max-request-size`). */
  requestsTooLarge = 0;
  /** Requests answered 503 because bodies held at once reached `--max-request-memory`. */
  requestsShed = 0;
  /** Requests answered 401 (no, malformed or wrong credentials). */
  authenticationFailures = 0;
  /** SUBSCRIBE and UPDATE_FRAMEWORK calls answered 403 for a role the ACLs forbid. */
  authorizationFailures = 0;
  /** Event streams closed because their subscriber left more than `--max-event-queue` unread. */
  eventStreamsOverflowed = 0;

  /** The counters under their metric names. */
  metrics(): Record<string, number> {
    return {
      'master/http_connections_refused': this.connectionsRefused,
      'master/http_connections_refused_per_client': this.connectionsRefusedPerClient,
      'master/http_requests_too_large': this.requestsTooLarge,
      'master/http_requests_shed_for_memory': this.requestsShed,
      'master/http_authentication_failures': this.authenticationFailures,
      'master/http_authorization_failures': this.authorizationFailures,
      'master/event_streams_overflowed': this.eventStreamsOverflowed,
    };
  }
}

/** The metrics of `state`, `uptimeSeconds` after the master started. */
export function masterMetrics(
  state: MasterState,
  uptimeSeconds: number,
  counters: LiveCounters = new LiveCounters(),
): Record<string, number> {
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
    ...counters.metrics(),
  };
  for (const [taskState, count] of Object.entries(state.counters.tasksByState)) {
    // TASK_RUNNING → master/tasks_running, as Mesos names its task gauges.
    metrics[`master/${taskState.toLowerCase().replace(/^task_/u, 'tasks_')}`] = count;
  }
  return metrics;
}
