/**
 * A sorter decides the order in which clients (roles, or frameworks within a role) are offered
 * resources. This is Mesos's seam (src/master/allocator/mesos/sorter/sorter.hpp): the allocator
 * tells the sorter what each client holds and what the cluster has; the sorter answers with an
 * order. Policies (DRF, asset fairness, random, …) are sorters.
 */

/** Scalar amounts by resource name, in milli-units. */
export type Quantities = ReadonlyMap<string, number>;

/** One client's standing, for reports and tests. */
export interface ClientStanding {
  readonly name: string;
  /** The policy's share (already divided by the weight); lower is offered first. */
  readonly share: number;
  /** How many times the client has been allocated to (Mesos `allocation.count`). */
  readonly count: number;
  readonly weight: number;
  readonly active: boolean;
}

/** The order-keeping half of an allocation policy. */
export interface Sorter {
  /**
   * Adds an active client with no allocation; weight defaults to 1. `tag` is an opaque number
   * the caller may attach (the allocator's framework slot) and read back via {@link sortTags}.
   */
  add(client: string, weight?: number, tag?: number): void;
  /** Removes a client (its allocation is forgotten). */
  remove(client: string): void;
  /** Whether the client is known. */
  has(client: string): boolean;
  /** Makes an inactive client eligible again (Mesos: revive, reconnect). */
  activate(client: string): void;
  /** Takes a client out of the order without forgetting its allocation (Mesos: suppress, disconnect). */
  deactivate(client: string): void;
  /** Changes a client's weight; shares are divided by it. */
  updateWeight(client: string, weight: number): void;
  /**
   * Records an allocation to the client: `count` offers (default 1) whose quantities add up to
   * `quantities`, each counting once towards its allocation count (Mesos counts offers).
   */
  allocated(client: string, quantities: Quantities, count?: number): void;
  /** Records that the client gave back part of its allocation. */
  unallocated(client: string, quantities: Quantities): void;
  /**
   * {@link allocated} with the quantities as columns: `milli[k]` of the scalar `names[k]` for
   * every k below `names.length`, zeros meaning none (as a map of quantities leaves them out).
   * The allocator's per-offer form: the amounts come from its agent table, with no map to read.
   */
  allocatedColumns(client: string, names: readonly string[], milli: Float64Array, count?: number): void;
  /** {@link unallocated} with the quantities as columns (see {@link allocatedColumns}). */
  unallocatedColumns(client: string, names: readonly string[], milli: Float64Array): void;
  /** Adds to the cluster totals that shares are measured against. */
  addTotal(quantities: Quantities): void;
  /** Removes from the cluster totals. */
  removeTotal(quantities: Quantities): void;
  /**
   * The active clients, first to be offered first. The array belongs to the sorter and is valid
   * until the sorter next changes: a caller that allocates while walking it must stop walking.
   */
  sort(): readonly string[];
  /**
   * The tags of the active clients in the order of {@link sort}, as a view valid until the
   * sorter next changes. This is the hot-path form of the order: no strings, no copying. (A
   * random sorter draws a new order at every call of either method.)
   */
  sortTags(): Int32Array;
  /** How many clients are active (in the order), without sorting or drawing anything. */
  readonly activeCount: number;
  /** The client's standing; undefined for an unknown client. */
  standing(client: string): ClientStanding | undefined;
}

/** Builds a sorter for one level of the hierarchy; `random` is the caller's seeded stream. */
export type SorterFactory = (random: () => number) => Sorter;

/** A named allocation policy. */
export interface SorterPolicy {
  /** The name used on the command line and in scenarios. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  readonly create: SorterFactory;
}
