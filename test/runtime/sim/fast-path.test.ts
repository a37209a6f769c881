/**
 * The differential test of the simulator's fast path (issue 12's modelling decision): a run in the
 * default, fast representation (offers as lazily built batches, the rest of a batch declined in
 * one call, one filter record per declined batch, health checks computed on quiet links, idle
 * allocation cycles skipped) must make exactly the decisions of a message-level run, in which
 * every offer is an `Offer` object answered one by one and every ping is a message. The
 * summaries (`agora sim --json`) must be byte-identical, for every shipped scenario, for
 * generated clusters of up to 1,000 agents over many seeds, and for chaos seeds (faults,
 * loss, duplication, crashes, failovers, skew).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import fc from 'fast-check';
import { readScenarioFile } from '../../../src/cli/scenario-file.js';
import { chaosScenario } from '../../../src/runtime/sim/chaos.js';
import { ScenarioRun, type ScenarioRunOptions } from '../../../src/runtime/sim/scenario-run.js';
import { generateScenario } from '../../../src/scenario/generate.js';
import type { Scenario } from '../../../src/scenario/schema.js';
import { validateScenario } from '../../../src/scenario/validate.js';

/** The `--json` summary of a run, in both representations, and the health checks the fast run elided. */
function bothWays(
  scenario: Scenario,
  options: ScenarioRunOptions = {},
): { fast: string; plain: string; elided: number } {
  const fastRun = new ScenarioRun(scenario, { ...options, messageLevel: false });
  const fast = JSON.stringify(fastRun.runToEnd(), null, 2);
  const plainRun = new ScenarioRun(scenario, { ...options, messageLevel: true });
  const plain = JSON.stringify(plainRun.runToEnd(), null, 2);
  if (plainRun.world.healthElisions !== 0) throw new Error('a message-level run elided health checks');
  return { fast, plain, elided: fastRun.world.healthElisions };
}

function validated(file: unknown): Scenario {
  const result = validateScenario(file);
  if (!result.ok) throw new Error(`invalid scenario: ${JSON.stringify(result.error.slice(0, 3))}`);
  return result.value;
}

const SCENARIOS = join(import.meta.dirname, '../../../scenarios');
/** Long shipped scenarios are compared over their first part (the test's time budget). */
const UNTIL_MS: Readonly<Record<string, number>> = { 'large.json': 600_000 };

for (const file of readdirSync(SCENARIOS).filter((f) => f.endsWith('.json'))) {
  test(`shipped scenario ${file}: fast and message-level runs give the same summary`, (t) => {
    const scenario = readScenarioFile(join(SCENARIOS, file));
    const untilMs = UNTIL_MS[file];
    const { fast, plain, elided } = bothWays(scenario, untilMs === undefined ? {} : { untilMs });
    t.is(fast, plain);
    // On a lossy network every ping may be lost: none can be elided.
    const lossless = scenario.network.loss === 0 && scenario.network.duplication === 0;
    t.is(elided > 0, lossless, `health checks elided: ${elided}`);
  });
}

test('generated clusters of up to 1,000 agents: the same summary either way, whatever the seed', (t) => {
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.integer({ min: 0, max: 1_000_000 }),
        agents: fc.integer({ min: 1, max: 1000 }),
        frameworks: fc.integer({ min: 1, max: 12 }),
        tasks: fc.integer({ min: 0, max: 3000 }),
        policy: fc.constantFrom('drf', 'asset', 'random'),
      }),
      ({ seed, agents, frameworks, tasks, policy }) => {
        const scenario = validated(
          generateScenario({ seed, agents, frameworks, tasks, horizonSeconds: 900 }),
        );
        const { fast, plain } = bothWays(scenario, { policy });
        t.is(
          fast,
          plain,
          `seed ${seed}, ${agents} agents, ${frameworks} frameworks, ${tasks} tasks, ${policy}`,
        );
        return fast === plain;
      },
    ),
    { numRuns: 25, seed: 20261204 },
  );
});

test('chaos seeds (crashes, partitions, failovers, loss, skew): the same summary either way', (t) => {
  for (let seed = 1; seed <= 40; seed++) {
    const scenario = validated(chaosScenario(seed, 3));
    const { fast, plain } = bothWays(scenario, { lossBreaksConnections: true });
    t.is(fast, plain, `chaos seed ${seed}`);
  }
});

test('chaos seeds without message loss (health checks elided between faults): the same summary either way', (t) => {
  let elided = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const scenario = validated(chaosScenario(seed, 5, { messageLoss: false }));
    const both = bothWays(scenario, { lossBreaksConnections: true });
    t.is(both.fast, both.plain, `chaos seed ${seed} without message loss`);
    elided += both.elided;
  }
  t.true(elided > 100, `stretches of health checks elided around the faults (${elided})`);
});
