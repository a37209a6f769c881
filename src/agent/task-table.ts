/**
 * An executor's tasks in one of its places (queued, launched, terminated): a string-keyed map
 * that holds its one entry in two fields and makes a `Map` only for a second. A command
 * executor holds exactly one task, and every task has an executor record with three of these
 * that lives as long as the task: three `Map`s cost about 540 bytes a task, which the simulator's
 * garbage collector copies for every task it runs. It behaves as a `Map` (insertion order; a
 * key set again keeps its place) for the operations the agent uses.
 */

const NONE: readonly never[] = [];

/** A string-keyed map specialised for zero or one entry (see the module comment). */
export class TaskTable<V> {
  /** The only entry's key while there is no map (undefined: empty). */
  #key: string | undefined;
  #value: V | undefined;
  /** Every entry, once a second one came (it stays a map afterwards). */
  #map: Map<string, V> | undefined;

  /** How many entries it holds. */
  get size(): number {
    if (this.#map !== undefined) return this.#map.size;
    return this.#key === undefined ? 0 : 1;
  }

  get(key: string): V | undefined {
    if (this.#map !== undefined) return this.#map.get(key);
    return key === this.#key ? this.#value : undefined;
  }

  has(key: string): boolean {
    if (this.#map !== undefined) return this.#map.has(key);
    return key === this.#key;
  }

  set(key: string, value: V): this {
    if (this.#map !== undefined) {
      this.#map.set(key, value);
    } else if (this.#key === undefined || this.#key === key) {
      this.#key = key;
      this.#value = value;
    } else {
      this.#map = new Map([
        [this.#key, this.#value as V],
        [key, value],
      ]);
      this.#key = undefined;
      this.#value = undefined;
    }
    return this;
  }

  delete(key: string): boolean {
    if (this.#map !== undefined) return this.#map.delete(key);
    if (this.#key === undefined || key !== this.#key) return false;
    this.#key = undefined;
    this.#value = undefined;
    return true;
  }

  /** Keys in insertion order. */
  keys(): Iterable<string> {
    if (this.#map !== undefined) return this.#map.keys();
    return this.#key === undefined ? NONE : [this.#key];
  }

  /** Values in insertion order. */
  values(): Iterable<V> {
    if (this.#map !== undefined) return this.#map.values();
    return this.#key === undefined ? NONE : [this.#value as V];
  }
}
