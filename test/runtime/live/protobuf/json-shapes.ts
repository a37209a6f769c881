/**
 * Mesos's JSON for a message in its canonical form, read along the message's schema: what the
 * same value looks like after a trip through protobuf bytes. Bytes carry no text form, so base64
 * comes back padded; protobuf has no empty repeated field or empty map, so `[]` and `{}` in such
 * fields come back absent. Everything else must come back exactly (a field the schema lacks is
 * kept here, so losing it shows).
 */
import protobuf from 'protobufjs';

/** `json` (a message of `type`) in canonical form (see the module comment). */
export function canonicalJson(type: protobuf.Type, json: unknown): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key];
    if (value === null || value === undefined) continue;
    // A field the schema lacks is kept, so a round trip that loses it shows.
    if (field === undefined) {
      out[key] = value;
      continue;
    }
    if (field.map) {
      if (typeof value !== 'object' || Object.keys(value).length === 0) continue;
      // fromEntries defines own keys, even `__proto__` (a map key like any other).
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonicalValue(field, v)]));
    } else if (field.repeated) {
      if (!Array.isArray(value) || value.length === 0) continue;
      out[key] = value.map((v: unknown) => canonicalValue(field, v));
    } else {
      out[key] = canonicalValue(field, value);
    }
  }
  return out;
}

function canonicalValue(field: protobuf.Field, value: unknown): unknown {
  if (field.resolvedType instanceof protobuf.Type) return canonicalJson(field.resolvedType, value);
  if (field.type === 'bytes' && typeof value === 'string')
    return Buffer.from(value, 'base64').toString('base64');
  return value;
}
