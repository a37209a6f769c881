/**
 * fast-check arbitraries of Mesos's JSON for any message of Agora's protobuf schemas, built from
 * the schema itself: every required field, optional fields while the nesting budget lasts, up
 * to two elements per repeated field or map, at most one field of a oneof, enums by name, bytes
 * as padded base64, 64-bit integers within JavaScript's safe range, finite doubles (never -0,
 * which JSON cannot tell from 0), floats that a 32-bit float holds exactly.
 */
import fc, { type Arbitrary } from 'fast-check';
import protobuf from 'protobufjs';

type Json = Record<string, unknown>;

const SMALL = { maxLength: 2 } as const;

const scalars: Record<string, Arbitrary<unknown>> = {
  string: fc.string({ maxLength: 8, unit: 'grapheme' }),
  bool: fc.boolean(),
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  sint32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  sfixed32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  uint32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  fixed32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  int64: fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -1000, max: 1000 })),
  sint64: fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -1000, max: 1000 })),
  sfixed64: fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -1000, max: 1000 })),
  uint64: fc.oneof(fc.maxSafeNat(), fc.nat({ max: 70000 })),
  fixed64: fc.oneof(fc.maxSafeNat(), fc.nat({ max: 70000 })),
  double: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
  float: fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
  bytes: fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('base64')),
};

const cache = new Map<string, Arbitrary<Json>>();

function fieldValueOf(field: protobuf.Field, depth: number): Arbitrary<unknown> {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageOf(resolved, depth - 1);
  if (resolved instanceof protobuf.Enum) {
    // Aliases aside, each number by its first name (what decoding gives back).
    const names = [...new Map(Object.entries(resolved.values).map(([n, v]) => [v, n])).values()];
    return fc.constantFrom(...names);
  }
  const scalar = scalars[field.type];
  if (scalar === undefined) throw new Error(`no arbitrary for ${field.type} (${field.fullName})`);
  return scalar;
}

/** Mesos JSON for a message of `type`, nesting optional messages at most `depth` deep. */
export function messageOf(type: protobuf.Type, depth = 3): Arbitrary<Json> {
  const key = `${type.fullName}@${depth}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const arbitrary = buildMessage(type, depth);
  cache.set(key, arbitrary);
  return arbitrary;
}

function buildMessage(type: protobuf.Type, depth: number): Arbitrary<Json> {
  const required: Record<string, Arbitrary<unknown>> = {};
  const optional: Record<string, Arbitrary<unknown>> = {};
  const oneofs: Arbitrary<[string, unknown] | null>[] = [];
  for (const field of type.fieldsArray) {
    if (field.partOf !== null) continue;
    const nestedMessage = field.resolvedType instanceof protobuf.Type;
    // Beyond the budget only required fields go on (Mesos's required fields never loop).
    if (!field.required && nestedMessage && depth <= 0) continue;
    let arb: Arbitrary<unknown>;
    if (field.map) {
      const keys = scalars[(field as unknown as protobuf.MapField).keyType] ?? scalars.string;
      arb = fc
        .array(fc.tuple(keys as Arbitrary<unknown>, fieldValueOf(field, depth)), SMALL)
        .map((entries) => Object.fromEntries(entries.map(([k, v]) => [String(k), v])));
    } else if (field.repeated) {
      arb = fc.array(fieldValueOf(field, depth), SMALL);
    } else {
      arb = fieldValueOf(field, depth);
    }
    (field.required ? required : optional)[field.name] = arb;
  }
  for (const oneof of type.oneofsArray) {
    const choices = oneof.fieldsArray
      .filter((f) => depth > 0 || !(f.resolvedType instanceof protobuf.Type))
      .map((f) => fieldValueOf(f, depth).map((v): [string, unknown] => [f.name, v]));
    if (choices.length > 0) oneofs.push(fc.option(fc.oneof(...choices), { nil: null }));
  }
  return fc
    .tuple(
      fc.record(required, { noNullPrototype: true }),
      fc.record(optional, { requiredKeys: [], noNullPrototype: true }),
      fc.tuple(...oneofs),
    )
    .map(([r, o, chosen]) => {
      const out: Json = { ...r, ...o };
      for (const pick of chosen) if (pick !== null) out[pick[0]] = pick[1];
      return out;
    });
}

/**
 * A message of a v1 `Call`/`Response`/`Event` type whose `type` is `name` and whose body is the
 * field named after it in lower case (`GET_STATE` → `get_state`), when the message has one; with
 * the message's other required fields (an executor call's ids) and maybe its scalar ones.
 */
export function typedMessageOf(type: protobuf.Type, name: string, depth = 3): Arbitrary<Json> {
  const body = type.fields[name.toLowerCase()];
  const base = messageOf(type, 0);
  if (body === undefined) return base.map((json) => ({ ...json, type: name }));
  const nested = body.resolvedType;
  if (!(nested instanceof protobuf.Type)) throw new Error(`${type.fullName}.${body.name} is not a message`);
  return fc
    .tuple(base, messageOf(nested, depth))
    .map(([json, value]) => ({ ...json, type: name, [body.name]: value }));
}
