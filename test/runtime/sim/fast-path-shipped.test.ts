/** Fast and message-level runs of every shipped scenario give byte-identical summaries (see fast-path.ts). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { readScenarioFile } from '../../../src/cli/scenario-file.js';
import { bothWays } from './fast-path.js';

const SCENARIOS = join(import.meta.dirname, '../../../scenarios');
/**
 * Long shipped scenarios are compared over their first part: the message-level run of 2,000
 * agents is slow by design (it is what the fast path saves), and faults are covered by the
 * chaos seeds of fast-path-chaos.test.ts.
 */
const UNTIL_MS: Readonly<Record<string, number>> = { 'large.json': 180_000 };

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
