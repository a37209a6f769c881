/** MULTI_ROLE frameworks: offers per role, role suppression, role changes, UPDATE_FRAMEWORK. */
import test from 'ava';
import { advance, cluster, commandTask, take } from './harness.js';

const MULTI = [{ type: 'MULTI_ROLE' as const }];

test('a MULTI_ROLE framework gets offers per role; aggregated offers must share one role', (t) => {
  const c = cluster({ agents: [{}, {}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe({ roles: ['r1', 'r2'], capabilities: MULTI });
  advance(c.world, 10);
  const offers = take(a);
  t.deepEqual(
    offers.map((o) => o.allocation_info?.role).sort(),
    ['r1', 'r2'],
    'DRF across roles: one agent each',
  );
  for (const o of offers)
    t.true(o.resources?.every((r) => r.allocation_info?.role === o.allocation_info?.role));
  const [o1, o2] = offers;
  if (o1 === undefined || o2 === undefined) throw new Error('offers');
  a.launch([o1.id.value, o2.id.value], [commandTask('t1', o1.agent_id.value, 'cpus:1')]);
  advance(c.world, 10);
  t.regex(a.statusesOf('t1')[0]?.message ?? '', /Aggregated offers must be allocated to the same role/u);
});

test('suppressing one role leaves the others offered', (t) => {
  const c = cluster({ agents: [{}, {}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe({ roles: ['r1', 'r2'], capabilities: MULTI }, ['r1']);
  advance(c.world, 10);
  t.deepEqual(
    take(a).map((o) => o.allocation_info?.role),
    ['r2', 'r2'],
    'both agents, in r2',
  );
});

test('resubscribing without a role the framework still runs tasks in keeps the accounting right', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a', 'a2'] });
  const a = c.scheduler('a');
  a.subscribe({ roles: ['r1', 'r2'], capabilities: MULTI, failover_timeout: 60 });
  advance(c.world, 10);
  const offer = take(a)[0];
  if (offer === undefined) throw new Error('no offer');
  a.launch([offer.id.value], [commandTask('t1', offer.agent_id.value, 'cpus:1;mem:512')], 0);
  advance(c.world, 10);
  const role = offer.allocation_info?.role as string;
  const other = role === 'r1' ? 'r2' : 'r1';
  const a2 = c.scheduler('a2');
  a2.subscribe({ id: a.fid, roles: [other], capabilities: MULTI, failover_timeout: 60 });
  advance(c.world, 1_000);
  const fw = c.master().state().frameworks[0];
  t.deepEqual(fw?.roles, [other]);
  t.deepEqual(fw?.used_resources, { cpus: 1, mem: 512 });
  t.true(
    take(a2).every((o) => o.allocation_info?.role === other),
    'offers only in its new role',
  );
  // The task ends: its resources return through the role it was launched in.
  c.agent(0).update(a.frameworkId as string, 't1', 'TASK_FINISHED');
  advance(c.world, 1_000);
  t.deepEqual(c.master().state().slaves[0]?.used_resources, {});
});

test('UPDATE_FRAMEWORK: new roles take effect, offers of dropped roles are rescinded', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe({ roles: ['r1'], capabilities: MULTI });
  advance(c.world, 10);
  t.is(take(a).length, 1);
  a.call({
    type: 'UPDATE_FRAMEWORK',
    framework_id: a.fid,
    update_framework: {
      framework_info: { user: 'test', name: 'renamed', id: a.fid, roles: ['r2'], capabilities: MULTI },
    },
  });
  advance(c.world, 10);
  t.is(a.ofType('RESCIND').length, 1);
  const fw = c.master().state().frameworks[0];
  t.deepEqual([fw?.name, fw?.roles], ['renamed', ['r2']]);
  t.deepEqual(
    take(a).map((o) => o.allocation_info?.role),
    ['r2'],
  );
  a.call({
    type: 'UPDATE_FRAMEWORK',
    framework_id: a.fid,
    update_framework: {
      framework_info: { user: 'someone-else', name: 'x', id: a.fid, roles: ['r2'], capabilities: MULTI },
    },
  });
  advance(c.world, 10);
  t.deepEqual(
    a.ofType('ERROR').map((e) => e.error.message),
    ["FrameworkInfo update is not valid: Updating 'FrameworkInfo.user' is unsupported"],
  );
});

test('UPDATE_FRAMEWORK adding a role keeps the outstanding offers valid', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe({ roles: ['r1'], capabilities: MULTI });
  advance(c.world, 10);
  const offer = take(a)[0];
  if (offer === undefined) throw new Error('no offer');
  a.call({
    type: 'UPDATE_FRAMEWORK',
    framework_id: a.fid,
    update_framework: {
      framework_info: { user: 'test', name: 'test', id: a.fid, roles: ['r1', 'r2'], capabilities: MULTI },
    },
  });
  a.launch([offer.id.value], [commandTask('t1', offer.agent_id.value, 'cpus:1')]);
  advance(c.world, 10);
  t.is(a.ofType('RESCIND').length, 0);
  t.deepEqual(a.updates(), []);
  t.is(c.agent(0).ofType('RUN_TASK').length, 1);
  t.deepEqual(c.master().state().frameworks[0]?.roles, ['r1', 'r2']);
});
