/**
 * What a live master received and did, counted from outside it for Mesos's message and
 * registration metrics (src/master/metrics.cpp; docs/monitoring.md): the master is sans-IO and
 * keeps no such counters, so the live runtime wraps it ({@link countedMessages}) and reads its
 * trace ({@link MasterEventCounts.traced}). `agora sim` never wraps its master.
 *
 * Messages are counted as Mesos's master counts them on receipt (Master::receive and the
 * handlers it calls): a v1 SUBSCRIBE without a framework id is `messages_register_framework`,
 * with one `messages_reregister_framework`; an ACCEPT with operations is
 * `messages_launch_tasks` and without any `messages_decline_offers` (Master::accept); and so on.
 */
import type { Process } from '../../core/process.js';
import type { Wire } from '../../core/wire.js';

/** Every `master/messages_*` counter Mesos has that Agora's messages map to, all from 0. */
export const MESSAGE_COUNTERS = [
  'register_framework',
  'reregister_framework',
  'unregister_framework',
  'deactivate_framework',
  'kill_task',
  'status_update_acknowledgement',
  'resource_request',
  'launch_tasks',
  'decline_offers',
  'revive_offers',
  'suppress_offers',
  'reconcile_operations',
  'reconcile_tasks',
  'framework_to_executor',
  'operation_status_update_acknowledgement',
  'executor_to_framework',
  'register_slave',
  'reregister_slave',
  'unregister_slave',
  'status_update',
  'operation_status_update',
  'exited_executor',
  'update_slave',
  'authenticate',
] as const;

/** One of {@link MESSAGE_COUNTERS}. */
export type MessageCounter = (typeof MESSAGE_COUNTERS)[number];

/** The Mesos counter a message to the master counts under, if any. */
export function messageCounter(msg: Wire): MessageCounter | undefined {
  switch (msg.channel) {
    case 'scheduler-call': {
      const call = msg.call;
      switch (call.type) {
        case 'SUBSCRIBE':
          return call.framework_id === undefined && call.subscribe.framework_info.id === undefined
            ? 'register_framework'
            : 'reregister_framework';
        case 'TEARDOWN':
          return 'unregister_framework';
        case 'ACCEPT':
          return (call.accept.operations ?? []).length > 0 ? 'launch_tasks' : 'decline_offers';
        case 'DECLINE':
          return 'decline_offers';
        case 'REVIVE':
          return 'revive_offers';
        case 'SUPPRESS':
          return 'suppress_offers';
        case 'KILL':
          return 'kill_task';
        case 'ACKNOWLEDGE':
          return 'status_update_acknowledgement';
        case 'ACKNOWLEDGE_OPERATION_STATUS':
          return 'operation_status_update_acknowledgement';
        case 'RECONCILE':
          return 'reconcile_tasks';
        case 'RECONCILE_OPERATIONS':
          return 'reconcile_operations';
        case 'MESSAGE':
          return 'framework_to_executor';
        case 'REQUEST':
          return 'resource_request';
        default:
          return undefined;
      }
    }
    case 'agent': {
      switch (msg.message.type) {
        case 'REGISTER_AGENT':
          return 'register_slave';
        case 'REREGISTER_AGENT':
          return 'reregister_slave';
        case 'UNREGISTER_AGENT':
          return 'unregister_slave';
        case 'STATUS_UPDATE':
          return 'status_update';
        case 'EXITED_EXECUTOR':
          return 'exited_executor';
        case 'EXECUTOR_TO_FRAMEWORK':
          return 'executor_to_framework';
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** The master's trace kinds that Mesos counts, and the metric each one counts under. */
const TRACED: Readonly<Record<string, string>> = {
  'master.agent-registered': 'master/slave_registrations',
  'master.agent-reregistered': 'master/slave_reregistrations',
  'master.agent-removed': 'master/slave_removals',
  // Mesos counts an agent marked unreachable after failed health checks as a removal too
  // (`slave_removals/reason_unhealthy`).
  'master.agent-unreachable': 'master/slave_removals',
  'master.message-dropped': 'master/dropped_messages',
};

/** Counts of what the master received and did (see the module comment). */
export class MasterEventCounts {
  readonly #messages = new Map<MessageCounter, number>();
  readonly #traced = new Map<string, number>();
  #unhealthy = 0;

  /** Counts one message the master received. */
  received(msg: Wire): void {
    const counter = messageCounter(msg);
    if (counter !== undefined) this.#messages.set(counter, (this.#messages.get(counter) ?? 0) + 1);
  }

  /** Counts one trace event of the master's (the live node's trace hook). */
  traced(kind: string): void {
    const metric = TRACED[kind];
    if (metric === undefined) return;
    this.#traced.set(metric, (this.#traced.get(metric) ?? 0) + 1);
    if (kind === 'master.agent-unreachable') this.#unhealthy++;
  }

  /** Under Mesos's names; every counter is there from 0, as in Mesos. */
  metrics(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of MESSAGE_COUNTERS) out[`master/messages_${name}`] = this.#messages.get(name) ?? 0;
    for (const metric of new Set(Object.values(TRACED))) out[metric] = this.#traced.get(metric) ?? 0;
    out['master/slave_removals/reason_unhealthy'] = this.#unhealthy;
    return out;
  }
}

/** `master`, with every message it receives counted into `counts`. */
export function countedMessages(master: Process<Wire>, counts: MasterEventCounts): Process<Wire> {
  return {
    onStart: (env) => master.onStart(env),
    onMessage(env, from, msg) {
      counts.received(msg);
      master.onMessage(env, from, msg);
    },
    onTimer: (env, tag, id) => master.onTimer(env, tag, id),
    onStop: (env) => master.onStop?.(env),
  };
}
