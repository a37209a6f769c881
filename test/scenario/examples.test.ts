/**
 * Every scenario in scenarios/ validates, and the three the issue asks for say what it asks:
 * the DRF paper example, a mixed workload on about 100 agents, and a large one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import test from 'ava';
import { formatResources } from '../../src/core/resource-text.js';
import { expectedTasks } from '../../src/scenario/arrivals.js';
import { formatScenarioError } from '../../src/scenario/issues.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { loadScenarioText } from '../../src/scenario/validate.js';

const dir = resolve(import.meta.dirname, '../../scenarios');

function load(file: string): Scenario {
  const r = loadScenarioText(readFileSync(join(dir, file), 'utf8'), file);
  if (!r.ok) throw new Error(`${file} is invalid:\n${r.error.map(formatScenarioError).join('\n')}`);
  return r.value;
}

function totalTasks(s: Scenario): number {
  return s.frameworks.flatMap((f) => f.jobs).reduce((sum, j) => sum + expectedTasks(j), 0);
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('scenarios/ holds at least the three examples', (t) => {
  for (const f of ['drf-paper.json', 'mixed.json', 'large.json']) t.true(files.includes(f), f);
});

for (const file of files) {
  test(`${file} validates`, (t) => {
    const r = loadScenarioText(readFileSync(join(dir, file), 'utf8'), file);
    t.deepEqual(r.ok ? [] : r.error.map(formatScenarioError), []);
  });
}

test('drf-paper.json is the paper example as an offer-based run', (t) => {
  const s = load('drf-paper.json');
  t.is(s.agents.length, 1);
  t.is(formatResources(s.agents[0]?.resources ?? (undefined as never)), 'cpus:9;mem:18432');
  t.is(s.allocator.policy, 'drf');
  t.deepEqual(
    s.frameworks.map((f) => ({
      name: f.name,
      weight: f.weight,
      maxTasksPerOffer: f.maxTasksPerOffer,
      jobs: f.jobs.map((j) => ({ resources: formatResources(j.resources), duration: j.duration.kind })),
    })),
    [
      {
        name: 'A',
        weight: 1,
        maxTasksPerOffer: 1,
        jobs: [{ resources: 'cpus:1;mem:4096', duration: 'forever' }],
      },
      {
        name: 'B',
        weight: 1,
        maxTasksPerOffer: 1,
        jobs: [{ resources: 'cpus:3;mem:1024', duration: 'forever' }],
      },
    ],
  );
  // More tasks than fit, so the run ends when the agent is full (A 3, B 2), not when work runs out.
  for (const f of s.frameworks) t.true((f.jobs[0]?.tasks ?? 0) > 3);
  t.deepEqual(s.faults, []);
});

test('mixed.json is a batch and service mix on about 100 agents', (t) => {
  const s = load('mixed.json');
  t.true(s.agents.length >= 90 && s.agents.length <= 110);
  const jobs = s.frameworks.flatMap((f) => f.jobs);
  const kinds = new Set(jobs.map((j) => j.duration.kind));
  t.true(kinds.has('exponential'), 'batch jobs with exponential durations');
  t.true(kinds.has('forever'), 'a long-running service');
  t.true(
    jobs.some((j) => j.start.kind === 'poisson'),
    'a Poisson arrival job',
  );
  t.deepEqual(
    s.faults.map((f) => f.kind),
    ['agent-crash'],
  );
});

test('large.json has about 2,000 agents, 20 frameworks and 100,000 tasks', (t) => {
  const s = load('large.json');
  t.is(s.agents.length, 2000);
  t.is(s.frameworks.length, 20);
  const tasks = totalTasks(s);
  t.true(tasks > 90_000 && tasks < 110_000, String(tasks));
  t.deepEqual(
    new Set(s.faults.map((f) => f.kind)),
    new Set(['agent-crash', 'agent-restart', 'network-partition', 'framework-crash']),
  );
});
