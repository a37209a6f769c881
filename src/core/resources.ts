import { coalesce, type Ranges, rangesContain, subtractRanges, unionRanges } from './ranges.js';
import type { ResourceDetail } from './resource-detail.js';
import { UNRESERVED_ROLE } from './roles.js';

/** The value of one resource: a scalar in milli-units, a list of ranges, or a set of items. */
export type ResourceValue =
  | { readonly kind: 'scalar'; readonly milli: number }
  | { readonly kind: 'ranges'; readonly ranges: Ranges }
  | { readonly kind: 'set'; readonly items: readonly string[] };

/**
 * One named resource, reserved for `role` (or unreserved when the role is `*`). `detail` holds a
 * dynamic reservation stack or a persistent volume (resource-detail.ts); absent otherwise.
 */
export interface Resource {
  readonly name: string;
  readonly role: string;
  readonly value: ResourceValue;
  readonly detail?: ResourceDetail;
}

/** `r` with value `value`, its detail kept (no `detail` key when it has none). */
function withValue(r: Resource, value: ResourceValue): Resource {
  return r.detail === undefined
    ? { name: r.name, role: r.role, value }
    : { name: r.name, role: r.role, value, detail: r.detail };
}

/**
 * The predefined resource names and the order they are printed in; any other (custom) name
 * follows them alphabetically. Mesos prints in insertion order; a fixed order makes our text
 * canonical, so equal resources always print the same.
 */
export const PREDEFINED_RESOURCE_NAMES = ['cpus', 'gpus', 'mem', 'disk', 'ports'] as const;

const NAME_RANK: ReadonlyMap<string, number> = new Map(PREDEFINED_RESOURCE_NAMES.map((n, i) => [n, i]));
const KIND_RANK = { scalar: 0, ranges: 1, set: 2 } as const;

function compareKeys(a: Resource, b: Resource): number {
  // Fast path: entries being compared usually have the same key.
  if (a.name === b.name && a.role === b.role && a.value.kind === b.value.kind && a.detail === b.detail)
    return 0;
  const ra = NAME_RANK.get(a.name) ?? NAME_RANK.size;
  const rb = NAME_RANK.get(b.name) ?? NAME_RANK.size;
  if (ra !== rb) return ra - rb;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.role !== b.role) {
    // Unreserved first, then reservations by role name.
    if (a.role === UNRESERVED_ROLE) return -1;
    if (b.role === UNRESERVED_ROLE) return 1;
    return a.role < b.role ? -1 : 1;
  }
  const kinds = KIND_RANK[a.value.kind] - KIND_RANK[b.value.kind];
  if (kinds !== 0) return kinds;
  // Entries without a detail (the common case) first, then by the details' canonical keys.
  const ka = a.detail?.key ?? '';
  const kb = b.detail?.key ?? '';
  return ka === kb ? 0 : ka < kb ? -1 : 1;
}

/** Whether `a` holds `b` (same key): a persistent volume only as a whole (Mesos `subtractable`). */
function entryContains(a: Resource, b: Resource): boolean {
  if (a.detail?.volume !== undefined) return sameValue(a.value, b.value);
  return valueContains(a.value, b.value);
}

function sameValue(a: ResourceValue, b: ResourceValue): boolean {
  return valueContains(a, b) && valueContains(b, a);
}

function isEmptyValue(v: ResourceValue): boolean {
  switch (v.kind) {
    case 'scalar':
      return v.milli === 0;
    case 'ranges':
      return v.ranges.length === 0;
    case 'set':
      return v.items.length === 0;
  }
}

function sortedUnion(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** `v` with its ranges coalesced or its set items sorted and deduplicated. */
function canonicalValue(v: ResourceValue): ResourceValue {
  switch (v.kind) {
    case 'scalar':
      return v;
    case 'ranges':
      return { kind: 'ranges', ranges: coalesce(v.ranges) };
    case 'set':
      return { kind: 'set', items: sortedUnion(v.items, []) };
  }
}

function addValues(a: ResourceValue, b: ResourceValue): ResourceValue {
  if (a.kind === 'scalar' && b.kind === 'scalar') return { kind: 'scalar', milli: a.milli + b.milli };
  if (a.kind === 'ranges' && b.kind === 'ranges')
    return { kind: 'ranges', ranges: unionRanges(a.ranges, b.ranges) };
  if (a.kind === 'set' && b.kind === 'set') return { kind: 'set', items: sortedUnion(a.items, b.items) };
  throw new Error('assertion failed: adding resource values of different kinds');
}

function valueContains(a: ResourceValue, b: ResourceValue): boolean {
  if (a.kind === 'scalar' && b.kind === 'scalar') return a.milli >= b.milli;
  if (a.kind === 'ranges' && b.kind === 'ranges') return rangesContain(a.ranges, b.ranges);
  if (a.kind === 'set' && b.kind === 'set') {
    const have = new Set(a.items);
    return b.items.every((i) => have.has(i));
  }
  return false;
}

function subtractValues(a: ResourceValue, b: ResourceValue): ResourceValue {
  if (a.kind === 'scalar' && b.kind === 'scalar') return { kind: 'scalar', milli: a.milli - b.milli };
  if (a.kind === 'ranges' && b.kind === 'ranges')
    return { kind: 'ranges', ranges: subtractRanges(a.ranges, b.ranges) };
  if (a.kind === 'set' && b.kind === 'set') {
    const drop = new Set(b.items);
    return { kind: 'set', items: a.items.filter((i) => !drop.has(i)) };
  }
  throw new Error('assertion failed: subtracting resource values of different kinds');
}

/** The assertion {@link Resources.subtract} fails with (built only when it fails). */
function notContained(other: Resources): Error {
  return new Error(`assertion failed: cannot subtract ${other.entries.length} entries not contained`);
}

/** `JSON.stringify` of names and roles, which are few: computed once each (up to a bound). */
const QUOTED = new Map<string, string>();
const QUOTED_MAX = 4096;

function quoted(text: string): string {
  let q = QUOTED.get(text);
  if (q === undefined) {
    q = JSON.stringify(text);
    if (QUOTED.size >= QUOTED_MAX) QUOTED.clear();
    QUOTED.set(text, q);
  }
  return q;
}

/**
 * An immutable bag of resources in canonical form: entries sorted (predefined names first, then
 * by name, role and kind), one entry per (name, role, kind), and no empty entries. Arithmetic is
 * exact: scalars are integer milli-units, ranges are coalesced, sets are sorted.
 */
export class Resources {
  /** The empty bag. */
  static readonly EMPTY = new Resources([]);

  /** Canonical entries; never mutated. */
  readonly entries: readonly Resource[];
  private scalarTotals: ReadonlyMap<string, number> | undefined;
  private canonicalKey: string | undefined;

  private constructor(entries: readonly Resource[]) {
    this.entries = entries;
  }

  /** Builds canonical resources from any list of entries (duplicates are added together). */
  static of(entries: Iterable<Resource>): Resources {
    let out = Resources.EMPTY;
    for (const e of entries) {
      // Fix: an entry was kept as given, so a lone `ports:[3-4,1-2]` or `foo:{b,a,b}` stayed
      // non-canonical (and then was not `equals` to, nor formatted like, `ports:[1-4]`).
      const value = canonicalValue(e.value);
      out = out.add(new Resources(isEmptyValue(value) ? [] : [withValue(e, value)]));
    }
    return out;
  }

  /** Unreserved scalar resources from a name → amount (in whole units) record, e.g. `{cpus: 1}`. */
  static scalars(amounts: Readonly<Record<string, number>>, role: string = UNRESERVED_ROLE): Resources {
    return Resources.of(
      Object.entries(amounts).map(([name, amount]) => ({
        name,
        role,
        value: { kind: 'scalar', milli: Math.round(amount * 1000) },
      })),
    );
  }

  /** True when there is nothing in the bag. */
  isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** The sum of both bags. */
  add(other: Resources): Resources {
    if (other.entries.length === 0) return this;
    if (this.entries.length === 0) return other;
    const a = this.entries;
    const b = other.entries;
    const out: Resource[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const x = a[i];
      const y = b[j];
      const c = x === undefined ? 1 : y === undefined ? -1 : compareKeys(x, y);
      if (c < 0) {
        out.push(x as Resource);
        i++;
      } else if (c > 0) {
        out.push(y as Resource);
        j++;
      } else {
        const e = x as Resource;
        out.push(withValue(e, addValues(e.value, (y as Resource).value)));
        i++;
        j++;
      }
    }
    return new Resources(out);
  }

  /** Whether this bag holds at least everything in `other` (same names, roles and kinds). */
  contains(other: Resources): boolean {
    if (this === other || other.entries.length === 0) return true;
    // Equal bags are common (a filter's refused resources against the same leftovers again),
    // and comparing cached keys is far cheaper than walking ranges.
    if (this.canonicalKey !== undefined && this.canonicalKey === other.canonicalKey) return true;
    const a = this.entries;
    let i = 0;
    for (const y of other.entries) {
      while (i < a.length && compareKeys(a[i] as Resource, y) < 0) i++;
      const x = a[i];
      if (x === undefined || compareKeys(x, y) !== 0 || !entryContains(x, y)) return false;
    }
    return true;
  }

  /** This bag less `other`, which it must contain (taking what is not there is a bug). */
  subtract(other: Resources): Resources {
    if (other.entries.length === 0) return this;
    // Taking everything is common (an offer takes all that is available): skip the merge when
    // the keys are known already (working them out would cost more than the merge).
    if (this === other || (this.canonicalKey !== undefined && this.canonicalKey === other.canonicalKey)) {
      return Resources.EMPTY;
    }
    // One walk both checks that `other` is contained and takes it out.
    const b = other.entries;
    const out: Resource[] = [];
    let j = 0;
    for (const x of this.entries) {
      const y = b[j];
      const c = y === undefined ? -1 : compareKeys(x, y);
      if (c < 0) {
        out.push(x);
        continue;
      }
      if (c !== 0 || !entryContains(x, y as Resource)) throw notContained(other);
      j++;
      const value = subtractValues(x.value, (y as Resource).value);
      if (!isEmptyValue(value)) out.push(withValue(x, value));
    }
    if (j !== b.length) throw notContained(other);
    return out.length === 0 ? Resources.EMPTY : new Resources(out);
  }

  /** Whether both bags hold exactly the same resources. */
  equals(other: Resources): boolean {
    return this === other || this.key() === other.key();
  }

  /**
   * A string that is equal for two bags exactly when they hold the same resources (computed
   * once per bag). Use it to compare or index bags cheaply.
   */
  key(): string {
    if (this.canonicalKey === undefined) {
      let k = '';
      for (const r of this.entries) {
        const v = r.value;
        // Fix: names and roles are JSON-quoted so that the key stays unambiguous. Valid roles may
        // hold "(", ")" and ";": one entry reserved for `a)s1000;cpus(b` keyed the same as
        // `cpus(a):1` plus `cpus(b):…`, so `equals` (and `contains`) confused the two bags.
        k += `${quoted(r.name)}${quoted(r.role)}${v.kind[0]}`;
        if (v.kind === 'scalar') k += v.milli;
        else if (v.kind === 'ranges') for (const [b, e] of v.ranges) k += `${b}-${e},`;
        else k += JSON.stringify(v.items);
        if (r.detail !== undefined) k += r.detail.key;
        k += ';';
      }
      this.canonicalKey = k;
    }
    return this.canonicalKey;
  }

  /** Only the entries for which `keep` is true. */
  filter(keep: (r: Resource) => boolean): Resources {
    const kept = this.entries.filter(keep);
    return kept.length === this.entries.length ? this : new Resources(kept);
  }

  /** The unreserved (`*`) resources. */
  unreserved(): Resources {
    return this.filter((r) => r.role === UNRESERVED_ROLE);
  }

  /**
   * What may be offered to a framework in `role`: the unreserved resources plus those reserved
   * for that role (Mesos `allocatableTo`, without hierarchical-role inheritance).
   */
  allocatableTo(role: string): Resources {
    // Hot path in every allocation run: most agents have no reservations, so avoid a copy.
    if (this.entries.every((r) => r.role === UNRESERVED_ROLE || r.role === role)) return this;
    return this.filter((r) => r.role === UNRESERVED_ROLE || r.role === role);
  }

  /** Total milli-units of the scalar resource `name`, over all roles (0 when absent). */
  scalarMilli(name: string): number {
    return this.scalarQuantities().get(name) ?? 0;
  }

  /** Scalar totals by name over all roles, in milli-units (ranges and sets are not counted). */
  scalarQuantities(): ReadonlyMap<string, number> {
    if (this.scalarTotals === undefined) {
      const m = new Map<string, number>();
      for (const r of this.entries) {
        if (r.value.kind === 'scalar') m.set(r.name, (m.get(r.name) ?? 0) + r.value.milli);
      }
      this.scalarTotals = m;
    }
    return this.scalarTotals;
  }
}
