/**
 * A brute-force model of a resource bag for the model-based tests: one entry per
 * (name, role, kind), scalars as milli-units, ranges as the set of their integers, sets as sets.
 */
import type { Resources } from '../../src/core/resources.js';
import { rangeSet } from './helpers.js';

/** The model of one entry. */
export type ModelValue =
  | { readonly kind: 'scalar'; readonly milli: number }
  | { readonly kind: 'members'; readonly members: ReadonlySet<number | string> };

/** The model of a bag, keyed by name, role and kind. */
export type Model = ReadonlyMap<string, ModelValue>;

/** The model of `r`. */
export function modelOf(r: Resources): Model {
  const m = new Map<string, ModelValue>();
  for (const e of r.entries) {
    const key = `${e.name}|${e.role}|${e.value.kind}`;
    const v = e.value;
    m.set(
      key,
      v.kind === 'scalar'
        ? { kind: 'scalar', milli: v.milli }
        : { kind: 'members', members: v.kind === 'ranges' ? rangeSet(v.ranges) : new Set(v.items) },
    );
  }
  return m;
}

function isEmpty(v: ModelValue): boolean {
  return v.kind === 'scalar' ? v.milli === 0 : v.members.size === 0;
}

function combine(a: Model, b: Model, op: (x: ModelValue | undefined, y: ModelValue) => ModelValue): Model {
  const out = new Map(a);
  for (const [k, y] of b) {
    const v = op(a.get(k), y);
    if (isEmpty(v)) out.delete(k);
    else out.set(k, v);
  }
  return out;
}

/** The model of `a + b`: scalars add up, ranges and sets unite. */
export function modelAdd(a: Model, b: Model): Model {
  return combine(a, b, (x, y) => {
    if (x === undefined) return y;
    if (x.kind === 'scalar' && y.kind === 'scalar') return { kind: 'scalar', milli: x.milli + y.milli };
    if (x.kind === 'members' && y.kind === 'members')
      return { kind: 'members', members: new Set([...x.members, ...y.members]) };
    throw new Error('model: kinds differ under one key');
  });
}

/** The model of `a - b` (for `b` contained in `a`). */
export function modelSubtract(a: Model, b: Model): Model {
  return combine(a, b, (x, y) => {
    if (x === undefined) throw new Error('model: subtracting an absent entry');
    if (x.kind === 'scalar' && y.kind === 'scalar') return { kind: 'scalar', milli: x.milli - y.milli };
    if (x.kind === 'members' && y.kind === 'members')
      return { kind: 'members', members: new Set([...x.members].filter((i) => !y.members.has(i))) };
    throw new Error('model: kinds differ under one key');
  });
}

/** Whether the model `a` holds at least everything in `b`. */
export function modelContains(a: Model, b: Model): boolean {
  for (const [k, y] of b) {
    const x = a.get(k);
    if (x === undefined) return false;
    if (x.kind === 'scalar' && y.kind === 'scalar') {
      if (x.milli < y.milli) return false;
    } else if (x.kind === 'members' && y.kind === 'members') {
      for (const i of y.members) if (!x.members.has(i)) return false;
    } else {
      return false;
    }
  }
  return true;
}

/** A plain, order-independent form of a model for `t.deepEqual`. */
export function modelSnapshot(m: Model): [string, number | (number | string)[]][] {
  return [...m]
    .map(([k, v]): [string, number | (number | string)[]] => [
      k,
      v.kind === 'scalar' ? v.milli : [...v.members].sort((x, y) => String(x).localeCompare(String(y))),
    ])
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
}
