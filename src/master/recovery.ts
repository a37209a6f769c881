/**
 * What a master does after it recovered its registry (src/master/master.cpp `_recover`,
 * `recoveredSlavesTimeout`; mesos.md §7.3): the agents the registry says were admitted are
 * "recovered" — expected back — until they reregister. Those that have not after
 * `agent_reregister_timeout` are marked unreachable in the registry, so that reconciling their
 * tasks answers TASK_UNREACHABLE (or TASK_LOST) rather than nothing. Mesos rate-limits these
 * removals and exits when more than `recovery_agent_removal_limit` (100%) of agents are
 * missing; Agora marks them all at once and has no such limit. With quota, allocation waits
 * until 80% of the recovered agents are back or 10 minutes have passed, as Mesos's allocator does.
 */
import type { MasterContext } from './context.js';

/** Mesos `DEFAULT_AGENT_RECOVERY_FACTOR`: the share of agents allocation waits for. */
export const AGENT_RECOVERY_FACTOR = 0.8;

/** Mesos `DEFAULT_ALLOCATOR_RECOVERY_TIMEOUT`: the longest allocation waits for them. */
export const ALLOCATOR_RECOVERY_TIMEOUT_MS = 10 * 60_000;

/** Starts the timeout for recovered agents, if the registry had any. */
export function startRecovery(ctx: MasterContext): void {
  const count = ctx.recoveredAgents.size;
  ctx.trace('registry-recovered', {
    agents: count,
    unreachable: ctx.agents.unreachable.size,
    durable: ctx.registrar.durable,
  });
  if (count === 0) return;
  if (Object.keys(ctx.registrar.document().quotas).length > 0) {
    // Mesos: with quota, allocation waits for 80% of the agents or 10 minutes
    // (allocator_agent_recovery_factor, allocator_recovery_timeout).
    ctx.allocation.pauseForRecovery?.(
      Math.ceil(AGENT_RECOVERY_FACTOR * count),
      ctx.now() + ALLOCATOR_RECOVERY_TIMEOUT_MS,
    );
  }
  const timeoutMs = ctx.options.agentReregisterTimeoutMs;
  ctx.timers.set(timeoutMs, 'recovered-agents', () => {
    const now = ctx.now();
    for (const id of [...ctx.recoveredAgents.keys()]) {
      ctx.recoveredAgents.delete(id);
      ctx.registrar.apply({ kind: 'mark-unreachable', id, atMs: now }, () => {
        // It may have reregistered while the write was on its way.
        if (ctx.agents.get(id) === undefined) ctx.agents.unreachable.set(id, now);
      });
      ctx.trace('recovered-agent-unreachable', { agent: id, afterMs: timeoutMs });
    }
  });
}
