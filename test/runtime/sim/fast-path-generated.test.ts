/**
 * Fast and message-level runs of generated clusters of up to 1,000 agents give byte-identical
 * summaries, whatever the seed, size and policy (see fast-path.ts).
 */
import test from 'ava';
import fc from 'fast-check';
import { generateScenario } from '../../../src/scenario/generate.js';
import { bothWays, validated } from './fast-path.js';

const arbShape = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  agents: fc.integer({ min: 1, max: 1000 }),
  frameworks: fc.integer({ min: 1, max: 12 }),
  tasks: fc.integer({ min: 0, max: 3000 }),
  policy: fc.constantFrom('drf', 'asset', 'random'),
});

// Two halves, so that each test ends well within the suite's inactivity timeout on a busy machine.
for (const [half, seed] of [
  ['first', 20261204],
  ['second', 20261205],
] as const) {
  test(`generated clusters of up to 1,000 agents (${half} half): the same summary either way`, (t) => {
    fc.assert(
      fc.property(arbShape, ({ seed, agents, frameworks, tasks, policy }) => {
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
      }),
      { numRuns: 8, seed },
    );
  });
}
