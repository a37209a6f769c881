/**
 * The allocator's agents, column by column: one slot per agent, and per slot its total and
 * available resources, the version of its availability, whether it is active, and which open
 * grant holds it lazily (see grant.ts). The allocation walk reads these as typed arrays, so
 * skipping an agent costs a few array reads rather than a map lookup and an object per agent.
 *
 * Scalars of the available resources are also kept as columns (milli-units, one Float64Array per
 * scalar name), so that what a grant of thousands of agents holds can be summed in a tight loop
 * without touching a `Resources` object per agent.
 */
import type { Resources } from '../core/resources.js';
import { UNRESERVED_ROLE } from '../core/roles.js';
import { DEFAULT_MIN_ALLOCATABLE, isAllocatable, type MinAllocatable } from './min-allocatable.js';

const INITIAL_CAPACITY = 16;

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
  /** Bumped whenever `avail` changes (or the agent is lazily held or released). */
  version = new Int32Array(INITIAL_CAPACITY);
  active = new Uint8Array(INITIAL_CAPACITY);
  /** Id of the open grant that holds everything available on the agent, 0 for none. */
  heldBy = new Int32Array(INITIAL_CAPACITY);
  /**
   * 1 when `avail` holds resources reserved for some role (the walk must then cut the offer to
   * what the role may take); 0 when everything available is unreserved.
   */
  reserved = new Uint8Array(INITIAL_CAPACITY);
  /** 1 when the agent's total has GPUs (Mesos offers it only to GPU_RESOURCES frameworks). */
  hasGpu = new Uint8Array(INITIAL_CAPACITY);
  /** 1 when `avail` is allocatable under the default minimum (Mesos `--min_allocatable_resources`). */
  allocatableDefault = new Uint8Array(INITIAL_CAPACITY);
  /** Scalar name → column index into {@link columns}. */
  readonly columnOf = new Map<string, number>();
  readonly columnNames: string[] = [];
  /** Available milli-units of each scalar, one column per name in {@link columnNames}. */
  readonly columns: Float64Array[] = [];
  readonly #defaultMin: MinAllocatable;
  /**
   * Called with an agent's slot just before its availability or version changes, while set
   * (the allocator sets it while batch filters that read agents' current state are live).
   */
  beforeChange: ((slot: number) => void) | undefined;

  constructor(defaultMin: MinAllocatable = DEFAULT_MIN_ALLOCATABLE) {
    this.#defaultMin = defaultMin;
  }

  /** Slots in use plus free ones: every per-slot array is at least this long. */
  get capacity(): number {
    return this.#capacity;
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
    this.heldBy[slot] = 0;
    this.setAvail(slot, total);
    return slot;
  }

  /** Removes an agent; its slot stays empty. */
  remove(slot: number): void {
    this.#slotOf.delete(this.ids[slot] as string);
    this.present[slot] = 0;
    this.order.splice(this.order.indexOf(slot), 1);
    this.active[slot] = 0;
    this.heldBy[slot] = 0;
    this.allocatableDefault[slot] = 0;
    for (const column of this.columns) column[slot] = 0;
  }

  /** Sets an agent's total (what it was added with, or transformed by updateAllocation). */
  setTotal(slot: number, total: Resources): void {
    this.total[slot] = total;
    this.hasGpu[slot] = total.scalarMilli('gpus') > 0 ? 1 : 0;
  }

  /** Sets what is available on an agent, keeping the derived columns in step. */
  setAvail(slot: number, avail: Resources): void {
    this.beforeChange?.(slot);
    const before = this.avail[slot];
    this.avail[slot] = avail;
    this.version[slot] = ((this.version[slot] as number) + 1) | 0;
    if (before === avail) return;
    for (const column of this.columns) column[slot] = 0;
    let reserved = 0;
    for (const e of avail.entries) {
      if (e.role !== UNRESERVED_ROLE) reserved = 1;
      if (e.value.kind !== 'scalar') continue;
      const column = this.columns[this.#column(e.name)] as Float64Array;
      column[slot] = (column[slot] as number) + e.value.milli;
    }
    this.reserved[slot] = reserved;
    this.allocatableDefault[slot] = isAllocatable(avail, this.#defaultMin) ? 1 : 0;
  }

  /** Bumps an agent's version without changing what is available (a lazy hold or release). */
  touchVersion(slot: number): void {
    this.beforeChange?.(slot);
    this.version[slot] = ((this.version[slot] as number) + 1) | 0;
  }

  #column(name: string): number {
    let index = this.columnOf.get(name);
    if (index === undefined) {
      index = this.columns.length;
      this.columnOf.set(name, index);
      this.columnNames.push(name);
      this.columns.push(new Float64Array(this.#capacity));
    }
    return index;
  }

  #grow(capacity: number): void {
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.version = grow(this.version, new Int32Array(capacity));
    this.active = grow(this.active, new Uint8Array(capacity));
    this.present = grow(this.present, new Uint8Array(capacity));
    this.heldBy = grow(this.heldBy, new Int32Array(capacity));
    this.reserved = grow(this.reserved, new Uint8Array(capacity));
    this.hasGpu = grow(this.hasGpu, new Uint8Array(capacity));
    this.allocatableDefault = grow(this.allocatableDefault, new Uint8Array(capacity));
    for (let i = 0; i < this.columns.length; i++) {
      this.columns[i] = grow(this.columns[i] as Float64Array, new Float64Array(capacity));
    }
    this.#capacity = capacity;
  }
}
