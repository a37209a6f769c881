/**
 * How an injected capability (the command runner, the executor launcher) hands the agent what
 * happened outside it, without hidden asynchrony: it sets a timer on the agent's own env (a
 * 0 ms one for an event that already happened, e.g. a child process that exited in live mode),
 * and when that timer fires the agent asks each capability what it means. Everything the agent
 * learns thus arrives through its env, in the world's event order.
 */

/** What a capability says about a timer that fired on the agent's env. */
export type TimerReport<T> =
  /** The timer is not one this capability set. */
  | { readonly kind: 'not-mine' }
  /** The capability's own bookkeeping; nothing for the agent. */
  | { readonly kind: 'internal' }
  /** Something the agent must act on. */
  | { readonly kind: 'report'; readonly value: T };

/** The report for a timer a capability did not set. */
export const NOT_MINE: TimerReport<never> = Object.freeze({ kind: 'not-mine' });
