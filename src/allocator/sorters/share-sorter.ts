import { assert, fail } from '../../core/result.js';
import type { ClientStanding, Quantities, Sorter } from '../sorter.js';

/**
 * How a policy turns a client's allocation into a share, before dividing by the weight.
 * `totals` holds only positive cluster totals.
 */
export type ShareFunction = (allocation: Quantities, totals: Quantities) => number;

/**
 * A share function given as the largest of `allocated / total` over the scalars with a cluster
 * total (DRF's dominant share). The sorter then keeps allocations as dense rows of numbers and
 * computes shares from them, which gives the same numbers as {@link ShareFunction} on maps (a
 * maximum does not depend on the order of its terms) without a map per client.
 */
export const MAX_RATIO = 'max-ratio';

/**
 * A sorter that orders active clients by (share ascending, allocation count ascending, name),
 * Mesos's `compareDRF`, for any share function.
 *
 * The order is an Int32Array of client indices kept sorted: a change to one client finds its
 * old and new places by binary search (O(log n) comparisons) and shifts the clients between
 * them with one `copyWithin` (a memmove of 4-byte integers), like Mesos's MESOS-9249 "bubble"
 * update rather than a full re-sort. A change of cluster totals changes every share, so it marks
 * the order dirty and the next read recomputes and sorts once.
 *
 * Clients live in columns indexed by client index (shares, counts, weights as Float64Arrays;
 * names in an array), not in objects: this is the allocator's hottest path (two updates per
 * offer), and a binary search over 1,000 clients then reads two small contiguous arrays instead
 * of ten objects scattered over the heap. Under a {@link MAX_RATIO} share the allocation of
 * client `i` is row `i` of one Float64Array (a column per scalar name); otherwise it is a map
 * per client, passed to the share function.
 */
export class ShareSorter implements Sorter {
  private readonly shareOf: ShareFunction;
  /** Shares are the largest allocation/total ratio, computed from {@link rows}. */
  private readonly maxRatio: boolean;
  private readonly indexOf = new Map<string, number>();
  /** By client index; '' for a free index. */
  private readonly names: string[] = [];
  private readonly freeIndices: number[] = [];
  private capacity = 16;
  private weights = new Float64Array(16);
  private shares = new Float64Array(16);
  private counts = new Float64Array(16);
  private clientTags = new Int32Array(16);
  private activeFlags = new Uint8Array(16);
  /** Allocations by client index, when shares are not {@link maxRatio}. */
  private readonly maps: (Map<string, number> | undefined)[] = [];
  /** Allocations as rows of {@link stride} numbers (one column per scalar name), under maxRatio. */
  private rows = new Float64Array(16 * 4);
  private stride = 4;
  private readonly columnOf = new Map<string, number>();
  /** {@link translate}'s last answer and the names it was for. */
  private translated = new Int32Array(0);
  private translatedNames: readonly string[] | undefined;
  /** Cluster totals by column (0: no total), under maxRatio. */
  private totalColumns = new Float64Array(4);
  private order = new Int32Array(16);
  private tags = new Int32Array(16);
  private tagsView: Int32Array | undefined;
  private length = 0;
  private sortedNames: string[] = [];
  private namesStale = false;
  private readonly totals = new Map<string, number>();
  private dirty = false;

  /** `shareOf` is a share function, or {@link MAX_RATIO} for the dominant share. */
  constructor(shareOf: ShareFunction | typeof MAX_RATIO) {
    this.maxRatio = shareOf === MAX_RATIO;
    this.shareOf = shareOf === MAX_RATIO ? () => 0 : shareOf;
  }

  add(client: string, weight = 1, tag = 0): void {
    assert(!this.indexOf.has(client), `sorter client "${client}" added twice`);
    assert(weight > 0, `weight of "${client}" must be positive`);
    const index = this.freeIndices.pop() ?? this.names.length;
    if (index >= this.capacity) this.grow(Math.max(index + 1, this.capacity * 2));
    this.indexOf.set(client, index);
    this.names[index] = client;
    this.weights[index] = weight;
    this.shares[index] = 0;
    this.counts[index] = 0;
    this.clientTags[index] = tag;
    this.activeFlags[index] = 1;
    if (this.maxRatio) this.rows.fill(0, index * this.stride, (index + 1) * this.stride);
    else this.maps[index] = new Map();
    this.insert(index);
  }

  remove(client: string): void {
    const i = this.get(client);
    if (this.activeFlags[i] === 1) this.detach(i);
    this.indexOf.delete(client);
    this.names[i] = '';
    this.activeFlags[i] = 0;
    this.maps[i] = undefined;
    this.freeIndices.push(i);
  }

  has(client: string): boolean {
    return this.indexOf.has(client);
  }

  activate(client: string): void {
    const i = this.get(client);
    if (this.activeFlags[i] === 1) return;
    this.activeFlags[i] = 1;
    this.shares[i] = this.computeShare(i);
    this.insert(i);
  }

  deactivate(client: string): void {
    const i = this.get(client);
    if (this.activeFlags[i] === 0) return;
    this.detach(i);
    this.activeFlags[i] = 0;
  }

  updateWeight(client: string, weight: number): void {
    assert(weight > 0, `weight of "${client}" must be positive`);
    const i = this.get(client);
    const from = this.beforeChange(i);
    this.weights[i] = weight;
    this.afterChange(i, from);
  }

  allocated(client: string, quantities: Quantities, count = 1): void {
    const i = this.get(client);
    const from = this.beforeChange(i);
    if (this.maxRatio) {
      for (const [name, milli] of quantities) {
        const at = i * this.stride + this.column(name);
        this.rows[at] = (this.rows[at] as number) + milli;
      }
    } else {
      const allocation = this.maps[i] as Map<string, number>;
      for (const [name, milli] of quantities) allocation.set(name, (allocation.get(name) ?? 0) + milli);
    }
    this.counts[i] = (this.counts[i] as number) + count;
    this.afterChange(i, from);
  }

  unallocated(client: string, quantities: Quantities): void {
    const i = this.get(client);
    const from = this.beforeChange(i);
    if (this.maxRatio) {
      for (const [name, milli] of quantities) {
        const column = this.columnOf.get(name);
        const at = i * this.stride + (column ?? 0);
        const left = (column === undefined ? 0 : (this.rows[at] as number)) - milli;
        if (!(left >= 0)) fail(`"${client}" gives back more ${name} than it holds`);
        if (column !== undefined) this.rows[at] = left;
      }
    } else {
      const allocation = this.maps[i] as Map<string, number>;
      for (const [name, milli] of quantities) {
        const left = (allocation.get(name) ?? 0) - milli;
        if (!(left >= 0)) fail(`"${client}" gives back more ${name} than it holds`);
        if (left === 0) allocation.delete(name);
        else allocation.set(name, left);
      }
    }
    this.afterChange(i, from);
  }

  allocatedColumns(client: string, names: readonly string[], milli: Float64Array, count = 1): void {
    const i = this.get(client);
    const from = this.beforeChange(i);
    if (this.maxRatio) {
      const columns = this.translate(names);
      const base = i * this.stride;
      for (let k = 0; k < names.length; k++) {
        const m = milli[k] as number;
        if (m === 0) continue;
        const at = base + (columns[k] as number);
        this.rows[at] = (this.rows[at] as number) + m;
      }
    } else {
      const allocation = this.maps[i] as Map<string, number>;
      for (let k = 0; k < names.length; k++) {
        const m = milli[k] as number;
        if (m === 0) continue;
        const name = names[k] as string;
        allocation.set(name, (allocation.get(name) ?? 0) + m);
      }
    }
    this.counts[i] = (this.counts[i] as number) + count;
    this.afterChange(i, from);
  }

  unallocatedColumns(client: string, names: readonly string[], milli: Float64Array): void {
    const i = this.get(client);
    const from = this.beforeChange(i);
    if (this.maxRatio) {
      const columns = this.translate(names);
      const base = i * this.stride;
      for (let k = 0; k < names.length; k++) {
        const m = milli[k] as number;
        if (m === 0) continue;
        const at = base + (columns[k] as number);
        const left = (this.rows[at] as number) - m;
        if (!(left >= 0)) fail(`"${client}" gives back more ${names[k]} than it holds`);
        this.rows[at] = left;
      }
    } else {
      const allocation = this.maps[i] as Map<string, number>;
      for (let k = 0; k < names.length; k++) {
        const m = milli[k] as number;
        if (m === 0) continue;
        const name = names[k] as string;
        const left = (allocation.get(name) ?? 0) - m;
        if (!(left >= 0)) fail(`"${client}" gives back more ${name} than it holds`);
        if (left === 0) allocation.delete(name);
        else allocation.set(name, left);
      }
    }
    this.afterChange(i, from);
  }

  addTotal(quantities: Quantities): void {
    for (const [name, milli] of quantities) {
      const total = (this.totals.get(name) ?? 0) + milli;
      this.totals.set(name, total);
      if (this.maxRatio) this.totalColumns[this.column(name)] = total;
    }
    this.dirty = true;
  }

  removeTotal(quantities: Quantities): void {
    for (const [name, milli] of quantities) {
      const left = (this.totals.get(name) ?? 0) - milli;
      assert(left >= 0, `cluster total of ${name} would go negative`);
      if (left === 0) this.totals.delete(name);
      else this.totals.set(name, left);
      if (this.maxRatio) this.totalColumns[this.column(name)] = left;
    }
    this.dirty = true;
  }

  sort(): readonly string[] {
    this.clean();
    if (this.namesStale) {
      this.sortedNames = Array.from(this.order.subarray(0, this.length), (i) => this.names[i] as string);
      this.namesStale = false;
    }
    return this.sortedNames;
  }

  get activeCount(): number {
    return this.length;
  }

  sortTags(): Int32Array {
    this.clean();
    // The allocation walk asks once per agent: the view is kept until the order's length or
    // array changes, rather than made anew each time.
    let view = this.tagsView;
    if (view === undefined || view.length !== this.length || view.buffer !== this.tags.buffer) {
      view = this.tags.subarray(0, this.length);
      this.tagsView = view;
    }
    return view;
  }

  standing(client: string): ClientStanding | undefined {
    const i = this.indexOf.get(client);
    if (i === undefined) return undefined;
    this.clean();
    const active = this.activeFlags[i] === 1;
    const share = active ? (this.shares[i] as number) : this.computeShare(i);
    return {
      name: client,
      share,
      count: this.counts[i] as number,
      weight: this.weights[i] as number,
      active,
    };
  }

  private get(client: string): number {
    const i = this.indexOf.get(client);
    if (i === undefined) fail(`unknown sorter client "${client}"`);
    return i;
  }

  private computeShare(i: number): number {
    if (!this.maxRatio) {
      return this.shareOf(this.maps[i] as Map<string, number>, this.totals) / (this.weights[i] as number);
    }
    // The dominant share (drf.ts dominantShare) over the row: the same divisions, so the same number.
    const { rows, totalColumns } = this;
    const base = i * this.stride;
    let share = 0;
    for (let k = 0; k < totalColumns.length; k++) {
      const total = totalColumns[k] as number;
      if (total === 0) continue;
      const s = (rows[base + k] as number) / total;
      if (s > share) share = s;
    }
    return share / (this.weights[i] as number);
  }

  /** Where an active client sits before a change (-1 when its place need not be kept). */
  private beforeChange(i: number): number {
    return this.activeFlags[i] === 0 || this.dirty ? -1 : this.position(i);
  }

  /** Recomputes a changed client's share and moves it to its new place in the order. */
  private afterChange(i: number, from: number): void {
    if (from < 0) return;
    this.shares[i] = this.computeShare(i);
    // Move only the clients between the old and the new place (one memmove each array).
    const { order, tags } = this;
    let to: number;
    if (from > 0 && this.compare(i, order[from - 1] as number) < 0) {
      to = this.lowerBound(i, 0, from);
      order.copyWithin(to + 1, to, from);
      tags.copyWithin(to + 1, to, from);
    } else if (from + 1 < this.length && this.compare(i, order[from + 1] as number) > 0) {
      to = this.lowerBound(i, from + 1, this.length) - 1;
      order.copyWithin(from, from + 1, to + 1);
      tags.copyWithin(from, from + 1, to + 1);
    } else {
      return;
    }
    order[to] = i;
    tags[to] = this.clientTags[i] as number;
    this.namesStale = true;
  }

  private clean(): void {
    if (!this.dirty) return;
    const active = Array.from(this.order.subarray(0, this.length));
    for (const i of active) this.shares[i] = this.computeShare(i);
    active.sort((a, b) => this.compare(a, b));
    active.forEach((i, at) => {
      this.order[at] = i;
      this.tags[at] = this.clientTags[i] as number;
    });
    this.namesStale = true;
    this.dirty = false;
  }

  /** Mesos `compareDRF`: lower share first, then fewer allocations, then name. */
  private compare(a: number, b: number): number {
    const sa = this.shares[a] as number;
    const sb = this.shares[b] as number;
    if (sa !== sb) return sa < sb ? -1 : 1;
    const ca = this.counts[a] as number;
    const cb = this.counts[b] as number;
    if (ca !== cb) return ca - cb;
    const na = this.names[a] as string;
    const nb = this.names[b] as string;
    return na < nb ? -1 : na > nb ? 1 : 0;
  }

  /** First index in [lo, hi) whose client is not less than client `i` (binary search). */
  private lowerBound(i: number, lo: number, hi: number): number {
    const order = this.order;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(order[mid] as number, i) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where an active client sits in the order (its stored share is the one it is sorted by). */
  private position(i: number): number {
    const at = this.dirty
      ? this.order.subarray(0, this.length).indexOf(i)
      : this.lowerBound(i, 0, this.length);
    if (this.order[at] !== i || at >= this.length) fail(`sorter order lost client "${this.names[i]}"`);
    return at;
  }

  private insert(i: number): void {
    if (this.length === this.order.length) {
      const order = new Int32Array(this.length * 2);
      const tags = new Int32Array(this.length * 2);
      order.set(this.order);
      tags.set(this.tags);
      this.order = order;
      this.tags = tags;
    }
    const at = this.dirty ? this.length : this.lowerBound(i, 0, this.length);
    this.order.copyWithin(at + 1, at, this.length);
    this.tags.copyWithin(at + 1, at, this.length);
    this.order[at] = i;
    this.tags[at] = this.clientTags[i] as number;
    this.length++;
    this.namesStale = true;
  }

  private detach(i: number): void {
    const at = this.position(i);
    this.order.copyWithin(at, at + 1, this.length);
    this.tags.copyWithin(at, at + 1, this.length);
    this.length--;
    this.namesStale = true;
  }

  /**
   * The column in {@link rows} of each of `names` (kept while the caller passes the same array at
   * the same length: the allocator's column names only grow).
   */
  private translate(names: readonly string[]): Int32Array {
    if (names !== this.translatedNames || this.translated.length !== names.length) {
      const columns = new Int32Array(names.length);
      for (let k = 0; k < names.length; k++) columns[k] = this.column(names[k] as string);
      this.translated = columns;
      this.translatedNames = names;
    }
    return this.translated;
  }

  /** The column of a scalar name in {@link rows}, added (and the rows widened) on first use. */
  private column(name: string): number {
    let k = this.columnOf.get(name);
    if (k !== undefined) return k;
    k = this.columnOf.size;
    this.columnOf.set(name, k);
    if (k >= this.stride) {
      const stride = this.stride * 2;
      const rows = new Float64Array(this.capacity * stride);
      for (let i = 0; i < this.capacity; i++)
        rows.set(this.rows.subarray(i * this.stride, (i + 1) * this.stride), i * stride);
      this.rows = rows;
      this.stride = stride;
    }
    if (k >= this.totalColumns.length) {
      const totals = new Float64Array(this.stride);
      totals.set(this.totalColumns);
      this.totalColumns = totals;
    }
    return k;
  }

  private grow(capacity: number): void {
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.weights = grow(this.weights, new Float64Array(capacity));
    this.shares = grow(this.shares, new Float64Array(capacity));
    this.counts = grow(this.counts, new Float64Array(capacity));
    this.clientTags = grow(this.clientTags, new Int32Array(capacity));
    this.activeFlags = grow(this.activeFlags, new Uint8Array(capacity));
    this.rows = grow(this.rows, new Float64Array(capacity * this.stride));
    this.capacity = capacity;
  }
}
