import { fc, testProp } from '@fast-check/ava';
import { formatResources } from '../../src/core/resource-text.js';
import { Resources } from '../../src/core/resources.js';
import { arbResources, arbResourcesWithSubset, arbSubsetOf, SAMPLE_ROLES } from './arbitraries.js';
import { assertCanonical, assertSameResources } from './helpers.js';

const OPTS = { roles: SAMPLE_ROLES, customSets: true } as const;
const arb = arbResources(OPTS);
// A small domain, so that independently drawn bags often contain one another.
const arbSmall = arbResources({
  ...OPTS,
  maxMilli: 3000,
  maxGpus: 2,
  maxPort: 10,
  setItems: ['a', 'b', 'c'],
  maxEntries: 5,
});

testProp('arbResources builds canonical bags', [arb], (t, a) => {
  assertCanonical(t, a);
});

testProp('add is commutative', [arb, arb], (t, a, b) => {
  assertSameResources(t, a.add(b), b.add(a));
});

testProp('add is associative', [arb, arb, arb], (t, a, b, c) => {
  assertSameResources(t, a.add(b).add(c), a.add(b.add(c)));
});

testProp('add keeps the canonical form', [arb, arb], (t, a, b) => {
  assertCanonical(t, a.add(b));
});

testProp('EMPTY is the identity of add and subtract', [arb], (t, a) => {
  assertSameResources(t, a.add(Resources.EMPTY), a);
  assertSameResources(t, Resources.EMPTY.add(a), a);
  assertSameResources(t, a.subtract(Resources.EMPTY), a);
  t.true(a.contains(Resources.EMPTY));
});

testProp('a + b contains a and b', [arb, arb], (t, a, b) => {
  const sum = a.add(b);
  t.true(sum.contains(a));
  t.true(sum.contains(b));
});

testProp('a.contains(b) implies a - b + b equals a', [arbResourcesWithSubset(OPTS)], (t, [a, b]) => {
  t.true(a.contains(b));
  const rest = a.subtract(b);
  assertCanonical(t, rest);
  t.true(a.contains(rest));
  assertSameResources(t, rest.add(b), a);
});

testProp('a.contains(b) implies a - b + b equals a, on a small domain', [arbSmall, arbSmall], (t, a, b) => {
  if (a.contains(b)) {
    assertSameResources(t, a.subtract(b).add(b), a);
  } else {
    t.throws(() => a.subtract(b), { message: /^assertion failed/ });
  }
});

testProp('a - a is empty', [arb], (t, a) => {
  t.true(a.subtract(a).isEmpty());
});

testProp('(a + b) - b is contained in a, and equals it for scalars alone', [arb, arb], (t, a, b) => {
  const back = a.add(b).subtract(b);
  t.true(a.contains(back));
  const scalarsOnly = (r: Resources): Resources => r.filter((e) => e.value.kind === 'scalar');
  assertSameResources(t, scalarsOnly(a).add(scalarsOnly(b)).subtract(scalarsOnly(b)), scalarsOnly(a));
});

testProp('contains is reflexive', [arb], (t, a) => {
  t.true(a.contains(a));
  t.true(a.equals(a));
});

testProp(
  'contains is transitive along a chain of subsets',
  [arbResourcesWithSubset(OPTS).chain(([a, b]) => arbSubsetOf(b).map((c) => [a, b, c] as const))],
  (t, [a, b, c]) => {
    t.true(a.contains(b));
    t.true(b.contains(c));
    t.true(a.contains(c));
  },
);

testProp('contains is transitive, on a small domain', [arbSmall, arbSmall, arbSmall], (t, a, b, c) => {
  if (a.contains(b) && b.contains(c)) t.true(a.contains(c));
  else t.pass();
});

testProp('contains both ways is equals, and equals is equal text', [arbSmall, arbSmall], (t, a, b) => {
  const mutual = a.contains(b) && b.contains(a);
  t.is(a.equals(b), mutual);
  t.is(a.equals(b), formatResources(a) === formatResources(b));
});

testProp('key is equal exactly when the bags are equal', [arbSmall, arbSmall], (t, a, b) => {
  t.is(a.key() === b.key(), formatResources(a) === formatResources(b));
  t.is(a.key() === b.key(), a.contains(b) && b.contains(a));
});

testProp('scalarQuantities of a sum is the sum of scalarQuantities', [arb, arb], (t, a, b) => {
  const sum = a.add(b).scalarQuantities();
  const names = new Set([...a.scalarQuantities().keys(), ...b.scalarQuantities().keys()]);
  t.deepEqual([...sum.keys()].sort(), [...names].sort());
  for (const n of names) t.is(sum.get(n), a.scalarMilli(n) + b.scalarMilli(n));
});

testProp(
  "allocatableTo(role) is the unreserved part plus that role's reservations",
  [arb, fc.constantFrom(...SAMPLE_ROLES)],
  (t, a, role) => {
    const mine = a.allocatableTo(role);
    t.true(a.contains(mine));
    t.true(mine.contains(a.unreserved()));
    assertSameResources(
      t,
      mine.subtract(a.unreserved()),
      a.filter((e) => e.role === role),
    );
    for (const e of mine.entries) t.true(e.role === '*' || e.role === role);
  },
);

testProp("unreserved plus each role's reservations is the whole bag", [arb], (t, a) => {
  let total = a.unreserved();
  for (const role of SAMPLE_ROLES) total = total.add(a.filter((e) => e.role === role));
  assertSameResources(t, total, a);
});
