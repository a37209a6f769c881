/**
 * Master crash and restart in the simulated world: the registry on the master's disk brings
 * back what Mesos's registry does, the agents and frameworks find the new master, and tasks
 * survive (mesos.md §7.3; fault_tolerance_tests MasterFailover, FrameworkReregister).
 */
import test from 'ava';
import { isTerminalState } from '../../../src/core/messages/task-state.js';
import type { Master } from '../../../src/master/master.js';
import {
  emptyRegistry,
  parseRegistry,
  REGISTRY_KEY,
  type RegistryDocument,
} from '../../../src/master/registry.js';
import { ScenarioRun } from '../../../src/runtime/sim/scenario-run.js';
import type { FaultInput, ScenarioFile } from '../../../src/scenario/schema.js';
import { validateScenario } from '../../../src/scenario/validate.js';

function scenario(faults: FaultInput[], extra: Partial<ScenarioFile> = {}): ScenarioRun {
  const file: ScenarioFile = {
    name: 'failover',
    seed: 7,
    until: 1800,
    master: { agentPingTimeout: 2, maxAgentPingTimeouts: 3 },
    agents: [{ count: 3, resources: 'cpus:4;mem:8192' }],
    frameworks: [
      {
        name: 'A',
        failoverTimeout: 600,
        reconcileInterval: 60,
        jobs: [{ at: 1, tasks: 6, resources: 'cpus:1;mem:1024', duration: 900 }],
      },
    ],
    faults,
    ...extra,
  };
  const v = validateScenario(file);
  if (!v.ok) throw new Error(JSON.stringify(v.error));
  return new ScenarioRun(v.value, { trace: 'memory' });
}

const masterOf = (run: ScenarioRun) => run.world.instance('master') as Master;
const registryOf = (run: ScenarioRun): RegistryDocument => {
  const text = run.world.diskContents('master').get(REGISTRY_KEY);
  if (text === undefined) throw new Error('no registry on the master disk');
  const doc = parseRegistry(text);
  if (typeof doc === 'string') throw new Error(doc);
  return doc;
};
const liveTasks = (run: ScenarioRun) =>
  masterOf(run)
    .state()
    .frameworks.flatMap((f) => f.tasks.filter((t) => !isTerminalState(t.state)).map((t) => t.id))
    .sort();

test('a restarted master recovers its registry; agents reregister and running tasks carry on', (t) => {
  const run = scenario([{ kind: 'master-crash', at: 120, restartAfter: 10 }]);
  run.advance(110_000);
  const before = liveTasks(run);
  const oldMaster = masterOf(run).masterId;
  const written = registryOf(run);
  t.is(Object.keys(written.admitted).length, 3, 'three agents admitted before the crash');
  t.is(written.frameworks.length, 1);
  t.is(before.length, 6);

  run.advance(125_000);
  t.is(run.world.status('master'), 'crashed');
  run.advance(400_000);
  const master = masterOf(run);
  t.not(master.masterId, oldMaster, 'a new master incarnation');
  const state = master.state();
  t.is(state.slaves.length, 3, 'every agent reregistered with the new master');
  t.deepEqual(
    liveTasks(run),
    before,
    'the tasks kept running and the new master learnt them from the agents',
  );
  t.true(state.frameworks[0]?.active, 'the framework resubscribed with its id');
  t.deepEqual(Object.keys(registryOf(run).admitted).sort(), Object.keys(written.admitted).sort());
  const recoveries = run.world.traceLines().filter((l) => l.includes('"master.registry-recovered"'));
  t.is(recoveries.length, 2);
  t.regex(recoveries[1] ?? '', /"agents":3/u, 'the second master found three admitted agents');
});

test('an agent that does not come back within agent_reregister_timeout is marked unreachable in the registry', (t) => {
  const run = scenario(
    [
      { kind: 'agent-crash', at: 100, agent: 2 },
      { kind: 'master-crash', at: 101, restartAfter: 5 },
    ],
    { master: { agentPingTimeout: 2, maxAgentPingTimeouts: 3 } },
  );
  run.advance(400_000);
  const mid = registryOf(run);
  // The crashed agent was admitted before the crash and has not reregistered: still expected.
  t.is(Object.keys(mid.admitted).length, 3);
  run.advance(800_000);
  const after = registryOf(run);
  t.is(Object.keys(after.admitted).length, 2);
  t.is(Object.keys(after.unreachable).length, 1, 'the missing agent is unreachable after 10 minutes');
  t.is(masterOf(run).state().unreachable_slaves, 1);
});

test('a framework torn down before a master failover still cannot resubscribe after it', (t) => {
  const run = scenario([{ kind: 'master-crash', at: 200, restartAfter: 5 }], {
    frameworks: [
      {
        name: 'A',
        failoverTimeout: 1,
        jobs: [{ at: 1, tasks: 1, resources: 'cpus:1;mem:1024', duration: 30 }],
      },
      { name: 'B', jobs: [{ at: 1, tasks: 1, resources: 'cpus:1;mem:1024', duration: 900 }] },
    ],
    faults: [
      { kind: 'framework-crash', at: 50, framework: 'A' },
      { kind: 'master-crash', at: 200, restartAfter: 5 },
    ],
  });
  run.advance(150_000);
  const removed = registryOf(run).removedFrameworks;
  t.is(removed.length, 1, 'A was removed once its failover timeout passed');
  run.advance(400_000);
  const master = masterOf(run);
  t.false(
    master.state().frameworks.some((f) => f.id === removed[0]),
    'the new master did not take A back from the agents',
  );
});

test('quota limits are kept in the registry and hold across a failover, which waits for 80% of agents', (t) => {
  const run = scenario(
    [
      { kind: 'agent-crash', at: 100, agent: 2 },
      { kind: 'master-crash', at: 101, restartAfter: 5 },
    ],
    {
      frameworks: [
        {
          name: 'A',
          failoverTimeout: 600,
          reconcileInterval: 60,
          quota: { cpus: 3, mem: 8192 },
          jobs: [{ at: 1, tasks: 6, resources: 'cpus:1;mem:1024', duration: 900 }],
        },
      ],
    },
  );
  // What role A holds on the master, offered or in use, never exceeds its limit.
  let most = 0;
  for (let ms = 1000; ms <= 300_000; ms += 1000) {
    run.advance(ms);
    if (run.world.status('master') !== 'running') continue;
    const cpus = masterOf(run)
      .agentUsage()
      .reduce((n, a) => n + a.used.scalarMilli('cpus') + a.offered.scalarMilli('cpus'), 0);
    most = Math.max(most, cpus);
  }
  t.is(most, 3000, 'A reached its limit of 3 cpus and never went past it');
  t.deepEqual(registryOf(run).quotas, { A: { cpus: 3, mem: 8192 } });
  const lines = run.world.traceLines();
  t.true(
    lines.some((l) => l.includes('"master.allocation-paused"') && l.includes('"untilAgents":3')),
    'the restarted master waited for ceil(0.8 × 3) agents',
  );
  t.false(
    lines.some((l) => l.includes('"master.allocation-resumed"')),
    'one agent stays down, so only the 10-minute timeout can end the pause',
  );
  run.advance(800_000);
  t.true(run.world.traceLines().some((l) => l.includes('"master.allocation-resumed"')));
});

test('a registry written before quota existed still recovers; a bad quota is named', (t) => {
  const { quotas: _quotas, ...beforeQuota } = emptyRegistry();
  const old = JSON.stringify(beforeQuota);
  const doc = parseRegistry(old);
  t.deepEqual(typeof doc === 'string' ? doc : doc.quotas, {});
  t.is(
    parseRegistry(old.replace('"weights":{}', '"weights":{},"quotas":{"a":{"cpus":-1}}')),
    'quotas: expected an object of role → {resource name → amount >= 0}',
  );
});
