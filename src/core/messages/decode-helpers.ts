/**
 * A small decoding toolkit: turns `unknown` (usually the output of `JSON.parse`) into typed
 * messages, or into a {@link DecodeError} naming the exact field, e.g.
 * `{ path: 'accept.offer_ids[2].value', message: 'expected string' }`. It never throws and never
 * returns part of a message: a decoder either accepts the whole value or rejects it.
 *
 * It reproduces how Mesos reads JSON into protobufs (3rdparty/stout/include/stout/protobuf.hpp,
 * `protobuf::internal::Parser`), which is what a real Mesos master accepts:
 * - unknown fields are ignored, and `null` (for a field or an array element) means "absent";
 * - enums are their value *names* as strings; a number for an enum is rejected, as stout does;
 *   an unknown name in an optional enum field is dropped (proto2 behaviour, see {@link optEnum}),
 *   while in a required one it is an error;
 * - doubles take numbers, numeric strings and `"Infinity"`/`"-Infinity"`; integers take numbers
 *   and numeric strings (protobuf's own JSON mapping writes 64-bit integers as strings);
 *   booleans take `true`/`false` and the strings `"true"`/`"false"`;
 * - `bytes` are base64 text (see base64.ts).
 *
 * Deliberate differences, each stricter: a non-integer for an integer field is rejected (stout
 * truncates it), a single value where a list is expected is rejected (stout's reflection happens
 * to append it), and every string, array and map is size-limited ({@link DECODE_LIMITS}).
 */
import { err, ok, type Result } from '../result.js';
import { DECODE_LIMITS } from './limits.js';

/** Why a message was rejected: the path of the offending field and what was wrong with it. */
export interface DecodeError {
  /**
   * Where the problem is, in JavaScript accessor syntax from the message root: `type`,
   * `accept.offer_ids[2].value`, `limits["a.b"]`. The empty string is the message itself.
   */
  readonly path: string;
  /** What is wrong, e.g. `expected string`, `is required`, `unknown call type "FOO"`. */
  readonly message: string;
}

/** The outcome of decoding a `T`. */
export type Decoded<T> = Result<T, DecodeError>;

/** Decodes a `T` found at `path` (used to build error paths) from an untrusted value. */
export type Decoder<T> = (json: unknown, path: string) => Decoded<T>;

/** A failed {@link Decoded} for `path`. */
export function failure(path: string, message: string): { readonly ok: false; readonly error: DecodeError } {
  return err({ path, message });
}

/** `path: message`, or just the message for the root; what an HTTP 400 body should say. */
export function formatDecodeError(e: DecodeError): string {
  return e.path === '' ? e.message : `${e.path}: ${e.message}`;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/u;

/** The path of field `key` of the value at `parent`: `a.b`, or `a["x.y"]` for unusual keys. */
export function fieldPath(parent: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** The path of element `index` of the array at `parent`: `a[3]`. */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

const MAX_ECHO = 64;

/** `s` JSON-quoted for an error message, cut to 64 characters so errors stay small. */
export function quote(s: string): string {
  return JSON.stringify(s.length > MAX_ECHO ? `${s.slice(0, MAX_ECHO)}…` : s);
}

/** A JSON object as seen by a decoder: its own properties, any values. */
export interface JsonObject {
  readonly [key: string]: unknown;
}

/** Whether `v` is an object that is neither `null` nor an array. */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own property `key` of `o` (never an inherited one such as `constructor`). */
function own(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** Whether a field's raw value means "absent": missing or `null` (stout treats `null` as unset). */
export function isAbsent(raw: unknown): raw is null | undefined {
  return raw === undefined || raw === null;
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** Strings of at most `maxLength` UTF-16 code units. */
export function stringOf(maxLength: number): Decoder<string> {
  return (json, path) => {
    if (typeof json !== 'string') return failure(path, 'expected string');
    if (json.length > maxLength) return failure(path, `longer than ${maxLength} characters`);
    return ok(json);
  };
}

/** A free-text string (at most {@link DECODE_LIMITS.maxStringLength}). */
export const str: Decoder<string> = stringOf(DECODE_LIMITS.maxStringLength);

/** Exactly the string `value`; used for the `type` of each case of a union. */
export function literal<const T extends string>(value: T): Decoder<T> {
  return (json, path) => {
    if (json !== value) return failure(path, `expected ${quote(value)}`);
    return ok(value);
  };
}

// JSON's number grammar; stout parses numeric strings with its JSON parser.
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/u;

function numberFrom(json: unknown): number | undefined {
  if (typeof json === 'number') return json;
  if (typeof json === 'string' && json.length <= MAX_ECHO && JSON_NUMBER.test(json)) return Number(json);
  return undefined;
}

/**
 * A protobuf `double`: a number, a numeric string, or `"Infinity"`/`"-Infinity"` (stout accepts
 * all three). NaN is rejected (JSON cannot carry it); -0 becomes 0.
 */
export const double: Decoder<number> = (json, path) => {
  if (json === 'Infinity') return ok(Number.POSITIVE_INFINITY);
  if (json === '-Infinity') return ok(Number.NEGATIVE_INFINITY);
  const n = numberFrom(json);
  if (n === undefined || Number.isNaN(n)) return failure(path, 'expected number');
  return ok(n === 0 ? 0 : n);
};

/** Integers in `[min, max]`, given as numbers or numeric strings. */
export function integer(min: number, max: number): Decoder<number> {
  return (json, path) => {
    const n = numberFrom(json);
    if (n === undefined || !Number.isInteger(n)) return failure(path, 'expected integer');
    if (n < min || n > max) return failure(path, `expected integer from ${min} to ${max}`);
    return ok(n === 0 ? 0 : n);
  };
}

/** A protobuf `int32`. */
export const int32: Decoder<number> = integer(-(2 ** 31), 2 ** 31 - 1);
/** A protobuf `uint32`. */
export const uint32: Decoder<number> = integer(0, 2 ** 32 - 1);
/**
 * A protobuf `int64`, limited to JavaScript's safe integers (±2^53 − 1): larger values would not
 * survive as numbers, so they are rejected rather than silently rounded.
 */
export const int64: Decoder<number> = integer(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
/** A protobuf `uint64`, limited to 2^53 − 1 like {@link int64}. */
export const uint64: Decoder<number> = integer(0, Number.MAX_SAFE_INTEGER);

/** A protobuf `bool`: `true`/`false`, or the strings `"true"`/`"false"` as stout accepts. */
export const bool: Decoder<boolean> = (json, path) => {
  if (json === true || json === 'true') return ok(true);
  if (json === false || json === 'false') return ok(false);
  return failure(path, 'expected boolean');
};

/**
 * A protobuf enum, as one of `names` (the enum's value names; `what` names the enum in errors,
 * e.g. `task state`). Numbers are rejected: stout's JSON parser only takes names.
 */
export function enumOf<const T extends string>(names: readonly T[], what: string): Decoder<T> {
  const known: ReadonlyMap<string, T> = new Map(names.map((n) => [n, n]));
  return (json, path) => {
    if (typeof json !== 'string') return failure(path, 'expected string');
    const name = known.get(json);
    if (name === undefined) return failure(path, `unknown ${what} ${quote(json)}`);
    return ok(name);
  };
}

// ---------------------------------------------------------------------------------------------
// Containers

/**
 * A protobuf `repeated` field: an array of at most `maxLength` items. `null` elements are
 * skipped, as stout's parser does; error paths keep the original index.
 */
export function arrayOf<T>(
  item: Decoder<T>,
  maxLength: number = DECODE_LIMITS.maxArrayLength,
): Decoder<readonly T[]> {
  return (json, path) => {
    if (!Array.isArray(json)) return failure(path, 'expected array');
    if (json.length > maxLength) return failure(path, `more than ${maxLength} items`);
    const out: T[] = [];
    for (let i = 0; i < json.length; i++) {
      const raw: unknown = json[i];
      if (isAbsent(raw)) continue;
      const r = item(raw, indexPath(path, i));
      if (!r.ok) return r;
      out.push(r.value);
    }
    return ok(out);
  };
}

/**
 * A protobuf `map<string, V>`, written as a JSON object; entries with a `null` value are skipped.
 * Keys are strings of at most {@link DECODE_LIMITS.maxStringLength}.
 */
export function mapOf<T>(
  value: Decoder<T>,
  maxEntries: number = DECODE_LIMITS.maxMapEntries,
): Decoder<Readonly<Record<string, T>>> {
  return (json, path) => {
    if (!isJsonObject(json)) return failure(path, 'expected object');
    const keys = Object.keys(json);
    if (keys.length > maxEntries) return failure(path, `more than ${maxEntries} entries`);
    const entries: [string, T][] = [];
    for (const key of keys) {
      if (key.length > DECODE_LIMITS.maxStringLength) {
        return failure(path, `has a key longer than ${DECODE_LIMITS.maxStringLength} characters`);
      }
      const raw = json[key];
      if (isAbsent(raw)) continue;
      const r = value(raw, fieldPath(path, key));
      if (!r.ok) return r;
      entries.push([key, r.value]);
    }
    // `fromEntries` defines own properties, so a `__proto__` key stays a plain key.
    return ok(Object.fromEntries(entries));
  };
}

/** How one field of a {@link struct} is decoded. */
export interface Field<T, Required extends boolean> {
  /** Decodes a present, non-null value. */
  readonly decode: Decoder<T>;
  /** Whether absence (or `null`) is an error (`is required`). */
  readonly required: Required;
  /** Raw values to treat as absent (unknown names of an optional enum). */
  readonly ignore?: (raw: unknown) => boolean;
}

/** A required field (proto2 `required`, or a body the validation insists on). */
export function req<T>(decode: Decoder<T>): Field<T, true> {
  return { decode, required: true };
}

/** An optional field: left out of the result when absent or `null`. */
export function opt<T>(decode: Decoder<T>): Field<T, false> {
  return { decode, required: false };
}

/**
 * An optional enum field. As in proto2 (and stout, see its `TYPE_ENUM` case), an unrecognised
 * name is dropped rather than rejected, so that a peer running a newer Mesos with more enum
 * values (say a new `TaskStatus.Reason`) is still understood.
 */
export function optEnum<const T extends string>(names: readonly T[], what: string): Field<T, false> {
  const known: ReadonlySet<string> = new Set(names);
  return {
    decode: enumOf(names, what),
    required: false,
    ignore: (raw) => typeof raw === 'string' && !known.has(raw),
  };
}

/** The field specs of a {@link struct}, by JSON field name. */
export type Shape = Readonly<Record<string, Field<unknown, boolean>>>;

type RequiredKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends Field<unknown, true> ? K : never;
}[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;
type FieldValue<F> = F extends Field<infer T, boolean> ? T : never;

/** The object type a {@link struct} of shape `S` decodes to. */
export type StructOf<S extends Shape> = { readonly [K in RequiredKeys<S>]: FieldValue<S[K]> } & {
  readonly [K in OptionalKeys<S>]?: FieldValue<S[K]>;
};

/**
 * A protobuf message: a JSON object whose fields are decoded by `shape`; other properties are
 * ignored. Fields are checked in `shape` order, so the first problem reported is deterministic.
 * Absent optional fields are left out (never set to `undefined`).
 */
export function struct<S extends Shape>(shape: S): Decoder<StructOf<S>> {
  // Whether each key needs quoting is settled once, not on every decode.
  const fields = Object.entries(shape).map(([key, field]) => ({
    key,
    field,
    pathFrom: PLAIN_KEY.test(key)
      ? (parent: string) => (parent === '' ? key : `${parent}.${key}`)
      : (parent: string) => fieldPath(parent, key),
  }));
  return (json, path) => {
    if (!isJsonObject(json)) return failure(path, 'expected object');
    const out: Record<string, unknown> = {};
    for (const { key, field, pathFrom } of fields) {
      const raw = own(json, key);
      if (isAbsent(raw) || field.ignore?.(raw) === true) {
        if (field.required) return failure(pathFrom(path), 'is required');
        continue;
      }
      const r = field.decode(raw, pathFrom(path));
      if (!r.ok) return r;
      out[key] = r.value;
    }
    // The toolkit's one type assertion: `out` holds exactly the keys of `shape`, each required one
    // present, each value produced by that key's own decoder, which is what StructOf<S> states.
    return ok(out as StructOf<S>);
  };
}

/** `decode`, followed by a check that may reject the decoded value with a path of its own. */
export function refine<T>(
  decode: Decoder<T>,
  check: (value: T, path: string) => DecodeError | undefined,
): Decoder<T> {
  return (json, path) => {
    const r = decode(json, path);
    if (!r.ok) return r;
    const problem = check(r.value, path);
    return problem === undefined ? r : err(problem);
  };
}

/** `decode`, with its value transformed by `f` (which must not fail). */
export function mapDecoded<T, U>(decode: Decoder<T>, f: (value: T) => U): Decoder<U> {
  return (json, path) => {
    const r = decode(json, path);
    return r.ok ? ok(f(r.value)) : r;
  };
}

/** The decoders of a union's cases, one per value of its `type` discriminant. */
export type UnionCases<T extends { readonly type: string }> = {
  readonly [K in T['type']]: Decoder<Extract<T, { readonly type: K }>>;
};

/**
 * A protobuf "union" message (a `type` enum plus one body field per type): the `type` field picks
 * the case decoder. A missing `type` is `type: is required`; an unrecognised one is
 * `type: unknown <what> type "FOO"` (`what` is e.g. `call`).
 */
export function unionOf<T extends { readonly type: string }>(what: string, cases: UnionCases<T>): Decoder<T> {
  const byType = new Map<string, Decoder<T>>(Object.entries<Decoder<T>>(cases));
  return (json, path) => {
    if (!isJsonObject(json)) return failure(path, 'expected object');
    const type = own(json, 'type');
    const at = fieldPath(path, 'type');
    if (isAbsent(type)) return failure(at, 'is required');
    if (typeof type !== 'string') return failure(at, 'expected string');
    const decode = byType.get(type);
    if (decode === undefined) return failure(at, `unknown ${what} type ${quote(type)}`);
    return decode(json, path);
  };
}
