/**
 * The scheduler the conformance cases drive: it launches the command tasks a case queues, on the
 * first offers they fit in, and records everything the driver tells it. It is written only
 * against the {@link Scheduler} interface, so it cannot tell which world it runs in.
 */
import type { MasterInfo } from '../../src/core/messages/cluster-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID } from '../../src/core/messages/ids.js';
import type { Offer } from '../../src/core/messages/offer.js';
import type { TaskInfo } from '../../src/core/messages/task-info.js';
import type { TaskState } from '../../src/core/messages/task-state.js';
import type { TaskStatus } from '../../src/core/messages/task-status.js';
import type { Scheduler, SchedulerDriver } from '../../src/driver/index.js';
import { milli, offered } from '../driver/sleepers.js';

/** A task a case wants run. */
export interface TaskRequest {
  readonly id: string;
  /** A shell command (`sleep 2`, `sleep 1; exit 3`): the simulator reads the same text. */
  readonly command: string;
  readonly cpus: number;
  readonly mem: number;
}

/** One launch, as the scheduler sent it. */
export interface Launch {
  readonly taskId: string;
  readonly agentId: string;
  /** Its place among every probe's launches in this process (they are made one at a time). */
  readonly seq: number;
}

let launchSeq = 0;

/** Options of a {@link ProbeScheduler}. */
export interface ProbeOptions {
  /** At most this many tasks per offer (default: as many as fit). */
  readonly tasksPerOffer?: number;
}

/** Launches queued tasks on offers and records its callbacks. */
export class ProbeScheduler implements Scheduler {
  readonly name: string;
  readonly options: ProbeOptions;
  frameworkId: string | undefined;
  registrations = 0;
  reregistrations = 0;
  disconnections = 0;
  readonly errors: string[] = [];
  /** Every status update, in arrival order. */
  readonly updates: TaskStatus[] = [];
  readonly launches: Launch[] = [];
  /** The driver that last called this scheduler (a failover brings a new one). */
  driver: SchedulerDriver | undefined;
  readonly #queue: TaskRequest[] = [];

  constructor(name: string, options: ProbeOptions = {}) {
    this.name = name;
    this.options = options;
  }

  /** Queues `tasks` for the next offers they fit in. */
  launch(...tasks: TaskRequest[]): void {
    this.#queue.push(...tasks);
    this.driver?.reviveOffers();
  }

  /** Tasks queued and not yet launched. */
  get pending(): number {
    return this.#queue.length;
  }

  /** The latest state of `taskId`, if any update came. */
  latest(taskId: string): TaskState | undefined {
    for (let i = this.updates.length - 1; i >= 0; i--) {
      const u = this.updates[i] as TaskStatus;
      if (u.task_id.value === taskId) return u.state;
    }
    return undefined;
  }

  /** Every state `taskId` was reported in, in order. */
  states(taskId: string): TaskState[] {
    return this.updates.filter((u) => u.task_id.value === taskId).map((u) => u.state);
  }

  /** Tasks whose latest state is `state`. */
  countIn(state: TaskState): number {
    const latest = new Map<string, TaskState>();
    for (const u of this.updates) latest.set(u.task_id.value, u.state);
    return [...latest.values()].filter((s) => s === state).length;
  }

  registered(driver: SchedulerDriver, frameworkId: FrameworkID, _masterInfo: MasterInfo | undefined): void {
    this.driver = driver;
    this.frameworkId = frameworkId.value;
    this.registrations++;
  }

  reregistered(driver: SchedulerDriver, _masterInfo: MasterInfo | undefined): void {
    this.driver = driver;
    this.reregistrations++;
  }

  disconnected(_driver: SchedulerDriver): void {
    this.disconnections++;
  }

  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    this.driver = driver;
    for (const offer of offers) {
      let cpus = offered(offer, 'cpus');
      let mem = offered(offer, 'mem');
      const launch: TaskInfo[] = [];
      const most = this.options.tasksPerOffer ?? Number.POSITIVE_INFINITY;
      for (let i = 0; i < this.#queue.length && launch.length < most; ) {
        const task = this.#queue[i] as TaskRequest;
        if (milli(task.cpus) > cpus || milli(task.mem) > mem) {
          i++;
          continue;
        }
        this.#queue.splice(i, 1);
        cpus -= milli(task.cpus);
        mem -= milli(task.mem);
        launch.push({
          name: task.id,
          task_id: { value: task.id },
          agent_id: offer.agent_id,
          resources: [
            { name: 'cpus', type: 'SCALAR', scalar: { value: task.cpus } },
            { name: 'mem', type: 'SCALAR', scalar: { value: task.mem } },
          ],
          command: { value: task.command },
        });
        this.launches.push({ taskId: task.id, agentId: offer.agent_id.value, seq: launchSeq++ });
      }
      // No filter on what is left: the next cycle may offer it to whoever is furthest below its
      // share (Mesos would otherwise apply its default 5 s filter to the unused part).
      if (launch.length > 0) driver.launchTasks([offer.id], launch, { refuse_seconds: 0 });
      else driver.declineOffer(offer.id, { refuse_seconds: this.#queue.length > 0 ? 0 : 3600 });
    }
  }

  offerRescinded(_driver: SchedulerDriver, _offerId: OfferID): void {}

  statusUpdate(driver: SchedulerDriver, status: TaskStatus): void {
    this.driver = driver;
    this.updates.push(status);
  }

  frameworkMessage(_d: SchedulerDriver, _e: ExecutorID, _a: AgentID, _data: string): void {}

  slaveLost(_driver: SchedulerDriver, _agentId: AgentID): void {}

  executorLost(_d: SchedulerDriver, _e: ExecutorID, _a: AgentID, _status: number | undefined): void {}

  error(_driver: SchedulerDriver, message: string): void {
    this.errors.push(message);
  }
}
