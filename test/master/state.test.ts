/** The state() snapshot and the counters. */
import test from 'ava';
import { advance, cluster, commandTask, take } from './harness.js';

test('state() looks like /master/state: agents, frameworks, tasks and offers with Mesos field names', (t) => {
  const c = cluster({
    agents: [{ resources: 'cpus:4;mem:4096;ports:[31000-31009]' }],
    schedulers: ['a'],
  });
  const a = c.scheduler('a');
  a.subscribe({ name: 'web', failover_timeout: 10 });
  advance(c.world, 10);
  const offer = take(a)[0];
  if (offer === undefined) throw new Error('no offer');
  a.launch(
    [offer.id.value],
    [commandTask('t1', offer.agent_id.value, 'cpus:1;mem:512;ports:[31000-31000]')],
    0,
  );
  advance(c.world, 1_000);
  const s = c.master().state();
  t.is(s.id, c.master().masterId);
  t.is(s.pid, 'master@master');
  t.deepEqual([s.activated_slaves, s.deactivated_slaves, s.unreachable_slaves], [1, 0, 0]);
  const agent = s.slaves[0];
  t.like(agent, {
    id: offer.agent_id.value,
    pid: 'agent-0',
    hostname: 'agent-0',
    registered_time: 0.001,
    active: true,
    resources: { cpus: 4, mem: 4096, ports: '[31000-31009]' },
    used_resources: { cpus: 1, mem: 512, ports: '[31000-31000]' },
    offered_resources: { cpus: 3, mem: 3584, ports: '[31001-31009]' },
  });
  const fw = s.frameworks[0];
  t.like(fw, {
    id: a.frameworkId,
    name: 'web',
    user: 'test',
    pid: 'scheduler-a',
    role: '*',
    roles: ['*'],
    active: true,
    connected: true,
    failover_timeout: 10,
    used_resources: { cpus: 1, mem: 512, ports: '[31000-31000]' },
  });
  t.deepEqual(
    fw?.tasks.map((x) => [x.id, x.slave_id, x.state, x.role]),
    [['t1', offer.agent_id.value, 'TASK_STAGING', '*']],
  );
  t.deepEqual(
    fw?.offers.map((o) => o.allocation_info),
    [{ role: '*' }],
  );
  t.deepEqual(JSON.parse(JSON.stringify(s)), s, 'plain JSON');
});

test('counters: offers per cycle and task transitions', (t) => {
  const c = cluster({ agents: [{}, {}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe();
  advance(c.world, 10);
  const [o1, o2] = take(a);
  if (o1 === undefined || o2 === undefined) throw new Error('offers');
  a.launch([o1.id.value], [commandTask('t1', o1.agent_id.value, 'cpus:1')], 3600);
  a.decline([o2.id.value], 3600);
  advance(c.world, 10);
  const k = c.master().counters();
  t.like(k, { allocationRuns: 1, offersMade: 2, offersDeclined: 1, offersAccepted: 1, tasksLaunched: 1 });
  t.like(k.currentCycle, { cycle: 1, offersMade: 2, offersDeclined: 1, offersAccepted: 1, tasksLaunched: 1 });
  t.is(k.lastCycle, undefined);
  advance(c.world, 1_000);
  const k2 = c.master().counters();
  t.like(k2.lastCycle, { cycle: 1, offersMade: 2 });
  t.like(k2.currentCycle, { cycle: 2, offersMade: 0, offersDeclined: 0 });
  t.deepEqual(k2.taskStateTransitions, { TASK_STAGING: 1 });
});

test('state: per-framework offers made and declined, and agents reserved_resources by role', (t) => {
  const c = cluster({
    agents: [{ resources: 'cpus:2;mem:1024;cpus(ads):2;mem(ads):512' }, { resources: 'cpus:4;mem:4096' }],
    schedulers: ['a', 'b'],
  });
  const a = c.scheduler('a');
  a.subscribe();
  advance(c.world, 10);
  const offers = take(a);
  t.is(offers.length, 2);
  a.decline(
    offers.map((o) => o.id.value),
    3600,
  );
  const b = c.scheduler('b');
  b.subscribe();
  advance(c.world, 10);
  const s = c.master().state();
  const fw = (id: string | undefined) => s.frameworks.find((f) => f.id === id);
  t.like(fw(a.frameworkId), { offers_made: 2, offers_declined: 2 });
  t.like(fw(b.frameworkId), { offers_made: 2, offers_declined: 0 });
  const [reserved, plain] = [...s.slaves].sort((x, y) => x.pid.localeCompare(y.pid));
  t.deepEqual(reserved?.reserved_resources, { ads: { cpus: 2, mem: 512 } });
  t.deepEqual(plain?.reserved_resources, {});
});
