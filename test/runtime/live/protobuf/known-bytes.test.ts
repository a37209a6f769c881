/**
 * The codec against bytes written here by hand, field by field, from Mesos's field numbers
 * (include/mesos/v1/scheduler/scheduler.proto, mesos.proto) and the protobuf wire format (a tag
 * is `field << 3 | wire type`; 0 varint, 1 64-bit, 2 length-delimited). protobufjs is not used to
 * build them, so a wrong field number or type in Agora's schemas shows here.
 */
import test from 'ava';
import { jsonToProtobuf, protobufToJson } from '../../../../src/runtime/live/protobuf/codec.js';

const VARINT = 0;
const FIXED64 = 1;
const DELIMITED = 2;

function varint(n: bigint | number): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? low : low | 0x80);
  } while (v !== 0n);
  return out;
}

const tag = (field: number, wire: number): number[] => varint((field << 3) | wire);
const int = (field: number, n: bigint | number): number[] => [...tag(field, VARINT), ...varint(n)];
const bytes = (field: number, data: readonly number[]): number[] => [
  ...tag(field, DELIMITED),
  ...varint(data.length),
  ...data,
];
const text = (field: number, s: string): number[] => bytes(field, [...Buffer.from(s, 'utf8')]);
const double = (field: number, x: number): number[] => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [...tag(field, FIXED64), ...b];
};
/** A message of type `{ value: string }` (FrameworkID, AgentID, TaskID…) in field `field`. */
const id = (field: number, value: string): number[] => bytes(field, text(1, value));

const UUID = Array.from({ length: 16 }, (_, i) => i * 17);
const UUID_BASE64 = Buffer.from(UUID).toString('base64');

test('an ACKNOWLEDGE call, encoded by hand, decodes to Mesos JSON and encodes back to the same bytes', (t) => {
  const wire = Uint8Array.from([
    ...id(1, 'fw-1'), // Call.framework_id = 1
    ...int(2, 8), // Call.type = 2, ACKNOWLEDGE = 8
    // Call.acknowledge = 8: agent_id = 1, task_id = 2, uuid = 3
    ...bytes(8, [...id(1, 'agent-7'), ...id(2, 'task-é'), ...bytes(3, UUID)]),
  ]);
  const json = {
    framework_id: { value: 'fw-1' },
    type: 'ACKNOWLEDGE',
    acknowledge: { agent_id: { value: 'agent-7' }, task_id: { value: 'task-é' }, uuid: UUID_BASE64 },
  };
  t.deepEqual(protobufToJson('mesos.v1.scheduler.Call', wire), { ok: true, value: json });
  const encoded = jsonToProtobuf('mesos.v1.scheduler.Call', json);
  t.true(encoded.ok);
  if (encoded.ok) t.deepEqual([...encoded.value], [...wire]);
});

test('a SUBSCRIBE call with a double, a repeated string, a nested enum and a default-valued field', (t) => {
  const info = [
    ...text(1, 'root'), // FrameworkInfo.user = 1
    ...text(2, 'proto-fw'), // name = 2
    ...double(4, 604800), // failover_timeout = 4
    ...int(5, 0), // checkpoint = 5: false, set explicitly, so present
    ...bytes(10, int(1, 6)), // capabilities = 10: { type = 1: MULTI_ROLE = 6 }
    ...text(12, 'web'), // roles = 12
    ...text(12, 'batch'),
  ];
  const wire = Uint8Array.from([
    ...int(2, 1), // Call.type = 2: SUBSCRIBE = 1
    ...bytes(3, [...bytes(1, info), ...text(2, 'batch')]), // subscribe = 3: framework_info = 1, suppressed_roles = 2
  ]);
  const json = {
    type: 'SUBSCRIBE',
    subscribe: {
      framework_info: {
        user: 'root',
        name: 'proto-fw',
        failover_timeout: 604800,
        checkpoint: false,
        roles: ['web', 'batch'],
        capabilities: [{ type: 'MULTI_ROLE' }],
      },
      suppressed_roles: ['batch'],
    },
  };
  const decoded = protobufToJson('mesos.v1.scheduler.Call', wire);
  t.deepEqual(decoded, { ok: true, value: json });
  const encoded = jsonToProtobuf('mesos.v1.scheduler.Call', json);
  if (!encoded.ok) return t.fail(encoded.error);
  t.deepEqual([...encoded.value], [...wire]);
});

test('an UPDATE event with a 64-bit integer, a double, bytes and enums, in field-number order', (t) => {
  const status = [
    ...id(1, 't1'), // TaskStatus.task_id = 1
    ...int(2, 1), // state = 2: TASK_RUNNING = 1
    ...id(5, 'a1'), // agent_id = 5
    ...double(6, 1733360000.25), // timestamp = 6
    ...int(9, 2), // source = 9: SOURCE_EXECUTOR = 2
    ...bytes(11, UUID), // uuid = 11
    ...bytes(14, int(1, 1_733_360_000_123_456_789n)), // unreachable_time = 14: TimeInfo.nanoseconds = 1
  ];
  const wire = Uint8Array.from([...int(1, 4), ...bytes(5, bytes(1, status))]); // type = 1: UPDATE = 4; update = 5: status = 1
  const decoded = protobufToJson('mesos.v1.scheduler.Event', wire);
  t.deepEqual(decoded, {
    ok: true,
    value: {
      type: 'UPDATE',
      update: {
        status: {
          task_id: { value: 't1' },
          state: 'TASK_RUNNING',
          agent_id: { value: 'a1' },
          timestamp: 1733360000.25,
          source: 'SOURCE_EXECUTOR',
          uuid: UUID_BASE64,
          // Mesos's JSON writes 64-bit integers as numbers; beyond 2^53 they are rounded, as in any
          // JSON reader of numbers (Agora's decoders then refuse the value, as they do in JSON).
          unreachable_time: { nanoseconds: Number(1_733_360_000_123_456_789n) },
        },
      },
    },
  });
  // Within 2^53 the number is exact both ways.
  const small = Uint8Array.from([
    ...int(1, 4),
    ...bytes(5, bytes(1, [...id(1, 't1'), ...int(2, 1), ...bytes(14, int(1, 2n ** 53n - 1n))])),
  ]);
  const json = protobufToJson('mesos.v1.scheduler.Event', small);
  if (!json.ok) return t.fail(json.error);
  const again = jsonToProtobuf('mesos.v1.scheduler.Event', json.value);
  if (!again.ok) return t.fail(again.error);
  t.deepEqual([...again.value], [...small]);
});

test('bytes that are not the message, or miss a required field, fail with the reason', (t) => {
  // Call.framework_id = 1 with FrameworkID's required `value` missing.
  const missing = protobufToJson('mesos.v1.scheduler.Call', Uint8Array.from([...bytes(1, []), ...int(2, 7)]));
  t.deepEqual(missing, { ok: false, error: "missing required 'value'" });
  // A length that runs past the end.
  const cut = protobufToJson('mesos.v1.scheduler.Call', Uint8Array.from([...tag(1, DELIMITED), 10, 1]));
  t.false(cut.ok);
  // Encoding Agora's JSON that misses a required message names the field.
  t.deepEqual(jsonToProtobuf('mesos.v1.scheduler.Event', { type: 'UPDATE', update: {} }), {
    ok: false,
    error: 'mesos.v1.scheduler.Event: update.status: is required',
  });
});
