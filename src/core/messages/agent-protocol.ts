/**
 * The internal protocol between the master and its agents, modelled on Mesos's v0 libprocess
 * messages (src/messages/messages.proto) as one union on `type`. Names follow the v1 convention
 * (`agent`/`agent_id` where v0 says `slave`/`slave_id`); each message maps to its v0 original:
 *
 * | type                            | Mesos message                        | direction                |
 * |---------------------------------|--------------------------------------|--------------------------|
 * | `REGISTER_AGENT`                | RegisterSlaveMessage                 | agent → master           |
 * | `REREGISTER_AGENT`              | ReregisterSlaveMessage               | agent → master           |
 * | `AGENT_REGISTERED`              | SlaveRegisteredMessage               | master → agent           |
 * | `AGENT_REREGISTERED`            | SlaveReregisteredMessage             | master → agent           |
 * | `UNREGISTER_AGENT`              | UnregisterSlaveMessage               | agent → master           |
 * | `PING_AGENT` / `PONG_AGENT`     | PingSlaveMessage / PongSlaveMessage  | master → agent → master  |
 * | `RUN_TASK`                      | RunTaskMessage                       | master → agent           |
 * | `RUN_TASK_GROUP`                | RunTaskGroupMessage                  | master → agent           |
 * | `KILL_TASK`                     | KillTaskMessage                      | master → agent           |
 * | `STATUS_UPDATE`                 | StatusUpdateMessage                  | agent → master           |
 * | `STATUS_UPDATE_ACKNOWLEDGEMENT` | StatusUpdateAcknowledgementMessage   | master → agent           |
 * | `RECONCILE_TASKS`               | ReconcileTasksMessage                | master → agent           |
 * | `SHUTDOWN_FRAMEWORK`            | ShutdownFrameworkMessage             | master → agent           |
 * | `SHUTDOWN_EXECUTOR`             | ShutdownExecutorMessage              | master → agent           |
 * | `EXITED_EXECUTOR`               | ExitedExecutorMessage                | agent → master           |
 * | `UPDATE_FRAMEWORK`              | UpdateFrameworkMessage               | master → agent           |
 * | `FRAMEWORK_TO_EXECUTOR`         | FrameworkToExecutorMessage           | master → agent           |
 * | `EXECUTOR_TO_FRAMEWORK`         | ExecutorToFrameworkMessage           | agent → master           |
 * | `SHUTDOWN_AGENT`                | ShutdownMessage                      | master → agent           |
 *
 * Left out as libprocess details: framework and executor `pid`s (our executors talk to the
 * scheduler only through the master), resource version uuids and operation feedback.
 */
import { bytes, uuidBytes } from './base64.js';
import type { Capability } from './capabilities.js';
import { type AgentCapability, type AgentInfo, agentCapabilities, agentInfo } from './cluster-info.js';
import { type KillPolicy, killPolicy } from './common.js';
import {
  arrayOf,
  bool,
  type Decoded,
  type Decoder,
  double,
  fieldPath,
  int32,
  literal,
  opt,
  optEnum,
  refine,
  req,
  str,
  struct,
  unionOf,
} from './decode-helpers.js';
import { type FrameworkInfo, frameworkInfo } from './framework-info.js';
import {
  type AgentID,
  agentId,
  type ExecutorID,
  executorId,
  type FrameworkID,
  frameworkId,
  type TaskID,
  taskId,
} from './ids.js';
import { type JsonValue, toJsonValue } from './json-value.js';
import { type ResourceJson, resourceJsonList } from './resources-json.js';
import { type Task, task } from './task.js';
import {
  type ExecutorInfo,
  executorInfo,
  type TaskGroupInfo,
  type TaskInfo,
  taskGroupInfo,
  taskInfo,
} from './task-info.js';
import { TASK_STATES, type TaskState } from './task-state.js';
import { type TaskStatus, taskStatus } from './task-status.js';

/**
 * A status update on its way from the agent to the scheduler (Mesos's internal `StatusUpdate`).
 * `uuid` (base64 of 16 bytes) identifies it for acknowledgement; the agent sets the same value
 * in `status.uuid`. `timestamp` is in seconds since the epoch.
 */
export interface StatusUpdate {
  readonly framework_id: FrameworkID;
  readonly executor_id?: ExecutorID;
  readonly agent_id: AgentID;
  readonly status: TaskStatus;
  readonly timestamp: number;
  readonly uuid: string;
}

/** Settings of the master–agent connection (`MasterSlaveConnection`). */
export interface MasterAgentConnection {
  /** `max_agent_ping_timeouts × agent_ping_timeout`: silence after which the agent is removed. */
  readonly total_ping_timeout_seconds?: number;
}

/**
 * The master's view of some of a framework's tasks, for the agent to check (`ReconcileTasksMessage`
 * as sent to agents): the agent answers TASK_DROPPED for tasks it does not know.
 */
export interface ReconcileTasks {
  readonly framework_id: FrameworkID;
  readonly statuses?: readonly TaskStatus[];
  readonly framework?: FrameworkInfo;
}

/** A message of the master–agent protocol (see the module comment for each type's origin). */
export type AgentMessage =
  | {
      readonly type: 'REGISTER_AGENT';
      readonly agent: AgentInfo;
      readonly checkpointed_resources?: readonly ResourceJson[];
      readonly version?: string;
      readonly agent_capabilities?: readonly Capability<AgentCapability>[];
    }
  | {
      readonly type: 'REREGISTER_AGENT';
      readonly agent: AgentInfo;
      readonly checkpointed_resources?: readonly ResourceJson[];
      readonly executor_infos?: readonly ExecutorInfo[];
      readonly tasks?: readonly Task[];
      readonly frameworks?: readonly FrameworkInfo[];
      readonly version?: string;
      readonly agent_capabilities?: readonly Capability<AgentCapability>[];
    }
  | {
      readonly type: 'AGENT_REGISTERED';
      readonly agent_id: AgentID;
      readonly connection?: MasterAgentConnection;
    }
  | {
      readonly type: 'AGENT_REREGISTERED';
      readonly agent_id: AgentID;
      readonly reconciliations?: readonly ReconcileTasks[];
      readonly connection?: MasterAgentConnection;
    }
  | { readonly type: 'UNREGISTER_AGENT'; readonly agent_id: AgentID }
  | { readonly type: 'PING_AGENT'; readonly connected: boolean }
  | { readonly type: 'PONG_AGENT' }
  | {
      readonly type: 'RUN_TASK';
      readonly framework: FrameworkInfo;
      readonly task: TaskInfo;
      /** Since Mesos 1.5 always set: whether the agent should start the task's executor. */
      readonly launch_executor?: boolean;
    }
  | {
      readonly type: 'RUN_TASK_GROUP';
      readonly framework: FrameworkInfo;
      readonly executor: ExecutorInfo;
      readonly task_group: TaskGroupInfo;
      readonly launch_executor?: boolean;
    }
  | {
      readonly type: 'KILL_TASK';
      readonly framework_id: FrameworkID;
      readonly task_id: TaskID;
      readonly kill_policy?: KillPolicy;
    }
  | {
      readonly type: 'STATUS_UPDATE';
      readonly update: StatusUpdate;
      /**
       * The task's newest state on the agent, when `update` is an older queued one: lets the
       * master free the resources of a task that has already ended (src/slave/slave.cpp; Mesos
       * keeps it inside `StatusUpdate`).
       */
      readonly latest_state?: TaskState;
    }
  | {
      readonly type: 'STATUS_UPDATE_ACKNOWLEDGEMENT';
      readonly agent_id: AgentID;
      readonly framework_id: FrameworkID;
      readonly task_id: TaskID;
      readonly uuid: string;
    }
  | {
      readonly type: 'RECONCILE_TASKS';
      readonly framework_id: FrameworkID;
      readonly statuses?: readonly TaskStatus[];
      readonly framework?: FrameworkInfo;
    }
  | { readonly type: 'SHUTDOWN_FRAMEWORK'; readonly framework_id: FrameworkID }
  | {
      readonly type: 'SHUTDOWN_EXECUTOR';
      readonly executor_id: ExecutorID;
      readonly framework_id: FrameworkID;
    }
  | {
      readonly type: 'EXITED_EXECUTOR';
      readonly agent_id: AgentID;
      readonly framework_id: FrameworkID;
      readonly executor_id: ExecutorID;
      /** waitpid-style termination status. */
      readonly status: number;
    }
  | {
      readonly type: 'UPDATE_FRAMEWORK';
      readonly framework_id: FrameworkID;
      readonly framework_info?: FrameworkInfo;
    }
  | {
      readonly type: 'FRAMEWORK_TO_EXECUTOR';
      readonly agent_id: AgentID;
      readonly framework_id: FrameworkID;
      readonly executor_id: ExecutorID;
      readonly data: string;
    }
  | {
      readonly type: 'EXECUTOR_TO_FRAMEWORK';
      readonly agent_id: AgentID;
      readonly framework_id: FrameworkID;
      readonly executor_id: ExecutorID;
      readonly data: string;
    }
  | { readonly type: 'SHUTDOWN_AGENT'; readonly message?: string }
  | {
      /**
       * Mesos `CheckpointResourcesMessage`: the agent's dynamic reservations and persistent
       * volumes, all of them, to keep in its checkpoint and report when it (re)registers.
       */
      readonly type: 'CHECKPOINT_RESOURCES';
      readonly resources?: readonly ResourceJson[];
    };

/** The type of an {@link AgentMessage}. */
export type AgentMessageType = AgentMessage['type'];

/**
 * Who sends each message type: every type says (the `satisfies` makes a new type name its
 * sender), so the master and the agent can each ignore the other's messages before an
 * exhaustive switch over their own.
 */
const SENDERS = {
  REGISTER_AGENT: 'agent',
  REREGISTER_AGENT: 'agent',
  AGENT_REGISTERED: 'master',
  AGENT_REREGISTERED: 'master',
  UNREGISTER_AGENT: 'agent',
  PING_AGENT: 'master',
  PONG_AGENT: 'agent',
  RUN_TASK: 'master',
  RUN_TASK_GROUP: 'master',
  KILL_TASK: 'master',
  STATUS_UPDATE: 'agent',
  STATUS_UPDATE_ACKNOWLEDGEMENT: 'master',
  RECONCILE_TASKS: 'master',
  SHUTDOWN_FRAMEWORK: 'master',
  SHUTDOWN_EXECUTOR: 'master',
  EXITED_EXECUTOR: 'agent',
  UPDATE_FRAMEWORK: 'master',
  FRAMEWORK_TO_EXECUTOR: 'master',
  EXECUTOR_TO_FRAMEWORK: 'agent',
  SHUTDOWN_AGENT: 'master',
  CHECKPOINT_RESOURCES: 'master',
} as const satisfies Readonly<Record<AgentMessageType, 'agent' | 'master'>>;

type SentBy<S extends 'agent' | 'master'> = {
  [T in AgentMessageType]: (typeof SENDERS)[T] extends S ? T : never;
}[AgentMessageType];

/** A message an agent sends to the master. */
export type AgentToMasterMessage = Extract<AgentMessage, { readonly type: SentBy<'agent'> }>;

/** A message the master sends to an agent. */
export type MasterToAgentMessage = Extract<AgentMessage, { readonly type: SentBy<'master'> }>;

/** Whether an agent sends `message` (to the master). */
export function sentByAgent(message: AgentMessage): message is AgentToMasterMessage {
  return SENDERS[message.type] === 'agent';
}

/** Whether the master sends `message` (to an agent). */
export function sentByMaster(message: AgentMessage): message is MasterToAgentMessage {
  return SENDERS[message.type] === 'master';
}

const connection = struct({ total_ping_timeout_seconds: opt(double) });
const reconcileTasks = struct({
  framework_id: req(frameworkId),
  statuses: opt(arrayOf(taskStatus)),
  framework: opt(frameworkInfo),
});

const statusUpdate: Decoder<StatusUpdate> = refine(
  struct({
    framework_id: req(frameworkId),
    executor_id: opt(executorId),
    agent_id: req(agentId),
    status: req(taskStatus),
    timestamp: req(double),
    uuid: req(uuidBytes),
  }),
  (u, path) =>
    u.status.uuid === undefined || u.status.uuid === u.uuid
      ? undefined
      : { path: fieldPath(fieldPath(path, 'status'), 'uuid'), message: "differs from the update's 'uuid'" },
);

/** The fields of messages that name an executor of a framework on an agent. */
const executorMessage = {
  agent_id: req(agentId),
  framework_id: req(frameworkId),
  executor_id: req(executorId),
} as const;

const agentMessageDecoder: Decoder<AgentMessage> = unionOf<AgentMessage>('agent message', {
  REGISTER_AGENT: struct({
    type: req(literal('REGISTER_AGENT')),
    agent: req(agentInfo),
    checkpointed_resources: opt(resourceJsonList),
    version: opt(str),
    agent_capabilities: opt(agentCapabilities),
  }),
  REREGISTER_AGENT: struct({
    type: req(literal('REREGISTER_AGENT')),
    agent: req(agentInfo),
    checkpointed_resources: opt(resourceJsonList),
    executor_infos: opt(arrayOf(executorInfo)),
    tasks: opt(arrayOf(task)),
    frameworks: opt(arrayOf(frameworkInfo)),
    version: opt(str),
    agent_capabilities: opt(agentCapabilities),
  }),
  AGENT_REGISTERED: struct({
    type: req(literal('AGENT_REGISTERED')),
    agent_id: req(agentId),
    connection: opt(connection),
  }),
  AGENT_REREGISTERED: struct({
    type: req(literal('AGENT_REREGISTERED')),
    agent_id: req(agentId),
    reconciliations: opt(arrayOf(reconcileTasks)),
    connection: opt(connection),
  }),
  UNREGISTER_AGENT: struct({ type: req(literal('UNREGISTER_AGENT')), agent_id: req(agentId) }),
  PING_AGENT: struct({ type: req(literal('PING_AGENT')), connected: req(bool) }),
  PONG_AGENT: struct({ type: req(literal('PONG_AGENT')) }),
  RUN_TASK: struct({
    type: req(literal('RUN_TASK')),
    framework: req(frameworkInfo),
    task: req(taskInfo),
    launch_executor: opt(bool),
  }),
  RUN_TASK_GROUP: struct({
    type: req(literal('RUN_TASK_GROUP')),
    framework: req(frameworkInfo),
    executor: req(executorInfo),
    task_group: req(taskGroupInfo),
    launch_executor: opt(bool),
  }),
  KILL_TASK: struct({
    type: req(literal('KILL_TASK')),
    framework_id: req(frameworkId),
    task_id: req(taskId),
    kill_policy: opt(killPolicy),
  }),
  STATUS_UPDATE: struct({
    type: req(literal('STATUS_UPDATE')),
    update: req(statusUpdate),
    latest_state: optEnum(TASK_STATES, 'task state'),
  }),
  STATUS_UPDATE_ACKNOWLEDGEMENT: struct({
    type: req(literal('STATUS_UPDATE_ACKNOWLEDGEMENT')),
    agent_id: req(agentId),
    framework_id: req(frameworkId),
    task_id: req(taskId),
    uuid: req(uuidBytes),
  }),
  RECONCILE_TASKS: struct({
    type: req(literal('RECONCILE_TASKS')),
    framework_id: req(frameworkId),
    statuses: opt(arrayOf(taskStatus)),
    framework: opt(frameworkInfo),
  }),
  SHUTDOWN_FRAMEWORK: struct({ type: req(literal('SHUTDOWN_FRAMEWORK')), framework_id: req(frameworkId) }),
  SHUTDOWN_EXECUTOR: struct({
    type: req(literal('SHUTDOWN_EXECUTOR')),
    executor_id: req(executorId),
    framework_id: req(frameworkId),
  }),
  EXITED_EXECUTOR: struct({ type: req(literal('EXITED_EXECUTOR')), ...executorMessage, status: req(int32) }),
  UPDATE_FRAMEWORK: struct({
    type: req(literal('UPDATE_FRAMEWORK')),
    framework_id: req(frameworkId),
    framework_info: opt(frameworkInfo),
  }),
  FRAMEWORK_TO_EXECUTOR: struct({
    type: req(literal('FRAMEWORK_TO_EXECUTOR')),
    ...executorMessage,
    data: req(bytes),
  }),
  EXECUTOR_TO_FRAMEWORK: struct({
    type: req(literal('EXECUTOR_TO_FRAMEWORK')),
    ...executorMessage,
    data: req(bytes),
  }),
  SHUTDOWN_AGENT: struct({ type: req(literal('SHUTDOWN_AGENT')), message: opt(str) }),
  CHECKPOINT_RESOURCES: struct({
    type: req(literal('CHECKPOINT_RESOURCES')),
    resources: opt(resourceJsonList),
  }),
});

/** Decodes a master–agent message from parsed JSON (or from a simulated network's payload). */
export function decodeAgentMessage(json: unknown): Decoded<AgentMessage> {
  return agentMessageDecoder(json, '');
}

/** The JSON form of a master–agent message. */
export function encodeAgentMessage(message: AgentMessage): JsonValue {
  return toJsonValue(message);
}
