/**
 * The v0-style drivers (mesos.md §1): a framework implements {@link Scheduler} and holds a
 * {@link SchedulerDriver}; a custom executor implements {@link Executor} and holds an
 * {@link ExecutorDriver}. The Mesos* classes implement the drivers over the v1 APIs, each with the
 * process the world runs for it.
 */
export { connectionClosed } from './connection.js';
export type { Executor, ExecutorDriver } from './executor.js';
export { MesosExecutorDriver } from './executor-driver.js';
export {
  DEFAULT_EXECUTOR_DRIVER_LIMITS,
  type ExecutorDriverLimits,
  type ExecutorDriverOptions,
  executorOptionsFromEnvironment,
  parseDurationMs,
  type ResolvedExecutorDriverOptions,
} from './executor-options.js';
export { ExecutorProcess } from './executor-process.js';
export type { Scheduler, SchedulerDriver } from './scheduler.js';
export { MesosSchedulerDriver } from './scheduler-driver.js';
export {
  DEFAULT_HEARTBEAT_INTERVAL_SECONDS,
  DEFAULT_MASTER_ADDRESS,
  type ResolvedSchedulerDriverOptions,
  type SchedulerDriverOptions,
} from './scheduler-options.js';
export { SchedulerProcess } from './scheduler-process.js';
export { DriverLifecycle, DriverStatus, type StopOutcome } from './status.js';
