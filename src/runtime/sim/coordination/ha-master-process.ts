/**
 * A master of a highly available trio in the simulated world, contending through the simulated
 * coordination service as src/runtime/live/zk/ha-master.ts and leader-contender.ts do on a real
 * ZooKeeper:
 *
 * - it opens a session, joins the group `/mesos` with an ephemeral sequential `json.info_<seq>`
 *   node holding its address, and watches the group; it leads while its node is the lowest, and
 *   that sequence is its **epoch**;
 * - leadership is a **lease**: every request the service answers proves leadership until
 *   0.6 × the session timeout from its answer, renewed by a ping three times per timeout; the
 *   lease is a timer (a monotonic measure, see {@link HaMasterProcess.leading}), so a master
 *   cut off from the service stops before the service expires its session and another can be
 *   elected;
 * - elected, it reads the registry from the versioned node `/mesos/registry` and starts a fresh
 *   {@link Master} on it (Mesos's elected master recovers from the registry; nothing of an earlier
 *   term carries over); each registry write is a `setData` with the version last written,
 *   acknowledged to the master only once the service applied it; a refused write deposes it;
 * - deposed (session expired, its node gone, no answer within the lease, a refused write), it
 *   drops that master at once (its timers cancelled, nothing more sent) and contends again on a
 *   new session, as the live master follows again.
 *
 * Everything the inner master sends goes through a **fence** that drops it unless the lease
 * holds now; {@link HaMasterFaults.ignoreDeposition} plants the bug of a master that does not
 * check, for the chaos invariant's test.
 */

import type { Address, DurableStore, Env, Process, TimerId } from '../../../core/process.js';
import type { Wire } from '../../../core/wire.js';
import type { Master } from '../../../master/master.js';
import { REGISTRY_KEY } from '../../../master/registry.js';
import type { SessionId } from './coordination-service.js';
import {
  COORDINATION_WATCH_TAG,
  MASTER_INFO_LABEL,
  MASTERS_PATH,
  REGISTRY_PATH,
  type SimCoordination,
} from './sim-coordination.js';

/** The share of the session timeout an answered request proves leadership for (as live). */
export const LEASE_SHARE = 0.6;
/** Pings per session timeout (a ZooKeeper client pings at a third of it). */
const PINGS_PER_TIMEOUT = 3;
/** The wrapper's own timer tag. */
const PING_TAG = 'ha-ping';
/** The timer that ends the lease. */
const LEASE_TAG = 'ha-lease';

/** Bugs a test may plant. */
export interface HaMasterFaults {
  /** The master keeps acting after it lost its session (no fence, no deposition). */
  readonly ignoreDeposition?: boolean;
  /** The master takes a registry write as done even when the service did not apply it. */
  readonly acknowledgeUnwritten?: boolean;
}

/** Tells the run what a master did (the chaos invariant and figures listen). */
export interface HaMasterEvents {
  readonly elected?: (address: Address, epoch: number, nowMs: number) => void;
  readonly deposed?: (address: Address, epoch: number, reason: string, nowMs: number) => void;
}

/** One master of the trio; see the module comment. */
export class HaMasterProcess implements Process<Wire> {
  readonly #coordination: SimCoordination<Wire>;
  readonly #build: () => Master;
  readonly #sessionTimeoutMs: number;
  readonly #faults: HaMasterFaults;
  readonly #events: HaMasterEvents;
  #env: Env<Wire> | undefined;
  #session: SessionId | undefined;
  #node: string | undefined;
  #epoch: number | undefined;
  /** Pending while the lease holds (see {@link leading}). */
  #leaseTimer: TimerId | undefined;
  #inner: Master | undefined;
  #innerEnv: Env<Wire> | undefined;
  /** The inner master's pending timers (a later term must not fire an earlier term's). */
  readonly #innerTimers = new Set<TimerId>();
  #registryVersion = 0;
  /** A request found no connection since the last answered one (see {@link #ping}). */
  #disconnected = false;

  constructor(
    coordination: SimCoordination<Wire>,
    build: () => Master,
    sessionTimeoutMs: number,
    events: HaMasterEvents = {},
    faults: HaMasterFaults = {},
  ) {
    this.#coordination = coordination;
    this.#build = build;
    this.#sessionTimeoutMs = sessionTimeoutMs;
    this.#events = events;
    this.#faults = faults;
  }

  /** The master acting as leader now, if this process leads (for checks and summaries). */
  get master(): Master | undefined {
    return this.#inner;
  }

  /** The epoch it leads with, while elected. */
  get epoch(): number | undefined {
    return this.#epoch;
  }

  /**
   * The service told this master its session expired (ZooKeeper's SESSION_EXPIRED, reaching a
   * connected client): it stops leading at once.
   */
  sessionExpired(): void {
    if (this.#env !== undefined) this.#lost('the session expired');
  }

  /**
   * Whether it leads now: elected and the lease not run out (see the module comment). The lease
   * is a timer, not a clock reading: a timer measures elapsed time as a monotonic clock does,
   * so a wall clock stepped back (chaos's master-clock-skew: up to a minute) cannot stretch the
   * lease past the session timeout. A first version compared the process's clock with a
   * deadline, and a leader whose clock jumped back 60 s while cut off from the service went on
   * sending for a minute after another was elected (deposed-leader-acted; see the test).
   * A drift of the timer's pace (at most 5% here) stays well inside the 0.6 share.
   */
  leading(): boolean {
    if (this.#epoch === undefined) return false;
    return this.#faults.ignoreDeposition === true || this.#leaseTimer !== undefined;
  }

  onStart(env: Env<Wire>): void {
    this.#env = env;
    this.#contend();
    env.setTimer(this.#sessionTimeoutMs / PINGS_PER_TIMEOUT, PING_TAG);
  }

  onMessage(_env: Env<Wire>, from: Address, msg: Wire): void {
    if (this.#inner !== undefined && this.leading())
      this.#inner.onMessage(this.#innerEnv as Env<Wire>, from, msg);
  }

  onTimer(env: Env<Wire>, tag: string, id: TimerId): void {
    if (tag === PING_TAG) {
      env.setTimer(this.#sessionTimeoutMs / PINGS_PER_TIMEOUT, PING_TAG);
      this.#ping();
      return;
    }
    if (tag === COORDINATION_WATCH_TAG) {
      this.#checkGroup();
      return;
    }
    if (tag === LEASE_TAG) {
      if (id !== this.#leaseTimer) return;
      this.#leaseTimer = undefined;
      if (this.#faults.ignoreDeposition !== true) {
        this.#depose(`no word from the coordination service for ${this.#leaseMs()} ms (its lease)`);
      }
      return;
    }
    if (!this.#innerTimers.delete(id) || this.#inner === undefined) return;
    if (this.leading()) this.#inner.onTimer(this.#innerEnv as Env<Wire>, tag, id);
  }

  onStop(): void {
    this.#dropInner();
    if (this.#session !== undefined) {
      const session = this.#session;
      this.#coordination.request(this.#address(), (s) => s.closeSession(session));
    }
  }

  #address(): Address {
    return (this.#env as Env<Wire>).self;
  }

  #leaseMs(): number {
    return this.#sessionTimeoutMs * LEASE_SHARE;
  }

  /** A request answered: leadership is proved for the lease from now. */
  #answered(): void {
    if (this.#epoch !== undefined) this.#renewLease();
  }

  #renewLease(): void {
    const env = this.#env as Env<Wire>;
    if (this.#leaseTimer !== undefined) env.cancelTimer(this.#leaseTimer);
    this.#leaseTimer = env.setTimer(this.#leaseMs(), LEASE_TAG);
  }

  #contend(): void {
    const self = this.#address();
    const opened = this.#coordination.openSession(self, this.#sessionTimeoutMs);
    if (!opened.ok) return; // tried again at the next ping
    const session = opened.value;
    this.#session = session;
    const joined = this.#coordination.request(self, (s, now) => {
      const made = s.mkdirp(session, now, MASTERS_PATH);
      return made.ok
        ? s.create(session, now, `${MASTERS_PATH}/${MASTER_INFO_LABEL}_`, self, 'ephemeral-sequential')
        : made;
    });
    if (!joined.ok) {
      this.#lost(`joining the group failed: ${joined.error}`);
      return;
    }
    this.#node = joined.value;
    (this.#env as Env<Wire>).trace({ kind: 'ha.contending', node: joined.value });
    this.#checkGroup();
  }

  #ping(): void {
    const session = this.#session;
    if (session === undefined) {
      this.#contend();
      return;
    }
    const pinged = this.#coordination.request(this.#address(), (s, now) => s.ping(session, now));
    if (pinged.ok) {
      this.#answered();
      // Reconnected: a ZooKeeper client sets its watches again on a new connection, and the
      // server fires those whose nodes changed meanwhile; re-reading the group does the same.
      if (this.#disconnected) {
        this.#disconnected = false;
        this.#checkGroup();
      }
    } else if (pinged.error === 'session-expired') this.#lost('the session expired');
    else {
      // connection-loss: the lease runs out on its own (its timer deposes the master).
      this.#disconnected = true;
    }
  }

  /** Reads the group (re-arming the watch) and takes leadership if its node is the lowest. */
  #checkGroup(): void {
    const session = this.#session;
    if (session === undefined) return;
    const children = this.#coordination.request(this.#address(), (s, now) =>
      s.getChildren(session, now, MASTERS_PATH, true),
    );
    if (!children.ok) {
      if (children.error === 'session-expired') this.#lost('the session expired');
      else this.#disconnected = true;
      return;
    }
    this.#answered();
    const own = this.#node?.slice(MASTERS_PATH.length + 1);
    const members = children.value.filter((n) => n.startsWith(`${MASTER_INFO_LABEL}_`));
    if (own === undefined || !members.includes(own)) {
      this.#lost(`its node ${own ?? '(none)'} is gone`);
      return;
    }
    if (members[0] !== own || this.#epoch !== undefined) return;
    this.#elect(session, Number(own.slice(MASTER_INFO_LABEL.length + 1)));
  }

  #elect(session: SessionId, epoch: number): void {
    const self = this.#address();
    const env = this.#env as Env<Wire>;
    const read = this.#coordination.request(self, (s, now) => {
      const made = s.mkdirp(session, now, REGISTRY_PATH);
      return made.ok ? s.getData(session, now, REGISTRY_PATH, false) : made;
    });
    if (!read.ok) {
      if (read.error === 'session-expired') this.#lost('the session expired');
      return;
    }
    this.#epoch = epoch;
    this.#renewLease();
    this.#registryVersion = read.value.version;
    const text = read.value.data === '' ? undefined : read.value.data;
    env.trace({ kind: 'ha.elected', epoch, registryVersion: read.value.version });
    this.#events.elected?.(self, epoch, env.now());
    const inner = this.#build();
    this.#inner = inner;
    this.#innerEnv = this.#innerEnvFor(env, text, session);
    inner.onStart(this.#innerEnv);
  }

  /** The env the inner master sees: fenced sends, timers of its own term, the registry node. */
  #innerEnvFor(env: Env<Wire>, registryText: string | undefined, session: SessionId): Env<Wire> {
    const timers = this.#innerTimers;
    const store: DurableStore = {
      load: (key) => (key === REGISTRY_KEY ? registryText : undefined),
      save: (key, value, tag) => {
        if (key !== REGISTRY_KEY)
          throw new Error(`assertion failed: the master stores only its registry, not ${key}`);
        const version = this.#registryVersion;
        const wrote = this.#coordination.request(this.#address(), (s, now) =>
          s.setData(session, now, REGISTRY_PATH, value, version),
        );
        // The acknowledgement, as a timer of this term: it fires once the service has applied
        // the write. A refused write is never acknowledged (a timer that cannot fire).
        const id = env.setTimer(0, tag);
        if (!wrote.ok && this.#faults.acknowledgeUnwritten === true) {
          timers.add(id);
          return id;
        }
        if (wrote.ok) {
          this.#registryVersion = wrote.value;
          this.#answered();
          timers.add(id);
        } else {
          env.cancelTimer(id);
          if (this.#faults.ignoreDeposition !== true)
            this.#lost(`the registry write was refused: ${wrote.error}`);
        }
        return id;
      },
    };
    const innerEnv: Env<Wire> = {
      self: env.self,
      now: () => env.now(),
      send: (to, msg) => {
        if (this.leading()) env.send(to, msg);
        else env.trace({ kind: 'ha.fenced', to, channel: msg.channel });
      },
      setTimer: (delayMs, tag) => {
        const id = env.setTimer(delayMs, tag);
        // A master of a term that ended may still be running its last handler: its timers die.
        if (this.#innerEnv === innerEnv) timers.add(id);
        else env.cancelTimer(id);
        return id;
      },
      cancelTimer: (id) => {
        timers.delete(id);
        env.cancelTimer(id);
      },
      random: () => env.random(),
      trace: (event) => env.trace(event),
      ...(env.tracing === undefined ? {} : { tracing: env.tracing }),
      store,
    };
    return innerEnv;
  }

  /** Deposed while elected: the inner master goes at once; it contends again. */
  #depose(reason: string): void {
    const epoch = this.#epoch;
    if (epoch === undefined) return;
    const env = this.#env as Env<Wire>;
    env.trace({ kind: 'ha.deposed', epoch, reason });
    this.#events.deposed?.(this.#address(), epoch, reason, env.now());
    this.#epoch = undefined;
    if (this.#leaseTimer !== undefined) env.cancelTimer(this.#leaseTimer);
    this.#leaseTimer = undefined;
    this.#dropInner();
    // A new session: the old one may still hold the node (its expiry will remove it).
    const session = this.#session;
    this.#session = undefined;
    this.#node = undefined;
    if (session !== undefined) this.#coordination.request(this.#address(), (s) => s.closeSession(session));
  }

  /** The session or node is gone (elected or not). */
  #lost(reason: string): void {
    if (this.#faults.ignoreDeposition === true && this.#epoch !== undefined) return;
    if (this.#epoch !== undefined) {
      this.#depose(reason);
      return;
    }
    this.#session = undefined;
    this.#node = undefined;
    (this.#env as Env<Wire>).trace({ kind: 'ha.lost', reason });
  }

  #dropInner(): void {
    const env = this.#env;
    if (env !== undefined) for (const id of this.#innerTimers) env.cancelTimer(id);
    this.#innerTimers.clear();
    this.#inner = undefined;
    this.#innerEnv = undefined;
  }
}
