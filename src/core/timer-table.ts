/**
 * A process's own timers (quinn-proto's `enum Timer` + `TimerTable`): each process declares the
 * kinds of timer it sets as a closed list (`const MASTER_TIMERS = [...] as const`), and its table
 * accepts only those, so a timer name is a type, not a free string. Each timer set through the
 * table is remembered with the action to run when it fires, so `onTimer` needs no parsing of
 * tags (the kind is the trace's tag, and only that). The master, the agent and the drivers each
 * keep one; timers that other components set through the same env (the agent's command runner,
 * say) are not in it, which is why {@link TimerTable.fire} says whether the id was its own.
 */
import type { DurableStore, Env, TimerId } from './process.js';

/** The union of a closed list of timer kinds (`TimerKind<typeof MASTER_TIMERS>`). */
export type TimerKind<Kinds extends readonly string[]> = Kinds[number];

/**
 * Whether `tag` is one of `kinds`: for a process that must tell the timers fired on its env
 * apart by kind (the agent, whose env also carries its command runner's timers).
 */
export function isTimerKind<const Kinds extends readonly string[]>(
  kinds: Kinds,
  tag: string,
): tag is TimerKind<Kinds> {
  return kinds.includes(tag);
}

/** Timer id → action for the pending timers of kind `K` set through one env. */
export class TimerTable<M, K extends string> {
  readonly #env: Env<M>;
  readonly #actions = new Map<TimerId, () => void>();

  /** The process's closed list of timer kinds (the only tags this table sets). */
  readonly kinds: readonly K[];

  constructor(env: Env<M>, kinds: readonly K[]) {
    this.#env = env;
    this.kinds = kinds;
  }

  /** Runs `action` after `delayMs` (negative delays count as 0); returns the id to cancel it with. */
  set(delayMs: number, kind: K, action: () => void): TimerId {
    const id = this.#env.setTimer(Math.max(0, delayMs), kind);
    this.#actions.set(id, action);
    return id;
  }

  /**
   * Writes `value` under `key` in `store` and runs `action` once the write is durable: the
   * store's acknowledgement comes back through onTimer as a timer of kind `kind` does.
   */
  save(store: DurableStore, key: string, value: string, kind: K, action: () => void): TimerId {
    const id = store.save(key, value, kind);
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

/**
 * The timers a component sets on an env it is handed at each call rather than one it owns (the
 * agent's command runner and executor launcher, whose timers fire on the agent): each id is
 * kept with its kind (one of the component's closed list) and a value, returned when it fires.
 */
export class TimerMap<K extends string, V> {
  readonly #pending = new Map<TimerId, { readonly kind: K; readonly value: V }>();

  /** The component's closed list of timer kinds (the only tags it sets). */
  readonly kinds: readonly K[];

  constructor(kinds: readonly K[]) {
    this.kinds = kinds;
  }

  /** Sets a timer of kind `kind` on `env` after `delayMs` (negative counts as 0), keeping `value`. */
  set<M>(env: Env<M>, delayMs: number, kind: K, value: V): TimerId {
    const id = env.setTimer(Math.max(0, delayMs), kind);
    this.#pending.set(id, { kind, value });
    return id;
  }

  /** The kind and value of timer `id`, which fired, and forgets it; undefined if it is not ours. */
  take(id: TimerId): { readonly kind: K; readonly value: V } | undefined {
    const fired = this.#pending.get(id);
    if (fired !== undefined) this.#pending.delete(id);
    return fired;
  }

  /** Cancels a pending timer; undefined or an id that is not pending is a no-op. */
  cancel<M>(env: Env<M>, id: TimerId | undefined): void {
    if (id === undefined || !this.#pending.delete(id)) return;
    env.cancelTimer(id);
  }
}
