/**
 * The agent's dynamic reservations and persistent volumes (Mesos src/slave/slave.cpp
 * `checkpointResourcesMessage`, `checkpointResources`; docs/reservation.md). The master sends the
 * whole list after each RESERVE, UNRESERVE, CREATE or DESTROY; the agent keeps it in its
 * checkpoint (checkpoint.ts), so that a restarted agent reports it again with its
 * (re)registration in `checkpointed_resources`, from which the master rebuilds the agent's total.
 */
import type { AgentMessage } from '../core/messages/agent-protocol.js';
import type { AgentContext } from './context.js';

/** CHECKPOINT_RESOURCES: the new list replaces the old one, then the checkpoint is written. */
export function handleCheckpointResources(
  ctx: AgentContext,
  message: Extract<AgentMessage, { type: 'CHECKPOINT_RESOURCES' }>,
): void {
  ctx.checkpointedResources = message.resources ?? [];
  ctx.trace('resources-checkpointed', { resources: ctx.checkpointedResources.length });
}
