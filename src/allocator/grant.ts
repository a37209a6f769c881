/**
 * A grant: what one allocation cycle offered one framework in one role, one entry per agent, in
 * offer order. The master turns each entry into an `Offer` (one agent, everything allocatable
 * on it for the role: Mesos's coarse-grained offers) and each grant into part of one OFFERS
 * event. Offered resources count as allocated to the framework until the master takes the
 * entry back (accept, decline, rescind) or releases what is left of the grant.
 *
 * Two kinds, with the same entries for the same decisions:
 * - an {@link EagerGrant} lists its agents and what each was offered; the general allocation
 *   walk makes these, agent by agent;
 * - a {@link LazyGrant} is a set of agents (a bitset) whose availability is all on offer. In a
 *   large cluster a framework that revives is offered every agent at once (about 10,000 offers)
 *   and uses a handful, usually in the same instant. A lazy grant holds its agents without
 *   touching them one by one (AgentTable.holdAll), draws its order only as far as the entries
 *   are read (a Fisher–Yates shuffle run lazily: Mesos shuffles agents every cycle), and gives
 *   back what was not used in one pass over words (AgentTable.releaseAll). An entry moves into
 *   the framework's ordinary allocation ("materialises") only when the master takes it back or
 *   something else touches its agent.
 */
import type { Resources } from '../core/resources.js';
import type { AgentTable } from './agent-table.js';
import { clearBit, hasBit } from './bitset.js';
import { CycleRandom } from './cycle-random.js';

/** One framework's offers in one role from one cycle, as the master reads them. */
export interface Grant {
  /** Unique among grants ever made by one allocator. */
  readonly id: number;
  readonly frameworkId: string;
  readonly role: string;
  /** Number of entries. */
  readonly size: number;
  /** The agent slot of entry `p`. */
  agentSlot(p: number): number;
  /** The agent of entry `p`. */
  agentId(p: number): string;
  /** The resources offered in entry `p`. */
  resources(p: number): Resources;
  /** The position of the entry on the agent `agentId`, or -1. */
  positionOfAgent(agentId: string): number;
}

/** A grant listing its agents and bags (the general walk's). */
export class EagerGrant implements Grant {
  readonly id: number;
  readonly frameworkId: string;
  readonly role: string;
  readonly size: number;
  readonly #agents: Int32Array;
  readonly #bags: readonly Resources[];
  readonly #table: AgentTable;
  readonly #done: Uint8Array;
  #outstanding: number;

  constructor(
    id: number,
    frameworkId: string,
    role: string,
    agents: Int32Array,
    bags: readonly Resources[],
    table: AgentTable,
  ) {
    this.id = id;
    this.frameworkId = frameworkId;
    this.role = role;
    this.size = agents.length;
    this.#agents = agents;
    this.#bags = bags;
    this.#table = table;
    this.#done = new Uint8Array(agents.length);
    this.#outstanding = agents.length;
  }

  agentSlot(p: number): number {
    return this.#agents[p] as number;
  }

  agentId(p: number): string {
    return this.#table.ids[this.#agents[p] as number] as string;
  }

  resources(p: number): Resources {
    return this.#bags[p] as Resources;
  }

  positionOfAgent(agentId: string): number {
    const slot = this.#table.slot(agentId);
    return slot === undefined ? -1 : this.#agents.indexOf(slot);
  }

  /** Entries not yet taken back or released. */
  get outstanding(): number {
    return this.#outstanding;
  }

  isOutstanding(p: number): boolean {
    return this.#done[p] === 0;
  }

  /** Marks entry `p` done; false if it already was. */
  finish(p: number): boolean {
    if (this.#done[p] !== 0) return false;
    this.#done[p] = 1;
    this.#outstanding--;
    return true;
  }
}

/** A grant holding a set of agents lazily (see the module comment). */
export class LazyGrant implements Grant {
  readonly id: number;
  readonly frameworkId: string;
  readonly role: string;
  readonly size: number;
  /** The agents of the grant (never changes). */
  readonly members: Uint32Array;
  /** Members still held lazily: their availability is the offer and is not yet theirs. */
  readonly held: Uint32Array;
  /** Members held lazily, and the sum of their columns (AgentTable.columns). */
  heldCount: number;
  readonly heldSums: Float64Array;
  /** Bags of members that materialised (moved into the framework's allocation). */
  readonly #pinned = new Map<number, Resources>();
  /** Members taken back by the master, or released. */
  readonly #done = new Set<number>();
  readonly #table: AgentTable;
  /** The lazy shuffle: entries drawn so far (grown as needed), and its state over slots [0, slots). */
  #order: Int32Array = new Int32Array(16);
  #drawn = 0;
  #step = 0;
  readonly #slots: number;
  readonly #swapped = new Map<number, number>();
  readonly #random = new CycleRandom();

  constructor(
    id: number,
    frameworkId: string,
    role: string,
    members: Uint32Array,
    size: number,
    sums: Float64Array,
    seedDraw: number,
    table: AgentTable,
  ) {
    this.id = id;
    this.frameworkId = frameworkId;
    this.role = role;
    this.members = members;
    this.held = members.slice();
    this.size = size;
    this.heldCount = size;
    this.heldSums = sums;
    this.#table = table;
    this.#slots = table.slots;
    this.#random.seed(seedDraw);
  }

  agentSlot(p: number): number {
    while (this.#drawn <= p) this.#draw();
    return this.#order[p] as number;
  }

  agentId(p: number): string {
    return this.#table.ids[this.agentSlot(p)] as string;
  }

  resources(p: number): Resources {
    return this.bagOf(this.agentSlot(p));
  }

  /** The bag offered on member `slot`. */
  bagOf(slot: number): Resources {
    return this.#pinned.get(slot) ?? (this.#table.avail[slot] as Resources);
  }

  positionOfAgent(agentId: string): number {
    const slot = this.#table.slot(agentId);
    if (slot === undefined || !hasBit(this.members, slot)) return -1;
    for (let p = 0; p < this.size; p++) if (this.agentSlot(p) === slot) return p;
    return -1;
  }

  /** Whether member `slot` is held lazily. */
  isHeld(slot: number): boolean {
    return hasBit(this.held, slot);
  }

  /** Member `slot` materialised with `bag` (the caller moves it into the allocation). */
  pin(slot: number, bag: Resources): void {
    clearBit(this.held, slot);
    this.heldCount--;
    this.#table.addColumnsNegated(this.heldSums, slot);
    this.#pinned.set(slot, bag);
  }

  /** Whether member `slot` was taken back or released. */
  isDone(slot: number): boolean {
    return this.#done.has(slot);
  }

  /** Marks member `slot` done; false if it already was. */
  finish(slot: number): boolean {
    if (this.#done.has(slot)) return false;
    this.#done.add(slot);
    return true;
  }

  /** Members that materialised and are not done (the release recovers them one by one). */
  *pinnedOutstanding(): IterableIterator<[number, Resources]> {
    for (const [slot, bag] of this.#pinned) if (!this.#done.has(slot)) yield [slot, bag];
  }

  /** Marks every held member done and clears the held set (the caller releases them). */
  finishHeld(): void {
    const held = this.held;
    for (let w = 0; w < held.length; w++) held[w] = 0;
    this.heldCount = 0;
    this.heldSums.fill(0);
  }

  /** Whether the grant has nothing left outstanding. */
  get closed(): boolean {
    if (this.heldCount > 0) return false;
    for (const slot of this.#pinned.keys()) if (!this.#done.has(slot)) return false;
    return true;
  }

  /** One more entry of the order: Fisher–Yates over slots, skipping non-members. */
  #draw(): void {
    const slots = this.#slots;
    while (this.#step < slots) {
      const i = this.#step++;
      const j = i + this.#random.below(slots - i);
      const atI = this.#swapped.get(i) ?? i;
      const atJ = this.#swapped.get(j) ?? j;
      this.#swapped.set(j, atI);
      this.#swapped.delete(i);
      if (hasBit(this.members, atJ)) {
        if (this.#drawn === this.#order.length) {
          const grown = new Int32Array(Math.min(this.size, this.#order.length * 2));
          grown.set(this.#order);
          this.#order = grown;
        }
        this.#order[this.#drawn++] = atJ;
        return;
      }
    }
    throw new Error('assertion failed: a lazy grant drew past its members');
  }
}
