/** The status of a task, as carried by status updates (include/mesos/v1/mesos.proto `TaskStatus`). */
import { bytes } from './base64.js';
import { type Labels, labels, type TimeInfo, timeInfo } from './common.js';
import { bool, type Decoder, double, enumOf, opt, optEnum, req, str, struct } from './decode-helpers.js';
import { type AgentID, agentId, type ExecutorID, executorId, type TaskID, taskId } from './ids.js';
import { type ContainerStatus, containerStatus } from './network.js';
import { type ResourceJson, resourceJsonList } from './resources-json.js';
import {
  TASK_STATES,
  TASK_STATUS_REASONS,
  TASK_STATUS_SOURCES,
  type TaskState,
  type TaskStatusReason,
  type TaskStatusSource,
} from './task-state.js';

/** The resources whose limit a task exceeded (`TaskResourceLimitation`). */
export interface TaskResourceLimitation {
  readonly resources?: readonly ResourceJson[];
}

/**
 * The status of a task at some point. Updates that carry a `uuid` (base64 of a 16-byte UUID) are
 * retried by the agent until the scheduler acknowledges them; master-generated ones
 * (reconciliation, agent removal) carry none and must not be acknowledged. `timestamp` is in
 * seconds since the epoch. The agent adds `container_status` to the updates executors send.
 * Not modelled (ignored when received): `check_status`.
 */
export interface TaskStatus {
  readonly task_id: TaskID;
  readonly state: TaskState;
  readonly message?: string;
  readonly source?: TaskStatusSource;
  readonly reason?: TaskStatusReason;
  readonly data?: string;
  readonly agent_id?: AgentID;
  readonly executor_id?: ExecutorID;
  readonly timestamp?: number;
  readonly uuid?: string;
  readonly healthy?: boolean;
  readonly labels?: Labels;
  readonly unreachable_time?: TimeInfo;
  readonly limitation?: TaskResourceLimitation;
  readonly container_status?: ContainerStatus;
}

/** Decodes a {@link TaskState}. */
export const taskState: Decoder<TaskState> = enumOf(TASK_STATES, 'task state');

/** Decodes a {@link TaskStatus}. Unknown `source` and `reason` names are dropped (proto2). */
export const taskStatus: Decoder<TaskStatus> = struct({
  task_id: req(taskId),
  state: req(taskState),
  message: opt(str),
  source: optEnum(TASK_STATUS_SOURCES, 'status source'),
  reason: optEnum(TASK_STATUS_REASONS, 'status reason'),
  data: opt(bytes),
  agent_id: opt(agentId),
  executor_id: opt(executorId),
  timestamp: opt(double),
  uuid: opt(bytes),
  healthy: opt(bool),
  labels: opt(labels),
  unreachable_time: opt(timeInfo),
  limitation: opt(struct({ resources: opt(resourceJsonList) })),
  container_status: opt(containerStatus),
});
