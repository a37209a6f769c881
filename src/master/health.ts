/**
 * Agent health checks (Mesos `SlaveObserver`, mesos.md §7.2): PING_AGENT (with whether the master
 * considers the agent connected) on registration and every `agentPingTimeoutMs`; a ping still
 * unanswered when the next is due counts a timeout, a PONG_AGENT resets the count, and
 * `maxAgentPingTimeouts` timeouts in a row mark the agent unreachable. Pings go on while the
 * agent is disconnected (a `connected: false` ping tells it to reregister).
 */
import type { AgentRecord } from './agent-registry.js';
import { markUnreachable } from './agent-removal.js';
import type { MasterContext } from './context.js';

/** Starts pinging a newly (re)admitted agent. */
export function startHealthChecks(ctx: MasterContext, agent: AgentRecord): void {
  ctx.timers.cancel(agent.health.timer);
  agent.health.timeouts = 0;
  ping(ctx, agent);
}

function ping(ctx: MasterContext, agent: AgentRecord): void {
  ctx.sendAgent(agent, { type: 'PING_AGENT', connected: agent.connected });
  agent.health.pinged = true;
  agent.health.timer = ctx.timers.set(ctx.options.agentPingTimeoutMs, 'agent-ping', () =>
    timeout(ctx, agent),
  );
}

function timeout(ctx: MasterContext, agent: AgentRecord): void {
  agent.health.timer = undefined;
  if (ctx.agents.get(agent.id) !== agent) return;
  if (agent.health.pinged) {
    agent.health.timeouts++;
    if (agent.health.timeouts >= ctx.options.maxAgentPingTimeouts) {
      markUnreachable(ctx, agent, 'health check timed out');
      return;
    }
  }
  ping(ctx, agent);
}

/** A PONG_AGENT arrived. */
export function pong(agent: AgentRecord): void {
  agent.health.timeouts = 0;
  agent.health.pinged = false;
}
