/**
 * A master's candidacy in ZooKeeper, as Mesos's ZooKeeperMasterContender runs it: the master
 * joins the group under the URL's path with an ephemeral sequential node `json.info_<seq>`
 * holding its MasterInfo as JSON, and leads while its node has the lowest sequence. That
 * sequence is its epoch: a later leader always has a higher one.
 *
 * Losing the session ends the candidacy. The master must stop acting as leader *before* another
 * can be elected, so leadership is a lease: ZooKeeper expires a session no sooner than its
 * timeout after it last heard from it, so each request that ZooKeeper answered proves leadership
 * until (time it was sent + a fraction of the session timeout). The contender refreshes that proof
 * a few times per timeout; {@link LeaderContender.leading} reads the wall clock on every call, so
 * a master stopped (SIGSTOP) past its session timeout finds itself deposed by its very first
 * check when it runs again, before any timer of its own can send an offer. Then the session is
 * closed and the master contends again on a new one (Mesos's master exits and is restarted by
 * its supervisor; Agora's process stays up and follows).
 */
import { randomUUID } from 'node:crypto';
import type { MasterInfo } from '../../../core/messages/cluster-info.js';
import { EPHEMERAL_SEQUENTIAL, groupMembers, MASTER_INFO_JSON_LABEL, ZkSession } from './zk-session.js';
import type { ZkUrl } from './zk-url.js';

/** The share of the session timeout a confirmed request proves leadership for. */
const LEASE_SHARE = 0.6;
/** How many times per session timeout the lease is renewed. */
const RENEWALS_PER_TIMEOUT = 6;

/** What the contender tells its master. */
export interface ContenderEvents {
  /** Elected with `epoch` (its znode's sequence), holding `session`. */
  readonly elected: (epoch: number, session: ZkSession) => void;
  /** No longer leading, and why; the master must stop acting as leader now. */
  readonly deposed: (reason: string) => void;
  readonly log?: (line: string) => void;
}

/** A master's candidacy (see the module comment); stop it with {@link close}. */
export class LeaderContender {
  readonly #url: ZkUrl;
  readonly #sessionTimeoutMs: number;
  readonly #info: () => MasterInfo;
  readonly #events: ContenderEvents;
  #session: ZkSession | undefined;
  #epoch: number | undefined;
  /** Leadership is proved until this wall-clock time (ms). */
  #leaseUntilMs = 0;
  #renewal: NodeJS.Timeout | undefined;
  #closed = false;
  #generation = 0;

  constructor(url: ZkUrl, sessionTimeoutMs: number, info: () => MasterInfo, events: ContenderEvents) {
    this.#url = url;
    this.#sessionTimeoutMs = sessionTimeoutMs;
    this.#info = info;
    this.#events = events;
  }

  /** Joins the group; contends again after every lost session until {@link close}. */
  start(): void {
    void this.#contend();
  }

  /**
   * Whether this master leads now: elected, and its lease not run out by the monotonic clock. When
   * the lease has run out, this is the moment the master learns it: it is deposed at once.
   */
  leading(): boolean {
    if (this.#epoch === undefined) return false;
    // Measured on the monotonic clock: a wall clock stepped back must not stretch the lease
    // (found by the simulator's chaos with clock skew: simha's notes).
    if (performance.now() < this.#leaseUntilMs) return true;
    this.#lose(`no word from ZooKeeper for ${performance.now() - (this.#leaseUntilMs - this.#leaseMs())} ms`);
    return false;
  }

  /** The epoch this master leads with, while it does. */
  get epoch(): number | undefined {
    return this.leading() ? this.#epoch : undefined;
  }

  /** Gives up leadership (a registry write ZooKeeper refused, say) and contends anew. */
  abdicate(reason: string): void {
    this.#lose(reason);
  }

  /** Withdraws (closing the session removes the node at once) and stops contending. */
  close(): void {
    this.#closed = true;
    this.#generation++;
    this.#stopRenewal();
    this.#epoch = undefined;
    this.#session?.close();
  }

  #leaseMs(): number {
    return (this.#session?.timeoutMs ?? this.#sessionTimeoutMs) * LEASE_SHARE;
  }

  async #contend(): Promise<void> {
    if (this.#closed) return;
    const generation = ++this.#generation;
    const session = await ZkSession.open(this.#url, this.#sessionTimeoutMs, {
      expired: () => {
        if (generation === this.#generation) this.#lose('the ZooKeeper session expired');
      },
      disconnected: () => {
        if (generation === this.#generation && this.#epoch !== undefined) {
          this.#events.log?.('disconnected from ZooKeeper; leading until the lease runs out');
        }
      },
    });
    if (generation !== this.#generation) {
      session.close();
      return;
    }
    this.#session = session;
    try {
      await session.mkdirp(this.#url.path);
      const created = await session.create(
        `${this.#url.path}/${MASTER_INFO_JSON_LABEL}_`,
        Buffer.from(JSON.stringify(this.#info())),
        EPHEMERAL_SEQUENTIAL,
      );
      const name = created.slice(created.lastIndexOf('/') + 1);
      this.#events.log?.(`contending in ZooKeeper as ${created}`);
      await this.#watch(session, generation, name);
    } catch (e) {
      if (generation === this.#generation) this.#lose(`contending failed: ${String(e)}`);
    }
  }

  async #watch(session: ZkSession, generation: number, name: string): Promise<void> {
    if (generation !== this.#generation) return;
    const sentAtMs = performance.now();
    const children = await session.children(this.#url.path, () => {
      this.#watch(session, generation, name).catch((e: unknown) => {
        if (generation === this.#generation) this.#lose(`watching the group failed: ${String(e)}`);
      });
    });
    if (generation !== this.#generation) return;
    const members = groupMembers(children);
    const own = members.find((m) => m.name === name);
    if (own === undefined) {
      this.#lose(`its znode ${name} is gone`);
      return;
    }
    const lowest = members.find((m) => m.label === MASTER_INFO_JSON_LABEL);
    if (lowest?.name !== name || this.#epoch !== undefined) return;
    this.#epoch = own.sequence;
    this.#leaseUntilMs = sentAtMs + this.#leaseMs();
    this.#renew(session, generation, name);
    this.#events.elected(own.sequence, session);
  }

  /** Renews the lease with a read ZooKeeper must answer, a few times per session timeout. */
  #renew(session: ZkSession, generation: number, name: string): void {
    this.#renewal = setTimeout(
      () => {
        const sentAtMs = performance.now();
        session.exists(`${this.#url.path}/${name}`).then(
          (exists) => {
            if (generation !== this.#generation || this.#epoch === undefined) return;
            if (!exists) {
              this.#lose(`its znode ${name} is gone`);
              return;
            }
            // A confirmation that arrives after the lease ran out proves nothing: it was deposed.
            if (this.leading()) this.#leaseUntilMs = Math.max(this.#leaseUntilMs, sentAtMs + this.#leaseMs());
          },
          () => {},
        );
        if (generation === this.#generation && this.leading()) this.#renew(session, generation, name);
      },
      (session.timeoutMs || this.#sessionTimeoutMs) / RENEWALS_PER_TIMEOUT,
    );
  }

  #stopRenewal(): void {
    if (this.#renewal !== undefined) clearTimeout(this.#renewal);
    this.#renewal = undefined;
  }

  /** Ends this session's candidacy (deposing the master if it led) and contends anew. */
  #lose(reason: string): void {
    if (this.#closed) return;
    const wasLeading = this.#epoch !== undefined;
    this.#generation++;
    this.#epoch = undefined;
    this.#stopRenewal();
    this.#session?.close();
    this.#session = undefined;
    if (wasLeading) this.#events.deposed(reason);
    else this.#events.log?.(`candidacy lost (${reason}); contending again`);
    setTimeout(() => void this.#contend(), 100).unref();
  }
}

/** A fresh id for a contending master's MasterInfo. */
export function contenderId(): string {
  return randomUUID();
}
