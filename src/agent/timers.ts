/**
 * The agent's timers, a closed list (core/timer-table.ts): every timer the agent sets through
 * its table is one of these kinds, and the kind is the tag the trace shows. Its env also carries
 * timers it does not set itself: its command runner's and executor launcher's (each declares
 * its own kinds) and the simulated world's {@link HEALTH_WAKE_TAG}.
 */
import type { Env } from '../core/process.js';
import { type TimerKind, TimerTable } from '../core/timer-table.js';
import type { Wire } from '../core/wire.js';
import { CHECKPOINT_WRITE_TAG } from './checkpoint.js';
import { STATUS_UPDATE_RETRY_TAG } from './status-update-manager.js';

/** The kinds of timer the agent sets. */
export const AGENT_TIMERS = [
  /** The next (re)registration attempt, with backoff (Mesos `doReliableRegistration`). */
  'registration',
  /** No ping from the master for `agent_ping_timeout` × `max_agent_ping_timeouts`. */
  'master-ping-timeout',
  /** A custom executor's time to subscribe (`executor_registration_timeout`). */
  'executor-registration',
  /** An executor's shutdown grace period (`executor_shutdown_grace_period`). */
  'executor-shutdown',
  /** The status-update manager's retry of an unacknowledged update. */
  STATUS_UPDATE_RETRY_TAG,
  /** The store's acknowledgement of a checkpoint write. */
  CHECKPOINT_WRITE_TAG,
] as const;

/** A kind of agent timer. */
export type AgentTimer = TimerKind<typeof AGENT_TIMERS>;

/** The agent's timer table. */
export type AgentTimers = TimerTable<Wire, AgentTimer>;

/** A timer table over the agent's env that takes only {@link AGENT_TIMERS}. */
export function agentTimers(env: Env<Wire>): AgentTimers {
  return new TimerTable(env, AGENT_TIMERS);
}
