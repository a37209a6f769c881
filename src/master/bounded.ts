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

/** A list that drops its oldest items when full. */
export class BoundedList<T> {
  readonly #capacity: number;
  #items: T[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length > this.#capacity) this.#items.splice(0, this.#items.length - this.#capacity);
  }

  /** Removes every item matching `drop`. */
  removeWhere(drop: (item: T) => boolean): void {
    this.#items = this.#items.filter((i) => !drop(i));
  }

  get length(): number {
    return this.#items.length;
  }

  /** Items, oldest first. */
  items(): readonly T[] {
    return this.#items;
  }
}
