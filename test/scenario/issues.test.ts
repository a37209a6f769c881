/** "Did you mean" hints, paths and error formatting. */
import test from 'ava';
import {
  closest,
  describe,
  formatScenarioError,
  hint,
  joinIndex,
  joinKey,
} from '../../src/scenario/issues.js';

const KEYS = ['name', 'at', 'arrival', 'tasks', 'resources', 'duration', 'failRate'];

test('close misspellings find their key', (t) => {
  t.is(closest('durration', KEYS), 'duration');
  t.is(closest('Duration', KEYS), 'duration');
  t.is(closest('resource', KEYS), 'resources');
  t.is(closest('fail_rate', KEYS), 'failRate');
  t.is(closest('task', KEYS), 'tasks');
  t.is(closest('arival', KEYS), 'arrival');
});

test('unrelated words find nothing', (t) => {
  t.is(closest('colour', KEYS), undefined);
  t.is(closest('x', KEYS), undefined);
  t.is(closest('C', ['A', 'B']), undefined);
  t.is(closest('start', KEYS), undefined);
});

test('hint: a suggestion, or the list', (t) => {
  t.is(hint('nmae', KEYS), '(did you mean "name"?)');
  t.is(hint('zzz', ['a', 'b']), '(expected one of a, b)');
});

test('paths', (t) => {
  t.is(joinKey('', 'frameworks'), 'frameworks');
  t.is(joinIndex(joinKey('', 'frameworks'), 1), 'frameworks[1]');
  t.is(joinKey('frameworks[1]', 'jobs'), 'frameworks[1].jobs');
  t.is(joinKey('network', 'max latency'), 'network["max latency"]');
  t.is(joinIndex('', 0), '[0]');
});

test('format and describe', (t) => {
  t.is(formatScenarioError({ path: 'until', message: 'missing (required)' }), 'until: missing (required)');
  t.is(describe('x'.repeat(100)), `"${'x'.repeat(36)}..."`);
  t.is(describe(null), 'null');
  t.is(describe([1]), 'an array');
  t.is(describe({}), 'an object');
  t.is(describe(true), 'true');
});
