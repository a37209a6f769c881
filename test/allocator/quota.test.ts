/**
 * Quota limits (Mesos docs/quota.md; hierarchical_allocator_tests QuotaProvidesGuarantee's
 * limit counterparts): a role is never allocated more than its limit, offers are chopped to fit,
 * and freed resources give the headroom back.
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { formatResources, resources } from '../../src/core/resource-text.js';
import { testAllocator } from './harness.js';

const limits = (text: string) => resources(text).scalarQuantities();

test('an offer is chopped to the role’s limit; a role at its limit gets no more of it', (t) => {
  const { allocator } = testAllocator();
  allocator.addAgent('a1', resources('cpus:4;mem:4096'));
  allocator.addAgent('a2', resources('cpus:4;mem:4096'));
  allocator.addFramework('f', { roles: ['r'] });
  allocator.updateQuota('r', limits('cpus:3'));
  const offers = allocator.allocate();
  const cpus = offers.reduce((n, o) => n + o.resources.scalarMilli('cpus'), 0);
  t.is(cpus, 3000, 'three cpus in all, never more');
  t.true(offers.some((o) => formatResources(o.resources) === 'cpus:3;mem:4096'));
  // Mesos chops and still offers what is left of the unlimited names (MESOS-8935).
  t.true(offers.some((o) => formatResources(o.resources) === 'mem:4096'));
  t.deepEqual(allocator.allocate(), []);
});

test('freed resources give the headroom back, even on another agent', (t) => {
  const { allocator } = testAllocator();
  allocator.addAgent('a1', resources('cpus:2;mem:1024'));
  allocator.addAgent('a2', resources('cpus:2;mem:1024'));
  allocator.addFramework('f', { roles: ['r'] });
  allocator.updateQuota('r', limits('cpus:2;mem:1024'));
  const [first] = allocator.allocate();
  t.truthy(first);
  t.deepEqual(allocator.allocate(), [], 'the role is at its limit');
  if (first === undefined) return;
  allocator.recoverResources({ ...first });
  const again = allocator.allocate();
  t.is(again.length, 1);
  t.is(formatResources(again[0]?.resources ?? resources('')), 'cpus:2;mem:1024');
});

test('a limit set on a role that already holds resources counts them', (t) => {
  const { allocator } = testAllocator();
  allocator.addAgent('a1', resources('cpus:4;mem:1024'));
  allocator.addFramework('f', { roles: ['r'] });
  t.is(allocator.allocate().length, 1, 'the role holds cpus:4');
  allocator.addAgent('a2', resources('cpus:4;mem:1024'));
  allocator.updateQuota('r', limits('cpus:5'));
  const more = allocator.allocate();
  t.is(formatResources(more[0]?.resources ?? resources('')), 'cpus:1;mem:1024');
});

test('a limit set later applies to future offers only; removing it lifts it', (t) => {
  const { allocator } = testAllocator();
  allocator.addAgent('a1', resources('cpus:4;mem:1024'));
  allocator.addAgent('a2', resources('cpus:4;mem:1024'));
  allocator.addFramework('f', { roles: ['r'] });
  allocator.updateQuota('r', limits('cpus:1;mem:512'));
  t.is(allocator.allocate().length, 1);
  t.deepEqual(allocator.quota('r'), limits('cpus:1;mem:512'));
  allocator.updateQuota('r', undefined);
  t.is(allocator.quota('r'), undefined);
  const rest = allocator.allocate();
  t.is(
    rest.reduce((n, o) => n + o.resources.scalarMilli('cpus'), 0),
    7000,
    'everything else is offered',
  );
});

testProp(
  'whatever the cluster and the limit, a role never holds more than its limit of a limited scalar',
  [
    fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 0, max: 20 }),
    fc.array(fc.boolean(), { maxLength: 10 }),
  ],
  (t, agentCpus, limitCpus, releases) => {
    const { allocator } = testAllocator();
    for (const [i, c] of agentCpus.entries()) allocator.addAgent(`a${i}`, resources(`cpus:${c};mem:1024`));
    allocator.addFramework('f', { roles: ['r'] });
    allocator.addFramework('g', { roles: ['r'] });
    allocator.updateQuota('r', new Map([['cpus', limitCpus * 1000]]));
    const held = [...allocator.allocate()];
    for (const release of releases) {
      const offer = held.shift();
      if (release && offer !== undefined) allocator.recoverResources({ ...offer });
      else if (offer !== undefined) held.push(offer);
      held.push(...allocator.allocate());
      const cpus = held.reduce((n, o) => n + o.resources.scalarMilli('cpus'), 0);
      t.true(cpus <= limitCpus * 1000, `${cpus} milli-cpus held over a limit of ${limitCpus}`);
    }
    const total = agentCpus.reduce((a, b) => a + b, 0);
    const cpus = held.reduce((n, o) => n + o.resources.scalarMilli('cpus'), 0);
    t.is(cpus, Math.min(total, limitCpus) * 1000, 'and it gets all of its limit the cluster has');
  },
);

test('a filter is checked against the offer as the headroom cuts it now: more headroom, a larger offer, not blocked', (t) => {
  // Mesos checks a refusal filter against the offer after chopping it to the role's headroom.
  // The headroom can grow while nothing changes on the agent (here the role's holding on another
  // agent goes away); the filter, which refused the smaller cut, no longer covers the larger one.
  const { allocator, advance } = testAllocator();
  allocator.addFramework('f', { roles: ['r'] });
  allocator.addAgent('a1', resources('mem:1000'));
  allocator.addAgent('a2', resources('mem:600'), [
    { frameworkId: 'f', agentId: 'a2', role: 'r', resources: resources('mem:600') },
  ]);
  allocator.updateQuota('r', limits('mem:1000'));
  const [cut] = allocator.allocate();
  t.is(formatResources(cut?.resources ?? resources('')), 'mem:400');
  if (cut === undefined) return;
  allocator.recoverResources({ ...cut, refuseSeconds: 60 });
  advance(1000);
  t.deepEqual(allocator.allocate(), [], 'the same cut is filtered');
  allocator.removeAgent('a2');
  advance(1000);
  const offers = allocator.allocate();
  t.deepEqual(
    offers.map((o) => `${o.agentId} ${formatResources(o.resources)}`),
    ['a1 mem:1000'],
    'mem:1000 is more than the filter refused',
  );
});

test('a filter is checked against the leftovers as the role’s headroom chops them now, not as it did', (t) => {
  const { allocator } = testAllocator();
  allocator.addAgent('a1', resources('cpus:4;mem:4096'));
  allocator.addAgent('a2', resources('cpus:4;mem:4096'));
  allocator.addFramework('f', { roles: ['r'] });
  allocator.updateQuota('r', limits('mem:4096'));
  const [onA2] = allocator.allocate(['a2']);
  if (onA2 === undefined) return t.fail('no offer on a2');
  // No memory headroom left: a1 is offered its cpus only, which the framework refuses.
  const [onA1] = allocator.allocate(['a1']);
  t.is(formatResources(onA1?.resources ?? resources('')), 'cpus:4');
  if (onA1 === undefined) return;
  allocator.recoverResources({ ...onA1, refuseSeconds: 60 });
  t.deepEqual(allocator.allocate(['a1']), [], 'the same cpus:4 is filtered');
  // The a2 offer comes back: a1's leftovers for the role are now cpus:4;mem:4096, which the
  // filter (cpus:4) does not cover, though a1 itself has not changed.
  allocator.recoverResources({ ...onA2 });
  const again = allocator.allocate(['a1']);
  t.deepEqual(
    again.map((o) => formatResources(o.resources)),
    ['cpus:4;mem:4096'],
  );
});
