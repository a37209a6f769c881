/**
 * A role's refusal filters at a glance, as two bit matrices of agents by framework slot, so that
 * the allocation walk can pass a framework on an agent without opening the agent's filter table
 * (refuse-filter.ts), which is a cache miss per agent:
 *
 * - **may**: the agent's table may hold a filter of the framework. Set whenever one is added,
 *   cleared when the framework's filters there are cleared or the table is dropped, and when the
 *   walk finds that they have all expired. A clear bit means no filter, so the walk reaches a
 *   framework that never declined the agent with one bit test.
 * - **known**: the framework's filters are known to block the agent's candidate bag
 *   `knownFor[agent]` (by identity: bags are immutable) until at least `knownUntil[agent]`,
 *   the earliest expiry among the answers recorded. Why: in Mesos's DeclineOffers benchmark each
 *   agent ends up filtered by every framework, and every walk passes, on every agent, the
 *   frameworks that filter it before it reaches one that does not; once the filter table has
 *   said so, passing such a framework is one bit test. A set bit holds while the candidate is the
 *   same object (an agent's bag usually comes back as the very object it was after an offer and
 *   its decline), the clock is before `knownUntil`, and the framework's filters on the agent have
 *   not changed (adding or clearing one clears the bit; a new filter generation is a clear). A
 *   filter added for another framework blocks more, never less, so it leaves the other bits true.
 *
 * Rows are allocated when the role gets its first filter, `stride` words per agent (one bit per
 * framework slot of the role).
 */
import type { Resources } from '../core/resources.js';
import { wordsFor } from './bitset.js';

/** The bit matrices of one role (see the module comment). */
export class FilterMatrix {
  /** Words per agent row; 0 until the first filter. */
  stride = 0;
  /** Rows allocated (agent slots). */
  agents = 0;
  may: Uint32Array = new Uint32Array(0);
  known: Uint32Array = new Uint32Array(0);
  /** The candidate bag the agent's known bits answer for (undefined: none known). */
  knownFor: (Resources | undefined)[] = [];
  /** The earliest time until which a known bit of the agent was blocked. */
  knownUntil: Float64Array = new Float64Array(0);
  /** Framework slots and agent slots the rows must cover (kept even before the first filter). */
  #frameworkSlots = 0;
  #agentCapacity = 0;

  /** Grows the matrices to `agentCapacity` agents and `frameworkSlots` framework slots. */
  fit(agentCapacity: number, frameworkSlots: number): void {
    this.#agentCapacity = Math.max(this.#agentCapacity, agentCapacity);
    this.#frameworkSlots = Math.max(this.#frameworkSlots, frameworkSlots);
    if (this.stride === 0) return;
    const stride = Math.max(this.stride, wordsFor(this.#frameworkSlots));
    if (stride === this.stride && this.agents >= this.#agentCapacity) return;
    this.#layout(stride, Math.max(this.agents, this.#agentCapacity));
  }

  /** A filter of framework `fw` was added on `agent`. */
  added(agent: number, fw: number): void {
    if (this.stride === 0) this.#layout(Math.max(1, wordsFor(this.#frameworkSlots)), this.#agentCapacity);
    const at = agent * this.stride + (fw >>> 5);
    const bit = 1 << (fw & 31);
    this.may[at] = (this.may[at] as number) | bit;
    // More filters block more: a known bit stays true. It is cleared anyway, as a filter table
    // may drop an older filter to make room (MAX_FILTERS_PER_SLOT).
    this.known[at] = (this.known[at] as number) & ~bit;
  }

  /** Every filter of framework `fw` on `agent` is gone (cleared, voided, or expired). */
  cleared(agent: number, fw: number): void {
    if (this.stride === 0) return;
    const at = agent * this.stride + (fw >>> 5);
    const bit = ~(1 << (fw & 31));
    this.may[at] = (this.may[at] as number) & bit;
    this.known[at] = (this.known[at] as number) & bit;
  }

  /** Framework `fw`'s filters on `agent` are no longer known to block (some of them went). */
  forget(agent: number, fw: number): void {
    if (this.stride === 0) return;
    const at = agent * this.stride + (fw >>> 5);
    this.known[at] = (this.known[at] as number) & ~(1 << (fw & 31));
  }

  /** The agent's filter table was dropped (no filters left, or the agent left). */
  clearRow(agent: number): void {
    if (this.stride === 0 || agent >= this.agents) return;
    const from = agent * this.stride;
    this.may.fill(0, from, from + this.stride);
    this.known.fill(0, from, from + this.stride);
    this.knownFor[agent] = undefined;
  }

  /**
   * The offset of the agent's row if its known bits answer for `candidate` at `nowMs`, else -1
   * (the known bits are reset first if they answered for another bag or one of them expired).
   */
  knownRow(agent: number, candidate: Resources, nowMs: number): number {
    const knownFor = this.knownFor[agent];
    if (knownFor === undefined) return -1;
    if (knownFor === candidate && nowMs < (this.knownUntil[agent] as number)) return agent * this.stride;
    this.#forgetKnown(agent);
    return -1;
  }

  /** Records that framework `fw` is blocked on `agent` for `candidate` until `untilMs`. */
  record(agent: number, fw: number, candidate: Resources, untilMs: number, nowMs: number): void {
    if (this.stride === 0) return;
    const knownFor = this.knownFor[agent];
    if (knownFor !== candidate || nowMs >= (this.knownUntil[agent] as number)) {
      if (knownFor !== undefined) this.#forgetKnown(agent);
      this.knownFor[agent] = candidate;
      this.knownUntil[agent] = untilMs;
    } else if (untilMs < (this.knownUntil[agent] as number)) {
      this.knownUntil[agent] = untilMs;
    }
    const at = agent * this.stride + (fw >>> 5);
    this.known[at] = (this.known[at] as number) | (1 << (fw & 31));
  }

  #forgetKnown(agent: number): void {
    const from = agent * this.stride;
    this.known.fill(0, from, from + this.stride);
    this.knownFor[agent] = undefined;
  }

  #layout(stride: number, agents: number): void {
    const may = new Uint32Array(agents * stride);
    const known = new Uint32Array(agents * stride);
    if (stride === this.stride) {
      may.set(this.may);
      known.set(this.known);
    } else {
      for (let a = 0; a < this.agents; a++) {
        may.set(this.may.subarray(a * this.stride, (a + 1) * this.stride), a * stride);
        known.set(this.known.subarray(a * this.stride, (a + 1) * this.stride), a * stride);
      }
    }
    const knownUntil = new Float64Array(agents);
    knownUntil.set(this.knownUntil);
    while (this.knownFor.length < agents) this.knownFor.push(undefined);
    this.may = may;
    this.known = known;
    this.knownUntil = knownUntil;
    this.stride = stride;
    this.agents = agents;
  }
}
