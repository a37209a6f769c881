/**
 * Counters the simulator's metrics (and later the live /metrics and /master/state) read: offers
 * made, declined, accepted and rescinded, in total and per allocation cycle, and task state
 * transitions. A cycle is the window from the start of one allocation run to the start of the
 * next: the offers that run made, then what frameworks did with offers until the next run.
 */
import { TASK_STATES, type TaskState } from '../core/messages/task-state.js';

/** What happened in one allocation cycle. */
export interface CycleCounters {
  /** 1 for the first allocation run. */
  readonly cycle: number;
  /** When the run started (ms). */
  readonly atMs: number;
  readonly offersMade: number;
  readonly offersDeclined: number;
  readonly offersAccepted: number;
  readonly offersRescinded: number;
  readonly tasksLaunched: number;
}

/** A read-only copy of the counters. */
export interface MasterCountersSnapshot {
  readonly allocationRuns: number;
  readonly offersMade: number;
  readonly offersDeclined: number;
  readonly offersAccepted: number;
  readonly offersRescinded: number;
  readonly tasksLaunched: number;
  /** How many times a task entered each state (cumulative; master-generated updates included). */
  readonly taskStateTransitions: Readonly<Record<string, number>>;
  /** The tasks the master tracks now (live and unreachable), by latest state. */
  readonly tasksByState: Readonly<Record<string, number>>;
  /** The cycle in progress. */
  readonly currentCycle: CycleCounters;
  /** The last complete cycle, if one has ended. */
  readonly lastCycle: CycleCounters | undefined;
}

type MutableCycle = { -readonly [K in keyof CycleCounters]: CycleCounters[K] };

function emptyCycle(cycle: number, atMs: number): MutableCycle {
  return {
    cycle,
    atMs,
    offersMade: 0,
    offersDeclined: 0,
    offersAccepted: 0,
    offersRescinded: 0,
    tasksLaunched: 0,
  };
}

/** The master's counters. */
export class MasterCounters {
  allocationRuns = 0;
  offersMade = 0;
  offersDeclined = 0;
  offersAccepted = 0;
  offersRescinded = 0;
  tasksLaunched = 0;
  /**
   * REQUEST calls received (Mesos `master/messages_resource_request`); the allocator ignores
   * them, as Mesos's hierarchical allocator does. Not in {@link snapshot}, which the simulator's
   * summaries print.
   */
  resourceRequests = 0;
  readonly #transitions = new Map<TaskState, number>();
  #current: MutableCycle = emptyCycle(0, 0);
  #last: CycleCounters | undefined;

  /** An allocation run starts a new cycle. */
  startCycle(atMs: number): void {
    this.allocationRuns++;
    if (this.allocationRuns > 1) this.#last = { ...this.#current };
    this.#current = emptyCycle(this.allocationRuns, atMs);
  }

  offered(n: number): void {
    this.offersMade += n;
    this.#current.offersMade += n;
  }

  declined(n: number): void {
    this.offersDeclined += n;
    this.#current.offersDeclined += n;
  }

  accepted(n: number): void {
    this.offersAccepted += n;
    this.#current.offersAccepted += n;
  }

  rescinded(n: number): void {
    this.offersRescinded += n;
    this.#current.offersRescinded += n;
  }

  launched(n: number): void {
    this.tasksLaunched += n;
    this.#current.tasksLaunched += n;
  }

  /** A task entered `state`. */
  transition(state: TaskState): void {
    this.#transitions.set(state, (this.#transitions.get(state) ?? 0) + 1);
  }

  /** A copy, with the current task gauge computed by the caller. */
  snapshot(tasksByState: ReadonlyMap<TaskState, number>): MasterCountersSnapshot {
    return {
      allocationRuns: this.allocationRuns,
      offersMade: this.offersMade,
      offersDeclined: this.offersDeclined,
      offersAccepted: this.offersAccepted,
      offersRescinded: this.offersRescinded,
      tasksLaunched: this.tasksLaunched,
      taskStateTransitions: byStateRecord(this.#transitions),
      tasksByState: byStateRecord(tasksByState),
      currentCycle: { ...this.#current },
      lastCycle: this.#last,
    };
  }
}

/** A state → count record in lifecycle order, zero counts left out. */
function byStateRecord(counts: ReadonlyMap<TaskState, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const state of TASK_STATES) {
    const n = counts.get(state) ?? 0;
    if (n > 0) out[state] = n;
  }
  return out;
}
