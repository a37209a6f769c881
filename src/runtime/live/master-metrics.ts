/**
 * `/metrics/snapshot` of a live master: a flat JSON object of gauges and counters under Mesos's
 * metric names where there is one (docs/monitoring.md: `master/frameworks_active`,
 * `master/slaves_active`, `master/tasks_running`, …), built from the master's state snapshot,
 * the messages counted around it (master-message-counts.ts), and the live layer's own
 * refusals ({@link LiveCounters}), which Mesos has no names for. `system/*` is added by the
 * server (system-metrics.ts).
 */
import { isTerminalState, TASK_STATES } from '../../core/messages/task-state.js';
import type { MasterState, ResourcesModel } from '../../master/state.js';
import { isTerminalOrUnreachable } from '../../master/task-lifecycle.js';
import { MasterEventCounts } from './master-message-counts.js';

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

/** What the live master knows besides its state snapshot, for its metrics. */
export interface MasterMetricsExtras {
  /** Refusals of the HTTP layer. */
  readonly counters?: LiveCounters;
  /** Messages received and registrations, removals (master-message-counts.ts). */
  readonly events?: MasterEventCounts;
  /** Messages queued for the master's process, not yet handled (the live node's inbox). */
  readonly eventQueueMessages?: number;
  /** Whether this master leads (Mesos `master/elected`); default true (a lone master leads). */
  readonly elected?: boolean;
}

/** The scalar resources Mesos's master always reports, each with its revocable twin (metrics.cpp). */
const MASTER_RESOURCES = ['cpus', 'gpus', 'mem', 'disk'] as const;

/** The task states whose metric is a gauge of the tasks in it now (Mesos `_tasks_<state>`). */
const GAUGED = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE'];

/** The terminal states, whose metric counts the tasks that reached it since the master started. */
const COUNTED = TASK_STATES.filter(isTerminalState);

/** TASK_RUNNING → `master/tasks_running`, as Mesos names its task metrics. */
function taskMetric(state: string): string {
  return `master/${state.toLowerCase().replace(/^task_/u, 'tasks_')}`;
}

/**
 * The metrics of `state`, `uptimeSeconds` after the master started, under Mesos's names
 * (src/master/metrics.cpp, docs/monitoring.md), with Agora's own counters beside them:
 * `master/offers_*`, `master/tasks_launched`, `allocator/mesos/allocation_runs` and the HTTP
 * layer's refusals ({@link LiveCounters}).
 */
export function masterMetrics(
  state: MasterState,
  uptimeSeconds: number,
  counters: LiveCounters = new LiveCounters(),
  extras: MasterMetricsExtras = {},
): Record<string, number> {
  const frameworks = state.frameworks;
  const agents = state.slaves;
  const metrics: Record<string, number> = {
    'master/elected': extras.elected === false ? 0 : 1,
    'master/uptime_secs': uptimeSeconds,
    'master/frameworks_active': frameworks.filter((f) => f.active).length,
    'master/frameworks_inactive': frameworks.filter((f) => !f.active).length,
    'master/frameworks_connected': frameworks.filter((f) => f.connected).length,
    'master/frameworks_disconnected': frameworks.filter((f) => !f.connected).length,
    'master/slaves_active': state.activated_slaves,
    'master/slaves_inactive': state.deactivated_slaves,
    'master/slaves_connected': agents.filter((a) => a.connected).length,
    'master/slaves_disconnected': agents.filter((a) => !a.connected).length,
    'master/slaves_unreachable': state.unreachable_slaves,
    'master/outstanding_offers': frameworks.reduce((n, f) => n + f.offers.length, 0),
    'master/event_queue_messages': extras.eventQueueMessages ?? 0,
    // The master's process takes no dispatches, and HTTP requests are answered as they come
    // (node's event loop), never queued behind its messages.
    'master/event_queue_dispatches': 0,
    'master/event_queue_http_requests': 0,
    'allocator/mesos/allocation_runs': state.counters.allocationRuns,
    'master/offers_made': state.counters.offersMade,
    'master/offers_accepted': state.counters.offersAccepted,
    'master/offers_declined': state.counters.offersDeclined,
    'master/offers_rescinded': state.counters.offersRescinded,
    'master/tasks_launched': state.counters.tasksLaunched,
    ...(extras.events ?? new MasterEventCounts()).metrics(),
    ...counters.metrics(),
  };
  for (const taskState of GAUGED)
    metrics[taskMetric(taskState)] = state.counters.tasksByState[taskState] ?? 0;
  for (const taskState of COUNTED)
    metrics[taskMetric(taskState)] = state.counters.taskStateTransitions[taskState] ?? 0;
  const total = sumScalars(agents.map((a) => a.resources));
  const used = sumScalars(agents.map((a) => a.used_resources));
  const offered = sumScalars(agents.map((a) => a.offered_resources));
  for (const name of MASTER_RESOURCES) {
    for (const kind of [name, `${name}_revocable`]) {
      const t = total.get(kind) ?? 0;
      const u = used.get(kind) ?? 0;
      metrics[`master/${kind}_total`] = t;
      metrics[`master/${kind}_used`] = u;
      metrics[`master/${kind}_percent`] = t === 0 ? 0 : u / t;
    }
  }
  for (const [name, t] of total) {
    // Mesos's allocator has these for the resources its agents have.
    if (t === 0) continue;
    metrics[`allocator/mesos/resources/${name}/total`] = t;
    metrics[`allocator/mesos/resources/${name}/offered_or_allocated`] =
      (used.get(name) ?? 0) + (offered.get(name) ?? 0);
  }
  for (const [role, share] of roleDominantShares(state, total)) {
    metrics[`allocator/mesos/roles/${role}/shares/dominant`] = share;
  }
  return metrics;
}

/** The scalar resources of `models` summed by name. */
function sumScalars(models: readonly ResourcesModel[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const model of models) {
    for (const [name, value] of Object.entries(model)) {
      if (typeof value === 'number') out.set(name, (out.get(name) ?? 0) + value);
    }
  }
  return out;
}

/**
 * Each role's dominant share (Mesos's role sorter, `allocator/mesos/roles/<role>/shares/dominant`):
 * the largest fraction of a cluster total its allocation (tasks, executors and offers) holds.
 * Roles with frameworks subscribed to them are reported even at 0.
 */
export function roleDominantShares(
  state: MasterState,
  total: ReadonlyMap<string, number>,
): Map<string, number> {
  const byRole = new Map<string, Map<string, number>>();
  const add = (role: string, resources: ResourcesModel) => {
    const sums = byRole.get(role) ?? new Map<string, number>();
    byRole.set(role, sums);
    for (const [name, value] of Object.entries(resources)) {
      if (typeof value === 'number') sums.set(name, (sums.get(name) ?? 0) + value);
    }
  };
  for (const f of state.frameworks) {
    for (const role of f.roles) add(role, {});
    for (const t of f.tasks) if (!isTerminalOrUnreachable(t.state)) add(t.role, t.resources);
    for (const e of f.executors) add(e.role, e.resources);
    for (const o of f.offers) add(o.allocation_info.role, o.resources);
  }
  const shares = new Map<string, number>();
  for (const [role, sums] of [...byRole].sort(([a], [b]) => a.localeCompare(b))) {
    let share = 0;
    for (const [name, value] of sums) {
      const t = total.get(name) ?? 0;
      if (t > 0) share = Math.max(share, value / t);
    }
    shares.set(role, share);
  }
  return shares;
}
