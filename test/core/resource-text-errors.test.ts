import test from 'ava';
import { parseResources, type ResourceParseOptions } from '../../src/core/resource-text.js';

const CUSTOM: ResourceParseOptions = { allowCustomNames: true };
const EXPECTED_NAMES = '(expected one of cpus, gpus, mem, disk, ports)';

/**
 * `text` is rejected with exactly `message` (which ends with ` at <position>`, plus a hint for
 * unknown names), and the error's position points at `token` in `text`.
 */
const rejects = test.macro<
  [text: string, message: string, position: number, token: string, options?: ResourceParseOptions]
>({
  exec(
    t,
    text: string,
    message: string,
    position: number,
    token: string,
    options: ResourceParseOptions = {},
  ) {
    const r = parseResources(text, options);
    if (r.ok) {
      t.fail(`${JSON.stringify(text)} parsed`);
      return;
    }
    t.is(r.error.message, message);
    t.is(r.error.position, position);
    t.true(r.error.message.includes(` at ${position}`));
    t.is(text.slice(position, position + token.length), token, 'the position points at the offending token');
  },
  title: (provided, text: string) => `rejects ${JSON.stringify(text)}${provided ? ` (${provided})` : ''}`,
});

// Unknown and malformed names.
test('unknown name', rejects, 'cpu:2', `unknown resource "cpu" at 0 ${EXPECTED_NAMES}`, 0, 'cpu');
test(
  'unknown name later on',
  rejects,
  'cpus:1;memory:2',
  `unknown resource "memory" at 7 ${EXPECTED_NAMES}`,
  7,
  'memory',
);
test(
  'names are case-sensitive',
  rejects,
  'CPUS:1',
  `unknown resource "CPUS" at 0 ${EXPECTED_NAMES}`,
  0,
  'CPUS',
);
test(
  'unknown name after spaces',
  rejects,
  'cpus:1;  cpu :2',
  `unknown resource "cpu" at 9 ${EXPECTED_NAMES}`,
  9,
  'cpu',
);
test(
  'unknown name with a role',
  rejects,
  'cpu(web):1',
  `unknown resource "cpu" at 0 ${EXPECTED_NAMES}`,
  0,
  'cpu',
);
test(
  'custom names need the option',
  rejects,
  'foo:{a}',
  `unknown resource "foo" at 0 ${EXPECTED_NAMES}`,
  0,
  'foo',
);
test('invalid custom name', rejects, '1foo:1', 'invalid resource name "1foo" at 0', 0, '1foo', CUSTOM);
test(
  'custom name with a space',
  rejects,
  'my res:1',
  'invalid resource name "my res" at 0',
  0,
  'my res',
  CUSTOM,
);
test('missing name', rejects, ':4', 'missing resource name in ":4" at 0', 0, ':4');
test(
  'missing name before a role',
  rejects,
  'cpus:1;(web):4',
  'missing resource name in "(web):4" at 7',
  7,
  '(web)',
);

// Missing colon, missing or misplaced values.
test('missing colon', rejects, 'cpus', 'expected "name:value", got "cpus" at 0', 0, 'cpus');
test(
  'missing colon in a later token',
  rejects,
  'cpus:1; mem 2',
  'expected "name:value", got "mem 2" at 8',
  8,
  'mem 2',
);
test('missing value', rejects, 'cpus:', 'missing value for "cpus" at 5', 5, '');
test('two colons', rejects, 'cpus:1:2', 'unexpected ":" in value "1:2" of "cpus" at 5', 5, '1:2');

// Bad numbers.
const badNumber = (v: string, name = 'cpus'): string =>
  `invalid number "${v}" for "${name}" (expected a non-negative decimal)`;
test('not a number', rejects, 'cpus:abc', `${badNumber('abc')} at 5`, 5, 'abc');
test('two decimal points', rejects, 'cpus:1.2.3', `${badNumber('1.2.3')} at 5`, 5, '1.2.3');
test('a lone point', rejects, 'cpus:.', `${badNumber('.')} at 5`, 5, '.');
test('a comma decimal', rejects, 'cpus:1,5', `${badNumber('1,5')} at 5`, 5, '1,5');
test('hexadecimal', rejects, 'mem:0x10', `${badNumber('0x10', 'mem')} at 4`, 4, '0x10');
test('negative', rejects, 'cpus:-1', `${badNumber('-1')} at 5`, 5, '-1');
test('negative zero', rejects, 'cpus:-0', `${badNumber('-0')} at 5`, 5, '-0');
test('explicit plus sign', rejects, 'mem:+5', `${badNumber('+5', 'mem')} at 4`, 4, '+5');
test('NaN', rejects, 'cpus:NaN', `${badNumber('NaN')} at 5`, 5, 'NaN');
test('Infinity', rejects, 'cpus:Infinity', `${badNumber('Infinity')} at 5`, 5, 'Infinity');
test('inf', rejects, 'disk:inf', `${badNumber('inf', 'disk')} at 5`, 5, 'inf');
test('a number with a space inside', rejects, 'cpus:1 5', `${badNumber('1 5')} at 5`, 5, '1 5');
test(
  'overflow to Infinity',
  rejects,
  'cpus:1e400',
  'number "1e400" for "cpus" is too large at 5',
  5,
  '1e400',
);
test('beyond 2^53 milli-units', rejects, 'mem:1e13', 'number "1e13" for "mem" is too large at 4', 4, '1e13');
test(
  '2^53 milli-units exactly',
  rejects,
  'cpus:9007199254740.992',
  'number "9007199254740.992" for "cpus" is too large at 5',
  5,
  '9007199254740.992',
);
test('fractional gpus', rejects, 'gpus:1.5', '"gpus" must be a whole number, got "1.5" at 5', 5, '1.5');
test(
  'a thousandth of a gpu',
  rejects,
  'cpus:1;gpus:0.001',
  '"gpus" must be a whole number, got "0.001" at 12',
  12,
  '0.001',
);

// Values of the wrong type.
test(
  'a scalar given to ports',
  rejects,
  'ports:5',
  '"ports" takes ranges like [31000-32000], got "5" at 6',
  6,
  '5',
);
test('a set given to ports', rejects, 'ports:{a}', '"ports" does not take a set, got "{a}" at 6', 6, '{a}');
for (const name of ['cpus', 'gpus', 'mem', 'disk']) {
  test(
    `ranges given to ${name}`,
    rejects,
    `${name}:[1-2]`,
    `"${name}" takes a number, got ranges "[1-2]" at ${name.length + 1}`,
    name.length + 1,
    '[1-2]',
  );
  test(
    `a set given to ${name}`,
    rejects,
    `${name}:{a,b}`,
    `"${name}" does not take a set, got "{a,b}" at ${name.length + 1}`,
    name.length + 1,
    '{a,b}',
  );
}
test(
  'a set for a predefined name even with custom names on',
  rejects,
  'mem:{a}',
  '"mem" does not take a set, got "{a}" at 4',
  4,
  '{a}',
  CUSTOM,
);

// Ranges.
test('unclosed [', rejects, 'ports:[1-2', 'expected "]" to close the ranges of "ports" at 6', 6, '[');
test(
  'unclosed [ on a custom name',
  rejects,
  'foo:[1-2,3-4',
  'expected "]" to close the ranges of "foo" at 4',
  4,
  '[',
  CUSTOM,
);
test(
  'range end before begin',
  rejects,
  'ports:[2-1]',
  'range "2-1" in "ports" ends before it begins at 7',
  7,
  '2-1',
);
test(
  'second range end before begin',
  rejects,
  'ports:[1-2,5-3]',
  'range "5-3" in "ports" ends before it begins at 11',
  11,
  '5-3',
);
test(
  'spaced range end before begin',
  rejects,
  'ports:[1-2, 9 - 3 ]',
  'range "9 - 3" in "ports" ends before it begins at 12',
  12,
  '9 - 3',
);
test(
  'not a range',
  rejects,
  'ports:[1-2,x]',
  'invalid range "x" in "ports" (expected begin-end) at 11',
  11,
  'x',
);
test(
  'a single number',
  rejects,
  'ports:[80]',
  'invalid range "80" in "ports" (expected begin-end) at 7',
  7,
  '80',
);
test('empty ranges', rejects, 'ports:[]', 'invalid range "" in "ports" (expected begin-end) at 7', 7, '');
test(
  'trailing comma in ranges',
  rejects,
  'ports:[1-2,]',
  'invalid range "" in "ports" (expected begin-end) at 11',
  11,
  '',
);
test(
  'negative range bound',
  rejects,
  'ports:[-1-2]',
  'invalid range "-1-2" in "ports" (expected begin-end) at 7',
  7,
  '-1-2',
);
test(
  'fractional range bound',
  rejects,
  'ports:[1.5-2]',
  'invalid range "1.5-2" in "ports" (expected begin-end) at 7',
  7,
  '1.5-2',
);
test(
  'nested brackets',
  rejects,
  'ports:[[1-2]]',
  'invalid range "[1-2]" in "ports" (expected begin-end) at 7',
  7,
  '[1-2]',
);
test(
  'range too large',
  rejects,
  'ports:[1-99999999999999999]',
  'range "1-99999999999999999" in "ports" is too large at 7',
  7,
  '1-99999999999999999',
);

// Sets.
test('unclosed {', rejects, 'foo:{a,b', 'expected "}" to close the set of "foo" at 4', 4, '{', CUSTOM);
test('empty set', rejects, 'foo:{}', 'invalid set item "" in "foo" at 5', 5, '', CUSTOM);
test('empty set item', rejects, 'foo:{a,,b}', 'invalid set item "" in "foo" at 7', 7, '', CUSTOM);
test('set item with a space', rejects, 'foo:{a b}', 'invalid set item "a b" in "foo" at 5', 5, 'a b', CUSTOM);
test('nested set', rejects, 'foo:{a,{b}}', 'invalid set item "{b}" in "foo" at 7', 7, '{b}', CUSTOM);
test(
  'set item with a bracket',
  rejects,
  'foo:{a,b]}',
  'invalid set item "b]" in "foo" at 7',
  7,
  'b]',
  CUSTOM,
);

// Roles.
test(
  'unclosed (',
  rejects,
  'cpus(analytics:2',
  'expected ")" to close the role in "cpus(analytics" at 0',
  0,
  'cpus(analytics',
);
test(
  'text after the role',
  rejects,
  'cpus(a)x:1',
  'expected ")" to close the role in "cpus(a)x" at 0',
  0,
  'cpus(a)x',
);
test('empty role', rejects, 'cpus():1', 'invalid role "": a role must not be empty at 5', 5, '');
test(
  'role starting with a dash',
  rejects,
  'cpus(-a):1',
  'invalid role "-a": a role component must not start with "-" at 5',
  5,
  '-a',
);
test(
  'spaced role',
  rejects,
  'mem:1;cpus( -a ):1',
  'invalid role "-a": a role component must not start with "-" at 12',
  12,
  '-a',
);
test(
  'role with a leading slash',
  rejects,
  'cpus(/a):1',
  'invalid role "/a": a role must not start or end with "/" at 5',
  5,
  '/a',
);
test(
  'role with a double slash',
  rejects,
  'cpus(a//b):1',
  'invalid role "a//b": a role must not contain "//" at 5',
  5,
  'a//b',
);
test(
  'role with a dot component',
  rejects,
  'cpus(a/.):1',
  'invalid role "a/.": a role component must not be "." at 5',
  5,
  'a/.',
);
test(
  'role with a star component',
  rejects,
  'cpus(a/*):1',
  'invalid role "a/*": a role component must not be "*" at 5',
  5,
  'a/*',
);
test(
  'role with a space',
  rejects,
  'cpus(a b):1',
  'invalid role "a b": a role must not contain whitespace or backspace at 5',
  5,
  'a b',
);

test('the first error wins', (t) => {
  const r = parseResources('cpu:1;mem:x;ports:5');
  t.false(r.ok);
  if (!r.ok) t.is(r.error.position, 0);
});
