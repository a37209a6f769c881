/**
 * Every task the master knows, indexed as Mesos keeps them: by framework (`Framework::tasks`),
 * by agent (`Slave::tasks`), the tasks of unreachable agents (`Framework::unreachableTasks`,
 * `slaves.unreachableTasks`) and, bounded, the completed ones (`Framework::completedTasks`).
 *
 * A live task stays here after a terminal update until the scheduler acknowledges that update,
 * as in Mesos (src/master/master.cpp `acknowledge` removes it), so its id stays taken and
 * reconciliation still reports it.
 */
import type { Labels } from '../core/messages/common.js';
import type { TaskState } from '../core/messages/task-state.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { Resources } from '../core/resources.js';
import { BoundedList, BoundedMap } from './bounded.js';
import type { MasterLimits } from './options.js';

/** The master's record of one task (Mesos `Task`). */
export interface TaskRecord {
  readonly taskId: string;
  readonly frameworkId: string;
  readonly agentId: string;
  readonly name: string;
  readonly executorId: string | undefined;
  /** The role the task's resources are allocated to (its offer's `allocation_info.role`). */
  readonly role: string;
  /** What the task holds in the allocator while it is neither terminal nor unreachable. */
  readonly resources: Resources;
  readonly labels: Labels | undefined;
  /** Latest known state (Mesos `Task.state`). */
  state: TaskState;
  /** State and uuid of the latest agent update forwarded to the scheduler. */
  statusUpdateState: TaskState | undefined;
  statusUpdateUuid: string | undefined;
  /** One status per state change, newest last, without `data` (MESOS-1746); bounded. */
  readonly statuses: TaskStatus[];
}

/** The master's task indexes. */
export class TaskBook {
  readonly #limits: MasterLimits;
  readonly #byFramework = new Map<string, Map<string, TaskRecord>>();
  readonly #byAgent = new Map<string, Map<string, Map<string, TaskRecord>>>();
  readonly #unreachable = new Map<string, BoundedMap<string, TaskRecord>>();
  /** Agent → framework → task ids made unreachable with it (Mesos `slaves.unreachableTasks`). */
  readonly #unreachableByAgent = new Map<string, Map<string, Set<string>>>();
  readonly #completed = new Map<string, BoundedList<TaskRecord>>();

  constructor(limits: MasterLimits) {
    this.#limits = limits;
  }

  /** Adds a live task (launched, or reported by a reregistering agent). */
  add(task: TaskRecord): void {
    getOrCreate(this.#byFramework, task.frameworkId, newMap<string, TaskRecord>).set(task.taskId, task);
    const onAgent = getOrCreate(this.#byAgent, task.agentId, newMap<string, Map<string, TaskRecord>>);
    getOrCreate(onAgent, task.frameworkId, newMap<string, TaskRecord>).set(task.taskId, task);
  }

  /** A live task of a framework (Mesos `Framework::getTask`). */
  get(frameworkId: string, taskId: string): TaskRecord | undefined {
    return this.#byFramework.get(frameworkId)?.get(taskId);
  }

  /** A live task on an agent (Mesos `Slave::getTask`). */
  onAgent(agentId: string, frameworkId: string, taskId: string): TaskRecord | undefined {
    return this.#byAgent.get(agentId)?.get(frameworkId)?.get(taskId);
  }

  /** The framework's live tasks, in launch order. */
  ofFramework(frameworkId: string): TaskRecord[] {
    return [...(this.#byFramework.get(frameworkId)?.values() ?? [])];
  }

  /** How many live tasks the framework has. */
  countOf(frameworkId: string): number {
    return this.#byFramework.get(frameworkId)?.size ?? 0;
  }

  /** Live tasks on the agent, grouped by framework id. */
  onAgentByFramework(agentId: string): Map<string, TaskRecord[]> {
    const out = new Map<string, TaskRecord[]>();
    for (const [fw, tasks] of this.#byAgent.get(agentId) ?? []) out.set(fw, [...tasks.values()]);
    return out;
  }

  /** Every live task. */
  *all(): IterableIterator<TaskRecord> {
    for (const tasks of this.#byFramework.values()) yield* tasks.values();
  }

  /**
   * Removes a live task (Mesos `Master::removeTask`): it becomes completed, or, with
   * `unreachable`, joins the framework's bounded unreachable tasks.
   */
  remove(task: TaskRecord, unreachable = false): void {
    deleteNested(this.#byFramework, task.frameworkId, task.taskId);
    const onAgent = this.#byAgent.get(task.agentId);
    if (onAgent !== undefined) {
      deleteNested(onAgent, task.frameworkId, task.taskId);
      if (onAgent.size === 0) this.#byAgent.delete(task.agentId);
    }
    if (unreachable) this.#addUnreachable(task);
    else this.addCompleted(task);
  }

  /** Records a finished task (bounded per framework). */
  addCompleted(task: TaskRecord): void {
    let completed = this.#completed.get(task.frameworkId);
    if (completed === undefined) {
      completed = new BoundedList(this.#limits.maxCompletedTasksPerFramework);
      this.#completed.set(task.frameworkId, completed);
    }
    completed.push(task);
  }

  /** The framework's completed tasks, oldest first. */
  completedOf(frameworkId: string): readonly TaskRecord[] {
    return this.#completed.get(frameworkId)?.items() ?? [];
  }

  /** The framework's tasks on unreachable agents. */
  unreachableOf(frameworkId: string): TaskRecord[] {
    return [...(this.#unreachable.get(frameworkId)?.values() ?? [])];
  }

  /**
   * Forgets that an agent's tasks were unreachable (it reregistered: they come back, MESOS-9940
   * also drops a completed copy of a task that reappears).
   */
  reachableAgain(agentId: string, taskKeys: Iterable<[frameworkId: string, taskId: string]>): void {
    for (const [fw, ids] of this.#unreachableByAgent.get(agentId) ?? []) {
      for (const id of ids) this.#unreachable.get(fw)?.delete(id);
    }
    this.#unreachableByAgent.delete(agentId);
    for (const [fw, id] of taskKeys) {
      this.#unreachable.get(fw)?.delete(id);
      this.#completed.get(fw)?.removeWhere((t) => t.taskId === id);
    }
  }

  /** Removes and returns the tasks made unreachable with `agentId` (an operator marked it gone). */
  takeUnreachableOnAgent(agentId: string): TaskRecord[] {
    const taken: TaskRecord[] = [];
    for (const [fw, ids] of this.#unreachableByAgent.get(agentId) ?? []) {
      const byId = this.#unreachable.get(fw);
      for (const id of ids) {
        const task = byId?.get(id);
        if (task === undefined) continue;
        taken.push(task);
        byId?.delete(id);
      }
    }
    this.#unreachableByAgent.delete(agentId);
    return taken;
  }

  /** Forgets an agent's unreachable-task index (the agent was forgotten). */
  forgetAgent(agentId: string): void {
    this.#unreachableByAgent.delete(agentId);
  }

  /**
   * Removes the framework's unreachable and completed tasks from the indexes and returns them,
   * for its completed-framework record.
   */
  archiveFramework(frameworkId: string): { unreachable: TaskRecord[]; completed: readonly TaskRecord[] } {
    const unreachable = this.unreachableOf(frameworkId);
    const completed = this.completedOf(frameworkId);
    this.#unreachable.delete(frameworkId);
    this.#completed.delete(frameworkId);
    return { unreachable, completed };
  }

  #addUnreachable(task: TaskRecord): void {
    const limit = this.#limits.maxUnreachableTasksPerFramework;
    getOrCreate(this.#unreachable, task.frameworkId, () => new BoundedMap(limit)).set(task.taskId, task);
    const byFw = getOrCreate(this.#unreachableByAgent, task.agentId, () => new Map());
    getOrCreate(byFw, task.frameworkId, () => new Set()).add(task.taskId);
  }
}

/** A new empty map (one function for every `getOrCreate`, not a closure per call). */
function newMap<K, V>(): Map<K, V> {
  return new Map();
}

/** The value at `key`, created with `make` when absent. */
export function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function deleteNested<K1, K2, V>(map: Map<K1, Map<K2, V>>, k1: K1, k2: K2): void {
  const inner = map.get(k1);
  if (inner === undefined) return;
  inner.delete(k2);
  if (inner.size === 0) map.delete(k1);
}
