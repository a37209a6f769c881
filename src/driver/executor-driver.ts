/**
 * The executor driver a custom executor holds (Mesos `MesosExecutorDriver`): the status machine
 * of status.ts in front of an {@link ExecutorProcess}, which the world runs at the executor's
 * address. The launcher that starts the executor supplies the options (or the MESOS_*
 * environment, see `executorOptionsFromEnvironment`):
 *
 *     const driver = new MesosExecutorDriver(myExecutor, options);
 *     world.spawn(executorAddress, () => driver.process);
 *     driver.run();
 */
import type { TaskStatus } from '../core/messages/task-status.js';
import type { Executor, ExecutorDriver } from './executor.js';
import {
  type ExecutorDriverOptions,
  type ResolvedExecutorDriverOptions,
  resolveExecutorDriverOptions,
} from './executor-options.js';
import { ExecutorProcess } from './executor-process.js';
import { DriverLifecycle, type DriverStatus } from './status.js';

/** The v0-style executor driver over the v1 executor API. */
export class MesosExecutorDriver implements ExecutorDriver {
  /** The process to run at the executor's address. */
  readonly process: ExecutorProcess;
  /** The options in force. */
  readonly options: ResolvedExecutorDriverOptions;
  readonly #lifecycle = new DriverLifecycle();

  constructor(executor: Executor, options: ExecutorDriverOptions) {
    this.options = resolveExecutorDriverOptions(options);
    this.process = new ExecutorProcess({
      driver: this,
      executor,
      lifecycle: this.#lifecycle,
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

  stop(): DriverStatus {
    const wasRunning = this.#lifecycle.running;
    const outcome = this.#lifecycle.stop();
    if (outcome.acted) this.process.end('stop');
    // The program exits once, when the driver first leaves RUNNING.
    if (wasRunning) this.options.onExit?.(this.#lifecycle.status);
    return outcome.returned;
  }

  abort(): DriverStatus {
    if (this.#lifecycle.abort()) {
      this.process.end('abort');
      this.options.onExit?.(this.#lifecycle.status);
    }
    return this.#lifecycle.status;
  }

  join(): Promise<DriverStatus> {
    return this.#lifecycle.join();
  }

  run(): Promise<DriverStatus> {
    const status = this.start();
    return status === 'DRIVER_RUNNING' ? this.join() : Promise.resolve(status);
  }

  sendStatusUpdate(status: TaskStatus): DriverStatus {
    if (this.#lifecycle.running) this.process.update(status);
    return this.#lifecycle.status;
  }

  sendFrameworkMessage(data: string): DriverStatus {
    if (this.#lifecycle.running) this.process.message(data);
    return this.#lifecycle.status;
  }
}
