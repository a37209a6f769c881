/**
 * The allocator's agents, column by column: one slot per agent, and per slot its total and
 * available resources, the version of its availability, whether it is active. The allocation
 * walk reads these as typed arrays, so skipping an agent costs a few array reads rather than a
 * map lookup and an object per agent.
 *
 * Two sets of agents are kept as bitsets (bitset.ts), for the single-taker walk, which offers
 * one framework every agent it may take without visiting them one by one:
 * - **free**: active agents whose availability is all unreserved and worth offering under the
 *   default minimum (Mesos `--min_allocatable_resources`), and that no grant holds lazily;
 * - **held**: agents an open grant holds lazily (grant.ts): everything available on them is on
 *   offer, though the agent's own record still shows it as available.
 * The scalars available on agents are columns (milli-units, one Float64Array per scalar name),
 * and the sum of each column over the free agents is kept as they come and go, so what a grant
 * of every free agent holds is known without adding up ten thousand agents.
 */
import type { Resources } from '../core/resources.js';
import { UNRESERVED_ROLE } from '../core/roles.js';
import { clearBit, grownBits, hasBit, setBit, wordsFor } from './bitset.js';
import { DEFAULT_MIN_ALLOCATABLE, type MinAllocatable } from './min-allocatable.js';

const INITIAL_CAPACITY = 32;

/** Per-agent state in columns, one slot per agent ever added. */
export class AgentTable {
  #capacity = INITIAL_CAPACITY;
  /** Agent id by slot, kept after the agent is removed (a grant may still name it). */
  readonly ids: string[] = [];
  /** 1 while the slot's agent is in the cluster, 0 once removed. */
  present = new Uint8Array(INITIAL_CAPACITY);
  readonly #slotOf = new Map<string, number>();
  /** Live slots in the order their agents were added (the order a cycle shuffles). */
  readonly order: number[] = [];
  readonly total: Resources[] = [];
  readonly avail: Resources[] = [];
  /** Bumped whenever `avail` changes. */
  version = new Int32Array(INITIAL_CAPACITY);
  /** When `avail` last changed, as a count of changes (see {@link changes}). */
  changedAt = new Float64Array(INITIAL_CAPACITY);
  /** Changes to any agent's availability so far: a clock for "unchanged since". */
  changes = 0;
  active = new Uint8Array(INITIAL_CAPACITY);
  /**
   * 1 when `avail` holds resources reserved for some role (the walk must then cut the offer to
   * what the role may take); 0 when everything available is unreserved.
   */
  reserved = new Uint8Array(INITIAL_CAPACITY);
  /** 1 when the agent's total has GPUs (Mesos offers it only to GPU_RESOURCES frameworks). */
  hasGpu = new Uint8Array(INITIAL_CAPACITY);
  /** 1 when `avail` is allocatable under the default minimum (Mesos `--min_allocatable_resources`). */
  allocatableDefault = new Uint8Array(INITIAL_CAPACITY);
  /**
   * 1 when nothing is available. With {@link reserved} and {@link allocatableDefault} it lets the
   * allocation walk decide about an agent without reading its bag (a cache miss per agent).
   */
  empty = new Uint8Array(INITIAL_CAPACITY);
  /** Free agents (see the module comment). */
  free: Uint32Array = new Uint32Array(wordsFor(INITIAL_CAPACITY));
  /** Agents an open grant holds lazily. */
  held: Uint32Array = new Uint32Array(wordsFor(INITIAL_CAPACITY));
  /** Agents with GPUs. */
  gpus: Uint32Array = new Uint32Array(wordsFor(INITIAL_CAPACITY));
  /** Active agents with reserved resources available, not held: the walk looks at each. */
  reservedFree: Uint32Array = new Uint32Array(wordsFor(INITIAL_CAPACITY));
  /** Scalar name → column index into {@link columns}. */
  readonly columnOf = new Map<string, number>();
  readonly columnNames: string[] = [];
  /** Available milli-units of each scalar, one column per name in {@link columnNames}. */
  readonly columns: Float64Array[] = [];
  /** The sum of each column over the free agents. */
  freeSums = new Float64Array(0);
  readonly #defaultMin: MinAllocatable;
  /** {@link #defaultMin} compiled to columns, for as many columns as {@link #minCompiledFor}. */
  #minSets: { readonly columns: Int32Array; readonly milli: Float64Array }[] = [];
  #minCompiledFor = -1;
  /**
   * Called with an agent's slot just before its availability changes, while set (the allocator
   * sets it while batch filters that read agents' current state are live).
   */
  beforeChange: ((slot: number) => void) | undefined;

  constructor(defaultMin: MinAllocatable = DEFAULT_MIN_ALLOCATABLE) {
    this.#defaultMin = defaultMin;
  }

  /** Slots in use plus room: every per-slot array is at least this long. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Slots ever used (the highest slot plus one). */
  get slots(): number {
    return this.ids.length;
  }

  /** Number of agents. */
  get size(): number {
    return this.order.length;
  }

  slot(agentId: string): number | undefined {
    return this.#slotOf.get(agentId);
  }

  /**
   * Adds an agent with `total` available; returns its slot. Slots are never reused: a grant
   * or a filter that still names a removed agent's slot can then never be taken for another
   * agent's (a removed agent's slot stays empty; clusters add agents far less often than they
   * change anything else).
   */
  add(agentId: string, total: Resources): number {
    const slot = this.ids.length;
    if (slot >= this.#capacity) this.#grow(Math.max(slot + 1, this.#capacity * 2));
    this.ids[slot] = agentId;
    this.present[slot] = 1;
    this.#slotOf.set(agentId, slot);
    this.order.push(slot);
    this.setTotal(slot, total);
    this.active[slot] = 1;
    this.setAvail(slot, total);
    return slot;
  }

  /** Removes an agent; its slot stays empty. */
  remove(slot: number): void {
    this.#slotOf.delete(this.ids[slot] as string);
    this.#leaveFree(slot);
    this.present[slot] = 0;
    this.order.splice(this.order.indexOf(slot), 1);
    this.active[slot] = 0;
    this.allocatableDefault[slot] = 0;
    clearBit(this.reservedFree, slot);
    for (const column of this.columns) column[slot] = 0;
  }

  /** Sets an agent's total (what it was added with, or transformed by updateAllocation). */
  setTotal(slot: number, total: Resources): void {
    this.total[slot] = total;
    const gpu = total.scalarMilli('gpus') > 0;
    this.hasGpu[slot] = gpu ? 1 : 0;
    if (gpu) setBit(this.gpus, slot);
    else clearBit(this.gpus, slot);
  }

  /** Activates or deactivates an agent. */
  setActive(slot: number, active: boolean): void {
    this.active[slot] = active ? 1 : 0;
    this.#refreshSets(slot);
  }

  /** Whether an open grant holds the agent lazily. */
  isHeld(slot: number): boolean {
    return hasBit(this.held, slot);
  }

  /** Sets what is available on an agent, keeping the derived columns and sets in step. */
  setAvail(slot: number, avail: Resources): void {
    this.beforeChange?.(slot);
    this.#leaveFree(slot);
    const before = this.avail[slot];
    this.avail[slot] = avail;
    this.version[slot] = ((this.version[slot] as number) + 1) | 0;
    this.changedAt[slot] = ++this.changes;
    if (before !== avail) {
      for (const column of this.columns) column[slot] = 0;
      let reserved = 0;
      for (const e of avail.entries) {
        if (e.role !== UNRESERVED_ROLE) reserved = 1;
        if (e.value.kind !== 'scalar') continue;
        const column = this.columns[this.#column(e.name)] as Float64Array;
        column[slot] = (column[slot] as number) + e.value.milli;
      }
      this.reserved[slot] = reserved;
      this.empty[slot] = avail.isEmpty() ? 1 : 0;
      this.allocatableDefault[slot] = this.#allocatableByColumns(slot) ? 1 : 0;
    }
    this.#refreshSets(slot);
  }

  /**
   * Marks the agents of `bits` (all free) as held lazily, and takes their column sums out of the
   * free sums (`sums` is what they hold).
   */
  holdAll(bits: Uint32Array, sums: Float64Array): void {
    const { free, held } = this;
    for (let w = 0; w < bits.length; w++) {
      const b = bits[w] as number;
      if (b === 0) continue;
      free[w] = (free[w] as number) & ~b;
      held[w] = (held[w] as number) | b;
    }
    for (let k = 0; k < sums.length; k++)
      this.freeSums[k] = (this.freeSums[k] as number) - (sums[k] as number);
  }

  /**
   * Releases the lazily held agents of `bits` (unchanged since they were held, so free again),
   * giving their column sums `sums` back to the free sums.
   */
  releaseAll(bits: Uint32Array, sums: Float64Array): void {
    const { free, held } = this;
    for (let w = 0; w < bits.length; w++) {
      const b = bits[w] as number;
      if (b === 0) continue;
      held[w] = (held[w] as number) & ~b;
      free[w] = (free[w] as number) | b;
    }
    for (let k = 0; k < sums.length; k++)
      this.freeSums[k] = (this.freeSums[k] as number) + (sums[k] as number);
  }

  /** Ends the lazy hold on one agent (before its availability changes: it is not free). */
  unhold(slot: number): void {
    clearBit(this.held, slot);
    this.#refreshSets(slot);
  }

  /** Adds an agent's columns to `sums`. */
  addColumns(sums: Float64Array, slot: number): void {
    const columns = this.columns;
    for (let k = 0; k < columns.length; k++) {
      sums[k] = (sums[k] as number) + ((columns[k] as Float64Array)[slot] as number);
    }
  }

  /** Subtracts an agent's columns from `sums`. */
  addColumnsNegated(sums: Float64Array, slot: number): void {
    const columns = this.columns;
    for (let k = 0; k < columns.length && k < sums.length; k++) {
      sums[k] = (sums[k] as number) - ((columns[k] as Float64Array)[slot] as number);
    }
  }

  /**
   * `isAllocatable(avail, defaultMin)` from the agent's columns (a scalar's column is its
   * quantity over all roles, as `scalarQuantities` counts it), without a map or closure per call.
   */
  #allocatableByColumns(slot: number): boolean {
    const min = this.#defaultMin;
    if (min.length === 0) return this.empty[slot] === 0;
    if (this.#minCompiledFor !== this.columns.length) this.#compileMin();
    const { columns } = this;
    for (const set of this.#minSets) {
      let ok = true;
      for (let k = 0; k < set.columns.length && ok; k++) {
        const column = set.columns[k] as number;
        const have = column < 0 ? 0 : ((columns[column] as Float64Array)[slot] as number);
        if (have < (set.milli[k] as number)) ok = false;
      }
      if (ok) return true;
    }
    return false;
  }

  /** The default minimum's sets as column indices (-1: no column, so none of it anywhere). */
  #compileMin(): void {
    this.#minSets = this.#defaultMin.map((set) => {
      const names = [...set.keys()];
      return {
        columns: Int32Array.from(names, (name) => this.columnOf.get(name) ?? -1),
        milli: Float64Array.from(names, (name) => set.get(name) as number),
      };
    });
    this.#minCompiledFor = this.columns.length;
  }

  /** Whether the agent meets the free rule (see the module comment). */
  #shouldBeFree(slot: number): boolean {
    return (
      this.present[slot] === 1 &&
      this.active[slot] === 1 &&
      this.reserved[slot] === 0 &&
      this.allocatableDefault[slot] === 1 &&
      !hasBit(this.held, slot)
    );
  }

  #leaveFree(slot: number): void {
    if (!hasBit(this.free, slot)) return;
    clearBit(this.free, slot);
    this.#addToFreeSums(slot, -1);
  }

  /** Puts the agent in or out of the free and reserved-free sets by the rules. */
  #refreshSets(slot: number): void {
    const should = this.#shouldBeFree(slot);
    if (should !== hasBit(this.free, slot)) {
      if (should) setBit(this.free, slot);
      else clearBit(this.free, slot);
      this.#addToFreeSums(slot, should ? 1 : -1);
    }
    const reservedFree =
      this.present[slot] === 1 &&
      this.active[slot] === 1 &&
      this.reserved[slot] === 1 &&
      !hasBit(this.held, slot);
    if (reservedFree) setBit(this.reservedFree, slot);
    else clearBit(this.reservedFree, slot);
  }

  #addToFreeSums(slot: number, sign: 1 | -1): void {
    const columns = this.columns;
    for (let k = 0; k < columns.length; k++) {
      this.freeSums[k] = (this.freeSums[k] as number) + sign * ((columns[k] as Float64Array)[slot] as number);
    }
  }

  #column(name: string): number {
    let index = this.columnOf.get(name);
    if (index === undefined) {
      index = this.columns.length;
      this.columnOf.set(name, index);
      this.columnNames.push(name);
      this.columns.push(new Float64Array(this.#capacity));
      const sums = new Float64Array(this.columns.length);
      sums.set(this.freeSums);
      this.freeSums = sums;
    }
    return index;
  }

  #grow(capacity: number): void {
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.version = grow(this.version, new Int32Array(capacity));
    this.changedAt = grow(this.changedAt, new Float64Array(capacity));
    this.active = grow(this.active, new Uint8Array(capacity));
    this.present = grow(this.present, new Uint8Array(capacity));
    this.reserved = grow(this.reserved, new Uint8Array(capacity));
    this.hasGpu = grow(this.hasGpu, new Uint8Array(capacity));
    this.allocatableDefault = grow(this.allocatableDefault, new Uint8Array(capacity));
    this.empty = grow(this.empty, new Uint8Array(capacity));
    const words = wordsFor(capacity);
    this.free = grownBits(this.free, words);
    this.held = grownBits(this.held, words);
    this.gpus = grownBits(this.gpus, words);
    this.reservedFree = grownBits(this.reservedFree, words);
    for (let i = 0; i < this.columns.length; i++) {
      this.columns[i] = grow(this.columns[i] as Float64Array, new Float64Array(capacity));
    }
    this.#capacity = capacity;
  }
}
