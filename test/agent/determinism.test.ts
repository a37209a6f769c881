/** Same seed, same trace; the agent draws all its randomness from its env. */
import test from 'ava';
import type { StatusUpdate } from '../../src/core/messages/agent-protocol.js';
import { commandTask, executorTask, newWorld, SimLauncher, setup } from './harness.js';

function scenario(seed: number): string[] {
  const world = newWorld(seed, { latencyMsMax: 30, lossProbability: 0.1, duplicateProbability: 0.05 });
  const launcher = new SimLauncher(world);
  const { master } = setup(
    world,
    { ack: (u) => u.update.status.state !== 'TASK_STARTING' || u.at > 30_000 },
    {
      executorLauncher: launcher,
    },
  );
  world.at(5000, () => {
    const id = master().agentId ?? 'none';
    master().runTask(commandTask('c1', 'sleep 20', id));
    master().runTask(commandTask('c2', 'sleep 3; exit 1', id));
    master().runTask(commandTask('c3', 'sleep infinity', id));
    master().runTask(executorTask('e-task', 'e1', id));
  });
  world.at(40_000, () =>
    master().send({ type: 'KILL_TASK', framework_id: { value: 'fw-1' }, task_id: { value: 'c3' } }),
  );
  world.at(100_000, () => {
    master().pinging = false;
  });
  world.at(300_000, () => {
    const last = master().updates().at(-1)?.update as StatusUpdate | undefined;
    if (last !== undefined) master().acknowledge(last);
  });
  world.runUntil(600_000);
  return world.traceLines();
}

test('the same seed gives a byte-identical trace', (t) => {
  const a = scenario(42);
  const b = scenario(42);
  t.true(a.length > 50);
  t.deepEqual(a, b);
});

test('another seed gives another trace', (t) => {
  t.notDeepEqual(scenario(42), scenario(43));
});
