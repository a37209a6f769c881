/**
 * The harness interface as a conformance test will use it: the same case, run against the
 * simulated and the live harness, spawns a master and agents from a plan, then a framework with
 * its own Scheduler (the Sleepers example), and waits for it to see its tasks finish.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { readScenarioFile } from '../../../src/cli/scenario-file.js';
import type { Wire } from '../../../src/core/wire.js';
import { LiveHarness } from '../../../src/runtime/live/live-harness.js';
import { clusterPlan } from '../../../src/runtime/plan/cluster-plan.js';
import type { ClusterHarness } from '../../../src/runtime/plan/harness.js';
import { SimHarness } from '../../../src/runtime/sim/sim-harness.js';
import { SimWorld } from '../../../src/runtime/sim/world.js';
import { scenarioFile } from '../../cli/helpers.js';
import { Sleepers } from '../../driver/sleepers.js';

const plan = clusterPlan(
  readScenarioFile(
    scenarioFile({
      name: 'harness-case',
      until: 60,
      agents: [{ count: 2, resources: 'cpus:2;mem:1024' }],
      frameworks: [{ name: 'unused', jobs: [] }],
    }),
  ),
);

/** Launches three tasks of 1 scenario second and sees them finish. */
async function sleepersFinish(t: ExecutionContext, h: ClusterHarness): Promise<void> {
  try {
    h.spawnMaster(plan.master);
    for (const agent of plan.agents) {
      h.addAgent(agent, () => agent.resources);
      h.start(agent.id);
    }
    await h.ready();
    t.is(h.status(plan.agents[0]?.id ?? ''), 'running');
    const sleepers = new Sleepers({
      tasks: 3,
      sleepSeconds: 1 / h.timeScale,
      cpusPerTask: 1,
      memPerTask: 128,
    });
    h.spawnFramework('scheduler-S', sleepers, { user: 'agora', name: 'S' });
    t.true(await h.runUntil(() => sleepers.finished === 3, 30_000), sleepers.events.join('\n'));
    t.true(h.masterCounters().offersAccepted >= 1);
    t.true(h.now() > 1000, 'scenario time went by');
  } finally {
    await h.close();
  }
}

test('the simulated harness runs a framework with its own scheduler to a condition', async (t) => {
  const world = new SimWorld<Wire>({
    seed: 1,
    linkMessage: (exited) => ({ channel: 'link', exited }),
    disks: true,
  });
  await sleepersFinish(t, new SimHarness(world));
});

test('the live harness runs a framework with its own scheduler to a condition', async (t) => {
  const workDir = mkdtempSync(join(tmpdir(), 'agora-harness-'));
  await sleepersFinish(t, new LiveHarness({ timeScale: 10, workDir, seed: 1 }));
});
