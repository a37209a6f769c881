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

/**
 * Pings fall due on a grid of this many ms. Mesos gives each agent its own ping timer; here
 * agents due in the same 100 ms share one timer, so a cluster of 10,000 agents costs at most
 * 150 timer firings per 15 s instead of 10,000. An agent's first ping interval is lengthened by
 * under 100 ms to reach the grid; later ones are exactly `agentPingTimeoutMs` when that is a
 * multiple of the grid (the default 15 s is).
 */
export const PING_GRID_MS = 100;

/** Starts pinging a newly (re)admitted agent. */
export function startHealthChecks(ctx: MasterContext, agent: AgentRecord): void {
  agent.health.timeouts = 0;
  ping(ctx, agent);
}

function ping(ctx: MasterContext, agent: AgentRecord): void {
  // On a quiet link the simulated world may take this ping and the following ones as sent and
  // answered (core/process.ts HealthElision): the same state as after each PONG, without the
  // messages, until the ping the world names, which is on this schedule. A ping that tells the
  // agent it is disconnected is always sent: its answer is a reregistration.
  const intervalMs = ctx.options.agentPingTimeoutMs;
  const resumeAtMs = agent.connected
    ? ctx.env.health?.elidePings(agent.address, intervalMs, PING_GRID_MS)
    : undefined;
  if (resumeAtMs !== undefined) {
    agent.health.pinged = false;
    agent.health.timeouts = 0;
    scheduleNextPing(ctx, agent, resumeAtMs);
    return;
  }
  ctx.sendAgent(agent, { type: 'PING_AGENT', connected: agent.connected });
  agent.health.pinged = true;
  scheduleNextPing(ctx, agent, Math.ceil((ctx.now() + intervalMs) / PING_GRID_MS) * PING_GRID_MS);
}

/** Puts the agent in the ping schedule at `dueAtMs`, a point of the grid (Infinity: never). */
function scheduleNextPing(ctx: MasterContext, agent: AgentRecord, dueAtMs: number): void {
  agent.health.dueAtMs = dueAtMs;
  if (dueAtMs === Number.POSITIVE_INFINITY) return;
  let due = ctx.pingsDue.get(dueAtMs);
  if (due === undefined) {
    due = [];
    ctx.pingsDue.set(dueAtMs, due);
    ctx.timers.set(dueAtMs - ctx.now(), 'agent-ping', () => pingsFallDue(ctx, dueAtMs));
  }
  due.push(agent);
}

/**
 * Every agent still due at `dueAtMs` (not removed or re-admitted since) counts its ping, in the
 * order of their ids: agents join a slot at different moments depending on whether their pings
 * were elided (core/process.ts HealthElision), and what happens at one instant must not depend
 * on that.
 */
function pingsFallDue(ctx: MasterContext, dueAtMs: number): void {
  const due = ctx.pingsDue.get(dueAtMs) ?? [];
  ctx.pingsDue.delete(dueAtMs);
  due.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const agent of due) {
    // A stale entry: the agent was removed, or re-admitted and re-scheduled (possibly twice in
    // this list, in which case the first visit moved its due time on).
    if (agent.health.dueAtMs !== dueAtMs || ctx.agents.get(agent.id) !== agent) continue;
    timeout(ctx, agent);
  }
}

function timeout(ctx: MasterContext, agent: AgentRecord): void {
  agent.health.dueAtMs = undefined;
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
