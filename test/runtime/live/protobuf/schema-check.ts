/**
 * A strict check of JSON Agora writes for one of Mesos's messages: JSON → protobuf bytes → JSON
 * must give back the same value (in the canonical form of json-shapes.ts). A field Mesos's schema
 * lacks is dropped by the trip, a value of the wrong kind (a number written as a string, an enum
 * name Mesos does not have, a fraction in an integer field) comes back changed, and a message the
 * schema cannot carry fails to encode, and a `null` (Mesos leaves unset fields out) is
 * refused: each is reported with its path.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  jsonToProtobuf,
  type ProtobufMessage,
  protobufToJson,
  protobufType,
} from '../../../../src/runtime/live/protobuf/codec.js';
import { canonicalJson } from './json-shapes.js';

/** What is wrong with `json` as a `message`, one line per difference; empty if it survives. */
export function schemaProblems(message: ProtobufMessage, json: unknown): string[] {
  const bytes = jsonToProtobuf(message, json);
  if (!bytes.ok) return [`does not encode: ${bytes.error}`];
  const back = protobufToJson(message, bytes.value);
  if (!back.ok) return [`does not decode: ${back.error}`];
  const problems: string[] = [];
  // Mesos never writes null (an unset field is left out); the canonical form would drop it.
  nulls(json, '', problems);
  differences(canonicalJson(protobufType(message), json), back.value, '', problems);
  return problems;
}

function differences(sent: unknown, came: unknown, path: string, out: string[]): void {
  if (isDeepStrictEqual(sent, came)) return;
  const at = path === '' ? '(top)' : path;
  if (isRecord(sent) && isRecord(came)) {
    for (const key of new Set([...Object.keys(sent), ...Object.keys(came)])) {
      const here = path === '' ? key : `${path}.${key}`;
      if (!(key in came))
        out.push(`${here}: ${JSON.stringify(sent[key])} is lost (not in Mesos's schema, or not of its kind)`);
      else if (!(key in sent)) out.push(`${here}: appears as ${JSON.stringify(came[key])}`);
      else differences(sent[key], came[key], here, out);
    }
    return;
  }
  if (Array.isArray(sent) && Array.isArray(came) && sent.length === came.length) {
    for (let i = 0; i < sent.length; i++) differences(sent[i], came[i], `${path}[${i}]`, out);
    return;
  }
  out.push(`${at}: sent ${JSON.stringify(sent)}, came back ${JSON.stringify(came)}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nulls(json: unknown, path: string, out: string[]): void {
  if (json === null) {
    out.push(`${path === '' ? '(top)' : path}: null (Mesos leaves an unset field out)`);
  } else if (Array.isArray(json)) {
    for (let i = 0; i < json.length; i++) nulls(json[i], `${path}[${i}]`, out);
  } else if (isRecord(json)) {
    for (const [key, value] of Object.entries(json)) nulls(value, path === '' ? key : `${path}.${key}`, out);
  }
}
