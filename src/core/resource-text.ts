/**
 * Mesos's text syntax for resources (`--resources` on an agent, task demands):
 *
 *     resources : resource ( ";" resource )*
 *     resource  : name ( "(" role ")" )? ":" ( scalar | "[" a "-" b ( "," c "-" d )* "]" | "{" item ( "," item )* "}" )
 *
 * e.g. `cpus:4;mem:8192;disk:1024;gpus:1;ports:[31000-32000,33000-33010]`, `cpus(analytics):2`,
 * `bugs:{a,b}`. As in Mesos (src/common/resources.cpp `fromSimpleString`, src/common/values.cpp
 * `parse`): the value type is inferred from its first character; negative numbers, NaN and
 * infinities are rejected; empty `;` tokens are skipped; entries with the same name and role are
 * added together; scalars are rounded to thousandths. Unlike Mesos, errors name the token and
 * its position, and names are checked against a known list unless custom names are allowed, so
 * a typo such as `cpu:2` is caught instead of becoming a resource nobody asks for.
 */
import { formatMilli } from './fixed-point.js';
import { coalesce, formatRanges, type Range } from './ranges.js';
import { PREDEFINED_RESOURCE_NAMES, type Resource, Resources, type ResourceValue } from './resources.js';
import { err, ok, type Result } from './result.js';
import { roleProblem, UNRESERVED_ROLE } from './roles.js';

/** Why a resource text did not parse: a message that names the token, and its 0-based offset. */
export interface ResourceParseError {
  readonly message: string;
  readonly position: number;
}

/** How strict {@link parseResources} is. */
export interface ResourceParseOptions {
  /**
   * Accept names other than the predefined ones (`cpus`, `gpus`, `mem`, `disk`, `ports`), as
   * Mesos does for custom resources. Default false: an unknown name is an error.
   */
  readonly allowCustomNames?: boolean;
  /** Role for entries written without one. Default `*` (Mesos's `--default_role`). */
  readonly defaultRole?: string;
}

const SCALAR_NAMES: ReadonlySet<string> = new Set(['cpus', 'gpus', 'mem', 'disk']);
const KNOWN_NAMES: ReadonlySet<string> = new Set(PREDEFINED_RESOURCE_NAMES);
/** What a resource name may look like (shared with the JSON form, so both accept the same names). */
export const RESOURCE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/u;
const NUMBER_PATTERN = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/u;

/** A piece of the input with its offset, whitespace trimmed. */
interface Span {
  readonly text: string;
  readonly at: number;
}

function span(text: string, at: number): Span {
  const lead = text.length - text.trimStart().length;
  return { text: text.trim(), at: at + lead };
}

function fail(message: string, at: number, hint?: string): { ok: false; error: ResourceParseError } {
  return err({ message: `${message} at ${at}${hint === undefined ? '' : ` (${hint})`}`, position: at });
}

/** Parses Mesos resource text. The empty string is the empty bag. */
export function parseResources(
  text: string,
  options: ResourceParseOptions = {},
): Result<Resources, ResourceParseError> {
  const entries: Resource[] = [];
  let at = 0;
  for (const raw of text.split(';')) {
    const token = span(raw, at);
    at += raw.length + 1;
    if (token.text === '') continue;
    const parsed = parseEntry(token, options);
    if (!parsed.ok) return parsed;
    entries.push(parsed.value);
  }
  return ok(Resources.of(entries));
}

/** Parses resource text that is known to be valid (constants, tests); throws on a bad one. */
export function resources(text: string, options: ResourceParseOptions = {}): Resources {
  const r = parseResources(text, options);
  if (!r.ok) throw new Error(`invalid resources "${text}": ${r.error.message}`);
  return r.value;
}

function parseEntry(token: Span, options: ResourceParseOptions): Result<Resource, ResourceParseError> {
  const colon = token.text.indexOf(':');
  if (colon < 0) return fail(`expected "name:value", got "${token.text}"`, token.at);
  const key = span(token.text.slice(0, colon), token.at);
  const value = span(token.text.slice(colon + 1), token.at + colon + 1);

  const open = key.text.indexOf('(');
  const name = open < 0 ? key.text : key.text.slice(0, open).trimEnd();
  let role = options.defaultRole ?? UNRESERVED_ROLE;
  if (open >= 0) {
    if (!key.text.endsWith(')')) return fail(`expected ")" to close the role in "${key.text}"`, key.at);
    const roleSpan = span(key.text.slice(open + 1, -1), key.at + open + 1);
    role = roleSpan.text;
    const problem = roleProblem(role);
    if (problem !== undefined) return fail(`invalid role "${role}": ${problem}`, roleSpan.at);
  }
  if (name === '') return fail(`missing resource name in "${token.text}"`, key.at);
  if (!KNOWN_NAMES.has(name) && !options.allowCustomNames) {
    return fail(
      `unknown resource "${name}"`,
      key.at,
      `expected one of ${PREDEFINED_RESOURCE_NAMES.join(', ')}`,
    );
  }
  if (!RESOURCE_NAME_PATTERN.test(name)) return fail(`invalid resource name "${name}"`, key.at);

  const parsed = parseValue(name, value);
  if (!parsed.ok) return parsed;
  return ok({ name, role, value: parsed.value });
}

function parseValue(name: string, value: Span): Result<ResourceValue, ResourceParseError> {
  const v = value.text;
  if (v === '') return fail(`missing value for "${name}"`, value.at);
  if (v.includes(':')) return fail(`unexpected ":" in value "${v}" of "${name}"`, value.at);
  if (v.startsWith('[')) {
    if (SCALAR_NAMES.has(name)) return fail(`"${name}" takes a number, got ranges "${v}"`, value.at);
    return parseRangesValue(name, value);
  }
  if (v.startsWith('{')) {
    if (KNOWN_NAMES.has(name)) return fail(`"${name}" does not take a set, got "${v}"`, value.at);
    return parseSetValue(name, value);
  }
  if (name === 'ports') return fail(`"ports" takes ranges like [31000-32000], got "${v}"`, value.at);
  if (!NUMBER_PATTERN.test(v)) {
    return fail(`invalid number "${v}" for "${name}" (expected a non-negative decimal)`, value.at);
  }
  const amount = Number(v);
  if (!Number.isFinite(amount)) return fail(`number "${v}" for "${name}" is too large`, value.at);
  if (name === 'gpus' && !Number.isInteger(amount)) {
    return fail(`"gpus" must be a whole number, got "${v}"`, value.at);
  }
  // A zero may have an exponent too large to shift (`1e-1e+21`): it is zero milli-units anyway.
  const milli = amount === 0 ? 0 : decimalToMilli(v);
  if (!Number.isSafeInteger(milli)) return fail(`number "${v}" for "${name}" is too large`, value.at);
  return ok({ kind: 'scalar', milli });
}

/**
 * Milli-units of a valid number text, rounded once. Fix: `toMilli(Number(v))` rounds twice
 * (text to double, then times 1000), which above 2^51 milli-units could read back a formatted
 * amount one milli-unit off (`cpus:9007199254740.991` gave ...990). Moving the decimal point in
 * the text (`1.5e2` → `1.5e5`) lets `Number` give the exact product, so every amount
 * `formatMilli` writes reads back unchanged.
 */
function decimalToMilli(v: string): number {
  const e = v.search(/[eE]/u);
  const mantissa = e < 0 ? v : v.slice(0, e);
  const exponent = e < 0 ? 0 : Number(v.slice(e + 1));
  // The text is a non-negative decimal (NUMBER_PATTERN), so plain rounding matches `toMilli`.
  return Math.round(Number(`${mantissa}e${exponent + 3}`));
}

function parseRangesValue(name: string, value: Span): Result<ResourceValue, ResourceParseError> {
  const v = value.text;
  if (!v.endsWith(']')) return fail(`expected "]" to close the ranges of "${name}"`, value.at);
  const ranges: Range[] = [];
  let at = value.at + 1;
  for (const raw of v.slice(1, -1).split(',')) {
    const part = span(raw, at);
    at += raw.length + 1;
    const m = /^(\d+)\s*-\s*(\d+)$/u.exec(part.text);
    if (m === null) return fail(`invalid range "${part.text}" in "${name}" (expected begin-end)`, part.at);
    const begin = Number(m[1]);
    const end = Number(m[2]);
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end)) {
      return fail(`range "${part.text}" in "${name}" is too large`, part.at);
    }
    if (end < begin) return fail(`range "${part.text}" in "${name}" ends before it begins`, part.at);
    ranges.push([begin, end]);
  }
  return ok({ kind: 'ranges', ranges: coalesce(ranges) });
}

function parseSetValue(name: string, value: Span): Result<ResourceValue, ResourceParseError> {
  const v = value.text;
  if (!v.endsWith('}')) return fail(`expected "}" to close the set of "${name}"`, value.at);
  const items: string[] = [];
  let at = value.at + 1;
  for (const raw of v.slice(1, -1).split(',')) {
    const item = span(raw, at);
    at += raw.length + 1;
    if (item.text === '' || /[{}[\]\s]/u.test(item.text)) {
      return fail(`invalid set item "${item.text}" in "${name}"`, item.at);
    }
    items.push(item.text);
  }
  return ok({ kind: 'set', items: [...new Set(items)].sort() });
}

function formatValue(v: ResourceValue): string {
  switch (v.kind) {
    case 'scalar':
      return formatMilli(v.milli);
    case 'ranges':
      return formatRanges(v.ranges);
    case 'set':
      return `{${v.items.join(',')}}`;
  }
}

/** Formats one entry as `name(role):value`, leaving out the role when it is `*`. */
export function formatResource(r: Resource): string {
  const key = r.role === UNRESERVED_ROLE ? r.name : `${r.name}(${r.role})`;
  return `${key}:${formatValue(r.value)}`;
}

/** Formats resources as canonical Mesos text; {@link parseResources} reads it back unchanged. */
export function formatResources(r: Resources): string {
  return r.entries.map(formatResource).join(';');
}

/**
 * Formats the scalar amounts of `r` for each name in `names`, zeros included, in `names`' order:
 * `cpus:0;mem:4096`. Used to show what is left of a pool, where a zero is information.
 */
export function formatScalarAmounts(r: Resources, names: readonly string[]): string {
  return names.map((n) => `${n}:${formatMilli(r.scalarMilli(n))}`).join(';');
}
