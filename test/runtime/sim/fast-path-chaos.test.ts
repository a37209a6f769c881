/**
 * Fast and message-level runs of chaos seeds (crashes, partitions, failovers, message loss and
 * duplication, clock skew) give byte-identical summaries (see fast-path.ts); without message
 * loss, health checks are elided between the faults, so the elision is held to its rules there.
 */
import test from 'ava';
import { chaosScenario } from '../../../src/runtime/sim/chaos.js';
import { bothWays, validated } from './fast-path.js';

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
