/**
 * The master's timers, a closed list (core/timer-table.ts): every timer the master sets is one
 * of these kinds, and the kind is the tag the trace shows. Mesos's master has the same timers
 * as `delay(...)` calls in src/master/master.cpp and allocator.cpp.
 */

import type { Env } from '../core/process.js';
import { type TimerKind, TimerTable } from '../core/timer-table.js';
import type { Wire } from '../core/wire.js';

/** The kinds of timer the master sets. */
export const MASTER_TIMERS = [
  /** A framework's next HEARTBEAT event (`--heartbeat_interval`, 15 s). */
  'heartbeat',
  /** A disconnected framework's failover timeout (`FrameworkInfo.failover_timeout`). */
  'framework-failover',
  /** The allocator's periodic batch (`--allocation_interval`, 1 s). */
  'allocation-interval',
  /** An allocation run asked for now (a change worth offering at once). */
  'allocate',
  /** An offer's `--offer_timeout`. */
  'offer-timeout',
  /** The health checks that fall due on one grid point (`--agent_ping_timeout`). */
  'agent-ping',
  /** A disconnected agent's time to reregister before it is marked unreachable (`agent_reregister_timeout`). */
  'agent-reregister',
  /** Recovered agents' time to reregister after a master failover (`--agent_reregister_timeout`). */
  'recovered-agents',
  /** The store's acknowledgement of a registry write. */
  'registry-write',
] as const;

/** A kind of master timer. */
export type MasterTimer = TimerKind<typeof MASTER_TIMERS>;

/** The master's timer table. */
export type MasterTimers = TimerTable<Wire, MasterTimer>;

/** A timer table over the master's env that takes only {@link MASTER_TIMERS}. */
export function masterTimers(env: Env<Wire>): MasterTimers {
  return new TimerTable(env, MASTER_TIMERS);
}
