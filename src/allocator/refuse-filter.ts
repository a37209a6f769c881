/**
 * Offer filters (Mesos `RefusedOfferFilter`, src/master/allocator/mesos/hierarchical.cpp): after
 * a framework declines (or leaves unused part of) an offer, that agent's resources are not
 * offered to it again, in that role, while the filter lasts, unless more is available than was
 * refused (refused ⊇ candidate is what blocks).
 */
import type { Resources } from '../core/resources.js';

/** Mesos's default `Filters.refuse_seconds` (proto default), used when none or a bad one is given. */
export const DEFAULT_REFUSE_SECONDS = 5;

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
 * The refusal filters on one agent for one role, indexed by the framework's slot in that role.
 *
 * Why not a map of filter objects: in Mesos's DeclineOffers benchmark every framework ends up
 * filtering every agent (10,000 × 1,000 filters), and the allocation walk tests a filter for
 * every framework it passes. Dense typed arrays make that test a few array reads and keep a
 * filter at 16 bytes; the refused bags are shared by value (most refusals on an agent refuse
 * the same leftovers), and each bag caches its containment answer per version of the agent's
 * available resources. A filter belongs to a framework "generation": revive and deactivation
 * move the framework to a new generation, which drops all its filters at once.
 */
export class AgentRoleFilters {
  private expiresAtMs = new Float64Array(0);
  private generations = new Int32Array(0);
  private bagOf = new Int32Array(0);
  private readonly bags: (Resources | undefined)[] = [];
  private readonly bagRefs: number[] = [];
  private readonly bagCheckedVersion: number[] = [];
  private readonly bagAnswer: boolean[] = [];
  private readonly bagByKey = new Map<string, number>();
  private readonly freeBags: number[] = [];
  private live = 0;

  /** How many filters are installed (expired ones count until they are next looked at). */
  get size(): number {
    return this.live;
  }

  /**
   * Installs (or replaces) the filter of `slot`. `slotCount` (how many slots the role has) sizes
   * the tables on first use, so that they rarely grow.
   */
  set(slot: number, refused: Resources, expiresAtMs: number, generation: number, slotCount = 0): void {
    this.ensure(Math.max(slot, slotCount - 1));
    if (this.expiresAtMs[slot] !== 0) this.clear(slot);
    this.expiresAtMs[slot] = expiresAtMs;
    this.generations[slot] = generation;
    this.bagOf[slot] = this.retainBag(refused);
    this.live++;
  }

  /** Removes the filter of `slot`, if any. */
  clear(slot: number): void {
    if (slot >= this.expiresAtMs.length || this.expiresAtMs[slot] === 0) return;
    this.expiresAtMs[slot] = 0;
    this.releaseBag(this.bagOf[slot] as number);
    this.live--;
  }

  /**
   * If the filter of `slot` blocks offering `candidate` now, its expiry time; otherwise 0. A
   * filter that has expired or belongs to an older generation is removed on the way.
   */
  blockedUntil(
    slot: number,
    generation: number,
    candidate: Resources,
    availableVersion: number,
    nowMs: number,
  ): number {
    if (slot >= this.expiresAtMs.length) return 0;
    const expires = this.expiresAtMs[slot] as number;
    if (expires === 0) return 0;
    if (nowMs >= expires || this.generations[slot] !== generation) {
      this.clear(slot);
      return 0;
    }
    const bag = this.bagOf[slot] as number;
    if (this.bagCheckedVersion[bag] !== availableVersion) {
      const refused = this.bags[bag] as Resources;
      this.bagCheckedVersion[bag] = availableVersion;
      this.bagAnswer[bag] = refused.contains(candidate);
    }
    return this.bagAnswer[bag] ? expires : 0;
  }

  private ensure(slot: number): void {
    if (slot < this.expiresAtMs.length) return;
    const size = Math.max(slot + 1, this.expiresAtMs.length * 2);
    const grow = <T extends Float64Array | Int32Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.expiresAtMs = grow(this.expiresAtMs, new Float64Array(size));
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
    this.freeBags.push(bag);
  }
}
