/**
 * Health checks without messages on quiet links: the simulated world's side of
 * core/process.ts `HealthElision`.
 *
 * A cluster of 10,000 agents exchanges about 115 million ping and pong messages a day, and on a
 * link with no fault every one of them has a single possible outcome. When the master is about
 * to ping an agent it asks whether the link is quiet: both ends running, neither clock skewed,
 * no partition between them, a lossless network, and no fault scheduled before the answer could
 * return. If so, that ping and every later one before the next fault that could touch the link
 * are elided: the master takes them as answered and looks at the agent again only when the
 * fault is near (its ping schedule is a fixed grid, so the time is computable), and the world
 * keeps the schedule so that it can say when each elided ping reached the agent (health
 * messages draw their latency from a keyed hash, network.ts `transmitHealth`, so the time is
 * the same as if the message had been simulated). The agent counts elided pings when it checks
 * its ping deadline, and while pings are sure to keep coming it need not check before then.
 *
 * Soundness rests on knowing faults in advance: every action that can disturb a master–agent
 * link (a crash, a restart, a partition or its end, a clock skew, an agent joining or leaving)
 * is scheduled with {@link SimWorld.atFault}, naming the processes it touches. A fault scheduled
 * at a time the world has already vouched for, for a process it touches, throws at once, so a
 * harness that schedules faults too late fails loudly rather than replaying differently.
 */
import type { Address, HealthElision } from '../../core/process.js';
import type { SimNetwork } from './network.js';

/** What the elision needs to know about the world. */
export interface HealthWorld {
  now(): number;
  readonly network: SimNetwork;
  /** Whether `address` is running with an unskewed clock. */
  plain(address: Address): boolean;
  /** The first fault at or after now that touches `a` or `b` (Infinity if none). */
  nextFaultMs(a: Address, b: Address): number;
  /** Fires a {@link HEALTH_WAKE_TAG} timer on `address` now, if it is running. */
  wake(address: Address): void;
}

/**
 * One run of elided pings on a master → agent link: sent at `firstMs`, then at `secondMs` and
 * every `intervalMs` after it, up to and including `lastMs`.
 */
interface Stretch {
  readonly firstMs: number;
  readonly secondMs: number;
  readonly intervalMs: number;
  /** The last elided send (Infinity: they go on for ever). */
  lastMs: number;
  /** When the master looks at the agent again (the first send not elided; Infinity: never). */
  resumeMs: number;
}

/** Elided pings on one master → agent link. */
interface LinkRecord {
  stretch: Stretch;
  /** Arrival of the latest elided ping of earlier stretches (-Infinity if none). */
  earlierArrivalMs: number;
}

/** The simulated world's health elision, one per world. */
export class SimHealthElision {
  readonly #world: HealthWorld;
  /** From address → to address → record. */
  readonly #links = new Map<Address, Map<Address, LinkRecord>>();
  /** Per process: the latest time the world vouched nothing touching it happens before. */
  readonly #vouched = new Map<Address, number>();
  /** Processes whose health checks are always messages (see {@link keepMessages}). */
  readonly #kept = new Set<Address>();
  /** Stretches of elided pings begun (a ping, or a run of them up to the next fault). */
  stretches = 0;

  constructor(world: HealthWorld) {
    this.#world = world;
  }

  /** The env capability for the process at `self`. */
  channel(self: Address): HealthElision {
    return {
      elidePings: (to, intervalMs, gridMs) => this.#elide(self, to, intervalMs, gridMs),
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

  /**
   * A fault touching `affects` (every process when undefined) is scheduled at `timeMs`; throws
   * if the world has already vouched that nothing touching one of them happens by then.
   */
  faultScheduled(timeMs: number, affects: readonly Address[] | undefined): void {
    if (timeMs < this.#world.now()) return;
    const vouched =
      affects === undefined
        ? Math.max(Number.NEGATIVE_INFINITY, ...this.#vouched.values())
        : Math.max(
            Number.NEGATIVE_INFINITY,
            ...affects.map((a) => this.#vouched.get(a) ?? Number.NEGATIVE_INFINITY),
          );
    if (timeMs < vouched) {
      throw new Error(
        `assertion failed: a fault scheduled at ${timeMs} ms touches ${affects?.join(', ') ?? 'every process'}, ` +
          `but health checks were elided on the promise that nothing does before ${vouched} ms: schedule faults up front`,
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

  /** The time a ping and its answer take at most, with a millisecond to spare. */
  #roundTripMs(): number {
    return 2 * this.#world.network.config.latencyMsMax + 1;
  }

  #elide(master: Address, agent: Address, intervalMs: number, gridMs: number): number | undefined {
    const world = this.#world;
    if (!this.#quiet(master, agent)) return undefined;
    const now = world.now();
    const faultMs = world.nextFaultMs(master, agent);
    const roundTripMs = this.#roundTripMs();
    // Each elided ping and its answer must be on their way before anything scheduled happens.
    if (faultMs <= now + roundTripMs) return undefined;
    const secondMs = Math.ceil((now + intervalMs) / gridMs) * gridMs;
    let lastMs = now;
    let resumeMs = secondMs;
    if (intervalMs % gridMs === 0) {
      // Sends fall at secondMs + k × interval: elide all those whose round trip ends before the fault.
      if (faultMs === Number.POSITIVE_INFINITY) {
        lastMs = Number.POSITIVE_INFINITY;
        resumeMs = Number.POSITIVE_INFINITY;
      } else if (secondMs + roundTripMs < faultMs) {
        const k = Math.ceil((faultMs - roundTripMs - secondMs) / intervalMs);
        resumeMs = secondMs + k * intervalMs;
        lastMs = resumeMs - intervalMs;
      }
    }
    this.#vouch(master, faultMs);
    this.#vouch(agent, faultMs);
    const record = this.#record(master, agent);
    if (record === undefined) {
      this.#linksFrom(master).set(agent, {
        stretch: { firstMs: now, secondMs, intervalMs, lastMs, resumeMs },
        earlierArrivalMs: Number.NEGATIVE_INFINITY,
      });
    } else {
      record.earlierArrivalMs = this.#latestArrival(master, agent, record, now);
      record.stretch = { firstMs: now, secondMs, intervalMs, lastMs, resumeMs };
    }
    this.stretches++;
    return resumeMs;
  }

  #stopped(master: Address, agent: Address): void {
    const record = this.#record(master, agent);
    if (record === undefined) return;
    const now = this.#world.now();
    const stretch = record.stretch;
    if (stretch.resumeMs <= now) return;
    // The pings after now will not be sent after all.
    record.earlierArrivalMs = this.#latestArrival(master, agent, record, now);
    stretch.lastMs = Number.NEGATIVE_INFINITY;
    stretch.resumeMs = now;
    this.#world.wake(agent);
  }

  #lastArrival(master: Address, agent: Address): number {
    const record = this.#record(master, agent);
    return record === undefined
      ? Number.NEGATIVE_INFINITY
      : this.#latestArrival(master, agent, record, this.#world.now());
  }

  /** When the latest elided ping on the link that has arrived by `now` arrived. */
  #latestArrival(master: Address, agent: Address, record: LinkRecord, now: number): number {
    const network = this.#world.network;
    const s = record.stretch;
    // The latest send not after now, and the one before it (in case it is still on its way).
    let latest: number;
    let before: number;
    if (now < s.firstMs || s.lastMs < s.firstMs) return record.earlierArrivalMs;
    if (now < s.secondMs || s.lastMs < s.secondMs) {
      latest = s.firstMs;
      before = Number.NEGATIVE_INFINITY;
    } else {
      const k = Math.floor((Math.min(now, s.lastMs) - s.secondMs) / s.intervalMs);
      latest = s.secondMs + k * s.intervalMs;
      before = k === 0 ? s.firstMs : latest - s.intervalMs;
    }
    for (const sentMs of [latest, before]) {
      if (sentMs === Number.NEGATIVE_INFINITY) break;
      const arrivalMs = network.healthArrivalMs(master, agent, sentMs);
      if (arrivalMs <= now) return arrivalMs;
    }
    return record.earlierArrivalMs;
  }

  /**
   * While elided pings go on, one reaches the agent at least every interval until the stretch
   * ends; the last arrives no earlier than `resume − interval`, so a deadline `timeoutMs` after
   * the last ping cannot pass before `resume` when the timeout is longer than an interval plus
   * a round trip.
   */
  #safeUntil(master: Address, agent: Address, timeoutMs: number): number {
    const record = this.#record(master, agent);
    const now = this.#world.now();
    if (record === undefined || record.stretch.resumeMs <= now || record.stretch.firstMs > now) {
      return Number.NEGATIVE_INFINITY;
    }
    if (timeoutMs <= record.stretch.intervalMs + this.#roundTripMs()) return Number.NEGATIVE_INFINITY;
    return record.stretch.resumeMs;
  }

  #vouch(address: Address, untilMs: number): void {
    if (untilMs > (this.#vouched.get(address) ?? Number.NEGATIVE_INFINITY))
      this.#vouched.set(address, untilMs);
  }

  #record(master: Address, agent: Address): LinkRecord | undefined {
    return this.#links.get(master)?.get(agent);
  }

  #linksFrom(master: Address): Map<Address, LinkRecord> {
    let links = this.#links.get(master);
    if (links === undefined) {
      links = new Map();
      this.#links.set(master, links);
    }
    return links;
  }
}
