/** Task states (shared/reference/mesos.md §5.1), id formats (§2.10) and container ids. */
import test from 'ava';
import { containerId, newAgentId, newFrameworkId, newOfferId } from '../../../src/core/messages/ids.js';
import { DECODE_LIMITS } from '../../../src/core/messages/limits.js';
import { isTerminalState, TASK_STATES, type TaskState } from '../../../src/core/messages/task-state.js';

// The table of mesos.md §5.1, restated independently.
const TERMINAL: Readonly<Record<TaskState, boolean>> = {
  TASK_STAGING: false,
  TASK_STARTING: false,
  TASK_RUNNING: false,
  TASK_KILLING: false,
  TASK_FINISHED: true,
  TASK_FAILED: true,
  TASK_KILLED: true,
  TASK_ERROR: true,
  TASK_LOST: true,
  TASK_DROPPED: true,
  TASK_UNREACHABLE: false,
  TASK_GONE: true,
  TASK_GONE_BY_OPERATOR: true,
  TASK_UNKNOWN: false,
};

test('TASK_STATES lists the 14 states of the proto, once each', (t) => {
  t.is(TASK_STATES.length, 14);
  t.is(new Set(TASK_STATES).size, 14);
  t.deepEqual([...TASK_STATES].sort(), Object.keys(TERMINAL).sort());
});

for (const state of TASK_STATES) {
  test(`isTerminalState(${state}) is ${TERMINAL[state]}`, (t) => {
    t.is(isTerminalState(state), TERMINAL[state]);
  });
}

test('ids are formatted as Mesos formats them', (t) => {
  const master = '130ae4e3-6b13-4ef4-baa9-9f2e85c3e9af';
  t.deepEqual(newFrameworkId(master, 0), { value: `${master}-0000` });
  t.deepEqual(newFrameworkId(master, 42), { value: `${master}-0042` });
  t.deepEqual(newFrameworkId(master, 12345), { value: `${master}-12345` });
  t.deepEqual(newOfferId(master, 7), { value: `${master}-O7` });
  t.deepEqual(newAgentId(master, 3), { value: `${master}-S3` });
});

function nested(depth: number): unknown {
  let id: unknown = { value: 'c0' };
  for (let i = 1; i <= depth; i++) id = { value: `c${i}`, parent: id };
  return id;
}

test('container ids nest through parent, up to the limit', (t) => {
  t.deepEqual(containerId({ value: 'b', parent: { value: 'a', parent: null } }, 'c'), {
    ok: true,
    value: { value: 'b', parent: { value: 'a' } },
  });
  t.true(containerId(nested(DECODE_LIMITS.maxContainerIdDepth), 'c').ok);
  const tooDeep = containerId(nested(DECODE_LIMITS.maxContainerIdDepth + 1), 'c');
  t.deepEqual(tooDeep, {
    ok: false,
    error: { path: `c${'.parent'.repeat(33)}`, message: 'nested more than 32 containers deep' },
  });
  t.deepEqual(containerId({ value: 'b', parent: { value: 1 } }, 'c'), {
    ok: false,
    error: { path: 'c.parent.value', message: 'expected string' },
  });
});
