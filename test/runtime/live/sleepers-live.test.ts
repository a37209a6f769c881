/**
 * The transport contract: the example framework (test/driver/sleepers.ts), unchanged, against a
 * live master and agents on loopback, over the v1 scheduler HTTP API and real `sleep` processes.
 * test/driver/example.test.ts runs the same framework in the simulated world with the same
 * expectations.
 */
import test from 'ava';
import { DriverStatus } from '../../../src/driver/index.js';
import { liveSchedulerDriver } from '../../../src/runtime/live/live-scheduler.js';
import { Sleepers } from '../../driver/sleepers.js';
import { liveCluster } from './harness.js';

test('the sleepers framework runs unchanged on a live master and agents', async (t) => {
  const cluster = await liveCluster(2);
  const sleepers = new Sleepers({ tasks: 5, sleepSeconds: 0.3, cpusPerTask: 1, memPerTask: 64 });
  const { driver, close } = liveSchedulerDriver(
    sleepers,
    { user: 'tester', name: 'sleepers' },
    {
      masterUrl: cluster.master.url,
      log: (line) => cluster.logs.push(`scheduler: ${line}`),
    },
  );
  try {
    const status = await Promise.race([
      driver.run(),
      new Promise<string>((resolve) => setTimeout(() => resolve('timed out'), 20_000)),
    ]);
    t.is(status, DriverStatus.STOPPED, cluster.logs.join('\n'));
    t.is(sleepers.finished, 5);
    t.true(sleepers.events[0]?.startsWith('registered '));
    t.is(sleepers.events.at(-1), 'all ended: stop');
    t.is(sleepers.events.filter((e) => e.endsWith('TASK_RUNNING')).length, 5);
    t.false(sleepers.events.includes('disconnected'));
  } finally {
    await close();
    await cluster.close();
  }
});
