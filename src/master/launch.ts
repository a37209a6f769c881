/**
 * Launching validated tasks (src/master/master.cpp `_accept` LAUNCH and LAUNCH_GROUP cases,
 * `addTask`, `addExecutor`): the task is recorded in TASK_STAGING, a new custom executor is
 * accounted for, and the agent gets RUN_TASK (or RUN_TASK_GROUP) with the FrameworkInfo and the
 * task, whose resources carry the offer's `allocation_info` as Mesos injects it.
 */

import type { OfferOperation } from '../core/messages/offer.js';
import type { ResourceJson } from '../core/messages/resources-json.js';
import type { ExecutorInfo, TaskInfo } from '../core/messages/task-info.js';
import { formatResources } from '../core/resource-text.js';
import { Resources } from '../core/resources.js';
import type { AgentRecord } from './agent-registry.js';
import type { MasterContext } from './context.js';
import { addExecutor } from './executors.js';
import type { FrameworkRecord } from './framework-registry.js';
import type { TaskRecord } from './task-book.js';
import { sendUntrackedStatus } from './task-lifecycle.js';
import {
  executorProblem,
  taskProblem,
  taskResources,
  validateTask,
  withFrameworkId,
} from './task-validation.js';

type LaunchGroup = Extract<OfferOperation, { type: 'LAUNCH_GROUP' }>;

/** Validates and launches one LAUNCH task; returns what is left of the offers. */
export function launchTask(
  ctx: MasterContext,
  framework: FrameworkRecord,
  agent: AgentRecord,
  role: string,
  task: TaskInfo,
  available: Resources,
  operationHasId: boolean,
): Resources {
  const checked = operationHasId
    ? 'The `id` field cannot be set on LAUNCH operations'
    : (tooManyTasks(ctx, framework, 1) ?? validateTask(ctx, framework, agent, task, available));
  if (typeof checked === 'string') {
    taskError(ctx, framework, task, 'REASON_TASK_INVALID', checked);
    return available;
  }
  let consumed = checked.resources;
  const executor = checked.executor === undefined ? undefined : withAllocation(checked.executor, role);
  if (executor !== undefined && checked.newExecutorResources !== undefined) {
    addExecutor(agent, framework.id, executor, role, checked.newExecutorResources);
    consumed = consumed.add(checked.newExecutorResources);
  }
  const resources = allocated(task.resources, role);
  const sent: TaskInfo = executor === undefined ? { ...task, resources } : { ...task, resources, executor };
  recordTask(ctx, framework, agent, role, sent, checked.resources);
  ctx.sendAgent(agent, {
    type: 'RUN_TASK',
    framework: framework.info,
    task: sent,
    launch_executor: executor === undefined || checked.newExecutorResources !== undefined,
  });
  return available.subtract(consumed);
}

/** Validates and launches a task group, all or nothing (Mesos `task::group::validate`). */
export function launchGroup(
  ctx: MasterContext,
  framework: FrameworkRecord,
  agent: AgentRecord,
  role: string,
  operation: LaunchGroup,
  available: Resources,
): Resources {
  const tasks = operation.launch_group.task_group.tasks ?? [];
  const executor = withAllocation(withFrameworkId(operation.launch_group.executor, framework), role);
  const checked =
    operation.id !== undefined
      ? 'The `id` field cannot be set on LAUNCH_GROUP operations'
      : (tooManyTasks(ctx, framework, tasks.length) ??
        groupProblem(ctx, framework, agent, tasks, executor, available));
  if (typeof checked === 'string') {
    for (const task of tasks) taskError(ctx, framework, task, 'REASON_TASK_GROUP_INVALID', checked);
    return available;
  }
  if (checked.newExecutorResources !== undefined) {
    addExecutor(agent, framework.id, executor, role, checked.newExecutorResources);
  }
  const sent = tasks.map((task) => ({ ...task, resources: allocated(task.resources, role), executor }));
  for (const [i, task] of sent.entries()) {
    recordTask(ctx, framework, agent, role, task, checked.taskResources[i] as Resources);
  }
  ctx.sendAgent(agent, {
    type: 'RUN_TASK_GROUP',
    framework: framework.info,
    executor,
    task_group: { tasks: sent },
    launch_executor: checked.newExecutorResources !== undefined,
  });
  return available.subtract(checked.total);
}

interface ValidGroup {
  readonly taskResources: readonly Resources[];
  readonly newExecutorResources: Resources | undefined;
  readonly total: Resources;
}

function groupProblem(
  ctx: MasterContext,
  framework: FrameworkRecord,
  agent: AgentRecord,
  tasks: readonly TaskInfo[],
  executor: ExecutorInfo,
  available: Resources,
): ValidGroup | string {
  const ids = new Set<string>();
  const taskResourceList: Resources[] = [];
  for (const task of tasks) {
    const problem = ids.has(task.task_id.value)
      ? `Task has duplicate ID: ${task.task_id.value}`
      : taskProblem(ctx, framework, agent, task);
    ids.add(task.task_id.value);
    const resources = problem ?? taskResources(task);
    if (typeof resources === 'string') return `Task '${task.task_id.value}' is invalid: ${resources}`;
    taskResourceList.push(resources);
  }
  if (executor.type === undefined) return "'ExecutorInfo.type' must be set";
  const checked = executorProblem(agent, framework, executor);
  if (typeof checked === 'string') return checked;
  const minimum = executorMinimumProblem(executor, checked.resources);
  if (minimum !== undefined) return minimum;
  const newExecutorResources = checked.isNew ? checked.resources : undefined;
  let total = newExecutorResources ?? Resources.EMPTY;
  for (const r of taskResourceList) total = total.add(r);
  if (!available.contains(total)) {
    return (
      `Total resources ${formatResources(total)} required by task group and its executor are more than ` +
      `available ${formatResources(available)}`
    );
  }
  return { taskResources: taskResourceList, newExecutorResources, total };
}

/** Mesos requires a task group's executor to have cpus >= 0.01, mem >= 32 and some disk. */
function executorMinimumProblem(executor: ExecutorInfo, resources: Resources): string | undefined {
  const id = executor.executor_id.value;
  if (resources.scalarMilli('cpus') < 10)
    return `Executor '${id}' uses less CPUs than the minimum required (0.01)`;
  if (resources.scalarMilli('mem') < 32_000)
    return `Executor '${id}' uses less memory than the minimum required (32MB)`;
  if (!resources.entries.some((r) => r.name === 'disk')) return `Executor '${id}' uses no disk`;
  return undefined;
}

function tooManyTasks(ctx: MasterContext, framework: FrameworkRecord, adding: number): string | undefined {
  const limit = ctx.options.limits.maxTasksPerFramework;
  return ctx.tasks.countOf(framework.id) + adding > limit
    ? `Framework has too many tasks (limit ${limit})`
    : undefined;
}

function taskError(
  ctx: MasterContext,
  framework: FrameworkRecord,
  task: TaskInfo,
  reason: 'REASON_TASK_INVALID' | 'REASON_TASK_GROUP_INVALID',
  message: string,
): void {
  sendUntrackedStatus(ctx, framework, {
    taskId: task.task_id.value,
    state: 'TASK_ERROR',
    reason,
    message,
    nowMs: ctx.now(),
    agentId: task.agent_id.value,
  });
}

function recordTask(
  ctx: MasterContext,
  framework: FrameworkRecord,
  agent: AgentRecord,
  role: string,
  task: TaskInfo,
  resources: Resources,
): void {
  const record: TaskRecord = {
    taskId: task.task_id.value,
    frameworkId: framework.id,
    agentId: agent.id,
    name: task.name,
    executorId: task.executor?.executor_id.value,
    role,
    resources,
    labels: task.labels,
    state: 'TASK_STAGING',
    statusUpdateState: undefined,
    statusUpdateUuid: undefined,
    statuses: [],
  };
  ctx.tasks.add(record);
  ctx.counters.launched(1);
  ctx.counters.transition('TASK_STAGING');
  if (ctx.tracing) {
    ctx.trace('task', {
      framework: framework.id,
      task: record.taskId,
      agent: agent.id,
      state: 'TASK_STAGING',
    });
  }
}

/**
 * The last role each resource list was given its allocation in, with the result. A framework
 * usually sends every task of a job with one shared list (the simulator's frameworks do, and a
 * launch sends thousands), and lists are immutable, so the result is worked out once per list
 * and role. Lists decoded from the wire are new each time: they miss, and go with their message.
 */
const ALLOCATED = new WeakMap<
  readonly ResourceJson[],
  { readonly role: string; readonly resources: readonly ResourceJson[] }
>();

/** Resources with `allocation_info.role` set where the framework left it out (Mesos `injectAllocationInfo`). */
function allocated(resources: readonly ResourceJson[] | undefined, role: string): readonly ResourceJson[] {
  if (resources === undefined) return [];
  const cached = ALLOCATED.get(resources);
  if (cached !== undefined && cached.role === role) return cached.resources;
  const out = resources.map((r) =>
    r.allocation_info?.role === undefined ? { ...r, allocation_info: { role } } : r,
  );
  ALLOCATED.set(resources, { role, resources: out });
  return out;
}

function withAllocation(executor: ExecutorInfo, role: string): ExecutorInfo {
  return executor.resources === undefined
    ? executor
    : { ...executor, resources: allocated(executor.resources, role) };
}
