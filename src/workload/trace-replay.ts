/**
 * The replay of a scenario's trace tasks, above the frameworks: it hands each task to its
 * framework when it is submitted, or holds it until every task of the groups it names has
 * ended (a DAG's edges: an Alibaba stage waits for the stages its name lists), and it keeps the
 * trace-specific figures: how tasks ended against how the trace says they did, and the wait
 * from readiness to launch beside the trace's own wait (scheduled − submitted), per priority
 * band or QoS class.
 *
 * Holding dependents is the workflow's job, not the scheduler's (as Oozie or Airflow submit a
 * stage only once its inputs exist), so frameworks see a task only when it may run. A task's
 * dependencies are the groups submitted before it or with it; a group it names that is unknown
 * (never submitted, or already finished and forgotten, or left out of a sampled slice) does not
 * hold it. A group is forgotten once its last task ends, so memory follows the unfinished work.
 * A dependency ends whatever its outcome: the trace's outcomes replay the trace's run, and a
 * task the simulation loses is not retried, so waiting for its success would stall its DAG.
 */
import { LogHistogram } from '../metrics/log-histogram.js';
import type { TaskOutcome } from '../metrics/run-recorder.js';
import type { TraceSummary } from '../metrics/trace-summary.js';
import { TRACE_OUTCOMES, type TraceOutcome, type TraceTaskSpec } from '../scenario/trace-task.js';

/** Where released tasks go: the framework that runs them. */
export interface TraceTaskTarget {
  submitTrace(spec: TraceTaskSpec, readyAtMs: number): void;
}

/** What the frameworks tell the replay about trace tasks. */
export interface TraceTaskSink {
  /** A trace task was launched `waitMs` after it became ready. */
  launched(spec: TraceTaskSpec, waitMs: number): void;
  /**
   * A launched trace task ended at `atMs`: as the trace says (`asTraced`), or otherwise, with the
   * simulated outcome (its agent was removed, say).
   */
  ended(spec: TraceTaskSpec, atMs: number, asTraced: boolean, outcome: TaskOutcome): void;
}

interface Held {
  readonly spec: TraceTaskSpec;
  missing: number;
}

interface Group {
  /** Tasks of the group submitted and not yet ended (held ones included). */
  open: number;
  readonly waiters: Held[];
}

/** The trace tasks' gate and figures for one run. */
export class TraceReplay implements TraceTaskSink {
  readonly #targets: ReadonlyMap<string, TraceTaskTarget>;
  readonly #roles: ReadonlyMap<string, string>;
  readonly #clock: () => number;
  readonly #groups = new Map<string, Group>();
  readonly #bands = new Map<string, { simulated: LogHistogram; trace: LogHistogram }>();
  #read = 0;
  #held = 0;
  #launched = 0;
  readonly #asTraced = Object.fromEntries(TRACE_OUTCOMES.map((o) => [o, 0])) as Record<TraceOutcome, number>;
  readonly #otherwise: Record<TaskOutcome, number> = { finished: 0, failed: 0, killed: 0, lost: 0, error: 0 };

  /**
   * @param targets framework name → where its tasks go
   * @param roles framework name → role (a task's band when it names none)
   */
  constructor(
    targets: ReadonlyMap<string, TraceTaskTarget>,
    roles: ReadonlyMap<string, string>,
    clock: () => number,
  ) {
    this.#targets = targets;
    this.#roles = roles;
    this.#clock = clock;
  }

  /** A trace task is submitted now. */
  submit(spec: TraceTaskSpec): void {
    this.#read++;
    const now = this.#clock();
    const band = this.#band(spec);
    if (spec.scheduledMs !== undefined) band.trace.add(spec.scheduledMs - spec.atMs);
    if (spec.group !== undefined) {
      const g = this.#groups.get(spec.group);
      if (g === undefined) this.#groups.set(spec.group, { open: 1, waiters: [] });
      else g.open++;
    }
    const held: Held = { spec, missing: 0 };
    for (const name of spec.after) {
      const g = this.#groups.get(name);
      if (g === undefined || g.open === 0) continue;
      held.missing++;
      g.waiters.push(held);
    }
    if (held.missing === 0) this.#release(spec, now);
    else this.#held++;
  }

  launched(spec: TraceTaskSpec, waitMs: number): void {
    this.#launched++;
    this.#band(spec).simulated.add(waitMs);
  }

  ended(spec: TraceTaskSpec, atMs: number, asTraced: boolean, outcome: TaskOutcome): void {
    if (asTraced) this.#asTraced[spec.outcome]++;
    else this.#otherwise[outcome]++;
    if (spec.group === undefined) return;
    const g = this.#groups.get(spec.group);
    if (g === undefined) return;
    g.open--;
    if (g.open > 0) return;
    this.#groups.delete(spec.group);
    for (const waiter of g.waiters) {
      if (--waiter.missing === 0) {
        this.#held--;
        this.#release(waiter.spec, atMs);
      }
    }
  }

  /** The figures so far. */
  summary(): TraceSummary {
    const bands = [...this.#bands.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      tasks: { read: this.#read, held: this.#held, launched: this.#launched },
      endedAsTraced: { ...this.#asTraced },
      endedOtherwise: { ...this.#otherwise },
      waits: bands.map(([band, h]) => ({ band, simulated: h.simulated.summary(), trace: h.trace.summary() })),
    };
  }

  #release(spec: TraceTaskSpec, atMs: number): void {
    const target = this.#targets.get(spec.framework);
    if (target === undefined)
      throw new Error(`assertion failed: no framework ${spec.framework} for a trace task`);
    target.submitTrace(spec, atMs);
  }

  #band(spec: TraceTaskSpec): { simulated: LogHistogram; trace: LogHistogram } {
    const name = spec.band ?? this.#roles.get(spec.framework) ?? spec.framework;
    let band = this.#bands.get(name);
    if (band === undefined) {
      band = { simulated: new LogHistogram(), trace: new LogHistogram() };
      this.#bands.set(name, band);
    }
    return band;
  }
}
