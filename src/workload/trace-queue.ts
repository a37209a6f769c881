/**
 * A framework's trace tasks waiting to be launched, one entry per task (each has its own
 * resources, duration, outcome and constraints), served oldest first. The offer loop looks at up
 * to {@link TRACE_TASKS_SCANNED_PER_OFFER} of them per offer, skipping those that do not fit
 * what is left of the offer or whose constraints the agent does not satisfy, as Marathon and
 * Spark look past a head that does not fit rather than block on it.
 *
 * Task shapes (the per-task demand the offer loop compares) are cached by resource text, as a
 * trace repeats a limited set of request sizes; the cache is bounded.
 */
import type { ResourceJson } from '../core/messages/resources-json.js';
import type { PlacementConstraint } from '../scenario/constraints.js';
import type { TraceTaskSpec } from '../scenario/trace-task.js';
import type { ConstraintState, OfferPlace } from './constraints.js';
import { type OfferRemainder, type TaskShape, taskShape } from './task-shape.js';

/** Waiting trace tasks one offer looks at, at most. */
export const TRACE_TASKS_SCANNED_PER_OFFER = 256;

/** Distinct task shapes kept (the cache is emptied when it would grow past this). */
const SHAPE_CACHE_SIZE = 4096;

/** A trace task handed to its framework, waiting for an offer. */
export interface QueuedTraceTask {
  readonly spec: TraceTaskSpec;
  readonly shape: TaskShape;
  /** When it became ready (its submission, or its dependencies' end): waits count from here. */
  readonly readyAtMs: number;
  /** The framework's constraints and the task's own. */
  readonly constraints: readonly PlacementConstraint[];
  /** The scope its constraints count tasks in: its group, else the framework. */
  readonly scope: string;
}

/** The waiting trace tasks of one framework. */
export class TraceQueue {
  readonly #frameworkConstraints: readonly PlacementConstraint[];
  readonly #frameworkScope: string;
  readonly #shapes = new Map<string, TaskShape>();
  #items: (QueuedTraceTask | undefined)[] = [];
  #head = 0;
  #size = 0;
  #holes = 0;

  constructor(frameworkName: string, frameworkConstraints: readonly PlacementConstraint[]) {
    this.#frameworkScope = `framework:${frameworkName}`;
    this.#frameworkConstraints = frameworkConstraints;
  }

  /** Tasks waiting. */
  get size(): number {
    return this.#size;
  }

  /** Queues `spec`, ready since `readyAtMs`. */
  push(spec: TraceTaskSpec, readyAtMs: number): void {
    const constraints =
      spec.constraints.length === 0
        ? this.#frameworkConstraints
        : [...this.#frameworkConstraints, ...spec.constraints];
    this.#items.push({
      spec,
      shape: this.#shape(spec),
      readyAtMs,
      constraints,
      scope: spec.group === undefined ? this.#frameworkScope : `group:${spec.group}`,
    });
    this.#size++;
  }

  /**
   * Takes from the queue the tasks that fit on `offer` (its remainder already reset to the
   * offer's resources, less what was taken before), at most `room` of them, and calls `launch`
   * for each with the resources it takes. Returns how many it launched.
   */
  fill(
    offer: OfferPlace,
    remainder: OfferRemainder,
    constraints: ConstraintState,
    room: number,
    launch: (task: QueuedTraceTask, resources: readonly ResourceJson[]) => void,
  ): number {
    if (this.#size === 0 || room <= 0) return 0;
    constraints.reset(offer);
    let launched = 0;
    let visited = 0;
    const items = this.#items;
    for (let i = this.#head; i < items.length && visited < TRACE_TASKS_SCANNED_PER_OFFER; i++) {
      const task = items[i];
      if (task === undefined) continue;
      visited++;
      if (!remainder.fits(task.shape) || !constraints.admits(task.constraints, task.scope)) continue;
      items[i] = undefined;
      this.#size--;
      this.#holes++;
      launch(task, remainder.take(task.shape));
      if (++launched >= room) break;
    }
    this.#compact();
    return launched;
  }

  #shape(spec: TraceTaskSpec): TaskShape {
    const key = spec.resources.key();
    let shape = this.#shapes.get(key);
    if (shape === undefined) {
      if (this.#shapes.size >= SHAPE_CACHE_SIZE) this.#shapes.clear();
      shape = taskShape(spec.resources);
      this.#shapes.set(key, shape);
    }
    return shape;
  }

  /** Drops taken entries at the head, and rebuilds the array once holes are many. */
  #compact(): void {
    const items = this.#items;
    while (this.#head < items.length && items[this.#head] === undefined) {
      this.#head++;
      this.#holes--;
    }
    if (this.#head === items.length) {
      this.#items = [];
      this.#head = 0;
      this.#holes = 0;
    } else if (this.#holes > 1024 || (this.#head > 1024 && this.#head * 2 > items.length)) {
      this.#items = items.slice(this.#head).filter((t) => t !== undefined);
      this.#head = 0;
      this.#holes = 0;
    }
  }
}
