/**
 * The v0-style executor API (mesos.md §1.4; include/mesos/executor.hpp), adapted to the v1 data
 * types of src/core/messages: a custom executor implements {@link Executor} and drives an
 * {@link ExecutorDriver}, which speaks the v1 executor API to its agent (mesos.md §3). Byte
 * strings (`data`) are base64 text, ids are `{ value }` objects, `SlaveInfo` is `AgentInfo`, and
 * `join()`/`run()` return promises.
 */
import type { AgentInfo } from '../core/messages/cluster-info.js';
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { TaskID } from '../core/messages/ids.js';
import type { ExecutorInfo, TaskInfo } from '../core/messages/task-info.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { DriverStatus } from './status.js';

/**
 * The executor's callbacks; they run one at a time and only while the driver is RUNNING (except
 * `error`, right after the driver aborted). All are required, as in Mesos's pure virtual class.
 */
export interface Executor {
  /** Subscribed to the agent for the first time. */
  registered(
    driver: ExecutorDriver,
    executorInfo: ExecutorInfo,
    frameworkInfo: FrameworkInfo,
    agentInfo: AgentInfo,
  ): void;
  /** Subscribed again after a disconnection (a restarted agent). */
  reregistered(driver: ExecutorDriver, agentInfo: AgentInfo): void;
  /** Lost the agent; a checkpointing framework's executor resubscribes, any other is shut down. */
  disconnected(driver: ExecutorDriver): void;
  /** Start a task; answer with a status update (TASK_RUNNING, or a failure). */
  launchTask(driver: ExecutorDriver, task: TaskInfo): void;
  /** Kill a task; the executor itself must send the terminal update (TASK_KILLED). */
  killTask(driver: ExecutorDriver, taskId: TaskID): void;
  /** Best-effort bytes (base64) from the scheduler. */
  frameworkMessage(driver: ExecutorDriver, data: string): void;
  /** Kill every task (sending TASK_KILLED) and exit: stop the driver. No event follows. */
  shutdown(driver: ExecutorDriver): void;
  /** An unrecoverable error; the driver is already ABORTED when this runs. */
  error(driver: ExecutorDriver, message: string): void;
}

/** What an executor calls; every method but `join`/`run` returns the driver status. */
export interface ExecutorDriver {
  /** Starts the driver: it subscribes to the agent. */
  start(): DriverStatus;
  /** Stops the driver (closing the subscription): the executor is done. */
  stop(): DriverStatus;
  /** Aborts the driver: no more callbacks. */
  abort(): DriverStatus;
  /** Settles when the driver is stopped or aborted, with that status. */
  join(): Promise<DriverStatus>;
  /** `start()` then, if RUNNING, `join()`. */
  run(): Promise<DriverStatus>;
  /**
   * UPDATE. As Mesos's driver does, this overwrites `uuid` with a fresh one, stamps `timestamp`,
   * and sets `source` (SOURCE_EXECUTOR), `executor_id` and `agent_id`. The update is kept until
   * the agent acknowledges it, and resent in SUBSCRIBE after a reconnection. Sending TASK_STAGING
   * aborts the driver and calls `error`, as Mesos does.
   */
  sendStatusUpdate(status: TaskStatus): DriverStatus;
  /** MESSAGE: best-effort bytes (base64) for the scheduler. */
  sendFrameworkMessage(data: string): DriverStatus;
}
