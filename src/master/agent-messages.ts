/**
 * Dispatch of the master–agent protocol messages an agent sends to the master. Messages meant
 * for agents (RUN_TASK, PING_AGENT…) are ignored if they reach the master.
 */
import { assertNever } from '../core/assert-never.js';
import { type AgentMessage, sentByAgent } from '../core/messages/agent-protocol.js';
import type { Address } from '../core/process.js';
import { handleRegister, handleReregister } from './agent-registration.js';
import { removeAgent } from './agent-removal.js';
import type { MasterContext } from './context.js';
import { pong } from './health.js';
import { handleExecutorMessage, handleExitedExecutor, handleStatusUpdate } from './status-update.js';

/** Handles a message from an agent at `from`. */
export function handleAgentMessage(ctx: MasterContext, from: Address, message: AgentMessage): void {
  if (!sentByAgent(message)) {
    ctx.trace('agent-message-ignored', { from, what: message.type, why: 'not a message for the master' });
    return;
  }
  switch (message.type) {
    case 'REGISTER_AGENT':
      handleRegister(ctx, from, message);
      return;
    case 'REREGISTER_AGENT':
      handleReregister(ctx, from, message);
      return;
    case 'UNREGISTER_AGENT': {
      const agent = ctx.agents.get(message.agent_id.value);
      if (agent?.address === from) removeAgent(ctx, agent, 'the agent unregistered');
      else ctx.trace('agent-message-ignored', { from, what: message.type, why: 'not from that agent' });
      return;
    }
    case 'PONG_AGENT': {
      const agent = ctx.agents.at(from);
      if (agent !== undefined) pong(agent);
      return;
    }
    case 'STATUS_UPDATE':
      handleStatusUpdate(ctx, from, message);
      return;
    case 'EXITED_EXECUTOR':
      handleExitedExecutor(ctx, from, message);
      return;
    case 'EXECUTOR_TO_FRAMEWORK':
      handleExecutorMessage(ctx, from, message);
      return;
    default:
      assertNever(message, 'agent message type');
  }
}
