/**
 * The agent with the real executor driver (src/driver): a launcher that starts a
 * MesosExecutorDriver configured from the environment the agent prepares, and reports the
 * program's exit (the driver's `onExit`) through a 0 ms timer on the agent's env — the path a
 * live child-process launcher takes.
 */
import test from 'ava';
import type {
  ExecutorExit,
  ExecutorHandle,
  ExecutorLaunch,
  ExecutorLauncher,
  ExecutorStart,
} from '../../src/agent/executor-launcher.js';
import type { TimerReport } from '../../src/agent/timer-report.js';
import type { Env, TimerId } from '../../src/core/process.js';
import type { Wire } from '../../src/core/wire.js';
import type { Executor, ExecutorDriver } from '../../src/driver/executor.js';
import { MesosExecutorDriver } from '../../src/driver/executor-driver.js';
import { executorOptionsFromEnvironment } from '../../src/driver/executor-options.js';
import type { SimWorld } from '../../src/runtime/sim/world.js';
import { executorTask, newWorld, setup } from './harness.js';

/** Runs each task for 3 s, then finishes it; stops on shutdown. */
class SleepyExecutor implements Executor {
  readonly world: SimWorld<Wire>;
  constructor(world: SimWorld<Wire>) {
    this.world = world;
  }
  registered(): void {}
  reregistered(): void {}
  disconnected(): void {}
  launchTask(driver: ExecutorDriver, task: Parameters<Executor['launchTask']>[1]): void {
    driver.sendStatusUpdate({ task_id: task.task_id, state: 'TASK_RUNNING' });
    this.world.at(this.world.now + 3000, () =>
      driver.sendStatusUpdate({ task_id: task.task_id, state: 'TASK_FINISHED' }),
    );
  }
  killTask(driver: ExecutorDriver, taskId: Parameters<Executor['killTask']>[1]): void {
    driver.sendStatusUpdate({ task_id: taskId, state: 'TASK_KILLED' });
  }
  frameworkMessage(): void {}
  shutdown(driver: ExecutorDriver): void {
    driver.stop();
  }
  error(): void {}
}

class DriverLauncher implements ExecutorLauncher {
  readonly world: SimWorld<Wire>;
  readonly #exits = new Map<TimerId, ExecutorExit>();
  readonly #drivers = new Map<number, MesosExecutorDriver>();
  #next = 0;

  constructor(world: SimWorld<Wire>) {
    this.world = world;
  }

  launch(env: Env<Wire>, launch: ExecutorLaunch): ExecutorStart {
    const options = executorOptionsFromEnvironment(launch.environment);
    if (!options.ok) return { ok: false, message: options.error };
    const handle: ExecutorHandle = { id: this.#next++ };
    const driver = new MesosExecutorDriver(new SleepyExecutor(this.world), {
      ...options.value,
      // The program exits: report it to the agent through its own env.
      onExit: () => this.#exits.set(env.setTimer(0, 'driver-launcher-exit'), { handle, status: 0 }),
    });
    this.#drivers.set(handle.id, driver);
    this.world.at(this.world.now, (w) => {
      w.spawn(`executor-${handle.id}`, () => driver.process);
      driver.start();
    });
    return { ok: true, handle };
  }

  kill(env: Env<Wire>, handle: ExecutorHandle): void {
    this.#drivers.get(handle.id)?.abort();
    this.#exits.set(env.setTimer(0, 'driver-launcher-exit'), { handle, status: 9 });
  }

  onTimer(_env: Env<Wire>, _tag: string, id: TimerId): TimerReport<ExecutorExit> {
    const exit = this.#exits.get(id);
    if (exit === undefined) return { kind: 'not-mine' };
    this.#exits.delete(id);
    return { kind: 'report', value: exit };
  }
}

test('a task on the real executor driver runs to TASK_FINISHED; SHUTDOWN_EXECUTOR makes the executor exit', (t) => {
  const world = newWorld(2);
  const { master } = setup(world, {}, { executorLauncher: new DriverLauncher(world) });
  world.runUntil(2000);
  master().runTask(executorTask('t1', 'e1', 'm-S0'));
  world.runUntil(10_000);
  t.deepEqual(master().statesOf('t1'), ['TASK_RUNNING', 'TASK_FINISHED']);
  const finished = master().updates().at(-1);
  t.like(finished?.update.status, { source: 'SOURCE_EXECUTOR', executor_id: { value: 'e1' } });
  master().send({ type: 'SHUTDOWN_EXECUTOR', framework_id: { value: 'fw-1' }, executor_id: { value: 'e1' } });
  world.runUntil(11_000);
  // The executor stopped its driver within the grace period: a clean exit, reported at once.
  t.like(master().ofType('EXITED_EXECUTOR')[0]?.message, { executor_id: { value: 'e1' }, status: 0 });
});
