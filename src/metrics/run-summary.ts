/**
 * The summary of a scenario run, as `agora sim --json` prints it. It holds no wall-clock field, so
 * the same scenario and seed give the same bytes; timings belong on stderr.
 *
 * Numbers that come out of divisions are rounded to 6 decimals: enough for any comparison, and
 * short enough to read.
 */
import { jainIndex } from './jain.js';
import { round6 } from './round.js';
import type { FrameworkTally, RunRecorder } from './run-recorder.js';
import type { TraceSummary } from './trace-summary.js';

/** One framework's figures. */
export interface FrameworkSummary {
  readonly role: string;
  readonly weight: number;
  readonly tasksSubmitted: number;
  readonly tasksLaunched: number;
  readonly tasksFinished: number;
  readonly tasksFailed: number;
  readonly tasksLost: number;
  readonly tasksKilled: number;
  /** Tasks the master refused as invalid (TASK_ERROR). */
  readonly tasksError: number;
  /** Launched and not seen to end by the end of the run. */
  readonly running: number;
  /** Submitted and never launched. */
  readonly pending: number;
  /** At the end of the run. */
  readonly dominantShare: number;
  /** Time-averaged over the whole run. */
  readonly meanDominantShare: number;
  /** From submission to launch, over launched tasks. */
  readonly meanWaitSeconds: number;
  readonly maxWaitSeconds: number;
  /** When a launched task last ended (any outcome); null if none did. */
  readonly lastTaskEndSeconds: number | null;
  readonly offersReceived: number;
  readonly offersUsed: number;
  readonly offersDeclined: number;
  /** Present when the master refused or removed the framework. */
  readonly error?: string;
}

/** A run's summary. */
export interface RunSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly policy: string;
  readonly simulatedSeconds: number;
  readonly frameworks: Readonly<Record<string, FrameworkSummary>>;
  /** Time-averaged share of each resource in use by tasks, 0–1. */
  readonly utilization: Readonly<Record<string, number>>;
  readonly fairness: {
    /**
     * Jain's index of the frameworks' time-averaged dominant shares, each divided by its weight:
     * 1 when every framework held the same weighted share over the run.
     */
    readonly jainIndex: number;
    /**
     * The time-averaged Jain index of the weighted dominant shares of the frameworks with tasks
     * pending, over the time when at least two had (null if never): what DRF equalises. See
     * `src/metrics/contended-fairness.ts`.
     */
    readonly contendedJainIndex: number | null;
    /** How long at least two frameworks had tasks pending. */
    readonly contendedSeconds: number;
  };
  /** The master's offer counters. */
  readonly offers: {
    readonly made: number;
    readonly accepted: number;
    readonly declined: number;
    readonly rescinded: number;
  };
  readonly allocationRuns: number;
  /** Present when the scenario has trace tasks (trace-summary.ts). */
  readonly trace?: TraceSummary;
}

/** What the summary needs beyond the recorder. */
export interface RunSummaryInput {
  readonly scenario: string;
  readonly seed: number;
  readonly policy: string;
  readonly untilMs: number;
  readonly roles: ReadonlyMap<string, string>;
  readonly master: {
    readonly allocationRuns: number;
    readonly offersMade: number;
    readonly offersAccepted: number;
    readonly offersDeclined: number;
    readonly offersRescinded: number;
  };
  readonly trace?: TraceSummary;
}

/** Builds the summary from the recorder at the end of the run. */
export function runSummary(input: RunSummaryInput, recorder: RunRecorder): RunSummary {
  const untilMs = input.untilMs;
  const frameworks: Record<string, FrameworkSummary> = {};
  const weighted: number[] = [];
  for (const f of recorder.frameworks()) {
    frameworks[f.name] = frameworkSummary(f, input.roles.get(f.name) ?? f.name, untilMs);
    weighted.push(f.share.mean(untilMs, 0) / f.weight);
  }
  const contended = recorder.contendedFairness(untilMs);
  const utilization: Record<string, number> = {};
  for (const [name, value] of Object.entries(recorder.utilization(untilMs)))
    utilization[name] = round6(value);
  return {
    scenario: input.scenario,
    seed: input.seed,
    policy: input.policy,
    simulatedSeconds: round6(untilMs / 1000),
    frameworks,
    utilization,
    fairness: {
      jainIndex: round6(jainIndex(weighted)),
      contendedJainIndex: contended.jainIndex === null ? null : round6(contended.jainIndex),
      contendedSeconds: round6(contended.contendedMs / 1000),
    },
    offers: {
      made: input.master.offersMade,
      accepted: input.master.offersAccepted,
      declined: input.master.offersDeclined,
      rescinded: input.master.offersRescinded,
    },
    allocationRuns: input.master.allocationRuns,
    ...(input.trace === undefined ? {} : { trace: input.trace }),
  };
}

function frameworkSummary(f: FrameworkTally, role: string, untilMs: number): FrameworkSummary {
  return {
    role,
    weight: f.weight,
    tasksSubmitted: f.submitted,
    tasksLaunched: f.launched,
    tasksFinished: f.finished,
    tasksFailed: f.failed,
    tasksLost: f.lost,
    tasksKilled: f.killed,
    tasksError: f.error,
    running: f.running,
    pending: f.submitted - f.launched,
    dominantShare: round6(f.share.current),
    meanDominantShare: round6(f.share.mean(untilMs, 0)),
    meanWaitSeconds: round6(f.launched === 0 ? 0 : f.waitSumMs / f.launched / 1000),
    maxWaitSeconds: round6(f.waitMaxMs / 1000),
    lastTaskEndSeconds: f.lastEndMs === undefined ? null : round6(f.lastEndMs / 1000),
    offersReceived: f.offersReceived,
    offersUsed: f.offersUsed,
    offersDeclined: f.offersDeclined,
    ...(f.errorMessage === undefined ? {} : { error: f.errorMessage }),
  };
}
