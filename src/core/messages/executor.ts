/**
 * The v1 executor API between an executor and its agent (include/mesos/v1/executor/executor.proto):
 * calls, executor → agent, and events, agent → executor, each a union on `type`.
 *
 * {@link decodeExecutorCall} applies Mesos's executor call validation
 * (src/common/validation.cpp `executor::call::validate`): `executor_id` and `framework_id` are
 * required; SUBSCRIBE, UPDATE and MESSAGE need their bodies; an UPDATE's status must carry a
 * 16-byte `uuid` (the executor generates it), come from `SOURCE_EXECUTOR`, name the calling
 * executor if it names one, and must not be TASK_STAGING.
 */
import { bytes, uuidBytes } from './base64.js';
import { type AgentInfo, agentInfo } from './cluster-info.js';
import { type KillPolicy, killPolicy } from './common.js';
import {
  arrayOf,
  type Decoded,
  type DecodeError,
  type Decoder,
  fieldPath,
  literal,
  opt,
  refine,
  req,
  str,
  struct,
  unionOf,
} from './decode-helpers.js';
import { type FrameworkInfo, frameworkInfo } from './framework-info.js';
import {
  type ContainerID,
  containerId,
  type ExecutorID,
  executorId,
  type FrameworkID,
  frameworkId,
  type TaskID,
  taskId,
} from './ids.js';
import { type JsonValue, toJsonValue } from './json-value.js';
import {
  type ExecutorInfo,
  executorInfo,
  type TaskGroupInfo,
  type TaskInfo,
  taskGroupInfo,
  taskInfo,
} from './task-info.js';
import { type TaskStatus, taskStatus } from './task-status.js';

/** An executor's status update (`Call.Update`). */
export interface ExecutorUpdate {
  readonly status: TaskStatus;
}

/**
 * SUBSCRIBE: sent on (re)connection; lists the tasks the agent has not acknowledged any update
 * for, and the updates it has not acknowledged, so that nothing is lost across a disconnection.
 */
export interface ExecutorSubscribe {
  readonly unacknowledged_tasks?: readonly TaskInfo[];
  readonly unacknowledged_updates?: readonly ExecutorUpdate[];
}

/** Fields every executor call carries. */
interface ExecutorCallBase {
  readonly executor_id: ExecutorID;
  readonly framework_id: FrameworkID;
}

/** A v1 executor call. */
export type ExecutorCall =
  | (ExecutorCallBase & { readonly type: 'SUBSCRIBE'; readonly subscribe: ExecutorSubscribe })
  | (ExecutorCallBase & { readonly type: 'UPDATE'; readonly update: ExecutorUpdate })
  | (ExecutorCallBase & { readonly type: 'MESSAGE'; readonly message: { readonly data: string } })
  | (ExecutorCallBase & { readonly type: 'HEARTBEAT' });

/** The type of an {@link ExecutorCall}. */
export type ExecutorCallType = ExecutorCall['type'];

const update = struct({ status: req(taskStatus) });

type UpdateCall = Extract<ExecutorCall, { type: 'UPDATE' }>;

/** The checks of `executor::call::validate` on an UPDATE's status, in Mesos's order. */
function updateProblem(call: UpdateCall, path: string): DecodeError | undefined {
  const status = call.update.status;
  const at = fieldPath(fieldPath(path, 'update'), 'status');
  if (status.uuid === undefined) return { path: fieldPath(at, 'uuid'), message: 'is required' };
  const uuid = uuidBytes(status.uuid, fieldPath(at, 'uuid'));
  if (!uuid.ok) return uuid.error;
  if (status.executor_id !== undefined && status.executor_id.value !== call.executor_id.value) {
    return { path: fieldPath(at, 'executor_id'), message: "differs from the call's 'executor_id'" };
  }
  if (status.source !== 'SOURCE_EXECUTOR') {
    return { path: fieldPath(at, 'source'), message: 'expected "SOURCE_EXECUTOR"' };
  }
  if (status.state === 'TASK_STAGING') {
    return { path: fieldPath(at, 'state'), message: 'TASK_STAGING may not be sent by an executor' };
  }
  return undefined;
}

const updateCall: Decoder<UpdateCall> = refine(
  struct({
    type: req(literal('UPDATE')),
    executor_id: req(executorId),
    framework_id: req(frameworkId),
    update: req(update),
  }),
  updateProblem,
);

const executorCallDecoder: Decoder<ExecutorCall> = unionOf<ExecutorCall>('executor call', {
  SUBSCRIBE: struct({
    type: req(literal('SUBSCRIBE')),
    executor_id: req(executorId),
    framework_id: req(frameworkId),
    subscribe: req(
      struct({ unacknowledged_tasks: opt(arrayOf(taskInfo)), unacknowledged_updates: opt(arrayOf(update)) }),
    ),
  }),
  UPDATE: updateCall,
  MESSAGE: struct({
    type: req(literal('MESSAGE')),
    executor_id: req(executorId),
    framework_id: req(frameworkId),
    message: req(struct({ data: req(bytes) })),
  }),
  HEARTBEAT: struct({
    type: req(literal('HEARTBEAT')),
    executor_id: req(executorId),
    framework_id: req(frameworkId),
  }),
});

/** Decodes and validates an executor call from parsed JSON. */
export function decodeExecutorCall(json: unknown): Decoded<ExecutorCall> {
  return executorCallDecoder(json, '');
}

/** The JSON form of an executor call. */
export function encodeExecutorCall(call: ExecutorCall): JsonValue {
  return toJsonValue(call);
}

/** SUBSCRIBED: the executor's, its framework's and its agent's descriptions. */
export interface ExecutorSubscribed {
  readonly executor_info: ExecutorInfo;
  readonly framework_info: FrameworkInfo;
  readonly agent_info: AgentInfo;
  readonly container_id?: ContainerID;
}

/**
 * A v1 executor event. After LAUNCH the executor must send an update (TASK_RUNNING or a failure);
 * after KILL, a terminal one; ACKNOWLEDGED means the agent has the update (`uuid`) and the
 * executor can stop retrying it; on SHUTDOWN it kills every task and exits within its grace period.
 */
export type ExecutorEvent =
  | { readonly type: 'SUBSCRIBED'; readonly subscribed: ExecutorSubscribed }
  | { readonly type: 'LAUNCH'; readonly launch: { readonly task: TaskInfo } }
  | { readonly type: 'LAUNCH_GROUP'; readonly launch_group: { readonly task_group: TaskGroupInfo } }
  | { readonly type: 'KILL'; readonly kill: { readonly task_id: TaskID; readonly kill_policy?: KillPolicy } }
  | {
      readonly type: 'ACKNOWLEDGED';
      readonly acknowledged: { readonly task_id: TaskID; readonly uuid: string };
    }
  | { readonly type: 'MESSAGE'; readonly message: { readonly data: string } }
  | { readonly type: 'ERROR'; readonly error: { readonly message: string } }
  | { readonly type: 'SHUTDOWN' }
  | { readonly type: 'HEARTBEAT' };

/** The type of an {@link ExecutorEvent}. */
export type ExecutorEventType = ExecutorEvent['type'];

const executorEventDecoder: Decoder<ExecutorEvent> = unionOf<ExecutorEvent>('executor event', {
  SUBSCRIBED: struct({
    type: req(literal('SUBSCRIBED')),
    subscribed: req(
      struct({
        executor_info: req(executorInfo),
        framework_info: req(frameworkInfo),
        agent_info: req(agentInfo),
        container_id: opt(containerId),
      }),
    ),
  }),
  LAUNCH: struct({ type: req(literal('LAUNCH')), launch: req(struct({ task: req(taskInfo) })) }),
  LAUNCH_GROUP: struct({
    type: req(literal('LAUNCH_GROUP')),
    launch_group: req(struct({ task_group: req(taskGroupInfo) })),
  }),
  KILL: struct({
    type: req(literal('KILL')),
    kill: req(struct({ task_id: req(taskId), kill_policy: opt(killPolicy) })),
  }),
  ACKNOWLEDGED: struct({
    type: req(literal('ACKNOWLEDGED')),
    acknowledged: req(struct({ task_id: req(taskId), uuid: req(bytes) })),
  }),
  MESSAGE: struct({ type: req(literal('MESSAGE')), message: req(struct({ data: req(bytes) })) }),
  ERROR: struct({ type: req(literal('ERROR')), error: req(struct({ message: req(str) })) }),
  SHUTDOWN: struct({ type: req(literal('SHUTDOWN')) }),
  HEARTBEAT: struct({ type: req(literal('HEARTBEAT')) }),
});

/** Decodes an executor event from parsed JSON. */
export function decodeExecutorEvent(json: unknown): Decoded<ExecutorEvent> {
  return executorEventDecoder(json, '');
}

/** The JSON form of an executor event. */
export function encodeExecutorEvent(event: ExecutorEvent): JsonValue {
  return toJsonValue(event);
}
