/**
 * The frameworks known to be blocked on one agent in one role, as a bitset by framework slot: a
 * memo of {@link AgentRoleFilters.blockedUntil}'s answers for one candidate bag.
 *
 * Why: in Mesos's DeclineOffers benchmark each agent ends up filtered by every framework, and
 * each allocation walk passes, on every agent, the frameworks that filter it before reaching one
 * that does not. Asking the filters each time costs several array reads and a containment test
 * per framework passed; once the answer is known, skipping such a framework is one bit test.
 *
 * A set bit stays true while three things hold, and the memo forgets what they no longer cover:
 * - the candidate is the same bag, by identity (a bag is immutable, and an agent's availability
 *   usually comes back as the very object it was before an offer and its decline, so the memo
 *   survives the offer cycle; any other bag resets it);
 * - no filter that blocked has expired: the memo keeps the earliest time until which a set bit
 *   was blocked and resets once the clock reaches it;
 * - the slot's filters have not changed: the filter table forgets the slot's bit on any change
 *   to them (added, cleared, voided, expired), which also covers a framework leaving its slot.
 * A filter added for another slot blocks more, never less, so it leaves the other bits true.
 */
import type { Resources } from '../core/resources.js';
import { clearBit, hasBit, setBit, wordsFor } from './bitset.js';

/** Framework slots known blocked for one candidate bag (see the module comment). */
export class KnownBlocked {
  /** The bits, by framework slot; valid only for {@link candidate} and before {@link untilMs}. */
  bits: Uint32Array = new Uint32Array(0);
  /** The bag the bits answer for. */
  candidate: Resources | undefined;
  /** The earliest time until which a set bit's framework is blocked. */
  untilMs = Number.POSITIVE_INFINITY;
  /** Set bits. */
  count = 0;

  /**
   * The bits for `candidate` at `nowMs`, or undefined when none is known (the memo is reset first
   * if it was for another bag or a filter it relied on has expired).
   */
  bitsFor(candidate: Resources, nowMs: number): Uint32Array | undefined {
    if (this.candidate !== candidate || nowMs >= this.untilMs) this.reset(candidate);
    return this.count === 0 ? undefined : this.bits;
  }

  /** Records that `slot` is blocked for `candidate` until `untilMs` (as the filters said at `nowMs`). */
  record(slot: number, candidate: Resources, untilMs: number, nowMs: number): void {
    if (this.candidate !== candidate || nowMs >= this.untilMs) this.reset(candidate);
    if (slot >>> 5 >= this.bits.length) {
      const grown = new Uint32Array(wordsFor(Math.max(slot + 1, this.bits.length * 64)));
      grown.set(this.bits);
      this.bits = grown;
    }
    if (hasBit(this.bits, slot)) return;
    setBit(this.bits, slot);
    this.count++;
    if (untilMs < this.untilMs) this.untilMs = untilMs;
  }

  /** Forgets what is known of `slot` (its filters changed). */
  forget(slot: number): void {
    if (this.count === 0 || !hasBit(this.bits, slot)) return;
    clearBit(this.bits, slot);
    this.count--;
  }

  private reset(candidate: Resources): void {
    if (this.count > 0) this.bits.fill(0);
    this.count = 0;
    this.candidate = candidate;
    this.untilMs = Number.POSITIVE_INFINITY;
  }
}
