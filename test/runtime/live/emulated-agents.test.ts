import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parseResources } from '../../../src/core/resource-text.js';
import { EmulatedAgents } from '../../../src/runtime/live/emulated-agents.js';
import { SimCommandRunner } from '../../../src/runtime/sim/sim-command-runner.js';
import { eventually } from './harness.js';
import { killHard, startMaster } from './processes.js';

// bench:live-scale's emulated agents against a real `agora master`, which binds each agent to
// its token and source address (agent-sessions.ts): every agent must register and hear its id.
// More agents than one client address may hold connections to a server (256), since every
// connection to the agents' listener comes from the one master.
test('300 emulated agents each register with their own token and address and hear their ids', async (t) => {
  const count = 300;
  const master = await startMaster(0, ['--max-connections', String(count + 1_000)]);
  const resources = parseResources('cpus:4;mem:4096');
  if (!resources.ok) return t.fail('bad resources');
  const refusals: string[] = [];
  const emulated = await EmulatedAgents.start({
    masterUrl: master.url,
    count,
    resources: resources.value,
    workDir: mkdtempSync(join(tmpdir(), 'agora-emulated-')),
    commandRunner: () => new SimCommandRunner(),
    log: (line) => refusals.push(line),
  });
  try {
    await eventually(
      () => emulated.agents.every((a) => a.agentId !== undefined),
      30_000,
      () =>
        `every agent to hear its id (${emulated.agents.filter((a) => a.agentId !== undefined).length} of ${count}; ` +
        `first refusal: ${refusals[0] ?? 'none'})`,
    );
    const ids = new Set(emulated.agents.map((a) => a.agentId));
    t.is(ids.size, count, 'one id per agent');
    t.deepEqual(
      refusals.filter((line) => /answered 40[13]/u.test(line)),
      [],
    );
  } finally {
    await emulated.close();
    await killHard(master.child);
  }
});
