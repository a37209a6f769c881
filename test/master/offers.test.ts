/** Offers: when they come, what they hold, DRF order, refusal filters, suppress/revive, timeout. */
import test from 'ava';
import { advance, cluster, FakeAgent, FakeScheduler, take } from './harness.js';

test('offers come after an agent registers: one offer per agent, everything on it, with allocation_info', (t) => {
  const c = cluster({ schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe();
  advance(c.world, 3000);
  t.is(a.offers().length, 0, 'no agent, no offer');
  c.world.spawn('agent-0', () => new FakeAgent({ resources: 'cpus:4;mem:4096;ports:[31000-32000]' }));
  advance(c.world, 10);
  const offers = a.ofType('OFFERS');
  t.is(offers.length, 1);
  const offer = offers[0]?.offers.offers?.[0];
  const id = c.master().masterId;
  t.is(offer?.id.value, `${id}-O0`);
  t.is(offer?.agent_id.value, `${id}-S0`);
  t.is(offer?.framework_id.value, a.frameworkId);
  t.is(offer?.hostname, 'agent-0');
  t.deepEqual(offer?.allocation_info, { role: '*' });
  t.deepEqual(offer?.resources, [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*', allocation_info: { role: '*' } },
    { name: 'mem', type: 'SCALAR', scalar: { value: 4096 }, role: '*', allocation_info: { role: '*' } },
    {
      name: 'ports',
      type: 'RANGES',
      ranges: { range: [{ begin: 31000, end: 32000 }] },
      role: '*',
      allocation_info: { role: '*' },
    },
  ]);
  t.is(c.master().counters().offersMade, 1);
});

test('coarse-grained DRF: whole agents go to the framework with the lowest share, one OFFERS event per cycle', (t) => {
  const c = cluster({ agents: [{}, {}, {}], schedulers: ['a', 'b'] });
  c.scheduler('a').subscribe();
  c.scheduler('b').subscribe();
  advance(c.world, 10);
  const a = c.scheduler('a');
  const b = c.scheduler('b');
  t.is(a.ofType('OFFERS').length, 1, 'all of a cycle in one event');
  // Equal shares: the tie goes to the framework allocated fewer times, then to the smaller id.
  t.is(a.offers().length, 2);
  t.is(b.offers().length, 1);
  for (const o of [...a.offers(), ...b.offers()]) {
    t.deepEqual(
      o.resources?.map((r) => r.scalar?.value),
      [4, 4096],
      'whole agents',
    );
  }
  // A fourth agent: b holds 1/4 of the cluster, a 2/4, so b gets it.
  c.world.spawn('agent-3', () => new FakeAgent());
  advance(c.world, 10);
  t.is(a.offers().length, 2);
  t.deepEqual(
    b.offers().map((o) => o.hostname),
    [b.offers()[0]?.hostname, 'agent-3'],
  );
});

test('a DECLINE without filters refuses the resources for 5 s; other frameworks may have them meanwhile', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe();
  advance(c.world, 10);
  const first = take(a);
  t.is(first.length, 1);
  a.decline(first.map((o) => o.id.value));
  c.world.spawn('scheduler-b', () => new FakeScheduler());
  const b = c.world.instance('scheduler-b') as FakeScheduler;
  b.subscribe();
  advance(c.world, 10);
  t.is(
    b.offers().length,
    1,
    'b is offered what a declined, at once (its subscription triggers an allocation)',
  );
  b.decline(
    take(b).map((o) => o.id.value),
    60,
  );
  advance(c.world, 4_900);
  t.is(take(a).length, 0, 'still filtered just before 5 s');
  advance(c.world, 1_200);
  const again = a.ofType('OFFERS');
  t.is(again.length, 2);
  const at = a.events.filter((r) => r.event.type === 'OFFERS').map((r) => r.at);
  t.is(at[1], 6001, 'first batch allocation after the filter expires (declined at 12 ms, filter to 5012 ms)');
  t.is(c.master().counters().offersDeclined, 2);
});

test('refuse_seconds 0 installs no filter: the offer comes back at the next batch allocation', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe();
  advance(c.world, 10);
  a.decline(
    take(a).map((o) => o.id.value),
    0,
  );
  advance(c.world, 1_000);
  t.deepEqual(
    a.events.filter((r) => r.event.type === 'OFFERS').map((r) => r.at),
    [2, 1001],
  );
});

test('SUPPRESS stops offers; REVIVE brings them back at once (it triggers an allocation)', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe({}, ['*']);
  advance(c.world, 3_000);
  t.is(a.offers().length, 0, 'subscribed suppressed');
  a.call({ type: 'REVIVE', framework_id: a.fid });
  advance(c.world, 10);
  t.is(a.offers().length, 1);
  t.is(a.events.find((r) => r.event.type === 'OFFERS')?.at, 3002);
  a.call({ type: 'SUPPRESS', framework_id: a.fid, suppress: { roles: ['*'] } });
  a.decline(
    take(a).map((o) => o.id.value),
    0,
  );
  advance(c.world, 10_000);
  t.is(a.offers().length, 1, 'nothing while suppressed');
  a.call({ type: 'REVIVE', framework_id: a.fid, revive: { roles: ['*'] } });
  advance(c.world, 10);
  t.is(a.offers().length, 2);
  a.call({ type: 'SUPPRESS', framework_id: a.fid, suppress: { roles: ['not-mine'] } });
  advance(c.world, 10);
  t.true(
    c.world
      .traceLines()
      .some((l) => l.includes("suppression role 'not-mine' is not one of the frameworks's subscribed roles")),
  );
});

test('a REVIVE clears the refusal filters', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe();
  advance(c.world, 10);
  a.decline(
    take(a).map((o) => o.id.value),
    3600,
  );
  advance(c.world, 3_000);
  t.is(take(a).length, 0);
  a.call({ type: 'REVIVE', framework_id: a.fid });
  advance(c.world, 10);
  t.is(take(a).length, 1);
});

test('with offerTimeoutMs, unused offers are rescinded and their resources offered again', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a'], master: { offerTimeoutMs: 3_000 } });
  const a = c.scheduler('a');
  a.subscribe();
  advance(c.world, 4_500);
  const rescinds = a.ofType('RESCIND');
  t.is(rescinds.length, 1);
  t.is(rescinds[0]?.rescind.offer_id.value, a.offers()[0]?.id.value);
  t.is(a.events.find((r) => r.event.type === 'RESCIND')?.at, 3_002, 'offered at 1 ms, rescinded 3 s later');
  t.is(a.offers().length, 2, 're-offered at the next batch run');
  t.is(c.master().counters().offersRescinded, 1);
});
