/**
 * The operator API's messages (mesos.v1.master Call/Response/Event, mesos.v1.agent
 * Call/Response) survive JSON → protobuf → JSON, for every call, response and event the
 * operator API serves (issue 15 item 3), with values drawn from the schema itself; and the
 * negotiation functions an operator endpoint uses answer as Mesos's.
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import protobuf from 'protobufjs';
import {
  jsonToProtobuf,
  type ProtobufMessage,
  protobufToJson,
  protobufType,
} from '../../../../src/runtime/live/protobuf/codec.js';
import { decodeBody, encodeBody } from '../../../../src/runtime/live/protobuf/content-types.js';
import { canonicalJson } from './json-shapes.js';
import { typedMessageOf } from './schema-arbitrary.js';

const CASES: readonly [ProtobufMessage, readonly string[]][] = [
  [
    'mesos.v1.master.Response',
    [
      'GET_HEALTH',
      'GET_FLAGS',
      'GET_VERSION',
      'GET_METRICS',
      'GET_LOGGING_LEVEL',
      'GET_STATE',
      'GET_AGENTS',
      'GET_FRAMEWORKS',
      'GET_EXECUTORS',
      'GET_TASKS',
      'GET_ROLES',
      'GET_WEIGHTS',
      'GET_MASTER',
      'GET_QUOTA',
      'GET_MAINTENANCE_STATUS',
    ],
  ],
  [
    'mesos.v1.master.Event',
    [
      'SUBSCRIBED',
      'TASK_ADDED',
      'TASK_UPDATED',
      'AGENT_ADDED',
      'AGENT_REMOVED',
      'FRAMEWORK_ADDED',
      'FRAMEWORK_UPDATED',
      'FRAMEWORK_REMOVED',
      'HEARTBEAT',
    ],
  ],
  [
    'mesos.v1.master.Call',
    [
      'GET_HEALTH',
      'GET_METRICS',
      'GET_STATE',
      'UPDATE_WEIGHTS',
      'UPDATE_QUOTA',
      'RESERVE_RESOURCES',
      'UNRESERVE_RESOURCES',
      'MARK_AGENT_GONE',
      'SUBSCRIBE',
    ],
  ],
  [
    'mesos.v1.agent.Response',
    [
      'GET_HEALTH',
      'GET_FLAGS',
      'GET_VERSION',
      'GET_METRICS',
      'GET_STATE',
      'GET_CONTAINERS',
      'GET_FRAMEWORKS',
      'GET_EXECUTORS',
      'GET_TASKS',
      'GET_AGENT',
      'LIST_FILES',
      'READ_FILE',
    ],
  ],
  ['mesos.v1.agent.Call', ['GET_HEALTH', 'GET_METRICS', 'GET_CONTAINERS', 'LIST_FILES', 'READ_FILE']],
];

for (const [message, names] of CASES) {
  const type = protobufType(message);
  for (const name of names) {
    // Every name is one of the message's types (a typo here would test nothing).
    test(`${message} ${name} is a type of the message`, (t) => {
      const types = type.fields.type?.resolvedType;
      t.true(types instanceof protobuf.Enum && name in types.values);
    });
    testProp(
      `${message} ${name} survives JSON → protobuf → JSON`,
      [typedMessageOf(type, name)],
      (t, json) => {
        const bytes = jsonToProtobuf(message, json);
        if (!bytes.ok) return t.fail(bytes.error);
        const back = protobufToJson(message, bytes.value);
        if (!back.ok) return t.fail(back.error);
        t.deepEqual(back.value, canonicalJson(type, json));
      },
      { numRuns: 40 },
    );
  }
}

test('an operator endpoint reads JSON and protobuf calls, and answers in what Accept allows', (t) => {
  const call = { type: 'GET_METRICS', get_metrics: { timeout: { nanoseconds: 5_000_000_000 } } };
  const bytes = jsonToProtobuf('mesos.v1.master.Call', call);
  if (!bytes.ok) return t.fail(bytes.error);
  t.deepEqual(decodeBody('application/x-protobuf', bytes.value, 'mesos.v1.master.Call'), {
    ok: true,
    value: call,
  });
  t.deepEqual(decodeBody('application/json', Buffer.from(JSON.stringify(call)), 'mesos.v1.master.Call'), {
    ok: true,
    value: call,
  });
  t.deepEqual(decodeBody(undefined, bytes.value, 'mesos.v1.master.Call'), {
    ok: false,
    error: { status: 400, message: "Expecting 'Content-Type' to be present" },
  });
  t.deepEqual(decodeBody('text/plain', bytes.value, 'mesos.v1.master.Call'), {
    ok: false,
    error: {
      status: 415,
      message:
        "Expecting 'Content-Type' of application/json or application/x-protobuf, received 'text/plain'",
    },
  });
  t.like(decodeBody('application/x-protobuf', Uint8Array.of(0x0a, 0x05), 'mesos.v1.master.Call'), {
    ok: false,
    error: { status: 400 },
  });

  const response = { type: 'GET_HEALTH', get_health: { healthy: true } };
  const json = encodeBody(undefined, response, 'mesos.v1.master.Response');
  t.true(json.ok && json.value.contentType === 'application/json');
  const proto = encodeBody('application/x-protobuf', response, 'mesos.v1.master.Response');
  if (!proto.ok) return t.fail(proto.error.message);
  t.is(proto.value.contentType, 'application/x-protobuf');
  t.deepEqual(protobufToJson('mesos.v1.master.Response', proto.value.bytes), { ok: true, value: response });
  t.deepEqual(encodeBody('text/html', response, 'mesos.v1.master.Response'), {
    ok: false,
    error: {
      status: 406,
      message: "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'",
    },
  });
});

test('the round-trip check sees a field lost on the way (planted: a field the schema lacks)', (t) => {
  const type = protobufType('mesos.v1.master.Response');
  const json = { type: 'GET_HEALTH', get_health: { healthy: true }, not_in_mesos: 1 };
  const bytes = jsonToProtobuf('mesos.v1.master.Response', json);
  if (!bytes.ok) return t.fail(bytes.error);
  const back = protobufToJson('mesos.v1.master.Response', bytes.value);
  t.notDeepEqual(back.ok ? back.value : undefined, canonicalJson(type, json));
});

test('the schema arbitrary draws deep values (a GET_STATE response holds tasks, agents, frameworks)', (t) => {
  const type = protobufType('mesos.v1.master.Response');
  const samples = fc.sample(typedMessageOf(type, 'GET_STATE'), { numRuns: 40, seed: 7 });
  const text = samples.map((s) => JSON.stringify(s)).join('');
  for (const key of ['get_tasks', 'get_agents', 'get_frameworks', 'resources', 'task_id']) {
    t.true(text.includes(`"${key}"`), key);
  }
});
