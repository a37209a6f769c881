/**
 * A task as the master and agent track it (include/mesos/v1/mesos.proto `Task`): a `TaskInfo`'s
 * identity plus its framework, executor, agent and state. Agents send these when they reregister,
 * so that a new master learns what is running.
 */
import { bytes } from './base64.js';
import { type KillPolicy, killPolicy, type Labels, labels } from './common.js';
import { arrayOf, type Decoder, opt, optEnum, req, str, struct } from './decode-helpers.js';
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
import { type ResourceJson, resourceJsonList } from './resources-json.js';
import { TASK_STATES, type TaskState } from './task-state.js';
import { type TaskStatus, taskState, taskStatus } from './task-status.js';

/**
 * A task's record. `state` is its latest state as the agent knows it; `status_update_state` and
 * `status_update_uuid` (set together) are the state and uuid of the latest update forwarded to
 * the master, which reconciliation reports.
 */
export interface Task {
  readonly name: string;
  readonly task_id: TaskID;
  readonly framework_id: FrameworkID;
  readonly executor_id?: ExecutorID;
  readonly agent_id: AgentID;
  readonly state: TaskState;
  readonly resources?: readonly ResourceJson[];
  readonly statuses?: readonly TaskStatus[];
  readonly status_update_state?: TaskState;
  readonly status_update_uuid?: string;
  readonly labels?: Labels;
  readonly kill_policy?: KillPolicy;
  readonly user?: string;
}

/** Decodes a {@link Task}. */
export const task: Decoder<Task> = struct({
  name: req(str),
  task_id: req(taskId),
  framework_id: req(frameworkId),
  executor_id: opt(executorId),
  agent_id: req(agentId),
  state: req(taskState),
  resources: opt(resourceJsonList),
  statuses: opt(arrayOf(taskStatus)),
  status_update_state: optEnum(TASK_STATES, 'task state'),
  status_update_uuid: opt(bytes),
  labels: opt(labels),
  kill_policy: opt(killPolicy),
  user: opt(str),
});
