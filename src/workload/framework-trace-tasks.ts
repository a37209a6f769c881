/**
 * The trace tasks of one scenario framework: the part of {@link ScenarioFramework} that launches
 * tasks given one by one (src/scenario/trace-task.ts) rather than as jobs. It queues them
 * (trace-queue.ts), fits them onto offers with their constraints, runs each for its traced
 * duration and ends it as the trace says:
 * - `finished` runs `sleep <duration>` (TASK_FINISHED), `failed` `sleep <duration>; exit 1`
 *   (TASK_FAILED);
 * - `killed`, `evicted` and `lost` run `sleep infinity` and the framework kills them when the
 *   duration is up (TASK_KILLED): the trace's scheduler or user ended them then, and Mesos has no
 *   eviction of its own (its only preemption is the framework's, or the operator's, kill);
 * - a task the trace never saw end runs `sleep infinity` until the run ends.
 * Each end is reported to the {@link TraceTaskSink} with whether it came as planned.
 */
import type { AgentID } from '../core/messages/ids.js';
import type { ResourceJson } from '../core/messages/resources-json.js';
import type { TaskInfo } from '../core/messages/task-info.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { SchedulerDriver } from '../driver/scheduler.js';
import type { RunRecorder, TaskOutcome } from '../metrics/run-recorder.js';
import type { PlacementConstraint } from '../scenario/constraints.js';
import type { TraceTaskSpec } from '../scenario/trace-task.js';
import type { ConstraintState, OfferPlace, Placed } from './constraints.js';
import type { OfferRemainder } from './task-shape.js';
import { type QueuedTraceTask, TraceQueue } from './trace-queue.js';
import type { TraceTaskSink } from './trace-replay.js';

/** A launched trace task its framework has not yet seen end. */
interface LiveTraceTask {
  readonly id: string;
  readonly spec: TraceTaskSpec;
  readonly agentId: AgentID;
  /** Its agent's hostname (per-agent utilisation in the run's series). */
  readonly host: string;
  readonly quantities: QueuedTraceTask['shape']['quantities'];
  readonly placed: Placed | undefined;
  /** Set when the framework killed it to end it as the trace says. */
  killedAsTraced: boolean;
}

/** What the trace tasks of a framework need from it and its world. */
export interface FrameworkTraceTasksOptions {
  readonly framework: string;
  readonly constraints: readonly PlacementConstraint[];
  readonly recorder: RunRecorder;
  readonly clock: () => number;
  /** Runs `action` at simulated time `atMs` (the kills that end tasks as the trace says). */
  readonly at: ((atMs: number, action: () => void) => void) | undefined;
  readonly sink: TraceTaskSink | undefined;
  /** The driver now, if the scheduler is connected. */
  readonly driver: () => SchedulerDriver | undefined;
}

/** One framework's trace tasks: waiting, and launched. */
export class FrameworkTraceTasks {
  readonly #o: FrameworkTraceTasksOptions;
  readonly #queue: TraceQueue;
  readonly #live = new Map<string, LiveTraceTask>();
  #next = 0;

  constructor(options: FrameworkTraceTasksOptions) {
    this.#o = options;
    this.#queue = new TraceQueue(options.framework, options.constraints);
  }

  /** Tasks waiting for an offer. */
  get pending(): number {
    return this.#queue.size;
  }

  /** Tasks launched and not yet seen to end. */
  get live(): number {
    return this.#live.size;
  }

  /** The live tasks, for reconciliation. */
  liveStatuses(): { task_id: { value: string }; agent_id: AgentID }[] {
    return [...this.#live.values()].map((t) => ({ task_id: { value: t.id }, agent_id: t.agentId }));
  }

  /** Their ids. */
  liveIds(): string[] {
    return [...this.#live.keys()];
  }

  /** Queues a task that became ready at `readyAtMs` (now). */
  submit(spec: TraceTaskSpec, readyAtMs: number): void {
    this.#queue.push(spec, readyAtMs);
    this.#o.recorder.submitted(this.#o.framework, readyAtMs, 1);
  }

  /** Launches waiting tasks that fit on `offer` into `tasks`, at most `limit` in all. */
  fill(
    offer: OfferPlace,
    remainder: OfferRemainder,
    constraints: ConstraintState,
    limit: number,
    tasks: TaskInfo[],
  ): void {
    if (this.#queue.size === 0 || tasks.length >= limit) return;
    this.#queue.fill(offer, remainder, constraints, limit - tasks.length, (task, resources) => {
      tasks.push(this.#launch(task, offer.agent_id, offer.hostname, resources, constraints));
    });
  }

  /** Handles `status` if it is about one of its tasks; returns whether it was. */
  statusUpdate(status: TaskStatus, outcome: TaskOutcome | undefined, constraints: ConstraintState): boolean {
    const task = this.#live.get(status.task_id.value);
    if (task === undefined) return false;
    if (outcome === undefined) return true;
    this.#live.delete(task.id);
    constraints.release(task.placed);
    const now = this.#o.clock();
    this.#o.recorder.taskEnded(this.#o.framework, now, outcome, task.quantities, task.host);
    this.#o.sink?.ended(task.spec, now, asTraced(task, outcome), outcome);
    return true;
  }

  #launch(
    task: QueuedTraceTask,
    agentId: AgentID,
    host: string,
    resources: readonly ResourceJson[],
    constraints: ConstraintState,
  ): TaskInfo {
    const { spec } = task;
    const id = `${spec.id ?? 'trace'}.${this.#next++}`;
    const now = this.#o.clock();
    const live: LiveTraceTask = {
      id,
      spec,
      agentId,
      host,
      quantities: task.shape.quantities,
      placed: constraints.place(task.constraints, task.scope),
      killedAsTraced: false,
    };
    this.#live.set(id, live);
    this.#o.recorder.taskLaunched(this.#o.framework, now, now - task.readyAtMs, task.shape.quantities, host);
    this.#o.sink?.launched(spec, now - task.readyAtMs);
    const endsByKill = spec.outcome === 'killed' || spec.outcome === 'evicted' || spec.outcome === 'lost';
    if (endsByKill && Number.isFinite(spec.durationMs)) this.#killAt(live, now + spec.durationMs);
    return {
      name: id,
      task_id: { value: id },
      agent_id: agentId,
      resources,
      command: { value: command(spec, endsByKill) },
    };
  }

  #killAt(task: LiveTraceTask, atMs: number): void {
    const at = this.#o.at;
    if (at === undefined) {
      throw new Error(
        'assertion failed: a trace task ending in a kill needs a world that runs timed actions',
      );
    }
    at(atMs, () => {
      const driver = this.#o.driver();
      if (!this.#live.has(task.id) || driver === undefined) return;
      task.killedAsTraced = true;
      driver.killTask({ value: task.id });
    });
  }
}

/** The task's command: how long it sleeps and how it exits (see the module comment). */
function command(spec: TraceTaskSpec, endsByKill: boolean): string {
  if (endsByKill || !Number.isFinite(spec.durationMs)) return 'sleep infinity';
  // Whole milliseconds: the simulated clock's resolution, and exact in decimal text.
  const sleep = `sleep ${Math.max(0, Math.round(spec.durationMs)) / 1000}`;
  return spec.outcome === 'failed' ? `${sleep}; exit 1` : sleep;
}

function asTraced(task: LiveTraceTask, outcome: TaskOutcome): boolean {
  switch (task.spec.outcome) {
    case 'finished':
      return outcome === 'finished';
    case 'failed':
      return outcome === 'failed';
    case 'killed':
    case 'evicted':
    case 'lost':
      return outcome === 'killed' && task.killedAsTraced;
  }
}
