/**
 * Assertions shared by the src/core tests. They restate the documented invariants of the
 * resource model independently of the code under test, so they can serve as its oracle.
 */
import type { ExecutionContext } from 'ava';
import type { Range } from '../../src/core/ranges.js';
import { formatResources } from '../../src/core/resource-text.js';
import { PREDEFINED_RESOURCE_NAMES, type Resource, type Resources } from '../../src/core/resources.js';

/** Every integer covered by `ranges`, for brute-force comparisons on small ranges. */
export function rangeSet(ranges: readonly Range[]): Set<number> {
  const out = new Set<number>();
  for (const [b, e] of ranges) for (let n = b; n <= e; n++) out.add(n);
  return out;
}

/** The members of `set`, sorted ascending. */
export function sortedMembers(set: ReadonlySet<number>): number[] {
  return [...set].sort((x, y) => x - y);
}

function rangeProblems(ranges: readonly Range[]): string[] {
  const problems: string[] = [];
  let previousEnd = Number.NEGATIVE_INFINITY;
  for (const [b, e] of ranges) {
    if (!Number.isSafeInteger(b) || !Number.isSafeInteger(e) || b < 0) problems.push(`bad bounds ${b}-${e}`);
    if (b > e) problems.push(`range ${b}-${e} ends before it begins`);
    if (b <= previousEnd + 1) problems.push(`range ${b}-${e} overlaps or touches the one before`);
    previousEnd = e;
  }
  return problems;
}

/** Fails unless `ranges` is canonical: integer, begin <= end, sorted, disjoint, non-adjacent. */
export function assertCanonicalRanges(t: ExecutionContext, ranges: readonly Range[]): void {
  t.deepEqual(rangeProblems(ranges), [], JSON.stringify(ranges));
}

const NAME_RANK = new Map<string, number>(PREDEFINED_RESOURCE_NAMES.map((n, i) => [n, i]));
const KIND_RANK = { scalar: 0, ranges: 1, set: 2 } as const;

/** The documented canonical order: predefined names, then other names, `*` first, then roles. */
function keyOrder(a: Resource, b: Resource): number {
  const ra = NAME_RANK.get(a.name) ?? NAME_RANK.size;
  const rb = NAME_RANK.get(b.name) ?? NAME_RANK.size;
  if (ra !== rb) return ra - rb;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.role !== b.role) {
    if (a.role === '*' || b.role === '*') return a.role === '*' ? -1 : 1;
    return a.role < b.role ? -1 : 1;
  }
  return KIND_RANK[a.value.kind] - KIND_RANK[b.value.kind];
}

/**
 * Fails unless `r` is in the canonical form the `Resources` class documents: entries strictly
 * ordered (so one per name, role and kind), no empty entry, positive integer scalars,
 * canonical ranges, sorted duplicate-free sets.
 */
export function assertCanonical(t: ExecutionContext, r: Resources): void {
  const problems: string[] = [];
  let previous: Resource | undefined;
  for (const e of r.entries) {
    if (previous !== undefined && keyOrder(previous, e) >= 0) {
      problems.push(`${e.name}(${e.role}) ${e.value.kind} is out of order or repeated`);
    }
    previous = e;
    const v = e.value;
    switch (v.kind) {
      case 'scalar':
        if (!Number.isSafeInteger(v.milli) || v.milli <= 0)
          problems.push(`bad scalar ${v.milli} for ${e.name}`);
        break;
      case 'ranges':
        if (v.ranges.length === 0) problems.push(`empty ranges for ${e.name}`);
        problems.push(...rangeProblems(v.ranges));
        break;
      case 'set':
        if (v.items.length === 0) problems.push(`empty set for ${e.name}`);
        if (v.items.some((item, i) => i > 0 && (v.items[i - 1] as string) >= item)) {
          problems.push(`set of ${e.name} not sorted or not unique`);
        }
        break;
    }
  }
  t.deepEqual(problems, [], formatResources(r));
  t.is(r.isEmpty(), r.entries.length === 0);
}

/** Fails unless `actual` and `expected` hold the same resources (by `equals` and by text). */
export function assertSameResources(t: ExecutionContext, actual: Resources, expected: Resources): void {
  t.is(formatResources(actual), formatResources(expected));
  t.true(actual.equals(expected), `${formatResources(actual)} != ${formatResources(expected)}`);
}
