/** The synthetic scenario generator: valid output, exact totals, determinism per seed, speed. */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { apportion, type GenerateOptions, generateScenario } from '../../src/scenario/generate.js';
import { formatScenarioError } from '../../src/scenario/issues.js';
import type { Scenario, ScenarioFile } from '../../src/scenario/schema.js';
import { validateScenario } from '../../src/scenario/validate.js';

function valid(file: ScenarioFile): Scenario {
  const r = validateScenario(file);
  if (!r.ok) throw new Error(r.error.map(formatScenarioError).join('\n'));
  return r.value;
}

function taskCount(s: Scenario): number {
  return s.frameworks.flatMap((f) => f.jobs).reduce((sum, j) => sum + j.tasks, 0);
}

const BENCH: GenerateOptions = {
  seed: 1,
  agents: 10_000,
  frameworks: 100,
  tasks: 1_000_000,
  horizonSeconds: 86_400,
};

test('the bench:sim scenario validates, with exactly the sizes asked for, quickly', (t) => {
  const started = performance.now();
  const file = generateScenario(BENCH);
  const s = valid(file);
  const ms = performance.now() - started;
  t.is(s.agents.length, 10_000);
  t.is(s.frameworks.length, 100);
  t.is(taskCount(s), 1_000_000);
  t.is(s.untilMs, 86_400_000);
  // Jobs carry task counts: far fewer job objects than tasks.
  t.true(s.frameworks.flatMap((f) => f.jobs).length < 100_000);
  // Generating and validating takes well under a second here; the bound only catches a blow-up.
  t.true(ms < 10_000, `${ms} ms`);
});

test('the same seed gives the same scenario; another seed another', (t) => {
  const options = { ...BENCH, agents: 500, tasks: 50_000, agentCrashes: 3 };
  const a = JSON.stringify(generateScenario(options));
  t.is(JSON.stringify(generateScenario(options)), a);
  t.not(JSON.stringify(generateScenario({ ...options, seed: 2 })), a);
});

test('the generated file survives a JSON round trip unchanged', (t) => {
  const file = generateScenario({ ...BENCH, agents: 50, frameworks: 12, tasks: 2000 });
  t.deepEqual(JSON.parse(JSON.stringify(file)), file);
});

test('services run forever and batch jobs arrive within the horizon', (t) => {
  const s = valid(
    generateScenario({ ...BENCH, agents: 100, frameworks: 20, tasks: 10_000, horizonSeconds: 3600 }),
  );
  const services = s.frameworks.filter((f) => f.jobs.some((j) => j.duration.kind === 'forever'));
  t.is(services.length, 2);
  for (const job of s.frameworks.flatMap((f) => f.jobs)) {
    t.true(job.start.kind === 'at' && job.start.atMs < 3_600_000);
  }
});

test('agent crashes hit distinct agents', (t) => {
  const s = valid(generateScenario({ ...BENCH, agents: 20, frameworks: 3, tasks: 100, agentCrashes: 20 }));
  t.is(new Set(s.faults.map((f) => (f.kind === 'agent-crash' ? f.agentId : ''))).size, 20);
});

test('bad options are refused', (t) => {
  t.throws(() => generateScenario({ ...BENCH, agents: 0 }), { message: /agents must be/ });
  t.throws(() => generateScenario({ ...BENCH, tasks: 1.5 }), { message: /tasks must be/ });
  t.throws(() => generateScenario({ ...BENCH, load: 0 }), { message: /load must be/ });
  t.throws(() => generateScenario({ ...BENCH, agents: 5, agentCrashes: 6 }), { message: /agentCrashes/ });
});

test('apportion splits exactly, in proportion', (t) => {
  t.deepEqual(apportion(10, [1, 1, 1]), [4, 3, 3]);
  t.deepEqual(apportion(7, [0.5, 0.3, 0.2]), [4, 2, 1]);
  t.deepEqual(apportion(0, []), []);
  t.deepEqual(apportion(3, [0, 0]), [2, 1]);
});

testProp(
  'any generated scenario validates and has exactly the tasks asked for',
  [
    fc.record({
      seed: fc.nat(),
      agents: fc.integer({ min: 1, max: 300 }),
      frameworks: fc.integer({ min: 1, max: 40 }),
      tasks: fc.integer({ min: 0, max: 5000 }),
      horizonSeconds: fc.integer({ min: 1, max: 1_000_000 }),
      load: fc.double({ min: 0.01, max: 1, noNaN: true }),
    }),
    fc.nat({ max: 10 }),
  ],
  (t, options, crashes) => {
    const agentCrashes = Math.min(crashes, options.agents);
    const s = valid(generateScenario({ ...options, agentCrashes }));
    t.is(taskCount(s), options.tasks);
    t.is(s.agents.length, options.agents);
    t.is(s.frameworks.length, options.frameworks);
    t.is(s.faults.length, agentCrashes);
  },
  { numRuns: 60 },
);
