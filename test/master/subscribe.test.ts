/** SUBSCRIBE, heartbeats, failover to a new connection, refusals. */
import test from 'ava';
import { advance, cluster, FakeScheduler, MASTER } from './harness.js';

test('SUBSCRIBE: SUBSCRIBED with a <masterId>-0000 id, an immediate HEARTBEAT, then one every 15 s', (t) => {
  const c = cluster({ schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe();
  advance(c.world, 45_500);
  const types = a.events.map((r) => `${r.event.type}@${r.at}`);
  t.deepEqual(types, [
    'SUBSCRIBED@2',
    'HEARTBEAT@2',
    'HEARTBEAT@15002',
    'HEARTBEAT@30002',
    'HEARTBEAT@45002',
  ]);
  const subscribed = a.ofType('SUBSCRIBED')[0]?.subscribed;
  t.is(subscribed?.framework_id.value, `${c.master().masterId}-0000`);
  t.is(subscribed?.heartbeat_interval_seconds, 15);
  t.is(subscribed?.master_info?.id, c.master().masterId);
  t.regex(c.master().masterId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u);
});

test('framework ids count up per master; a retried SUBSCRIBE from the same address gets the same id', (t) => {
  const c = cluster({ schedulers: ['a', 'b'] });
  c.scheduler('a').subscribe();
  c.scheduler('b').subscribe();
  advance(c.world, 10);
  c.scheduler('a').subscribe();
  advance(c.world, 10);
  const id = c.master().masterId;
  t.deepEqual(
    c
      .scheduler('a')
      .ofType('SUBSCRIBED')
      .map((e) => e.subscribed.framework_id.value),
    [`${id}-0000`, `${id}-0000`],
  );
  t.is(c.scheduler('b').frameworkId, `${id}-0001`);
  t.is(c.master().state().frameworks.length, 2);
});

test('failover: a new connection with the same id takes over; the old one hears "Framework failed over"', (t) => {
  const c = cluster({ schedulers: ['a', 'a2'] });
  const a = c.scheduler('a');
  a.subscribe({ failover_timeout: 60 });
  advance(c.world, 10);
  const a2 = c.scheduler('a2');
  a2.subscribe({ id: a.fid, failover_timeout: 60 });
  advance(c.world, 10);
  t.deepEqual(
    a.ofType('ERROR').map((e) => e.error.message),
    ['Framework failed over'],
  );
  t.is(a2.frameworkId, a.frameworkId);
  t.deepEqual(
    a2.events.slice(0, 2).map((r) => r.event.type),
    ['SUBSCRIBED', 'HEARTBEAT'],
  );
  // Calls from the old address are no longer accepted.
  a.call({ type: 'REVIVE', framework_id: a.fid });
  advance(c.world, 10);
  t.true(
    c.world
      .traceLines()
      .some((l) => l.includes('"kind":"master.call-dropped"') && l.includes('not from the registered')),
  );
  t.is(c.master().state().frameworks[0]?.pid, 'scheduler-a2');
});

test('subscriptions with invalid roles are refused with ERROR', (t) => {
  const c = cluster({ schedulers: ['a', 'b', 'c'] });
  c.scheduler('a').subscribe({ role: 'bad role' });
  c.scheduler('b').subscribe({ roles: ['x'] });
  c.scheduler('c').subscribe({ role: 'x' }, ['y']);
  advance(c.world, 10);
  t.regex(
    c.scheduler('a').ofType('ERROR')[0]?.error.message ?? '',
    /'FrameworkInfo.role' is not a valid role/u,
  );
  t.regex(
    c.scheduler('b').ofType('ERROR')[0]?.error.message ?? '',
    /must not be set when the framework is not MULTI_ROLE/u,
  );
  t.is(
    c.scheduler('c').ofType('ERROR')[0]?.error.message,
    "Suppressed role 'y' is not contained in the list of roles",
  );
  t.is(c.master().state().frameworks.length, 0);
});

test('a subscription with an id this master never saw is admitted (as after a master failover)', (t) => {
  const c = cluster({ schedulers: ['a'] });
  c.scheduler('a').subscribe({ id: { value: 'old-master-0007' } });
  advance(c.world, 10);
  t.is(c.scheduler('a').frameworkId, 'old-master-0007');
  t.is(c.master().state().frameworks[0]?.id, 'old-master-0007');
});

test('made-up framework ids: refused once the master has recovered, beyond the cap, or with its own prefix; the registry does not grow', (t) => {
  const c = cluster({
    schedulers: ['a', 'b', 'c', 'd', 'e'],
    master: { agentReregisterTimeoutMs: 60_000, limits: { maxRecoveredFrameworks: 2 } },
  });
  const error = (name: string) => c.scheduler(name).ofType('ERROR')[0]?.error.message;
  c.scheduler('a').subscribe({ id: { value: 'lost-1' } });
  c.scheduler('b').subscribe({ id: { value: 'lost-2' } });
  c.scheduler('c').subscribe({ id: { value: 'lost-3' } });
  c.scheduler('d').subscribe({ id: { value: `${c.master().masterId}-0042` } });
  advance(c.world, 10);
  t.is(c.scheduler('a').frameworkId, 'lost-1', 'taken back while recovering');
  t.is(c.scheduler('b').frameworkId, 'lost-2');
  t.is(
    error('c'),
    'Framework lost-3 is not known to this master, and it has already taken back 2 frameworks it did not know; subscribe without an id',
  );
  t.is(
    error('d'),
    `Framework ${c.master().masterId}-0042 is not known to this master: it did not issue this id`,
  );
  advance(c.world, 60_000);
  c.scheduler('e').subscribe({ id: { value: 'lost-4' } });
  advance(c.world, 10);
  t.is(
    error('e'),
    'Framework lost-4 is not known to this master, and frameworks it lost come back only within 60 s of its start (agent_reregister_timeout); subscribe without an id',
  );
  // A framework it took back is known now: it may come back at any time.
  c.scheduler('a').subscribe({ id: { value: 'lost-1' } });
  advance(c.world, 10);
  t.is(c.scheduler('a').ofType('ERROR').length, 0);
  t.deepEqual(
    c
      .master()
      .state()
      .frameworks.map((f) => f.id)
      .sort(),
    ['lost-1', 'lost-2'],
  );
});

test('the master ignores what is not addressed to it and calls of unknown frameworks', (t) => {
  const c = cluster();
  c.world.spawn('scheduler-x', () => new FakeScheduler());
  const x = c.world.instance('scheduler-x') as FakeScheduler;
  x.call({ type: 'REVIVE', framework_id: { value: 'nope' } });
  c.world.inject('someone', MASTER, { channel: 'executor-event', event: { type: 'HEARTBEAT' } });
  advance(c.world, 10);
  const lines = c.world.traceLines();
  t.true(lines.some((l) => l.includes('framework cannot be found')));
  t.true(lines.some((l) => l.includes('"kind":"master.message-ignored"')));
  t.is(x.events.length, 0);
});
