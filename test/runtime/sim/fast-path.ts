/**
 * The differential test of the simulator's fast path (issue 12's modelling decision), shared by
 * the fast-path-*.test.ts files: a run in the default, fast representation (offers as lazily
 * built batches, the rest of a batch declined in one call, one filter record per declined
 * batch, health checks elided on quiet links, idle allocation cycles ended in O(1)) must make
 * exactly the decisions of a message-level run, in which every offer is an `Offer` object
 * answered one by one and every ping is a message. The summaries (`agora sim --json`) must be
 * byte-identical.
 */
import { ScenarioRun, type ScenarioRunOptions } from '../../../src/runtime/sim/scenario-run.js';
import type { Scenario } from '../../../src/scenario/schema.js';
import { validateScenario } from '../../../src/scenario/validate.js';

/** The `--json` summary of a run in both representations, and the fast run's health-check elisions. */
export function bothWays(
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

/** A validated scenario, or an exception naming the first problems. */
export function validated(file: unknown): Scenario {
  const result = validateScenario(file);
  if (!result.ok) throw new Error(`invalid scenario: ${JSON.stringify(result.error.slice(0, 3))}`);
  return result.value;
}
