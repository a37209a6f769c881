/**
 * What the agent knows about the frameworks, executors and tasks it runs (Mesos src/slave/slave.hpp
 * `Framework`, `Executor`), and the bookkeeping rules that go with it:
 * - an executor holds tasks in three places: `queued` (given to the agent, not yet sent to the
 *   executor), `launched` (sent, not terminal) and `terminated` (terminal, with the terminal
 *   update not yet acknowledged); a task is complete — and forgotten — once that
 *   acknowledgement arrives (Mesos `Executor::completeTask`);
 * - an executor is removed once it has terminated and has no incomplete task, and a framework
 *   once it has no executor (Mesos `removeExecutor`, `removeFramework`).
 * A command task gets its own executor record whose id is the task id, as Mesos's command
 * executor does; that executor lives inside the agent (command-executor.ts).
 */
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { ExecutorID, FrameworkID } from '../core/messages/ids.js';
import type { ExecutorInfo, TaskInfo } from '../core/messages/task-info.js';
import { isTerminalState, type TaskState } from '../core/messages/task-state.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { Address, TimerId } from '../core/process.js';
import { err, ok, type Result } from '../core/result.js';
import type { CommandHandle, CommandKill, CommandLaunch } from './command-runner.js';
import type { ExecutorHandle } from './executor-launcher.js';
import { TaskTable } from './task-table.js';

/** A task the agent holds. */
export interface TaskRecord {
  readonly info: TaskInfo;
  state: TaskState;
  /** State and uuid of the latest update forwarded to the master (Mesos `status_update_*`). */
  statusUpdateState: TaskState | undefined;
  statusUpdateUuid: string | undefined;
}

/** Where an executor is in its life (Mesos `Executor::State`). */
export type ExecutorPhase = 'registering' | 'running' | 'terminating' | 'terminated';

/** A built-in command executor's running command. */
export interface CommandRun {
  readonly handle: CommandHandle;
  /** What was started, and when on the agent's clock (kept so a restarted agent can reattach). */
  readonly launch: CommandLaunch;
  readonly startedAtMs: number;
  /**
   * When a kill was asked for, with its grace period: the command's end is then TASK_KILLED
   * unless it succeeded.
   */
  kill: CommandKill | undefined;
}

/** Why an executor's remaining tasks fail when it terminates (Mesos `pendingTermination`). */
export interface PendingTermination {
  readonly state: TaskState;
  readonly reason: NonNullable<TaskStatus['reason']>;
  readonly message: string;
}

/**
 * An executor on this agent: a custom one, the command executor of one command task, or the
 * default executor of task groups (default-executor.ts), which runs each task's command itself.
 */
export interface ExecutorRecord {
  readonly id: string;
  readonly executorId: ExecutorID;
  readonly frameworkId: string;
  readonly kind: ExecutorKind;
  readonly info: ExecutorInfo;
  readonly containerId: string;
  readonly sandbox: string;
  phase: ExecutorPhase;
  readonly queued: TaskTable<TaskInfo>;
  readonly launched: TaskTable<TaskRecord>;
  readonly terminated: TaskTable<TaskRecord>;
  /** Custom executors: where its SUBSCRIBE came from (events go there). */
  address: Address | undefined;
  /** Custom executors: the launcher's handle, once launched. */
  launch: ExecutorHandle | undefined;
  /** Command executors: the running command. */
  command: CommandRun | undefined;
  /** Default executors: each running task's command, by task id (made on first use). */
  group: Map<string, CommandRun> | undefined;
  registrationTimer: TimerId | undefined;
  shutdownTimer: TimerId | undefined;
  termination: PendingTermination | undefined;
}

/** A task of a task group, run by a default executor (default-executor.ts). */
export interface GroupTask {
  readonly executor: ExecutorRecord;
  readonly taskId: string;
  /** The ids of every task of its group (a failing task kills the others). */
  readonly group: readonly string[];
}

/** Which executor runs an executor record's tasks. */
export type ExecutorKind = 'command' | 'custom' | 'default';

/** A framework with work on this agent. */
export interface FrameworkRecord {
  readonly id: string;
  readonly frameworkId: FrameworkID;
  info: FrameworkInfo;
  /** Being shut down (Mesos `Framework::TERMINATING`): no new tasks, no status updates. */
  terminating: boolean;
  readonly executors: Map<string, ExecutorRecord>;
}

/** The fields of a new executor record; the rest start empty. */
export interface NewExecutor {
  readonly kind: ExecutorRecord['kind'];
  readonly info: ExecutorInfo;
  readonly containerId: string;
  readonly sandbox: string;
  readonly phase: ExecutorPhase;
}

/** The agent's frameworks, executors and tasks, with the indexes the handlers need. */
export class AgentBook {
  readonly frameworks = new Map<string, FrameworkRecord>();
  /**
   * Framework → task → the executor holding it. Nested rather than keyed by a joined string:
   * every status update looks a task up, and a joined key is a new string to hash each time.
   */
  readonly #taskExecutor = new Map<string, Map<string, ExecutorRecord>>();
  #taskCount = 0;
  /** Subscribed custom executors by address. */
  readonly #byAddress = new Map<Address, ExecutorRecord>();
  /** Running commands by handle id. */
  readonly #byCommand = new Map<number, ExecutorRecord>();
  /** Default executors' running task commands by handle id. */
  readonly #byGroupCommand = new Map<number, GroupTask>();
  /** Launched custom executors by handle id. */
  readonly #byLaunch = new Map<number, ExecutorRecord>();

  /** Tasks held (queued, launched, or terminated awaiting acknowledgement). */
  get taskCount(): number {
    return this.#taskCount;
  }

  /** The framework, creating it from `info` (which must carry its id) if new. */
  framework(info: FrameworkInfo & { readonly id: FrameworkID }): FrameworkRecord {
    let fw = this.frameworks.get(info.id.value);
    if (fw === undefined) {
      fw = { id: info.id.value, frameworkId: info.id, info, terminating: false, executors: new Map() };
      this.frameworks.set(fw.id, fw);
    }
    return fw;
  }

  /** Adds an executor to a framework. */
  addExecutor(fw: FrameworkRecord, e: NewExecutor): ExecutorRecord {
    const executor: ExecutorRecord = {
      id: e.info.executor_id.value,
      executorId: e.info.executor_id,
      frameworkId: fw.id,
      kind: e.kind,
      info: e.info,
      containerId: e.containerId,
      sandbox: e.sandbox,
      phase: e.phase,
      queued: new TaskTable(),
      launched: new TaskTable(),
      terminated: new TaskTable(),
      address: undefined,
      launch: undefined,
      command: undefined,
      group: undefined,
      registrationTimer: undefined,
      shutdownTimer: undefined,
      termination: undefined,
    };
    fw.executors.set(executor.id, executor);
    return executor;
  }

  /** The executor holding a task, if any. */
  executorOfTask(frameworkId: string, taskId: string): ExecutorRecord | undefined {
    return this.#taskExecutor.get(frameworkId)?.get(taskId);
  }

  /** The task's record if it is launched or terminated (queued tasks have none yet). */
  task(frameworkId: string, taskId: string): TaskRecord | undefined {
    const e = this.executorOfTask(frameworkId, taskId);
    return e?.launched.get(taskId) ?? e?.terminated.get(taskId);
  }

  /** Queues a task for an executor that has not subscribed yet. */
  queue(executor: ExecutorRecord, task: TaskInfo): void {
    executor.queued.set(task.task_id.value, task);
    this.#holdTask(executor, task.task_id.value);
  }

  /** Records a task as sent to its executor, in TASK_STAGING. */
  launch(executor: ExecutorRecord, task: TaskInfo): TaskRecord {
    const record: TaskRecord = {
      info: task,
      state: 'TASK_STAGING',
      statusUpdateState: undefined,
      statusUpdateUuid: undefined,
    };
    executor.queued.delete(task.task_id.value);
    executor.launched.set(task.task_id.value, record);
    this.#holdTask(executor, task.task_id.value);
    return record;
  }

  /** Indexes a task under the executor holding it. */
  #holdTask(executor: ExecutorRecord, taskId: string): void {
    let tasks = this.#taskExecutor.get(executor.frameworkId);
    if (tasks === undefined) {
      tasks = new Map();
      this.#taskExecutor.set(executor.frameworkId, tasks);
    }
    const size = tasks.size;
    tasks.set(taskId, executor);
    this.#taskCount += tasks.size - size;
  }

  /** Forgets a task's index entry. */
  #releaseTask(frameworkId: string, taskId: string): void {
    const tasks = this.#taskExecutor.get(frameworkId);
    if (tasks?.delete(taskId)) this.#taskCount--;
  }

  /**
   * Applies a status to the task's state (Mesos `Executor::updateTaskState`): a terminal status
   * moves the task to `terminated`; a queued task may only go to a terminal state; a task that
   * is already terminated or unknown to the executor is an error (the update is dropped).
   * Returns the task's record and whether its state changed.
   */
  updateTaskState(
    executor: ExecutorRecord,
    status: TaskStatus,
  ): Result<{ readonly task: TaskRecord; readonly changed: boolean }, string> {
    const taskId = status.task_id.value;
    const terminal = isTerminalState(status.state);
    const queued = executor.queued.get(taskId);
    let task: TaskRecord | undefined;
    if (queued !== undefined) {
      if (!terminal) return err('Cannot send non-terminal update for queued task');
      task = this.launch(executor, queued);
    } else {
      task = executor.launched.get(taskId);
      if (task === undefined) {
        return err(
          executor.terminated.has(taskId) ? 'Task has already terminated' : 'Task is unknown to the executor',
        );
      }
    }
    const changed = task.state !== status.state;
    task.state = status.state;
    if (terminal) {
      executor.launched.delete(taskId);
      executor.terminated.set(taskId, task);
    }
    return ok({ task, changed });
  }

  /** Forgets a task whose terminal update was acknowledged (Mesos `completeTask`). */
  completeTask(executor: ExecutorRecord, taskId: string): void {
    if (executor.terminated.delete(taskId)) this.#releaseTask(executor.frameworkId, taskId);
  }

  /** Whether an executor still holds a task that is not complete. */
  hasIncompleteTasks(executor: ExecutorRecord): boolean {
    return executor.queued.size + executor.launched.size + executor.terminated.size > 0;
  }

  /** Removes an executor and every task it still holds from the indexes. */
  removeExecutor(fw: FrameworkRecord, executor: ExecutorRecord): void {
    for (const taskId of executor.queued.keys()) this.#releaseTask(fw.id, taskId);
    for (const taskId of executor.launched.keys()) this.#releaseTask(fw.id, taskId);
    for (const taskId of executor.terminated.keys()) this.#releaseTask(fw.id, taskId);
    this.unsubscribe(executor);
    if (executor.command !== undefined) this.#byCommand.delete(executor.command.handle.id);
    for (const run of executor.group?.values() ?? []) this.#byGroupCommand.delete(run.handle.id);
    if (executor.launch !== undefined) this.#byLaunch.delete(executor.launch.id);
    fw.executors.delete(executor.id);
  }

  /** Forgets a framework (it must have no executors left). */
  removeFramework(fw: FrameworkRecord): void {
    this.frameworks.delete(fw.id);
    // A framework's task index lives as long as the framework (not emptied and rebuilt with
    // every task that comes and goes).
    if (this.#taskExecutor.get(fw.id)?.size === 0) this.#taskExecutor.delete(fw.id);
  }

  /** Records where a custom executor subscribed from (replacing an earlier address). */
  subscribe(executor: ExecutorRecord, address: Address): void {
    this.unsubscribe(executor);
    const previous = this.#byAddress.get(address);
    if (previous !== undefined) previous.address = undefined;
    executor.address = address;
    this.#byAddress.set(address, executor);
  }

  /** Forgets an executor's subscription address. */
  unsubscribe(executor: ExecutorRecord): void {
    if (executor.address !== undefined && this.#byAddress.get(executor.address) === executor) {
      this.#byAddress.delete(executor.address);
    }
    executor.address = undefined;
  }

  /** The executor subscribed from `address`. */
  executorAt(address: Address): ExecutorRecord | undefined {
    return this.#byAddress.get(address);
  }

  /** Records a command executor's running command (`kill` for one recovered mid-kill). */
  setCommand(
    executor: ExecutorRecord,
    handle: CommandHandle,
    launch: CommandLaunch,
    startedAtMs: number,
    kill?: CommandKill,
  ): void {
    executor.command = { handle, launch, startedAtMs, kill };
    this.#byCommand.set(handle.id, executor);
  }

  /** The command executor whose command has this handle, forgetting the handle. */
  takeCommand(handle: CommandHandle): ExecutorRecord | undefined {
    const executor = this.#byCommand.get(handle.id);
    this.#byCommand.delete(handle.id);
    return executor;
  }

  /** Records the running command of a task of a default executor's task group. */
  setGroupCommand(task: GroupTask, handle: CommandHandle, launch: CommandLaunch, startedAtMs: number): void {
    task.executor.group ??= new Map();
    task.executor.group.set(task.taskId, { handle, launch, startedAtMs, kill: undefined });
    this.#byGroupCommand.set(handle.id, task);
  }

  /** The group task whose command has this handle, with that command, forgetting it. */
  takeGroupCommand(handle: CommandHandle): (GroupTask & { readonly run: CommandRun }) | undefined {
    const held = this.#byGroupCommand.get(handle.id);
    const run = held?.executor.group?.get(held.taskId);
    if (held === undefined || run === undefined) return undefined;
    this.#byGroupCommand.delete(handle.id);
    held.executor.group?.delete(held.taskId);
    return { ...held, run };
  }

  /** Records a custom executor's launch handle. */
  setLaunch(executor: ExecutorRecord, handle: ExecutorHandle): void {
    executor.launch = handle;
    this.#byLaunch.set(handle.id, executor);
  }

  /** The custom executor launched with this handle, forgetting the handle. */
  takeLaunch(handle: ExecutorHandle): ExecutorRecord | undefined {
    const executor = this.#byLaunch.get(handle.id);
    this.#byLaunch.delete(handle.id);
    return executor;
  }
}
