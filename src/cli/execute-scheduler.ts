/**
 * The framework behind `agora execute` (Mesos's mesos-execute): it launches one command task on
 * the first offer that fits, declines every other offer, prints each state change, and stops
 * once the task reaches a terminal state. Written only against the Scheduler interface, like any
 * framework.
 */
import type { MasterInfo } from '../core/messages/cluster-info.js';
import type { AgentID, ExecutorID, FrameworkID, OfferID } from '../core/messages/ids.js';
import type { Offer } from '../core/messages/offer.js';
import { resourcesFromJson, resourcesToJson } from '../core/messages/resources-json.js';
import { isTerminalState } from '../core/messages/task-state.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { Resources } from '../core/resources.js';
import type { Scheduler, SchedulerDriver } from '../driver/scheduler.js';

/** What to run. */
export interface ExecuteOptions {
  readonly name: string;
  readonly command: string;
  readonly resources: Resources;
  /** Where state changes are printed. */
  readonly print: (line: string) => void;
}

/** mesos-execute as a Scheduler (see the module comment). */
export class ExecuteScheduler implements Scheduler {
  readonly #options: ExecuteOptions;
  #launched = false;
  /** The task's terminal status, once it has one. */
  final: TaskStatus | undefined;
  /** Why the framework gave up, if it did (master error, agent lost). */
  failure: string | undefined;
  #subscribed = false;
  #offers = 0;
  readonly #agents = new Set<string>();
  #lastState: string | undefined;

  constructor(options: ExecuteOptions) {
    this.#options = options;
  }

  /**
   * What it is still waiting for, to say why it gave up at `--timeout`: the master (with the
   * connection's last error, if any), an offer that fits, or the task's end.
   */
  waitingFor(connectionProblem: string | undefined, wanted: string): string {
    if (!this.#subscribed) {
      return `never subscribed with the master${connectionProblem === undefined ? '' : ` (${connectionProblem})`}`;
    }
    if (!this.#launched) {
      return this.#offers === 0
        ? `subscribed, but the master made no offer: no agent has resources free (is any agent registered?)`
        : `no offer had the resources asked for (${wanted}): ${this.#offers} offer(s) from ${this.#agents.size} agent(s) declined`;
    }
    return `task '${this.#options.name}' was submitted and is ${this.#lastState ?? 'not started yet'}`;
  }

  registered(_driver: SchedulerDriver, frameworkId: FrameworkID, _masterInfo: MasterInfo | undefined): void {
    this.#subscribed = true;
    this.#options.print(`Subscribed with ID ${frameworkId.value}`);
  }

  reregistered(driver: SchedulerDriver): void {
    if (this.#launched) driver.reconcileTasks([{ task_id: { value: this.#options.name } }]);
  }

  disconnected(): void {
    this.#options.print('Disconnected from the master; retrying');
  }

  resourceOffers(driver: SchedulerDriver, offers: readonly Offer[]): void {
    for (const offer of offers) {
      this.#offers++;
      this.#agents.add(offer.agent_id.value);
      if (!this.#launched && fits(offer, this.#options.resources)) {
        this.#launched = true;
        driver.launchTasks(
          [offer.id],
          [
            {
              name: this.#options.name,
              task_id: { value: this.#options.name },
              agent_id: offer.agent_id,
              resources: resourcesToJson(this.#options.resources),
              command: { value: this.#options.command },
            },
          ],
        );
        this.#options.print(`Submitted task '${this.#options.name}' to agent '${offer.agent_id.value}'`);
      } else {
        driver.declineOffer(offer.id, { refuse_seconds: this.#launched ? 3600 : 1 });
      }
    }
    if (this.#launched) driver.suppressOffers();
  }

  offerRescinded(_driver: SchedulerDriver, _offerId: OfferID): void {}

  statusUpdate(driver: SchedulerDriver, status: TaskStatus): void {
    if (status.task_id.value !== this.#options.name) return;
    this.#lastState = status.state;
    const message = status.message === undefined ? '' : `: ${status.message}`;
    this.#options.print(`Received status update ${status.state} for task '${this.#options.name}'${message}`);
    if (isTerminalState(status.state)) {
      this.final = status;
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
    this.#options.print(`Agent ${agentId.value} was lost`);
  }

  executorLost(): void {}

  error(_driver: SchedulerDriver, message: string): void {
    this.failure = message;
    this.#options.print(`Error: ${message}`);
  }
}

/** Whether `offer` has at least the scalar amounts `wanted` asks for. */
function fits(offer: Offer, wanted: Resources): boolean {
  const offered = resourcesFromJson(offer.resources ?? [], 'resources');
  if (!offered.ok) return false;
  for (const [name, milli] of wanted.scalarQuantities())
    if (offered.value.scalarMilli(name) < milli) return false;
  return true;
}
