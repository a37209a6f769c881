/**
 * KILL, ACKNOWLEDGE, MESSAGE and SHUTDOWN (src/master/master.cpp `kill`, `acknowledge`,
 * `message`, `shutdown`).
 */
import { base64ByteLength, UUID_BYTES } from '../core/messages/base64.js';
import type {
  CallAcknowledge,
  CallKill,
  CallMessage,
  CallShutdown,
} from '../core/messages/scheduler-call.js';
import { isTerminalState } from '../core/messages/task-state.js';
import { taskKey } from './agent-registry.js';
import type { MasterContext } from './context.js';
import type { FrameworkRecord } from './framework-registry.js';
import { reconcile } from './reconcile.js';
import { removeTask } from './task-lifecycle.js';

/**
 * KILL: a known task's agent gets KILL_TASK (remembered, and sent again if the agent is
 * disconnected now and reregisters); an unknown task is reconciled instead (Mesos `kill`). The
 * agent answers a task it has not launched yet with TASK_KILLED. (Mesos's master itself answers
 * TASK_KILLED only for tasks still pending authorization, a stage Agora's master does not have.)
 */
export function handleKill(ctx: MasterContext, framework: FrameworkRecord, kill: CallKill): void {
  const taskId = kill.task_id.value;
  const task = ctx.tasks.get(framework.id, taskId);
  if (task === undefined) {
    reconcile(ctx, framework, [
      { task_id: kill.task_id, ...(kill.agent_id === undefined ? {} : { agent_id: kill.agent_id }) },
    ]);
    return;
  }
  if (kill.agent_id !== undefined && kill.agent_id.value !== task.agentId) {
    ctx.trace('call-dropped', {
      framework: framework.id,
      type: 'KILL',
      why: `task ${taskId} is on another agent`,
    });
    return;
  }
  const agent = ctx.agents.get(task.agentId);
  if (agent === undefined) return;
  agent.killedTasks.add(taskKey(framework.id, taskId));
  if (!agent.connected) {
    ctx.trace('kill-deferred', { framework: framework.id, task: taskId, agent: agent.id });
    return;
  }
  ctx.sendAgent(agent, {
    type: 'KILL_TASK',
    framework_id: framework.frameworkId,
    task_id: kill.task_id,
    ...(kill.kill_policy === undefined ? {} : { kill_policy: kill.kill_policy }),
  });
  ctx.trace('kill', { framework: framework.id, task: taskId, agent: agent.id });
}

/**
 * ACKNOWLEDGE: relayed to the agent as STATUS_UPDATE_ACKNOWLEDGEMENT. Acknowledging a task's
 * terminal update removes the task (Mesos `acknowledge`).
 */
export function handleAcknowledge(
  ctx: MasterContext,
  framework: FrameworkRecord,
  ack: CallAcknowledge,
): void {
  if (base64ByteLength(ack.uuid) !== UUID_BYTES) {
    traceAckDropped(ctx, framework, ack, 'uuid is not a UUID');
    return;
  }
  const agent = ctx.agents.get(ack.agent_id.value);
  if (agent === undefined) {
    traceAckDropped(ctx, framework, ack, 'agent is not registered');
    return;
  }
  if (!agent.connected) {
    traceAckDropped(ctx, framework, ack, 'agent is disconnected');
    return;
  }
  const task = ctx.tasks.onAgent(agent.id, framework.id, ack.task_id.value);
  if (task !== undefined) {
    if (task.statusUpdateState === undefined) {
      traceAckDropped(ctx, framework, ack, 'the update was not sent by this master');
      return;
    }
    if (isTerminalState(task.statusUpdateState) && task.statusUpdateUuid === ack.uuid) removeTask(ctx, task);
  }
  ctx.sendAgent(agent, {
    type: 'STATUS_UPDATE_ACKNOWLEDGEMENT',
    agent_id: agent.agentId,
    framework_id: framework.frameworkId,
    task_id: ack.task_id,
    uuid: ack.uuid,
  });
}

/** Traces an acknowledgement {@link handleAcknowledge} drops, and why. */
function traceAckDropped(
  ctx: MasterContext,
  framework: FrameworkRecord,
  ack: CallAcknowledge,
  why: string,
): void {
  ctx.trace('acknowledge-dropped', { framework: framework.id, task: ack.task_id.value, why });
}

/** MESSAGE: best effort to the executor, through its agent (FRAMEWORK_TO_EXECUTOR). */
export function handleMessage(ctx: MasterContext, framework: FrameworkRecord, message: CallMessage): void {
  const agent = ctx.agents.get(message.agent_id.value);
  if (agent === undefined || !agent.connected) {
    ctx.trace('message-dropped', { framework: framework.id, agent: message.agent_id.value });
    return;
  }
  ctx.sendAgent(agent, {
    type: 'FRAMEWORK_TO_EXECUTOR',
    agent_id: agent.agentId,
    framework_id: framework.frameworkId,
    executor_id: message.executor_id,
    data: message.data,
  });
}

/** SHUTDOWN: the agent shuts the executor down (SHUTDOWN_EXECUTOR). */
export function handleShutdown(ctx: MasterContext, framework: FrameworkRecord, shutdown: CallShutdown): void {
  const agent = ctx.agents.get(shutdown.agent_id.value);
  if (agent === undefined) {
    ctx.trace('shutdown-dropped', { framework: framework.id, agent: shutdown.agent_id.value });
    return;
  }
  ctx.sendAgent(agent, {
    type: 'SHUTDOWN_EXECUTOR',
    executor_id: shutdown.executor_id,
    framework_id: framework.frameworkId,
  });
}
