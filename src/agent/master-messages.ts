/**
 * Dispatch of the master–agent protocol messages the master sends. Only the configured master
 * address is listened to (Mesos ignores messages "not from the expected master"); messages meant
 * for the master (REGISTER_AGENT, STATUS_UPDATE…) are ignored if they reach an agent.
 */
import { assertNever } from '../core/assert-never.js';
import { type AgentMessage, sentByMaster } from '../core/messages/agent-protocol.js';
import type { Address } from '../core/process.js';
import { handleCheckpointResources } from './checkpointed-resources.js';
import type { AgentContext } from './context.js';
import { handleFrameworkMessage } from './executor-link.js';
import { handlePing, handleRegistered, handleReregistered, reconcileTasks } from './registration.js';
import { handleAcknowledgement } from './status-updates.js';
import {
  handleKillTask,
  handleRunTask,
  handleRunTaskGroup,
  handleShutdownAgent,
  handleShutdownExecutor,
  handleShutdownFramework,
  handleUpdateFramework,
} from './tasks.js';

/** Handles a master–agent message from `from`. */
export function handleMasterMessage(ctx: AgentContext, from: Address, message: AgentMessage): void {
  if (from !== ctx.options.masterAddress) {
    ctx.trace('message-ignored', { from, what: message.type, why: 'not from the master' });
    return;
  }
  if (!sentByMaster(message)) {
    ctx.trace('message-ignored', { from, what: message.type, why: 'not a message for an agent' });
    return;
  }
  switch (message.type) {
    case 'AGENT_REGISTERED':
      handleRegistered(ctx, message);
      return;
    case 'AGENT_REREGISTERED':
      handleReregistered(ctx, message);
      return;
    case 'PING_AGENT':
      handlePing(ctx, from, message.connected);
      return;
    case 'RUN_TASK':
      handleRunTask(ctx, message);
      return;
    case 'RUN_TASK_GROUP':
      handleRunTaskGroup(ctx, message);
      return;
    case 'KILL_TASK':
      handleKillTask(ctx, message);
      return;
    case 'STATUS_UPDATE_ACKNOWLEDGEMENT':
      handleAcknowledgement(ctx, message);
      return;
    case 'RECONCILE_TASKS':
      if (ctx.link.phase === 'registered') reconcileTasks(ctx, message);
      return;
    case 'SHUTDOWN_FRAMEWORK':
      handleShutdownFramework(ctx, message.framework_id.value);
      return;
    case 'SHUTDOWN_EXECUTOR':
      handleShutdownExecutor(ctx, message.framework_id.value, message.executor_id.value);
      return;
    case 'UPDATE_FRAMEWORK':
      handleUpdateFramework(ctx, message);
      return;
    case 'FRAMEWORK_TO_EXECUTOR':
      handleFrameworkMessage(ctx, message);
      return;
    case 'SHUTDOWN_AGENT':
      handleShutdownAgent(ctx, message.message);
      return;
    case 'CHECKPOINT_RESOURCES':
      handleCheckpointResources(ctx, message);
      return;
    default:
      assertNever(message, 'agent message type');
  }
}
