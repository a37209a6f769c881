/**
 * Encoding messages as JSON. Messages are plain data with Mesos's own field names, so encoding is
 * almost the identity; the one exception is an infinite double (e.g. `TaskInfo.limits` of
 * `"Infinity"` cpus), which `JSON.stringify` would turn into `null`. Mesos's JSON parser takes the
 * strings `"Infinity"` and `"-Infinity"` for doubles (stout/protobuf.hpp), and so do our decoders.
 */

/** A value `JSON.stringify` writes faithfully. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * A JSON-safe deep copy of a message: infinite numbers become `"Infinity"`/`"-Infinity"`,
 * `undefined` properties are left out. Meant for our message types, which hold only plain
 * objects, arrays, strings, finite or infinite numbers and booleans; anything else (a function,
 * a NaN) is a bug in the caller and becomes `null`, as `JSON.stringify` would make it.
 */
export function toJsonValue(value: unknown): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      if (value === Number.POSITIVE_INFINITY) return 'Infinity';
      if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
      return null;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map(toJsonValue);
      const entries: [string, JsonValue][] = [];
      for (const [k, v] of Object.entries(value)) if (v !== undefined) entries.push([k, toJsonValue(v)]);
      return Object.fromEntries(entries);
    }
    default:
      return null;
  }
}
