import { assert } from '../../core/result.js';
import type { ClientStanding, Quantities, Sorter } from '../sorter.js';

/**
 * How a policy turns a client's allocation into a share, before dividing by the weight.
 * `totals` holds only positive cluster totals.
 */
export type ShareFunction = (allocation: Quantities, totals: Quantities) => number;

interface Client {
  readonly name: string;
  weight: number;
  active: boolean;
  count: number;
  share: number;
  readonly allocation: Map<string, number>;
}

/**
 * A sorter that orders active clients by (share ascending, allocation count ascending, name),
 * Mesos's `compareDRF`, for any share function. The active clients live in one array kept
 * sorted: an allocation moves only the changed client, found and re-inserted by binary search
 * (O(log n) comparisons and one contiguous move), like Mesos's MESOS-9249 "bubble" update rather
 * than a full re-sort. A change of cluster totals changes every share, so it marks the order
 * dirty and the next {@link sort} recomputes and sorts once.
 */
export class ShareSorter implements Sorter {
  private readonly clients = new Map<string, Client>();
  private readonly order: Client[] = [];
  private readonly names: string[] = [];
  private readonly totals = new Map<string, number>();
  private dirty = false;
  private readonly shareOf: ShareFunction;

  constructor(shareOf: ShareFunction) {
    this.shareOf = shareOf;
  }

  add(client: string, weight = 1): void {
    assert(!this.clients.has(client), `sorter client "${client}" added twice`);
    assert(weight > 0, `weight of "${client}" must be positive`);
    const c: Client = { name: client, weight, active: true, count: 0, share: 0, allocation: new Map() };
    this.clients.set(client, c);
    this.insert(c);
  }

  remove(client: string): void {
    const c = this.get(client);
    if (c.active) this.detach(c);
    this.clients.delete(client);
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
    this.change(this.get(client), () => {}, weight);
  }

  allocated(client: string, quantities: Quantities): void {
    const c = this.get(client);
    this.change(c, () => {
      for (const [name, milli] of quantities) c.allocation.set(name, (c.allocation.get(name) ?? 0) + milli);
      c.count++;
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
    return this.names;
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

  private computeShare(c: Client): number {
    return this.shareOf(c.allocation, this.totals) / c.weight;
  }

  /** Applies a change to a client and moves it to its new place in the order. */
  private change(c: Client, mutate: () => void, weight = c.weight): void {
    if (!c.active || this.dirty) {
      mutate();
      c.weight = weight;
      return;
    }
    this.detach(c);
    mutate();
    c.weight = weight;
    c.share = this.computeShare(c);
    this.insert(c);
  }

  private clean(): void {
    if (!this.dirty) return;
    for (const c of this.order) c.share = this.computeShare(c);
    this.order.sort(compare);
    for (let i = 0; i < this.order.length; i++) this.names[i] = (this.order[i] as Client).name;
    this.dirty = false;
  }

  /** Index of the first element of the order not less than `c` (binary search). */
  private lowerBound(c: Client): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.order[mid] as Client, c) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(c: Client): void {
    if (this.dirty) {
      this.order.push(c);
      this.names.push(c.name);
      return;
    }
    const at = this.lowerBound(c);
    this.order.splice(at, 0, c);
    this.names.splice(at, 0, c.name);
  }

  private detach(c: Client): void {
    const at = this.dirty ? this.order.indexOf(c) : this.lowerBound(c);
    assert(this.order[at] === c, `sorter order lost client "${c.name}"`);
    this.order.splice(at, 1);
    this.names.splice(at, 1);
  }
}

/** Mesos `compareDRF`: lower share first, then fewer allocations, then name. */
function compare(a: Client, b: Client): number {
  if (a.share !== b.share) return a.share < b.share ? -1 : 1;
  if (a.count !== b.count) return a.count - b.count;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
