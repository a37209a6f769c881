/**
 * The agent's executor state machine (Mesos src/slave/slave.hpp `Executor::State`: REGISTERING,
 * RUNNING, TERMINATING, TERMINATED) as one table of phase × event → next phase, in h11's
 * `_state.py` style: the rules are here, and the handlers only apply them (plus their own
 * guards, such as a framework being torn down). `null`: the event does not move the executor,
 * and the handler ignores or refuses it.
 */
import type { ExecutorPhase } from './book.js';

/** What happens to an executor, as the phase machine sees it. */
export type ExecutorPhaseEvent =
  /** It subscribed (or resubscribed) over the executor API (Mesos `registerExecutor`). */
  | 'subscribed'
  /** The agent asks it to shut down (Mesos `_shutdownExecutor`). */
  | 'shutdown'
  /** It did not subscribe within `executor_registration_timeout`. */
  | 'registration-timeout'
  /** Its connection to the agent broke. */
  | 'link-exited'
  /** Its container is gone (Mesos `executorTerminated`). */
  | 'terminated';

/** The rules: phase × event → next phase, or null to ignore the event. */
export const EXECUTOR_TRANSITIONS = {
  registering: {
    subscribed: 'running',
    shutdown: 'terminating',
    'registration-timeout': 'terminating',
    'link-exited': 'terminating',
    terminated: 'terminated',
  },
  running: {
    subscribed: 'running',
    shutdown: 'terminating',
    'registration-timeout': null,
    'link-exited': 'terminating',
    terminated: 'terminated',
  },
  terminating: {
    subscribed: null,
    shutdown: null,
    'registration-timeout': null,
    'link-exited': 'terminating',
    terminated: 'terminated',
  },
  terminated: {
    subscribed: null,
    shutdown: null,
    'registration-timeout': null,
    'link-exited': null,
    terminated: null,
  },
} as const satisfies Readonly<
  Record<ExecutorPhase, Readonly<Record<ExecutorPhaseEvent, ExecutorPhase | null>>>
>;

/** The phase `event` moves an executor in `phase` to; null if it does not move it. */
export function nextExecutorPhase(phase: ExecutorPhase, event: ExecutorPhaseEvent): ExecutorPhase | null {
  return EXECUTOR_TRANSITIONS[phase][event];
}
