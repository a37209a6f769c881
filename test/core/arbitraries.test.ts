import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { parseResources } from '../../src/core/resource-text.js';
import { roleProblem } from '../../src/core/roles.js';
import {
  arbResource,
  arbResources,
  arbResourcesWithSubset,
  arbResourceText,
  arbSubsetOf,
  CUSTOM_SET_NAMES,
  SAMPLE_ROLES,
} from './arbitraries.js';
import { assertCanonical } from './helpers.js';

testProp(
  'arbResources respects names and roles',
  [arbResources({ names: ['cpus', 'mem'], roles: ['web'] })],
  (t, r) => {
    assertCanonical(t, r);
    for (const e of r.entries) {
      t.true(e.name === 'cpus' || e.name === 'mem');
      t.true(e.role === '*' || e.role === 'web');
    }
  },
);

testProp(
  'arbResources is unreserved and predefined by default, with whole gpus',
  [arbResources()],
  (t, r) => {
    assertCanonical(t, r);
    for (const e of r.entries) {
      t.is(e.role, '*');
      t.false(CUSTOM_SET_NAMES.includes(e.name));
      if (e.name === 'gpus' && e.value.kind === 'scalar') t.is(e.value.milli % 1000, 0);
    }
  },
);

testProp(
  'arbResources with custom sets and roles uses valid roles',
  [arbResources({ roles: SAMPLE_ROLES, customSets: true })],
  (t, r) => {
    assertCanonical(t, r);
    for (const e of r.entries) t.is(roleProblem(e.role), undefined);
  },
);

testProp(
  'arbSubsetOf draws contained bags',
  [arbResources({ customSets: true }).chain((a) => fc.tuple(fc.constant(a), arbSubsetOf(a)))],
  (t, [a, b]) => {
    assertCanonical(t, b);
    t.true(a.contains(b));
  },
);

testProp(
  'arbResourcesWithSubset draws contained pairs',
  [arbResourcesWithSubset({ roles: SAMPLE_ROLES })],
  (t, [a, b]) => {
    t.true(a.contains(b));
  },
);

testProp(
  'arbResourceText parses',
  [arbResourceText({ roles: SAMPLE_ROLES, customSets: true })],
  (t, { text }) => {
    t.true(parseResources(text, { allowCustomNames: true }).ok, text);
  },
);

testProp('arbResourceText without custom sets parses strictly', [arbResourceText()], (t, { text }) => {
  t.true(parseResources(text).ok, text);
});

test('arbResource needs a name to draw from', (t) => {
  t.throws(() => arbResource({ names: [] }), { message: /no resource names/ });
});
