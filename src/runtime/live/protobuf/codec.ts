/**
 * Protobuf bodies for Mesos's v1 HTTP APIs: bytes ↔ the JSON shape Agora's message decoders and
 * encoders already speak.
 *
 * Mesos accepts and sends every v1 call, response and event either as JSON or as protobuf
 * (`application/x-protobuf`, what mesos-go and Mesos's Java V1 library send by default). Its JSON
 * is the protobuf's own mapping as stout writes it (3rdparty/stout/include/stout/protobuf.hpp):
 * field names as in the .proto, enums by value name, `bytes` as base64, 64-bit integers as
 * numbers, unset fields left out. So a protobuf body is turned into exactly that JSON and handed
 * to the same decoders as a JSON body, and an event Agora encodes to JSON is turned into
 * protobuf bytes: one vocabulary, two encodings.
 *
 * The schemas are ours (the .proto files beside this module, loaded with `keepCase` so field
 * names stay Mesos's); their package, message and field names and numbers are Mesos's, so the
 * bytes interoperate. They are read from the source tree at first use (not at import: the
 * simulator never needs them), and each message's protobufjs Type is looked up once and
 * cached; protobufjs compiles a Type's encode, decode, fromObject and toObject into plain
 * functions on first use, so a call does no reflection.
 *
 * Differences from Mesos (C++ protobuf):
 * - an enum number the schema does not know comes out as that number, which Agora's decoders
 *   reject (the C++ library keeps it among unknown fields, leaving the field unset);
 * - an empty repeated field cannot be told from an absent one in protobuf bytes, so
 *   `"resources": []` comes back without the field (Agora's decoders read both alike).
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { err, ok, type Result } from '../../../core/result.js';

/** Every message Agora reads or writes as a protobuf body, by its full Mesos name. */
export const PROTOBUF_MESSAGES = [
  'mesos.v1.scheduler.Call',
  'mesos.v1.scheduler.Event',
  'mesos.v1.scheduler.Response',
  'mesos.v1.executor.Call',
  'mesos.v1.executor.Event',
  'mesos.v1.master.Call',
  'mesos.v1.master.Response',
  'mesos.v1.master.Event',
  'mesos.v1.agent.Call',
  'mesos.v1.agent.Response',
] as const;

/** The full name of a message Agora reads or writes as protobuf. */
export type ProtobufMessage = (typeof PROTOBUF_MESSAGES)[number];

/** The schema files, relative to this directory; their imports are found beside them. */
const SCHEMA_FILES = [
  'mesos/v1/scheduler/scheduler.proto',
  'mesos/v1/executor/executor.proto',
  'mesos/v1/master/master.proto',
  'mesos/v1/agent/agent.proto',
];

const SCHEMA_DIR = fileURLToPath(new URL('./', import.meta.url));

/**
 * stout's JSON mapping as protobufjs's toObject options (one constant: no per-call garbage);
 * `json` writes infinite doubles as "Infinity" and "-Infinity", as Agora's JSON does.
 */
const TO_JSON: protobuf.IConversionOptions = { enums: String, bytes: String, longs: Number, json: true };

let root: protobuf.Root | undefined;
const types = new Map<string, protobuf.Type>();

/** The schemas, parsed once (see the module comment). */
function schemas(): protobuf.Root {
  if (root !== undefined) return root;
  const loaded = new protobuf.Root();
  // Imports such as "mesos/v1/mesos.proto" are relative to the schema directory; Google's
  // well-known types (google/protobuf/duration.proto) are built into protobufjs.
  loaded.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : SCHEMA_DIR + target;
  loaded.loadSync(SCHEMA_FILES, { keepCase: true });
  loaded.resolveAll();
  root = loaded;
  return loaded;
}

/** The protobufjs Type of message `name`, looked up once. */
export function protobufType(name: string): protobuf.Type {
  let type = types.get(name);
  if (type === undefined) {
    type = schemas().lookupType(name);
    types.set(name, type);
  }
  return type;
}

/**
 * Decodes protobuf `bytes` of message `name` into Mesos's JSON for it; fails (with protobufjs's
 * reason, e.g. `missing required 'framework_id'` or `index out of range`) on bytes that are not
 * such a message, where Mesos answers "Failed to parse body into Call protobuf".
 */
export function protobufToJson(name: ProtobufMessage, bytes: Uint8Array): Result<unknown, string> {
  const type = protobufType(name);
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
  return ok(type.toObject(message, TO_JSON));
}

/**
 * Encodes Mesos's JSON for message `name` as protobuf bytes. It is meant for JSON Agora wrote
 * (its encoders' output, checked against the schemas by round-trip properties), so it stays
 * lean rather than validating: it fails, naming the field, on a missing required message or a
 * value of the wrong kind (a string for a message), but writes a missing required scalar as its
 * default and leaves out an enum name or a field the schema does not have (as stout ignores
 * unknown JSON fields).
 */
export function jsonToProtobuf(name: ProtobufMessage, json: unknown): Result<Uint8Array, string> {
  const type = protobufType(name);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return err(`${name}: expected a JSON object`);
  }
  try {
    return ok(type.encode(type.fromObject(json as Record<string, unknown>)).finish());
  } catch (e) {
    const problem = missingRequired(type, json as Record<string, unknown>, '');
    return err(`${name}: ${problem ?? (e instanceof Error ? e.message : String(e))}`);
  }
}

/**
 * The first required field missing from `json` (a path), or undefined: the explanation of an
 * encoding that failed, since protobufjs's encoder fails obscurely on a missing required message
 * (`Cannot read properties of null`). Only called on failure: it walks the whole value.
 */
function missingRequired(
  type: protobuf.Type,
  json: Record<string, unknown>,
  path: string,
): string | undefined {
  for (const field of type.fieldsArray) {
    const value = json[field.name];
    const at = path === '' ? field.name : `${path}.${field.name}`;
    if (value === undefined || value === null) {
      if (field.required) return `${at}: is required`;
      continue;
    }
    const nested = field.resolvedType;
    if (!(nested instanceof protobuf.Type) || field.map) continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i] as unknown;
        if (typeof item !== 'object' || item === null) continue;
        const problem = missingRequired(nested, item as Record<string, unknown>, `${at}[${i}]`);
        if (problem !== undefined) return problem;
      }
    } else if (typeof value === 'object') {
      const problem = missingRequired(nested, value as Record<string, unknown>, at);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}
