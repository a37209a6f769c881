/**
 * One refusal filter for many agents at once: what a framework's decline of the rest of a lazy
 * grant installs (Mesos installs one `RefusedOfferFilter` per declined offer; the rule it applies
 * is the same here, agent by agent). It blocks offering the framework, in that role, an agent it
 * covers while it lasts, unless more is available there than was refused.
 *
 * What was refused on an agent is what was available on it when the filter was installed (the
 * grant held all of it, unchanged). Rather than keeping that bag per agent, the filter keeps the
 * set of agents it covers; while a covered agent's availability has not changed, what is
 * available is exactly what was refused. Before a covered agent changes, the allocator calls
 * {@link BatchFilter.keep} with the old bag, so the rule can still be applied after the change.
 *
 * Installing one copies a bitset; voiding it (SUPPRESS, REVIVE, deactivation, a framework
 * leaving) is a generation bump, O(1): the common "decline the rest, then suppress" costs no
 * per-agent work at all.
 */
import type { Resources } from '../core/resources.js';
import { hasBit, setBit } from './bitset.js';

/** A refusal filter over a set of agents, for one framework in one role. */
export class BatchFilter {
  readonly generation: number;
  readonly expiresAtMs: number;
  /** The agents covered. */
  readonly covered: Uint32Array;
  /** Covered agents whose availability changed since (what was refused there is kept). */
  readonly changed: Uint32Array;
  readonly #kept = new Map<number, Resources>();

  constructor(generation: number, expiresAtMs: number, covered: Uint32Array) {
    this.generation = generation;
    this.expiresAtMs = expiresAtMs;
    this.covered = covered;
    this.changed = new Uint32Array(covered.length);
  }

  /** Whether the filter covers the agent in `slot`. */
  covers(slot: number): boolean {
    return hasBit(this.covered, slot);
  }

  /** The agent's availability is about to change from `before`: remember what was refused there. */
  keep(slot: number, before: Resources): void {
    if (!hasBit(this.covered, slot) || hasBit(this.changed, slot)) return;
    setBit(this.changed, slot);
    this.#kept.set(slot, before);
  }

  /**
   * Whether the filter blocks offering `candidate` (part of what is available) on a covered
   * agent: what is offered must be contained in what was refused.
   */
  blocks(slot: number, candidate: Resources): boolean {
    if (!hasBit(this.changed, slot)) return true;
    return (this.#kept.get(slot) as Resources).contains(candidate);
  }
}
