/**
 * `agora chaos --masters 3`: the masters' faults are drawn from the seed, the leader invariants
 * hold for correct masters, and a planted bug (a master that ignores losing its session) is
 * caught by them.
 */
import test from 'ava';
import { emptyRegistry } from '../../../../src/master/registry.js';
import { drawHaFaults, HA_FAULT_KINDS, runHaChaos } from '../../../../src/runtime/sim/ha-chaos.js';
import { LeaderChecker, type LeaderView } from '../../../../src/runtime/sim/invariants.js';

test('the masters’ faults are a function of the seed, and seeds draw every kind', (t) => {
  t.deepEqual(drawHaFaults(11, 300, 3), drawHaFaults(11, 300, 3));
  t.notDeepEqual(drawHaFaults(11, 300, 3), drawHaFaults(12, 300, 3));
  const kinds = new Set(
    Array.from({ length: 20 }, (_, i) => drawHaFaults(i + 1, 300, 3))
      .flat()
      .map((f) => f.kind),
  );
  t.deepEqual([...kinds].sort(), [...HA_FAULT_KINDS].sort());
});

test('three correct masters keep the leader invariants through leader crashes, partitions, expiries and service crashes', (t) => {
  let changes = 0;
  for (const seed of [1, 3, 4, 6, 7, 46, 151]) {
    const r = runHaChaos(seed, 5, { masters: 3 });
    t.is(r.violation, undefined, `seed ${seed}: ${JSON.stringify(r.violation)}`);
    t.deepEqual(r.problems, [], `seed ${seed}`);
    t.true(r.leaderChecks > 1000, `seed ${seed} checked ${r.leaderChecks} master sends`);
    changes += r.leaderChanges;
  }
  t.true(changes >= 10, `${changes} leader changes in seven seeds`);
});

test('planted bug: a master that ignores losing its session is caught acting as a deposed leader', (t) => {
  const caught = [1, 3, 4, 5, 8, 9].map((seed) =>
    runHaChaos(seed, 5, { masters: 3, plant: { ignoreDeposition: true } }),
  );
  for (const r of caught) {
    t.is(r.violation?.invariant, 'deposed-leader-acted', `seed ${r.seed}: ${JSON.stringify(r.violation)}`);
    t.regex(
      r.violation?.detail ?? '',
      /^master-\d \(epoch \d+\) sent \w+ to [\w-]+, but master-\d leads with epoch \d+$/,
    );
  }
  const same = runHaChaos(1, 5, { masters: 3, plant: { ignoreDeposition: true } });
  t.deepEqual(same.violation, caught[0]?.violation, 'the finding replays from the seed');
});

test('planted bug: a master that takes an unapplied registry write as done loses an acknowledged agent', (t) => {
  // In seed 92 a registry write admitting an agent fails while the leader still holds its
  // lease; the buggy master tells the agent it is admitted anyway, and the next leader's
  // registry does not have it.
  const r = runHaChaos(92, 5, { masters: 3, plant: { acknowledgeUnwritten: true } });
  t.is(r.violation?.invariant, 'acknowledged-lost', JSON.stringify(r.violation));
  t.regex(r.violation?.detail ?? '', /recovered a registry without acknowledged agents \[[\w-]+\]/u);
  const correct = runHaChaos(92, 5, { masters: 3 });
  t.is(correct.violation, undefined, 'correct masters pass the same seed');
  t.deepEqual(correct.problems, []);
});

/** A hand-driven view: one group, one registry. */
function view(state: {
  leader?: { address: string; epoch: number };
  epochs: Record<string, number>;
  registry?: string;
}): LeaderView {
  return {
    isMaster: (a) => a.startsWith('master-'),
    groupLeader: () => state.leader,
    epochOf: (a) => state.epochs[a],
    registryText: () => state.registry,
  };
}

test('the leader checker: same epoch twice, and an acknowledged agent missing from the next registry', (t) => {
  const state: Parameters<typeof view>[0] = {
    leader: { address: 'master-1', epoch: 0 },
    epochs: { 'master-1': 0 },
  };
  const registered = {
    channel: 'agent',
    message: { type: 'AGENT_REGISTERED', agent_id: { value: 'A1' } },
  } as const;
  const checker = new LeaderChecker(view(state));
  checker.sent('master-1', 'agent-0', registered, 10);
  checker.sent('scheduler-F0', 'master', { channel: 'link', exited: 'x' }, 11);
  t.is(checker.checks, 1, 'only masters’ sends are checked');
  state.registry = JSON.stringify(emptyRegistry());
  checker.elected('master-2', 2, 20);
  t.is(checker.violation?.invariant, 'acknowledged-lost');
  t.regex(checker.violation?.detail ?? '', /without acknowledged agents \[A1\]/u);

  const twice = new LeaderChecker(view(state));
  twice.sent('master-1', 'agent-0', registered, 10);
  state.leader = { address: 'master-3', epoch: 0 };
  state.epochs['master-3'] = 0;
  twice.sent('master-3', 'agent-0', registered, 12);
  t.is(twice.violation?.invariant, 'two-leaders-one-epoch');
});
