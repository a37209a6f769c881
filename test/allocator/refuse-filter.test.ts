import test from 'ava';
import { AgentRoleFilters, MAX_FILTERS_PER_SLOT, NOT_BLOCKED } from '../../src/allocator/refuse-filter.js';
import { resources } from '../../src/core/resource-text.js';

const GEN = 1;
let version = 0;
/** A fresh version per check, so no cached containment answer is reused across steps; 0: not blocked. */
const blocked = (f: AgentRoleFilters, text: string, now: number, slot = 0, gen = GEN): number => {
  const until = f.blockedUntil(slot, gen, resources(text), ++version, now);
  return until === NOT_BLOCKED ? 0 : until;
};

test('filters work on a clock at or below zero (a simulated clock skewed back near its start)', (t) => {
  const f = new AgentRoleFilters();
  f.add(0, resources('cpus:2'), -14_544, GEN, -18_800);
  t.is(f.blockedUntil(0, GEN, resources('cpus:1'), ++version, -18_800), -14_544);
  f.add(1, resources('cpus:2'), 0, GEN, -5000, 2);
  t.is(
    f.blockedUntil(1, GEN, resources('cpus:1'), ++version, -1),
    0,
    'a filter expiring at 0 blocks before 0',
  );
  t.is(f.blockedUntil(1, GEN, resources('cpus:1'), ++version, 0), NOT_BLOCKED);
  t.is(f.blockedUntil(0, GEN, resources('cpus:1'), ++version, -14_544), NOT_BLOCKED);
  t.is(f.size, 0);
});

test('a filter blocks subsets of what was refused until it expires', (t) => {
  const f = new AgentRoleFilters();
  f.add(0, resources('cpus:2;mem:100'), 5000, GEN, 0);
  t.is(blocked(f, 'cpus:2;mem:100', 0), 5000);
  t.is(blocked(f, 'cpus:1', 4999), 5000);
  t.is(blocked(f, 'cpus:3;mem:100', 0), 0, 'more than was refused is not blocked');
  t.is(blocked(f, 'cpus:1', 5000), 0, 'expired at its expiry time');
  t.is(f.size, 0, 'and removed');
});

test('several filters on one slot: blocked while any live one covers the offer', (t) => {
  const f = new AgentRoleFilters();
  f.add(0, resources('mem:768'), 365_000, GEN, 0);
  f.add(0, resources('cpus:1;mem:256'), 5000, GEN, 0);
  t.is(blocked(f, 'mem:768', 0), 365_000);
  t.is(blocked(f, 'cpus:1;mem:256', 0), 5000);
  t.is(blocked(f, 'mem:256', 0), 365_000, 'the latest expiry among the covering filters');
  t.is(blocked(f, 'cpus:1;mem:256', 6000), 0, 'the short one expired');
  t.is(blocked(f, 'mem:700', 6000), 365_000, 'the long one still holds');
});

test('a live extra filter survives the expiry of the first one and a later add', (t) => {
  const f = new AgentRoleFilters();
  f.add(0, resources('cpus:1'), 5000, GEN, 0);
  f.add(0, resources('mem:512'), 100_000, GEN, 0);
  // The first filter expires; a new, unrelated refusal arrives after that.
  f.add(0, resources('disk:10'), 20_000, GEN, 6000);
  t.is(blocked(f, 'mem:512', 7000), 100_000);
  t.is(blocked(f, 'disk:10', 7000), 20_000);
  t.is(blocked(f, 'cpus:1', 7000), 0);
});

test('redundant filters are pruned; a covering newer filter replaces older ones', (t) => {
  const f = new AgentRoleFilters();
  f.add(0, resources('mem:768'), 100_000, GEN, 0);
  f.add(0, resources('mem:256'), 50_000, GEN, 0); // covered by the first and expires sooner
  f.add(0, resources('mem:1024'), 200_000, GEN, 0); // covers both and outlives them
  t.is(blocked(f, 'mem:256', 0), 200_000);
  t.is(blocked(f, 'mem:1024', 150_000), 200_000);
});

test('a new generation (revive, deactivation) voids every filter of the slot', (t) => {
  const f = new AgentRoleFilters();
  f.add(0, resources('cpus:1'), 5000, GEN, 0);
  f.add(0, resources('mem:1'), 5000, GEN, 0);
  t.is(blocked(f, 'cpus:1', 0, 0, GEN + 1), 0);
  t.is(blocked(f, 'mem:1', 0, 0, GEN + 1), 0);
  t.is(f.size, 0);
});

test('slots are independent', (t) => {
  const f = new AgentRoleFilters();
  f.add(3, resources('cpus:1'), 5000, GEN, 0, 10);
  t.is(blocked(f, 'cpus:1', 0, 3), 5000);
  t.is(blocked(f, 'cpus:1', 0, 2), 0);
  t.is(blocked(f, 'cpus:1', 0, 99), 0, 'a slot beyond the table has no filter');
});

test(`at most ${MAX_FILTERS_PER_SLOT} filters per slot: the soonest to expire goes first`, (t) => {
  const f = new AgentRoleFilters();
  // Single, distinct ports: no refusal covers another, so none is pruned as redundant.
  for (let p = 1; p <= MAX_FILTERS_PER_SLOT + 1; p++)
    f.add(0, resources(`ports:[${p}-${p}]`), 10_000 + p, GEN, 0);
  t.is(blocked(f, 'ports:[1-1]', 0), 0, 'the first refusal, soonest to expire, was dropped');
  t.is(blocked(f, 'ports:[2-2]', 0), 10_002);
  t.is(
    blocked(f, `ports:[${MAX_FILTERS_PER_SLOT + 1}-${MAX_FILTERS_PER_SLOT + 1}]`, 0),
    10_000 + MAX_FILTERS_PER_SLOT + 1,
  );
});

test('the containment answer follows the candidate, not only the agent version (a quota cut changes it alone)', (t) => {
  const f = new AgentRoleFilters();
  f.add(0, resources('mem:400'), 60_000, GEN, 0);
  const v = ++version;
  t.is(f.blockedUntil(0, GEN, resources('mem:400'), v, 0), 60_000);
  t.is(f.blockedUntil(0, GEN, resources('mem:1000'), v, 0), NOT_BLOCKED, 'a larger cut of the same agent');
  t.is(f.blockedUntil(0, GEN, resources('mem:300'), v, 0), 60_000, 'and a smaller one');
});

test('the table says which slots lost filters on the way: expired or of an old generation, in any look', (t) => {
  const dropped: number[] = [];
  const filters = new AgentRoleFilters((slot) => dropped.push(slot));
  const bag = resources('cpus:4;mem:4096');
  filters.add(0, bag, 5_000, 1, 0);
  // Two filters on slot 1, neither redundant: the larger refusal expires first.
  const small = resources('cpus:1');
  filters.add(1, bag, 8_000, 1, 0);
  filters.add(1, small, 60_000, 1, 0);
  t.not(filters.blockedUntil(0, 1, bag, 1, 1_000), NOT_BLOCKED);
  t.deepEqual(dropped, [], 'nothing has expired yet');
  t.is(filters.blockedUntil(0, 1, bag, 1, 6_000), NOT_BLOCKED);
  t.deepEqual(dropped, [0], 'slot 0 expired');
  t.is(filters.blockedUntil(1, 1, small, 1, 9_000), 60_000);
  t.deepEqual(dropped, [0, 1], 'the larger filter of slot 1 expired; the smaller still blocks');
  t.is(filters.blockedUntil(1, 2, small, 1, 9_000), NOT_BLOCKED);
  t.deepEqual(dropped, [0, 1, 1], 'a new generation drops the rest');
  t.is(filters.blockedUntil(1, 2, small, 1, 9_000), NOT_BLOCKED);
  t.deepEqual(dropped, [0, 1, 1], 'nothing left to drop');
});
