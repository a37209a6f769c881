/**
 * Task states and the enums that qualify a status update (include/mesos/v1/mesos.proto
 * `TaskState`, `TaskStatus.Source`, `TaskStatus.Reason`).
 */

/**
 * Every task state, in lifecycle order. TASK_STAGING is set by the master/agent and executors may
 * not send it; TASK_KILLING needs the framework's TASK_KILLING_STATE capability; TASK_DROPPED,
 * TASK_UNREACHABLE, TASK_GONE, TASK_GONE_BY_OPERATOR and TASK_UNKNOWN are sent only to
 * PARTITION_AWARE frameworks (the others get TASK_LOST instead).
 */
export const TASK_STATES = [
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_UNREACHABLE',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN',
] as const;

/** The state of a task. */
export type TaskState = (typeof TASK_STATES)[number];

/** Whether each state is terminal: every state says, so a new one must (see isTerminalState). */
const TERMINAL = {
  TASK_STAGING: false,
  TASK_STARTING: false,
  TASK_RUNNING: false,
  TASK_KILLING: false,
  TASK_FINISHED: true,
  TASK_FAILED: true,
  TASK_KILLED: true,
  TASK_ERROR: true,
  TASK_LOST: true,
  TASK_DROPPED: true,
  TASK_UNREACHABLE: false,
  TASK_GONE: true,
  TASK_GONE_BY_OPERATOR: true,
  TASK_UNKNOWN: false,
} as const satisfies Readonly<Record<TaskState, boolean>>;

/**
 * Whether a task in `state` is over, as Mesos's `protobuf::isTerminalState`
 * (src/common/protobuf_utils.cpp) decides: FINISHED, FAILED, KILLED, ERROR, LOST, DROPPED, GONE
 * and GONE_BY_OPERATOR. TASK_LOST counts even though a partitioned agent's task may come back.
 * TASK_UNREACHABLE is not terminal, although the master frees the task's resources on it too
 * (src/master/master.cpp `updateTask`).
 */
export function isTerminalState(state: TaskState): boolean {
  return TERMINAL[state];
}

/** Who generated a status update (`TaskStatus.Source`). */
export const TASK_STATUS_SOURCES = ['SOURCE_MASTER', 'SOURCE_AGENT', 'SOURCE_EXECUTOR'] as const;

/** Who generated a status update. */
export type TaskStatusSource = (typeof TASK_STATUS_SOURCES)[number];

/** Why a status update was sent (`TaskStatus.Reason`; docs/task-state-reasons.md). */
export const TASK_STATUS_REASONS = [
  'REASON_COMMAND_EXECUTOR_FAILED',
  'REASON_CONTAINER_LAUNCH_FAILED',
  'REASON_CONTAINER_LIMITATION',
  'REASON_CONTAINER_LIMITATION_DISK',
  'REASON_CONTAINER_LIMITATION_MEMORY',
  'REASON_CONTAINER_PREEMPTED',
  'REASON_CONTAINER_UPDATE_FAILED',
  'REASON_MAX_COMPLETION_TIME_REACHED',
  'REASON_EXECUTOR_REGISTRATION_TIMEOUT',
  'REASON_EXECUTOR_REREGISTRATION_TIMEOUT',
  'REASON_EXECUTOR_TERMINATED',
  'REASON_EXECUTOR_UNREGISTERED',
  'REASON_FRAMEWORK_REMOVED',
  'REASON_GC_ERROR',
  'REASON_INVALID_FRAMEWORKID',
  'REASON_INVALID_OFFERS',
  'REASON_IO_SWITCHBOARD_EXITED',
  'REASON_MASTER_DISCONNECTED',
  'REASON_RECONCILIATION',
  'REASON_RESOURCES_UNKNOWN',
  'REASON_AGENT_DISCONNECTED',
  'REASON_AGENT_DRAINING',
  'REASON_AGENT_REMOVED',
  'REASON_AGENT_REMOVED_BY_OPERATOR',
  'REASON_AGENT_REREGISTERED',
  'REASON_AGENT_RESTARTED',
  'REASON_AGENT_UNKNOWN',
  'REASON_TASK_KILLED_DURING_LAUNCH',
  'REASON_TASK_CHECK_STATUS_UPDATED',
  'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED',
  'REASON_TASK_GROUP_INVALID',
  'REASON_TASK_GROUP_UNAUTHORIZED',
  'REASON_TASK_INVALID',
  'REASON_TASK_UNAUTHORIZED',
  'REASON_TASK_UNKNOWN',
] as const;

/** Why a status update was sent. */
export type TaskStatusReason = (typeof TASK_STATUS_REASONS)[number];
