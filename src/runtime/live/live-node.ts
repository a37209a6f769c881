/**
 * The live world's process host (ARCHITECTURE.md §1, the second composition root): it gives the
 * same {@link Process}es the simulated world runs an {@link Env} over the wall clock, real
 * timers and a transport to other machines.
 *
 * - Messages between processes of this node are queued and delivered one at a time from the
 *   event loop, never from inside another handler, so a process sees the same one-event-at-a-time
 *   discipline as in the simulator.
 * - Messages to other addresses go to the {@link LiveTransport}, which delivers replies back
 *   through {@link LiveNode.deliver}.
 * - A handler that throws is reported on the node's log and the node goes on: one bad event must
 *   not take a master down. (It is a bug, and the log says where.)
 * - Randomness is seeded per process by name from the node's seed, as in the simulator.
 */
import type { Address, DurableStore, Env, Process, TimerId, TraceEvent } from '../../core/process.js';
import { deriveStream } from '../../core/random-streams.js';
import type { Wire } from '../../core/wire.js';
import { type FileStoreHost, fileStore } from './file-store.js';
import { clearLongTimeout, type LongTimeout, setLongTimeout } from './long-timer.js';

/** Carries messages to processes on other nodes. */
export interface LiveTransport {
  /** Whether `to` is reached through this transport (else the message is for a local process). */
  handles(to: Address): boolean;
  /** Sends `msg` from local process `from` to remote `to`. */
  send(from: Address, to: Address, msg: Wire): void;
}

/** Options of a {@link LiveNode}. */
export interface LiveNodeOptions {
  /** Seeds every process's random stream (by address). */
  readonly seed: string | number;
  /** Where trace events go; none by default. */
  readonly trace?: (event: TraceEvent & { readonly at: number; readonly process: Address }) => void;
  /** Where the node reports handler failures and dropped messages (default: nowhere). */
  readonly log?: (line: string) => void;
  /** A directory per process that gets a durable store (`env.store`; see file-store.ts). */
  readonly storeDirs?: ReadonlyMap<Address, string>;
  /** A store kept elsewhere than in a directory (the registry in ZooKeeper, zk/), by process. */
  readonly stores?: ReadonlyMap<Address, (host: FileStoreHost) => DurableStore>;
}

interface Hosted {
  readonly process: Process<Wire>;
  readonly env: Env<Wire>;
  readonly timers: Map<TimerId, LongTimeout>;
}

/** Hosts processes on this machine (see the module comment). */
export class LiveNode {
  readonly #options: LiveNodeOptions;
  readonly #hosted = new Map<Address, Hosted>();
  readonly #inbox: { from: Address; to: Address; msg: Wire }[] = [];
  #transport: LiveTransport | undefined;
  #draining = false;
  #nextTimer = 1;

  constructor(options: LiveNodeOptions) {
    this.#options = options;
  }

  /** Plugs in the transport to other nodes (once, before processes send remotely). */
  useTransport(transport: LiveTransport): void {
    this.#transport = transport;
  }

  /** Starts `process` at `address`. */
  spawn(address: Address, process: Process<Wire>): void {
    if (this.#hosted.has(address)) throw new Error(`assertion failed: ${address} is already running`);
    const hosted: Hosted = { process, env: this.#env(address), timers: new Map() };
    this.#hosted.set(address, hosted);
    this.#run(address, 'start', () => process.onStart(hosted.env));
  }

  /** Stops the process at `address` in an orderly way (its onStop runs, its timers go). */
  stop(address: Address): void {
    const hosted = this.#hosted.get(address);
    if (hosted === undefined) return;
    this.#run(address, 'stop', () => hosted.process.onStop?.(hosted.env));
    for (const handle of hosted.timers.values()) clearLongTimeout(handle);
    this.#hosted.delete(address);
  }

  /** Stops every process. */
  stopAll(): void {
    for (const address of [...this.#hosted.keys()]) this.stop(address);
  }

  /**
   * Drops every process as a crash does: no onStop (no last words: an agent does not unregister,
   * a driver does not tear down), timers cancelled, messages still queued for them lost.
   */
  crashAll(): void {
    for (const hosted of this.#hosted.values()) {
      for (const handle of hosted.timers.values()) clearLongTimeout(handle);
    }
    this.#hosted.clear();
  }

  /** Messages queued for local processes, not yet handled (Mesos's `event_queue_messages`). */
  get queuedMessages(): number {
    return this.#inbox.length;
  }

  /** Queues `msg` from `from` for the local process `to` (the transport calls this too). */
  deliver(from: Address, to: Address, msg: Wire): void {
    this.#inbox.push({ from, to, msg });
    if (!this.#draining) {
      this.#draining = true;
      setImmediate(() => this.#drain());
    }
  }

  #drain(): void {
    // Take what is queued now; what handlers send meanwhile waits for the next turn, so timers
    // and sockets are not starved by two processes chatting.
    const batch = this.#inbox.splice(0, this.#inbox.length);
    for (const { from, to, msg } of batch) {
      const hosted = this.#hosted.get(to);
      if (hosted === undefined) {
        // A connection closing towards a process that is gone is nothing to report.
        if (msg.channel === 'link') continue;
        this.#options.log?.(`dropped a ${msg.channel} message from ${from} to ${to}: no such process here`);
        continue;
      }
      this.#run(to, `message from ${from}`, () => hosted.process.onMessage(hosted.env, from, msg));
    }
    if (this.#inbox.length > 0) setImmediate(() => this.#drain());
    else this.#draining = false;
  }

  #env(self: Address): Env<Wire> {
    const random = deriveStream(this.#options.seed, self);
    const trace = this.#options.trace;
    return {
      self,
      now: () => Date.now(),
      send: (to, msg) => {
        if (this.#hosted.has(to) || this.#transport === undefined || !this.#transport.handles(to)) {
          this.deliver(self, to, msg);
        } else {
          this.#transport.send(self, to, msg);
        }
      },
      setTimer: (delayMs, tag) => {
        const id = this.#nextTimer++;
        const hosted = this.#hosted.get(self);
        // Chained past Node's 24.8-day limit (long-timer.ts): a 30-day failover_timeout must
        // not fire after 1 ms.
        const handle = setLongTimeout(() => {
          const h = this.#hosted.get(self);
          if (h === undefined || !h.timers.delete(id)) return;
          this.#run(self, `timer ${tag}`, () => h.process.onTimer(h.env, tag, id));
        }, delayMs);
        hosted?.timers.set(id, handle);
        return id;
      },
      cancelTimer: (id) => {
        const hosted = this.#hosted.get(self);
        const handle = hosted?.timers.get(id);
        if (handle !== undefined) {
          clearLongTimeout(handle);
          hosted?.timers.delete(id);
        }
      },
      random,
      trace: (event) => trace?.({ ...event, at: Date.now(), process: self }),
      tracing: trace !== undefined,
      ...this.#store(self),
    };
  }

  /** The process's durable store, if it has a directory; acknowledgements come as timers do. */
  #store(self: Address): { store?: DurableStore } {
    const dir = this.#options.storeDirs?.get(self);
    const elsewhere = this.#options.stores?.get(self);
    if (dir === undefined && elsewhere === undefined) return {};
    const host: FileStoreHost = {
      nextId: () => this.#nextTimer++,
      acknowledge: (id, tag) => {
        const h = this.#hosted.get(self);
        if (h !== undefined) this.#run(self, `store ${tag}`, () => h.process.onTimer(h.env, tag, id));
      },
      failed: (key, e) =>
        this.#options.log?.(`${self}: writing ${key} failed, so it is not durable: ${(e as Error).message}`),
    };
    return { store: elsewhere !== undefined ? elsewhere(host) : fileStore(dir as string, host) };
  }

  #run(address: Address, what: string, handler: () => void): void {
    try {
      handler();
    } catch (e) {
      this.#options.log?.(
        `${address}: the handler of ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    }
  }
}
