/**
 * Scheduler driver ↔ master: subscription, the events that become callbacks, and the calls each
 * driver method sends (mesos.md §1.2, §1.3, §2.5, §2.6), against a fake master.
 */
import test from 'ava';
import type { OfferOperation } from '../../src/core/messages/offer.js';
import type { TaskInfo } from '../../src/core/messages/task-info.js';
import { DriverStatus } from '../../src/driver/index.js';
import { FRAMEWORK_ID, INFO, MASTER, MASTER_INFO, offer, SCHEDULER, setup } from './harness.js';

const FID = { value: FRAMEWORK_ID };

function task(id: string, agent = 'S1'): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: { value: agent },
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
    command: { value: 'sleep 10' },
  };
}

test('start subscribes with the FrameworkInfo; SUBSCRIBED calls registered with the id and master info', (t) => {
  const s = setup({ driver: { suppressedRoles: ['*'] } });
  const [first] = s.master().calls;
  t.is(first?.from, SCHEDULER);
  t.is(first?.at, 1);
  t.deepEqual(first?.call, {
    type: 'SUBSCRIBE',
    subscribe: { framework_info: INFO, suppressed_roles: ['*'] },
  });
  t.deepEqual(s.scheduler.log, [
    { at: 2, name: 'registered', args: [FID, MASTER_INFO], status: DriverStatus.RUNNING },
  ]);
  t.deepEqual(s.driver.process.frameworkId, FID);
  t.true(s.driver.process.connected);
});

test('a framework started with an id fails over to it: framework_id and framework_info.id both set', (t) => {
  const info = { ...INFO, id: { value: 'old-0007' }, failover_timeout: 3600 };
  const s = setup({ info });
  t.deepEqual(s.master().calls[0]?.call, {
    type: 'SUBSCRIBE',
    framework_id: { value: 'old-0007' },
    subscribe: { framework_info: info },
  });
  // The first SUBSCRIBED of this driver is still `registered` (it never registered before).
  t.deepEqual(s.scheduler.argsOf('registered'), [[{ value: 'old-0007' }, MASTER_INFO]]);
});

test('an unanswered SUBSCRIBE is retried after random delays in [0, b], b = 2 s doubling to 1 min', (t) => {
  const s = setup({ master: { answerSubscribe: false } });
  s.advance(15 * 60_000);
  const times = s.master().calls.map((c) => c.at);
  t.true(times.length > 10);
  let bound = 2000;
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] as number) - (times[i - 1] as number);
    t.true(gap >= 0 && gap <= bound, `gap ${i} = ${gap} ms within ${bound} ms`);
    bound = Math.min(bound * 2, 60_000);
  }
  t.true(
    times.slice(1).some((at, i) => at - (times[i] as number) > 30_000),
    'the bound grows past 30 s',
  );
  t.true(
    s
      .master()
      .ofType('SUBSCRIBE')
      .every((c) => c.framework_id === undefined),
    'no id yet',
  );
  t.deepEqual(s.scheduler.log, []);
});

test('the backoff is also capped at failover_timeout / 10', (t) => {
  const s = setup({ info: { ...INFO, failover_timeout: 5 }, master: { answerSubscribe: false } });
  s.advance(60_000);
  const times = s.master().calls.map((c) => c.at);
  for (let i = 1; i < times.length; i++) t.true((times[i] as number) - (times[i - 1] as number) <= 500);
});

test('a duplicate SUBSCRIBED is ignored', (t) => {
  const s = setup();
  s.master().send(SCHEDULER, {
    type: 'SUBSCRIBED',
    subscribed: { framework_id: FID, heartbeat_interval_seconds: 15 },
  });
  s.advance(10);
  t.deepEqual(s.scheduler.names(), ['registered']);
});

test('OFFERS → resourceOffers; launchTasks → ACCEPT with one LAUNCH and the filters', (t) => {
  const s = setup({
    hooks: {
      resourceOffers: (driver, offers) => {
        const ids = offers.map((o) => o.id);
        t.is(driver.launchTasks(ids, [task('t1'), task('t2')], { refuse_seconds: 30 }), DriverStatus.RUNNING);
      },
    },
  });
  const offers = [offer('O1'), offer('O2')];
  s.master().send(SCHEDULER, { type: 'OFFERS', offers: { offers } });
  s.advance(10);
  t.deepEqual(s.scheduler.argsOf('resourceOffers'), [[offers]]);
  t.deepEqual(s.master().ofType('ACCEPT'), [
    {
      type: 'ACCEPT',
      framework_id: FID,
      accept: {
        offer_ids: [{ value: 'O1' }, { value: 'O2' }],
        operations: [{ type: 'LAUNCH', launch: { task_infos: [task('t1'), task('t2')] } }],
        filters: { refuse_seconds: 30 },
      },
    },
  ]);
});

test('launchTasks takes a single offer id (the deprecated overload) and sends no filters when none are given', (t) => {
  const s = setup();
  s.driver.launchTasks({ value: 'O1' }, [task('t1')]);
  s.driver.launchTasks([{ value: 'O2' }], []);
  s.advance(10);
  t.deepEqual(
    s
      .master()
      .ofType('ACCEPT')
      .map((c) => c.accept),
    [
      {
        offer_ids: [{ value: 'O1' }],
        operations: [{ type: 'LAUNCH', launch: { task_infos: [task('t1')] } }],
      },
      // An empty launch declines the offer (the master treats it so).
      { offer_ids: [{ value: 'O2' }], operations: [{ type: 'LAUNCH', launch: { task_infos: [] } }] },
    ],
  );
});

test('acceptOffers sends the operations as given', (t) => {
  const s = setup();
  const ops: OfferOperation[] = [
    { type: 'RESERVE', reserve: { resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }] } },
    { type: 'LAUNCH', launch: { task_infos: [task('t1')] } },
  ];
  s.driver.acceptOffers([{ value: 'O1' }], ops, { refuse_seconds: 1 });
  s.advance(10);
  t.deepEqual(s.master().ofType('ACCEPT')[0]?.accept, {
    offer_ids: [{ value: 'O1' }],
    operations: ops,
    filters: { refuse_seconds: 1 },
  });
});

test('declineOffer with and without filters', (t) => {
  const s = setup();
  s.driver.declineOffer({ value: 'O1' });
  s.driver.declineOffer({ value: 'O2' }, { refuse_seconds: 60 });
  s.advance(10);
  t.deepEqual(s.master().ofType('DECLINE'), [
    { type: 'DECLINE', framework_id: FID, decline: { offer_ids: [{ value: 'O1' }] } },
    {
      type: 'DECLINE',
      framework_id: FID,
      decline: { offer_ids: [{ value: 'O2' }], filters: { refuse_seconds: 60 } },
    },
  ]);
});

test('declines made inside resourceOffers go as one DECLINE per run of equal filters, in call order', (t) => {
  const F = { refuse_seconds: 5 };
  const s = setup({
    hooks: {
      resourceOffers: (driver, offers) => {
        const [o1, o2, o3, o4, o5] = offers.map((o) => o.id);
        if (o1 === undefined || o2 === undefined || o3 === undefined || o4 === undefined || o5 === undefined)
          return;
        driver.declineOffer(o1, F);
        driver.declineOffer(o2, F);
        driver.launchTasks([o3], [task('t1')], F); // flushes the two declines first
        driver.declineOffer(o4, F);
        driver.declineOffer(o5); // other filters: a separate call
      },
    },
  });
  s.master().send(SCHEDULER, {
    type: 'OFFERS',
    offers: { offers: ['O1', 'O2', 'O3', 'O4', 'O5'].map((id) => offer(id, 'S1', 1, 128)) },
  });
  s.advance(10);
  const calls = s
    .master()
    .calls.map((c) => c.call)
    .filter((c) => c.type === 'DECLINE' || c.type === 'ACCEPT');
  t.deepEqual(
    calls.map((c) =>
      c.type === 'DECLINE'
        ? `DECLINE ${(c.decline.offer_ids ?? []).map((o) => o.value).join(',')}`
        : 'ACCEPT',
    ),
    ['DECLINE O1,O2', 'ACCEPT', 'DECLINE O4', 'DECLINE O5'],
  );
  t.deepEqual(calls[0], {
    type: 'DECLINE',
    framework_id: FID,
    decline: { offer_ids: [{ value: 'O1' }, { value: 'O2' }], filters: F },
  });
});

test('a resourceOffers callback that stops the driver sends none of its pending declines', (t) => {
  const s = setup({
    hooks: {
      resourceOffers: (driver, offers) => {
        for (const o of offers) driver.declineOffer(o.id);
        driver.abort();
      },
    },
  });
  s.master().send(SCHEDULER, { type: 'OFFERS', offers: { offers: [offer('O1', 'S1', 1, 128)] } });
  s.advance(10);
  t.deepEqual(s.master().ofType('DECLINE'), []);
});

test('reviveOffers and suppressOffers: all roles without a body, given roles with one, an empty list is a no-op', (t) => {
  const info = { ...INFO, roles: ['a', 'b'], capabilities: [{ type: 'MULTI_ROLE' as const }] };
  const s = setup({ info });
  const d = s.driver;
  t.is(d.suppressOffers(), DriverStatus.RUNNING);
  t.deepEqual([...d.process.suppressedRoles].sort(), ['a', 'b']);
  t.is(d.reviveOffers(['a']), DriverStatus.RUNNING);
  t.deepEqual(d.process.suppressedRoles, ['b']);
  t.is(d.reviveOffers([]), DriverStatus.RUNNING);
  t.is(d.suppressOffers([]), DriverStatus.RUNNING);
  t.is(d.reviveOffers(), DriverStatus.RUNNING);
  t.deepEqual(d.process.suppressedRoles, []);
  t.is(d.suppressOffers(['b']), DriverStatus.RUNNING);
  s.advance(10);
  t.deepEqual(
    s
      .master()
      .calls.slice(1)
      .map((c) => c.call),
    [
      { type: 'SUPPRESS', framework_id: FID },
      { type: 'REVIVE', framework_id: FID, revive: { roles: ['a'] } },
      { type: 'REVIVE', framework_id: FID },
      { type: 'SUPPRESS', framework_id: FID, suppress: { roles: ['b'] } },
    ],
  );
});

test('killTask, sendFrameworkMessage, requestResources, updateFramework', (t) => {
  const s = setup();
  const d = s.driver;
  d.killTask({ value: 't1' });
  d.sendFrameworkMessage({ value: 'e1' }, { value: 'S1' }, 'aGVsbG8=');
  d.requestResources([{ agent_id: { value: 'S1' } }]);
  d.updateFramework({ ...INFO, name: 'renamed' }, []);
  s.advance(10);
  t.deepEqual(
    s
      .master()
      .calls.slice(1)
      .map((c) => c.call),
    [
      { type: 'KILL', framework_id: FID, kill: { task_id: { value: 't1' } } },
      {
        type: 'MESSAGE',
        framework_id: FID,
        message: { agent_id: { value: 'S1' }, executor_id: { value: 'e1' }, data: 'aGVsbG8=' },
      },
      { type: 'REQUEST', framework_id: FID, request: { requests: [{ agent_id: { value: 'S1' } }] } },
      {
        type: 'UPDATE_FRAMEWORK',
        framework_id: FID,
        update_framework: { framework_info: { ...INFO, name: 'renamed', id: FID }, suppressed_roles: [] },
      },
    ],
  );
});

test('reconcileTasks: implicit with an empty list, explicit with task and agent ids only', (t) => {
  const s = setup();
  s.driver.reconcileTasks([]);
  s.driver.reconcileTasks([
    { task_id: { value: 't1' }, agent_id: { value: 'S1' } },
    { task_id: { value: 't2' } },
  ]);
  // A TaskStatus will do; its other fields are not sent.
  s.driver.reconcileTasks([{ task_id: { value: 't3' }, state: 'TASK_RUNNING', message: 'x' } as never]);
  s.advance(10);
  t.deepEqual(
    s
      .master()
      .ofType('RECONCILE')
      .map((c) => c.reconcile),
    [
      { tasks: [] },
      { tasks: [{ task_id: { value: 't1' }, agent_id: { value: 'S1' } }, { task_id: { value: 't2' } }] },
      { tasks: [{ task_id: { value: 't3' } }] },
    ],
  );
});

test('RESCIND, MESSAGE and FAILURE become offerRescinded, frameworkMessage, executorLost and slaveLost', (t) => {
  const s = setup();
  const m = s.master();
  m.send(SCHEDULER, { type: 'RESCIND', rescind: { offer_id: { value: 'O1' } } });
  m.send(SCHEDULER, {
    type: 'MESSAGE',
    message: { agent_id: { value: 'S1' }, executor_id: { value: 'e1' }, data: 'AQI=' },
  });
  m.send(SCHEDULER, {
    type: 'FAILURE',
    failure: { agent_id: { value: 'S1' }, executor_id: { value: 'e1' }, status: 256 },
  });
  m.send(SCHEDULER, { type: 'FAILURE', failure: { agent_id: { value: 'S2' } } });
  m.send(SCHEDULER, { type: 'FAILURE', failure: {} });
  m.send(SCHEDULER, { type: 'HEARTBEAT' });
  s.advance(10);
  t.deepEqual(
    s.scheduler.log.slice(1).map((c) => [c.name, c.args]),
    [
      ['offerRescinded', [{ value: 'O1' }]],
      ['frameworkMessage', [{ value: 'e1' }, { value: 'S1' }, 'AQI=']],
      ['executorLost', [{ value: 'e1' }, { value: 'S1' }, 256]],
      ['slaveLost', [{ value: 'S2' }]],
    ],
  );
});

test('events with no v0 callback, from another address, or before SUBSCRIBED are ignored', (t) => {
  const s = setup({ start: false });
  s.driver.start();
  // Before SUBSCRIBED arrives (it takes 2 ms), offers are ignored as Mesos ignores them.
  s.world.inject(MASTER, SCHEDULER, {
    channel: 'scheduler-event',
    event: { type: 'OFFERS', offers: { offers: [offer('O0')] } },
  });
  s.advance(10);
  s.master().send(SCHEDULER, { type: 'INVERSE_OFFERS', inverse_offers: { inverse_offers: [] } });
  // A master that is not ours (SplitBrainMasters).
  s.world.inject('master-2', SCHEDULER, {
    channel: 'scheduler-event',
    event: { type: 'OFFERS', offers: { offers: [offer('O1')] } },
  });
  s.advance(10);
  t.deepEqual(s.scheduler.names(), ['registered']);
  const kinds = s.world
    .traceLines()
    .map((l) => JSON.parse(l) as { kind: string; type?: string; why?: string });
  t.true(kinds.some((k) => k.kind === 'scheduler.event-ignored' && k.why === 'not subscribed'));
  t.true(kinds.some((k) => k.kind === 'scheduler.event-ignored' && k.type === 'INVERSE_OFFERS'));
  t.true(kinds.some((k) => k.kind === 'scheduler.message-ignored'));
});

test('calls from outside any handler (a harness action) are sent at that simulated time', (t) => {
  const s = setup();
  s.world.at(500, () => {
    t.is(s.driver.killTask({ value: 't9' }), DriverStatus.RUNNING);
  });
  s.advance(1000);
  const kill = s.master().calls.find((c) => c.call.type === 'KILL');
  t.is(kill?.at, 501);
  t.is(kill?.from, SCHEDULER);
});

test('calls made while RUNNING but not subscribed are dropped (killTask is not reliable)', (t) => {
  const s = setup({ master: { answerSubscribe: false } });
  const d = s.driver;
  t.is(d.killTask({ value: 't1' }), DriverStatus.RUNNING);
  t.is(d.declineOffer({ value: 'O1' }), DriverStatus.RUNNING);
  t.is(d.reconcileTasks([]), DriverStatus.RUNNING);
  s.advance(10);
  t.deepEqual([...new Set(s.master().types())], ['SUBSCRIBE']);
});

test('the same seed gives the same trace', (t) => {
  const run = () => {
    const s = setup({ master: { answerSubscribe: false }, seed: 42 });
    s.advance(120_000);
    return s.world.traceLines();
  };
  t.deepEqual(run(), run());
});
