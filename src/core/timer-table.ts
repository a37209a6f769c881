/**
 * A process's own timers: each one set through the env is remembered with the action to run when
 * it fires, so `onTimer` needs no parsing of tags (tags stay for the trace only). The master and
 * the agent each keep one; timers that other components set through the same env (the agent's
 * command runner, say) are not in it, which is why {@link TimerTable.fire} says whether the id
 * was its own.
 */
import type { Env, TimerId } from './process.js';

/** Timer id → action for the pending timers set through one env. */
export class TimerTable<M> {
  readonly #env: Env<M>;
  readonly #actions = new Map<TimerId, () => void>();

  constructor(env: Env<M>) {
    this.#env = env;
  }

  /** Runs `action` after `delayMs` (negative delays count as 0); returns the id to cancel it with. */
  set(delayMs: number, tag: string, action: () => void): TimerId {
    const id = this.#env.setTimer(Math.max(0, delayMs), tag);
    this.#actions.set(id, action);
    return id;
  }

  /**
   * Runs `action` when `id` fires through onTimer though this table did not set it: the
   * acknowledgement of a {@link DurableStore.save}, which comes back as a timer does.
   */
  whenFired(id: TimerId, action: () => void): void {
    this.#actions.set(id, action);
  }

  /** Cancels a pending timer; undefined or an id that already fired is a no-op. */
  cancel(id: TimerId | undefined): void {
    if (id === undefined || !this.#actions.delete(id)) return;
    this.#env.cancelTimer(id);
  }

  /** Runs the action of a timer that fired; false if the id is not one of this table's. */
  fire(id: TimerId): boolean {
    const action = this.#actions.get(id);
    if (action === undefined) return false;
    this.#actions.delete(id);
    action();
    return true;
  }

  /** Timers pending. */
  get size(): number {
    return this.#actions.size;
  }
}
