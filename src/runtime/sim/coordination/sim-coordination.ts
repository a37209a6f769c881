/**
 * The coordination service placed in a simulated world: one {@link CoordinationService} standing
 * for a ZooKeeper ensemble at the network name {@link ZOOKEEPER_ADDRESS}, which the world's
 * network partitions like any process (`network.partition('master-2', 'zookeeper')`).
 *
 * A client (a master's contender) makes requests through {@link request}: a request reaches the
 * service only when the link both ways is up and the ensemble serves; otherwise it answers
 * `connection-loss` at once, as a ZooKeeper client does when it has no connection. Requests take
 * no simulated time: the service's answer is what a client sees one round trip later, and what
 * matters to the masters — whether they hear from it before their lease runs out — depends only
 * on partitions and crashes, which are drawn in whole seconds.
 *
 * Session expiry runs on the world's clock: the service is asked to expire due sessions at the
 * earliest deadline, re-planned after every request. Watches fire as timers tagged
 * {@link COORDINATION_WATCH_TAG} on the watching process, one network latency later, when the
 * link from the service to it is up (ZooKeeper pushes watch events over the session's
 * connection; a client cut off learns of changes when it next reads).
 *
 * Leader detection for agents and frameworks ({@link LeaderDirectory}): the lowest
 * `json.info_<seq>` member of the group leads, as Mesos's detector reads it. Clients are told of
 * each change one latency later; this model keeps agents and frameworks always connected to the
 * service (chaos cuts masters off from it, not agents).
 */

import type { Address, TraceEvent } from '../../../core/process.js';
import { err, type Result } from '../../../core/result.js';
import type { SimWorld } from '../world.js';
import {
  type CoordinationError,
  CoordinationService,
  type SessionId,
  sequenceOf,
} from './coordination-service.js';

/** The coordination service's name on the simulated network. */
export const ZOOKEEPER_ADDRESS = 'zookeeper';

/** The tag of the timer a fired watch sets on its session's process. */
export const COORDINATION_WATCH_TAG = 'coordination-watch';

/** The masters' group, as `zk://…/mesos` names it. */
export const MASTERS_PATH = '/mesos';

/** A master's member name's label (Mesos's `json.info_<seq>`). */
export const MASTER_INFO_LABEL = 'json.info';

/** The registry's znode, beside the group (a name without `_<seq>`, which the group skips). */
export const REGISTRY_PATH = `${MASTERS_PATH}/registry`;

/** The trace source of the service's own records. */
const TRACE_SOURCE = '@zookeeper';

/** A member of the masters' group. */
export interface GroupMember {
  readonly name: string;
  readonly sequence: number;
  /** The master's address (the member's data). */
  readonly address: Address;
}

/** The coordination service in a world (see the module comment). */
export class SimCoordination<M> {
  readonly service: CoordinationService;
  readonly #world: SimWorld<M>;
  readonly #owners = new Map<SessionId, Address>();
  readonly #leaderListeners: ((leader: GroupMember | undefined) => void)[] = [];
  #plannedExpiryMs = Number.POSITIVE_INFINITY;
  #leader: GroupMember | undefined;
  /** Sessions each address opened, in order (for chaos's session-expiry fault). */
  readonly #latest = new Map<Address, SessionId>();

  constructor(world: SimWorld<M>) {
    this.#world = world;
    this.service = new CoordinationService({
      watch: (event) => {
        const owner = this.#owners.get(event.session);
        if (owner === undefined || !this.#world.network.canReach(ZOOKEEPER_ADDRESS, owner)) return;
        this.#world.wake(
          owner,
          this.#world.now + this.#world.network.config.latencyMsMin,
          COORDINATION_WATCH_TAG,
        );
      },
      sessionEnded: (session, how) => {
        this.#trace({ kind: 'zk.session-ended', session, how, owner: this.#owners.get(session) ?? null });
        this.#owners.delete(session);
        this.#leaderMayHaveChanged();
      },
    });
  }

  /** The leader now, by the service's own group (the detectors' answer). */
  get leader(): GroupMember | undefined {
    return this.#leader;
  }

  /** Calls `listener` (from a world action, one latency after the change) at each leader change. */
  onLeaderChange(listener: (leader: GroupMember | undefined) => void): void {
    this.#leaderListeners.push(listener);
  }

  /**
   * Runs `op` on the service for `client` if it can reach the service, which serves;
   * `connection-loss` otherwise. `op` gets the service and the time.
   */
  request<T>(
    client: Address,
    op: (service: CoordinationService, nowMs: number) => Result<T, CoordinationError>,
  ): Result<T, CoordinationError> {
    const network = this.#world.network;
    if (
      !(
        this.service.up &&
        network.canReach(client, ZOOKEEPER_ADDRESS) &&
        network.canReach(ZOOKEEPER_ADDRESS, client)
      )
    ) {
      return err('connection-loss');
    }
    const result = op(this.service, this.#world.now);
    this.#planExpiry();
    this.#leaderMayHaveChanged();
    return result;
  }

  /** Opens a session for `client` (through {@link request}). */
  openSession(client: Address, timeoutMs: number): Result<SessionId, CoordinationError> {
    const opened = this.request(client, (s, now) => s.openSession(now, timeoutMs));
    if (opened.ok) {
      this.#owners.set(opened.value, client);
      this.#latest.set(client, opened.value);
      this.#trace({ kind: 'zk.session-opened', session: opened.value, owner: client, timeoutMs });
    }
    return opened;
  }

  /** A fault: the service expires `client`'s latest session now; false if it had none alive. */
  expireSessionOf(client: Address): boolean {
    const session = this.#latest.get(client);
    if (session === undefined) return false;
    const expired = this.service.expire(session);
    if (expired) this.#planExpiry();
    return expired;
  }

  /** A fault: the ensemble loses its quorum. */
  crash(): void {
    this.service.crash();
    this.#trace({ kind: 'zk.crash' });
  }

  /** The ensemble serves again (every session's timeout starts over). */
  recover(): void {
    this.service.recover(this.#world.now);
    this.#trace({ kind: 'zk.recover' });
    this.#planExpiry();
  }

  /** The masters' group now, lowest sequence first. */
  members(): GroupMember[] {
    const members: GroupMember[] = [];
    for (const name of this.service.peekChildren(MASTERS_PATH)) {
      const sequence = sequenceOf(name);
      if (sequence === undefined || !name.startsWith(`${MASTER_INFO_LABEL}_`)) continue;
      const data = this.service.peekData(`${MASTERS_PATH}/${name}`);
      if (data !== undefined) members.push({ name, sequence, address: data.data });
    }
    return members.sort((a, b) => a.sequence - b.sequence);
  }

  #leaderMayHaveChanged(): void {
    if (!this.service.up) return;
    const leader = this.members()[0];
    if (leader?.name === this.#leader?.name) return;
    this.#leader = leader;
    this.#trace({ kind: 'zk.leader', leader: leader?.address ?? null, epoch: leader?.sequence ?? null });
    const atMs = this.#world.now + this.#world.network.config.latencyMsMin;
    this.#world.at(atMs, () => {
      // Only the latest change is told: a client reads the group when its watch fires.
      if (this.#leader?.name !== leader?.name) return;
      for (const listener of this.#leaderListeners) listener(leader);
    });
  }

  #planExpiry(): void {
    const next = this.service.nextExpiryMs();
    if (next >= this.#plannedExpiryMs || next === Number.POSITIVE_INFINITY) return;
    this.#plannedExpiryMs = next;
    this.#world.at(Math.max(next, this.#world.now), () => {
      if (this.#plannedExpiryMs !== next) return;
      this.#plannedExpiryMs = Number.POSITIVE_INFINITY;
      this.service.expireDue(this.#world.now);
      this.#planExpiry();
    });
  }

  #trace(event: TraceEvent): void {
    this.#world.traceHarness(TRACE_SOURCE, event);
  }
}
