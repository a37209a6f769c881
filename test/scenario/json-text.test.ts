/**
 * Scenario text: JSON syntax errors with line:column, duplicate keys, and the JSON checker
 * agreeing with JSON.parse on what is valid.
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { formatScenarioError } from '../../src/scenario/issues.js';
import { lineColumn, scanJson } from '../../src/scenario/json-text.js';
import { LIMITS } from '../../src/scenario/schema.js';
import { loadScenarioText } from '../../src/scenario/validate.js';
import { ISSUE_EXAMPLE } from './fixtures.js';

function errors(text: string): string[] {
  const r = loadScenarioText(text, 'x.json');
  return r.ok ? [] : r.error.map(formatScenarioError);
}

const syntax = test.macro<[text: string, expected: string]>({
  exec(t, text, expected) {
    t.deepEqual(errors(text), [expected]);
  },
  title: (provided = '') => `JSON syntax: ${provided}`,
});

test(
  'a trailing comma, at the comma',
  syntax,
  '{\n  "name": "x",\n  "until": 10,\n}',
  'x.json:3:14: invalid JSON: trailing comma before "}" is not allowed in JSON',
);
test(
  'a trailing comma in an array',
  syntax,
  '{"a": [1, 2,]}',
  'x.json:1:12: invalid JSON: trailing comma before "]" is not allowed in JSON',
);
test(
  'a missing comma',
  syntax,
  '{\n  "name": "x"\n  "until": 10\n}',
  'x.json:3:3: invalid JSON: expected "," or "}" after the value of "name"',
);
test(
  'a missing comma in an array',
  syntax,
  '{"a": [1 2]}',
  'x.json:1:10: invalid JSON: expected "," or "]" after an array item',
);
test(
  'an unterminated string, at its start',
  syntax,
  '{\n  "name": "x,\n  "until": 10\n}',
  'x.json:2:11: invalid JSON: unterminated string (a string cannot hold a line break; write \\n)',
);
test('a string cut off by the end', syntax, '{"name": "x', 'x.json:1:10: invalid JSON: unterminated string');
test(
  'a comment',
  syntax,
  '{\n  // the run\n  "name": "x"\n}',
  'x.json:2:3: invalid JSON: expected a property name in double quotes, got "/"',
);
test(
  'a comment before the value',
  syntax,
  '/* run */ {}',
  'x.json:1:1: invalid JSON: comments are not allowed in JSON',
);
test('empty input', syntax, ' \n ', 'x.json:2:2: invalid JSON: empty input (expected a JSON object)');
test(
  'single quotes',
  syntax,
  "{'name': 'x'}",
  'x.json:1:2: invalid JSON: expected a property name in double quotes, got "\'"',
);
test(
  'a single-quoted value',
  syntax,
  '{"name": \'x\'}',
  'x.json:1:10: invalid JSON: strings must be in double quotes',
);
test(
  'an unquoted key',
  syntax,
  '{name: "x"}',
  'x.json:1:2: invalid JSON: property names must be in double quotes, got name',
);
test('a leading zero', syntax, '{"until": 010}', 'x.json:1:11: invalid JSON: invalid number "010"');
test('NaN', syntax, '{"until": NaN}', 'x.json:1:11: invalid JSON: unexpected word "NaN" (expected a value)');
test(
  'a missing colon',
  syntax,
  '{"until" 10}',
  'x.json:1:10: invalid JSON: expected ":" after the property name "until"',
);
test(
  'a bad escape',
  syntax,
  '{"name": "a\\qb"}',
  'x.json:1:12: invalid JSON: invalid escape "\\q" in a string',
);
test(
  'text after the value',
  syntax,
  '{} {}',
  'x.json:1:4: invalid JSON: unexpected text after the end of the JSON value',
);
test(
  'a tab inside a string',
  syntax,
  '{"name": "a\tb"}',
  'x.json:1:12: invalid JSON: control character in a string (write it as an escape such as \\t)',
);
test(
  'nesting too deep',
  syntax,
  `${'['.repeat(300)}${']'.repeat(300)}`,
  'x.json:1:257: invalid JSON: nested deeper than 256 levels',
);

test('a duplicate key is an error at its path, with both positions', (t) => {
  const text = ISSUE_EXAMPLE.replace('"duration": 60', '"duration": 60,\n "duration": 30');
  t.deepEqual(errors(text), [
    'frameworks[0].jobs[0].duration: duplicate key at 7:2 (first at 6:78); give each key once',
  ]);
});

test('duplicate keys are reported along with validation errors', (t) => {
  const text = ISSUE_EXAMPLE.replace('"seed": 1,', '"seed": 1, "seed": -1,');
  t.deepEqual(errors(text), [
    'seed: duplicate key at 1:35 (first at 1:24); give each key once',
    'seed: must be at least 0, got -1',
  ]);
});

test('the same key in different objects is fine', (t) => {
  t.deepEqual(scanJson('{"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 1}, {"x": 2}]}', 10).duplicates, []);
});

test('a byte-order mark is ignored', (t) => {
  t.true(loadScenarioText(`\uFEFF${ISSUE_EXAMPLE}`, 'x.json').ok);
});

test('text over the size limit is refused before parsing', (t) => {
  const r = loadScenarioText(' '.repeat(LIMITS.textChars + 1), 'big.json');
  t.deepEqual(r.ok ? [] : r.error.map(formatScenarioError), [
    `big.json: is ${LIMITS.textChars + 1} characters long, more than the limit of ${LIMITS.textChars}`,
  ]);
});

test('lineColumn counts from 1, lines split at \\n', (t) => {
  const text = 'ab\ncd\r\nef';
  t.deepEqual(lineColumn(text, 0), { line: 1, column: 1 });
  t.deepEqual(lineColumn(text, 3), { line: 2, column: 1 });
  t.deepEqual(lineColumn(text, 5), { line: 2, column: 3 });
  t.deepEqual(lineColumn(text, 7), { line: 3, column: 1 });
});

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

testProp(
  'any JSON text passes the checker',
  [fc.json({ maxDepth: 4 })],
  (t, text) => {
    t.is(scanJson(text, 10).syntax, undefined);
  },
  { numRuns: 300 },
);

testProp(
  'after one character is deleted, inserted or replaced, the checker fails exactly when JSON.parse does',
  [
    fc.json({ maxDepth: 3 }).filter((s) => s.length > 0),
    fc.nat(),
    fc.constantFrom('del', 'ins', 'rep'),
    fc.constantFrom(...'{}[]:,"\\ 0-1.eE+tfnl/\n'.split('')),
  ],
  (t, text, at, op, c) => {
    const i = at % text.length;
    const mutated =
      op === 'del'
        ? text.slice(0, i) + text.slice(i + 1)
        : op === 'ins'
          ? text.slice(0, i) + c + text.slice(i)
          : text.slice(0, i) + c + text.slice(i + 1);
    const scan = scanJson(mutated, 10);
    t.is(scan.syntax === undefined, parses(mutated), JSON.stringify(mutated));
    if (scan.syntax !== undefined) t.true(scan.syntax.offset >= 0 && scan.syntax.offset <= mutated.length);
  },
  { numRuns: 1000 },
);
