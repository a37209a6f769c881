/**
 * The scheduler driver's process (Mesos src/sched/sched.cpp `SchedulerProcess`, speaking the v1
 * scheduler API as Mesos's v1 driver adapter does): the world runs it at the scheduler's address;
 * it subscribes to the master, turns events into {@link Scheduler} callbacks and the driver's
 * methods into calls.
 *
 * Subscription (mesos.md §1.3, §2.6, §2.9):
 * - `start()` sends SUBSCRIBE with the FrameworkInfo (and its id when failing over), then retries
 *   after random delays in [0, b], b = 2 s doubling to 1 min (and at most failover_timeout / 10)
 *   until SUBSCRIBED arrives;
 * - a `link` notice that the master's connection closed, or no event at all for
 *   `missedHeartbeats` heartbeat intervals (5 × 15 s), means the master is lost: `disconnected`
 *   runs and the driver resubscribes the same way, with its framework id. On a heartbeat timeout
 *   the old connection is not closed first: with the default failover_timeout of 0 the master
 *   would remove the framework before the new SUBSCRIBE reached it. (Over HTTP the new
 *   subscription is a new connection and the master fails the old one over; here the address is
 *   the connection, and the master treats a SUBSCRIBE from the subscribed address as a retry.)
 * - the first SUBSCRIBED calls `registered`, every later one `reregistered` (the v1 adapter's
 *   rule; Mesos's v0 master may say "registered" again after a master failover,
 *   FaultToleranceTest.MasterFailover, which v1's SUBSCRIBED cannot express);
 * - a duplicate SUBSCRIBED while subscribed is ignored, as is any other event while not
 *   subscribed or not RUNNING, and any event from an address other than the master
 *   (SplitBrainMasters).
 *
 * Sending: the process keeps the Env it was started with, which is valid for its whole
 * incarnation, and every driver call is sent through it at once, whether the framework calls from
 * inside a callback (the usual case) or from outside any handler (a harness action, a promise
 * continuation): the simulated world sends at the current virtual time either way, and the live
 * transport sends asynchronously anyway. Queueing calls until the next handler would only add a
 * hop, and there might be no next handler. Only callbacks the driver makes up itself are deferred
 * (see deferred.ts) so that callbacks never nest.
 *
 * Stop and abort close the subscription (connection.ts), as the v1 adapter does by dropping its
 * connection: the master sees the framework disconnect, rescinds its offers and starts its
 * failover timeout. That stands in for v0's DeactivateFrameworkMessage on abort, which v1 lacks;
 * unlike v0, the framework is then on its failover timeout (with the default 0 its tasks are
 * killed at once, which in v0 happens when the aborted scheduler's process exits), and a later
 * `stop()` has no connection to send TEARDOWN on.
 */

import { assertNever } from '../core/assert-never.js';
import type { Filters } from '../core/messages/common.js';
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID, TaskID } from '../core/messages/ids.js';
import type { OfferOperation } from '../core/messages/offer.js';
import { type OfferIdRange, offerBatchOf } from '../core/messages/offer-batch.js';
import type { Call, ReconcileTask, ResourceRequest } from '../core/messages/scheduler-call.js';
import type { Event } from '../core/messages/scheduler-event.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { Address, Env, Process, TimerId } from '../core/process.js';
import type { TimerKind } from '../core/timer-table.js';
import { schedulerCall, type Wire } from '../core/wire.js';
import type { BackoffBounds } from './backoff.js';
import { frameworkRoles, isPartitionAware } from './framework-roles.js';
import { type Scheduler, type SchedulerDriver, takesOfferBatches } from './scheduler.js';
import {
  acceptCall,
  acknowledgeCall,
  declineCall,
  killCall,
  messageCall,
  reconcileCall,
  requestCall,
  reviveCall,
  subscribeCall,
  suppressCall,
  teardownCall,
  updateFrameworkCall,
} from './scheduler-calls.js';
import {
  DEFAULT_HEARTBEAT_INTERVAL_SECONDS,
  type ResolvedSchedulerDriverOptions,
} from './scheduler-options.js';
import { type DriverLifecycle, DriverStatus } from './status.js';
import { DriverSubscription, type SubscriptionTimer } from './subscription.js';

/** The scheduler process's own timer kinds, beside subscription.ts's `subscribe` and `deferred`. */
export const SCHEDULER_TIMERS = [
  /** No event from the master for `missedHeartbeats` heartbeat intervals: the master is lost. */
  'heartbeat-watchdog',
] as const;

/** A kind of timer the scheduler process sets. */
export type SchedulerTimer = TimerKind<typeof SCHEDULER_TIMERS> | SubscriptionTimer;

/** What a {@link SchedulerProcess} is built from (the driver builds it). */
export interface SchedulerProcessParts {
  /** The driver handed to callbacks (and aborted on ERROR). */
  readonly driver: SchedulerDriver;
  readonly scheduler: Scheduler;
  /** The driver's status machine; callbacks run only while it is RUNNING. */
  readonly lifecycle: DriverLifecycle;
  readonly frameworkInfo: FrameworkInfo;
  readonly options: ResolvedSchedulerDriverOptions;
}

/** The scheduler driver's process; see the module comment. */
export class SchedulerProcess implements Process<Wire> {
  readonly #driver: SchedulerDriver;
  readonly #scheduler: Scheduler;
  readonly #lifecycle: DriverLifecycle;
  readonly #options: ResolvedSchedulerDriverOptions;
  readonly #link: DriverSubscription<TimerKind<typeof SCHEDULER_TIMERS>>;
  #info: FrameworkInfo;
  #suppressed: Set<string>;
  /** The suppressed roles the last SUBSCRIBE carried (the master ends up with those). */
  #subscribedSuppressed: ReadonlySet<string> = new Set();
  /** Whether a `resourceOffers` callback is running (declines are batched meanwhile). */
  #inOffers = false;
  #pendingDecline:
    | {
        readonly frameworkId: FrameworkID;
        readonly filters: Filters | undefined;
        readonly key: string;
        readonly offerIds: OfferID[];
        readonly ranges: OfferIdRange[];
      }
    | undefined;
  /** The filters of the last decline and their text (see {@link #filtersKey}). */
  #lastFilters: Filters | undefined;
  #lastFiltersKey = '';
  /** `registered` was called once. */
  #registered = false;
  #watchdogTimer: TimerId | undefined;
  /** The last UPDATE_FRAMEWORK sent and what it replaced, to take it back if it is refused. */
  #lastUpdate:
    | { readonly call: Call; readonly before: { info: FrameworkInfo; suppressed: Set<string> } }
    | undefined;
  #watchdogMs = 0;

  constructor(parts: SchedulerProcessParts) {
    this.#driver = parts.driver;
    this.#scheduler = parts.scheduler;
    this.#lifecycle = parts.lifecycle;
    this.#options = parts.options;
    this.#info = parts.frameworkInfo;
    this.#suppressed = new Set(parts.options.suppressedRoles);
    this.#link = new DriverSubscription({
      peer: parts.options.master,
      scope: 'scheduler',
      lifecycle: parts.lifecycle,
      timers: SCHEDULER_TIMERS,
      runsOnce:
        'a SchedulerProcess runs once: a restarted scheduler has lost its memory, so the factory must build a new driver',
      backoff: () => this.#backoffBounds(),
      subscribe: (attempt) => this.#sendSubscribe(attempt),
    });
  }

  /** The master's address. */
  get master(): Address {
    return this.#options.master;
  }

  /** Whether the driver is subscribed. */
  get connected(): boolean {
    return this.#link.connected;
  }

  /** The framework id, once assigned (or the one the framework was started with). */
  get frameworkId(): FrameworkID | undefined {
    return this.#info.id;
  }

  /** The FrameworkInfo sent at the next subscription. */
  get frameworkInfo(): FrameworkInfo {
    return this.#info;
  }

  /** The roles whose offers are suppressed, as sent at the next subscription. */
  get suppressedRoles(): readonly string[] {
    return [...this.#suppressed];
  }

  onStart(env: Env<Wire>): void {
    this.#link.start(env);
    if (this.#lifecycle.running) this.#startSubscribing();
  }

  onMessage(_env: Env<Wire>, from: Address, msg: Wire): void {
    this.#link.route(
      from,
      msg,
      'scheduler-event',
      (m) => this.#receive(m.event),
      () => this.#masterExited(),
    );
  }

  onTimer(_env: Env<Wire>, _tag: string, id: TimerId): void {
    this.#link.fire(id);
  }

  /**
   * The runtime stops the process (the scheduler program exits): a RUNNING driver counts as
   * aborted, so `join()` settles; the runtime itself tells the master the connection closed.
   */
  onStop(_env: Env<Wire>): void {
    this.#link.stop(() => this.#halt());
  }

  // ---- called by the driver, only while it is RUNNING (except stop, which also runs when ABORTED)

  /** `start()`: subscribe now, or as soon as the world starts the process. */
  begin(): void {
    if (this.#link.env !== undefined) this.#startSubscribing();
  }

  /** `stop(failover)`: TEARDOWN unless failing over (and only if subscribed), then close. */
  stop(failover: boolean): void {
    const id = this.#info.id;
    const connected = this.#link.connected;
    if (!failover && connected && id !== undefined) this.#send(teardownCall(id));
    this.#trace('stop', { failover, teardown: !failover && connected });
    this.#halt();
    this.#link.close();
  }

  /** `abort()`: close the subscription; no more callbacks. */
  abort(): void {
    this.#trace('abort', { why: 'abort' });
    this.#halt();
    this.#link.close();
  }

  /** ACCEPT; while disconnected each launched task comes back TASK_LOST (TASK_DROPPED). */
  accept(
    offerIds: readonly OfferID[],
    operations: readonly OfferOperation[],
    filters: Filters | undefined,
  ): void {
    const id = this.#subscribedId('ACCEPT');
    if (id !== undefined) {
      this.#send(acceptCall(id, offerIds, operations, filters));
      return;
    }
    // Mesos `SchedulerProcess::acceptOffers` when disconnected: LAUNCH tasks only.
    for (const op of operations) {
      if (op.type !== 'LAUNCH') continue;
      for (const task of op.launch.task_infos ?? []) this.#loseLaunch(task.task_id);
    }
  }

  /**
   * DECLINE. Inside a `resourceOffers` callback, consecutive declines with the same filters are
   * sent as one DECLINE of all their offers when the callback returns (or before any other call,
   * so the master sees calls in the order they were made). The v1 API's DECLINE takes a list of
   * offers for this reason; a framework declining most of a thousand offers sends one call.
   */
  decline(
    offerIds: readonly OfferID[],
    filters: Filters | undefined,
    ranges: readonly OfferIdRange[] = [],
  ): void {
    const id = this.#subscribedId('DECLINE');
    if (id === undefined) return;
    if (!this.#inOffers) {
      this.#send(declineCall(id, offerIds, filters, ranges));
      return;
    }
    const key = this.#filtersKey(filters);
    const pending = this.#pendingDecline;
    if (pending !== undefined && pending.key === key && pending.frameworkId.value === id.value) {
      pending.offerIds.push(...offerIds);
      pending.ranges.push(...ranges);
      return;
    }
    this.#flushDeclines();
    this.#pendingDecline = { frameworkId: id, filters, key, offerIds: [...offerIds], ranges: [...ranges] };
  }

  /**
   * The text that tells filters apart, for batching declines. A framework usually passes the
   * same filters object with every decline (filters are immutable), so the last one's text is
   * kept rather than serialised again.
   */
  #filtersKey(filters: Filters | undefined): string {
    if (filters === undefined) return '';
    if (filters !== this.#lastFilters) {
      this.#lastFilters = filters;
      this.#lastFiltersKey = JSON.stringify(filters);
    }
    return this.#lastFiltersKey;
  }

  #flushDeclines(): void {
    const pending = this.#pendingDecline;
    if (pending === undefined) return;
    this.#pendingDecline = undefined;
    // A callback that aborted or stopped the driver takes its unsent declines with it.
    if (this.#lifecycle.status !== DriverStatus.RUNNING) return;
    this.#send(declineCall(pending.frameworkId, pending.offerIds, pending.filters, pending.ranges));
  }

  /** REVIVE; the suppressed roles are updated even while disconnected. */
  revive(roles: readonly string[] | undefined): void {
    if (roles === undefined) this.#suppressed.clear();
    else for (const role of roles) this.#suppressed.delete(role);
    const id = this.#subscribedId('REVIVE');
    if (id !== undefined) this.#send(reviveCall(id, roles));
  }

  /** SUPPRESS; the suppressed roles are updated even while disconnected. */
  suppress(roles: readonly string[] | undefined): void {
    const known = frameworkRoles(this.#info);
    // Only the framework's own roles are kept for resubscription: the master refuses a SUBSCRIBE
    // that suppresses any other (the SUPPRESS call itself goes out as asked; the master decides).
    for (const role of roles ?? known) if (known.includes(role)) this.#suppressed.add(role);
    const id = this.#subscribedId('SUPPRESS');
    if (id !== undefined) this.#send(suppressCall(id, roles));
  }

  /** KILL (dropped while disconnected). */
  kill(taskId: TaskID): void {
    const id = this.#subscribedId('KILL');
    if (id !== undefined) this.#send(killCall(id, taskId));
  }

  /** ACKNOWLEDGE, for updates that carry a uuid and an agent id. */
  acknowledge(status: TaskStatus): void {
    if (status.uuid === undefined || status.agent_id === undefined) return;
    const id = this.#subscribedId('ACKNOWLEDGE');
    if (id !== undefined) this.#send(acknowledgeCall(id, status.agent_id, status.task_id, status.uuid));
  }

  /** MESSAGE. */
  message(executorId: ExecutorID, agentId: AgentID, data: string): void {
    const id = this.#subscribedId('MESSAGE');
    if (id !== undefined) this.#send(messageCall(id, executorId, agentId, data));
  }

  /** RECONCILE. */
  reconcile(tasks: readonly ReconcileTask[]): void {
    const id = this.#subscribedId('RECONCILE');
    if (id !== undefined) this.#send(reconcileCall(id, tasks));
  }

  /** REQUEST. */
  request(requests: readonly ResourceRequest[]): void {
    const id = this.#subscribedId('REQUEST');
    if (id !== undefined) this.#send(requestCall(id, requests));
  }

  /** UPDATE_FRAMEWORK now, or the new info and roles at the next subscription. */
  updateFramework(info: FrameworkInfo, suppressedRoles: readonly string[] | undefined): void {
    const before = { info: this.#info, suppressed: this.#suppressed };
    const current = this.#info.id;
    this.#info = current === undefined ? info : { ...info, id: current };
    if (suppressedRoles !== undefined) this.#suppressed = new Set(suppressedRoles);
    const id = this.#subscribedId('UPDATE_FRAMEWORK');
    if (id === undefined) return;
    const call = updateFrameworkCall(id, this.#info, [...this.#suppressed]);
    this.#lastUpdate = { call, before };
    this.#send(call);
  }

  /**
   * The master refused an UPDATE_FRAMEWORK (the live transport heard its 400 or 403): the
   * scheduler's `frameworkUpdateRefused`, or, without it, `error` after an abort (v0's
   * FrameworkErrorMessage). If `call` is the last update sent, the FrameworkInfo and suppressed
   * roles go back to what the master still holds, so a later resubscription does not carry the
   * refused ones (Mesos's v0 driver keeps them, and its next SUBSCRIBE is refused). Deferred, as
   * the transport calls this from outside any handler and callbacks never nest.
   */
  updateFrameworkRefused(message: string, call?: Call): void {
    const last = this.#lastUpdate;
    if (last !== undefined && last.call === call) {
      this.#lastUpdate = undefined;
      this.#info = last.before.info;
      this.#suppressed = last.before.suppressed;
    }
    this.#link.deferred.add(() => {
      if (!this.#lifecycle.running) return;
      this.#trace('update-framework-refused', { message });
      if (this.#scheduler.frameworkUpdateRefused === undefined) this.#error(message);
      else this.#scheduler.frameworkUpdateRefused(this.#driver, message);
    });
  }

  // ---- events

  #receive(event: Event): void {
    if (!this.#lifecycle.running) {
      if (event.type !== 'HEARTBEAT')
        this.#trace('event-ignored', { type: event.type, why: 'driver not running' });
      return;
    }
    if (event.type === 'ERROR') {
      this.#error(event.error.message);
      return;
    }
    if (event.type === 'SUBSCRIBED') {
      this.#subscribed(event.subscribed.framework_id, event);
      return;
    }
    if (!this.#link.connected) {
      if (event.type !== 'HEARTBEAT')
        this.#trace('event-ignored', { type: event.type, why: 'not subscribed' });
      return;
    }
    this.#armWatchdog();
    this.#dispatch(event);
  }

  #dispatch(event: Exclude<Event, { type: 'ERROR' | 'SUBSCRIBED' }>): void {
    const driver = this.#driver;
    const scheduler = this.#scheduler;
    switch (event.type) {
      case 'OFFERS':
        this.#inOffers = true;
        try {
          const batch = this.#options.offerBatches ? offerBatchOf(event.offers) : undefined;
          if (batch !== undefined && takesOfferBatches(scheduler))
            scheduler.resourceOfferBatch(driver, batch);
          else scheduler.resourceOffers(driver, event.offers.offers ?? []);
        } finally {
          this.#inOffers = false;
          this.#flushDeclines();
        }
        return;
      case 'RESCIND':
        scheduler.offerRescinded(driver, event.rescind.offer_id);
        return;
      case 'UPDATE':
        this.#statusUpdate(event.update.status);
        return;
      case 'MESSAGE': {
        const m = event.message;
        scheduler.frameworkMessage(driver, m.executor_id, m.agent_id, m.data);
        return;
      }
      case 'FAILURE': {
        const f = event.failure;
        if (f.agent_id !== undefined && f.executor_id !== undefined) {
          scheduler.executorLost(driver, f.executor_id, f.agent_id, f.status);
        } else if (f.agent_id !== undefined) {
          scheduler.slaveLost(driver, f.agent_id);
        } else {
          this.#trace('event-ignored', { type: event.type, why: 'names no agent' });
        }
        return;
      }
      case 'HEARTBEAT':
        return;
      case 'INVERSE_OFFERS':
      case 'RESCIND_INVERSE_OFFER':
      case 'UPDATE_OPERATION_STATUS':
        this.#trace('event-ignored', { type: event.type, why: 'no v0 callback' });
        return;
      default:
        assertNever(event, 'scheduler event type');
    }
  }

  #subscribed(frameworkId: FrameworkID, event: Extract<Event, { type: 'SUBSCRIBED' }>): void {
    if (this.#link.connected) {
      // Mesos: "Ignoring framework registered message because the driver is already connected".
      this.#armWatchdog();
      this.#trace('event-ignored', { type: 'SUBSCRIBED', why: 'already subscribed' });
      return;
    }
    this.#link.subscribed();
    this.#info = { ...this.#info, id: frameworkId };
    // A master that announces no (or a nonsensical) interval gets Mesos's default.
    const announced = event.subscribed.heartbeat_interval_seconds ?? 0;
    const intervalSeconds =
      Number.isFinite(announced) && announced > 0 ? announced : DEFAULT_HEARTBEAT_INTERVAL_SECONDS;
    this.#watchdogMs = intervalSeconds * 1000 * this.#options.missedHeartbeats;
    this.#armWatchdog();
    this.#catchUpSuppression(frameworkId);
    const masterInfo = event.subscribed.master_info;
    if (!this.#registered) {
      this.#registered = true;
      this.#trace('registered', { framework: frameworkId.value, attempts: this.#link.attempts });
      this.#scheduler.registered(this.#driver, frameworkId, masterInfo);
    } else {
      this.#trace('reregistered', { framework: frameworkId.value, attempts: this.#link.attempts });
      this.#scheduler.reregistered(this.#driver, masterInfo);
    }
  }

  /**
   * A REVIVE or SUPPRESS made after the last SUBSCRIBE went out (while subscribing, when the
   * call itself is dropped) changed only the roles kept for the next subscription, which the
   * SUBSCRIBED just answered: the master holds the roles that SUBSCRIBE carried. Send the
   * difference now, or a framework that revived while subscribing stays suppressed with work
   * waiting (chaos seed 461, the progress check).
   */
  #catchUpSuppression(frameworkId: FrameworkID): void {
    const sent = this.#subscribedSuppressed;
    const revived = [...sent].filter((role) => !this.#suppressed.has(role));
    const suppressed = [...this.#suppressed].filter((role) => !sent.has(role));
    if (revived.length > 0) this.#send(reviveCall(frameworkId, revived));
    if (suppressed.length > 0) this.#send(suppressCall(frameworkId, suppressed));
    this.#subscribedSuppressed = new Set(this.#suppressed);
  }

  /** Mesos `SchedulerProcess::statusUpdate`: the callback, then the implicit acknowledgement. */
  #statusUpdate(status: TaskStatus): void {
    this.#scheduler.statusUpdate(this.#driver, status);
    // Not if the callback stopped or aborted the driver (Mesos checks `running` again here).
    if (!this.#options.implicitAcknowledgements || !this.#lifecycle.running) return;
    this.acknowledge(status);
  }

  /** ERROR: Mesos aborts the driver first, then calls `error` (mesos.md §1.1). */
  #error(message: string): void {
    this.#trace('error', { message });
    this.#driver.abort();
    this.#scheduler.error(this.#driver, message);
  }

  #masterExited(): void {
    if (this.#link.connected) this.#lostMaster('connection closed');
  }

  /** The master is gone: `disconnected`, then resubscribe. */
  #lostMaster(why: string): void {
    if (!this.#lifecycle.running || !this.#link.connected) return;
    this.#link.disconnected();
    this.#cancelWatchdog();
    this.#trace('disconnected', { why });
    this.#scheduler.disconnected(this.#driver);
    // The callback may have stopped or aborted the driver.
    if (this.#lifecycle.running) this.#startSubscribing();
  }

  // ---- subscription

  #startSubscribing(): void {
    this.#link.startSubscribing();
  }

  /** One SUBSCRIBE, with the framework id when failing over and the roles to keep suppressed. */
  #sendSubscribe(attempt: number): void {
    this.#trace('subscribe', { framework: this.#info.id?.value ?? null, attempt });
    this.#subscribedSuppressed = new Set(this.#suppressed);
    this.#send(subscribeCall(this.#info, [...this.#suppressed]));
  }

  /** The backoff bounds, also capped at failover_timeout / 10 when that is set (Mesos does). */
  #backoffBounds(): BackoffBounds {
    const failoverMs = (this.#info.failover_timeout ?? 0) * 1000;
    const maxMs =
      failoverMs > 0
        ? Math.min(this.#options.registrationBackoffMaxMs, failoverMs / 10)
        : this.#options.registrationBackoffMaxMs;
    return { factorMs: this.#options.registrationBackoffFactorMs, maxMs };
  }

  #armWatchdog(): void {
    if (this.#link.env === undefined || !this.#link.connected) return;
    this.#cancelWatchdog();
    this.#watchdogTimer = this.#link.setTimer(this.#watchdogMs, 'heartbeat-watchdog', this.#watchdogFired);
  }

  /** The watchdog's action, made once: the watchdog is re-armed at every event. */
  readonly #watchdogFired = (): void => {
    this.#watchdogTimer = undefined;
    this.#lostMaster('heartbeats missed');
  };

  #cancelWatchdog(): void {
    this.#link.cancelTimer(this.#watchdogTimer);
    this.#watchdogTimer = undefined;
  }

  /** Stops all activity: timers, deferred work, the subscription state. */
  #halt(): void {
    this.#link.cancelSubscribeTimer();
    this.#cancelWatchdog();
    this.#link.deferred.clear();
    this.#link.disconnected();
  }

  // ---- helpers

  /** The framework id if subscribed; otherwise traces the dropped call. */
  #subscribedId(type: Call['type']): FrameworkID | undefined {
    const id = this.#info.id;
    if (this.#link.connected && id !== undefined) return id;
    this.#trace('call-dropped', { type, why: 'not subscribed' });
    return undefined;
  }

  /**
   * A launch while disconnected: the driver answers TASK_LOST itself (TASK_DROPPED for
   * PARTITION_AWARE frameworks), from SOURCE_MASTER with REASON_MASTER_DISCONNECTED and no uuid,
   * after the call returns (Mesos `acceptOffers`, FaultToleranceTest.DisconnectedSchedulerLaunchLost).
   */
  #loseLaunch(taskId: TaskID): void {
    const state = isPartitionAware(this.#info) ? 'TASK_DROPPED' : 'TASK_LOST';
    this.#link.deferred.add(() => {
      if (!this.#lifecycle.running) return;
      const status: TaskStatus = {
        task_id: taskId,
        state,
        source: 'SOURCE_MASTER',
        reason: 'REASON_MASTER_DISCONNECTED',
        message: 'Master disconnected',
        ...(this.#link.env === undefined ? {} : { timestamp: this.#link.env.now() / 1000 }),
      };
      this.#scheduler.statusUpdate(this.#driver, status);
    });
  }

  #send(call: Call): void {
    this.#flushDeclines();
    this.#link.send(schedulerCall(call));
  }

  #trace(kind: string, fields: Readonly<Record<string, unknown>>): void {
    this.#link.trace(kind, fields);
  }
}
