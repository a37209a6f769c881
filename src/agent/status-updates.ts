/**
 * The agent's status-update path (Mesos src/slave/slave.cpp `statusUpdate`, `__statusUpdate`,
 * `___statusUpdate`, `forward`, `statusUpdateAcknowledgement`, `_statusUpdateAcknowledgement`):
 *
 * 1. An update arrives, from an executor (UPDATE call), from the built-in command executor, or
 *    made by the agent itself (kill of an unknown task, executor terminated…). Updates for
 *    unknown or terminating frameworks are dropped: nobody would acknowledge them.
 * 2. The task's state follows it at once (so a reregistration reports the newest state); an
 *    update the executor's book rejects (task already terminated, unknown to the executor) is
 *    dropped but still acknowledged to the executor, so it stops retrying.
 * 3. The status-update manager queues it and forwards it when it is the head of its stream; the
 *    executor gets ACKNOWLEDGED once the manager has it.
 * 4. Forwarding records `status_update_state`/`uuid` on the task and adds `latest_state` when the
 *    task is already further on than the forwarded update, so that the master can free a task's
 *    resources while older updates still wait for acknowledgements (Mesos sets it on every
 *    forward; we leave it out when it equals the update's own state, which means the same).
 * 5. STATUS_UPDATE_ACKNOWLEDGEMENT pops the stream; acknowledging a terminal update completes
 *    the task, which may let its executor and framework be removed.
 *
 * Every update the agent or its command executor makes gets a fresh uuid from the env's random
 * stream, and `status.uuid` equal to it; an executor's update keeps the uuid the executor chose
 * (it must, to be acknowledged back to that executor). Updates from executors carry their
 * container's status.
 */
import type { AgentMessage, StatusUpdate } from '../core/messages/agent-protocol.js';
import { randomUuidBase64 } from '../core/messages/base64.js';
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { AgentID, ExecutorID, FrameworkID, TaskID } from '../core/messages/ids.js';
import type { ContainerStatus } from '../core/messages/network.js';
import type { TaskState, TaskStatusReason, TaskStatusSource } from '../core/messages/task-state.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { ExecutorRecord } from './book.js';
import type { AgentContext } from './context.js';
import { removeExecutorIfDone } from './executor-lifecycle.js';

/** What an update the agent makes says. */
export interface UpdateSpec {
  readonly frameworkId: FrameworkID;
  readonly taskId: TaskID;
  readonly state: TaskState;
  readonly source: TaskStatusSource;
  readonly message?: string | undefined;
  readonly reason?: TaskStatusReason;
  readonly executorId?: ExecutorID;
  /** The executor's container, on the updates an executor sends (see {@link containerStatusOf}). */
  readonly containerStatus?: ContainerStatus;
}

/** Each executor's ContainerStatus, made once. */
const CONTAINER_STATUSES = new WeakMap<ExecutorRecord, ContainerStatus>();

/**
 * The `container_status` Mesos's agent adds to an update its executor sends while the container
 * lives (src/slave/slave.cpp `_statusUpdate`): the container's id and, as the container has no
 * network of its own, the agent's address — its hostname in the simulated world, its listening
 * address in the live one. `executor_pid` is not reported. `fromExecutor` is what the executor
 * itself put there (a custom executor may name a nested container); its fields win.
 */
export function containerStatusOf(
  ctx: AgentContext,
  executor: ExecutorRecord,
  fromExecutor?: ContainerStatus,
): ContainerStatus {
  let status = CONTAINER_STATUSES.get(executor);
  if (status === undefined) {
    status = {
      container_id: { value: executor.containerId },
      network_infos: [{ ip_addresses: [{ ip_address: ctx.options.hostname ?? ctx.env.self }] }],
    };
    CONTAINER_STATUSES.set(executor, status);
  }
  if (fromExecutor === undefined) return status;
  return {
    ...status,
    ...fromExecutor,
    ...((fromExecutor.network_infos?.length ?? 0) > 0 ? {} : { network_infos: status.network_infos }),
  };
}

/** An update with a fresh uuid, stamped now, from this agent (undefined before registration). */
export function makeUpdate(ctx: AgentContext, spec: UpdateSpec): StatusUpdate | undefined {
  const agentId = ctx.link.agentId;
  if (agentId === undefined) return undefined;
  const uuid = randomUuidBase64(ctx.random);
  const timestamp = ctx.now() / 1000;
  // Built without conditional spreads (`...(x ? {} : {x})`), which V8 runs an order of
  // magnitude slower: the command executor's two shapes (with an executor id, no reason, a
  // message or not) as whole literals, any other field by field. The fields keep Mesos's order,
  // which a serialised update shows.
  const executorId = spec.executorId;
  const containerStatus = spec.containerStatus;
  const status: TaskStatus =
    executorId !== undefined && spec.reason === undefined && containerStatus !== undefined
      ? spec.message === undefined
        ? {
            task_id: spec.taskId,
            state: spec.state,
            source: spec.source,
            agent_id: agentId,
            executor_id: executorId,
            timestamp,
            uuid,
            container_status: containerStatus,
          }
        : {
            task_id: spec.taskId,
            state: spec.state,
            message: spec.message,
            source: spec.source,
            agent_id: agentId,
            executor_id: executorId,
            timestamp,
            uuid,
            container_status: containerStatus,
          }
      : statusFieldByField(spec, agentId, timestamp, uuid);
  return executorId === undefined
    ? { framework_id: spec.frameworkId, agent_id: agentId, status, timestamp, uuid }
    : { framework_id: spec.frameworkId, executor_id: executorId, agent_id: agentId, status, timestamp, uuid };
}

/** {@link makeUpdate}'s status in any shape. */
function statusFieldByField(spec: UpdateSpec, agentId: AgentID, timestamp: number, uuid: string): TaskStatus {
  const status: Mutable<TaskStatus> = { task_id: spec.taskId, state: spec.state };
  if (spec.message !== undefined) status.message = spec.message;
  status.source = spec.source;
  if (spec.reason !== undefined) status.reason = spec.reason;
  status.agent_id = agentId;
  if (spec.executorId !== undefined) status.executor_id = spec.executorId;
  status.timestamp = timestamp;
  status.uuid = uuid;
  if (spec.containerStatus !== undefined) status.container_status = spec.containerStatus;
  return status;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Makes an update (see {@link makeUpdate}) and sends it down the path of {@link statusUpdate}. */
export function sendUpdate(ctx: AgentContext, spec: UpdateSpec): void {
  const update = makeUpdate(ctx, spec);
  if (update === undefined) {
    ctx.trace('update-dropped', { task: spec.taskId.value, state: spec.state, why: 'not registered yet' });
    return;
  }
  statusUpdate(ctx, update, undefined);
}

/**
 * Sends an update about a task the agent does not hold (reconciliation, a launch it refuses)
 * straight to the status-update manager, as Mesos does for such updates: they need no framework
 * record, and one would be removed (with its streams) as soon as it had no executor.
 */
export function sendUnheldUpdate(ctx: AgentContext, spec: UpdateSpec): void {
  const update = makeUpdate(ctx, spec);
  if (update === undefined) {
    ctx.trace('update-dropped', { task: spec.taskId.value, state: spec.state, why: 'not registered yet' });
    return;
  }
  ctx.updates.update(update);
}

/**
 * Mesos `Slave::statusUpdate`: applies `update` to its task and hands it to the status-update
 * manager; `from` is the executor that sent it, which gets ACKNOWLEDGED.
 */
export function statusUpdate(
  ctx: AgentContext,
  update: StatusUpdate,
  from: ExecutorRecord | undefined,
): void {
  const frameworkId = update.framework_id.value;
  const taskId = update.status.task_id.value;
  const fw = ctx.book.frameworks.get(frameworkId);
  if (fw === undefined || fw.terminating) {
    // Mesos: nobody would acknowledge it (a terminating framework cannot send acknowledgements).
    traceDropped(ctx, update, fw === undefined ? 'unknown framework' : 'framework terminating');
    return;
  }
  const executor = ctx.book.executorOfTask(frameworkId, taskId);
  if (executor !== undefined) {
    const applied = ctx.book.updateTaskState(executor, update.status);
    if (!applied.ok) {
      traceDropped(ctx, update, applied.error);
      acknowledgeExecutor(ctx, from, update);
      return;
    }
    if (applied.value.changed && ctx.tracing) {
      ctx.trace('task', {
        framework: frameworkId,
        task: taskId,
        state: update.status.state,
        ...(update.status.reason === undefined ? {} : { reason: update.status.reason }),
      });
    }
  }
  // With no executor the update is still forwarded: it is the agent's answer about a task it
  // does not hold (Mesos forwards these too).
  const outcome = ctx.updates.update(update);
  if (outcome.kind === 'refused') return; // not acknowledged: the executor will retry it
  acknowledgeExecutor(ctx, from, update);
}

/** Traces an update that {@link statusUpdate} drops, and why. */
function traceDropped(ctx: AgentContext, update: StatusUpdate, why: string): void {
  ctx.trace('update-dropped', {
    framework: update.framework_id.value,
    task: update.status.task_id.value,
    state: update.status.state,
    why,
  });
}

/** ACKNOWLEDGED to the executor that sent an update (Mesos `___statusUpdate`). */
function acknowledgeExecutor(
  ctx: AgentContext,
  from: ExecutorRecord | undefined,
  update: StatusUpdate,
): void {
  if (from === undefined) return;
  ctx.sendExecutor(from, {
    type: 'ACKNOWLEDGED',
    acknowledged: { task_id: update.status.task_id, uuid: update.uuid },
  });
}

/** The status-update manager's `forward` (Mesos `Slave::forward`). */
export function forwardUpdate(ctx: AgentContext, update: StatusUpdate): void {
  const task = ctx.book.task(update.framework_id.value, update.status.task_id.value);
  let latest: TaskState | undefined;
  if (task !== undefined) {
    task.statusUpdateState = update.status.state;
    task.statusUpdateUuid = update.uuid;
    if (task.state !== update.status.state) latest = task.state;
  }
  // The agent's own updates already carry their uuid in `status.uuid`: they go as they are
  // (messages are immutable), rather than as a copy that would say the same.
  const sent =
    update.status.uuid === update.uuid
      ? update
      : { ...update, status: { ...update.status, uuid: update.uuid } };
  const message: AgentMessage =
    latest === undefined
      ? { type: 'STATUS_UPDATE', update: sent }
      : { type: 'STATUS_UPDATE', update: sent, latest_state: latest };
  ctx.sendMaster(message);
}

type Acknowledgement = Extract<AgentMessage, { type: 'STATUS_UPDATE_ACKNOWLEDGEMENT' }>;

/** STATUS_UPDATE_ACKNOWLEDGEMENT from the master. */
export function handleAcknowledgement(ctx: AgentContext, msg: Acknowledgement): void {
  const frameworkId = msg.framework_id.value;
  const taskId = msg.task_id.value;
  if (ctx.link.phase !== 'registered') {
    // Mesos drops acknowledgements unless it is registered (Slave::statusUpdateAcknowledgement).
    ctx.trace('status-update-ack-ignored', { framework: frameworkId, task: taskId, why: 'not registered' });
    return;
  }
  const outcome = ctx.updates.acknowledge(frameworkId, taskId, msg.uuid);
  if (outcome.kind !== 'acknowledged' || !outcome.terminal) return;
  const fw = ctx.book.frameworks.get(frameworkId);
  const executor = ctx.book.executorOfTask(frameworkId, taskId);
  if (fw === undefined || executor === undefined) return;
  if (executor.terminated.has(taskId)) ctx.book.completeTask(executor, taskId);
  removeExecutorIfDone(ctx, fw, executor);
}

/** Whether a framework said it is PARTITION_AWARE (it gets TASK_DROPPED/GONE instead of TASK_LOST). */
export function isPartitionAware(info: FrameworkInfo | undefined): boolean {
  return (info?.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
}

/** TASK_DROPPED for partition-aware frameworks, TASK_LOST for the others (Mesos's rule). */
export function droppedOrLost(info: FrameworkInfo | undefined): TaskState {
  return isPartitionAware(info) ? 'TASK_DROPPED' : 'TASK_LOST';
}
