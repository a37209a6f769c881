import { assert } from '../../core/result.js';
import type { ClientStanding, Quantities, Sorter } from '../sorter.js';

/**
 * How a policy turns a client's allocation into a share, before dividing by the weight.
 * `totals` holds only positive cluster totals.
 */
export type ShareFunction = (allocation: Quantities, totals: Quantities) => number;

interface Client {
  readonly name: string;
  /** Index in `ShareSorter.byIndex`; reused after removal. */
  readonly index: number;
  readonly tag: number;
  weight: number;
  active: boolean;
  count: number;
  share: number;
  readonly allocation: Map<string, number>;
}

/**
 * A sorter that orders active clients by (share ascending, allocation count ascending, name),
 * Mesos's `compareDRF`, for any share function.
 *
 * The order is an Int32Array of client indices kept sorted: a change to one client finds its
 * old and new places by binary search (O(log n) comparisons) and shifts the clients between
 * them with one `copyWithin` (a memmove of 4-byte integers), like Mesos's MESOS-9249 "bubble"
 * update rather than a full re-sort. Integer arrays are used instead of arrays of objects
 * because moving object pointers costs a GC write barrier each; this is the allocator's
 * hottest path. A change of cluster totals changes every share, so it marks the order dirty
 * and the next read recomputes and sorts once.
 */
export class ShareSorter implements Sorter {
  private readonly shareOf: ShareFunction;
  private readonly clients = new Map<string, Client>();
  private readonly byIndex: (Client | undefined)[] = [];
  private readonly freeIndices: number[] = [];
  private order = new Int32Array(16);
  private tags = new Int32Array(16);
  private length = 0;
  private names: string[] = [];
  private namesStale = false;
  private readonly totals = new Map<string, number>();
  private dirty = false;

  constructor(shareOf: ShareFunction) {
    this.shareOf = shareOf;
  }

  add(client: string, weight = 1, tag = 0): void {
    assert(!this.clients.has(client), `sorter client "${client}" added twice`);
    assert(weight > 0, `weight of "${client}" must be positive`);
    const index = this.freeIndices.pop() ?? this.byIndex.length;
    const c: Client = {
      name: client,
      index,
      tag,
      weight,
      active: true,
      count: 0,
      share: 0,
      allocation: new Map(),
    };
    this.clients.set(client, c);
    this.byIndex[index] = c;
    this.insert(c);
  }

  remove(client: string): void {
    const c = this.get(client);
    if (c.active) this.detach(c);
    this.clients.delete(client);
    this.byIndex[c.index] = undefined;
    this.freeIndices.push(c.index);
  }

  has(client: string): boolean {
    return this.clients.has(client);
  }

  activate(client: string): void {
    const c = this.get(client);
    if (c.active) return;
    c.active = true;
    c.share = this.computeShare(c);
    this.insert(c);
  }

  deactivate(client: string): void {
    const c = this.get(client);
    if (!c.active) return;
    this.detach(c);
    c.active = false;
  }

  updateWeight(client: string, weight: number): void {
    assert(weight > 0, `weight of "${client}" must be positive`);
    const c = this.get(client);
    this.change(c, () => {
      c.weight = weight;
    });
  }

  allocated(client: string, quantities: Quantities, count = 1): void {
    const c = this.get(client);
    this.change(c, () => {
      for (const [name, milli] of quantities) c.allocation.set(name, (c.allocation.get(name) ?? 0) + milli);
      c.count += count;
    });
  }

  unallocated(client: string, quantities: Quantities): void {
    const c = this.get(client);
    this.change(c, () => {
      for (const [name, milli] of quantities) {
        const left = (c.allocation.get(name) ?? 0) - milli;
        assert(left >= 0, `"${client}" gives back more ${name} than it holds`);
        if (left === 0) c.allocation.delete(name);
        else c.allocation.set(name, left);
      }
    });
  }

  addTotal(quantities: Quantities): void {
    for (const [name, milli] of quantities) this.totals.set(name, (this.totals.get(name) ?? 0) + milli);
    this.dirty = true;
  }

  removeTotal(quantities: Quantities): void {
    for (const [name, milli] of quantities) {
      const left = (this.totals.get(name) ?? 0) - milli;
      assert(left >= 0, `cluster total of ${name} would go negative`);
      if (left === 0) this.totals.delete(name);
      else this.totals.set(name, left);
    }
    this.dirty = true;
  }

  sort(): readonly string[] {
    this.clean();
    if (this.namesStale) {
      this.names = Array.from(this.order.subarray(0, this.length), (i) => this.client(i).name);
      this.namesStale = false;
    }
    return this.names;
  }

  get activeCount(): number {
    return this.length;
  }

  sortTags(): Int32Array {
    this.clean();
    return this.tags.subarray(0, this.length);
  }

  standing(client: string): ClientStanding | undefined {
    const c = this.clients.get(client);
    if (c === undefined) return undefined;
    this.clean();
    const share = c.active ? c.share : this.computeShare(c);
    return { name: c.name, share, count: c.count, weight: c.weight, active: c.active };
  }

  private get(client: string): Client {
    const c = this.clients.get(client);
    assert(c !== undefined, `unknown sorter client "${client}"`);
    return c;
  }

  private client(index: number): Client {
    return this.byIndex[index] as Client;
  }

  private computeShare(c: Client): number {
    return this.shareOf(c.allocation, this.totals) / c.weight;
  }

  /** Applies a change to a client and moves it to its new place in the order. */
  private change(c: Client, mutate: () => void): void {
    if (!c.active || this.dirty) {
      mutate();
      return;
    }
    const from = this.position(c);
    mutate();
    c.share = this.computeShare(c);
    // Move only the clients between the old and the new place (one memmove each array).
    const { order, tags } = this;
    let to: number;
    if (from > 0 && compare(c, this.client(order[from - 1] as number)) < 0) {
      to = this.lowerBound(c, 0, from);
      order.copyWithin(to + 1, to, from);
      tags.copyWithin(to + 1, to, from);
    } else if (from + 1 < this.length && compare(c, this.client(order[from + 1] as number)) > 0) {
      to = this.lowerBound(c, from + 1, this.length) - 1;
      order.copyWithin(from, from + 1, to + 1);
      tags.copyWithin(from, from + 1, to + 1);
    } else {
      return;
    }
    order[to] = c.index;
    tags[to] = c.tag;
    this.namesStale = true;
  }

  private clean(): void {
    if (!this.dirty) return;
    const active = Array.from(this.order.subarray(0, this.length), (i) => this.client(i));
    for (const c of active) c.share = this.computeShare(c);
    active.sort(compare);
    active.forEach((c, i) => {
      this.order[i] = c.index;
      this.tags[i] = c.tag;
    });
    this.namesStale = true;
    this.dirty = false;
  }

  /** First index in [lo, hi) whose client is not less than `c` (binary search). */
  private lowerBound(c: Client, lo: number, hi: number): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.client(this.order[mid] as number), c) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where an active client sits in the order (its stored share is the one it is sorted by). */
  private position(c: Client): number {
    const at = this.dirty
      ? this.order.subarray(0, this.length).indexOf(c.index)
      : this.lowerBound(c, 0, this.length);
    assert(this.order[at] === c.index && at < this.length, `sorter order lost client "${c.name}"`);
    return at;
  }

  private insert(c: Client): void {
    if (this.length === this.order.length) {
      const order = new Int32Array(this.length * 2);
      const tags = new Int32Array(this.length * 2);
      order.set(this.order);
      tags.set(this.tags);
      this.order = order;
      this.tags = tags;
    }
    const at = this.dirty ? this.length : this.lowerBound(c, 0, this.length);
    this.order.copyWithin(at + 1, at, this.length);
    this.tags.copyWithin(at + 1, at, this.length);
    this.order[at] = c.index;
    this.tags[at] = c.tag;
    this.length++;
    this.namesStale = true;
  }

  private detach(c: Client): void {
    const at = this.position(c);
    this.order.copyWithin(at, at + 1, this.length);
    this.tags.copyWithin(at, at + 1, this.length);
    this.length--;
    this.namesStale = true;
  }
}

/** Mesos `compareDRF`: lower share first, then fewer allocations, then name. */
function compare(a: Client, b: Client): number {
  if (a.share !== b.share) return a.share < b.share ? -1 : 1;
  if (a.count !== b.count) return a.count - b.count;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
