import { fc, testProp } from '@fast-check/ava';
import { arbResources, arbResourcesWithSubset } from './arbitraries.js';
import { assertCanonical } from './helpers.js';
import { modelAdd, modelContains, modelOf, modelSnapshot, modelSubtract } from './model.js';

// A small domain (few roles, small amounts, ports up to 12, three set items), so that drawn bags
// overlap a lot; pairs are drawn independently or as bag and sub-bag, to cover both outcomes of
// contains.
const OPTS = {
  // Valid roles may hold "(", ")" and ";"; the odd ones check that no spelling confuses two bags.
  roles: ['a', 'b', 'b/c', 'a)s1000;cpus(b', 'x;y'],
  customSets: true,
  setItems: ['x', 'y', 'z'],
  maxMilli: 4000,
  maxGpus: 3,
  maxPort: 12,
  maxEntries: 6,
} as const;
const pair = fc.oneof(fc.tuple(arbResources(OPTS), arbResources(OPTS)), arbResourcesWithSubset(OPTS));
const RUNS = { numRuns: 500 } as const;

testProp(
  'add agrees with the brute-force model',
  [pair],
  (t, [a, b]) => {
    const sum = a.add(b);
    assertCanonical(t, sum);
    t.deepEqual(modelSnapshot(modelOf(sum)), modelSnapshot(modelAdd(modelOf(a), modelOf(b))));
  },
  RUNS,
);

testProp(
  'contains agrees with the brute-force model',
  [pair],
  (t, [a, b]) => {
    t.is(a.contains(b), modelContains(modelOf(a), modelOf(b)));
    t.is(b.contains(a), modelContains(modelOf(b), modelOf(a)));
  },
  RUNS,
);

testProp(
  'subtract agrees with the brute-force model',
  [pair],
  (t, [a, b]) => {
    if (!modelContains(modelOf(a), modelOf(b))) {
      t.throws(() => a.subtract(b));
      return;
    }
    const rest = a.subtract(b);
    assertCanonical(t, rest);
    t.deepEqual(modelSnapshot(modelOf(rest)), modelSnapshot(modelSubtract(modelOf(a), modelOf(b))));
  },
  RUNS,
);

testProp(
  'equals agrees with the brute-force model',
  [pair],
  (t, [a, b]) => {
    t.is(
      a.equals(b),
      JSON.stringify(modelSnapshot(modelOf(a))) === JSON.stringify(modelSnapshot(modelOf(b))),
    );
  },
  RUNS,
);
