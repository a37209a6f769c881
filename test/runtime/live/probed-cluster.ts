/**
 * A live cluster with a {@link Prober} framework whose tasks have reached the states a test
 * asks for: the fixture of the endpoint tests, which read what a real run left behind.
 */
import type { FrameworkInfo } from '../../../src/core/messages/framework-info.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { type ClusterOptions, eventually, liveCluster } from './harness.js';
import { Prober, type ProbeTask } from './prober.js';

/**
 * One agent of `resources`, and a framework (`info` added to user `tester`, name `prober`)
 * that runs `tasks` until each is in the state `settled` gives it; `stop` ends it all.
 */
export async function probedCluster(
  resources: string,
  tasks: readonly (ProbeTask & { readonly settled: string })[],
  options: ClusterOptions = {},
  info: Partial<FrameworkInfo> = {},
) {
  const cluster = await liveCluster(1, resources, options);
  const prober = new Prober(tasks);
  const { driver, close } = liveSchedulerDriver(
    prober,
    { user: 'tester', name: 'prober', ...info },
    { masterUrl: cluster.master.url },
  );
  driver.start();
  await eventually(
    () => tasks.every((task) => prober.state(task.id) === task.settled),
    15_000,
    () => `the tasks to settle: ${prober.events.join(', ')}`,
  );
  const agent = cluster.agents[0];
  if (agent === undefined) throw new Error('assertion failed: the cluster has an agent');
  return {
    cluster,
    prober,
    agent,
    async stop() {
      driver.stop();
      await close();
      await cluster.close();
    },
  };
}
