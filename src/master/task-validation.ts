/**
 * Whether a task may be launched on the offered resources, as src/master/validation.cpp
 * `task::validate` decides, in its order: task id characters, id unique among the framework's
 * tasks, agent id, kill policy, resources; then exactly one of command and executor, the
 * executor's own checks, and the task's plus (new) executor's resources within what is left of
 * the offers. Each check answers Mesos's message; the master turns it into TASK_ERROR with
 * REASON_TASK_INVALID.
 */

import { type ResourceJson, resourcesFromList } from '../core/messages/resources-json.js';
import type { ExecutorInfo, TaskInfo } from '../core/messages/task-info.js';
import { formatResources } from '../core/resource-text.js';
import type { Resources } from '../core/resources.js';
import type { AgentRecord } from './agent-registry.js';
import type { MasterContext } from './context.js';
import { findExecutor } from './executors.js';
import type { FrameworkRecord } from './framework-registry.js';

/** A valid task, with what it consumes. */
export interface ValidTask {
  readonly resources: Resources;
  /** The task's executor, its framework id filled in (Mesos does), when it has one. */
  readonly executor: ExecutorInfo | undefined;
  /** The executor's resources when it must be launched (a new executor), else undefined. */
  readonly newExecutorResources: Resources | undefined;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject.
const INVALID_ID_CHARACTER = /[\u0000-\u001f\u007f/\\]/u;

/** Mesos `invalidCharacter`: control characters, `/` and `\`. */
export function idProblem(kind: string, id: string): string | undefined {
  return INVALID_ID_CHARACTER.test(id) ? `${kind} '${id}' contains invalid characters` : undefined;
}

function nonNegativeGrace(nanoseconds: number | undefined, what: string): string | undefined {
  return nanoseconds !== undefined && nanoseconds < 0 ? `${what} must be non-negative` : undefined;
}

/** The checks of a task that do not involve its executor (Mesos `validateTask`). */
export function taskProblem(
  ctx: MasterContext,
  framework: FrameworkRecord,
  agent: AgentRecord,
  task: TaskInfo,
): string | undefined {
  const id = task.task_id.value;
  return (
    idProblem('TaskID', id) ??
    (ctx.tasks.get(framework.id, id) !== undefined ? `Task has duplicate ID: ${id}` : undefined) ??
    (task.agent_id.value !== agent.id
      ? `Task uses invalid agent ${task.agent_id.value} while agent ${agent.id} is expected`
      : undefined) ??
    nonNegativeGrace(task.kill_policy?.grace_period?.nanoseconds, "Task's 'kill_policy.grace_period'") ??
    ((task.resources ?? []).length === 0 ? 'Task uses no resources' : undefined)
  );
}

/**
 * Each task resource list's reading. A framework usually sends every task of a job with one
 * shared list (the simulator's frameworks do), and lists and {@link Resources} are immutable, so
 * a list is read once; lists decoded from the wire are new each time and simply miss.
 */
const TASK_RESOURCES = new WeakMap<readonly ResourceJson[], Resources | string>();

/** The task's resources in our model, or Mesos's message for invalid ones. */
export function taskResources(task: TaskInfo): Resources | string {
  const list = task.resources;
  if (list === undefined) return readTaskResources([]);
  let read = TASK_RESOURCES.get(list);
  if (read === undefined) {
    read = readTaskResources(list);
    TASK_RESOURCES.set(list, read);
  }
  return read;
}

function readTaskResources(list: readonly ResourceJson[]): Resources | string {
  const r = resourcesFromList(list, 'resources');
  return r.ok ? r.value : `Task uses invalid resources: ${r.error.path}: ${r.error.message}`;
}

/** Validates a LAUNCH task against what is left of the offers. */
export function validateTask(
  ctx: MasterContext,
  framework: FrameworkRecord,
  agent: AgentRecord,
  task: TaskInfo,
  available: Resources,
): ValidTask | string {
  const problem = taskProblem(ctx, framework, agent, task);
  if (problem !== undefined) return problem;
  const resources = taskResources(task);
  if (typeof resources === 'string') return resources;
  if ((task.executor === undefined) === (task.command === undefined)) {
    return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  }
  let executor: ExecutorInfo | undefined;
  let newExecutorResources: Resources | undefined;
  if (task.executor !== undefined) {
    executor = withFrameworkId(task.executor, framework);
    const checked = executorProblem(agent, framework, executor);
    if (typeof checked === 'string') return checked;
    if (executor.type !== undefined && executor.type !== 'CUSTOM')
      return "'ExecutorInfo.type' must be 'CUSTOM'";
    if (executor.command === undefined) return "'ExecutorInfo.command' must be set";
    newExecutorResources = checked.isNew ? checked.resources : undefined;
  }
  const total = newExecutorResources === undefined ? resources : resources.add(newExecutorResources);
  if (!available.contains(total)) {
    return (
      `Total resources ${formatResources(total)} required by task and its executor is more than ` +
      `available ${formatResources(available)}`
    );
  }
  return { resources, executor, newExecutorResources };
}

/** The executor with `framework_id` set, which the master fills in when it is missing. */
export function withFrameworkId(executor: ExecutorInfo, framework: FrameworkRecord): ExecutorInfo {
  return executor.framework_id === undefined
    ? { ...executor, framework_id: framework.frameworkId }
    : executor;
}

/**
 * The general executor checks (Mesos `executor::internal::validate`): type against command,
 * framework id, shutdown grace period, resources, and compatibility with a running executor of
 * the same id. Answers its resources and whether it is new, or the problem.
 */
export function executorProblem(
  agent: AgentRecord,
  framework: FrameworkRecord,
  executor: ExecutorInfo,
): { readonly resources: Resources; readonly isNew: boolean } | string {
  if (executor.type === 'DEFAULT' && executor.command !== undefined) {
    return "'ExecutorInfo.command' must not be set for 'DEFAULT' executor";
  }
  if (executor.type === 'CUSTOM' && executor.command === undefined) {
    return "'ExecutorInfo.command' must be set for 'CUSTOM' executor";
  }
  const fwId = executor.framework_id?.value;
  if (fwId !== framework.id) {
    return `ExecutorInfo has an invalid FrameworkID (Actual: ${fwId} vs Expected: ${framework.id})`;
  }
  const grace = nonNegativeGrace(
    executor.shutdown_grace_period?.nanoseconds,
    "ExecutorInfo's 'shutdown_grace_period'",
  );
  if (grace !== undefined) return grace;
  const r = resourcesFromList(executor.resources ?? [], 'executor.resources');
  if (!r.ok) return `Executor uses invalid resources: ${r.error.path}: ${r.error.message}`;
  const running = findExecutor(agent, framework.id, executor.executor_id.value);
  if (
    running !== undefined &&
    canonicalJson(withoutAllocation(running.info)) !== canonicalJson(withoutAllocation(executor))
  ) {
    return 'ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID).';
  }
  return { resources: r.value, isNew: running === undefined };
}

/** The executor without the `allocation_info` the master injects into its resources. */
function withoutAllocation(executor: ExecutorInfo): ExecutorInfo {
  if (executor.resources === undefined) return executor;
  return {
    ...executor,
    resources: executor.resources.map(({ allocation_info: _allocation, ...r }) => r),
  };
}

/** JSON with object keys sorted, to compare messages as protobuf equality would. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
