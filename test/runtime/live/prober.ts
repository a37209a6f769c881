/**
 * A scheduler for the live tests: it launches the tasks it is given (one per offer that fits),
 * records every callback in order, and lets the test drive it (kill, reconcile).
 */
import type { MasterInfo } from '../../../src/core/messages/cluster-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID } from '../../../src/core/messages/ids.js';
import type { Offer } from '../../../src/core/messages/offer.js';
import type { TaskStatus } from '../../../src/core/messages/task-status.js';
import type { Scheduler, SchedulerDriver } from '../../../src/driver/index.js';

/** A task to launch: its id and shell command. */
export interface ProbeTask {
  readonly id: string;
  readonly command: string;
}

/** Launches `tasks` and records what it hears. */
export class Prober implements Scheduler {
  readonly events: string[] = [];
  readonly statuses: TaskStatus[] = [];
  frameworkId: string | undefined;
  readonly #queue: ProbeTask[];
  readonly #perOffer: number;

  /** @param perOffer how many of the tasks one offer may take (default 1) */
  constructor(tasks: readonly ProbeTask[], perOffer = 1) {
    this.#queue = [...tasks];
    this.#perOffer = perOffer;
  }

  /** The latest state of `taskId`. */
  state(taskId: string): string | undefined {
    return this.statuses.filter((s) => s.task_id.value === taskId).at(-1)?.state;
  }

  registered(_d: SchedulerDriver, frameworkId: FrameworkID, _m: MasterInfo | undefined): void {
    this.frameworkId = frameworkId.value;
    this.events.push('registered');
  }

  reregistered(): void {
    this.events.push('reregistered');
  }

  disconnected(): void {
    this.events.push('disconnected');
  }

  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    for (const offer of offers) {
      const tasks = this.#queue.splice(0, this.#perOffer);
      if (tasks.length === 0) {
        driver.declineOffer(offer.id, { refuse_seconds: 3600 });
        continue;
      }
      driver.launchTasks(
        [offer.id],
        tasks.map((task) => ({
          name: task.id,
          task_id: { value: task.id },
          agent_id: offer.agent_id,
          resources: [
            { name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.1 } },
            { name: 'mem', type: 'SCALAR' as const, scalar: { value: 16 } },
          ],
          command: { value: task.command },
        })),
      );
    }
  }

  offerRescinded(_d: SchedulerDriver, _o: OfferID): void {}

  statusUpdate(_d: SchedulerDriver, status: TaskStatus): void {
    this.statuses.push(status);
    this.events.push(
      `${status.task_id.value} ${status.state}${status.reason === undefined ? '' : ` ${status.reason}`}`,
    );
  }

  frameworkMessage(_d: SchedulerDriver, _e: ExecutorID, _a: AgentID, _data: string): void {}

  slaveLost(_d: SchedulerDriver, agentId: AgentID): void {
    this.events.push(`agent lost ${agentId.value}`);
  }

  executorLost(): void {}

  error(_d: SchedulerDriver, message: string): void {
    this.events.push(`error ${message}`);
  }
}
