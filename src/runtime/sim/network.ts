/**
 * The simulated network: decides, for each message, whether it arrives, when, and how many times.
 * It holds no messages itself; the world schedules the deliveries it decides. Faults follow the
 * knobs of TigerBeetle's packet simulator (anchors.md §6): seeded one-way latency, loss,
 * duplication ("replay"), reordering, and partitions that can be one-way.
 *
 * Ordering: Mesos talks over libprocess TCP connections, so by default each (from, to) link is
 * FIFO — a message never overtakes an earlier one on the same link, jitter only delays it. Set
 * `reorder: true` for UDP-like links where each message arrives at its own drawn time and jitter
 * reorders them. Links between different pairs are never ordered with respect to each other.
 *
 * Determinism: every decision draws from the network's own named stream, and every send between
 * two different addresses draws exactly four numbers (loss, duplication, two latencies) whatever
 * the outcome, so changing a probability or partitioning a node changes only the fates it should,
 * not the latencies of every later message. Sends to oneself are loopback: delivered at once, in
 * order, never lost or partitioned, drawing nothing (libprocess delivers local sends in-process).
 *
 * Partitions apply at send time: a message already on the wire when a partition starts still
 * arrives, as in-flight packets on a link that has just been cut mostly do. The world tells the
 * network whether the receiver is up; a send to a process that is down is `refused`.
 */
import type { Address, TraceEvent } from '../../core/process.js';
import type { RandomStream } from '../../core/random-streams.js';

/** The network's fault and latency knobs (units last, as everywhere). */
export interface NetworkConfig {
  /** Smallest one-way latency in ms; each message draws uniformly in [min, max]. */
  readonly latencyMsMin: number;
  /** Largest one-way latency in ms. */
  readonly latencyMsMax: number;
  /** Probability in [0, 1] that a message is lost. */
  readonly lossProbability: number;
  /** Probability in [0, 1] that a delivered message arrives twice (the copy has its own latency). */
  readonly duplicateProbability: number;
  /** false (default): FIFO per (from, to) link, like TCP. true: jitter may reorder, like UDP. */
  readonly reorder: boolean;
}

// Below this many remembered links a sweep is not worth its pass over the table.
const MIN_SWEEP_LINK_COUNT = 4096;

/** A reliable, FIFO, 1 ms network. */
export const DEFAULT_NETWORK_CONFIG: NetworkConfig = Object.freeze({
  latencyMsMin: 1,
  latencyMsMax: 1,
  lossProbability: 0,
  duplicateProbability: 0,
  reorder: false,
});

/** What the network did with one message. */
export type TransmitOutcome = 'delivered' | 'duplicated' | 'lost' | 'partitioned' | 'refused';

/**
 * The result of {@link SimNetwork.transmit}. The network reuses one object for every call (the
 * hot path allocates nothing), so read it before the next call.
 */
export interface Transmission {
  outcome: TransmitOutcome;
  /** Deliveries to schedule: 0 (lost, partitioned, refused), 1 or 2 (duplicated). */
  copies: 0 | 1 | 2;
  /** When the first copy arrives (meaningful when copies >= 1). */
  firstAtMs: number;
  /** When the second copy arrives (meaningful when copies === 2). */
  secondAtMs: number;
}

/** Options for {@link SimNetwork}. */
export interface SimNetworkOptions {
  /** The network's own stream; every random decision comes from it. */
  readonly random: RandomStream;
  /** Knobs; unspecified ones take {@link DEFAULT_NETWORK_CONFIG}'s values. */
  readonly config?: Partial<NetworkConfig>;
  /** Receives partition, heal and configuration changes (the world stamps time and source). */
  readonly trace?: (event: TraceEvent) => void;
  /** Keys the draws of health-check messages (see {@link SimNetwork.transmitHealth}). */
  readonly healthSalt?: number;
}

/** Partition options. */
export interface PartitionOptions {
  /** Block only `a → b`; `b → a` still flows (an asymmetric fault, e.g. a broken return route). */
  readonly oneWay?: boolean;
}

/** Checks a complete configuration; throws a RangeError naming the bad field. */
export function validateNetworkConfig(config: NetworkConfig): void {
  const { latencyMsMin, latencyMsMax, lossProbability, duplicateProbability } = config;
  if (!(Number.isFinite(latencyMsMin) && latencyMsMin >= 0)) {
    throw new RangeError(`latencyMsMin must be a finite number >= 0, got ${latencyMsMin}`);
  }
  if (!(Number.isFinite(latencyMsMax) && latencyMsMax >= latencyMsMin)) {
    throw new RangeError(
      `latencyMsMax must be finite and >= latencyMsMin (${latencyMsMin}), got ${latencyMsMax}`,
    );
  }
  for (const [name, p] of [
    ['lossProbability', lossProbability],
    ['duplicateProbability', duplicateProbability],
  ] as const) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${p}`);
  }
  if (typeof config.reorder !== 'boolean')
    throw new RangeError(`reorder must be a boolean, got ${config.reorder}`);
}

/** A seeded network between named processes. */
export class SimNetwork {
  readonly #random: RandomStream;
  readonly #trace: ((event: TraceEvent) => void) | undefined;
  #config: NetworkConfig;
  // blocked.get(from).has(to): messages from → to are dropped. Directed, so one-way cuts are free.
  readonly #blocked = new Map<Address, Set<Address>>();
  readonly #isolated = new Set<Address>();
  #faultCount = 0; // blocked pairs + isolated nodes: lets the common no-partition case skip lookups
  // lastAtMs.get(from).get(to): the latest delivery time scheduled on that link, for FIFO. Only
  // links with a delivery still ahead constrain anything, so older entries are swept out once the
  // table doubles: it stays proportional to the links in flight, not to every pair that ever talked.
  readonly #lastAtMs = new Map<Address, Map<Address, number>>();
  #linkCount = 0;
  #sweepAtLinkCount = MIN_SWEEP_LINK_COUNT;
  readonly #result: Transmission = { outcome: 'delivered', copies: 1, firstAtMs: 0, secondAtMs: 0 };
  readonly #healthSalt: number;
  readonly #addressHashes = new Map<Address, number>();

  /** A network drawing from `options.random`. */
  constructor(options: SimNetworkOptions) {
    this.#random = options.random;
    this.#healthSalt = (options.healthSalt ?? 0) >>> 0;
    this.#trace = options.trace;
    const config = { ...DEFAULT_NETWORK_CONFIG, ...options.config };
    validateNetworkConfig(config);
    this.#config = Object.freeze(config);
  }

  /** The current knobs. */
  get config(): NetworkConfig {
    return this.#config;
  }

  /** Changes some knobs from now on (e.g. a lossy phase of a scenario); in-flight messages keep their fate. */
  configure(changes: Partial<NetworkConfig>): void {
    const config = { ...this.#config, ...changes };
    validateNetworkConfig(config);
    this.#config = Object.freeze(config);
    this.#trace?.({ kind: 'net.configure', ...changes });
  }

  /** Cuts `a → b`, and `b → a` too unless `oneWay`. */
  partition(a: Address, b: Address, options: PartitionOptions = {}): void {
    this.#block(a, b);
    if (options.oneWay !== true) this.#block(b, a);
    this.#trace?.({ kind: 'net.partition', a, b, oneWay: options.oneWay === true });
  }

  /** Restores both directions between `a` and `b` (an isolated node stays isolated: see {@link rejoin}). */
  heal(a: Address, b: Address): void {
    this.#unblock(a, b);
    this.#unblock(b, a);
    this.#trace?.({ kind: 'net.heal', a, b });
  }

  /** Cuts every link to and from `node`, including links to nodes that appear later. */
  isolate(node: Address): void {
    if (!this.#isolated.has(node)) {
      this.#isolated.add(node);
      this.#faultCount++;
    }
    this.#trace?.({ kind: 'net.isolate', node });
  }

  /** Ends {@link isolate} for `node`; pairwise partitions involving it remain. */
  rejoin(node: Address): void {
    if (this.#isolated.delete(node)) this.#faultCount--;
    this.#trace?.({ kind: 'net.rejoin', node });
  }

  /** Ends every partition and isolation. */
  healAll(): void {
    this.#blocked.clear();
    this.#isolated.clear();
    this.#faultCount = 0;
    this.#trace?.({ kind: 'net.heal-all' });
  }

  /** Whether a message sent now from `from` to `to` would get past the partitions. */
  canReach(from: Address, to: Address): boolean {
    if (from === to || this.#faultCount === 0) return true;
    if (this.#isolated.has(from) || this.#isolated.has(to)) return false;
    return this.#blocked.get(from)?.has(to) !== true;
  }

  /**
   * Decides the fate of one message sent at `nowMs`. Returns a shared object (see
   * {@link Transmission}); the caller schedules `copies` deliveries at the given times.
   *
   * `receiverUp` false (the world knows no running process at `to`) gives `refused`, as a TCP
   * connection to a dead host is: the draws are still made, so they do not depend on which
   * processes are up, but the link's FIFO state is untouched, so a refused message cannot delay
   * the ones sent after the receiver comes back.
   */
  transmit(from: Address, to: Address, nowMs: number, receiverUp = true): Transmission {
    const result = this.#result;
    if (from === to) {
      if (!receiverUp) return this.#dropped(result, 'refused');
      result.outcome = 'delivered';
      result.copies = 1;
      result.firstAtMs = nowMs;
      result.secondAtMs = nowMs;
      return result;
    }
    const random = this.#random;
    const config = this.#config;
    // Always four draws, in this order, whatever the outcome (see the file comment).
    const lossDraw = random();
    const duplicateDraw = random();
    const width = config.latencyMsMax - config.latencyMsMin;
    let firstAtMs = nowMs + config.latencyMsMin + width * random();
    let secondAtMs = nowMs + config.latencyMsMin + width * random();
    if (!receiverUp) return this.#dropped(result, 'refused');
    if (!this.canReach(from, to)) return this.#dropped(result, 'partitioned');
    if (lossDraw < config.lossProbability) return this.#dropped(result, 'lost');
    const duplicated = duplicateDraw < config.duplicateProbability;
    if (!config.reorder) {
      // FIFO: a message may be delayed behind the link's last one, never overtake it. Equal
      // times are fine: the event queue breaks ties in scheduling order.
      const last = this.#linkLastAtMs(from, to);
      if (firstAtMs < last) firstAtMs = last;
      if (duplicated && secondAtMs < firstAtMs) secondAtMs = firstAtMs;
      this.#setLinkLastAtMs(from, to, duplicated ? secondAtMs : firstAtMs, nowMs);
    }
    result.outcome = duplicated ? 'duplicated' : 'delivered';
    result.copies = duplicated ? 2 : 1;
    result.firstAtMs = firstAtMs;
    result.secondAtMs = secondAtMs;
    return result;
  }

  /**
   * Decides the fate of a health-check message (a ping or its answer) sent at `nowMs`. Health
   * checks travel on a lane of their own:
   * - their draws are not taken from the network's stream but computed from the link and the
   *   send time (a keyed hash), so whether pings are simulated as messages or elided on quiet
   *   links (core/process.ts HealthElision) moves no other message's latency;
   * - they neither wait behind a link's earlier messages nor hold later ones back: a ping is a
   *   few bytes, and a task launch queued behind the latency drawn for a ping would be an
   *   artefact of drawing each message's latency on its own, not something TCP does.
   * Partitions, a receiver that is down, loss and duplication apply as to any message.
   */
  transmitHealth(from: Address, to: Address, nowMs: number, receiverUp = true): Transmission {
    const result = this.#result;
    const config = this.#config;
    const lossDraw = this.healthDraw(from, to, nowMs, 0);
    const duplicateDraw = this.healthDraw(from, to, nowMs, 1);
    const firstAtMs = this.healthArrivalMs(from, to, nowMs);
    const width = config.latencyMsMax - config.latencyMsMin;
    const secondAtMs = nowMs + config.latencyMsMin + width * this.healthDraw(from, to, nowMs, 3);
    if (!receiverUp) return this.#dropped(result, 'refused');
    if (!this.canReach(from, to)) return this.#dropped(result, 'partitioned');
    if (lossDraw < config.lossProbability) return this.#dropped(result, 'lost');
    const duplicated = duplicateDraw < config.duplicateProbability;
    result.outcome = duplicated ? 'duplicated' : 'delivered';
    result.copies = duplicated ? 2 : 1;
    result.firstAtMs = firstAtMs;
    result.secondAtMs = secondAtMs;
    return result;
  }

  /** When a health-check message sent at `nowMs` from `from` to `to` arrives (its first copy). */
  healthArrivalMs(from: Address, to: Address, nowMs: number): number {
    const config = this.#config;
    const width = config.latencyMsMax - config.latencyMsMin;
    return nowMs + config.latencyMsMin + width * this.healthDraw(from, to, nowMs, 2);
  }

  /** A uniform draw in [0, 1) keyed by (link, send time, purpose): the health lane's randomness. */
  healthDraw(from: Address, to: Address, nowMs: number, purpose: number): number {
    const micros = Math.round(nowMs * 1000);
    let h = mix32(this.#healthSalt ^ Math.imul(purpose + 1, 0x9e3779b1));
    h = mix32(h ^ this.#addressHash(from));
    h = mix32(h ^ this.#addressHash(to));
    h = mix32(h ^ (micros >>> 0));
    h = mix32(h ^ Math.floor(micros / 4294967296));
    return h / 4294967296;
  }

  #addressHash(address: Address): number {
    let h = this.#addressHashes.get(address);
    if (h === undefined) {
      h = 0x811c9dc5;
      for (let i = 0; i < address.length; i++) h = Math.imul(h ^ address.charCodeAt(i), 0x01000193) >>> 0;
      this.#addressHashes.set(address, h);
    }
    return h;
  }

  /** Whether a message sent now from any process to any other is sure to arrive once (no loss, no duplication). */
  get lossless(): boolean {
    return this.#config.lossProbability === 0 && this.#config.duplicateProbability === 0;
  }

  /** Whether some partition or isolation is in force. */
  get partitioned(): boolean {
    return this.#faultCount > 0;
  }

  #dropped(result: Transmission, outcome: 'lost' | 'partitioned' | 'refused'): Transmission {
    result.outcome = outcome;
    result.copies = 0;
    return result;
  }

  #linkLastAtMs(from: Address, to: Address): number {
    return this.#lastAtMs.get(from)?.get(to) ?? Number.NEGATIVE_INFINITY;
  }

  #setLinkLastAtMs(from: Address, to: Address, atMs: number, nowMs: number): void {
    let links = this.#lastAtMs.get(from);
    if (links === undefined) {
      links = new Map();
      this.#lastAtMs.set(from, links);
    }
    const size = links.size;
    links.set(to, atMs);
    if (links.size === size) return;
    if (++this.#linkCount >= this.#sweepAtLinkCount) this.#sweepLinks(nowMs);
  }

  /** Forgets links whose last delivery is not after `nowMs`: every later send arrives after it anyway. */
  #sweepLinks(nowMs: number): void {
    let count = 0;
    for (const [from, links] of this.#lastAtMs) {
      for (const [to, atMs] of links) {
        if (atMs <= nowMs) links.delete(to);
      }
      if (links.size === 0) this.#lastAtMs.delete(from);
      count += links.size;
    }
    this.#linkCount = count;
    this.#sweepAtLinkCount = Math.max(MIN_SWEEP_LINK_COUNT, 2 * count);
  }

  #block(from: Address, to: Address): void {
    let targets = this.#blocked.get(from);
    if (targets === undefined) {
      targets = new Set();
      this.#blocked.set(from, targets);
    }
    if (!targets.has(to)) {
      targets.add(to);
      this.#faultCount++;
    }
  }

  #unblock(from: Address, to: Address): void {
    const targets = this.#blocked.get(from);
    if (targets?.delete(to) === true) {
      this.#faultCount--;
      if (targets.size === 0) this.#blocked.delete(from);
    }
  }
}

/** The murmur3 finaliser: mixes 32 bits into 32 well-spread bits (unsigned). */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
