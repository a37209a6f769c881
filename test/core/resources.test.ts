import test from 'ava';
import { formatResources, resources } from '../../src/core/resource-text.js';
import { PREDEFINED_RESOURCE_NAMES, type Resource, Resources } from '../../src/core/resources.js';
import { roleProblem } from '../../src/core/roles.js';
import { assertCanonical, assertSameResources } from './helpers.js';

const r = (text: string): Resources => resources(text, { allowCustomNames: true });
const fmt = formatResources;

test('the predefined names and their order', (t) => {
  t.deepEqual([...PREDEFINED_RESOURCE_NAMES], ['cpus', 'gpus', 'mem', 'disk', 'ports']);
});

test('EMPTY is empty', (t) => {
  t.true(Resources.EMPTY.isEmpty());
  t.deepEqual(Resources.EMPTY.entries, []);
  t.is(fmt(Resources.EMPTY), '');
  t.false(r('cpus:1').isEmpty());
});

test('of adds duplicates and sorts', (t) => {
  const out = Resources.of([
    { name: 'mem', role: '*', value: { kind: 'scalar', milli: 1000 } },
    { name: 'cpus', role: 'web', value: { kind: 'scalar', milli: 500 } },
    { name: 'mem', role: '*', value: { kind: 'scalar', milli: 2000 } },
    { name: 'cpus', role: '*', value: { kind: 'scalar', milli: 250 } },
  ]);
  assertCanonical(t, out);
  t.is(fmt(out), 'cpus:0.25;cpus(web):0.5;mem:3');
});

test('of drops empty entries', (t) => {
  const out = Resources.of([
    { name: 'cpus', role: '*', value: { kind: 'scalar', milli: 0 } },
    { name: 'ports', role: '*', value: { kind: 'ranges', ranges: [] } },
    { name: 'foo', role: '*', value: { kind: 'set', items: [] } },
  ]);
  t.true(out.isEmpty());
  t.true(Resources.of([]).isEmpty());
});

test('of coalesces the ranges of a single entry', (t) => {
  // The class promises canonical entries whatever `of` is given.
  const ports = (ranges: [number, number][]): Resource => ({
    name: 'ports',
    role: '*',
    value: { kind: 'ranges', ranges },
  });
  const out = Resources.of([
    ports([
      [3, 4],
      [1, 2],
      [10, 12],
      [11, 15],
    ]),
  ]);
  assertCanonical(t, out);
  t.is(fmt(out), 'ports:[1-4,10-15]');
  assertSameResources(t, out, r('ports:[1-4,10-15]'));
  t.true(out.contains(r('ports:[2-3]')));
});

test('of sorts and deduplicates the items of a single set', (t) => {
  const out = Resources.of([{ name: 'foo', role: '*', value: { kind: 'set', items: ['b', 'a', 'b'] } }]);
  assertCanonical(t, out);
  t.is(fmt(out), 'foo:{a,b}');
  assertSameResources(t, out, r('foo:{a,b}'));
});

test('scalars builds unreserved (or reserved) scalars from whole units', (t) => {
  t.is(fmt(Resources.scalars({ cpus: 0.1, mem: 32 })), 'cpus:0.1;mem:32');
  t.is(fmt(Resources.scalars({ cpus: 2 }, 'web')), 'cpus(web):2');
  t.is(fmt(Resources.scalars({ cpus: 0, disk: 0.0004 })), '');
  assertSameResources(
    t,
    Resources.scalars({ cpus: 0.1 }).add(Resources.scalars({ cpus: 0.2 })),
    r('cpus:0.3'),
  );
});

test('add: scalars, ranges, sets, roles', (t) => {
  assertSameResources(t, r('cpus:0.1').add(r('cpus:0.2')), r('cpus:0.3'));
  assertSameResources(t, r('cpus:1;mem:2').add(r('mem:3;disk:4')), r('cpus:1;mem:5;disk:4'));
  assertSameResources(t, r('ports:[1-2]').add(r('ports:[3-4,10-11]')), r('ports:[1-4,10-11]'));
  assertSameResources(t, r('foo:{a,b}').add(r('foo:{b,c}')), r('foo:{a,b,c}'));
  assertSameResources(t, r('cpus:1').add(r('cpus(web):1')), r('cpus:1;cpus(web):1'));
  assertSameResources(t, r('foo:1').add(r('foo:{a}')), r('foo:1;foo:{a}'));
});

test('add returns an operand when the other is empty', (t) => {
  const a = r('cpus:1');
  t.is(a.add(Resources.EMPTY), a);
  t.is(Resources.EMPTY.add(a), a);
});

test('add and subtract do not change their operands', (t) => {
  const a = r('cpus:2;ports:[1-10];foo:{a,b}');
  const b = r('cpus:1;ports:[3-4];foo:{a}');
  a.add(b);
  a.subtract(b);
  t.is(fmt(a), 'cpus:2;ports:[1-10];foo:{a,b}');
  t.is(fmt(b), 'cpus:1;ports:[3-4];foo:{a}');
});

test('subtract: scalars, ranges, sets', (t) => {
  assertSameResources(t, r('cpus:1;mem:10').subtract(r('cpus:0.5')), r('cpus:0.5;mem:10'));
  assertSameResources(t, r('cpus:0.3').subtract(r('cpus:0.1')), r('cpus:0.2'));
  assertSameResources(t, r('ports:[1-10]').subtract(r('ports:[3-4]')), r('ports:[1-2,5-10]'));
  assertSameResources(t, r('foo:{a,b,c}').subtract(r('foo:{b}')), r('foo:{a,c}'));
  assertSameResources(t, r('cpus:1;cpus(web):2').subtract(r('cpus(web):2')), r('cpus:1'));
});

test('subtract drops entries that reach zero', (t) => {
  const out = r('cpus:1;mem:2;ports:[1-2];foo:{a}').subtract(r('cpus:1;ports:[1-2];foo:{a}'));
  assertCanonical(t, out);
  t.is(fmt(out), 'mem:2');
  t.true(r('cpus:0.1;mem:1').subtract(r('cpus:0.1;mem:1')).isEmpty());
});

test('subtract refuses what is not contained', (t) => {
  const message = /^assertion failed: cannot subtract/;
  t.throws(() => r('cpus:1').subtract(r('cpus:1.001')), { message });
  t.throws(() => r('cpus:1').subtract(r('cpus(web):1')), { message });
  t.throws(() => r('ports:[1-5]').subtract(r('ports:[5-6]')), { message });
  t.throws(() => r('foo:{a}').subtract(r('foo:{b}')), { message });
  t.throws(() => Resources.EMPTY.subtract(r('mem:1')), { message });
});

test('contains', (t) => {
  const a = r('cpus:2;mem:1024;ports:[1-10,20-30];foo:{a,b}');
  t.true(a.contains(Resources.EMPTY));
  t.true(a.contains(a));
  t.true(a.contains(r('cpus:2')));
  t.true(a.contains(r('cpus:1.999;ports:[5-6,25-30];foo:{b}')));
  t.false(a.contains(r('cpus:2.001')));
  t.false(a.contains(r('gpus:1')));
  t.false(a.contains(r('ports:[9-21]')));
  t.false(a.contains(r('foo:{c}')));
  t.false(a.contains(r('cpus(web):1')), 'a reservation is not in unreserved resources');
  t.false(r('cpus(web):1').contains(r('cpus:1')), 'unreserved resources are not in a reservation');
  t.false(r('foo:1').contains(r('foo:[1-1]')), 'kinds do not mix');
  t.false(Resources.EMPTY.contains(a));
});

test('equals', (t) => {
  t.true(r('cpus:1;mem:2').equals(r('mem:2;cpus:1')));
  t.true(r('ports:[1-2,3-4]').equals(r('ports:[1-4]')));
  t.false(r('cpus:1').equals(r('cpus:1;mem:1')));
  t.false(r('cpus:1').equals(r('cpus(web):1')));
  t.true(Resources.EMPTY.equals(r('')));
});

test('filter keeps the instance when nothing is dropped', (t) => {
  const a = r('cpus:1;mem(web):2');
  t.is(
    a.filter(() => true),
    a,
  );
  t.is(fmt(a.filter((e) => e.name === 'mem')), 'mem(web):2');
  t.true(a.filter(() => false).isEmpty());
});

test('unreserved and allocatableTo', (t) => {
  const a = r('cpus:1;cpus(analytics):2;cpus(web):3;mem(eng/frontend):4;mem(eng):5');
  t.is(fmt(a.unreserved()), 'cpus:1');
  t.is(fmt(a.allocatableTo('analytics')), 'cpus:1;cpus(analytics):2');
  t.is(fmt(a.allocatableTo('web')), 'cpus:1;cpus(web):3');
  t.is(fmt(a.allocatableTo('*')), 'cpus:1');
  t.is(fmt(a.allocatableTo('nobody')), 'cpus:1');
  // No hierarchical inheritance (documented): eng does not get eng/frontend's reservation.
  t.is(fmt(a.allocatableTo('eng')), 'cpus:1;mem(eng):5');
  t.is(fmt(a.allocatableTo('eng/frontend')), 'cpus:1;mem(eng/frontend):4');
});

test('scalarMilli and scalarQuantities sum scalars over roles only', (t) => {
  const a = r('cpus:1;cpus(web):0.5;mem:2;ports:[1-100];foo:{a};foo:3;foo(web):1');
  t.is(a.scalarMilli('cpus'), 1500);
  t.is(a.scalarMilli('mem'), 2000);
  t.is(a.scalarMilli('gpus'), 0);
  t.is(a.scalarMilli('ports'), 0);
  t.is(a.scalarMilli('foo'), 4000);
  t.deepEqual(
    [...a.scalarQuantities()],
    [
      ['cpus', 1500],
      ['mem', 2000],
      ['foo', 4000],
    ],
  );
  t.is(a.scalarQuantities(), a.scalarQuantities(), 'cached');
  t.is(Resources.EMPTY.scalarQuantities().size, 0);
});

test('equals and contains tell apart bags whose roles contain text-syntax characters', (t) => {
  // Valid roles by Mesos's rules may hold ")", "(" and ";" (only "/", ".", "*", "-" and
  // whitespace are restricted), so a bag's identity must not depend on how roles are spelled.
  const odd = 'a)s1000;cpus(b';
  t.is(roleProblem(odd), undefined);
  const one = Resources.of([{ name: 'cpus', role: odd, value: { kind: 'scalar', milli: 2000 } }]);
  const two = Resources.of([
    { name: 'cpus', role: 'a', value: { kind: 'scalar', milli: 1000 } },
    { name: 'cpus', role: 'b', value: { kind: 'scalar', milli: 2000 } },
  ]);
  t.false(one.equals(two));
  t.false(two.equals(one));
  t.false(one.contains(two));
  t.false(two.contains(one));
});

test('key is equal exactly for equal bags', (t) => {
  t.is(r('cpus:1;mem:2').key(), r('mem:2;cpus:1').key());
  t.is(r('ports:[1-2,3-4]').key(), r('ports:[1-4]').key());
  t.is(Resources.EMPTY.key(), r('').key());
  t.not(r('cpus:1').key(), r('cpus:1.001').key());
  t.not(r('cpus:1').key(), r('cpus(web):1').key());
  t.not(r('foo:1').key(), r('foo:{1}').key());
  t.not(r('foo:{a,b}').key(), r('foo:{a};foo(b):{b}').key());
});
