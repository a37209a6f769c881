/**
 * A grant: what one allocation cycle offered one framework in one role, one entry per agent, in
 * offer order. The master turns each entry into an `Offer` (one agent, everything allocatable
 * on it for the role: Mesos's coarse-grained offers) and each grant into part of one OFFERS
 * event. Offered resources count as allocated to the framework until the master takes the
 * entry back (accept, decline, rescind) or releases what is left of the grant.
 *
 * Why a grant rather than a list of offers: in a large cluster a framework that revives is
 * offered every agent at once (about 10,000 offers) and declines nearly all of them, often in
 * the same instant. A grant holds those agents **lazily**: the agent's available resources stay
 * where they are, marked as held by the grant (`AgentTable.heldBy`), and only the entries the
 * framework uses or that something else touches are moved into the framework's allocation
 * (materialised). Releasing the rest of a grant is then one pass over an Int32Array, and a grant
 * costs no object per agent. Every decision (who is offered what, when, what is filtered) is
 * the same as with eager offers; only the representation differs.
 */
import type { Resources } from '../core/resources.js';
import type { AgentTable } from './agent-table.js';

/** Whether an entry is still outstanding. */
const OUTSTANDING = 0;
const DONE = 1;

/** One framework's offers in one role from one cycle. */
export class Grant {
  /** Unique among grants ever made by one allocator (never 0, which means "not held"). */
  readonly id: number;
  readonly frameworkId: string;
  readonly role: string;
  /** Agent slots, in offer order. */
  readonly agents: Int32Array;
  readonly size: number;
  /**
   * The offered resources of each entry that is not lazily held (eager entries, and lazy ones
   * once materialised); a lazily held entry's offer is its agent's available resources.
   */
  readonly #bags: (Resources | undefined)[];
  readonly #done: Uint8Array;
  readonly #table: AgentTable;
  #outstanding: number;
  /** Entries still lazily held (their agents' `heldBy` is this grant's id). */
  lazy: number;

  constructor(
    id: number,
    frameworkId: string,
    role: string,
    agents: Int32Array,
    bags: (Resources | undefined)[],
    lazy: number,
    table: AgentTable,
  ) {
    this.id = id;
    this.frameworkId = frameworkId;
    this.role = role;
    this.agents = agents;
    this.size = agents.length;
    this.#bags = bags;
    this.#done = new Uint8Array(agents.length);
    this.#outstanding = agents.length;
    this.lazy = lazy;
    this.#table = table;
  }

  /** Entries not yet taken back or released. */
  get outstanding(): number {
    return this.#outstanding;
  }

  /** The agent of entry `p`. */
  agentId(p: number): string {
    return this.#table.ids[this.agents[p] as number] as string;
  }

  /** The agent slot of entry `p`. */
  agentSlot(p: number): number {
    return this.agents[p] as number;
  }

  /** The resources offered in entry `p`. */
  resources(p: number): Resources {
    const bag = this.#bags[p];
    if (bag !== undefined) return bag;
    const slot = this.agents[p] as number;
    // Lazily held: the offer is everything available on the agent.
    return this.#table.avail[slot] as Resources;
  }

  /** Whether entry `p` is lazily held (its agent's resources not yet moved to the framework). */
  isLazy(p: number): boolean {
    return this.#bags[p] === undefined && this.#table.heldBy[this.agents[p] as number] === this.id;
  }

  /** Records the bag of a lazily held entry as its agent is materialised. */
  pin(p: number, bag: Resources): void {
    this.#bags[p] = bag;
  }

  /** Whether entry `p` is still outstanding. */
  isOutstanding(p: number): boolean {
    return this.#done[p] === OUTSTANDING;
  }

  /** Marks entry `p` done; false if it already was. */
  finish(p: number): boolean {
    if (this.#done[p] !== OUTSTANDING) return false;
    this.#done[p] = DONE;
    this.#outstanding--;
    return true;
  }

  /** Position of the entry on agent `slot`, or -1 (a scan: for rare events such as an agent lost). */
  positionOf(slot: number): number {
    return this.agents.indexOf(slot);
  }
}
