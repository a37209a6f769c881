/**
 * Whether a SUBSCRIBE may bring back a framework id this master does not have (issue 13 item 9).
 *
 * Mesos takes any such id as a framework coming back after a master failover and recovers it
 * (src/master/master.cpp `_subscribe` → `recoverFramework`), at any time and for any number of
 * ids, because its registry does not keep frameworks. Agora's registry does (registry.ts), so:
 *
 * - an id the registry lists (admitted by this master or an earlier one on the same registry)
 *   comes back at any time, as in Mesos;
 * - an id the registry does not list can only be a framework whose admission an earlier master
 *   lost (an in-memory registry, or a crash before the write was durable), which comes back
 *   while the master recovers: within `agent_reregister_timeout` (10 min) of its start, the
 *   window Mesos gives agents to come back; and no more than `maxRecoveredFrameworks` of them;
 * - an id with this master's own prefix that it never issued is made up.
 *
 * Anything else is refused ("not known to this master"), so SUBSCRIBEs with made-up ids cannot
 * grow the registry (each id was a registry write, fsynced) without bound.
 */
import type { MasterContext } from './context.js';

/** Why a SUBSCRIBE with unknown framework `id` is refused, or undefined to recover it. */
export function unknownFrameworkProblem(ctx: MasterContext, id: string): string | undefined {
  if (ctx.registrar.frameworkAdmitted(id)) return undefined;
  const notKnown = `Framework ${id} is not known to this master`;
  if (id.startsWith(`${ctx.ids.masterId}-`)) return `${notKnown}: it did not issue this id`;
  const window = ctx.options.agentReregisterTimeoutMs;
  if (ctx.now() - ctx.startedAtMs > window) {
    return `${notKnown}, and frameworks it lost come back only within ${window / 1000} s of its start (agent_reregister_timeout); subscribe without an id`;
  }
  if (ctx.unknownFrameworksAdmitted >= ctx.options.limits.maxRecoveredFrameworks) {
    return `${notKnown}, and it has already taken back ${ctx.unknownFrameworksAdmitted} frameworks it did not know; subscribe without an id`;
  }
  return undefined;
}
