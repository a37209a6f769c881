import test from 'ava';
import { parseMinAllocatable } from '../../src/allocator/min-allocatable.js';
import { refuseTimeoutMs } from '../../src/allocator/refuse-filter.js';
import { randomPolicy } from '../../src/allocator/sorters/random.js';
import { formatResources, resources } from '../../src/core/resource-text.js';
import { testAllocator, who } from './harness.js';

const AGENT = resources('cpus:4;mem:4096;ports:[31000-32000]');

test('coarse-grained: each framework is offered a whole agent (Mesos CoarseGrained)', (t) => {
  const { allocator } = testAllocator();
  allocator.addAgent('a1', AGENT);
  allocator.addAgent('a2', AGENT);
  allocator.addFramework('f1', { roles: ['r'] });
  allocator.addFramework('f2', { roles: ['r'] });
  const offers = allocator.allocate();
  t.is(offers.length, 2);
  t.deepEqual(new Set(offers.map((o) => o.frameworkId)), new Set(['f1', 'f2']));
  for (const o of offers) t.true(o.resources.equals(AGENT), 'the whole agent is offered');
  t.true(allocator.agent('a1')?.available.isEmpty());
});

test('offered resources count towards the share: lower share wins the next agent', (t) => {
  const { allocator } = testAllocator();
  allocator.addFramework('big', { roles: ['r'] });
  allocator.addFramework('small', { roles: ['r'] });
  allocator.addAgent('a1', resources('cpus:10;mem:1000'), [
    { frameworkId: 'big', agentId: 'a1', role: 'r', resources: resources('cpus:5;mem:100') },
  ]);
  // a1's leftovers go to `small` (share 0 < big's 0.5 of cpus).
  t.deepEqual(who(allocator.allocate()), ['small@a1']);
  t.true(allocator.frameworkShare('big', 'r') > 0.49 && allocator.frameworkShare('big', 'r') < 0.51);
});

test('equal shares take turns by allocation count, then by name (Mesos SameShareFairness)', (t) => {
  const { allocator, advance } = testAllocator();
  allocator.addFramework('b', { roles: ['r'] });
  allocator.addFramework('a', { roles: ['r'] });
  allocator.addAgent('x', resources('cpus:1;mem:100'));
  const takers: string[] = [];
  for (let round = 0; round < 4; round++) {
    const [offer] = allocator.allocate();
    if (offer === undefined) return t.fail('expected an offer');
    takers.push(offer.frameworkId);
    allocator.recoverResources({ ...offer, refuseSeconds: 0 });
    advance(1000);
  }
  // Same share (0) every time; the name breaks the first tie, then the allocation count alternates.
  t.deepEqual(takers, ['a', 'b', 'a', 'b']);
});

test('role weights: a role of weight 2 ends with twice the agents', (t) => {
  const { allocator } = testAllocator();
  allocator.updateWeight('heavy', 2);
  allocator.addFramework('h', { roles: ['heavy'] });
  allocator.addFramework('l', { roles: ['light'] });
  for (let i = 0; i < 9; i++) allocator.addAgent(`a${i}`, resources('cpus:1;mem:100'));
  const offers = allocator.allocate();
  t.is(offers.filter((o) => o.role === 'heavy').length, 6);
  t.is(offers.filter((o) => o.role === 'light').length, 3);
});

test('reserved resources are offered only to their role; unreserved to any', (t) => {
  const { allocator } = testAllocator();
  allocator.addFramework('fa', { roles: ['a'] });
  allocator.addFramework('fb', { roles: ['b'] });
  allocator.addAgent('x', resources('cpus:2;mem:512;cpus(a):1;mem(a):256'));
  const offers = allocator.allocate();
  const byFw = new Map(offers.map((o) => [o.frameworkId, formatResources(o.resources)]));
  // Role order is a tie (share 0, count 0) broken by name: "a" first gets its reservation plus
  // all unreserved resources (coarse); "b" finds nothing allocatable to it left.
  t.is(byFw.get('fa'), 'cpus:2;cpus(a):1;mem:512;mem(a):256');
  t.false(byFw.has('fb'));
});

test('minimum allocatable resources: crumbs are not offered (default cpus:0.01|mem:32)', (t) => {
  const { allocator } = testAllocator();
  allocator.addFramework('f', { roles: ['r'] });
  allocator.addAgent('crumbs', resources('cpus:0.005;mem:31'));
  allocator.addAgent('cpu-only', resources('cpus:0.01'));
  allocator.addAgent('mem-only', resources('mem:32'));
  t.deepEqual(who(allocator.allocate()), ['f@cpu-only', 'f@mem-only']);
});

test('a framework-specific minimum overrides the default', (t) => {
  const { allocator } = testAllocator();
  const min = parseMinAllocatable('cpus:2;mem:1024');
  if (!min.ok) return t.fail(min.error);
  allocator.addFramework('picky', { roles: ['r'], minAllocatableByRole: new Map([['r', min.value]]) });
  allocator.addAgent('small', resources('cpus:1;mem:4096'));
  allocator.addAgent('large', resources('cpus:2;mem:1024'));
  t.deepEqual(who(allocator.allocate()), ['picky@large']);
});

test('min-allocatable text errors name the position in the whole text', (t) => {
  const r = parseMinAllocatable('cpus:1|cpu:2');
  t.false(r.ok);
  if (!r.ok) t.regex(r.error, /unknown resource "cpu" at 7/);
});

test('decline with the default filter: not re-offered for 5 s, then offered again', (t) => {
  const { allocator, advance } = testAllocator();
  allocator.addFramework('f', { roles: ['r'] });
  allocator.addAgent('x', AGENT);
  const [offer] = allocator.allocate();
  if (offer === undefined) return t.fail('expected an offer');
  allocator.recoverResources({ ...offer, refuseSeconds: 5 });
  for (let s = 1; s < 5; s++) {
    advance(1000);
    t.deepEqual(allocator.allocate(), [], `still filtered after ${s} s`);
  }
  advance(1000);
  t.deepEqual(who(allocator.allocate()), ['f@x']);
});

test('refuse_seconds 0 installs no filter; a short one lasts at least one allocation interval', (t) => {
  t.is(refuseTimeoutMs(0, 1000), 0);
  t.is(refuseTimeoutMs(0.2, 1000), 1000);
  t.is(refuseTimeoutMs(undefined, 1000), 5000);
  t.is(refuseTimeoutMs(-1, 1000), 5000);
  t.is(refuseTimeoutMs(Number.NaN, 1000), 5000);
  t.is(refuseTimeoutMs(1e12, 1000), 365 * 24 * 3600 * 1000);

  const { allocator, advance } = testAllocator();
  allocator.addFramework('f', { roles: ['r'] });
  allocator.addAgent('x', AGENT);
  const [offer] = allocator.allocate();
  if (offer === undefined) return t.fail('expected an offer');
  allocator.recoverResources({ ...offer, refuseSeconds: 0 });
  const [again] = allocator.allocate();
  t.is(again?.frameworkId, 'f', 'no filter: offered again at once');
  if (again === undefined) return;
  allocator.recoverResources({ ...again, refuseSeconds: 0.2 });
  advance(500);
  t.deepEqual(allocator.allocate(), [], 'a 0.2 s filter still holds after 0.5 s (MESOS-4302)');
  advance(500);
  t.deepEqual(who(allocator.allocate()), ['f@x'], 'and expires after one allocation interval');
});

test('a filter blocks only subsets of what was refused', (t) => {
  const { allocator, advance } = testAllocator();
  allocator.addFramework('f', { roles: ['r'] });
  allocator.addFramework('g', { roles: ['r'] });
  allocator.addAgent('x', resources('cpus:4;mem:4096'));
  // f holds part of x as a task (added as used on the agent through an offer + partial recover).
  const [offer] = allocator.allocate();
  if (offer === undefined) return t.fail('expected an offer');
  t.is(offer.frameworkId, 'f');
  // f keeps cpus:1;mem:1024 for a task and declines the rest for a long time.
  allocator.recoverResources({ ...offer, resources: resources('cpus:3;mem:3072'), refuseSeconds: 1000 });
  advance(1000);
  // g (share 0 < f's) takes the leftovers; it declines them without a filter.
  const [second] = allocator.allocate();
  t.is(second?.frameworkId, 'g');
  if (second === undefined) return;
  allocator.recoverResources({ ...second, refuseSeconds: 1000 });
  advance(1000);
  t.deepEqual(allocator.allocate(), [], 'both filtered');
  // f's task ends: more is available than f refused, so f's filter no longer blocks.
  allocator.recoverResources({ ...offer, resources: resources('cpus:1;mem:1024') });
  advance(1000);
  t.deepEqual(who(allocator.allocate()), ['f@x']);
});

test('suppress stops offers; revive restores them and clears filters', (t) => {
  const { allocator, advance } = testAllocator();
  allocator.addFramework('f', { roles: ['r'] });
  allocator.addAgent('x', AGENT);
  const [offer] = allocator.allocate();
  if (offer === undefined) return t.fail('expected an offer');
  allocator.recoverResources({ ...offer, refuseSeconds: 1e6 });
  allocator.suppressOffers('f');
  advance(1000);
  t.deepEqual(allocator.allocate(), []);
  allocator.reviveOffers('f');
  t.deepEqual(who(allocator.allocate()), ['f@x'], 'revive cleared the long filter');
});

test('a framework added suppressed gets nothing until revived in that role', (t) => {
  const { allocator } = testAllocator();
  allocator.addFramework('f', { roles: ['r', 's'], suppressedRoles: ['r'] });
  allocator.addAgent('x', AGENT);
  const offers = allocator.allocate();
  t.deepEqual(
    offers.map((o) => o.role),
    ['s'],
  );
});

test('a deactivated framework gets no offers and loses its filters', (t) => {
  const { allocator, advance } = testAllocator();
  allocator.addFramework('f', { roles: ['r'] });
  allocator.addAgent('x', AGENT);
  const [offer] = allocator.allocate();
  if (offer === undefined) return t.fail('expected an offer');
  allocator.recoverResources({ ...offer, refuseSeconds: 1e6 });
  allocator.deactivateFramework('f');
  advance(1000);
  t.deepEqual(allocator.allocate(), []);
  allocator.activateFramework('f');
  t.deepEqual(who(allocator.allocate()), ['f@x']);
});

test('removing a framework returns everything it held', (t) => {
  const { allocator } = testAllocator();
  allocator.addFramework('f', { roles: ['r'] });
  allocator.addAgent('x', AGENT);
  allocator.allocate();
  allocator.removeFramework('f');
  t.true(allocator.agent('x')?.available.equals(AGENT));
  allocator.addFramework('g', { roles: ['r'] });
  t.deepEqual(who(allocator.allocate()), ['g@x']);
});

test('removed and deactivated agents are not offered', (t) => {
  const { allocator } = testAllocator();
  allocator.addFramework('f', { roles: ['r'] });
  allocator.addAgent('x', AGENT);
  allocator.addAgent('y', AGENT);
  allocator.deactivateAgent('x');
  allocator.removeAgent('y');
  t.deepEqual(allocator.allocate(), []);
  allocator.activateAgent('x');
  t.deepEqual(who(allocator.allocate()), ['f@x']);
});

test('allocate can be limited to some agents (event-triggered allocation)', (t) => {
  const { allocator } = testAllocator();
  allocator.addFramework('f', { roles: ['r'] });
  allocator.addAgent('x', AGENT);
  allocator.addAgent('y', AGENT);
  t.deepEqual(who(allocator.allocate(['y', 'nope'])), ['f@y']);
});

test('updateAllocation swaps resources of equal quantity (a reservation)', (t) => {
  const { allocator } = testAllocator();
  allocator.addFramework('f', { roles: ['r'] });
  allocator.addAgent('x', resources('cpus:4;mem:4096'));
  allocator.allocate();
  allocator.updateAllocation('f', 'x', 'r', resources('cpus:1'), resources('cpus(r):1'));
  t.is(formatResources(allocator.agent('x')?.total ?? resources('')), 'cpus:3;cpus(r):1;mem:4096');
  t.throws(() => allocator.updateAllocation('f', 'x', 'r', resources('cpus:1'), resources('cpus:2')));
});

test('the same seed gives the same offers; the agent order depends on the seed', (t) => {
  const run = (seed: string): string[] => {
    const { allocator } = testAllocator({}, seed);
    for (let f = 0; f < 5; f++) allocator.addFramework(`f${f}`, { roles: ['r'] });
    for (let a = 0; a < 20; a++) allocator.addAgent(`a${a}`, resources(`cpus:${1 + (a % 3)};mem:1024`));
    return allocator.allocate().map((o) => `${o.frameworkId}@${o.agentId}`);
  };
  t.deepEqual(run('one'), run('one'));
  t.notDeepEqual(run('one'), run('two'));
});

test('the random policy offers every agent and replays with its seed', (t) => {
  const run = (): string[] => {
    const { allocator } = testAllocator({ policy: randomPolicy }, 's');
    for (let f = 0; f < 4; f++) allocator.addFramework(`f${f}`, { roles: ['r'] });
    for (let a = 0; a < 12; a++) allocator.addAgent(`a${a}`, AGENT);
    return allocator.allocate().map((o) => `${o.frameworkId}@${o.agentId}`);
  };
  const first = run();
  t.is(first.length, 12);
  t.deepEqual(run(), first);
});
