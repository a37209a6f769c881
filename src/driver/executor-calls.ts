/** The v1 executor calls the executor driver sends (mesos.md §3). */
import type { ExecutorCall, ExecutorUpdate } from '../core/messages/executor.js';
import type { ExecutorID, FrameworkID } from '../core/messages/ids.js';
import type { TaskInfo } from '../core/messages/task-info.js';

/** Who is calling: every executor call names its executor and framework. */
export interface ExecutorCaller {
  readonly executorId: ExecutorID;
  readonly frameworkId: FrameworkID;
}

/** SUBSCRIBE, with what the agent may not have yet (empty lists are left out). */
export function executorSubscribeCall(
  caller: ExecutorCaller,
  unacknowledgedTasks: readonly TaskInfo[],
  unacknowledgedUpdates: readonly ExecutorUpdate[],
): ExecutorCall {
  return {
    type: 'SUBSCRIBE',
    executor_id: caller.executorId,
    framework_id: caller.frameworkId,
    subscribe: {
      ...(unacknowledgedTasks.length === 0 ? {} : { unacknowledged_tasks: [...unacknowledgedTasks] }),
      ...(unacknowledgedUpdates.length === 0 ? {} : { unacknowledged_updates: [...unacknowledgedUpdates] }),
    },
  };
}

/** UPDATE of a task's status (already stamped with its uuid). */
export function executorUpdateCall(caller: ExecutorCaller, update: ExecutorUpdate): ExecutorCall {
  return { type: 'UPDATE', executor_id: caller.executorId, framework_id: caller.frameworkId, update };
}

/** MESSAGE for the scheduler (`data` is base64). */
export function executorMessageCall(caller: ExecutorCaller, data: string): ExecutorCall {
  return {
    type: 'MESSAGE',
    executor_id: caller.executorId,
    framework_id: caller.frameworkId,
    message: { data },
  };
}
