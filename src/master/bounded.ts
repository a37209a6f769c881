/**
 * Insertion-ordered collections that forget their oldest entries past a capacity: how the master
 * bounds what it remembers about the past (completed frameworks and tasks, unreachable agents).
 */

/** A map that drops its oldest entry when full; re-setting a key moves it to the newest place. */
export class BoundedMap<K, V> {
  readonly #capacity: number;
  readonly #map = new Map<K, V>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Adds or replaces; returns the evicted entry, if any. */
  set(key: K, value: V): [K, V] | undefined {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size <= this.#capacity) return undefined;
    const oldest = this.#map.entries().next().value as [K, V];
    this.#map.delete(oldest[0]);
    return oldest;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  get size(): number {
    return this.#map.size;
  }

  /** Entries, oldest first. */
  entries(): IterableIterator<[K, V]> {
    return this.#map.entries();
  }

  /** Values, oldest first. */
  values(): IterableIterator<V> {
    return this.#map.values();
  }

  /** Keys, oldest first. */
  keys(): IterableIterator<K> {
    return this.#map.keys();
  }
}

/**
 * A list that drops its oldest items when full. The oldest are dropped by moving a start index
 * and the array is cut down only once that many have gone, so a push into a full list costs O(1)
 * amortised, not a shift of every item (the master's completed tasks take one per task).
 */
export class BoundedList<T> {
  readonly #capacity: number;
  /** Kept items from `#start`; the slots before it are dropped (undefined, so not retained). */
  #items: (T | undefined)[] = [];
  /** Where the kept items start in `#items`; the ones before it were dropped. */
  #start = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length - this.#start <= this.#capacity) return;
    // The dropped item is let go at once: a full list of a framework's completed tasks (each
    // with its statuses) otherwise kept up to twice its capacity alive until the next cut.
    this.#items[this.#start] = undefined;
    this.#start++;
    if (this.#start >= this.#capacity) this.#trim();
  }

  /** Removes every item matching `drop`. */
  removeWhere(drop: (item: T) => boolean): void {
    this.#trim();
    this.#items = this.#items.filter((i) => !drop(i as T));
  }

  get length(): number {
    return this.#items.length - this.#start;
  }

  /** Items, oldest first. */
  items(): readonly T[] {
    this.#trim();
    return this.#items as readonly T[];
  }

  /** Cuts the dropped items off the array. */
  #trim(): void {
    if (this.#start === 0) return;
    this.#items = this.#items.slice(this.#start);
    this.#start = 0;
  }
}
