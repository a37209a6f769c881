import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import {
  coalesce,
  formatRanges,
  type Range,
  rangesContain,
  rangesSize,
  subtractRanges,
  unionRanges,
} from '../../src/core/ranges.js';
import { arbRanges, arbRawRanges } from './arbitraries.js';
import { assertCanonicalRanges, rangeSet, sortedMembers } from './helpers.js';

// Small numbers, so the brute-force set-of-integers model stays cheap and ranges collide often.
const SMALL = { maxValue: 40 } as const;
const raw = arbRawRanges(SMALL);
// Canonical lists both built directly and through coalesce, for variety.
const canonical = fc.oneof(arbRanges(SMALL), raw.map(coalesce));

test('coalesce merges adjacent ranges', (t) => {
  t.deepEqual(coalesce([[1, 2]]), [[1, 2]]);
  t.deepEqual(
    coalesce([
      [1, 2],
      [3, 4],
    ]),
    [[1, 4]],
  );
  t.deepEqual(
    coalesce([
      [31000, 31500],
      [31501, 32000],
    ]),
    [[31000, 32000]],
  );
});

test('coalesce merges overlapping and nested ranges', (t) => {
  t.deepEqual(
    coalesce([
      [1, 5],
      [3, 8],
    ]),
    [[1, 8]],
  );
  t.deepEqual(
    coalesce([
      [1, 10],
      [2, 3],
    ]),
    [[1, 10]],
  );
  t.deepEqual(
    coalesce([
      [5, 10],
      [1, 6],
      [5, 10],
    ]),
    [[1, 10]],
  );
});

test('coalesce sorts and keeps separate ranges apart', (t) => {
  const input: Range[] = [
    [10, 12],
    [1, 2],
    [4, 5],
  ];
  t.deepEqual(coalesce(input), [
    [1, 2],
    [4, 5],
    [10, 12],
  ]);
  // The input is not mutated.
  t.deepEqual(input, [
    [10, 12],
    [1, 2],
    [4, 5],
  ]);
});

test('coalesce of nothing and of single points', (t) => {
  t.deepEqual(coalesce([]), []);
  t.deepEqual(coalesce([[0, 0]]), [[0, 0]]);
  t.deepEqual(
    coalesce([
      [0, 0],
      [1, 1],
      [3, 3],
    ]),
    [
      [0, 1],
      [3, 3],
    ],
  );
});

test('unionRanges', (t) => {
  t.deepEqual(unionRanges([], [[1, 2]]), [[1, 2]]);
  t.deepEqual(unionRanges([[1, 2]], []), [[1, 2]]);
  t.deepEqual(unionRanges([[1, 2]], [[3, 9]]), [[1, 9]]);
  t.deepEqual(unionRanges([[1, 2]], [[5, 9]]), [
    [1, 2],
    [5, 9],
  ]);
});

test('rangesContain', (t) => {
  t.true(rangesContain([[1, 10]], [[2, 3]]));
  t.true(rangesContain([[1, 10]], [[1, 10]]));
  t.true(
    rangesContain(
      [[1, 10]],
      [
        [2, 3],
        [9, 10],
      ],
    ),
  );
  t.true(rangesContain([], []));
  t.true(rangesContain([[1, 2]], []));
  t.false(rangesContain([], [[1, 1]]));
  t.false(rangesContain([[1, 10]], [[0, 1]]));
  t.false(rangesContain([[1, 10]], [[10, 11]]));
  // A range that spans a hole is not contained, even if both ends are.
  t.false(
    rangesContain(
      [
        [1, 2],
        [4, 5],
      ],
      [[1, 5]],
    ),
  );
  t.true(
    rangesContain(
      [
        [1, 2],
        [4, 5],
      ],
      [
        [2, 2],
        [4, 4],
      ],
    ),
  );
});

test('subtractRanges', (t) => {
  t.deepEqual(subtractRanges([[1, 10]], [[3, 4]]), [
    [1, 2],
    [5, 10],
  ]);
  t.deepEqual(subtractRanges([[1, 10]], [[0, 20]]), []);
  t.deepEqual(subtractRanges([[1, 10]], []), [[1, 10]]);
  t.deepEqual(subtractRanges([], [[1, 10]]), []);
  t.deepEqual(
    subtractRanges(
      [[1, 10]],
      [
        [1, 1],
        [10, 10],
      ],
    ),
    [[2, 9]],
  );
  t.deepEqual(
    subtractRanges(
      [
        [1, 5],
        [8, 12],
      ],
      [[4, 9]],
    ),
    [
      [1, 3],
      [10, 12],
    ],
  );
  t.deepEqual(subtractRanges([[31000, 32000]], [[31000, 31000]]), [[31001, 32000]]);
});

test('rangesSize and formatRanges', (t) => {
  t.is(rangesSize([]), 0);
  t.is(rangesSize([[5, 5]]), 1);
  t.is(
    rangesSize([
      [31000, 32000],
      [33000, 33010],
    ]),
    1012,
  );
  t.is(formatRanges([]), '[]');
  t.is(
    formatRanges([
      [31000, 32000],
      [33000, 33010],
    ]),
    '[31000-32000,33000-33010]',
  );
});

testProp(
  'coalesce yields sorted, disjoint, non-adjacent ranges covering the same numbers',
  [raw],
  (t, rs) => {
    const out = coalesce(rs);
    assertCanonicalRanges(t, out);
    t.deepEqual(sortedMembers(rangeSet(out)), sortedMembers(rangeSet(rs)));
  },
);

testProp('coalesce is idempotent', [raw], (t, rs) => {
  const once = coalesce(rs);
  t.deepEqual(coalesce(once), once);
});

testProp(
  'coalesce does not depend on input order',
  [
    raw.chain((rs) =>
      fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length, maxLength: rs.length })),
    ),
  ],
  (t, [rs, shuffled]) => {
    t.deepEqual(coalesce(shuffled), coalesce(rs));
  },
);

testProp('arbRanges builds canonical lists that coalesce leaves alone', [arbRanges()], (t, rs) => {
  assertCanonicalRanges(t, rs);
  t.deepEqual(coalesce(rs), rs);
});

testProp('unionRanges agrees with the set model', [canonical, canonical], (t, a, b) => {
  const out = unionRanges(a, b);
  assertCanonicalRanges(t, out);
  t.deepEqual(sortedMembers(rangeSet(out)), sortedMembers(new Set([...rangeSet(a), ...rangeSet(b)])));
});

testProp('rangesContain agrees with the set model', [canonical, canonical], (t, a, b) => {
  const have = rangeSet(a);
  t.is(
    rangesContain(a, b),
    [...rangeSet(b)].every((n) => have.has(n)),
  );
});

testProp(
  'rangesContain holds for any sub-list of pieces',
  [canonical.chain((a) => fc.tuple(fc.constant(a), fc.subarray([...a])))],
  (t, [a, b]) => {
    t.true(rangesContain(a, b));
  },
);

testProp('subtractRanges agrees with the set model', [canonical, canonical], (t, a, b) => {
  const out = subtractRanges(a, b);
  assertCanonicalRanges(t, out);
  const drop = rangeSet(b);
  t.deepEqual(
    sortedMembers(rangeSet(out)),
    sortedMembers(new Set([...rangeSet(a)].filter((n) => !drop.has(n)))),
  );
});

testProp('rangesSize counts the numbers covered', [canonical], (t, a) => {
  t.is(rangesSize(a), rangeSet(a).size);
});

testProp('subtracting then adding back a contained list restores it', [canonical, canonical], (t, a, b) => {
  const inside = subtractRanges(a, subtractRanges(a, b)); // a ∩ b
  t.true(rangesContain(a, inside));
  t.deepEqual(unionRanges(subtractRanges(a, inside), inside), a);
});
