/**
 * Three masters in the simulated world, contending through the simulated coordination service:
 * one leads, agents and frameworks find it, and when it goes (crash, cut off from the service,
 * session expired) another takes over with a higher epoch, recovers the registry from the
 * service, and the agents' tasks carry on.
 */
import test from 'ava';
import { isTerminalState } from '../../../../src/core/messages/task-state.js';
import { parseRegistry, type RegistryDocument } from '../../../../src/master/registry.js';
import {
  REGISTRY_PATH,
  ZOOKEEPER_ADDRESS,
} from '../../../../src/runtime/sim/coordination/sim-coordination.js';
import { ScenarioRun } from '../../../../src/runtime/sim/scenario-run.js';
import type { ScenarioFile } from '../../../../src/scenario/schema.js';
import { validateScenario } from '../../../../src/scenario/validate.js';

function haRun(): ScenarioRun {
  const file: ScenarioFile = {
    name: 'ha',
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
  };
  const v = validateScenario(file);
  if (!v.ok) throw new Error(JSON.stringify(v.error));
  return new ScenarioRun(v.value, { trace: 'memory', ha: { masters: 3, sessionTimeoutMs: 6000 } });
}

const leaderOf = (run: ScenarioRun) => {
  const leader = run.ha?.leader();
  if (leader === undefined) throw new Error('no leader');
  return leader;
};
const liveTasks = (run: ScenarioRun) =>
  leaderOf(run)
    .master.state()
    .frameworks.flatMap((f) => f.tasks.filter((t) => !isTerminalState(t.state)).map((t) => t.id))
    .sort();
const registry = (run: ScenarioRun): RegistryDocument => {
  const doc = parseRegistry(run.ha?.coordination.service.peekData(REGISTRY_PATH)?.data ?? '');
  if (typeof doc === 'string') throw new Error(doc);
  return doc;
};

test('the lowest sequence leads; its tasks survive its crash under a new leader of a higher epoch', (t) => {
  const run = haRun();
  run.advance(100_000);
  const first = leaderOf(run);
  t.is(first.address, 'master-1');
  t.is(first.process.epoch, 0);
  const before = liveTasks(run);
  t.is(before.length, 6);
  t.is(Object.keys(registry(run).admitted).length, 3, 'the registry node holds the admitted agents');
  run.world.crash('master-1');
  run.advance(200_000);
  const second = leaderOf(run);
  t.not(second.address, 'master-1');
  t.true((second.process.epoch ?? -1) > 0, 'a higher epoch');
  t.is(second.master.state().slaves.length, 3, 'every agent reregistered with the new leader');
  t.deepEqual(liveTasks(run), before, 'the tasks kept running');
  t.true(second.master.state().frameworks[0]?.active, 'the framework resubscribed');
});

test('a leader cut off from the service stops acting before another is elected', (t) => {
  const run = haRun();
  run.advance(100_000);
  t.is(leaderOf(run).address, 'master-1');
  run.world.network.partition('master-1', ZOOKEEPER_ADDRESS);
  run.advance(130_000);
  const lines = run.world.traceLines();
  const deposed = lines.find((l) => l.includes('"ha.deposed"') && l.includes('"master-1"'));
  const elected = lines.find((l) => l.includes('"ha.elected"') && !l.includes('"epoch":0'));
  t.truthy(deposed);
  t.truthy(elected, lines.filter((l) => l.includes('ha.') || l.includes('zk.')).join('\n'));
  const at = (l: string | undefined) => JSON.parse(l ?? '{}').t as number;
  t.true(at(deposed) < at(elected), `deposed at ${at(deposed)} ms, the next elected at ${at(elected)} ms`);
  t.not(leaderOf(run).address, 'master-1');
  t.is(liveTasks(run).length, 6);
});
