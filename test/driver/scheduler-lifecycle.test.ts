/**
 * Stop, abort, errors and losing the master (mesos.md §1.1, §1.3, §2.6, §2.9): what goes to the
 * master, which callbacks run, and how the driver resubscribes with its framework id.
 */
import test from 'ava';
import type { FrameworkInfo } from '../../src/core/messages/framework-info.js';
import { DriverStatus, MesosSchedulerDriver } from '../../src/driver/index.js';
import {
  type FakeMaster,
  FRAMEWORK_ID,
  type Hooks,
  INFO,
  MASTER,
  offer,
  RecordingScheduler,
  SCHEDULER,
  setup,
} from './harness.js';

const FID = { value: FRAMEWORK_ID };

test('stop() sends TEARDOWN, then closes the subscription', (t) => {
  const s = setup();
  t.is(s.driver.stop(), DriverStatus.STOPPED);
  s.advance(10);
  t.deepEqual(s.master().types(), ['SUBSCRIBE', 'TEARDOWN']);
  t.deepEqual(s.master().ofType('TEARDOWN'), [{ type: 'TEARDOWN', framework_id: FID }]);
  t.deepEqual(
    s.master().links.map((l) => l.exited),
    [SCHEDULER],
  );
});

test('stop(true) sends no TEARDOWN: it only closes the subscription, so the master starts the failover timeout', (t) => {
  const s = setup();
  t.is(s.driver.stop(true), DriverStatus.STOPPED);
  s.advance(10);
  t.deepEqual(s.master().types(), ['SUBSCRIBE']);
  t.deepEqual(
    s.master().links.map((l) => l.exited),
    [SCHEDULER],
  );
});

test('abort() sends no call, closes the subscription and silences callbacks', async (t) => {
  const s = setup();
  const joined = s.driver.join();
  t.is(s.driver.abort(), DriverStatus.ABORTED);
  s.master().send(SCHEDULER, { type: 'OFFERS', offers: { offers: [offer('O1')] } });
  s.master().send(SCHEDULER, { type: 'ERROR', error: { message: 'late' } });
  s.advance(10);
  t.deepEqual(s.master().types(), ['SUBSCRIBE']);
  t.is(s.master().links.length, 1);
  t.deepEqual(s.scheduler.names(), ['registered']);
  t.is(await joined, DriverStatus.ABORTED);
  // v0 would still send TEARDOWN here (its link stays up after DeactivateFramework); ours has no
  // connection left to send it on (see scheduler-process.ts).
  t.is(s.driver.stop(), DriverStatus.ABORTED);
  s.advance(10);
  t.deepEqual(s.master().types(), ['SUBSCRIBE']);
});

test('ERROR: the driver aborts first, then error() runs once; no callback after it', async (t) => {
  const s = setup();
  const joined = s.driver.join();
  s.master().send(SCHEDULER, { type: 'ERROR', error: { message: 'Framework failed over' } });
  s.master().send(SCHEDULER, { type: 'OFFERS', offers: { offers: [offer('O1')] } });
  s.advance(10);
  t.deepEqual(
    s.scheduler.log.map((c) => [c.name, c.status]),
    [
      ['registered', DriverStatus.RUNNING],
      ['error', DriverStatus.ABORTED],
    ],
  );
  t.deepEqual(s.scheduler.argsOf('error'), [['Framework failed over']]);
  t.is(await joined, DriverStatus.ABORTED);
  t.is(s.master().links.length, 1, 'the subscription is closed');
});

test('ERROR in answer to SUBSCRIBE (e.g. a removed framework) aborts the driver', (t) => {
  const s = setup({ master: { answerSubscribe: false }, start: false });
  s.driver.start();
  s.advance(1);
  s.master().send(SCHEDULER, { type: 'ERROR', error: { message: 'Framework has been removed' } });
  s.advance(120_000);
  t.is(s.driver.status, DriverStatus.ABORTED);
  t.deepEqual(s.scheduler.names(), ['error']);
  t.is(s.master().ofType('SUBSCRIBE').length, 1, 'no retry after the abort');
});

test('the master going away: disconnected, then resubscription with the same id, then reregistered', (t) => {
  const s = setup({ master: { heartbeats: true } });
  s.world.crash(MASTER);
  s.advance(10);
  t.deepEqual(s.scheduler.names(), ['registered', 'disconnected']);
  t.false(s.driver.process.connected);
  s.advance(5000);
  s.world.restart(MASTER);
  s.advance(120_000);
  t.deepEqual(s.scheduler.names(), ['registered', 'disconnected', 'reregistered']);
  const resubscribe = s.master().ofType('SUBSCRIBE');
  t.is(resubscribe.length, 1, 'one SUBSCRIBE reached the restarted master');
  t.deepEqual(resubscribe[0], {
    type: 'SUBSCRIBE',
    framework_id: FID,
    subscribe: { framework_info: { ...INFO, id: FID } },
  });
  t.true(s.driver.process.connected);
  // Calls work again.
  s.driver.killTask({ value: 't1' });
  s.advance(10);
  t.deepEqual(s.master().types(), ['SUBSCRIBE', 'KILL']);
});

test('no event for 5 heartbeat intervals: disconnected and resubscribed; a beating master keeps the driver subscribed', (t) => {
  const silent = setup({ master: { heartbeatSeconds: 15 } });
  silent.advance(74_000);
  t.deepEqual(silent.scheduler.names(), ['registered']);
  silent.advance(2000);
  t.deepEqual(silent.scheduler.names(), ['registered', 'disconnected', 'reregistered']);
  const subs = silent.master().calls.filter((c) => c.call.type === 'SUBSCRIBE');
  t.is(subs.length, 2);
  // The watchdog was armed by the last event (the HEARTBEAT at 2 ms): 2 + 75000, then 1 ms to the master.
  t.is(subs[1]?.at, 75_003);
  t.deepEqual(subs[1]?.call, {
    type: 'SUBSCRIBE',
    framework_id: FID,
    subscribe: { framework_info: { ...INFO, id: FID } },
  });
  t.deepEqual(silent.master().links, [], 'the old connection is not closed first');

  const beating = setup({ master: { heartbeatSeconds: 15, heartbeats: true } });
  beating.advance(10 * 60_000);
  t.deepEqual(beating.scheduler.names(), ['registered']);
  t.is(beating.master().ofType('SUBSCRIBE').length, 1);
});

test('the heartbeat timeout follows the interval the master announces', (t) => {
  const s = setup({ master: { heartbeatSeconds: 1 } });
  s.advance(4900);
  t.deepEqual(s.scheduler.names(), ['registered']);
  s.advance(200);
  t.deepEqual(s.scheduler.names().slice(0, 2), ['registered', 'disconnected']);
});

test('a launch while disconnected yields TASK_LOST from the driver itself, after the call returns', (t) => {
  const order: string[] = [];
  const s = setup({
    master: { answerSubscribe: false },
    hooks: { statusUpdate: () => order.push('statusUpdate') },
  });
  const task = { name: 't', task_id: { value: 't1' }, agent_id: { value: 'S1' }, command: { value: 'true' } };
  s.world.at(100, () => {
    s.driver.launchTasks([{ value: 'O1' }], [task]);
    order.push('returned');
  });
  s.advance(200);
  t.deepEqual(order, ['returned', 'statusUpdate']);
  const [[status]] = s.scheduler.argsOf('statusUpdate') as [[Record<string, unknown>]];
  t.deepEqual(status, {
    task_id: { value: 't1' },
    state: 'TASK_LOST',
    source: 'SOURCE_MASTER',
    reason: 'REASON_MASTER_DISCONNECTED',
    message: 'Master disconnected',
    timestamp: 0.1,
  });
  t.false(s.master().types().includes('ACCEPT'));
  t.deepEqual(s.master().ofType('ACKNOWLEDGE'), [], 'no uuid, no acknowledgement');
});

test('a PARTITION_AWARE framework gets TASK_DROPPED instead', (t) => {
  const s = setup({
    info: { ...INFO, capabilities: [{ type: 'PARTITION_AWARE' }] },
    master: { answerSubscribe: false },
  });
  const task = { name: 't', task_id: { value: 't1' }, agent_id: { value: 'S1' }, command: { value: 'true' } };
  s.driver.acceptOffers([{ value: 'O1' }], [{ type: 'LAUNCH', launch: { task_infos: [task] } }]);
  s.advance(10);
  t.deepEqual(
    s.scheduler.argsOf('statusUpdate').map(([st]) => (st as { state: string }).state),
    ['TASK_DROPPED'],
  );
});

test('roles suppressed while disconnected are sent with the resubscription', (t) => {
  const info = { ...INFO, roles: ['a', 'b'], capabilities: [{ type: 'MULTI_ROLE' as const }] };
  const s = setup({ info, master: { heartbeats: true } });
  s.world.crash(MASTER);
  s.advance(10);
  s.driver.suppressOffers(['b', 'not-mine']);
  s.world.restart(MASTER);
  s.advance(120_000);
  t.deepEqual(s.master().ofType('SUBSCRIBE')[0]?.subscribe.suppressed_roles, ['b']);
  t.deepEqual(s.scheduler.names(), ['registered', 'disconnected', 'reregistered']);
});

test('the disconnected callback may stop the driver: no resubscription then', (t) => {
  const s = setup({ hooks: { disconnected: (driver) => driver.stop(true) } });
  s.world.crash(MASTER);
  s.advance(10);
  s.world.restart(MASTER);
  s.advance(120_000);
  t.deepEqual(s.master().calls, []);
  t.is(s.driver.status, DriverStatus.STOPPED);
});

test('the world stopping the scheduler process aborts the driver and settles join()', async (t) => {
  const s = setup();
  const joined = s.driver.join();
  s.world.stop(SCHEDULER);
  t.is(await joined, DriverStatus.ABORTED);
  s.advance(10);
  // The world, not the driver, told the master the connection closed.
  t.deepEqual(
    s.master().links.map((l) => l.exited),
    [SCHEDULER],
  );
});

test('a process instance runs once: restarting with the same driver is refused', (t) => {
  const s = setup();
  s.world.crash(SCHEDULER);
  t.throws(() => s.world.restart(SCHEDULER), { message: /runs once/ });
});

test('a fresh driver per incarnation fails over to the old framework id', (t) => {
  const world = setup({ start: false }).world;
  // Build the scheduler as a restartable program: each start makes a new driver.
  const logs: string[][] = [];
  world.add('scheduler-p', () => {
    const names: string[] = [];
    logs.push(names);
    const hooks: Hooks = { registered: (_d, id) => void names.push(`registered ${id.value}`) };
    const info = logs.length === 1 ? INFO : { ...INFO, id: FID };
    const d = newDriver(info, hooks);
    d.start();
    return d.process;
  });
  world.start('scheduler-p');
  world.runUntil(world.now + 10);
  world.crash('scheduler-p');
  world.restart('scheduler-p');
  world.runUntil(world.now + 10);
  t.deepEqual(logs, [[`registered ${FRAMEWORK_ID}`], [`registered ${FRAMEWORK_ID}`]]);
  const master = world.instance(MASTER) as FakeMaster;
  t.deepEqual(
    master.ofType('SUBSCRIBE').map((c) => c.framework_id?.value ?? null),
    [null, FRAMEWORK_ID],
  );
});

function newDriver(info: FrameworkInfo, hooks: Hooks): MesosSchedulerDriver {
  return new MesosSchedulerDriver(new RecordingScheduler(() => 0, hooks), info);
}

test('a revive made while the SUBSCRIBE is on its way is sent once subscribed', (t) => {
  const s = setup({ start: false, driver: { suppressedRoles: ['*'] } });
  s.driver.start();
  // The SUBSCRIBE (suppressing '*') is out; work arrives before SUBSCRIBED does.
  t.is(s.driver.reviveOffers(), DriverStatus.RUNNING);
  s.advance(10);
  t.deepEqual(s.master().types(), ['SUBSCRIBE', 'REVIVE']);
  t.deepEqual(s.master().ofType('SUBSCRIBE')[0]?.subscribe.suppressed_roles, ['*']);
  t.deepEqual(s.master().ofType('REVIVE')[0]?.revive, { roles: ['*'] });
  s.driver.suppressOffers();
  s.world.crash(MASTER);
  s.advance(10);
  s.world.restart(MASTER);
  s.advance(120_000);
  t.deepEqual(
    s
      .master()
      .types()
      .filter((type) => type !== 'SUBSCRIBE'),
    [],
    'nothing to catch up when nothing changed',
  );
});
