/**
 * Encoding a message, sending it as JSON text and decoding it gives back the same message, for
 * every kind of message and every field the vocabulary models.
 */
import { fc, testProp } from '@fast-check/ava';
import type { ExecutionContext } from 'ava';
import { decodeAgentMessage, encodeAgentMessage } from '../../../src/core/messages/agent-protocol.js';
import type { Decoded } from '../../../src/core/messages/decode-helpers.js';
import { formatDecodeError } from '../../../src/core/messages/decode-helpers.js';
import {
  decodeExecutorCall,
  decodeExecutorEvent,
  encodeExecutorCall,
  encodeExecutorEvent,
} from '../../../src/core/messages/executor.js';
import type { JsonValue } from '../../../src/core/messages/json-value.js';
import { decodeCall, encodeCall } from '../../../src/core/messages/scheduler-call.js';
import { decodeEvent, encodeEvent } from '../../../src/core/messages/scheduler-event.js';
import { arbAgentMessage, arbCall, arbEvent, arbExecutorCall, arbExecutorEvent } from './arbitraries.js';

const RUNS = { numRuns: 300 } as const;

function assertRoundTrip<T>(
  t: ExecutionContext,
  message: T,
  encode: (m: T) => JsonValue,
  decode: (json: unknown) => Decoded<T>,
): void {
  const text = JSON.stringify(encode(message));
  const decoded = decode(JSON.parse(text));
  if (!decoded.ok) {
    t.fail(`${formatDecodeError(decoded.error)} in ${text}`);
    return;
  }
  t.deepEqual(decoded.value, message);
  // The decoded message writes the same JSON (key order aside).
  t.deepEqual(encode(decoded.value), JSON.parse(text));
}

testProp(
  'scheduler calls survive encode → JSON → decode',
  [arbCall],
  (t, call) => {
    assertRoundTrip(t, call, encodeCall, decodeCall);
  },
  RUNS,
);

testProp(
  'scheduler events survive encode → JSON → decode',
  [arbEvent],
  (t, event) => {
    assertRoundTrip(t, event, encodeEvent, decodeEvent);
  },
  RUNS,
);

testProp(
  'executor calls survive encode → JSON → decode',
  [arbExecutorCall],
  (t, call) => {
    assertRoundTrip(t, call, encodeExecutorCall, decodeExecutorCall);
  },
  RUNS,
);

testProp(
  'executor events survive encode → JSON → decode',
  [arbExecutorEvent],
  (t, event) => {
    assertRoundTrip(t, event, encodeExecutorEvent, decodeExecutorEvent);
  },
  RUNS,
);

testProp(
  'master–agent messages survive encode → JSON → decode',
  [arbAgentMessage],
  (t, message) => {
    assertRoundTrip(t, message, encodeAgentMessage, decodeAgentMessage);
  },
  RUNS,
);

testProp(
  'decoding the in-memory message (no JSON text) gives it back too, as the simulator does',
  [
    fc.oneof(
      arbCall.map((m) => ({ m, d: decodeCall(m) })),
      arbEvent.map((m) => ({ m, d: decodeEvent(m) })),
    ),
  ],
  (t, { m, d }) => {
    t.true(d.ok);
    if (d.ok) t.deepEqual(d.value, m);
  },
);
