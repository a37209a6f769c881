/**
 * One refusal filter for many agents at once: what a framework's decline of the rest of a grant
 * installs (Mesos installs one `RefusedOfferFilter` per declined offer; the rule it applies is
 * the same here, agent by agent). It blocks offering the framework, in that role, an agent it
 * covers while it lasts, unless more is available there than was refused.
 *
 * What was refused on an agent is what was available on it when the filter was installed (the
 * grant held all of it). Rather than keeping that bag per agent, the filter keeps the agent's
 * availability version: while the version is unchanged, what is available is exactly what was
 * refused. Before an agent covered by a live filter changes, the allocator calls
 * {@link BatchFilter.keep} with the old bag, so the rule can still be applied after the change.
 *
 * Installing one is a pass over an Int32Array; voiding it (SUPPRESS, REVIVE, deactivation, a
 * framework leaving) is a generation bump, O(1): the common "decline the rest, then suppress"
 * costs no per-agent filter at all.
 */
import type { Resources } from '../core/resources.js';

/** A refusal filter over a set of agents, for one framework in one role. */
export class BatchFilter {
  readonly generation: number;
  readonly expiresAtMs: number;
  /** Bit per agent slot: covered. */
  readonly #covered: Uint32Array;
  /** Availability version of each covered agent when the filter was installed. */
  readonly #versionAt: Int32Array;
  /** What was refused on covered agents whose availability has changed since. */
  readonly #kept = new Map<number, Resources>();

  constructor(generation: number, expiresAtMs: number, capacity: number) {
    this.generation = generation;
    this.expiresAtMs = expiresAtMs;
    this.#covered = new Uint32Array((capacity + 31) >>> 5);
    this.#versionAt = new Int32Array(capacity);
  }

  /** Covers an agent whose availability (at `version`) is what was refused. */
  cover(slot: number, version: number): void {
    this.#covered[slot >>> 5] = (this.#covered[slot >>> 5] as number) | (1 << (slot & 31));
    this.#versionAt[slot] = version;
  }

  /** Whether the filter covers the agent in `slot`. */
  covers(slot: number): boolean {
    const word = slot >>> 5;
    return word < this.#covered.length && ((this.#covered[word] as number) & (1 << (slot & 31))) !== 0;
  }

  /**
   * The agent's availability is about to change from `before` (at `version`): remember what was
   * refused there if this filter still reads it from the agent.
   */
  keep(slot: number, version: number, before: Resources): void {
    if (this.covers(slot) && this.#versionAt[slot] === version && !this.#kept.has(slot)) {
      this.#kept.set(slot, before);
    }
  }

  /**
   * Whether the filter blocks offering `candidate` on a covered agent whose availability is at
   * `version`: what is offered must be contained in what was refused.
   */
  blocks(slot: number, version: number, candidate: Resources, available: Resources): boolean {
    if (this.#versionAt[slot] === version) return candidate === available || available.contains(candidate);
    const refused = this.#kept.get(slot);
    return refused?.contains(candidate) === true;
  }
}
