import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { roleProblem, UNRESERVED_ROLE } from '../../src/core/roles.js';
import { arbRole } from './arbitraries.js';

/** A role spelled for a test title, control characters escaped. */
const show = (role: string): string => JSON.stringify(role).replaceAll('\x7f', '\\x7f');

const EMPTY = 'a role must not be empty';
const EDGE_SLASH = 'a role must not start or end with "/"';
const DOUBLE_SLASH = 'a role must not contain "//"';
const DASH = 'a role component must not start with "-"';
const SPACE = 'a role must not contain whitespace or backspace';

test('the unreserved role is "*" and is valid', (t) => {
  t.is(UNRESERVED_ROLE, '*');
  t.is(roleProblem('*'), undefined);
});

for (const role of [
  'a',
  'analytics',
  'eng/frontend',
  'a/b/c',
  '.a',
  'a.',
  '..a',
  'a-',
  'a-b',
  '*a',
  'a*',
  '_',
  'ünïcödé',
  'a/*b',
]) {
  test(`valid role ${show(role)}`, (t) => {
    t.is(roleProblem(role), undefined);
  });
}

const invalid: readonly (readonly [string, string])[] = [
  ['', EMPTY],
  ['/', EDGE_SLASH],
  ['/a', EDGE_SLASH],
  ['a/', EDGE_SLASH],
  ['a//b', DOUBLE_SLASH],
  ['.', 'a role component must not be "."'],
  ['..', 'a role component must not be ".."'],
  ['a/./b', 'a role component must not be "."'],
  ['a/..', 'a role component must not be ".."'],
  ['a/*', 'a role component must not be "*"'],
  ['*/a', 'a role component must not be "*"'],
  ['-a', DASH],
  ['a/-b', DASH],
  ['a b', SPACE],
  [' a', SPACE],
  ['a\tb', SPACE],
  ['a\nb', SPACE],
  ['a\rb', SPACE],
  ['a\vb', SPACE],
  ['a\fb', SPACE],
  ['a\bb', SPACE],
  // Mesos's INVALID_CHARACTERS end with \x7f, which src/common/roles.cpp calls "backspace (del)".
  ['a\x7fb', SPACE],
  ['eng/a\x7f', SPACE],
];

for (const [role, problem] of invalid) {
  test(`invalid role ${show(role)}`, (t) => {
    t.is(roleProblem(role), problem);
  });
}

testProp('arbRole only builds valid roles', [arbRole()], (t, role) => {
  t.is(roleProblem(role), undefined);
  t.not(role, UNRESERVED_ROLE);
});

// Strings over the characters the rules care about.
const arbRoleLike = fc.string({
  unit: fc.constantFrom('a', 'b', '.', '-', '*', '/', ' ', '\t', '\b', '\x7f'),
  maxLength: 6,
});

testProp(
  'a/b is valid exactly when a and b are valid and neither is "*"',
  [arbRoleLike, arbRoleLike],
  (t, a, b) => {
    const valid = (r: string): boolean => roleProblem(r) === undefined && r !== UNRESERVED_ROLE;
    t.is(roleProblem(`${a}/${b}`) === undefined, valid(a) && valid(b));
  },
  { numRuns: 1000 },
);

testProp(
  'a role with whitespace or a backspace is never valid',
  [arbRoleLike, fc.constantFrom(' ', '\t', '\n', '\b', '\x7f'), arbRoleLike],
  (t, before, bad, after) => {
    t.not(roleProblem(`${before}${bad}${after}`), undefined);
  },
);

testProp('every component of a valid hierarchical role is itself a valid role', [arbRoleLike], (t, role) => {
  if (roleProblem(role) !== undefined || role === UNRESERVED_ROLE) return t.pass();
  for (const part of role.split('/')) {
    t.is(roleProblem(part), undefined);
    t.not(part, UNRESERVED_ROLE);
  }
});
