/**
 * The agent's checkpoint format and the simulated runner's reattachment to commands that ran on
 * while their agent was down (Mesos slave_recovery_tests; docs/agent-recovery.md).
 */
import test from 'ava';
import { parseCheckpoint } from '../../src/agent/checkpoint.js';
import type { CommandLaunch } from '../../src/agent/command-runner.js';
import type { Env, TimerId } from '../../src/core/process.js';
import type { Wire } from '../../src/core/wire.js';
import { SimCommandRunner } from '../../src/runtime/sim/sim-command-runner.js';

/** An env whose clock the test sets; it records the timers set on it. */
function fakeEnv(nowMs: number): { env: Env<Wire>; timers: Map<TimerId, number> } {
  const timers = new Map<TimerId, number>();
  let next = 1;
  const env: Env<Wire> = {
    self: 'agent-0',
    now: () => nowMs,
    send: () => {},
    setTimer: (delayMs) => {
      const id = next++;
      timers.set(id, delayMs);
      return id;
    },
    cancelTimer: (id) => {
      timers.delete(id);
    },
    random: () => 0.5,
    trace: () => {},
    tracing: false,
  };
  return { env, timers };
}

const launch = (value: string): CommandLaunch => ({
  frameworkId: 'fw',
  taskId: 't',
  command: { value },
  environment: {},
  sandbox: '/s',
  user: 'u',
});

test('a reattached command ends when it would have: later, or at once if that has passed', (t) => {
  const runner = new SimCommandRunner();
  const early = fakeEnv(4000);
  t.true(runner.recover(early.env, launch('sleep 10'), { startedAtMs: 0, kill: undefined }).ok);
  t.deepEqual([...early.timers.values()], [6000]);
  const late = fakeEnv(12_000);
  runner.recover(late.env, launch('sleep 10; exit 3'), { startedAtMs: 0, kill: undefined });
  t.deepEqual([...late.timers.values()], [0]);
  const [id] = [...late.timers.keys()];
  const report = runner.onTimer(late.env, 'sim-command-exit', id as TimerId);
  t.like(report, { kind: 'report', value: { termination: { kind: 'exited', code: 3 } } });
  const forever = fakeEnv(50_000);
  runner.recover(forever.env, launch('sleep infinity'), { startedAtMs: 0, kill: undefined });
  t.is(forever.timers.size, 0, 'a command that never ends sets no timer');
});

test('a command killed before the crash ends as the kill said, counted from the kill', (t) => {
  const runner = new SimCommandRunner({ sigtermExitDelayMs: 60_000 });
  const { env, timers } = fakeEnv(7000);
  // SIGTERM at 5 s does not kill it within the 3 s grace: SIGKILL at 8 s, 1 s from now.
  runner.recover(env, launch('sleep 100'), { startedAtMs: 0, kill: { atMs: 5000, graceMs: 3000 } });
  const [id] = [...timers.keys()];
  t.deepEqual([...timers.values()], [1000]);
  t.like(runner.onTimer(env, 'sim-command-exit', id as TimerId), {
    kind: 'report',
    value: { termination: { kind: 'signaled', signal: 'SIGKILL' } },
  });
  const quick = new SimCommandRunner();
  const again = fakeEnv(7000);
  quick.recover(again.env, launch('sleep 100'), { startedAtMs: 0, kill: { atMs: 5000, graceMs: 3000 } });
  t.deepEqual([...again.timers.values()], [0], 'a command that dies of SIGTERM died at 5 s');
});

test('a checkpoint the agent cannot read is an error naming the problem', (t) => {
  t.throws(() => parseCheckpoint('{"version":1'), { message: /^agent checkpoint: not JSON/u });
  t.throws(() => parseCheckpoint('{"version":2}'), {
    message: 'agent checkpoint: expected an object with version 1',
  });
  t.throws(() => parseCheckpoint('{"version":1,"agentId":7,"frameworks":[]}'), {
    message: /expected agentId \(a string\)/u,
  });
  t.is(parseCheckpoint('{"version":1,"agentId":"S1","frameworks":[]}').agentId, 'S1');
});
