/**
 * fast-check arbitraries for the resource model of src/core, shared by the tests of every layer.
 *
 * Values are valid by construction (valid roles, whole GPUs, canonical ranges, sorted sets) and
 * are built without the code they help to test, except `Resources.of` to assemble a bag and
 * `formatMilli` to write a scalar.
 */
import fc, { type Arbitrary } from 'fast-check';
import { formatMilli } from '../../src/core/fixed-point.js';
import type { Range, Ranges } from '../../src/core/ranges.js';
import { type Resource, Resources, type ResourceValue } from '../../src/core/resources.js';

/** A predefined resource name. */
export type PredefinedName = 'cpus' | 'gpus' | 'mem' | 'disk' | 'ports';

/** Every predefined name, the default of {@link ArbResourcesOptions.names}. */
export const ALL_PREDEFINED_NAMES: readonly PredefinedName[] = ['cpus', 'gpus', 'mem', 'disk', 'ports'];

/** Names of the custom set-valued resources generated with {@link ArbResourcesOptions.customSets}. */
export const CUSTOM_SET_NAMES: readonly string[] = ['features', 'zones'];

/**
 * Default items of custom sets: a small pool, so that sets often overlap, with characters the
 * text syntax allows inside a set (dots, dashes, slashes, parentheses, `*`, non-ASCII).
 */
export const DEFAULT_SET_ITEMS: readonly string[] = ['a', 'b', 'c', 'x.y', 'v-1', 'r/2', 'f(x)', '*', 'é'];

/** A few valid roles, flat and hierarchical, for tests that want reservations. */
export const SAMPLE_ROLES: readonly string[] = ['analytics', 'eng/frontend', 'web'];

/** Options of {@link arbResources} and the other resource arbitraries. */
export interface ArbResourcesOptions {
  /** Roles entries may be reserved for, besides `*`. Default none: everything unreserved. */
  readonly roles?: readonly string[];
  /** Predefined names to draw from. Default all five. */
  readonly names?: readonly PredefinedName[];
  /** Also generate custom set-valued resources ({@link CUSTOM_SET_NAMES}). Default false. */
  readonly customSets?: boolean;
  /** Items of custom sets. Default {@link DEFAULT_SET_ITEMS}. */
  readonly setItems?: readonly string[];
  /** Largest `cpus`/`mem`/`disk` amount of one entry, in milli-units. Default 10^9. */
  readonly maxMilli?: number;
  /** Largest `gpus` amount of one entry, in whole GPUs. Default 8. */
  readonly maxGpus?: number;
  /** Largest port number. Default 65535. */
  readonly maxPort?: number;
  /** Most entries drawn before duplicates are added together. Default 8. */
  readonly maxEntries?: number;
}

/**
 * A valid role other than `*`: one to three `/`-separated components, each starting with a
 * letter or `_` (so never `.`, `..`, `*` or a leading `-`) and free of the characters the
 * text syntax reserves (`;:(){}[],` and whitespace).
 */
export function arbRole(): Arbitrary<string> {
  const component = fc.stringMatching(/^[a-z_][a-z0-9_.*-]{0,5}$/);
  return fc.array(component, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
}

/** Options of {@link arbRanges}. */
export interface ArbRangesOptions {
  /** Largest number a range may reach. Default 65535. */
  readonly maxValue?: number;
  /** Most ranges in the list. Default 4. */
  readonly maxRanges?: number;
}

/** A canonical range list (sorted, disjoint, non-adjacent), built gap by gap. */
export function arbRanges(opts: ArbRangesOptions = {}): Arbitrary<Ranges> {
  const maxValue = opts.maxValue ?? 65535;
  const step = Math.max(2, Math.floor(maxValue / 8));
  const gapAndLength = fc.tuple(fc.integer({ min: 1, max: step }), fc.integer({ min: 0, max: step }));
  return fc.array(gapAndLength, { maxLength: opts.maxRanges ?? 4 }).map((parts) => {
    const out: Range[] = [];
    let lowest = 0; // the smallest begin that keeps the next range apart from the last one
    for (const [gap, length] of parts) {
      const begin = lowest + gap - 1;
      if (begin > maxValue) break;
      const end = Math.min(begin + length, maxValue);
      out.push([begin, end]);
      lowest = end + 2;
    }
    return out;
  });
}

/** Any list of valid ranges (begin <= end), unsorted and possibly overlapping or adjacent. */
export function arbRawRanges(opts: ArbRangesOptions = {}): Arbitrary<Range[]> {
  const bound = fc.integer({ min: 0, max: opts.maxValue ?? 65535 });
  const range = fc.tuple(bound, bound).map(([x, y]): Range => (x <= y ? [x, y] : [y, x]));
  return fc.array(range, { maxLength: opts.maxRanges ?? 6 });
}

interface NamedValue {
  readonly name: string;
  readonly value: ResourceValue;
}

function arbNamedValue(name: PredefinedName, opts: ArbResourcesOptions): Arbitrary<NamedValue> {
  if (name === 'ports') {
    return arbRanges({ maxValue: opts.maxPort ?? 65535 }).map((ranges) => ({
      name,
      value: { kind: 'ranges', ranges },
    }));
  }
  const milli =
    name === 'gpus'
      ? fc.integer({ min: 0, max: opts.maxGpus ?? 8 }).map((n) => n * 1000)
      : fc.integer({ min: 0, max: opts.maxMilli ?? 1_000_000_000 });
  return milli.map((m) => ({ name, value: { kind: 'scalar', milli: m } }));
}

function arbCustomSet(opts: ArbResourcesOptions): Arbitrary<NamedValue> {
  const pool = [...(opts.setItems ?? DEFAULT_SET_ITEMS)].sort();
  return fc
    .tuple(fc.constantFrom(...CUSTOM_SET_NAMES), fc.subarray(pool))
    .map(([name, items]) => ({ name, value: { kind: 'set', items } }));
}

/**
 * One resource entry, possibly empty (a zero scalar, no ranges, no items), which `Resources.of`
 * drops. Throws when the options leave no name to draw from.
 */
export function arbResource(opts: ArbResourcesOptions = {}): Arbitrary<Resource> {
  const values = (opts.names ?? ALL_PREDEFINED_NAMES).map((n) => arbNamedValue(n, opts));
  if (opts.customSets) values.push(arbCustomSet(opts));
  const [first, ...rest] = values;
  if (first === undefined) throw new Error('arbResource: no resource names to draw from');
  const roles = opts.roles ?? [];
  const role = roles.length === 0 ? fc.constant('*') : fc.constantFrom('*', ...roles);
  return fc
    .tuple(fc.oneof(first, ...rest), role)
    .map(([nv, r]) => ({ name: nv.name, role: r, value: nv.value }));
}

/**
 * A bag of resources over `cpus`, `gpus` (whole), `mem`, `disk` and `ports`, optionally
 * reserved for `opts.roles` and with custom set-valued resources; duplicates drawn for the same
 * name and role are added together, so amounts may exceed `maxMilli`.
 */
export function arbResources(opts: ArbResourcesOptions = {}): Arbitrary<Resources> {
  return fc.array(arbResource(opts), { maxLength: opts.maxEntries ?? 8 }).map((es) => Resources.of(es));
}

function arbSubRange([b, e]: Range): Arbitrary<Range | undefined> {
  const inside = fc.tuple(fc.integer({ min: b, max: e }), fc.integer({ min: b, max: e }));
  return fc.oneof(
    fc.constant<Range>([b, e]),
    fc.constant(undefined),
    inside.map(([x, y]): Range => (x <= y ? [x, y] : [y, x])),
  );
}

function arbPartOf(e: Resource): Arbitrary<Resource> {
  const v = e.value;
  switch (v.kind) {
    case 'scalar': {
      const milli =
        e.name === 'gpus'
          ? fc.integer({ min: 0, max: Math.floor(v.milli / 1000) }).map((n) => n * 1000)
          : fc.integer({ min: 0, max: v.milli });
      return milli.map((m) => ({ ...e, value: { kind: 'scalar', milli: m } }));
    }
    case 'ranges':
      // Pieces of canonical ranges stay sorted, disjoint and non-adjacent.
      return fc.tuple(...v.ranges.map(arbSubRange)).map((parts) => ({
        ...e,
        value: { kind: 'ranges', ranges: parts.filter((p): p is Range => p !== undefined) },
      }));
    case 'set':
      return fc.subarray([...v.items]).map((items) => ({ ...e, value: { kind: 'set', items } }));
  }
}

/** Resources contained in `r`: part of each scalar (whole GPUs stay whole), range and set. */
export function arbSubsetOf(r: Resources): Arbitrary<Resources> {
  return fc.tuple(...r.entries.map(arbPartOf)).map((es) => Resources.of(es));
}

/** A pair `[a, b]` of {@link arbResources} where `a` contains `b`. */
export function arbResourcesWithSubset(
  opts: ArbResourcesOptions = {},
): Arbitrary<readonly [Resources, Resources]> {
  return arbResources(opts).chain((a) => arbSubsetOf(a).map((b) => [a, b] as const));
}

/** Resource text together with the resources it must parse to. */
export interface ResourceText {
  /** Valid, non-canonical text (parse it with `allowCustomNames` when `customSets` is on). */
  readonly text: string;
  /** What the text means. */
  readonly resources: Resources;
}

const pad = fc.constantFrom('', ' ', '  ', '\t');

function arbScalarText(milli: number): Arbitrary<string> {
  const canonical = formatMilli(milli);
  const forms = [
    canonical,
    `${milli}e-3`,
    `0${canonical}`,
    canonical.includes('.') ? `${canonical}0` : `${canonical}.0`,
  ];
  if (canonical.startsWith('0.')) forms.push(canonical.slice(1));
  return fc.constantFrom(...forms);
}

function arbRangesText(ranges: Ranges): Arbitrary<string> {
  // Each range is written whole or as two pieces that touch or overlap, then all are shuffled.
  const pieces = ranges.map(([b, e]) =>
    fc.oneof(
      fc.constant<Range[]>([[b, e]]),
      fc.integer({ min: b, max: e }).chain((s) =>
        fc.integer({ min: b, max: Math.min(s + 1, e) }).map((s2): Range[] => [
          [b, s],
          [s2, e],
        ]),
      ),
    ),
  );
  return fc.tuple(...pieces).chain((parts) => {
    const flat = parts.flat();
    return fc
      .tuple(
        fc.shuffledSubarray(flat, { minLength: flat.length, maxLength: flat.length }),
        fc.constantFrom(',', ', ', ' , '),
        fc.constantFrom('-', ' - '),
      )
      .map(([shuffled, comma, dash]) => `[${shuffled.map(([b, e]) => `${b}${dash}${e}`).join(comma)}]`);
  });
}

function arbSetText(items: readonly string[]): Arbitrary<string> {
  // Every item at least once, some twice, in any order.
  return fc
    .subarray([...items])
    .chain((extra) => {
      const all = [...items, ...extra];
      return fc.tuple(
        fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        fc.constantFrom(',', ' , '),
      );
    })
    .map(([chosen, comma]) => `{${chosen.join(comma)}}`);
}

function arbValueText(v: ResourceValue): Arbitrary<string> {
  switch (v.kind) {
    case 'scalar':
      return arbScalarText(v.milli);
    case 'ranges':
      return arbRangesText(v.ranges);
    case 'set':
      return arbSetText(v.items);
  }
}

function isEmptyValue(v: ResourceValue): boolean {
  return v.kind === 'scalar'
    ? v.milli === 0
    : v.kind === 'ranges'
      ? v.ranges.length === 0
      : v.items.length === 0;
}

/** One `;`-terminated token for `e` (or nothing when `e` is empty: `[]` and `{}` are not valid). */
function arbEntryText(e: Resource): Arbitrary<string> {
  if (e.value.kind !== 'scalar' && isEmptyValue(e.value)) return fc.constant('');
  const role =
    e.role === '*' ? fc.constantFrom('', '(*)', ' ( * )') : fc.constantFrom(`(${e.role})`, `( ${e.role} )`);
  const separator = fc.constantFrom(';', ' ;', '; ', ';;');
  return fc
    .tuple(pad, role, pad, pad, arbValueText(e.value), pad, separator)
    .map(([p1, r, p2, p3, value, p4, sep]) => `${p1}${e.name}${r}${p2}:${p3}${value}${p4}${sep}`);
}

/**
 * Valid resource text in a non-canonical spelling (whitespace, explicit `(*)`, repeated
 * entries, split and shuffled ranges, repeated set items, scalars as `1.50`, `1500e-3` or
 * `.5`), with the resources it denotes.
 */
export function arbResourceText(opts: ArbResourcesOptions = {}): Arbitrary<ResourceText> {
  const entry = arbResource(opts).chain((e) => arbEntryText(e).map((text) => ({ e, text })));
  return fc.array(entry, { maxLength: opts.maxEntries ?? 8 }).map((items) => ({
    text: items.map((i) => i.text).join(''),
    resources: Resources.of(items.map((i) => i.e)),
  }));
}
