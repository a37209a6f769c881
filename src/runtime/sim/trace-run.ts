/**
 * Trace tasks in a simulated run: the {@link TraceReplay} (dependencies, figures) wired to the
 * run's frameworks, and the feed that submits tasks at their times. Tasks come in submission
 * order, inline (all pushed at the start) or from a file through {@link pumpTraceTasks}, which
 * reads only as far ahead as the clock needs: the world never runs past a time for which a task
 * might still be unread, and at most {@link MAX_BUFFERED_TASKS} read tasks wait for their time,
 * so a trace of millions of tasks is never in memory.
 *
 * One harness action is pending at a time (at the next buffered task's time), as the job
 * submissions do, so a long trace does not fill the event queue.
 */
import type { Wire } from '../../core/wire.js';
import type { TraceSummary } from '../../metrics/trace-summary.js';
import type { TraceTaskSpec } from '../../scenario/trace-task.js';
import type { ScenarioFramework } from '../../workload/scenario-framework.js';
import { TraceReplay } from '../../workload/trace-replay.js';
import type { SimWorld } from './world.js';

/** Read tasks waiting for their submission time, at most (before the clock must move on). */
export const MAX_BUFFERED_TASKS = 50_000;

/** The clock's grain: scenario times are whole microseconds. */
const TICK_MS = 0.001;

/** The trace part of a scenario run. */
export class TraceRun {
  readonly #world: SimWorld<Wire>;
  readonly #untilMs: number;
  readonly #targets = new Map<string, ScenarioFramework>();
  readonly replay: TraceReplay;
  #buffer: TraceTaskSpec[] = [];
  #head = 0;
  #scheduled = false;
  #lastAtMs = 0;
  #pushed = 0;

  constructor(world: SimWorld<Wire>, untilMs: number, roles: ReadonlyMap<string, string>) {
    this.#world = world;
    this.#untilMs = untilMs;
    this.replay = new TraceReplay(this.#targets, roles, () => world.now);
  }

  /** What a framework's options need so its trace tasks report here and can be killed on time. */
  frameworkOptions(): {
    at: (atMs: number, action: () => void) => void;
    traceSink: TraceReplay;
  } {
    return { at: (atMs, action) => this.#world.at(atMs, () => action()), traceSink: this.replay };
  }

  /** Registers the framework that runs `name`'s trace tasks. */
  addFramework(name: string, framework: ScenarioFramework): void {
    this.#targets.set(name, framework);
  }

  /** Tasks read so far and waiting for their time. */
  get buffered(): number {
    return this.#buffer.length - this.#head;
  }

  /** Tasks pushed so far. */
  get pushed(): number {
    return this.#pushed;
  }

  /** The submission time of the last task pushed. */
  get lastAtMs(): number {
    return this.#lastAtMs;
  }

  /**
   * Adds the next task in submission order (a task at or after the run's end is dropped). An
   * out-of-order task is a bug of the reader, which checks the order with the file's line.
   */
  push(task: TraceTaskSpec): void {
    if (task.atMs < this.#lastAtMs) {
      throw new Error(`assertion failed: trace task at ${task.atMs} ms after one at ${this.#lastAtMs} ms`);
    }
    if (task.atMs < this.#world.now) {
      throw new Error(`assertion failed: trace task at ${task.atMs} ms pushed at ${this.#world.now} ms`);
    }
    this.#lastAtMs = task.atMs;
    if (task.atMs >= this.#untilMs) return;
    this.#buffer.push(task);
    this.#pushed++;
    if (!this.#scheduled) this.#schedule(task.atMs);
  }

  /** The figures so far. */
  summary(): TraceSummary {
    return this.replay.summary();
  }

  #schedule(atMs: number): void {
    this.#scheduled = true;
    this.#world.at(atMs, () => this.#fire());
  }

  #fire(): void {
    this.#scheduled = false;
    const now = this.#world.now;
    while (this.#head < this.#buffer.length && (this.#buffer[this.#head] as TraceTaskSpec).atMs <= now) {
      const task = this.#buffer[this.#head] as TraceTaskSpec;
      this.#buffer[this.#head] = undefined as unknown as TraceTaskSpec;
      this.#head++;
      this.replay.submit(task);
    }
    if (this.#head > 4096 && this.#head * 2 > this.#buffer.length) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
    const next = this.#buffer[this.#head];
    if (next !== undefined) this.#schedule(next.atMs);
  }
}

/** Something that runs a world forward (a {@link ScenarioRun}). */
export interface Advancer {
  readonly nowMs: number;
  readonly untilMs: number;
  readonly done: boolean;
  advance(toMs: number): number;
}

/**
 * Runs `run` to `toMs` while reading tasks from `source` into `trace` just in time: before the
 * world may pass a time, every task submitted up to it has been read. Returns when the world has
 * reached `toMs` (or the run's end). `state` carries the one task read ahead between calls.
 */
export async function pumpTraceTasks(
  run: Advancer,
  trace: TraceRun,
  source: AsyncIterator<TraceTaskSpec>,
  toMs: number,
  state: { ahead: TraceTaskSpec | undefined; exhausted: boolean },
  maxBuffered: number = MAX_BUFFERED_TASKS,
): Promise<void> {
  const target = Math.min(toMs, run.untilMs);
  while (run.nowMs < target) {
    while (!state.exhausted) {
      if (state.ahead === undefined) {
        const r = await source.next();
        if (r.done === true) {
          state.exhausted = true;
          break;
        }
        state.ahead = r.value;
      }
      const task = state.ahead;
      if (task.atMs > target) break;
      if (trace.buffered >= maxBuffered && task.atMs > trace.lastAtMs) break;
      trace.push(task);
      state.ahead = undefined;
      if (task.atMs >= run.untilMs) state.exhausted = true;
    }
    // Safe to run to the target when nothing before it is unread; else to just before the task
    // read ahead (tasks at its time may follow it in the file).
    const ahead = state.ahead;
    const safe =
      state.exhausted || ahead === undefined || ahead.atMs > target ? target : ahead.atMs - TICK_MS;
    if (safe > run.nowMs) run.advance(safe);
    else if (trace.buffered < maxBuffered) continue;
    else {
      // The buffer is full of tasks due at one instant: take the next one anyway.
      trace.push(ahead as TraceTaskSpec);
      state.ahead = undefined;
    }
  }
}
