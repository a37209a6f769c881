/**
 * The example framework (sleepers.ts), written only against the Scheduler/SchedulerDriver
 * interfaces, run end to end: against the real master with fake agents, and against the
 * scripted fake master.
 */
import test from 'ava';
import type { Wire } from '../../src/core/wire.js';
import { DriverStatus, MesosSchedulerDriver } from '../../src/driver/index.js';
import type { Master } from '../../src/master/master.js';
import type { SimWorld } from '../../src/runtime/sim/world.js';
import { newMaster } from '../sim-world.js';
import { FakeMaster, FRAMEWORK_ID, INFO, MASTER, newWorld, offer, SCHEDULER, UUID } from './harness.js';
import { SleepAgent } from './sleep-agent.js';
import { Sleepers } from './sleepers.js';

function runWithRealMaster(seed: number): {
  world: SimWorld<Wire>;
  sleepers: Sleepers;
  driver: MesosSchedulerDriver;
  done: Promise<DriverStatus>;
} {
  const world = newWorld(seed);
  world.spawn(MASTER, () => newMaster());
  world.spawn('agent-0', () => new SleepAgent());
  world.spawn('agent-1', () => new SleepAgent());
  const sleepers = new Sleepers({ tasks: 5, sleepSeconds: 30, cpusPerTask: 1, memPerTask: 256 });
  const driver = new MesosSchedulerDriver(sleepers, { user: 'tester', name: 'sleepers' });
  world.spawn('scheduler-sleepers', () => driver.process);
  const done = driver.run();
  return { world, sleepers, driver, done };
}

test('the sleepers framework runs 5 tasks on the real master and stops when all finished', async (t) => {
  const { world, sleepers, done } = runWithRealMaster(7);
  world.runUntil(120_000);
  t.is(await done, DriverStatus.STOPPED);
  t.is(sleepers.finished, 5);
  t.true(sleepers.events[0]?.startsWith('registered '));
  t.is(sleepers.events.at(-1), 'all ended: stop');
  t.false(sleepers.events.includes('disconnected'), "the master's heartbeats keep the subscription alive");
  // 2 agents × 2 cpus: four tasks fit at first, the fifth after one of them ends.
  t.is(sleepers.events.filter((e) => e.endsWith('TASK_RUNNING')).length, 5);
  // Implicit acknowledgements reached the agents through the master: all 10 updates but the last,
  // whose callback stopped the driver (Mesos acknowledges only if the driver is still running).
  const agents = [0, 1].map((i) => world.instance(`agent-${i}`) as SleepAgent);
  const acks = agents.flatMap((a) => a.ofType('STATUS_UPDATE_ACKNOWLEDGEMENT'));
  t.is(acks.length, 9);
  // stop() tore the framework down: the master removed it and told the agents.
  const master = world.instance(MASTER) as Master;
  t.is(master.state().frameworks.length, 0);
  t.true(agents.every((a) => a.ofType('SHUTDOWN_FRAMEWORK').length === 1));
});

test('the run is deterministic for a seed', async (t) => {
  const trace = async (seed: number) => {
    const { world, done } = runWithRealMaster(seed);
    world.runUntil(120_000);
    await done;
    return world.traceLines();
  };
  t.deepEqual(await trace(3), await trace(3));
});

test('the same framework against the scripted fake master', async (t) => {
  const world = newWorld(1);
  world.spawn(MASTER, () => new FakeMaster());
  const sleepers = new Sleepers({ tasks: 2, sleepSeconds: 1, cpusPerTask: 1, memPerTask: 128 });
  const driver = new MesosSchedulerDriver(sleepers, INFO);
  world.spawn(SCHEDULER, () => driver.process);
  const done = driver.run();
  world.runUntil(10);
  const master = world.instance(MASTER) as FakeMaster;
  master.send(SCHEDULER, {
    type: 'OFFERS',
    offers: { offers: [offer('O1', 'S1', 1, 512), offer('O2', 'S2', 4, 64)] },
  });
  world.runUntil(20);
  // O1 takes one task; O2 has too little memory and is declined; then another offer takes the second.
  t.deepEqual(master.types(), ['SUBSCRIBE', 'ACCEPT', 'DECLINE']);
  master.send(SCHEDULER, { type: 'OFFERS', offers: { offers: [offer('O3', 'S1', 1, 512)] } });
  world.runUntil(30);
  t.deepEqual(master.types().slice(3), ['ACCEPT', 'SUPPRESS']);
  for (const id of ['sleeper-0', 'sleeper-1']) {
    master.send(SCHEDULER, {
      type: 'UPDATE',
      update: {
        status: { task_id: { value: id }, state: 'TASK_FINISHED', agent_id: { value: 'S1' }, uuid: UUID },
      },
    });
  }
  world.runUntil(40);
  t.is(await done, DriverStatus.STOPPED);
  // The second update's callback stops the driver, so only the first is acknowledged.
  t.deepEqual(master.types().slice(5), ['ACKNOWLEDGE', 'TEARDOWN']);
  t.deepEqual(master.ofType('TEARDOWN'), [{ type: 'TEARDOWN', framework_id: { value: FRAMEWORK_ID } }]);
});

test('against the real master: scheduler failover with stop(true) and a new driver with the framework id', (t) => {
  const world = newWorld(5);
  world.spawn(MASTER, () => newMaster());
  world.spawn('agent-0', () => new SleepAgent());
  const info = { user: 'tester', name: 'sleepers', failover_timeout: 60 };
  const first = new Sleepers({ tasks: 2, sleepSeconds: 100, cpusPerTask: 1, memPerTask: 256 });
  const driver1 = new MesosSchedulerDriver(first, info);
  world.spawn('scheduler-a', () => driver1.process);
  driver1.start();
  world.runUntil(10_000);
  t.is(first.events.filter((e) => e.endsWith('TASK_RUNNING')).length, 2);
  const id = driver1.process.frameworkId;
  if (id === undefined) throw new Error('not registered');
  t.is(driver1.stop(true), DriverStatus.STOPPED);
  world.runUntil(20_000);
  const master = world.instance(MASTER) as Master;
  t.false(master.state().frameworks[0]?.connected, 'disconnected, waiting for its failover timeout');

  // A new scheduler instance, elsewhere, takes the framework over before the 60 s are up.
  const second = new Sleepers({ tasks: 0, sleepSeconds: 0, cpusPerTask: 1, memPerTask: 256 });
  const driver2 = new MesosSchedulerDriver(second, { ...info, id });
  world.spawn('scheduler-b', () => driver2.process);
  driver2.start();
  world.runUntil(200_000);
  t.deepEqual(second.events.slice(0, 1), [`registered ${id.value}`]);
  const state = master.state();
  t.is(state.frameworks.length, 1);
  t.true(state.frameworks[0]?.connected);
  // The tasks survived the failover and their updates reached the new instance, which ignores
  // tasks it did not launch; the agent saw no framework shutdown.
  const agent = world.instance('agent-0') as SleepAgent;
  t.is(agent.ofType('SHUTDOWN_FRAMEWORK').length, 0);
  t.is(agent.ofType('STATUS_UPDATE_ACKNOWLEDGEMENT').length, 4);
});

test('against the real master: the master restarts, the driver resubscribes with its id and reconciles', (t) => {
  const world = newWorld(9);
  world.spawn(MASTER, () => newMaster());
  world.spawn('agent-0', () => new SleepAgent());
  const sleepers = new Sleepers({ tasks: 1, sleepSeconds: 1000, cpusPerTask: 1, memPerTask: 256 });
  const driver = new MesosSchedulerDriver(sleepers, { user: 'tester', name: 'sleepers' });
  world.spawn('scheduler-a', () => driver.process);
  driver.start();
  world.runUntil(5000);
  const id = driver.process.frameworkId?.value;
  world.crash(MASTER);
  world.runUntil(10_000);
  world.restart(MASTER);
  world.runUntil(200_000);
  t.deepEqual(sleepers.events.slice(0, 3), [`registered ${id}`, 'sleeper-0 TASK_RUNNING', 'disconnected']);
  t.true(sleepers.events.includes('reregistered'));
  const master = world.instance(MASTER) as Master;
  t.deepEqual(
    master.state().frameworks.map((f) => [f.id, f.connected]),
    [[id, true]],
  );
  t.is(driver.status, DriverStatus.RUNNING);
});

test('against the real master: a second instance with the same id takes over; the first gets error and its stop() says ABORTED', (t) => {
  const world = newWorld(11);
  world.spawn(MASTER, () => newMaster());
  const info = { user: 'tester', name: 'sleepers', failover_timeout: 60 };
  const first = new Sleepers({ tasks: 0, sleepSeconds: 0, cpusPerTask: 1, memPerTask: 1 });
  const driver1 = new MesosSchedulerDriver(first, info);
  world.spawn('scheduler-a', () => driver1.process);
  driver1.start();
  world.runUntil(1000);
  const id = driver1.process.frameworkId;
  if (id === undefined) throw new Error('not registered');
  const second = new Sleepers({ tasks: 0, sleepSeconds: 0, cpusPerTask: 1, memPerTask: 1 });
  const driver2 = new MesosSchedulerDriver(second, { ...info, id });
  world.spawn('scheduler-b', () => driver2.process);
  driver2.start();
  world.runUntil(200_000);
  // FaultToleranceTest.SchedulerFailover.
  t.deepEqual(first.events, [`registered ${id.value}`, 'error Framework failed over']);
  t.is(driver1.status, DriverStatus.ABORTED);
  t.is(driver1.stop(), DriverStatus.ABORTED);
  // The first instance closing its connection does not disturb the second.
  t.deepEqual(second.events, [`registered ${id.value}`]);
  t.true(driver2.process.connected);
  const state = (world.instance(MASTER) as Master).state();
  t.deepEqual(
    state.frameworks.map((f) => [f.id, f.connected]),
    [[id.value, true]],
  );
});
