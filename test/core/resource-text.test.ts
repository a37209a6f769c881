import test from 'ava';
import {
  formatResource,
  formatResources,
  formatScalarAmounts,
  parseResources,
  type ResourceParseOptions,
  resources,
} from '../../src/core/resource-text.js';
import { Resources } from '../../src/core/resources.js';
import { assertCanonical } from './helpers.js';

const CUSTOM: ResourceParseOptions = { allowCustomNames: true };

/** Parses `text`, failing the test on an error. */
function parse(text: string, options: ResourceParseOptions = {}): Resources {
  const r = parseResources(text, options);
  if (!r.ok) throw new Error(`unexpected parse error for ${JSON.stringify(text)}: ${r.error.message}`);
  return r.value;
}

/** Parsing `text` gives resources that format as `canonical`, and `canonical` is a fixed point. */
const formatsAs = test.macro<[text: string, canonical: string, options?: ResourceParseOptions]>({
  exec(t, text: string, canonical: string, options: ResourceParseOptions = {}) {
    const r = parse(text, options);
    assertCanonical(t, r);
    t.is(formatResources(r), canonical);
    t.is(formatResources(parse(canonical, options)), canonical);
  },
  title: (provided, text: string, canonical: string) =>
    provided ?? `${JSON.stringify(text)} → ${JSON.stringify(canonical)}`,
});

const AGENT = 'cpus:4;mem:8192;disk:1024;gpus:1;ports:[31000-32000,33000-33010]';

test('parses the agent example into its entries', (t) => {
  const r = parse(AGENT);
  t.deepEqual(
    r.entries.map((e) => [e.name, e.role, e.value]),
    [
      ['cpus', '*', { kind: 'scalar', milli: 4000 }],
      ['gpus', '*', { kind: 'scalar', milli: 1000 }],
      ['mem', '*', { kind: 'scalar', milli: 8_192_000 }],
      ['disk', '*', { kind: 'scalar', milli: 1_024_000 }],
      [
        'ports',
        '*',
        {
          kind: 'ranges',
          ranges: [
            [31000, 32000],
            [33000, 33010],
          ],
        },
      ],
    ],
  );
});

test(
  'the agent example',
  formatsAs,
  AGENT,
  'cpus:4;gpus:1;mem:8192;disk:1024;ports:[31000-32000,33000-33010]',
);
test(
  'canonical text is unchanged',
  formatsAs,
  'cpus:4;gpus:1;mem:8192;disk:1024;ports:[31000-32000,33000-33010]',
  'cpus:4;gpus:1;mem:8192;disk:1024;ports:[31000-32000,33000-33010]',
);
test(
  'the brief example',
  formatsAs,
  'cpus:4;mem:8192;ports:[31000-32000]',
  'cpus:4;mem:8192;ports:[31000-32000]',
);

test('adjacent ranges coalesce', formatsAs, 'ports:[1-2,3-4]', 'ports:[1-4]');
test('overlapping ranges merge', formatsAs, 'ports:[5-10,1-6]', 'ports:[1-10]');
test('ranges are sorted', formatsAs, 'ports:[40-41,1-2,20-30]', 'ports:[1-2,20-30,40-41]');
test('single-port ranges', formatsAs, 'ports:[0-0,2-2]', 'ports:[0-0,2-2]');

test('a role', formatsAs, 'cpus(analytics):2', 'cpus(analytics):2');
test('a hierarchical role', formatsAs, 'mem(eng/frontend):512', 'mem(eng/frontend):512');
test('the explicit unreserved role is left out', formatsAs, 'cpus(*):2', 'cpus:2');
test(
  'unreserved before reserved, roles sorted',
  formatsAs,
  'cpus(web):1;cpus(analytics):2;cpus:3',
  'cpus:3;cpus(analytics):2;cpus(web):1',
);

test('sets with custom names', formatsAs, 'bugs(debug_role):{a,b,c}', 'bugs(debug_role):{a,b,c}', CUSTOM);
test('set items are sorted and deduplicated', formatsAs, 'foo:{b,a,b}', 'foo:{a,b}', CUSTOM);
test('custom scalars and ranges', formatsAs, 'foo:2;bar:[1-3]', 'bar:[1-3];foo:2', CUSTOM);
test(
  'the Mesos documentation example',
  formatsAs,
  'cpus:24;gpus:2;mem:24576;disk:409600;ports:[21000-24000,30000-34000];bugs(debug_role):{a,b,c}',
  'cpus:24;gpus:2;mem:24576;disk:409600;ports:[21000-24000,30000-34000];bugs(debug_role):{a,b,c}',
  CUSTOM,
);
test(
  'predefined names first in their fixed order, then custom names alphabetically',
  formatsAs,
  'zz:1;ports:[1-2];aa:{x};disk:1;mem:1;gpus:1;cpus:1',
  'cpus:1;gpus:1;mem:1;disk:1;ports:[1-2];aa:{x};zz:1',
  CUSTOM,
);
test(
  'one name may have several kinds',
  formatsAs,
  'foo:{a};foo:[1-2];foo:1',
  'foo:1;foo:[1-2];foo:{a}',
  CUSTOM,
);

test('duplicate scalars are added', formatsAs, 'cpus:1;mem:10;cpus:2.5', 'cpus:3.5;mem:10');
test('duplicate ranges are merged', formatsAs, 'ports:[1-5];ports:[6-8,20-21]', 'ports:[1-8,20-21]');
test('duplicate sets are merged', formatsAs, 'foo:{a,c};foo:{b}', 'foo:{a,b,c}', CUSTOM);
test('duplicates are added per role', formatsAs, 'cpus(a):1;cpus:1;cpus(a):1', 'cpus:1;cpus(a):2');

test('the empty string is the empty bag', formatsAs, '', '');
test('empty tokens are skipped', formatsAs, ';;cpus:1;;', 'cpus:1');
test('only separators and spaces', formatsAs, ' ; ;\t', '');
test(
  'whitespace around tokens is ignored',
  formatsAs,
  ' cpus : 4 ; mem ( web ) : 8 ; ports : [ 1 - 2 , 5-6 ] ',
  'cpus:4;mem(web):8;ports:[1-2,5-6]',
);
test('whitespace in sets is ignored', formatsAs, 'foo:{ a , b }', 'foo:{a,b}', CUSTOM);

test('zero amounts vanish', formatsAs, 'cpus:0;mem:1', 'mem:1');
test('amounts round to thousandths', formatsAs, 'cpus:1.0001;mem:0.0006;disk:0.0004', 'cpus:1;mem:0.001');
test('decimal spellings', formatsAs, 'cpus:.5;mem:5.;disk:007', 'cpus:0.5;mem:5;disk:7');
test('exponents', formatsAs, 'mem:1e3;cpus:1E-3;disk:2.5e+2', 'cpus:0.001;mem:1000;disk:250');
test(
  'huge exponents on zero amounts',
  formatsAs,
  'cpus:1e-1000000000000000000000;mem:0e1000000000000000000000;disk:1',
  'disk:1',
);
test(
  'exponents that shift many digits',
  formatsAs,
  'cpus:0.000000000000000000001e21;mem:1500000000e-6',
  'cpus:1;mem:1500',
);
test('whole gpus may have a fraction part of zero', formatsAs, 'gpus:2.0', 'gpus:2');

test('0.1 + 0.2 is exactly 0.3', (t) => {
  const sum = parse('cpus:0.1').add(parse('cpus:0.2'));
  t.true(sum.equals(parse('cpus:0.3')));
  t.is(sum.scalarMilli('cpus'), 300);
  t.is(formatResources(sum), 'cpus:0.3');
  t.is(formatResources(parse('cpus:0.1;cpus:0.2')), 'cpus:0.3');
});

test('the largest scalar the parser accepts reads back unchanged', (t) => {
  // 2^53 - 1 milli-units: the parser accepts it, so the text it formats to must read back to it.
  const text = 'cpus:9007199254740.991';
  const r = parse(text);
  t.is(r.scalarMilli('cpus'), Number.MAX_SAFE_INTEGER);
  t.is(formatResources(r), text);
  for (const big of ['mem:4503599627370.497', 'disk:2251799813685.249', 'cpus:1125899906842.623']) {
    t.is(formatResources(parse(big)), big);
  }
});

test('defaultRole applies to entries written without a role', (t) => {
  t.is(
    formatResources(parse('cpus:1;mem(web):2', { defaultRole: 'analytics' })),
    'cpus(analytics):1;mem(web):2',
  );
  t.is(formatResources(parse('cpus(*):1', { defaultRole: 'analytics' })), 'cpus:1');
});

test('parse returns the shared empty bag shape', (t) => {
  const r = parse('');
  t.true(r.isEmpty());
  t.true(r.equals(Resources.EMPTY));
});

test('formatResource writes one entry', (t) => {
  t.is(formatResource({ name: 'cpus', role: '*', value: { kind: 'scalar', milli: 1500 } }), 'cpus:1.5');
  t.is(
    formatResource({ name: 'cpus', role: 'web', value: { kind: 'scalar', milli: 1500 } }),
    'cpus(web):1.5',
  );
  t.is(
    formatResource({
      name: 'ports',
      role: '*',
      value: {
        kind: 'ranges',
        ranges: [
          [1, 2],
          [4, 4],
        ],
      },
    }),
    'ports:[1-2,4-4]',
  );
  t.is(
    formatResource({ name: 'foo', role: 'a/b', value: { kind: 'set', items: ['x', 'y'] } }),
    'foo(a/b):{x,y}',
  );
});

test('formatScalarAmounts lists the named totals, zeros included, over all roles', (t) => {
  const r = parse('cpus(web):1.5;cpus:1;mem:4096;ports:[1-2]');
  t.is(formatScalarAmounts(r, ['cpus', 'mem']), 'cpus:2.5;mem:4096');
  t.is(formatScalarAmounts(r, ['mem', 'gpus', 'cpus']), 'mem:4096;gpus:0;cpus:2.5');
  t.is(formatScalarAmounts(Resources.EMPTY, ['cpus']), 'cpus:0');
  t.is(formatScalarAmounts(r, ['ports']), 'ports:0');
  t.is(formatScalarAmounts(r, []), '');
});

test('resources() parses valid text', (t) => {
  t.is(formatResources(resources('mem:1;cpus:2')), 'cpus:2;mem:1');
  t.is(formatResources(resources('foo:{a}', CUSTOM)), 'foo:{a}');
});

test('resources() throws on invalid text with the parse error', (t) => {
  t.throws(() => resources('cpu:2'), {
    message:
      'invalid resources "cpu:2": unknown resource "cpu" at 0 (expected one of cpus, gpus, mem, disk, ports)',
  });
  t.throws(() => resources('foo:{a}'), { message: /unknown resource "foo" at 0/ });
});
