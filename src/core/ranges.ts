/**
 * Inclusive integer ranges (Mesos `Value.Ranges`, used for ports), always kept sorted,
 * non-overlapping and coalesced: `[1-3,4-6]` is stored as `[1-6]`, as Mesos coalesces them.
 */

/** One inclusive range `begin-end`. */
export type Range = readonly [begin: number, end: number];

/** A canonical list of ranges: sorted by begin, disjoint, with no two adjacent. */
export type Ranges = readonly Range[];

/** Sorts and coalesces any list of ranges (overlapping or adjacent ones merge). */
export function coalesce(ranges: readonly Range[]): Ranges {
  if (ranges.length <= 1) return ranges.slice();
  const sorted = ranges.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Range[] = [];
  let [begin, end] = sorted[0] as Range;
  for (let i = 1; i < sorted.length; i++) {
    const [b, e] = sorted[i] as Range;
    if (b <= end + 1) {
      if (e > end) end = e;
    } else {
      out.push([begin, end]);
      begin = b;
      end = e;
    }
  }
  out.push([begin, end]);
  return out;
}

/** The union of two canonical range lists. */
export function unionRanges(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return coalesce([...a, ...b]);
}

/** Whether every number in `b` is also in `a` (both canonical). */
export function rangesContain(a: Ranges, b: Ranges): boolean {
  let i = 0;
  for (const [b0, b1] of b) {
    // Canonical lists are sorted, so the covering range of a later `b` range is never earlier.
    while (i < a.length && (a[i] as Range)[1] < b0) i++;
    const cover = a[i];
    if (cover === undefined || cover[0] > b0 || cover[1] < b1) return false;
  }
  return true;
}

/** The numbers of `a` that are not in `b` (both canonical). */
export function subtractRanges(a: Ranges, b: Ranges): Ranges {
  if (b.length === 0) return a;
  const out: Range[] = [];
  let j = 0;
  for (const [a0, a1] of a) {
    let start = a0;
    while (j < b.length && (b[j] as Range)[1] < start) j++;
    let k = j;
    while (k < b.length && start <= a1) {
      const [b0, b1] = b[k] as Range;
      if (b0 > a1) break;
      if (b0 > start) out.push([start, b0 - 1]);
      start = Math.max(start, b1 + 1);
      k++;
    }
    if (start <= a1) out.push([start, a1]);
  }
  return out;
}

/** How many numbers the ranges cover. */
export function rangesSize(ranges: Ranges): number {
  let n = 0;
  for (const [b, e] of ranges) n += e - b + 1;
  return n;
}

/** Formats as Mesos text: `[31000-32000,33000-33010]`. */
export function formatRanges(ranges: Ranges): string {
  return `[${ranges.map(([b, e]) => `${b}-${e}`).join(',')}]`;
}
