/**
 * Readers for the JSON values of a scenario. Each checks one value, records what is wrong with it
 * at its path, and returns the checked value or `undefined` (the error is already recorded), so
 * validation can carry on and report every problem in one pass.
 */
import { describe, hint, type Issues, joinKey } from './issues.js';
import { LIMITS, secondsToMs } from './schema.js';

/** A JSON object, read only through {@link field} (own properties only). */
export type JsonObject = Readonly<Record<string, unknown>>;

/** The own property `key` of `obj`, so that `constructor` or `toString` never read the prototype. */
export function field(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * `value` as an object whose keys are all in `keys`. Unknown keys are errors at their own path
 * with a "did you mean" hint: a misspelt optional field would otherwise be silently ignored and
 * its default used, which is the hardest kind of scenario bug to see.
 */
export function readObject(
  issues: Issues,
  path: string,
  value: unknown,
  keys: readonly string[],
): JsonObject | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.add(path, `expected an object, got ${describe(value)}`);
    return undefined;
  }
  const obj = value as JsonObject;
  for (const key of Object.keys(obj)) {
    if (!keys.includes(key)) issues.add(joinKey(path, key), `unknown key ${hint(key, keys)}`);
  }
  return obj;
}

/** Reads one checked value at `path`; returns undefined when it recorded a problem. */
export type Reader<T> = (path: string, value: unknown) => T | undefined;

/** Reads the required field `key` of `obj`; records `missing (required)` when it is absent. */
export function required<T>(
  issues: Issues,
  path: string,
  obj: JsonObject,
  key: string,
  read: Reader<T>,
): T | undefined {
  const v = field(obj, key);
  const at = joinKey(path, key);
  if (v === undefined) {
    issues.add(at, 'missing (required)');
    return undefined;
  }
  return read(at, v);
}

/** Reads the optional field `key` of `obj`, or gives `fallback` when it is absent. */
export function optional<T>(
  obj: JsonObject,
  path: string,
  key: string,
  read: Reader<T>,
  fallback: T,
): T | undefined {
  const v = field(obj, key);
  return v === undefined ? fallback : read(joinKey(path, key), v);
}

/** Bounds for {@link readNumber}; `above`/`below` are exclusive, `min`/`max` inclusive. */
export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
  readonly below?: number;
  readonly integer?: boolean;
}

/** `value` as a finite number within `rule`. */
export function readNumber(
  issues: Issues,
  path: string,
  value: unknown,
  rule: NumberRule,
): number | undefined {
  if (typeof value !== 'number') {
    issues.add(path, `expected a number, got ${describe(value)}`);
    return undefined;
  }
  // JSON cannot spell NaN or Infinity, but a scenario built in code (the generator, a test) can.
  if (!Number.isFinite(value)) {
    issues.add(path, `expected a finite number, got ${value}`);
    return undefined;
  }
  const problem = rangeProblem(value, rule);
  if (problem !== undefined) {
    issues.add(path, problem);
    return undefined;
  }
  return value;
}

function rangeProblem(n: number, rule: NumberRule): string | undefined {
  if (rule.integer === true && !Number.isInteger(n)) return `expected a whole number, got ${n}`;
  if (rule.min !== undefined && n < rule.min) return `must be at least ${rule.min}, got ${n}`;
  if (rule.above !== undefined && n <= rule.above) return `must be greater than ${rule.above}, got ${n}`;
  if (rule.max !== undefined && n > rule.max) return `must be at most ${rule.max}, got ${n}`;
  if (rule.below !== undefined && n >= rule.below) return `must be less than ${rule.below}, got ${n}`;
  return undefined;
}

/** A time or duration in seconds, at most `LIMITS.seconds`, converted to milliseconds. */
export function readSecondsAsMs(
  issues: Issues,
  path: string,
  value: unknown,
  rule: NumberRule = { min: 0 },
): number | undefined {
  const s = readNumber(issues, path, value, { max: LIMITS.seconds, ...rule });
  return s === undefined ? undefined : secondsToMs(s);
}

/** `value` as `true` or `false`. */
export function readBoolean(issues: Issues, path: string, value: unknown): boolean | undefined {
  if (typeof value !== 'boolean') {
    issues.add(path, `expected true or false, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

/** `value` as a string of at most `maxLength` characters. */
export function readString(
  issues: Issues,
  path: string,
  value: unknown,
  maxLength: number,
): string | undefined {
  if (typeof value !== 'string') {
    issues.add(path, `expected a string, got ${describe(value)}`);
    return undefined;
  }
  if (value.length > maxLength) {
    issues.add(path, `must be at most ${maxLength} characters long, got ${value.length}`);
    return undefined;
  }
  return value;
}

/**
 * Names of scenarios, frameworks and jobs appear in process addresses, trace lines and report
 * file names, so they are kept to a safe alphabet. Every such name is also a valid Mesos role,
 * which lets a framework's role default to its name.
 */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/u;

/** `value` as a name: letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export function readName(issues: Issues, path: string, value: unknown): string | undefined {
  const s = readString(issues, path, value, LIMITS.nameLength);
  if (s === undefined) return undefined;
  if (!NAME_PATTERN.test(s)) {
    issues.add(
      path,
      `invalid name ${describe(s)} (use letters, digits, ".", "_" and "-", starting with a letter or digit)`,
    );
    return undefined;
  }
  return s;
}

/** `value` as an array of at most `maxLength` items (longer arrays are not read further). */
export function readArray(
  issues: Issues,
  path: string,
  value: unknown,
  maxLength: number,
): readonly unknown[] | undefined {
  if (!Array.isArray(value)) {
    issues.add(path, `expected an array, got ${describe(value)}`);
    return undefined;
  }
  if (value.length > maxLength) {
    issues.add(path, `has ${value.length} entries, more than the limit of ${maxLength}`);
    return undefined;
  }
  return value;
}

/** `value` as one of `choices` (with a "did you mean" hint when it is not). */
export function readChoice<C extends string>(
  issues: Issues,
  path: string,
  value: unknown,
  choices: readonly C[],
  what: string,
): C | undefined {
  if (typeof value !== 'string') {
    issues.add(path, `expected a string, got ${describe(value)}`);
    return undefined;
  }
  if (!(choices as readonly string[]).includes(value)) {
    issues.add(path, `unknown ${what} ${describe(value)} ${hint(value, choices)}`);
    return undefined;
  }
  return value as C;
}
