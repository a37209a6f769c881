/**
 * Decoders never throw, whatever they are given: random values, random JSON, junk shaped like
 * messages, and valid messages with one part replaced. They either accept the whole message or
 * report an error whose path really points into the input.
 */
import { fc, testProp } from '@fast-check/ava';
import type { ExecutionContext } from 'ava';
import { decodeAgentMessage, encodeAgentMessage } from '../../../src/core/messages/agent-protocol.js';
import type { Decoded } from '../../../src/core/messages/decode-helpers.js';
import {
  decodeExecutorCall,
  decodeExecutorEvent,
  encodeExecutorCall,
  encodeExecutorEvent,
} from '../../../src/core/messages/executor.js';
import type { JsonValue } from '../../../src/core/messages/json-value.js';
import { resourcesFromJson } from '../../../src/core/messages/resources-json.js';
import { decodeCall, encodeCall } from '../../../src/core/messages/scheduler-call.js';
import { decodeEvent, encodeEvent } from '../../../src/core/messages/scheduler-event.js';
import { arbAgentMessage, arbCall, arbEvent, arbExecutorCall, arbExecutorEvent } from './arbitraries.js';

type Decode = (json: unknown) => Decoded<unknown>;

const DECODERS: Readonly<Record<string, Decode>> = {
  call: decodeCall,
  event: decodeEvent,
  executorCall: decodeExecutorCall,
  executorEvent: decodeExecutorEvent,
  agentMessage: decodeAgentMessage,
  resources: (json) => resourcesFromJson(json, ''),
};

type Segment = string | number;

/** Parses an error path (`a.b[2]["x.y"]`) into its segments; throws if it is malformed. */
function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  let rest = path;
  const first = /^[A-Za-z_][A-Za-z0-9_]*/u.exec(rest);
  if (first !== null) {
    segments.push(first[0]);
    rest = rest.slice(first[0].length);
  }
  while (rest !== '') {
    const m = /^(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/u.exec(rest);
    if (m === null) throw new Error(`malformed path ${JSON.stringify(path)} at ${JSON.stringify(rest)}`);
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(JSON.parse(m[3] ?? '""') as string);
    rest = rest.slice(m[0].length);
  }
  return segments;
}

/** The value at `segments` in `root` (own properties only), or undefined when it is not there. */
function resolve(root: unknown, segments: readonly Segment[]): unknown {
  let v: unknown = root;
  for (const s of segments) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, s)) return undefined;
    v = (v as Record<string | number, unknown>)[s];
  }
  return v;
}

// Errors about a value's own type or size, which must point at a value that is there. (Checks
// across fields may name an absent field: `framework_id: differs from …`, `source: expected
// "SOURCE_EXECUTOR"` when the source is left out.)
const ABOUT_A_PRESENT_VALUE =
  /^(expected (string|number|integer|boolean|array|object|base64)|longer than|more than|unknown )/u;

/**
 * Fails unless `r` is a well-formed outcome for `input`: an error has a non-empty message and a
 * path that parses, whose parent is a container in the input, which points at a missing or `null`
 * value when the message is `is required`, and at a present one when the message is about the
 * value's type or size.
 */
function assertWellFormed(t: ExecutionContext, input: unknown, r: Decoded<unknown>): void {
  if (r.ok) {
    t.pass();
    return;
  }
  const { path, message } = r.error;
  t.is(typeof message, 'string');
  t.true(message.length > 0);
  const segments = parsePath(path);
  if (segments.length === 0) return;
  const parent = resolve(input, segments.slice(0, -1));
  t.true(typeof parent === 'object' && parent !== null, `the parent of ${path} is not in the input`);
  const value = resolve(input, segments);
  if (message === 'is required') t.true(value === undefined || value === null, `${path} is present`);
  if (ABOUT_A_PRESENT_VALUE.test(message)) t.not(value, undefined, `${path} is not in the input`);
}

const anything = fc.anything({
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
  withBigInt: true,
  withDate: true,
  withObjectString: true,
});

for (const [name, decode] of Object.entries(DECODERS)) {
  testProp(`${name}: any value decodes or fails with a path, never throws`, [anything], (t, v) => {
    assertWellFormed(t, v, decode(v));
  });

  testProp(`${name}: any JSON text decodes or fails with a path, never throws`, [fc.json()], (t, text) => {
    const v: unknown = JSON.parse(text);
    assertWellFormed(t, v, decode(v));
  });
}

// Junk shaped like messages: a known type, and known field names holding anything.
const TYPES = [
  'SUBSCRIBE',
  'TEARDOWN',
  'ACCEPT',
  'DECLINE',
  'REVIVE',
  'SUPPRESS',
  'KILL',
  'SHUTDOWN',
  'ACKNOWLEDGE',
  'RECONCILE',
  'MESSAGE',
  'REQUEST',
  'UPDATE_FRAMEWORK',
  'SUBSCRIBED',
  'OFFERS',
  'RESCIND',
  'UPDATE',
  'FAILURE',
  'ERROR',
  'HEARTBEAT',
  'LAUNCH',
  'KILL',
  'ACKNOWLEDGED',
  'REGISTER_AGENT',
  'STATUS_UPDATE',
  'RUN_TASK',
  'PING_AGENT',
] as const;
const FIELDS = [
  'framework_id',
  'executor_id',
  'subscribe',
  'accept',
  'decline',
  'kill',
  'acknowledge',
  'reconcile',
  'message',
  'update',
  'offers',
  'subscribed',
  'status',
  'task',
  'agent',
  'connected',
  'framework_info',
  'offer_ids',
  'operations',
  'filters',
  'value',
  'uuid',
  'task_id',
  'agent_id',
  'resources',
  'launch',
] as const;

function arbShaped(depth: number): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(anything, fc.constantFrom(...TYPES), fc.constant({ value: 'x' }));
  if (depth === 0) return leaf;
  return fc.oneof(
    leaf,
    fc.array(arbShaped(depth - 1), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELDS, 'type'), arbShaped(depth - 1), { maxKeys: 5 }),
  );
}

const arbShapedMessage = fc
  .tuple(fc.constantFrom(...TYPES), fc.dictionary(fc.constantFrom(...FIELDS), arbShaped(3), { maxKeys: 6 }))
  .map(([type, fields]) => ({ ...fields, type }));

for (const [name, decode] of Object.entries(DECODERS)) {
  testProp(`${name}: junk shaped like a message never throws`, [arbShapedMessage], (t, v) => {
    assertWellFormed(t, v, decode(v));
  });
}

/** Every path to a value inside `v` (the root excluded). */
function pathsIn(v: unknown, prefix: Segment[] = []): Segment[][] {
  if (typeof v !== 'object' || v === null) return [];
  const keys: Segment[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => [
    [...prefix, k],
    ...pathsIn((v as Record<string | number, unknown>)[k], [...prefix, k]),
  ]);
}

/** A copy of `root` with the value at `path` replaced by `replacement` (or deleted when undefined). */
function replaceAt(root: unknown, path: readonly Segment[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[Number(head)] = replaceAt(copy[Number(head)], rest, replacement);
    return copy;
  }
  const obj = { ...(root as Record<string, unknown>) };
  const next = replaceAt(obj[head], rest, replacement);
  if (next === undefined) delete obj[head];
  else obj[head] = next;
  return obj;
}

const MUTANTS = {
  call: [arbCall.map((m) => encodeCall(m)), decodeCall, encodeCall],
  event: [arbEvent.map((m) => encodeEvent(m)), decodeEvent, encodeEvent],
  executorCall: [arbExecutorCall.map((m) => encodeExecutorCall(m)), decodeExecutorCall, encodeExecutorCall],
  executorEvent: [
    arbExecutorEvent.map((m) => encodeExecutorEvent(m)),
    decodeExecutorEvent,
    encodeExecutorEvent,
  ],
  agentMessage: [arbAgentMessage.map((m) => encodeAgentMessage(m)), decodeAgentMessage, encodeAgentMessage],
} as const;

const replacement = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', 'Infinity', 'NaN', '1e999', 'TASK_STAGING', '==', -1, 1.5, 2 ** 53, true, [], {}),
);

for (const [name, [arbEncoded, decode, encode]] of Object.entries(MUTANTS)) {
  testProp(
    `${name}: a valid message with one part replaced decodes whole or fails with a real path`,
    [arbEncoded, fc.nat(), replacement],
    (t, encoded: JsonValue, pick, value) => {
      const paths = pathsIn(encoded);
      const path = paths[pick % Math.max(1, paths.length)] ?? [];
      const mutant = replaceAt(encoded, path, value);
      const r = (decode as Decode)(mutant);
      assertWellFormed(t, mutant, r);
      if (r.ok) {
        // Whatever was accepted is a complete message: it encodes and decodes to itself.
        const again = (decode as Decode)(
          JSON.parse(JSON.stringify((encode as (m: unknown) => JsonValue)(r.value))),
        );
        t.deepEqual(again, r);
      }
    },
  );
}
