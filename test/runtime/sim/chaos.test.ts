/**
 * Deterministic simulation testing: a short fixed slice of chaos seeds must pass (CI runs it),
 * a seed replays exactly, and the checker catches the violations it is there to catch.
 */
import test from 'ava';
import type { Wire } from '../../../src/core/wire.js';
import { chaosScenario, runChaos } from '../../../src/runtime/sim/chaos.js';
import { InvariantChecker } from '../../../src/runtime/sim/invariants.js';
import { runCli } from '../../cli/helpers.js';

test('a fixed slice of chaos seeds passes: no invariant broken, views converge once faults heal', (t) => {
  for (let seed = 1; seed <= 6; seed++) {
    const r = runChaos(seed, 3);
    t.is(r.violation, undefined, `seed ${seed}: ${JSON.stringify(r.violation)}`);
    t.deepEqual(r.problems, [], `seed ${seed}`);
    t.true(r.checks > 1000, `seed ${seed} checked every event (${r.checks})`);
  }
});

test('a chaos seed replays exactly; --message-loss and --reorder change only their knob', (t) => {
  t.deepEqual(runChaos(4, 2), runChaos(4, 2));
  const plain = chaosScenario(9, 5);
  const harsh = chaosScenario(9, 5, { messageLoss: true, reorder: true });
  t.true(harsh.network?.loss !== 0 || harsh.network?.reorder === true, 'seed 9 draws one of them');
  t.deepEqual({ ...harsh, network: { ...harsh.network, loss: 0, reorder: false } }, plain);
});

const update = (uuid: string, state: 'TASK_FINISHED' | 'TASK_FAILED'): Wire => ({
  channel: 'agent',
  message: {
    type: 'STATUS_UPDATE',
    update: {
      framework_id: { value: 'F' },
      agent_id: { value: 'S0' },
      status: { task_id: { value: 't1' }, state, uuid },
      timestamp: 1,
      uuid,
    },
  },
});

test('the checker catches an acknowledged update sent again', (t) => {
  const checker = new InvariantChecker();
  checker.sent('agent-0', 'master', update('u1', 'TASK_FINISHED'), 10);
  checker.delivered(
    'master',
    'agent-0',
    {
      channel: 'agent',
      message: {
        type: 'STATUS_UPDATE_ACKNOWLEDGEMENT',
        agent_id: { value: 'S0' },
        framework_id: { value: 'F' },
        task_id: { value: 't1' },
        uuid: 'u1',
      },
    },
    20,
  );
  t.is(checker.violation, undefined, 'a send before the acknowledgement is a retry, not a violation');
  checker.sent('agent-0', 'master', update('u1', 'TASK_FINISHED'), 30);
  t.is(checker.violation?.invariant, 'acknowledged-resent');
  t.is(checker.violation?.atMs, 30);
});

test('the checker catches a task reported in two terminal states', (t) => {
  const checker = new InvariantChecker();
  checker.sent('agent-0', 'master', update('u1', 'TASK_FINISHED'), 10);
  checker.sent('agent-0', 'master', update('u2', 'TASK_FINISHED'), 11);
  t.is(checker.violation, undefined, 'the same terminal state twice is at-least-once delivery');
  checker.sent('agent-0', 'master', update('u3', 'TASK_FAILED'), 12);
  t.is(checker.violation?.invariant, 'one-terminal-state');
});

test('agora chaos prints one line per seed and the total; bad flags are refused', async (t) => {
  const r = await runCli('chaos', '--seeds', '2', '--minutes', '1', '--quiet');
  t.is(r.code, 0, r.out + r.err);
  t.regex(r.out, /^seed 2: ok \(\d+ agents, /u);
  t.regex(r.out, /1 of 1 seeds passed\n$/u);
  const bad = await runCli('chaos', '--minutes', '0');
  t.is(bad.code, 2);
  t.regex(bad.err, /--minutes: expected simulated minutes/u);
});
