/**
 * Health checks without messages on quiet links: the simulated world's side of
 * core/process.ts `HealthElision`.
 *
 * A cluster of 10,000 agents exchanges about 115 million ping and pong messages a day, and on a
 * link with no fault every one of them has a single possible outcome. The master may therefore
 * ask, at each ping, whether the link is quiet: both ends running, neither clock skewed, no
 * partition between them, a lossless network, and no fault scheduled before the answer could
 * return. If so the ping is not sent; it is recorded as having reached the agent when its drawn
 * latency says (health messages draw from a keyed hash, network.ts `transmitHealth`, so the time
 * is the same whether the message is simulated or not), and the master takes it as answered.
 * The agent, when its ping deadline comes, counts elided pings as received; and while the
 * master keeps eliding, it may put off looking at the deadline until the next scheduled fault,
 * since before then pings keep coming (the deadline is several ping intervals long).
 *
 * Soundness rests on knowing faults in advance: every action that can disturb a master–agent
 * link (a crash, a restart, a partition or its end, a clock skew, an agent leaving) is scheduled
 * with {@link SimWorld.atFault}, which records its time. A fault recorded at a time the world
 * has already vouched for throws at once, so a harness that schedules faults too late fails
 * loudly rather than replaying differently.
 */
import type { Address, HealthElision } from '../../core/process.js';
import type { SimNetwork } from './network.js';

/** What the elision needs to know about the world. */
export interface HealthWorld {
  now(): number;
  readonly network: SimNetwork;
  /** Whether `address` is running with an unskewed clock. */
  plain(address: Address): boolean;
  /** The first scheduled fault at or after `timeMs` (Infinity if none). */
  nextFaultMs(timeMs: number): number;
  /** Fires a {@link HEALTH_WAKE_TAG} timer on `address` now, if it is running. */
  wake(address: Address): void;
}

/** Elided pings on one master → agent link. */
interface LinkRecord {
  /** Send times of the two latest elided pings (the latest last). */
  previousSentMs: number;
  latestSentMs: number;
  /** The master's ping interval, as it said when eliding. */
  intervalMs: number;
  /** The master is eliding its pings on this link (cleared by a real ping or `stopped`). */
  eliding: boolean;
}

/** The simulated world's health elision, one per world. */
export class SimHealthElision {
  readonly #world: HealthWorld;
  readonly #links = new Map<string, LinkRecord>();
  /** The latest time the world has vouched nothing disturbs (a fault recorded before it is a bug). */
  #vouchedUntilMs = Number.NEGATIVE_INFINITY;
  /** Processes whose health checks are always messages (see {@link keepMessages}). */
  readonly #kept = new Set<Address>();
  /** Pings elided, for the curious (bench output). */
  elided = 0;

  constructor(world: HealthWorld) {
    this.#world = world;
  }

  /** The env capability for the process at `self`. */
  channel(self: Address): HealthElision {
    return {
      elidePing: (to, intervalMs) => this.#elide(self, to, intervalMs),
      stopped: (to) => this.#stopped(self, to),
      lastElidedPingMs: (from) => this.#lastArrival(from, self),
      pingDeadlineSafeUntilMs: (from, timeoutMs) => this.#safeUntil(from, self, timeoutMs),
    };
  }

  /**
   * Health checks to and from `address` are always simulated as messages. For a process whose
   * clock will be skewed: when it checks its ping deadline matters once its clock jumps, and
   * that moment is only the same as in a message-level run if its pings arrive as messages.
   */
  keepMessages(address: Address): void {
    this.#kept.add(address);
  }

  /** A real ping went from `from` to `to`: the master is not (or no longer) eliding there. */
  realPing(from: Address, to: Address): void {
    const record = this.#links.get(linkKey(from, to));
    if (record !== undefined) record.eliding = false;
  }

  /** A fault is scheduled at `timeMs`; throws if the world already vouched for that time. */
  faultScheduled(timeMs: number): void {
    if (timeMs < this.#vouchedUntilMs && timeMs >= this.#world.now()) {
      throw new Error(
        `assertion failed: a fault scheduled at ${timeMs} ms, but health checks were elided on the ` +
          `promise that nothing happens before ${this.#vouchedUntilMs} ms: schedule faults up front`,
      );
    }
  }

  #quiet(master: Address, agent: Address): boolean {
    const world = this.#world;
    const network = world.network;
    if (!network.lossless || !world.plain(master) || !world.plain(agent)) return false;
    if (this.#kept.size > 0 && (this.#kept.has(master) || this.#kept.has(agent))) return false;
    return !network.partitioned || (network.canReach(master, agent) && network.canReach(agent, master));
  }

  #elide(master: Address, agent: Address, intervalMs: number): boolean {
    const world = this.#world;
    if (!this.#quiet(master, agent)) return false;
    const now = world.now();
    // The ping and its answer must both be on their way before anything scheduled can happen.
    const answeredByMs = now + 2 * world.network.config.latencyMsMax + 1;
    if (world.nextFaultMs(now) <= answeredByMs) return false;
    this.#vouch(answeredByMs);
    const key = linkKey(master, agent);
    let record = this.#links.get(key);
    if (record === undefined) {
      record = {
        previousSentMs: Number.NEGATIVE_INFINITY,
        latestSentMs: Number.NEGATIVE_INFINITY,
        intervalMs,
        eliding: true,
      };
      this.#links.set(key, record);
    }
    record.previousSentMs = record.latestSentMs;
    record.latestSentMs = now;
    record.intervalMs = intervalMs;
    record.eliding = true;
    this.elided++;
    return true;
  }

  #stopped(master: Address, agent: Address): void {
    const record = this.#links.get(linkKey(master, agent));
    if (record === undefined || !record.eliding) return;
    record.eliding = false;
    this.#world.wake(agent);
  }

  #lastArrival(master: Address, agent: Address): number {
    const record = this.#links.get(linkKey(master, agent));
    if (record === undefined) return Number.NEGATIVE_INFINITY;
    const now = this.#world.now();
    const network = this.#world.network;
    for (const sentMs of [record.latestSentMs, record.previousSentMs]) {
      if (sentMs === Number.NEGATIVE_INFINITY) continue;
      const arrivalMs = network.healthArrivalMs(master, agent, sentMs);
      if (arrivalMs <= now) return arrivalMs;
    }
    return Number.NEGATIVE_INFINITY;
  }

  /**
   * While the master elides on a quiet link, pings keep coming at least every interval until the
   * next fault: the last one before it arrives no earlier than `fault − interval − latency`, so
   * a deadline `timeoutMs` after the last ping cannot pass before the fault when the timeout is
   * longer than an interval plus both latencies.
   */
  #safeUntil(master: Address, agent: Address, timeoutMs: number): number {
    const record = this.#links.get(linkKey(master, agent));
    if (record === undefined || !record.eliding || !this.#quiet(master, agent)) {
      return Number.NEGATIVE_INFINITY;
    }
    const world = this.#world;
    const marginMs = 2 * world.network.config.latencyMsMax + 1;
    if (timeoutMs <= record.intervalMs + marginMs) return Number.NEGATIVE_INFINITY;
    const now = world.now();
    // The master's last elided ping must be recent: it elides every interval while it pings.
    if (now - record.latestSentMs > record.intervalMs + marginMs) return Number.NEGATIVE_INFINITY;
    const untilMs = world.nextFaultMs(now);
    this.#vouch(untilMs);
    return untilMs;
  }

  #vouch(untilMs: number): void {
    if (untilMs > this.#vouchedUntilMs) this.#vouchedUntilMs = untilMs;
  }
}

function linkKey(from: Address, to: Address): string {
  return `${from}\u0000${to}`;
}
