/**
 * The scheduler driver a framework holds (Mesos `MesosSchedulerDriver`): it keeps the status
 * machine of status.ts and delegates every call to its {@link SchedulerProcess}, which the world
 * runs at the scheduler's address:
 *
 *     const driver = new MesosSchedulerDriver(myScheduler, { user: 'me', name: 'sleepers' });
 *     world.spawn('scheduler-sleepers', () => driver.process);
 *     const done = driver.run();   // subscribes once the process runs; settles on stop/abort
 *
 * `start()` may come before or after the world starts the process; the driver subscribes as soon
 * as both have happened. A process runs once: if the world may restart the scheduler, its
 * factory should build a new driver (and framework) each time, as a restarted program would.
 */
import type { Filters } from '../core/messages/common.js';
import type { FrameworkInfo } from '../core/messages/framework-info.js';
import type { AgentID, ExecutorID, OfferID, TaskID } from '../core/messages/ids.js';
import type { OfferOperation } from '../core/messages/offer.js';
import type { OfferBatchView } from '../core/messages/offer-batch.js';
import type { ReconcileTask, ResourceRequest } from '../core/messages/scheduler-call.js';
import type { TaskInfo } from '../core/messages/task-info.js';
import type { TaskStatus } from '../core/messages/task-status.js';
import type { Scheduler, SchedulerDriver } from './scheduler.js';
import {
  type ResolvedSchedulerDriverOptions,
  resolveSchedulerDriverOptions,
  type SchedulerDriverOptions,
} from './scheduler-options.js';
import { SchedulerProcess } from './scheduler-process.js';
import { DriverLifecycle, type DriverStatus } from './status.js';

/** The v0-style scheduler driver over the v1 scheduler API. */
export class MesosSchedulerDriver implements SchedulerDriver {
  /** The process to run at the scheduler's address. */
  readonly process: SchedulerProcess;
  /** The options in force. */
  readonly options: ResolvedSchedulerDriverOptions;
  readonly #lifecycle = new DriverLifecycle();

  constructor(scheduler: Scheduler, frameworkInfo: FrameworkInfo, options: SchedulerDriverOptions = {}) {
    this.options = resolveSchedulerDriverOptions(options);
    this.process = new SchedulerProcess({
      driver: this,
      scheduler,
      lifecycle: this.#lifecycle,
      frameworkInfo,
      options: this.options,
    });
  }

  /** The current status. */
  get status(): DriverStatus {
    return this.#lifecycle.status;
  }

  start(): DriverStatus {
    if (this.#lifecycle.start()) this.process.begin();
    return this.#lifecycle.status;
  }

  stop(failover = false): DriverStatus {
    const outcome = this.#lifecycle.stop();
    if (outcome.acted) this.process.stop(failover);
    return outcome.returned;
  }

  abort(): DriverStatus {
    if (this.#lifecycle.abort()) this.process.abort();
    return this.#lifecycle.status;
  }

  join(): Promise<DriverStatus> {
    return this.#lifecycle.join();
  }

  run(): Promise<DriverStatus> {
    const status = this.start();
    return status === 'DRIVER_RUNNING' ? this.join() : Promise.resolve(status);
  }

  requestResources(requests: readonly ResourceRequest[]): DriverStatus {
    return this.#ifRunning(() => this.process.request(requests));
  }

  launchTasks(
    offerIds: OfferID | readonly OfferID[],
    tasks: readonly TaskInfo[],
    filters?: Filters,
  ): DriverStatus {
    const ids = isOfferIdList(offerIds) ? offerIds : [offerIds];
    return this.acceptOffers(ids, [{ type: 'LAUNCH', launch: { task_infos: [...tasks] } }], filters);
  }

  acceptOffers(
    offerIds: readonly OfferID[],
    operations: readonly OfferOperation[],
    filters?: Filters,
  ): DriverStatus {
    return this.#ifRunning(() => this.process.accept(offerIds, operations, filters));
  }

  declineOffer(offerId: OfferID, filters?: Filters): DriverStatus {
    return this.#ifRunning(() => this.process.decline([offerId], filters));
  }

  declineOfferBatch(batch: OfferBatchView, filters?: Filters): DriverStatus {
    return this.#ifRunning(() => this.process.decline([], filters, batch.ranges));
  }

  reviveOffers(roles?: readonly string[]): DriverStatus {
    // An empty list would mean "every role" on the wire; Mesos makes it a no-op instead.
    if (roles?.length === 0) return this.#lifecycle.status;
    return this.#ifRunning(() => this.process.revive(roles));
  }

  suppressOffers(roles?: readonly string[]): DriverStatus {
    if (roles?.length === 0) return this.#lifecycle.status;
    return this.#ifRunning(() => this.process.suppress(roles));
  }

  killTask(taskId: TaskID): DriverStatus {
    return this.#ifRunning(() => this.process.kill(taskId));
  }

  acknowledgeStatusUpdate(status: TaskStatus): DriverStatus {
    if (!this.#lifecycle.running) return this.#lifecycle.status;
    if (this.options.implicitAcknowledgements) {
      // Mesos ABORTs the scheduler program here: it is a bug in the framework.
      throw new Error('Cannot call acknowledgeStatusUpdate: implicit acknowledgements are enabled');
    }
    this.process.acknowledge(status);
    return this.#lifecycle.status;
  }

  sendFrameworkMessage(executorId: ExecutorID, agentId: AgentID, data: string): DriverStatus {
    return this.#ifRunning(() => this.process.message(executorId, agentId, data));
  }

  reconcileTasks(tasks: readonly ReconcileTask[]): DriverStatus {
    return this.#ifRunning(() => this.process.reconcile(tasks));
  }

  updateFramework(frameworkInfo: FrameworkInfo, suppressedRoles?: readonly string[]): DriverStatus {
    return this.#ifRunning(() => this.process.updateFramework(frameworkInfo, suppressedRoles));
  }

  #ifRunning(act: () => void): DriverStatus {
    if (this.#lifecycle.running) act();
    return this.#lifecycle.status;
  }
}

function isOfferIdList(ids: OfferID | readonly OfferID[]): ids is readonly OfferID[] {
  return Array.isArray(ids);
}
