/**
 * Conversion between Mesos JSON resources and our Resources bag: round trips, the role rules
 * (role, reservations, refinements), and the semantic checks after Mesos Resources::validate.
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import {
  type ResourceJson,
  resourcesFromJson,
  resourcesFromList,
  resourcesToJson,
} from '../../../src/core/messages/resources-json.js';
import { resources } from '../../../src/core/resource-text.js';
import { Resources } from '../../../src/core/resources.js';
import { arbResources, SAMPLE_ROLES } from '../arbitraries.js';
import { assertCanonical, assertSameResources } from '../helpers.js';

const CUSTOM = { allowCustomNames: true } as const;

function fromJson(json: unknown): Resources {
  const r = resourcesFromJson(json, 'resources');
  if (!r.ok) throw new Error(`${r.error.path}: ${r.error.message}`);
  return r.value;
}

const rejects = test.macro<[json: unknown, path: string, message: string]>({
  exec(t, json, path, message) {
    t.deepEqual(resourcesFromJson(json, 'resources'), { ok: false, error: { path, message } });
  },
  title: (name = '', _json, path: string, message: string) => `${name}: ${path}: ${message}`,
});

testProp(
  'resourcesToJson → JSON text → resourcesFromJson gives back the same bag',
  [arbResources({ roles: SAMPLE_ROLES, customSets: true })],
  (t, r) => {
    const back = fromJson(JSON.parse(JSON.stringify(resourcesToJson(r))));
    assertSameResources(t, back, r);
    assertCanonical(t, back);
  },
  { numRuns: 300 },
);

testProp(
  'scalars survive up to the largest amounts the arbitraries make',
  [arbResources({ maxMilli: 2 ** 50, names: ['cpus', 'mem', 'disk'] })],
  (t, r) => {
    assertSameResources(t, fromJson(JSON.parse(JSON.stringify(resourcesToJson(r)))), r);
  },
);

testProp(
  'resourcesFromList agrees with resourcesFromJson on decoded lists',
  [arbResources({ roles: SAMPLE_ROLES, customSets: true })],
  (t, r) => {
    const list = resourcesToJson(r);
    const viaList = resourcesFromList(list, 'r');
    t.true(viaList.ok);
    if (viaList.ok) assertSameResources(t, viaList.value, fromJson(list));
  },
);

testProp(
  'allocationRole stamps allocation_info on every resource, which reading ignores',
  [arbResources({ roles: SAMPLE_ROLES }), fc.constantFrom(...SAMPLE_ROLES)],
  (t, r, role) => {
    const json = resourcesToJson(r, { allocationRole: role });
    t.true(json.every((e) => e.allocation_info?.role === role));
    assertSameResources(t, fromJson(json), r);
  },
);

test('resourcesToJson writes the Mesos encodings, in canonical order', (t) => {
  const r = resources('mem:1024;cpus:1.5;ports:[31000-32000,33000-33000];bugs(web):{b,a}', CUSTOM);
  t.deepEqual(resourcesToJson(r), [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 1.5 }, role: '*' },
    { name: 'mem', type: 'SCALAR', scalar: { value: 1024 }, role: '*' },
    {
      name: 'ports',
      type: 'RANGES',
      ranges: {
        range: [
          { begin: 31000, end: 32000 },
          { begin: 33000, end: 33000 },
        ],
      },
      role: '*',
    },
    { name: 'bugs', type: 'SET', set: { item: ['a', 'b'] }, role: 'web' },
  ]);
  t.deepEqual(resourcesToJson(Resources.EMPTY), []);
});

test("the digest's resource encodings read as the same resources as their text", (t) => {
  const json = [
    { name: 'mem', type: 'SCALAR', scalar: { value: 1024 } },
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } },
    { name: 'bugs', type: 'SET', set: { item: ['a', 'b'] } },
    {
      name: 'cpus',
      type: 'SCALAR',
      scalar: { value: 2 },
      role: '*',
      allocation_info: { role: 'engineering' },
    },
  ];
  assertSameResources(t, fromJson(json), resources('mem:1024;ports:[31000-32000];bugs:{a,b};cpus:2', CUSTOM));
});

test('entries are added up, ranges coalesced, set items deduplicated, zeros dropped, nulls skipped', (t) => {
  const json = [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
    null,
    { name: 'cpus', type: 'SCALAR', scalar: { value: 0.2 } },
    { name: 'gpus', type: 'SCALAR', scalar: { value: 0 } },
    {
      name: 'ports',
      type: 'RANGES',
      ranges: {
        range: [
          { begin: 5, end: 9 },
          { begin: 1, end: 4 },
        ],
      },
    },
    { name: 'bugs', type: 'SET', set: { item: ['b', 'a', 'b'] } },
  ];
  assertSameResources(t, fromJson(json), resources('cpus:0.3;ports:[1-9];bugs:{a,b}', CUSTOM));
});

test('scalars are rounded to thousandths like Mesos (llround)', (t) => {
  assertSameResources(
    t,
    fromJson([{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.0015 } }]),
    resources('cpus:0.002'),
  );
  assertSameResources(
    t,
    fromJson([{ name: 'cpus', type: 'SCALAR', scalar: { value: '1.25' } }]),
    resources('cpus:1.25'),
  );
});

test('the role comes from `role`, `*` when absent', (t) => {
  assertSameResources(
    t,
    fromJson([{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: 'web' }]),
    resources('cpus(web):1'),
  );
  assertSameResources(
    t,
    fromJson([{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }]),
    resources('cpus:1'),
  );
});

test('the role comes from the last of `reservations` when that is not empty', (t) => {
  const refined: ResourceJson = {
    name: 'cpus',
    type: 'SCALAR',
    scalar: { value: 1 },
    reservations: [
      { type: 'STATIC', role: 'eng' },
      { type: 'DYNAMIC', role: 'eng/web', principal: 'p' },
    ],
  };
  const expected = fromJson([refined]);
  t.deepEqual(
    expected.entries.map((e) => [e.name, e.role, e.detail?.reservations]),
    [['cpus', 'eng/web', refined.reservations]],
  );
  // A dynamic reservation is not the static one of the same role (Mesos keeps them apart).
  t.false(expected.equals(resources('cpus(eng/web):1')));
  // Serializers that write defaults add `role: "*"`; that, or the same role, is accepted.
  assertSameResources(t, fromJson([{ ...refined, role: '*' }]), expected);
  assertSameResources(t, fromJson([{ ...refined, role: 'eng/web' }]), expected);
  // A stack of static reservations is the plain role.
  assertSameResources(
    t,
    fromJson([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'STATIC', role: 'eng' }] },
    ]),
    resources('cpus(eng):1'),
  );
  // An empty stack means unreserved.
  assertSameResources(
    t,
    fromJson([{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [] }]),
    resources('cpus:1'),
  );
});

test('the old dynamic-reservation format (`role` plus `reservation`) reads as the same reservation', (t) => {
  const old = fromJson([
    { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, role: 'web', reservation: { principal: 'p' } },
  ]);
  const stacked = fromJson([
    {
      name: 'mem',
      type: 'SCALAR',
      scalar: { value: 64 },
      reservations: [{ type: 'DYNAMIC', role: 'web', principal: 'p' }],
    },
  ]);
  assertSameResources(t, old, stacked);
  t.is(old.entries[0]?.role, 'web');
  // Written back, it carries both formats, and reads back the same.
  assertSameResources(t, fromJson(resourcesToJson(old)), old);
});

test('a persistent volume reads and writes its DiskInfo, and is kept apart from plain disk', (t) => {
  const volume: ResourceJson = {
    name: 'disk',
    type: 'SCALAR',
    scalar: { value: 64 },
    role: 'web',
    reservation: { principal: 'p' },
    disk: { persistence: { id: 'db', principal: 'p' }, volume: { container_path: 'data', mode: 'RW' } },
  };
  const r = fromJson([volume]);
  t.deepEqual(r.entries[0]?.detail?.volume, { id: 'db', principal: 'p', containerPath: 'data', mode: 'RW' });
  const json = resourcesToJson(r)[0];
  t.deepEqual(json?.disk, volume.disk);
  t.deepEqual(json?.reservations, [{ type: 'DYNAMIC', role: 'web', principal: 'p' }]);
  assertSameResources(t, fromJson(resourcesToJson(r)), r);
  const plain = fromJson([{ ...volume, disk: undefined }]);
  t.false(plain.equals(r));
  // A volume is taken whole or not at all.
  const half = fromJson([{ ...volume, scalar: { value: 32 } }]);
  t.false(r.contains(half));
});

test(
  'a volume of unreserved disk',
  rejects,
  [
    {
      name: 'disk',
      type: 'SCALAR',
      scalar: { value: 1 },
      disk: { persistence: { id: 'a' }, volume: { container_path: 'x' } },
    },
  ],
  'resources[0].disk',
  'Persistent volumes cannot be created from unreserved resources',
);
test(
  'a volume without a volume',
  rejects,
  [{ name: 'disk', type: 'SCALAR', scalar: { value: 1 }, role: 'r', disk: { persistence: { id: 'a' } } }],
  'resources[0].disk',
  "Expecting 'volume' to be set for persistent volume",
);
test(
  'a persistence id with a slash',
  rejects,
  [
    {
      name: 'disk',
      type: 'SCALAR',
      scalar: { value: 1 },
      role: 'r',
      disk: { persistence: { id: 'a/b' }, volume: { container_path: 'x' } },
    },
  ],
  'resources[0].disk.persistence.id',
  "Invalid persistence ID for persistent volume: 'a/b' contains invalid characters",
);

test('not an array', rejects, { name: 'cpus' }, 'resources', 'expected array');
test(
  'a structural error keeps its path',
  rejects,
  [{ name: 'cpus', type: 'SCALAR', scalar: {} }],
  'resources[0].scalar.value',
  'is required',
);
test(
  'an empty name',
  rejects,
  [{ name: '', type: 'SCALAR', scalar: { value: 1 } }],
  'resources[0].name',
  'expected a resource name (a letter or "_", then letters, digits, "_.-/")',
);
test(
  'a name with a space',
  rejects,
  [{ name: 'my cpus', type: 'SCALAR', scalar: { value: 1 } }],
  'resources[0].name',
  'expected a resource name (a letter or "_", then letters, digits, "_.-/")',
);
test(
  'cpus as ranges',
  rejects,
  [{ name: 'cpus', type: 'RANGES', ranges: {} }],
  'resources[0].type',
  '"cpus" must be SCALAR',
);
test(
  'ports as a scalar',
  rejects,
  [{ name: 'ports', type: 'SCALAR', scalar: { value: 1 } }],
  'resources[0].type',
  '"ports" must be RANGES',
);
test(
  'a SCALAR without scalar',
  rejects,
  [{ name: 'cpus', type: 'SCALAR' }],
  'resources[0].scalar',
  'is required for a SCALAR resource',
);
test(
  'a SCALAR that also has ranges',
  rejects,
  [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, ranges: {} }],
  'resources[0].ranges',
  'must not be set on a SCALAR resource',
);
test(
  'a SET without set',
  rejects,
  [{ name: 'bugs', type: 'SET' }],
  'resources[0].set',
  'is required for a SET resource',
);
test(
  'a negative scalar',
  rejects,
  [{ name: 'cpus', type: 'SCALAR', scalar: { value: -1 } }],
  'resources[0].scalar.value',
  'expected a finite, non-negative number',
);
test(
  'an infinite scalar',
  rejects,
  [{ name: 'mem', type: 'SCALAR', scalar: { value: 'Infinity' } }],
  'resources[0].scalar.value',
  'expected a finite, non-negative number',
);
test(
  'a scalar too large for milli-units',
  rejects,
  [{ name: 'mem', type: 'SCALAR', scalar: { value: 1e16 } }],
  'resources[0].scalar.value',
  'is too large',
);
test(
  'fractional gpus',
  rejects,
  [{ name: 'gpus', type: 'SCALAR', scalar: { value: 1.5 } }],
  'resources[0].scalar.value',
  '"gpus" must be a whole number, got 1.5',
);
test(
  'a range that ends before it begins',
  rejects,
  [
    {
      name: 'ports',
      type: 'RANGES',
      ranges: {
        range: [
          { begin: 1, end: 2 },
          { begin: 9, end: 3 },
        ],
      },
    },
  ],
  'resources[0].ranges.range[1]',
  'begin is greater than end',
);
test(
  'an invalid role',
  rejects,
  [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: 'a//b' }],
  'resources[0].role',
  'a role must not contain "//"',
);
test(
  'a reservation without role',
  rejects,
  [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'DYNAMIC' }] }],
  'resources[0].reservations[0].role',
  'is required',
);
test(
  'a reservation for *',
  rejects,
  [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'STATIC', role: '*' }] }],
  'resources[0].reservations[0].role',
  'cannot reserve for "*"',
);
test(
  'a refinement that is not a child role',
  rejects,
  [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ role: 'eng' }, { role: 'ops' }] }],
  'resources[0].reservations[1].role',
  'must refine the reservation before it ("eng/…")',
);
test(
  'a role contradicting the reservations',
  rejects,
  [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: 'ops', reservations: [{ role: 'eng' }] }],
  'resources[0].role',
  'disagrees with the last reservation ("eng")',
);

test('resourcesFromList reports list indices', (t) => {
  const list: ResourceJson[] = [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } },
    { name: 'gpus', type: 'SCALAR', scalar: { value: 0.5 } },
  ];
  t.deepEqual(resourcesFromList(list, 'task.resources'), {
    ok: false,
    error: { path: 'task.resources[1].scalar.value', message: '"gpus" must be a whole number, got 0.5' },
  });
});
