/**
 * Offer filters (Mesos `RefusedOfferFilter`, src/master/allocator/mesos/hierarchical.cpp): after
 * a framework declines (or leaves unused part of) an offer, that agent's resources are not
 * offered to it again, in that role, while the filter lasts, unless more is available than was
 * refused (refused ⊇ candidate is what blocks).
 */
import type { Resources } from '../core/resources.js';
import { DEFAULT_REFUSE_SECONDS } from './allocator.js';

/** Mesos caps refuse_seconds at 365 days. */
export const MAX_REFUSE_SECONDS = 365 * 24 * 60 * 60;

/**
 * How long a filter lasts in ms, or 0 for no filter, reproducing Mesos's rules: values above
 * 365 days become 365 days; negative or non-finite values become the 5 s default; 0 installs no
 * filter; otherwise the filter lasts at least one allocation interval (MESOS-4302), so that a
 * decline is not undone by the very next cycle.
 */
export function refuseTimeoutMs(refuseSeconds: number | undefined, allocationIntervalMs: number): number {
  let seconds = refuseSeconds ?? DEFAULT_REFUSE_SECONDS;
  if (!Number.isFinite(seconds) || seconds < 0) seconds = DEFAULT_REFUSE_SECONDS;
  if (seconds > MAX_REFUSE_SECONDS) seconds = MAX_REFUSE_SECONDS;
  if (seconds === 0) return 0;
  return Math.max(allocationIntervalMs, seconds * 1000);
}

/**
 * What {@link AgentRoleFilters.blockedUntil} says of an offer no filter blocks. Not 0: times
 * are a process's clock, which may be at or below 0 (a simulated clock skewed back near its
 * start), and a filter expiring at such a time must still block until then.
 */
export const NOT_BLOCKED = Number.NEGATIVE_INFINITY;

/** The expiry of an empty slot in the dense tables (a number no expiry time can be). */
const NO_FILTER = Number.NaN;

/** A filter that shares its slot with another (see {@link AgentRoleFilters}). */
interface ExtraFilter {
  readonly bag: number;
  readonly expiresAtMs: number;
  readonly generation: number;
}

/**
 * Most filters one framework may hold at once on one agent in one role, beyond the first. Mesos
 * keeps every filter (a set per framework, role and agent); here, past this bound the filter
 * that expires soonest is dropped, so an offer could return a little early in that extreme
 * case. Reaching it needs 17 live refusals of which none covers another.
 */
export const MAX_FILTERS_PER_SLOT = 17;

/**
 * The refusal filters on one agent for one role, indexed by the framework's slot in that role.
 *
 * Why not a map of filter objects: in Mesos's DeclineOffers benchmark every framework ends up
 * filtering every agent (10,000 × 1,000 filters), and the allocation walk tests a filter for
 * every framework it passes. Dense typed arrays make that test a few array reads and keep a
 * filter at 16 bytes; the refused bags are shared by value (most refusals on an agent refuse
 * the same leftovers), and each bag caches its containment answer per version of the agent's
 * available resources. A filter belongs to a framework "generation": revive and deactivation
 * move the framework to a new generation, which drops all its filters at once.
 *
 * Like Mesos, a framework may hold several filters on the same agent (a long decline, then a
 * short refusal of an accept's leftovers): an offer is blocked while any live one covers it.
 * The first lives in the dense tables; the rare others in a small per-slot overflow list, from
 * which filters that another one covers (refusing no more, expiring no later) are pruned.
 */
export class AgentRoleFilters {
  private expiresAtMs = new Float64Array(0);
  private generations = new Int32Array(0);
  private bagOf = new Int32Array(0);
  private readonly bags: (Resources | undefined)[] = [];
  private readonly bagRefs: number[] = [];
  private readonly bagCheckedVersion: number[] = [];
  /** The candidate bag each answer is for (see {@link covers}). */
  private readonly bagCheckedFor: (Resources | undefined)[] = [];
  private readonly bagAnswer: boolean[] = [];
  private readonly bagByKey = new Map<string, number>();
  private readonly freeBags: number[] = [];
  private readonly extras = new Map<number, ExtraFilter[]>();
  private live = 0;
  /** Told the slot whenever filters of it expire or are voided on the way (see normalize). */
  private readonly dropped: ((slot: number) => void) | undefined;

  /**
   * `dropped` is told the slot whenever filters of it are found expired or of an old generation
   * and removed on the way, which may happen in any look at the table (the allocator's filter
   * matrix must then forget what it knew of that slot).
   */
  constructor(dropped?: (slot: number) => void) {
    this.dropped = dropped;
  }

  /**
   * How many slots hold a filter (expired ones count until they are next looked at); 0 means
   * none can block anything.
   */
  get size(): number {
    return this.live;
  }

  /**
   * Adds a filter for `slot`, keeping the ones it does not make redundant. `slotCount` (how many
   * slots the role has) sizes the tables on first use, so that they rarely grow.
   */
  add(
    slot: number,
    refused: Resources,
    expiresAtMs: number,
    generation: number,
    nowMs: number,
    slotCount = 0,
  ): void {
    this.ensure(Math.max(slot, slotCount - 1));
    this.normalize(slot, generation, nowMs);
    if (Number.isNaN(this.expiresAtMs[slot])) {
      this.expiresAtMs[slot] = expiresAtMs;
      this.generations[slot] = generation;
      this.bagOf[slot] = this.retainBag(refused);
      this.live++;
      return;
    }
    this.addExtra(slot, refused, expiresAtMs, generation);
  }

  /**
   * Whether `slot` has a filter (an expired one too, until it is next looked at; one that
   * {@link blockedUntil} has just looked at is gone if it had expired).
   */
  holds(slot: number): boolean {
    return slot < this.expiresAtMs.length && !Number.isNaN(this.expiresAtMs[slot]);
  }

  /** Removes every filter of `slot`. */
  clear(slot: number): void {
    for (const e of this.extras.get(slot) ?? []) this.releaseBag(e.bag);
    this.extras.delete(slot);
    this.clearPrimary(slot);
  }

  /**
   * If the filters of `slot` block offering `candidate` now, the time until which they do (the
   * latest expiry among those that cover it); otherwise {@link NOT_BLOCKED}. Filters that have
   * expired or belong to an older generation are removed on the way. Whether a refused bag
   * covers the candidate is cached per `availableVersion`, so the version must change whenever
   * the candidate may (NaN: look again every time).
   */
  blockedUntil(
    slot: number,
    generation: number,
    candidate: Resources,
    availableVersion: number,
    nowMs: number,
  ): number {
    if (slot >= this.expiresAtMs.length || Number.isNaN(this.expiresAtMs[slot])) return NOT_BLOCKED;
    this.normalize(slot, generation, nowMs);
    const expires = this.expiresAtMs[slot] as number;
    if (Number.isNaN(expires)) return NOT_BLOCKED;
    let until = this.covers(this.bagOf[slot] as number, candidate, availableVersion) ? expires : NOT_BLOCKED;
    // Extra filters are rare: skip the map lookup entirely while there are none on this agent.
    const extras = this.extras.size === 0 ? undefined : this.extras.get(slot);
    if (extras !== undefined) {
      for (const e of extras) {
        if (e.expiresAtMs > until && this.covers(e.bag, candidate, availableVersion)) until = e.expiresAtMs;
      }
    }
    return until;
  }

  /**
   * Drops the slot's expired and old-generation filters. Keeps the invariant that a slot with
   * any live filter has one in the dense tables (an extra is promoted if needed), so that an
   * empty primary means no filter at all.
   */
  private normalize(slot: number, generation: number, nowMs: number): void {
    const primary = this.expiresAtMs[slot] as number;
    let dropped = false;
    if (!Number.isNaN(primary) && (nowMs >= primary || this.generations[slot] !== generation)) {
      this.clearPrimary(slot);
      dropped = true;
    }
    if (this.extras.size === 0 || !this.extras.has(slot)) {
      if (dropped) this.dropped?.(slot);
      return;
    }
    const before = (this.extras.get(slot) as ExtraFilter[]).length;
    const list = this.pruneExtras(slot, generation, nowMs);
    if (dropped || list.length < before) this.dropped?.(slot);
    if (Number.isNaN(this.expiresAtMs[slot]) && list.length > 0) {
      const first = list.shift() as ExtraFilter;
      this.expiresAtMs[slot] = first.expiresAtMs;
      this.generations[slot] = first.generation;
      this.bagOf[slot] = first.bag;
      this.live++;
      if (list.length === 0) this.extras.delete(slot);
    }
  }

  /**
   * Whether the refused bag contains the candidate, cached per version of the agent's leftovers
   * and candidate bag. The version alone is not enough: a role's quota cuts the candidate to its
   * headroom, which changes with the role's holdings elsewhere while this agent stays as it was,
   * and an answer for the smaller cut then blocked the larger one (or the reverse).
   */
  private covers(bag: number, candidate: Resources, availableVersion: number): boolean {
    // The very bag refused, offered again (a decline gives back what was offered): a bag
    // contains itself, with no containment walk over its entries.
    if (this.bags[bag] === candidate) return true;
    if (this.bagCheckedVersion[bag] !== availableVersion || this.bagCheckedFor[bag] !== candidate) {
      const refused = this.bags[bag] as Resources;
      this.bagCheckedVersion[bag] = availableVersion;
      this.bagCheckedFor[bag] = candidate;
      this.bagAnswer[bag] = refused.contains(candidate);
    }
    return this.bagAnswer[bag] as boolean;
  }

  /** Drops expired and old-generation extras of `slot`; returns what is left (possibly empty). */
  private pruneExtras(slot: number, generation: number, nowMs: number): ExtraFilter[] {
    const list = this.extras.get(slot) ?? [];
    const kept = list.filter((e) => {
      const alive = nowMs < e.expiresAtMs && e.generation === generation;
      if (!alive) this.releaseBag(e.bag);
      return alive;
    });
    if (kept.length === 0) this.extras.delete(slot);
    else this.extras.set(slot, kept);
    return kept;
  }

  /** Adds a second (or later) live filter to a slot whose filters were just normalised. */
  private addExtra(slot: number, refused: Resources, expiresAtMs: number, generation: number): void {
    const bag = this.retainBag(refused);
    const primary: ExtraFilter = {
      bag: this.bagOf[slot] as number,
      expiresAtMs: this.expiresAtMs[slot] as number,
      generation,
    };
    const fresh: ExtraFilter = { bag, expiresAtMs, generation };
    // A filter that refuses no more and expires no later than another adds nothing.
    const redundant = (a: ExtraFilter, b: ExtraFilter): boolean =>
      a.expiresAtMs <= b.expiresAtMs &&
      (this.bags[b.bag] as Resources).contains(this.bags[a.bag] as Resources);
    const others = this.extras.get(slot) ?? [];
    if (redundant(fresh, primary) || others.some((e) => redundant(fresh, e))) {
      this.releaseBag(bag);
      return;
    }
    const list = others.filter((e) => {
      if (!redundant(e, fresh)) return true;
      this.releaseBag(e.bag);
      return false;
    });
    if (redundant(primary, fresh)) {
      // The new filter supersedes the primary: it takes the primary's place.
      this.releaseBag(primary.bag);
      this.expiresAtMs[slot] = expiresAtMs;
      this.bagOf[slot] = bag;
    } else {
      list.push(fresh);
      if (list.length > MAX_FILTERS_PER_SLOT - 1) {
        // Over the bound: the filter that expires soonest goes, the primary included.
        list.sort((a, b) => a.expiresAtMs - b.expiresAtMs);
        const soonest = list[0] as ExtraFilter;
        if (primary.expiresAtMs <= soonest.expiresAtMs) {
          this.releaseBag(primary.bag);
          list.shift();
          this.expiresAtMs[slot] = soonest.expiresAtMs;
          this.bagOf[slot] = soonest.bag;
        } else {
          list.shift();
          this.releaseBag(soonest.bag);
        }
      }
    }
    if (list.length === 0) this.extras.delete(slot);
    else this.extras.set(slot, list);
  }

  private clearPrimary(slot: number): void {
    if (slot >= this.expiresAtMs.length || Number.isNaN(this.expiresAtMs[slot])) return;
    this.expiresAtMs[slot] = NO_FILTER;
    this.releaseBag(this.bagOf[slot] as number);
    this.live--;
  }

  private ensure(slot: number): void {
    if (slot < this.expiresAtMs.length) return;
    const size = Math.max(slot + 1, this.expiresAtMs.length * 2);
    const grow = <T extends Float64Array | Int32Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.expiresAtMs = grow(this.expiresAtMs, new Float64Array(size).fill(NO_FILTER));
    this.generations = grow(this.generations, new Int32Array(size));
    this.bagOf = grow(this.bagOf, new Int32Array(size));
  }

  private retainBag(refused: Resources): number {
    const key = refused.key();
    let bag = this.bagByKey.get(key);
    if (bag === undefined) {
      bag = this.freeBags.pop() ?? this.bags.length;
      this.bags[bag] = refused;
      this.bagRefs[bag] = 0;
      this.bagCheckedVersion[bag] = -1;
      this.bagCheckedFor[bag] = undefined;
      this.bagAnswer[bag] = false;
      this.bagByKey.set(key, bag);
    }
    this.bagRefs[bag] = (this.bagRefs[bag] as number) + 1;
    return bag;
  }

  private releaseBag(bag: number): void {
    const refs = (this.bagRefs[bag] as number) - 1;
    this.bagRefs[bag] = refs;
    if (refs > 0) return;
    this.bagByKey.delete((this.bags[bag] as Resources).key());
    this.bags[bag] = undefined;
    this.bagCheckedFor[bag] = undefined;
    this.freeBags.push(bag);
  }
}
