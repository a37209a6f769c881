/**
 * What agents report about tasks and executors (src/master/master.cpp `statusUpdate`,
 * `exitedExecutor`, `executorMessage`):
 * - STATUS_UPDATE is forwarded to the framework as UPDATE (dropped while it is disconnected: the
 *   agent retries), then applied to the task, which frees its resources on the first terminal or
 *   unreachable state (mesos.md §10: forwarded before `updateTask` frees them);
 * - EXITED_EXECUTOR frees the executor's resources and tells the framework FAILURE{agent_id,
 *   executor_id, status};
 * - EXECUTOR_TO_FRAMEWORK becomes a MESSAGE event.
 * Updates from agents the master removed, or does not know, are ignored: such an agent has to
 * reregister first; so are updates about an agent from another address. A live task it does not
 * know, of a framework that does not checkpoint, is one it wrote off: it is killed (see
 * {@link killWrittenOffTask}).
 */
import type { AgentMessage } from '../core/messages/agent-protocol.js';
import { base64ByteLength, UUID_BYTES } from '../core/messages/base64.js';
import { isTerminalState } from '../core/messages/task-state.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { Address } from '../core/process.js';
import type { AgentRecord } from './agent-registry.js';
import type { MasterContext } from './context.js';
import { failureEvent } from './events.js';
import { findExecutor, removeExecutor } from './executors.js';
import { forwardStatus, updateTask } from './task-lifecycle.js';

type StatusUpdateMessage = Extract<AgentMessage, { type: 'STATUS_UPDATE' }>;
type ExitedExecutor = Extract<AgentMessage, { type: 'EXITED_EXECUTOR' }>;
type ExecutorToFramework = Extract<AgentMessage, { type: 'EXECUTOR_TO_FRAMEWORK' }>;

/**
 * The registered agent a message is about, or undefined (traced) for removed and unknown ones,
 * and for a message that does not come from that agent's address: an agent speaks only for
 * itself (Mesos checks the sender only on UNREGISTER; Agora on every report, so one agent cannot
 * end another's tasks and free resources still in use).
 */
function reportingAgent(
  ctx: MasterContext,
  from: Address,
  agentId: string,
  what: string,
): AgentRecord | undefined {
  const agent = ctx.agents.get(agentId);
  if (agent === undefined) {
    const why = ctx.agents.removed.has(agentId) ? 'removed agent' : 'unknown agent';
    ctx.trace('agent-message-ignored', { agent: agentId, what, why });
    return undefined;
  }
  if (agent.address !== from) {
    ctx.trace('agent-message-ignored', { agent: agentId, what, why: `not from the agent but from ${from}` });
    return undefined;
  }
  return agent;
}

/** STATUS_UPDATE. */
export function handleStatusUpdate(ctx: MasterContext, from: Address, msg: StatusUpdateMessage): void {
  const update = msg.update;
  const agent = reportingAgent(ctx, from, update.agent_id.value, 'STATUS_UPDATE');
  if (agent === undefined) return;
  if (base64ByteLength(update.uuid) !== UUID_BYTES) {
    ctx.trace('agent-message-ignored', { agent: agent.id, what: 'STATUS_UPDATE', why: 'uuid is not a UUID' });
    return;
  }
  // An agent's status carries its uuid and agent id already (Agora's agent sets both): it is
  // used as it is (messages are immutable) rather than copied to say the same.
  const given = update.status;
  const status: TaskStatus =
    given.uuid !== undefined && given.agent_id !== undefined
      ? given
      : { ...given, uuid: given.uuid ?? update.uuid, agent_id: given.agent_id ?? update.agent_id };
  const frameworkId = update.framework_id.value;
  const taskId = status.task_id.value;
  // The framework's task of that id is, when it is on this agent, the agent's task of that id
  // too (the task book indexes a record both ways, and a later record of the same id replaces
  // it in both): one look-up serves both uses in the common case.
  const ofFramework = ctx.tasks.get(frameworkId, taskId);
  const framework = ctx.frameworks.get(frameworkId);
  if (framework === undefined || !forwardStatus(ctx, framework, status, ofFramework)) {
    ctx.trace('update-not-forwarded', {
      framework: frameworkId,
      task: taskId,
      state: status.state,
      why: framework === undefined ? 'unknown framework' : 'framework disconnected',
    });
  }
  const task =
    ofFramework !== undefined && ofFramework.agentId === agent.id
      ? ofFramework
      : ctx.tasks.onAgent(agent.id, frameworkId, taskId);
  if (task === undefined) {
    ctx.trace('agent-message-ignored', {
      agent: agent.id,
      what: 'STATUS_UPDATE',
      why: `unknown task ${status.task_id.value}`,
    });
    killWrittenOffTask(ctx, agent, frameworkId, status);
    return;
  }
  updateTask(ctx, task, status, msg.latest_state);
}

/**
 * A task of a non-checkpointing framework that the master ended (TASK_LOST) when the agent
 * disconnected, reported alive by the agent after it reregistered: its RUN_TASK went out on a
 * new connection just before the master heard the old one break, and reached the agent after
 * the reregistration that would have reported it was sent. Its resources were offered again,
 * so it is killed, as the reregistration kills the written-off tasks it reports
 * (agent-registration.ts `killWrittenOff`); left running it over-committed the agent (chaos
 * seed 148 --minutes 30, agent-capacity).
 */
function killWrittenOffTask(
  ctx: MasterContext,
  agent: AgentRecord,
  frameworkId: string,
  status: TaskStatus,
): void {
  if (isTerminalState(status.state)) return;
  const framework = ctx.frameworks.get(frameworkId);
  if (framework === undefined || framework.info.checkpoint === true) return;
  ctx.sendAgent(agent, { type: 'KILL_TASK', framework_id: framework.frameworkId, task_id: status.task_id });
  ctx.trace('task-written-off-killed', {
    agent: agent.id,
    framework: framework.id,
    task: status.task_id.value,
  });
}

/** EXITED_EXECUTOR. */
export function handleExitedExecutor(ctx: MasterContext, from: Address, msg: ExitedExecutor): void {
  const agent = reportingAgent(ctx, from, msg.agent_id.value, 'EXITED_EXECUTOR');
  if (agent === undefined) return;
  const frameworkId = msg.framework_id.value;
  if (findExecutor(agent, frameworkId, msg.executor_id.value) === undefined) {
    ctx.trace('agent-message-ignored', { agent: agent.id, what: 'EXITED_EXECUTOR', why: 'unknown executor' });
    return;
  }
  removeExecutor(ctx, agent, frameworkId, msg.executor_id.value);
  const framework = ctx.frameworks.get(frameworkId);
  if (framework !== undefined)
    ctx.sendEvent(framework, failureEvent(agent.agentId, msg.executor_id, msg.status));
  ctx.trace('executor-exited', {
    agent: agent.id,
    framework: frameworkId,
    executor: msg.executor_id.value,
    status: msg.status,
  });
}

/** EXECUTOR_TO_FRAMEWORK. */
export function handleExecutorMessage(ctx: MasterContext, from: Address, msg: ExecutorToFramework): void {
  const agent = reportingAgent(ctx, from, msg.agent_id.value, 'EXECUTOR_TO_FRAMEWORK');
  if (agent === undefined) return;
  const framework = ctx.frameworks.get(msg.framework_id.value);
  const sent =
    framework !== undefined &&
    ctx.sendEvent(framework, {
      type: 'MESSAGE',
      message: { agent_id: msg.agent_id, executor_id: msg.executor_id, data: msg.data },
    });
  if (!sent) ctx.trace('message-dropped', { agent: agent.id, framework: msg.framework_id.value });
}
