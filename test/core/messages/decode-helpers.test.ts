/**
 * The decoding toolkit on its own: paths, scalars as stout reads them, containers and their
 * limits, structs, unions, base64 and JSON encoding.
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import {
  base64ByteLength,
  bytes,
  encodeBase64,
  isBase64,
  randomUuidBase64,
  uuidBytes,
} from '../../../src/core/messages/base64.js';
import {
  arrayOf,
  bool,
  type Decoder,
  double,
  enumOf,
  fieldPath,
  formatDecodeError,
  indexPath,
  int32,
  int64,
  literal,
  mapOf,
  opt,
  optEnum,
  quote,
  req,
  str,
  stringOf,
  struct,
  uint32,
  uint64,
  unionOf,
} from '../../../src/core/messages/decode-helpers.js';
import { toJsonValue } from '../../../src/core/messages/json-value.js';
import { DECODE_LIMITS } from '../../../src/core/messages/limits.js';

function accepts<T>(t: import('ava').ExecutionContext, d: Decoder<T>, json: unknown, expected: T): void {
  t.deepEqual(d(json, 'x'), { ok: true, value: expected }, JSON.stringify(json));
}

function rejects<T>(
  t: import('ava').ExecutionContext,
  d: Decoder<T>,
  json: unknown,
  path: string,
  message: string,
): void {
  t.deepEqual(d(json, 'x'), { ok: false, error: { path, message } }, String(json));
}

// --- Paths -------------------------------------------------------------------------------------

test('paths use accessor syntax, quoting keys that are not identifiers', (t) => {
  t.is(fieldPath('', 'type'), 'type');
  t.is(fieldPath('accept', 'offer_ids'), 'accept.offer_ids');
  t.is(indexPath('accept.offer_ids', 2), 'accept.offer_ids[2]');
  t.is(fieldPath('limits', 'a.b'), 'limits["a.b"]');
  t.is(fieldPath('limits', ''), 'limits[""]');
  t.is(fieldPath('', '2x'), '["2x"]');
  t.is(fieldPath('m', 'say "hi"'), 'm["say \\"hi\\""]');
});

test('formatDecodeError prefixes the path, except at the root', (t) => {
  t.is(
    formatDecodeError({ path: 'accept.offer_ids[2].value', message: 'expected string' }),
    'accept.offer_ids[2].value: expected string',
  );
  t.is(formatDecodeError({ path: '', message: 'expected object' }), 'expected object');
});

test('quote cuts echoed input to 64 characters', (t) => {
  t.is(quote('FOO'), '"FOO"');
  t.is(quote('a'.repeat(64)), `"${'a'.repeat(64)}"`);
  t.is(quote('a'.repeat(65)), `"${'a'.repeat(64)}…"`);
});

// --- Scalars -----------------------------------------------------------------------------------

test('strings: type and length limit', (t) => {
  accepts(t, str, '', '');
  accepts(t, str, 'é\u{1F600}', 'é\u{1F600}');
  rejects(t, str, 1, 'x', 'expected string');
  rejects(t, str, null, 'x', 'expected string');
  rejects(t, str, ['a'], 'x', 'expected string');
  accepts(t, str, 'a'.repeat(DECODE_LIMITS.maxStringLength), 'a'.repeat(DECODE_LIMITS.maxStringLength));
  rejects(t, str, 'a'.repeat(DECODE_LIMITS.maxStringLength + 1), 'x', 'longer than 65536 characters');
  rejects(t, stringOf(3), 'abcd', 'x', 'longer than 3 characters');
});

test('literal', (t) => {
  accepts(t, literal('ACCEPT'), 'ACCEPT', 'ACCEPT');
  rejects(t, literal('ACCEPT'), 'DECLINE', 'x', 'expected "ACCEPT"');
});

test('doubles: numbers, numeric strings and infinities, as stout reads them', (t) => {
  accepts(t, double, 1.5, 1.5);
  accepts(t, double, '5.0', 5);
  accepts(t, double, '-2.5e3', -2500);
  accepts(t, double, 'Infinity', Number.POSITIVE_INFINITY);
  accepts(t, double, '-Infinity', Number.NEGATIVE_INFINITY);
  accepts(t, double, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  accepts(t, double, '1e999', Number.POSITIVE_INFINITY);
  t.true(Object.is((double(-0, 'x') as { value: number }).value, 0), '-0 becomes 0');
  t.true(Object.is((double('-0', 'x') as { value: number }).value, 0), '"-0" becomes 0');
  for (const bad of [
    Number.NaN,
    'NaN',
    'infinity',
    '',
    ' 1',
    '1 ',
    '1.',
    '.5',
    '0x10',
    '+1',
    '01',
    true,
    null,
    {},
    [],
  ]) {
    rejects(t, double, bad, 'x', 'expected number');
  }
});

test('integers: whole numbers in range, numbers or numeric strings', (t) => {
  accepts(t, int32, -(2 ** 31), -(2 ** 31));
  accepts(t, int32, '42', 42);
  accepts(t, int32, 1e3, 1000);
  accepts(t, int32, '1e3', 1000);
  rejects(t, int32, 2 ** 31, 'x', 'expected integer from -2147483648 to 2147483647');
  rejects(t, int32, 1.5, 'x', 'expected integer');
  rejects(t, int32, 'Infinity', 'x', 'expected integer');
  rejects(t, int32, Number.NaN, 'x', 'expected integer');
  rejects(t, int32, true, 'x', 'expected integer');
  accepts(t, uint32, 2 ** 32 - 1, 2 ** 32 - 1);
  rejects(t, uint32, -1, 'x', 'expected integer from 0 to 4294967295');
  accepts(t, int64, '-9007199254740991', -Number.MAX_SAFE_INTEGER);
  rejects(t, int64, '9007199254740993', 'x', 'expected integer from -9007199254740991 to 9007199254740991');
  accepts(t, uint64, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  t.true(Object.is((int32(-0, 'x') as { value: number }).value, 0), '-0 becomes 0');
});

test('booleans, including the strings stout accepts', (t) => {
  accepts(t, bool, true, true);
  accepts(t, bool, 'false', false);
  for (const bad of [0, 1, 'yes', 'TRUE', null, []]) rejects(t, bool, bad, 'x', 'expected boolean');
});

test('enums: names only, unknown names rejected with the enum named', (t) => {
  const color = enumOf(['RED', 'GREEN'], 'color');
  accepts(t, color, 'RED', 'RED');
  rejects(t, color, 0, 'x', 'expected string');
  rejects(t, color, 'red', 'x', 'unknown color "red"');
  rejects(t, color, 'toString', 'x', 'unknown color "toString"');
});

// --- Containers --------------------------------------------------------------------------------

test('arrays: items decoded with indexed paths, nulls skipped, length limited', (t) => {
  accepts(t, arrayOf(str), ['a', null, 'b'], ['a', 'b']);
  accepts(t, arrayOf(str), [], []);
  rejects(t, arrayOf(str), ['a', null, 3], 'x[2]', 'expected string');
  rejects(t, arrayOf(str), 'a', 'x', 'expected array');
  rejects(t, arrayOf(str), { 0: 'a', length: 1 }, 'x', 'expected array');
  rejects(t, arrayOf(str, 2), ['a', 'b', 'c'], 'x', 'more than 2 items');
  // Holes of a sparse array are skipped like nulls.
  const sparse: unknown[] = [];
  sparse[1] = 'a';
  accepts(t, arrayOf(str), sparse, ['a']);
});

test('maps: entries decoded with keyed paths, nulls skipped, entries limited, __proto__ kept as a key', (t) => {
  const m = mapOf(double, 3);
  accepts(t, m, { cpus: 1, mem: null }, { cpus: 1 });
  rejects(t, m, { 'a b': 'x' }, 'x["a b"]', 'expected number');
  rejects(t, m, { a: 1, b: 2, c: 3, d: 4 }, 'x', 'more than 3 entries');
  rejects(t, m, [], 'x', 'expected object');
  const parsed: unknown = JSON.parse('{"__proto__": 5}');
  const r = m(parsed, 'x');
  t.true(r.ok);
  if (r.ok) {
    t.deepEqual(Object.keys(r.value), ['__proto__']);
    t.is(Object.getPrototypeOf(r.value), Object.prototype);
  }
  rejects(
    t,
    m,
    { ['k'.repeat(DECODE_LIMITS.maxStringLength + 1)]: 1 },
    'x',
    'has a key longer than 65536 characters',
  );
});

const point = struct({ x: req(double), y: req(double), label: opt(str) });

test('structs: required and optional fields, null as absent, unknown fields ignored', (t) => {
  accepts(t, point, { x: 1, y: 2 }, { x: 1, y: 2 });
  accepts(t, point, { x: 1, y: 2, label: null, extra: [1, 2] }, { x: 1, y: 2 });
  accepts(t, point, { label: 'p', y: 2, x: 1 }, { x: 1, y: 2, label: 'p' });
  rejects(t, point, { y: 2 }, 'x.x', 'is required');
  rejects(t, point, { x: null, y: 2 }, 'x.x', 'is required');
  rejects(t, point, { x: 1, y: 2, label: 3 }, 'x.label', 'expected string');
  rejects(t, point, 'p', 'x', 'expected object');
  rejects(t, point, [1, 2], 'x', 'expected object');
});

test('structs report the first problem in field order, not input order', (t) => {
  rejects(t, point, { y: 'b', x: 'a' }, 'x.x', 'expected number');
});

test('structs read own properties only', (t) => {
  rejects(t, point, Object.create({ x: 1, y: 2 }), 'x.x', 'is required');
  accepts(t, point, Object.assign(Object.create(null), { x: 1, y: 2 }), { x: 1, y: 2 });
  // `constructor` is inherited by every object, never an own field here.
  const r = struct({ constructor: opt(str) })({}, 'x');
  t.true(r.ok && !Object.hasOwn(r.value, 'constructor'));
});

test('optional enums drop unknown names (proto2), but not values of the wrong type', (t) => {
  const s = struct({ color: optEnum(['RED'], 'color') });
  accepts(t, s, { color: 'RED' }, { color: 'RED' });
  accepts(t, s, { color: 'MAUVE' }, {});
  rejects(t, s, { color: 7 }, 'x.color', 'expected string');
});

type Shape = { readonly type: 'CIRCLE'; readonly r: number } | { readonly type: 'DOT' };
const shape = unionOf<Shape>('shape', {
  CIRCLE: struct({ type: req(literal('CIRCLE')), r: req(double) }),
  DOT: struct({ type: req(literal('DOT')) }),
});

test('unions pick the case by type', (t) => {
  accepts(t, shape, { type: 'CIRCLE', r: 1 }, { type: 'CIRCLE', r: 1 });
  accepts(t, shape, { type: 'DOT', r: 1 }, { type: 'DOT' });
  rejects(t, shape, { type: 'CIRCLE' }, 'x.r', 'is required');
  rejects(t, shape, {}, 'x.type', 'is required');
  rejects(t, shape, { type: ['DOT'] }, 'x.type', 'expected string');
  rejects(t, shape, { type: 'SQUARE' }, 'x.type', 'unknown shape type "SQUARE"');
  rejects(t, shape, { type: '__proto__' }, 'x.type', 'unknown shape type "__proto__"');
  rejects(t, shape, 5, 'x', 'expected object');
});

// --- base64 ------------------------------------------------------------------------------------

testProp("encodeBase64 matches Node's encoder", [fc.uint8Array({ maxLength: 40 })], (t, data) => {
  t.is(encodeBase64([...data]), Buffer.from(data).toString('base64'));
});

testProp(
  'base64ByteLength counts what stout decodes, padded or not',
  [fc.uint8Array({ maxLength: 40 })],
  (t, data) => {
    const text = encodeBase64([...data]);
    t.is(base64ByteLength(text), data.length);
    t.is(base64ByteLength(text.replace(/=+$/u, '')), data.length);
  },
);

test('stout\'s lenient base64: whitespace skipped, stops at "=", rejects other characters', (t) => {
  t.true(isBase64(''));
  t.true(isBase64('aGVs bG8=\n'));
  t.true(isBase64('ab=!!'));
  t.false(isBase64('a-b_'));
  t.false(isBase64('é'));
  t.is(base64ByteLength('a'), 0);
  t.is(base64ByteLength('aGVsbG8'), 5);
  t.is(base64ByteLength('a*'), undefined);
  accepts(t, bytes, 'aGk=', 'aGk=');
  rejects(t, bytes, 'a*', 'x', 'expected base64');
  rejects(t, bytes, 5, 'x', 'expected string');
  rejects(
    t,
    bytes,
    'A'.repeat(DECODE_LIMITS.maxBytesTextLength + 1),
    'x',
    `longer than ${DECODE_LIMITS.maxBytesTextLength} characters`,
  );
});

test('UUID bytes must be exactly 16 bytes', (t) => {
  accepts(t, uuidBytes, 'AAECAwQFBgcICQoLDA0ODw==', 'AAECAwQFBgcICQoLDA0ODw==');
  accepts(t, uuidBytes, 'jhadf73jhakdlfha723adf', 'jhadf73jhakdlfha723adf');
  rejects(t, uuidBytes, 'AAECAwQFBgcICQoLDA0ODxA=', 'x', 'expected a 16-byte UUID, got 17 bytes');
  rejects(t, uuidBytes, '', 'x', 'expected a 16-byte UUID, got 0 bytes');
});

test('randomUuidBase64 makes version-4 UUIDs from the given stream, deterministically', (t) => {
  let seed = 1;
  const stream = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const a = randomUuidBase64(stream);
  seed = 1;
  t.is(randomUuidBase64(stream), a);
  const raw = Buffer.from(a, 'base64');
  t.is(raw.length, 16);
  t.is((raw[6] ?? 0) >> 4, 4);
  t.is((raw[8] ?? 0) >> 6, 2);
  const ones = [255, 255, 255, 255, 255, 255, 0x4f, 255, 0xbf, 255, 255, 255, 255, 255, 255, 255];
  t.is(
    randomUuidBase64(() => 0.999999),
    encodeBase64(ones),
  );
});

// --- JSON encoding -----------------------------------------------------------------------------

test('toJsonValue writes infinities as the strings Mesos reads, and drops undefined', (t) => {
  t.deepEqual(
    toJsonValue({ a: Number.POSITIVE_INFINITY, b: [Number.NEGATIVE_INFINITY, 1], c: undefined, d: null }),
    {
      a: 'Infinity',
      b: ['-Infinity', 1],
      d: null,
    },
  );
  t.is(toJsonValue(Number.NaN), null);
  t.deepEqual(
    JSON.parse(JSON.stringify(toJsonValue({ limits: { cpus: { value: Number.POSITIVE_INFINITY } } }))),
    {
      limits: { cpus: { value: 'Infinity' } },
    },
  );
});
