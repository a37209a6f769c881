/**
 * A tiny example framework: launch N `sleep` tasks, wait until every one has ended, then stop.
 * It is written only against the {@link Scheduler} and {@link SchedulerDriver} interfaces and the
 * message types, so it cannot tell whether it runs against a fake master, the simulated master
 * or (through the live transport) a real one. The scenario workloads are built the same way.
 */
import type { MasterInfo } from '../../src/core/messages/cluster-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID } from '../../src/core/messages/ids.js';
import type { Offer } from '../../src/core/messages/offer.js';
import type { TaskInfo } from '../../src/core/messages/task-info.js';
import { isTerminalState, type TaskState } from '../../src/core/messages/task-state.js';
import type { TaskStatus } from '../../src/core/messages/task-status.js';
import type { Scheduler, SchedulerDriver } from '../../src/driver/index.js';

/** What to run. */
export interface SleepersOptions {
  readonly tasks: number;
  readonly sleepSeconds: number;
  readonly cpusPerTask: number;
  readonly memPerTask: number;
  /** The tasks' shell command (default `sleep <sleepSeconds>`). */
  readonly command?: string;
}

/** Milli-units, so that offer arithmetic stays exact. */
export const milli = (x: number) => Math.round(x * 1000);

/** The scalar `name` of an offer, in milli-units. */
export function offered(offer: Offer, name: string): number {
  let total = 0;
  for (const r of offer.resources ?? [])
    if (r.name === name && r.scalar !== undefined) total += milli(r.scalar.value);
  return total;
}

/** Launches N sleep tasks, then stops its driver once all have ended. */
export class Sleepers implements Scheduler {
  readonly options: SleepersOptions;
  /** Every task's latest state. */
  readonly states = new Map<string, TaskState>();
  /** What happened, in order (for the test to read). */
  readonly events: string[] = [];
  #launched = 0;

  constructor(options: SleepersOptions) {
    this.options = options;
  }

  /** Tasks that ended in TASK_FINISHED. */
  get finished(): number {
    return [...this.states.values()].filter((s) => s === 'TASK_FINISHED').length;
  }

  registered(_driver: SchedulerDriver, frameworkId: FrameworkID, _masterInfo: MasterInfo | undefined): void {
    this.events.push(`registered ${frameworkId.value}`);
  }

  reregistered(driver: SchedulerDriver, _masterInfo: MasterInfo | undefined): void {
    this.events.push('reregistered');
    // After a disconnection, ask for the latest state of every task (mesos.md §5.4).
    driver.reconcileTasks([]);
  }

  disconnected(_driver: SchedulerDriver): void {
    this.events.push('disconnected');
  }

  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    const { tasks, cpusPerTask, memPerTask, sleepSeconds } = this.options;
    for (const offer of offers) {
      let cpus = offered(offer, 'cpus');
      let mem = offered(offer, 'mem');
      const launch: TaskInfo[] = [];
      while (this.#launched < tasks && cpus >= milli(cpusPerTask) && mem >= milli(memPerTask)) {
        const id = `sleeper-${this.#launched++}`;
        launch.push({
          name: id,
          task_id: { value: id },
          agent_id: offer.agent_id,
          resources: [
            { name: 'cpus', type: 'SCALAR', scalar: { value: cpusPerTask } },
            { name: 'mem', type: 'SCALAR', scalar: { value: memPerTask } },
          ],
          command: { value: this.options.command ?? `sleep ${sleepSeconds}` },
        });
        this.states.set(id, 'TASK_STAGING');
        cpus -= milli(cpusPerTask);
        mem -= milli(memPerTask);
      }
      if (launch.length > 0) driver.launchTasks([offer.id], launch);
      else driver.declineOffer(offer.id, { refuse_seconds: 3600 });
    }
    if (this.#launched >= tasks) driver.suppressOffers();
  }

  offerRescinded(_driver: SchedulerDriver, _offerId: OfferID): void {}

  statusUpdate(driver: SchedulerDriver, status: TaskStatus): void {
    const id = status.task_id.value;
    if (!this.states.has(id)) return;
    this.states.set(id, status.state);
    this.events.push(`${id} ${status.state}`);
    const ended = [...this.states.values()].filter(isTerminalState).length;
    if (this.#launched >= this.options.tasks && ended === this.options.tasks) {
      this.events.push('all ended: stop');
      driver.stop();
    }
  }

  frameworkMessage(
    _driver: SchedulerDriver,
    _executorId: ExecutorID,
    _agentId: AgentID,
    _data: string,
  ): void {}

  slaveLost(_driver: SchedulerDriver, agentId: AgentID): void {
    this.events.push(`agent lost ${agentId.value}`);
  }

  executorLost(
    _driver: SchedulerDriver,
    _executorId: ExecutorID,
    _agentId: AgentID,
    _status: number | undefined,
  ): void {}

  error(_driver: SchedulerDriver, message: string): void {
    this.events.push(`error ${message}`);
  }
}
