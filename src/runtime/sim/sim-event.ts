/**
 * The record the world keeps in its event queue for each scheduled event, and a pool that
 * recycles them: the simulator's hot loop schedules a delivery or timer per event, and reusing
 * records keeps it from allocating (ARCHITECTURE.md §6).
 */
import type { Address, Env, Process } from '../../core/process.js';

/** Event kinds: a message arriving, a timer firing, a scheduled action of the harness. */
export const EventKind = { deliver: 0, timer: 1, action: 2 } as const;
/** One of {@link EventKind}'s values. */
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Lifecycle of an address in the world. */
export type ProcessStatus = 'registered' | 'running' | 'stopped' | 'crashed';

/** Everything the world knows about one address. */
export interface ProcessEntry<M> {
  readonly address: Address;
  readonly factory: (address: Address) => Process<M>;
  status: ProcessStatus;
  /**
   * Bumped whenever the process goes down (stop or crash). Each timer and delivery records the
   * incarnation it was scheduled for, so going down drops them all in O(1): they are skipped
   * when they surface instead of being searched for in the queue.
   */
  incarnation: number;
  /** How many times the process has been started, restarts included. */
  starts: number;
  /** The running instance and its env; undefined while the process is not running. */
  instance: Process<M> | undefined;
  env: Env<M> | undefined;
  /**
   * Addresses this incarnation exchanged messages with (only tracked when the world delivers
   * link notifications): they are the "connections" told when it goes down.
   */
  readonly peers: Set<Address>;
  /**
   * The process's own clock when it is skewed (it belongs to the machine, so it survives
   * restarts); undefined while it reads the world's time exactly, the common, fast case.
   */
  clock: SkewedClock | undefined;
  /** The machine's disk, created at the first write (it survives crashes, like the clock). */
  disk: SimDisk | undefined;
}

/** A simulated disk: what is durable, and the writes not yet acknowledged (by their timer id). */
export interface SimDisk {
  readonly durable: Map<string, string>;
  readonly pending: Map<number, { readonly key: string; readonly value: string }>;
}

/** A clock that reads `localBaseMs` at world time `worldBaseMs` and runs at `rate` × world time. */
export interface SkewedClock {
  readonly worldBaseMs: number;
  readonly localBaseMs: number;
  readonly rate: number;
}

/** A scheduled event. Fields are mutable because records are pooled. */
export class SimEvent<M, A> {
  kind: EventKind = EventKind.deliver;
  /** The queue handle, which is also the timer id a process sees. */
  handle = 0;
  target: ProcessEntry<M> | undefined = undefined;
  incarnation = 0;
  from: Address = '';
  msg: M | undefined = undefined;
  tag = '';
  action: A | undefined = undefined;
  /** For a delivery: the connection (from → to) it was sent on; see SimWorld's lost messages. */
  epoch = 0;
}

/** A free list of {@link SimEvent}s. */
export class EventPool<M, A> {
  readonly #free: SimEvent<M, A>[] = [];

  /** A record with stale fields: the caller sets every field its kind uses. */
  take(): SimEvent<M, A> {
    return this.#free.pop() ?? new SimEvent<M, A>();
  }

  /** Returns a record; drops its references so pooled records keep no message alive. */
  release(event: SimEvent<M, A>): void {
    event.target = undefined;
    event.msg = undefined;
    event.action = undefined;
    this.#free.push(event);
  }
}
