/**
 * The sans-IO process model (ARCHITECTURE.md §1). Master, agent, scheduler driver and executor
 * driver are {@link Process}es: state machines that react to a start, a message, a timer firing
 * or a stop, and act only through the {@link Env} they are handed. Two composition roots supply
 * environments: the simulated world (virtual clock, simulated network) and the live node (wall
 * clock, TCP). Nothing below them touches a clock, a timer, a socket, a file or Math.random.
 */

import type { TimerMap, TimerTable } from './timer-table.js';

/** A process's name on the network, e.g. `master`, `agent-3`, `scheduler-A`. */
export type Address = string;

/** Identifies a timer set through {@link Env.setTimer}. */
export type TimerId = number;

/**
 * One line of a run's trace: a JSON-serialisable record with a `kind`. The simulated world
 * stamps each with the time and the emitting process; identical runs give identical traces.
 */
export interface TraceEvent {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/** Everything a process may touch; nothing else. `M` is the message vocabulary. */
export interface Env<M> {
  /** This process's address. */
  readonly self: Address;
  /** Milliseconds on this world's clock (virtual in the simulator, wall time live). */
  now(): number;
  /** Sends a message; delivery is up to the network (it may be delayed, lost or duplicated). */
  send(to: Address, msg: M): void;
  /**
   * Fires {@link Process.onTimer} with `tag` after `delayMs`, unless cancelled first. Processes
   * set timers through a {@link TimerTable} (or a {@link TimerMap}), which takes only their
   * declared kinds as tags, rather than calling this directly.
   */
  setTimer(delayMs: number, tag: string): TimerId;
  /** Cancels a timer; cancelling one that already fired or was cancelled is a no-op. */
  cancelTimer(id: TimerId): void;
  /** Uniform in [0, 1) from this process's own seeded stream. */
  random(): number;
  /** Records an event in the run's trace. */
  trace(event: TraceEvent): void;
  /**
   * false when trace records are discarded (tracing off), so a process may skip building
   * costly ones; absent means they are kept. A hint only: tracing never changes behaviour.
   */
  readonly tracing?: boolean;
  /** Storage that outlives this process's crashes (the master's registry); absent: none. */
  readonly store?: DurableStore;
  /**
   * Present only in the simulated world's fast mode: lets the master and agents skip health
   * check messages on links where nothing can go wrong (see {@link HealthElision}).
   */
  readonly health?: HealthElision;
}

/**
 * Health checks (the master's PING_AGENT every `agent_ping_timeout`, the agent's PONG_AGENT, the
 * agent's deadline for the next ping) as the simulated world may carry them without messages.
 *
 * A ping on a link with no fault (both ends up, no partition either way, no loss or
 * duplication, no skewed clock) and none scheduled before its answer could return has only one
 * possible outcome: it arrives after its drawn latency and its answer arrives after another. So
 * do all the pings the master will send on that link until the next fault is scheduled. The
 * world then lets the master take them all as sent and answered, and records when each would
 * have reached the agent, so that the agent's ping deadline moves exactly as it would have.
 * Nothing either side decides changes; only the messages are not simulated, and the master
 * looks at the agent's health again only when a fault may be near. The live world has no such
 * thing: there every ping is a message.
 */
export interface HealthElision {
  /**
   * Called by the master instead of sending a ping to `to` now, when its pings to `to` fall due
   * every `intervalMs` on a grid of `gridMs` (the next one due at the first grid point at least
   * `intervalMs` from now). Returns undefined to send this ping as a message. Otherwise this
   * ping and the following ones up to the returned time are elided (recorded as delivered to
   * `to` at their drawn arrival times, and answered): the master takes them as answered and
   * pings `to` again at that time, which is on its schedule (Infinity: never, no fault ahead).
   */
  elidePings(to: Address, intervalMs: number, gridMs: number): number | undefined;
  /**
   * Called by the master when it stops pinging `to` (the agent was removed): the world then
   * fires a timer tagged {@link HEALTH_WAKE_TAG} on `to`, so that an agent that was counting
   * on elided pings looks at its ping deadline again.
   */
  stopped(to: Address): void;
  /** The agent: when the latest elided ping from `from` reached it, not after now; -Infinity if none. */
  lastElidedPingMs(from: Address): number;
  /**
   * The agent, whose ping deadline is `timeoutMs` after the last ping: a time before which that
   * deadline cannot pass, because elided pings from `from` are sure to keep arriving until then
   * (until the next scheduled fault); -Infinity when nothing is sure.
   */
  pingDeadlineSafeUntilMs(from: Address, timeoutMs: number): number;
}

/** The tag of the timer the simulated world fires on an agent whose elided pings stopped. */
export const HEALTH_WAKE_TAG = 'health-wake';

/**
 * Durable key-value storage owned by one process's machine, as the sans-IO processes see it.
 * Writes are atomic (the old value or the new one survives, never a torn mix) but not durable
 * until acknowledged: the live store writes a temporary file, fsyncs it, renames it over the
 * old one and fsyncs the directory; the simulated disk acknowledges after a drawn fsync
 * latency, and a crash before that may lose the write or keep it. A process must therefore
 * act on a write (tell a peer, say) only once it is acknowledged.
 */
export interface DurableStore {
  /** The value stored under `key` when this process started (a read at recovery). */
  load(key: string): string | undefined;
  /**
   * Replaces `key`'s value. Once the write is durable, {@link Process.onTimer} fires with `tag`
   * and the returned id, as a timer would; a crash first means it never fires.
   */
  save(key: string, value: string, tag: string): TimerId;
}

/** A state machine driven by its environment. */
export interface Process<M> {
  /** Called once when the process starts (or restarts after a crash, with fresh state). */
  onStart(env: Env<M>): void;
  /** A message arrived from `from`. */
  onMessage(env: Env<M>, from: Address, msg: M): void;
  /**
   * A timer set with {@link Env.setTimer} (or a store write's acknowledgement) fired. `tag` is
   * the kind it was set with: one of a closed list its setter declares (core/timer-table.ts),
   * kept for the trace; processes tell their timers apart by `id`. Every `onTimer` in the
   * project, the agent's command runners and executor launchers included, takes (env, tag, id).
   */
  onTimer(env: Env<M>, tag: string, id: TimerId): void;
  /** Called when the process is stopped in an orderly way (not on a crash). */
  onStop?(env: Env<M>): void;
}
