/**
 * The agent's own timers: each one set through the env is remembered with the action to run when
 * it fires, so `onTimer` needs no parsing of tags (tags stay for the trace only). Timers set by
 * the injected command runner and executor launcher are theirs, not in this table (agent.ts
 * routes them).
 */
import type { Env, TimerId } from '../core/process.js';
import type { Wire } from '../core/wire.js';

/** Timer id → action for the agent's pending timers. */
export class TimerTable {
  readonly #env: Env<Wire>;
  readonly #actions = new Map<TimerId, () => void>();

  constructor(env: Env<Wire>) {
    this.#env = env;
  }

  /** Runs `action` after `delayMs`; returns the id to cancel it with. */
  set(delayMs: number, tag: string, action: () => void): TimerId {
    const id = this.#env.setTimer(Math.max(0, delayMs), tag);
    this.#actions.set(id, action);
    return id;
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
