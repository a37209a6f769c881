/**
 * The framework model that replays one scenario framework: an ordinary {@link Scheduler}, written
 * only against the driver interface, so it runs unchanged in the simulated and the live world.
 *
 * Its behaviour is that of a well-behaved Mesos batch framework:
 * - jobs are submitted to it from outside ({@link ScenarioFramework.submit}), as users submit to
 *   Spark or Aurora; their tasks wait in a FIFO queue;
 * - on each offer it launches waiting tasks that fit, at most `maxTasksPerOffer` of them, and
 *   leaves the rest of the offer with a `refuse_seconds` filter (Mesos refuses an accepted
 *   offer's unused resources for that long, 5 s by default); an offer it cannot use is declined
 *   with the same filter;
 * - with nothing waiting it suppresses offers, and revives when work arrives (Mesos's advice to
 *   frameworks, mesos.md §1.4), so idle frameworks do not cost the allocator;
 * - after it re-registers it reconciles its non-terminal tasks explicitly, so that a task the
 *   master no longer knows ends (TASK_LOST or TASK_UNKNOWN) instead of staying "running", and
 *   implicitly, so that it hears of tasks the master knows and it does not;
 * - a task it has written off (it heard TASK_LOST) that comes back alive is killed (see
 *   {@link ScenarioFramework.statusUpdate});
 * - a task's command is `sleep <duration>` (`sleep infinity` for services), followed by
 *   `; exit 1` for a task drawn to fail: the same text a live agent runs with `/bin/sh -c`.
 *
 * Tasks that fail or are lost are not retried: the summary counts them, so that a policy's or a
 * fault's cost is visible rather than hidden by retries.
 */

import type { Quantities } from '../allocator/sorter.js';
import { assertNever } from '../core/assert-never.js';
import type { MasterInfo } from '../core/messages/cluster-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID } from '../core/messages/ids.js';
import type { Offer } from '../core/messages/offer.js';
import type { OfferBatchView } from '../core/messages/offer-batch.js';
import type { ResourceJson } from '../core/messages/resources-json.js';
import type { TaskInfo } from '../core/messages/task-info.js';
import { isTerminalState, type TaskState } from '../core/messages/task-state.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { OfferBatchScheduler, SchedulerDriver } from '../driver/scheduler.js';
import type { RunRecorder, TaskOutcome } from '../metrics/run-recorder.js';
import { durationSampler, type Sampler } from '../scenario/distributions.js';
import type { FrameworkSpec, JobSpec } from '../scenario/schema.js';
import type { TraceTaskSpec } from '../scenario/trace-task.js';
import { ConstraintState, type OfferPlace, type Placed } from './constraints.js';
import { FrameworkTraceTasks } from './framework-trace-tasks.js';
import { type PendingBatch, PendingTasks } from './pending-tasks.js';
import { OfferRemainder, type TaskShape, taskShape } from './task-shape.js';
import type { TraceTaskSink } from './trace-replay.js';

/** How many waiting batches one offer looks at before it gives up on the rest. */
export const BATCHES_SCANNED_PER_OFFER = 16;

/** A job with what the offer loop needs worked out once. */
interface WorkloadJob {
  readonly spec: JobSpec;
  readonly shape: TaskShape;
  readonly sampleMs: Sampler;
}

/** A launched task the framework has not yet seen end. */
interface LiveTask {
  readonly id: string;
  readonly job: WorkloadJob;
  readonly agentId: AgentID;
  /** Its agent's hostname (per-agent utilisation in the run's series). */
  readonly host: string;
  /** Where it counts for the framework's placement constraints, if it has any. */
  readonly placed?: Placed | undefined;
}

/** What a scenario framework needs from its world. */
export interface ScenarioFrameworkOptions {
  readonly spec: FrameworkSpec;
  /** The `refuse_seconds` put on declines and on accepted offers' leftovers. */
  readonly refuseSeconds: number;
  /** The world's clock, in ms (virtual in the simulator, elapsed wall time live). */
  readonly clock: () => number;
  /** Draws task durations (this framework's own named stream). */
  readonly durationRandom: () => number;
  /** Draws which tasks fail (a separate stream, so a failRate change leaves durations alone). */
  readonly failureRandom: () => number;
  readonly recorder: RunRecorder;
  /**
   * Told when the driver aborts on an ERROR; returns true when a supervisor will restart the
   * scheduler (it fails over with its framework id), so the framework has not failed.
   */
  readonly onAbort?: (message: string) => boolean;
  /**
   * Live replays run faster than the scenario's clock: a task of duration d sleeps d / timeScale
   * of real time (default 1, as in the simulator, where `sleep` is read, not run).
   */
  readonly timeScale?: number;
  /** Runs an action at a simulated time (the kills that end trace tasks as traced). */
  readonly at?: (atMs: number, action: () => void) => void;
  /** Told when trace tasks launch and end (the trace replay's figures and dependencies). */
  readonly traceSink?: TraceTaskSink;
}

/** A scenario framework's scheduler. */
export class ScenarioFramework implements OfferBatchScheduler {
  readonly name: string;
  readonly #options: ScenarioFrameworkOptions;
  readonly #jobs: ReadonlyMap<string, WorkloadJob>;
  readonly #pending = new PendingTasks<WorkloadJob>();
  readonly #live = new Map<string, LiveTask>();
  /** Tasks it had seen end that came back alive, with their agents: killed until they end. */
  readonly #revenants = new Map<string, AgentID | undefined>();
  readonly #remainder = new OfferRemainder();
  readonly #filters: { readonly refuse_seconds: number };
  readonly #constraints = new ConstraintState();
  readonly #trace: FrameworkTraceTasks;
  #driver: SchedulerDriver | undefined;
  #suppressed = false;
  #nextTask = 0;
  #frameworkId: FrameworkID | undefined;

  constructor(options: ScenarioFrameworkOptions) {
    this.#options = options;
    this.name = options.spec.name;
    this.#filters = { refuse_seconds: options.refuseSeconds };
    // Jobs asking for the same resources share one shape, so their tasks share one resource
    // list, which the master reads once (a generated scenario has thousands of jobs and a few
    // task shapes).
    const shapes = new Map<string, TaskShape>();
    const shapeOf = (resources: JobSpec['resources']): TaskShape => {
      let shape = shapes.get(resources.key());
      if (shape === undefined) {
        shape = taskShape(resources);
        shapes.set(resources.key(), shape);
      }
      return shape;
    };
    this.#jobs = new Map(
      options.spec.jobs.map((spec) => [
        spec.name,
        { spec, shape: shapeOf(spec.resources), sampleMs: durationSampler(spec.duration) },
      ]),
    );
    this.#trace = new FrameworkTraceTasks({
      framework: this.name,
      constraints: options.spec.constraints,
      recorder: options.recorder,
      clock: options.clock,
      at: options.at,
      sink: options.traceSink,
      driver: () => this.#driver,
    });
  }

  /** The framework id the master gave it, once registered (for failover). */
  get frameworkId(): FrameworkID | undefined {
    return this.#frameworkId;
  }

  /** Tasks waiting to be launched. */
  get pendingTasks(): number {
    return this.#pending.size + this.#trace.pending;
  }

  /** Tasks launched whose end it has not heard of. */
  get liveTasks(): number {
    return this.#live.size + this.#trace.live;
  }

  /** Whether it launched task `id` and has not heard of its end. */
  believesLive(id: string): boolean {
    return this.#live.has(id);
  }

  /** The ids of the tasks launched whose end it has not heard of. */
  liveTaskIds(): string[] {
    return [...this.#live.keys(), ...this.#trace.liveIds()];
  }

  /** The scalar demand of one task of the oldest waiting batch, if any task waits. */
  nextPendingDemand(): Quantities | undefined {
    let demand: Quantities | undefined;
    this.#pending.scan(1, (batch) => {
      demand = batch.job.shape.quantities;
      return false;
    });
    return demand;
  }

  /**
   * Explicit reconciliation of every task it believes live (its periodic timer, which the
   * runtime drives): an update the master generated and lost is learnt this way. Tasks it is
   * killing are asked about too, so a kill that was lost is sent again.
   */
  reconcileLive(): void {
    if (this.#driver === undefined || this.liveTasks + this.#revenants.size === 0) return;
    this.#driver.reconcileTasks([
      ...[...this.#live.values()].map((t) => ({ task_id: { value: t.id }, agent_id: t.agentId })),
      ...this.#trace.liveStatuses(),
      ...[...this.#revenants].map(([id, agentId]) => ({
        task_id: { value: id },
        ...(agentId === undefined ? {} : { agent_id: agentId }),
      })),
    ]);
  }

  /** A submission of job `jobName` arrives now: its tasks join the queue. */
  submit(jobName: string): void {
    const job = this.#jobs.get(jobName);
    if (job === undefined) throw new Error(`assertion failed: framework ${this.name} has no job ${jobName}`);
    const now = this.#options.clock();
    this.#pending.push(job, job.spec.tasks, now);
    this.#options.recorder.submitted(this.name, now, job.spec.tasks);
    this.#wake();
  }

  /** A trace task, ready since `readyAtMs` (now), joins the queue (src/workload/framework-trace-tasks.ts). */
  submitTrace(spec: TraceTaskSpec, readyAtMs: number): void {
    this.#trace.submit(spec, readyAtMs);
    this.#wake();
  }

  /** Work arrived: a suppressed framework revives. */
  #wake(): void {
    if (this.#suppressed && this.#driver !== undefined) {
      this.#suppressed = false;
      this.#driver.reviveOffers();
    }
  }

  /**
   * Forgets the driver: its scheduler process crashed, so calls on it would reach nothing. Jobs
   * still queue up; the next driver's `registered` or `reregistered` picks them up.
   */
  detach(): void {
    this.#driver = undefined;
  }

  registered(driver: SchedulerDriver, frameworkId: FrameworkID, _masterInfo: MasterInfo | undefined): void {
    this.#frameworkId = frameworkId;
    this.#attach(driver);
  }

  reregistered(driver: SchedulerDriver, _masterInfo: MasterInfo | undefined): void {
    this.#attach(driver);
  }

  disconnected(_driver: SchedulerDriver): void {}

  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    const recorder = this.#options.recorder;
    recorder.offersReceived(this.name, offers.length);
    const remainder = this.#remainder;
    for (const offer of offers) {
      const tasks = this.#fill(offer, () => remainder.reset(offer.resources));
      recorder.offerAnswered(this.name, tasks.length > 0);
      if (tasks.length > 0) driver.launchTasks([offer.id], tasks, this.#filters);
      else driver.declineOffer(offer.id, this.#filters);
    }
    this.#suppressIfIdle(driver);
  }

  /**
   * The same decisions as {@link resourceOffers}, over the simulated world's columnar view of
   * the offers: tasks are fitted to offers in order while any wait, and the offers after that
   * are declined in one call, so offers it never looks at cost nothing. The calls are the same
   * too, in the same order (the driver sends consecutive declines as one DECLINE either way), so
   * a run is the same whichever way its frameworks read their offers.
   */
  resourceOfferBatch(driver: SchedulerDriver, batch: OfferBatchView): void {
    const recorder = this.#options.recorder;
    recorder.offersReceived(this.name, batch.size);
    const remainder = this.#remainder;
    let i = 0;
    for (; i < batch.size && this.pendingTasks > 0; i++) {
      const place: OfferPlace = {
        agent_id: batch.agentId(i),
        hostname: batch.hostname(i),
        attributes: batch.attributes(i),
      };
      const tasks = this.#fill(place, () => remainder.resetFrom(batch.resources(i)));
      recorder.offerAnswered(this.name, tasks.length > 0);
      if (tasks.length > 0) driver.launchTasks([batch.offerId(i)], tasks, this.#filters);
      else driver.declineOffer(batch.offerId(i), this.#filters);
    }
    if (i < batch.size) {
      recorder.offersDeclined(this.name, batch.size - i);
      driver.declineOfferBatch(batch, this.#filters);
    }
    this.#suppressIfIdle(driver);
  }

  #suppressIfIdle(driver: SchedulerDriver): void {
    if (this.pendingTasks === 0 && !this.#suppressed) {
      this.#suppressed = true;
      driver.suppressOffers();
    }
  }

  offerRescinded(_driver: SchedulerDriver, _offerId: OfferID): void {}

  /**
   * Ends a live task on a terminal update. An update that says a task it has already seen end
   * is alive comes from a task it wrote off after TASK_LOST: the master (Mesos >= 1.5) lets an
   * agent it marked unreachable reregister with its tasks, which ran on, and tells the framework
   * TASK_RUNNING (REASON_AGENT_REREGISTERED); Mesos's high-availability guide warns that
   * "frameworks might see a TASK_LOST update for a task but then later discover that the task
   * is running". This framework has counted the task lost and does not retry tasks, so it kills
   * it, as Marathon kills tasks it does not know, and asks again (on every reconciliation)
   * until it hears the task end. Before, it ignored such updates and the task ran for ever
   * (chaos seed 70301 with `--scenario scenarios/mixed.json --minutes 30`).
   */
  statusUpdate(driver: SchedulerDriver, status: TaskStatus): void {
    const task = this.#live.get(status.task_id.value);
    if (task === undefined) {
      // A trace task's update, or one about a task it has already seen end.
      if (!this.#trace.statusUpdate(status, outcomeOf(status.state), this.#constraints)) {
        this.#afterEnd(driver, status);
      }
      return;
    }
    const outcome = outcomeOf(status.state);
    if (outcome === undefined) return;
    this.#live.delete(task.id);
    this.#constraints.release(task.placed);
    this.#options.recorder.taskEnded(
      this.name,
      this.#options.clock(),
      outcome,
      task.job.shape.quantities,
      task.host,
    );
  }

  /** An update for a task it is not tracking (see {@link statusUpdate}). */
  #afterEnd(driver: SchedulerDriver, status: TaskStatus): void {
    const id = status.task_id.value;
    const { state } = status;
    if (isTerminalState(state)) {
      this.#revenants.delete(id);
      return;
    }
    // Unreachable or unknown: it may still run, but nobody can reach it to kill it now; the
    // next reconciliation asks again if it is one being killed.
    if (state === 'TASK_UNREACHABLE' || state === 'TASK_UNKNOWN') return;
    this.#revenants.set(id, status.agent_id);
    driver.killTask(status.task_id);
  }

  frameworkMessage(
    _driver: SchedulerDriver,
    _executorId: ExecutorID,
    _agentId: AgentID,
    _data: string,
  ): void {}

  slaveLost(_driver: SchedulerDriver, _agentId: AgentID): void {
    // Nothing to do: the master sends TASK_LOST (or TASK_UNREACHABLE) for each of its tasks.
  }

  executorLost(
    _driver: SchedulerDriver,
    _executorId: ExecutorID,
    _agentId: AgentID,
    _status: number | undefined,
  ): void {}

  error(_driver: SchedulerDriver, message: string): void {
    // The driver aborts. Either the master refused or removed the framework (e.g. it failed
    // over too late), and the framework's tasks end with it; or its connection broke (Mesos
    // sends "Framework disconnected" so that a scheduler never carries on half-connected) and
    // a supervisor restarts the scheduler, which fails over.
    this.#driver = undefined;
    if (this.#options.onAbort?.(message) === true) return;
    this.#options.recorder.frameworkFailed(this.name, message);
  }

  #attach(driver: SchedulerDriver): void {
    this.#driver = driver;
    this.reconcileLive();
    // Implicit reconciliation too, as Mesos advises after every (re)registration: the master
    // answers with every task it knows of the framework, so a task it wrote off and that came
    // back while the update saying so could not reach it (TASK_RUNNING on a readmitted agent
    // is not retried) is heard of and killed (chaos seed 20 --scenario scenarios/drf-paper.json).
    driver.reconcileTasks([]);
    // A new subscription is not suppressed; suppress at once when there is nothing to run.
    this.#suppressed = this.pendingTasks === 0;
    if (this.#suppressed) driver.suppressOffers();
  }

  /**
   * The tasks to launch on an offer, taken from the queue: `offer` says where it is (agent,
   * hostname, attributes), and `read` loads its resources into the remainder.
   */
  #fill(offer: OfferPlace, read: () => void): TaskInfo[] {
    const limit = this.#options.spec.maxTasksPerOffer;
    const tasks: TaskInfo[] = [];
    if (this.pendingTasks === 0 || limit <= 0) return tasks;
    const remainder = this.#remainder;
    read();
    const constrained = this.#options.spec.constraints.length > 0;
    if (constrained) this.#constraints.reset(offer);
    this.#pending.scan(BATCHES_SCANNED_PER_OFFER, (batch) => {
      while (
        batch.remaining > 0 &&
        tasks.length < limit &&
        remainder.fits(batch.job.shape) &&
        (!constrained || this.#constraints.admits(this.#options.spec.constraints, batch.job.spec.name))
      ) {
        const resources = remainder.take(batch.job.shape);
        this.#pending.take(batch);
        tasks.push(this.#launch(batch, offer.agent_id, offer.hostname, resources));
      }
      return tasks.length < limit;
    });
    // Trace tasks, given one by one (framework-trace-tasks.ts), take what the jobs left.
    this.#trace.fill(offer, remainder, this.#constraints, limit, tasks);
    return tasks;
  }

  #launch(
    batch: PendingBatch<WorkloadJob>,
    agentId: AgentID,
    host: string,
    resources: readonly ResourceJson[],
  ): TaskInfo {
    const { job } = batch;
    const id = `${job.spec.name}.${this.#nextTask++}`;
    const now = this.#options.clock();
    const placed =
      this.#options.spec.constraints.length === 0
        ? undefined
        : this.#constraints.place(this.#options.spec.constraints, job.spec.name);
    this.#live.set(id, { id, job, agentId, host, placed });
    this.#options.recorder.taskLaunched(
      this.name,
      now,
      now - batch.submittedAtMs,
      job.shape.quantities,
      host,
    );
    return {
      name: id,
      task_id: { value: id },
      agent_id: agentId,
      resources,
      command: { value: this.#command(job) },
    };
  }

  #command(job: WorkloadJob): string {
    const ms = job.sampleMs(this.#options.durationRandom) / (this.#options.timeScale ?? 1);
    // Whole milliseconds: the simulated clock's resolution, and exact in decimal text.
    const sleep = Number.isFinite(ms) ? `sleep ${Math.max(0, Math.round(ms)) / 1000}` : 'sleep infinity';
    // Drawn for every task (not only when failRate > 0) so the stream's use does not depend on it.
    const fails = this.#options.failureRandom() < job.spec.failRate;
    return fails ? `${sleep}; exit 1` : sleep;
  }
}

/** How a status ends a task for the summary, or undefined while it is still live. */
function outcomeOf(state: TaskState): TaskOutcome | undefined {
  switch (state) {
    case 'TASK_FINISHED':
      return 'finished';
    case 'TASK_FAILED':
      return 'failed';
    case 'TASK_KILLED':
      return 'killed';
    case 'TASK_ERROR':
      return 'error';
    // TASK_UNKNOWN answers a reconciliation for a task the master never heard of (its launch
    // was lost): it will never run. UNREACHABLE tasks may come back, so they stay live.
    case 'TASK_UNKNOWN':
    case 'TASK_LOST':
    case 'TASK_DROPPED':
    case 'TASK_GONE':
    case 'TASK_GONE_BY_OPERATOR':
      return 'lost';
    case 'TASK_STAGING':
    case 'TASK_STARTING':
    case 'TASK_RUNNING':
    case 'TASK_KILLING':
    case 'TASK_UNREACHABLE':
      return undefined;
    default:
      return assertNever(state, 'task state');
  }
}
