/**
 * The protobuf codec: Agora's JSON for every scheduler and executor call and event survives
 * JSON → protobuf bytes → JSON unchanged (and decodes back to the same message), so a framework
 * or executor speaking protobuf says and hears exactly what a JSON one does.
 */
import { testProp } from '@fast-check/ava';
import type { ExecutionContext } from 'ava';
import type { Decoded } from '../../../../src/core/messages/decode-helpers.js';
import { formatDecodeError } from '../../../../src/core/messages/decode-helpers.js';
import {
  decodeExecutorCall,
  decodeExecutorEvent,
  encodeExecutorCall,
  encodeExecutorEvent,
} from '../../../../src/core/messages/executor.js';
import type { JsonValue } from '../../../../src/core/messages/json-value.js';
import { decodeCall, encodeCall } from '../../../../src/core/messages/scheduler-call.js';
import { decodeEvent, encodeEvent } from '../../../../src/core/messages/scheduler-event.js';
import {
  jsonToProtobuf,
  type ProtobufMessage,
  protobufToJson,
  protobufType,
} from '../../../../src/runtime/live/protobuf/codec.js';
import { arbCall, arbEvent, arbExecutorCall, arbExecutorEvent } from '../../../core/messages/arbitraries.js';
import { canonicalJson } from './json-shapes.js';

const RUNS = { numRuns: 300 } as const;

function assertProtobufRoundTrip<T>(
  t: ExecutionContext,
  message: T,
  name: ProtobufMessage,
  encode: (m: T) => JsonValue,
  decode: (json: unknown) => Decoded<T>,
): void {
  const type = protobufType(name);
  // What a JSON client would see: the JSON text's value.
  const json = JSON.parse(JSON.stringify(encode(message))) as unknown;
  const bytes = jsonToProtobuf(name, json);
  if (!bytes.ok) {
    t.fail(`${bytes.error} in ${JSON.stringify(json)}`);
    return;
  }
  const back = protobufToJson(name, bytes.value);
  if (!back.ok) {
    t.fail(back.error);
    return;
  }
  t.deepEqual(back.value, canonicalJson(type, json));
  // And Agora reads it as the same message (writing the same JSON, in canonical form).
  const decoded = decode(back.value);
  if (!decoded.ok) {
    t.fail(`${formatDecodeError(decoded.error)} in ${JSON.stringify(back.value)}`);
    return;
  }
  t.deepEqual(
    canonicalJson(type, JSON.parse(JSON.stringify(encode(decoded.value)))),
    canonicalJson(type, json),
  );
}

testProp(
  'scheduler calls survive JSON → protobuf → JSON',
  [arbCall],
  (t, call) => assertProtobufRoundTrip(t, call, 'mesos.v1.scheduler.Call', encodeCall, decodeCall),
  RUNS,
);

testProp(
  'scheduler events survive JSON → protobuf → JSON',
  [arbEvent],
  (t, event) => assertProtobufRoundTrip(t, event, 'mesos.v1.scheduler.Event', encodeEvent, decodeEvent),
  RUNS,
);

testProp(
  'executor calls survive JSON → protobuf → JSON',
  [arbExecutorCall],
  (t, call) =>
    assertProtobufRoundTrip(t, call, 'mesos.v1.executor.Call', encodeExecutorCall, decodeExecutorCall),
  RUNS,
);

testProp(
  'executor events survive JSON → protobuf → JSON',
  [arbExecutorEvent],
  (t, event) =>
    assertProtobufRoundTrip(t, event, 'mesos.v1.executor.Event', encodeExecutorEvent, decodeExecutorEvent),
  RUNS,
);
