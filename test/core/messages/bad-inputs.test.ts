/**
 * A table of bad messages and the exact error each must give: the path of the offending field and
 * the message. These are what an HTTP 400 will tell a scheduler, so they are pinned exactly.
 */
import test from 'ava';
import { decodeAgentMessage } from '../../../src/core/messages/agent-protocol.js';
import type { Decoded } from '../../../src/core/messages/decode-helpers.js';
import { decodeExecutorCall } from '../../../src/core/messages/executor.js';
import { decodeCall } from '../../../src/core/messages/scheduler-call.js';
import { decodeEvent } from '../../../src/core/messages/scheduler-event.js';

const rejects = test.macro<
  [decode: (json: unknown) => Decoded<unknown>, json: unknown, path: string, message: string]
>({
  exec(t, decode, json, path, message) {
    t.deepEqual(decode(json), { ok: false, error: { path, message } });
  },
  title: (name = '', _decode, _json, path: string, message: string) =>
    `${name}: ${path === '' ? '' : `${path}: `}${message}`,
});

const F = { value: 'fw' };
const UUID16 = 'AAECAwQFBgcICQoLDA0ODw=='; // bytes 0..15
const task = { name: 't', task_id: { value: 't1' }, agent_id: { value: 'a1' } };

/** An ACCEPT launching `taskInfo`. */
function launch(taskInfo: unknown): unknown {
  return {
    type: 'ACCEPT',
    framework_id: F,
    accept: {
      offer_ids: [{ value: 'o1' }],
      operations: [{ type: 'LAUNCH', launch: { task_infos: [taskInfo] } }],
    },
  };
}
const TASK = 'accept.operations[0].launch.task_infos[0]';

/** An ACCEPT launching a task with one resource `r`. */
function withResource(r: unknown): unknown {
  return launch({ ...task, resources: [r] });
}

// --- Scheduler calls: the envelope -----------------------------------------------------------
test('not an object', rejects, decodeCall, 42, '', 'expected object');
test('an array', rejects, decodeCall, [], '', 'expected object');
test('null', rejects, decodeCall, null, '', 'expected object');
test('no type', rejects, decodeCall, {}, 'type', 'is required');
test('null type', rejects, decodeCall, { type: null }, 'type', 'is required');
test(
  'enum number for type (stout takes names only)',
  rejects,
  decodeCall,
  { type: 3 },
  'type',
  'expected string',
);
test('unknown call type', rejects, decodeCall, { type: 'FOO' }, 'type', 'unknown call type "FOO"');
test(
  'UNKNOWN call type',
  rejects,
  decodeCall,
  { type: 'UNKNOWN', framework_id: F },
  'type',
  'unknown call type "UNKNOWN"',
);
test(
  'type named like an Object.prototype property',
  rejects,
  decodeCall,
  { type: 'constructor' },
  'type',
  'unknown call type "constructor"',
);
test(
  'lowercase type',
  rejects,
  decodeCall,
  { type: 'teardown', framework_id: F },
  'type',
  'unknown call type "teardown"',
);
test(
  'a long unknown type is cut short in the message',
  rejects,
  decodeCall,
  { type: 'X'.repeat(100) },
  'type',
  `unknown call type "${'X'.repeat(64)}…"`,
);
test(
  'TEARDOWN without framework_id',
  rejects,
  decodeCall,
  { type: 'TEARDOWN' },
  'framework_id',
  'is required',
);
test(
  'framework_id not an object',
  rejects,
  decodeCall,
  { type: 'TEARDOWN', framework_id: 'fw' },
  'framework_id',
  'expected object',
);
test(
  'framework_id without value',
  rejects,
  decodeCall,
  { type: 'TEARDOWN', framework_id: {} },
  'framework_id.value',
  'is required',
);
test(
  'an id longer than 255 bytes (NAME_MAX)',
  rejects,
  decodeCall,
  { type: 'TEARDOWN', framework_id: { value: 'f'.repeat(256) } },
  'framework_id.value',
  "longer than 255 bytes (ids become directory names; Mesos's limit is NAME_MAX)",
);

// --- Per-type bodies (validation.cpp) --------------------------------------------------------
test(
  'ACCEPT without framework_id (checked before the body)',
  rejects,
  decodeCall,
  { type: 'ACCEPT' },
  'framework_id',
  'is required',
);
test(
  'ACCEPT without accept',
  rejects,
  decodeCall,
  { type: 'ACCEPT', framework_id: F },
  'accept',
  'is required',
);
test(
  'DECLINE without decline',
  rejects,
  decodeCall,
  { type: 'DECLINE', framework_id: F, accept: {} },
  'decline',
  'is required',
);
test('KILL without kill', rejects, decodeCall, { type: 'KILL', framework_id: F }, 'kill', 'is required');
test(
  'SHUTDOWN without shutdown',
  rejects,
  decodeCall,
  { type: 'SHUTDOWN', framework_id: F },
  'shutdown',
  'is required',
);
test(
  'ACKNOWLEDGE without acknowledge',
  rejects,
  decodeCall,
  { type: 'ACKNOWLEDGE', framework_id: F },
  'acknowledge',
  'is required',
);
test(
  'RECONCILE without reconcile',
  rejects,
  decodeCall,
  { type: 'RECONCILE', framework_id: F },
  'reconcile',
  'is required',
);
test(
  'MESSAGE without message',
  rejects,
  decodeCall,
  { type: 'MESSAGE', framework_id: F },
  'message',
  'is required',
);
test(
  'REQUEST without request',
  rejects,
  decodeCall,
  { type: 'REQUEST', framework_id: F },
  'request',
  'is required',
);
test(
  'ACCEPT_INVERSE_OFFERS without its body',
  rejects,
  decodeCall,
  { type: 'ACCEPT_INVERSE_OFFERS', framework_id: F },
  'accept_inverse_offers',
  'is required',
);
test(
  'RECONCILE_OPERATIONS without its body',
  rejects,
  decodeCall,
  { type: 'RECONCILE_OPERATIONS', framework_id: F },
  'reconcile_operations',
  'is required',
);
test('SUBSCRIBE without subscribe', rejects, decodeCall, { type: 'SUBSCRIBE' }, 'subscribe', 'is required');
test(
  'SUBSCRIBE without framework_info',
  rejects,
  decodeCall,
  { type: 'SUBSCRIBE', subscribe: {} },
  'subscribe.framework_info',
  'is required',
);
test(
  'SUBSCRIBE without user',
  rejects,
  decodeCall,
  { type: 'SUBSCRIBE', subscribe: { framework_info: { name: 'n' } } },
  'subscribe.framework_info.user',
  'is required',
);
test(
  'SUBSCRIBE whose framework_id differs from framework_info.id',
  rejects,
  decodeCall,
  {
    type: 'SUBSCRIBE',
    framework_id: F,
    subscribe: { framework_info: { user: 'u', name: 'n', id: { value: 'x' } } },
  },
  'framework_id',
  "differs from 'subscribe.framework_info.id'",
);
test(
  'SUBSCRIBE with framework_id but no framework_info.id',
  rejects,
  decodeCall,
  { type: 'SUBSCRIBE', framework_id: F, subscribe: { framework_info: { user: 'u', name: 'n' } } },
  'framework_id',
  "differs from 'subscribe.framework_info.id'",
);
test(
  'SUBSCRIBE with framework_info.id but no framework_id (Mesos compares both)',
  rejects,
  decodeCall,
  { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n', id: F } } },
  'framework_id',
  "differs from 'subscribe.framework_info.id'",
);
test(
  'UPDATE_FRAMEWORK whose framework_id differs from framework_info.id',
  rejects,
  decodeCall,
  {
    type: 'UPDATE_FRAMEWORK',
    framework_id: F,
    update_framework: { framework_info: { user: 'u', name: 'n' } },
  },
  'framework_id',
  "differs from 'update_framework.framework_info.id'",
);
test(
  'ACKNOWLEDGE uuid that is not base64',
  rejects,
  decodeCall,
  { type: 'ACKNOWLEDGE', framework_id: F, acknowledge: { agent_id: F, task_id: F, uuid: 'not base64!' } },
  'acknowledge.uuid',
  'expected base64',
);
test(
  'ACKNOWLEDGE uuid of 15 bytes',
  rejects,
  decodeCall,
  {
    type: 'ACKNOWLEDGE',
    framework_id: F,
    acknowledge: { agent_id: F, task_id: F, uuid: 'AAECAwQFBgcICQoLDA0O' },
  },
  'acknowledge.uuid',
  'expected a 16-byte UUID, got 15 bytes',
);
test(
  'ACKNOWLEDGE without task_id',
  rejects,
  decodeCall,
  { type: 'ACKNOWLEDGE', framework_id: F, acknowledge: { agent_id: F, uuid: UUID16 } },
  'acknowledge.task_id',
  'is required',
);
test(
  'ACKNOWLEDGE_OPERATION_STATUS without agent_id',
  rejects,
  decodeCall,
  {
    type: 'ACKNOWLEDGE_OPERATION_STATUS',
    framework_id: F,
    acknowledge_operation_status: { uuid: UUID16, operation_id: { value: 'op' } },
  },
  'acknowledge_operation_status.agent_id',
  'is required',
);
test(
  'KILL without task_id',
  rejects,
  decodeCall,
  { type: 'KILL', framework_id: F, kill: { agent_id: F } },
  'kill.task_id',
  'is required',
);
test(
  'SHUTDOWN without agent_id',
  rejects,
  decodeCall,
  { type: 'SHUTDOWN', framework_id: F, shutdown: { executor_id: F } },
  'shutdown.agent_id',
  'is required',
);
test(
  'MESSAGE without data',
  rejects,
  decodeCall,
  { type: 'MESSAGE', framework_id: F, message: { agent_id: F, executor_id: F } },
  'message.data',
  'is required',
);
test(
  'RECONCILE task without task_id',
  rejects,
  decodeCall,
  { type: 'RECONCILE', framework_id: F, reconcile: { tasks: [{ task_id: F }, { agent_id: F }] } },
  'reconcile.tasks[1].task_id',
  'is required',
);
test(
  'REVIVE role that is not a string',
  rejects,
  decodeCall,
  { type: 'REVIVE', framework_id: F, revive: { roles: ['a', 7] } },
  'revive.roles[1]',
  'expected string',
);

// --- ACCEPT bodies -----------------------------------------------------------------------------
test(
  'offer id value of the wrong type',
  rejects,
  decodeCall,
  { type: 'ACCEPT', framework_id: F, accept: { offer_ids: [{ value: 'a' }, { value: 'b' }, { value: 3 }] } },
  'accept.offer_ids[2].value',
  'expected string',
);
test(
  'offer_ids not an array (a bare id is not a list)',
  rejects,
  decodeCall,
  { type: 'ACCEPT', framework_id: F, accept: { offer_ids: { value: 'o1' } } },
  'accept.offer_ids',
  'expected array',
);
test(
  'null offer ids are skipped, but the index in the path stays the original one',
  rejects,
  decodeCall,
  { type: 'ACCEPT', framework_id: F, accept: { offer_ids: [null, {}] } },
  'accept.offer_ids[1].value',
  'is required',
);
test(
  'more offer ids than the limit',
  rejects,
  decodeCall,
  { type: 'ACCEPT', framework_id: F, accept: { offer_ids: new Array(100_001).fill(null) } },
  'accept.offer_ids',
  'more than 100000 items',
);
test(
  'refuse_seconds of the wrong type',
  rejects,
  decodeCall,
  { type: 'ACCEPT', framework_id: F, accept: { filters: { refuse_seconds: true } } },
  'accept.filters.refuse_seconds',
  'expected number',
);
test(
  'an operation without type',
  rejects,
  decodeCall,
  { type: 'ACCEPT', framework_id: F, accept: { operations: [{ launch: {} }] } },
  'accept.operations[0].type',
  'is required',
);
test(
  'an experimental operation type',
  rejects,
  decodeCall,
  { type: 'ACCEPT', framework_id: F, accept: { operations: [{ type: 'GROW_VOLUME', grow_volume: {} }] } },
  'accept.operations[0].type',
  'unknown operation type "GROW_VOLUME"',
);
test(
  'a LAUNCH without its body',
  rejects,
  decodeCall,
  { type: 'ACCEPT', framework_id: F, accept: { operations: [{ type: 'LAUNCH' }] } },
  'accept.operations[0].launch',
  'is required',
);
test(
  'a LAUNCH_GROUP without a task group',
  rejects,
  decodeCall,
  {
    type: 'ACCEPT',
    framework_id: F,
    accept: { operations: [{ type: 'LAUNCH_GROUP', launch_group: { executor: { executor_id: F } } }] },
  },
  'accept.operations[0].launch_group.task_group',
  'is required',
);
test(
  'a task without agent_id',
  rejects,
  decodeCall,
  launch({ name: 't', task_id: F }),
  `${TASK}.agent_id`,
  'is required',
);
test(
  'a task name of the wrong type',
  rejects,
  decodeCall,
  launch({ ...task, name: ['t'] }),
  `${TASK}.name`,
  'expected string',
);
test(
  'a task name longer than 65536 characters',
  rejects,
  decodeCall,
  launch({ ...task, name: 'n'.repeat(65_537) }),
  `${TASK}.name`,
  'longer than 65536 characters',
);
test(
  'task data that is not base64',
  rejects,
  decodeCall,
  launch({ ...task, data: 'a-b' }),
  `${TASK}.data`,
  'expected base64',
);
test(
  'a command whose shell flag is not a boolean',
  rejects,
  decodeCall,
  launch({ ...task, command: { shell: 'yes', value: 'x' } }),
  `${TASK}.command.shell`,
  'expected boolean',
);
test(
  'a limit that is not a number, under a key that needs quoting',
  rejects,
  decodeCall,
  launch({ ...task, limits: { 'a.b': 'lots' } }),
  `${TASK}.limits["a.b"]`,
  'expected number',
);
test(
  'a limit in proto form without its value',
  rejects,
  decodeCall,
  launch({ ...task, limits: { cpus: {} } }),
  `${TASK}.limits.cpus.value`,
  'is required',
);
test(
  'a kill policy grace period that is not an integer',
  rejects,
  decodeCall,
  launch({ ...task, kill_policy: { grace_period: { nanoseconds: 1.5 } } }),
  `${TASK}.kill_policy.grace_period.nanoseconds`,
  'expected integer',
);
test(
  'a TEXT resource (only attributes may be TEXT)',
  rejects,
  decodeCall,
  withResource({ name: 'os', type: 'TEXT', text: { value: 'x' } }),
  `${TASK}.resources[0].type`,
  'unknown resource value type "TEXT"',
);
test(
  'a resource without type',
  rejects,
  decodeCall,
  withResource({ name: 'cpus', scalar: { value: 1 } }),
  `${TASK}.resources[0].type`,
  'is required',
);
test(
  'a scalar that is not a number',
  rejects,
  decodeCall,
  withResource({ name: 'cpus', type: 'SCALAR', scalar: { value: 'one' } }),
  `${TASK}.resources[0].scalar.value`,
  'expected number',
);
test(
  'a negative range bound',
  rejects,
  decodeCall,
  withResource({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: -1, end: 5 }] } }),
  `${TASK}.resources[0].ranges.range[0].begin`,
  'expected integer from 0 to 9007199254740991',
);
test(
  'a range bound beyond 2^53',
  rejects,
  decodeCall,
  withResource({
    name: 'ports',
    type: 'RANGES',
    ranges: { range: [{ begin: 0, end: '18446744073709551615' }] },
  }),
  `${TASK}.resources[0].ranges.range[0].end`,
  'expected integer from 0 to 9007199254740991',
);
test(
  'a set item that is not a string',
  rejects,
  decodeCall,
  withResource({ name: 'bugs', type: 'SET', set: { item: ['a', null, false] } }),
  `${TASK}.resources[0].set.item[2]`,
  'expected string',
);

// --- Scheduler events --------------------------------------------------------------------------
test('unknown event type', rejects, decodeEvent, { type: 'BOGUS' }, 'type', 'unknown event type "BOGUS"');
test(
  'SUBSCRIBED without framework_id',
  rejects,
  decodeEvent,
  { type: 'SUBSCRIBED', subscribed: {} },
  'subscribed.framework_id',
  'is required',
);
test(
  'SUBSCRIBED heartbeat interval as words',
  rejects,
  decodeEvent,
  { type: 'SUBSCRIBED', subscribed: { framework_id: F, heartbeat_interval_seconds: 'fifteen' } },
  'subscribed.heartbeat_interval_seconds',
  'expected number',
);
test(
  'SUBSCRIBED master_info without ip',
  rejects,
  decodeEvent,
  { type: 'SUBSCRIBED', subscribed: { framework_id: F, master_info: { id: 'm', port: 5050 } } },
  'subscribed.master_info.ip',
  'is required',
);
test(
  'an offer without hostname',
  rejects,
  decodeEvent,
  { type: 'OFFERS', offers: { offers: [{ id: F, framework_id: F, agent_id: F }] } },
  'offers.offers[0].hostname',
  'is required',
);
test(
  'an attribute of unknown value type',
  rejects,
  decodeEvent,
  {
    type: 'OFFERS',
    offers: {
      offers: [
        { id: F, framework_id: F, agent_id: F, hostname: 'h', attributes: [{ name: 'a', type: 'BLOB' }] },
      ],
    },
  },
  'offers.offers[0].attributes[0].type',
  'unknown attribute value type "BLOB"',
);
test('RESCIND without rescind', rejects, decodeEvent, { type: 'RESCIND' }, 'rescind', 'is required');
test(
  'UPDATE with an unknown task state (a required enum)',
  rejects,
  decodeEvent,
  { type: 'UPDATE', update: { status: { task_id: F, state: 'TASK_EXPLODED' } } },
  'update.status.state',
  'unknown task state "TASK_EXPLODED"',
);
test(
  'UPDATE with the task state as its enum number',
  rejects,
  decodeEvent,
  { type: 'UPDATE', update: { status: { task_id: F, state: 1 } } },
  'update.status.state',
  'expected string',
);
test(
  'UPDATE whose uuid is not base64',
  rejects,
  decodeEvent,
  { type: 'UPDATE', update: { status: { task_id: F, state: 'TASK_RUNNING', uuid: 'é' } } },
  'update.status.uuid',
  'expected base64',
);
test(
  'FAILURE status beyond int32',
  rejects,
  decodeEvent,
  { type: 'FAILURE', failure: { status: 2 ** 31 } },
  'failure.status',
  'expected integer from -2147483648 to 2147483647',
);
test(
  'FAILURE status that is not whole',
  rejects,
  decodeEvent,
  { type: 'FAILURE', failure: { status: 1.5 } },
  'failure.status',
  'expected integer',
);
test(
  'ERROR without message',
  rejects,
  decodeEvent,
  { type: 'ERROR', error: {} },
  'error.message',
  'is required',
);

// --- Executor calls (src/common/validation.cpp) --------------------------------------------------
const E = { value: 'ex' };
const status = { task_id: F, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', uuid: UUID16 };
function update(s: unknown): unknown {
  return { type: 'UPDATE', executor_id: E, framework_id: F, update: { status: s } };
}

test(
  'executor call without executor_id',
  rejects,
  decodeExecutorCall,
  { type: 'HEARTBEAT', framework_id: F },
  'executor_id',
  'is required',
);
test(
  'executor call without framework_id',
  rejects,
  decodeExecutorCall,
  { type: 'HEARTBEAT', executor_id: E },
  'framework_id',
  'is required',
);
test(
  'executor call of an event type',
  rejects,
  decodeExecutorCall,
  { type: 'LAUNCH', executor_id: E, framework_id: F },
  'type',
  'unknown executor call type "LAUNCH"',
);
test(
  'executor SUBSCRIBE without subscribe',
  rejects,
  decodeExecutorCall,
  { type: 'SUBSCRIBE', executor_id: E, framework_id: F },
  'subscribe',
  'is required',
);
test(
  'executor UPDATE without update',
  rejects,
  decodeExecutorCall,
  { type: 'UPDATE', executor_id: E, framework_id: F },
  'update',
  'is required',
);
test(
  'executor UPDATE without uuid',
  rejects,
  decodeExecutorCall,
  update({ ...status, uuid: undefined }),
  'update.status.uuid',
  'is required',
);
test(
  'executor UPDATE with an 8-byte uuid',
  rejects,
  decodeExecutorCall,
  update({ ...status, uuid: 'AAECAwQFBgc=' }),
  'update.status.uuid',
  'expected a 16-byte UUID, got 8 bytes',
);
test(
  'executor UPDATE naming another executor',
  rejects,
  decodeExecutorCall,
  update({ ...status, executor_id: { value: 'other' } }),
  'update.status.executor_id',
  "differs from the call's 'executor_id'",
);
test(
  'executor UPDATE from the agent',
  rejects,
  decodeExecutorCall,
  update({ ...status, source: 'SOURCE_AGENT' }),
  'update.status.source',
  'expected "SOURCE_EXECUTOR"',
);
test(
  'executor UPDATE without source (Mesos reads it as SOURCE_MASTER)',
  rejects,
  decodeExecutorCall,
  update({ ...status, source: undefined }),
  'update.status.source',
  'expected "SOURCE_EXECUTOR"',
);
test(
  'executor UPDATE with TASK_STAGING',
  rejects,
  decodeExecutorCall,
  update({ ...status, state: 'TASK_STAGING' }),
  'update.status.state',
  'TASK_STAGING may not be sent by an executor',
);
test(
  'executor MESSAGE without data',
  rejects,
  decodeExecutorCall,
  { type: 'MESSAGE', executor_id: E, framework_id: F, message: {} },
  'message.data',
  'is required',
);

// --- Master–agent messages ---------------------------------------------------------------------
const statusUpdate = {
  framework_id: F,
  agent_id: F,
  status: { task_id: F, state: 'TASK_RUNNING' },
  timestamp: 1,
  uuid: UUID16,
};

test(
  'a v0 message name',
  rejects,
  decodeAgentMessage,
  { type: 'REGISTER_SLAVE' },
  'type',
  'unknown agent message type "REGISTER_SLAVE"',
);
test(
  'REGISTER_AGENT without agent',
  rejects,
  decodeAgentMessage,
  { type: 'REGISTER_AGENT' },
  'agent',
  'is required',
);
test(
  'REGISTER_AGENT with a bad resource',
  rejects,
  decodeAgentMessage,
  {
    type: 'REGISTER_AGENT',
    agent: { hostname: 'h', resources: [{ name: 'cpus', type: 'SCALAR', scalar: [] }] },
  },
  'agent.resources[0].scalar',
  'expected object',
);
test(
  'PING_AGENT without connected',
  rejects,
  decodeAgentMessage,
  { type: 'PING_AGENT' },
  'connected',
  'is required',
);
test(
  'PING_AGENT connected as "yes"',
  rejects,
  decodeAgentMessage,
  { type: 'PING_AGENT', connected: 'yes' },
  'connected',
  'expected boolean',
);
test(
  'RUN_TASK with a numeric task id',
  rejects,
  decodeAgentMessage,
  { type: 'RUN_TASK', framework: { user: 'u', name: 'n' }, task: { ...task, task_id: { value: 5 } } },
  'task.task_id.value',
  'expected string',
);
test(
  'STATUS_UPDATE without timestamp',
  rejects,
  decodeAgentMessage,
  { type: 'STATUS_UPDATE', update: { ...statusUpdate, timestamp: null } },
  'update.timestamp',
  'is required',
);
test(
  'STATUS_UPDATE whose uuid is not a UUID',
  rejects,
  decodeAgentMessage,
  { type: 'STATUS_UPDATE', update: { ...statusUpdate, uuid: 'x' } },
  'update.uuid',
  'expected a 16-byte UUID, got 0 bytes',
);
test(
  'STATUS_UPDATE whose status.uuid differs from its uuid',
  rejects,
  decodeAgentMessage,
  {
    type: 'STATUS_UPDATE',
    update: { ...statusUpdate, status: { ...statusUpdate.status, uuid: 'AAAAAAAAAAAAAAAAAAAAAA==' } },
  },
  'update.status.uuid',
  "differs from the update's 'uuid'",
);
test(
  'STATUS_UPDATE_ACKNOWLEDGEMENT without task_id',
  rejects,
  decodeAgentMessage,
  { type: 'STATUS_UPDATE_ACKNOWLEDGEMENT', agent_id: F, framework_id: F, uuid: UUID16 },
  'task_id',
  'is required',
);
test(
  'EXITED_EXECUTOR without status',
  rejects,
  decodeAgentMessage,
  { type: 'EXITED_EXECUTOR', agent_id: F, framework_id: F, executor_id: E },
  'status',
  'is required',
);
test(
  'REREGISTER_AGENT with a task in an unknown state',
  rejects,
  decodeAgentMessage,
  {
    type: 'REREGISTER_AGENT',
    agent: { hostname: 'h' },
    tasks: [{ ...task, framework_id: F, state: 'TASK_SLEEPING' }],
  },
  'tasks[0].state',
  'unknown task state "TASK_SLEEPING"',
);

test('valid counterparts of the table decode', (t) => {
  t.true(decodeCall({ type: 'TEARDOWN', framework_id: F }).ok);
  t.true(decodeCall(launch(task)).ok);
  t.true(decodeExecutorCall(update(status)).ok);
  t.true(decodeAgentMessage({ type: 'STATUS_UPDATE', update: statusUpdate }).ok);
  t.true(decodeAgentMessage({ type: 'PING_AGENT', connected: 'true' }).ok);
});
