/**
 * The part the scheduler driver's process and the executor driver's process share (Mesos's
 * `SchedulerProcess` and `ExecutorProcess` both have it): one subscription to one peer (the
 * master, the agent) over the connection the process's address stands for.
 *
 * - The process runs once: a restarted program builds a new driver.
 * - Subscribing (`doReliableRegistration`): a SUBSCRIBE at once, then again after a random
 *   backoff (backoff.ts) until the process says it is subscribed; each series starts from fresh
 *   bounds and counts its attempts from 1. Attempts stop while the driver is not RUNNING,
 *   is subscribed, or the process says no more (an executor that was shut down).
 * - The connection: opened by the first SUBSCRIBE, closed by us (connection.ts) on stop and
 *   abort, or by the peer (a `link` notice), after which the process decides what to do.
 * - Timers: the process's own kinds and this module's `subscribe` and `deferred` in one table
 *   (core/timer-table.ts); deferred work (deferred.ts) runs from the `deferred` timer.
 * - Messages: events from the peer on the process's channel go to the process, the peer's
 *   `link` notice to its exit handler; anything else is traced and ignored (SplitBrainMasters:
 *   an event from an address other than the peer's is not ours to act on).
 * - Trace lines carry the process's scope (`scheduler.subscribe`, `executor.subscribe`).
 *
 * What each subscription carries, what SUBSCRIBED means and what losing the peer does differ
 * and stay in the processes.
 */
import type { Address, Env, TimerId } from '../core/process.js';
import { type TimerKind, TimerTable } from '../core/timer-table.js';
import type { Wire } from '../core/wire.js';
import { Backoff, type BackoffBounds } from './backoff.js';
import { connectionClosed } from './connection.js';
import { DeferredWork } from './deferred.js';
import type { DriverLifecycle } from './status.js';

/** The timer kinds every driver process sets. */
export const SUBSCRIPTION_TIMERS = [
  /** The next SUBSCRIBE attempt, after the backoff. */
  'subscribe',
  /** Deferred work (deferred.ts). */
  'deferred',
] as const;

/** A kind of timer every driver process sets. */
export type SubscriptionTimer = TimerKind<typeof SUBSCRIPTION_TIMERS>;

/** What a {@link DriverSubscription} is built from (by its process). */
export interface SubscriptionParts<K extends string> {
  /** The peer subscribed to: the master, or the agent. */
  readonly peer: Address;
  /** The trace prefix: `scheduler`, `executor`. */
  readonly scope: string;
  readonly lifecycle: DriverLifecycle;
  /** The process's own timer kinds, beside {@link SUBSCRIPTION_TIMERS}. */
  readonly timers: readonly K[];
  /** The error thrown if a world starts the process a second time. */
  readonly runsOnce: string;
  /** The bounds of each new series of attempts. */
  backoff(): BackoffBounds;
  /** Sends one SUBSCRIBE (and traces it): attempt number `attempt` of the series. */
  subscribe(attempt: number): void;
  /** Whether attempts may go on, besides the driver RUNNING and not subscribed (default yes). */
  mayAttempt?(): boolean;
}

/** The shared skeleton of a driver process; see the module comment. */
export class DriverSubscription<K extends string> {
  readonly #parts: SubscriptionParts<K>;
  readonly #kinds: readonly (K | SubscriptionTimer)[];
  readonly deferred: DeferredWork;
  #env: Env<Wire> | undefined;
  #timers: TimerTable<Wire, K | SubscriptionTimer> | undefined;
  #started = false;
  #connected = false;
  #connectionOpen = false;
  #subscribeTimer: TimerId | undefined;
  #backoff: Backoff;
  #attempts = 0;

  constructor(parts: SubscriptionParts<K>) {
    this.#parts = parts;
    this.#kinds = [...SUBSCRIPTION_TIMERS, ...parts.timers];
    this.#backoff = new Backoff(parts.backoff());
    this.deferred = new DeferredWork({
      set: (flush) => this.#timers?.set(0, 'deferred', flush),
      cancel: (id) => this.#timers?.cancel(id),
    });
  }

  /** The env of this incarnation, from start to stop. */
  get env(): Env<Wire> | undefined {
    return this.#env;
  }

  /** Subscribed: SUBSCRIBED arrived and the peer has not been lost since. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Attempts in the current series. */
  get attempts(): number {
    return this.#attempts;
  }

  /** The process starts: keep its env; a second start is a bug (see `runsOnce`). */
  start(env: Env<Wire>): void {
    if (this.#started) throw new Error(this.#parts.runsOnce);
    this.#started = true;
    this.#env = env;
    this.#timers = new TimerTable(env, this.#kinds);
    this.deferred.arm();
  }

  /**
   * The process's message: `onEvent` for one from the peer on `channel`, `onPeerExited` for the
   * peer's connection closing (after marking it closed); any other is traced and ignored.
   */
  route<C extends Wire['channel']>(
    from: Address,
    msg: Wire,
    channel: C,
    onEvent: (msg: Extract<Wire, { channel: C }>) => void,
    onPeerExited: () => void,
  ): void {
    if (msg.channel === channel && from === this.#parts.peer) {
      onEvent(msg as Extract<Wire, { channel: C }>);
    } else if (msg.channel === 'link' && msg.exited === this.#parts.peer) {
      this.#connectionOpen = false;
      onPeerExited();
    } else if (msg.channel !== 'link') {
      this.trace('message-ignored', { from, channel: msg.channel });
    }
  }

  /** A timer fired on the process's env. */
  fire(id: TimerId): void {
    this.#timers?.fire(id);
  }

  /**
   * The runtime stops the process: a RUNNING driver counts as aborted (so `join()` settles),
   * the process halts (`halt`), and the runtime itself tells the peer the connection closed.
   */
  stop(halt: () => void): void {
    if (this.#parts.lifecycle.abort()) this.trace('abort', { why: 'process stopped' });
    halt();
    this.#connectionOpen = false;
    // Nothing more is set or sent through this incarnation's env.
    this.#env = undefined;
    this.#timers = undefined;
  }

  /** Sets one of the process's own timers (none before the process starts). */
  setTimer(delayMs: number, kind: K, action: () => void): TimerId | undefined {
    return this.#timers?.set(delayMs, kind, action);
  }

  /** Cancels one of the process's own timers; undefined is a no-op. */
  cancelTimer(id: TimerId | undefined): void {
    this.#timers?.cancel(id);
  }

  /** A new series of attempts, the first at once. */
  startSubscribing(): void {
    this.cancelSubscribeTimer();
    this.#backoff = new Backoff(this.#parts.backoff());
    this.#attempts = 0;
    this.#attempt();
  }

  /** The next attempt of the series after a backoff (the executor, its agent lost). */
  retryLater(): void {
    const env = this.#env;
    const timers = this.#timers;
    if (env === undefined || timers === undefined) return;
    this.#subscribeTimer = timers.set(
      this.#backoff.next(() => env.random()),
      'subscribe',
      () => this.#retry(),
    );
  }

  /** SUBSCRIBED arrived: subscribed, no more attempts. */
  subscribed(): void {
    this.#connected = true;
    this.#connectionOpen = true;
    this.cancelSubscribeTimer();
  }

  /** The peer is lost (the process decides what follows). */
  disconnected(): void {
    this.#connected = false;
  }

  cancelSubscribeTimer(): void {
    this.#timers?.cancel(this.#subscribeTimer);
    this.#subscribeTimer = undefined;
  }

  /** Closes the subscription, if one was opened (connection.ts). */
  close(): void {
    this.#connected = false;
    const env = this.#env;
    if (env === undefined || !this.#connectionOpen) return;
    this.#connectionOpen = false;
    env.send(this.#parts.peer, connectionClosed(env.self));
  }

  /** Sends to the peer (nothing once the process stopped). */
  send(msg: Wire): void {
    this.#env?.send(this.#parts.peer, msg);
  }

  /** A trace line under the process's scope. */
  trace(kind: string, fields: Readonly<Record<string, unknown>>): void {
    this.#env?.trace({ kind: `${this.#parts.scope}.${kind}`, ...fields });
  }

  /** Mesos `doReliableRegistration`: send SUBSCRIBE, and try again after a backoff. */
  #attempt(): void {
    const env = this.#env;
    if (env === undefined || !this.#parts.lifecycle.running || this.#connected) return;
    if (this.#parts.mayAttempt?.() === false) return;
    this.#attempts++;
    this.#parts.subscribe(this.#attempts);
    this.#connectionOpen = true;
    this.retryLater();
  }

  #retry(): void {
    this.#subscribeTimer = undefined;
    this.#attempt();
  }
}
