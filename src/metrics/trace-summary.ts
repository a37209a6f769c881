/**
 * The trace part of a run's summary (present when the scenario has trace tasks): how the
 * trace's tasks ended in the simulation against how the trace says they ended, and per priority
 * band or QoS class the simulated wait from readiness to launch beside the trace's own wait
 * (scheduled − submitted), so a policy can be compared with what the real scheduler did.
 */
import type { QuantileSummary } from './log-histogram.js';
import type { TaskOutcome } from './run-recorder.js';

/** How a trace says a task ended (src/scenario/trace-task.ts TRACE_OUTCOMES). */
export type TracedOutcome = 'finished' | 'failed' | 'killed' | 'evicted' | 'lost';

/** The trace part of a run's summary. */
export interface TraceSummary {
  readonly tasks: {
    /** Trace tasks read from the scenario (inline or file), up to the run's end. */
    readonly read: number;
    /** Still held at the end, waiting for dependencies. */
    readonly held: number;
    readonly launched: number;
  };
  /** Tasks that ended as the trace says, by the trace's outcome. */
  readonly endedAsTraced: Readonly<Record<TracedOutcome, number>>;
  /** Tasks that ended otherwise, by their simulated outcome. */
  readonly endedOtherwise: Readonly<Record<TaskOutcome, number>>;
  /** Per band (priority band or QoS class), the simulated wait beside the trace's, in seconds. */
  readonly waits: readonly BandWaits[];
}

/** One band's waits. */
export interface BandWaits {
  readonly band: string;
  readonly simulated: QuantileSummary;
  readonly trace: QuantileSummary;
}
