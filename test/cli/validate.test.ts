import test from 'ava';
import { runCli as run, scenarioFile } from './helpers.js';

test('every example scenario validates', async (t) => {
  for (const name of ['drf-paper', 'mixed', 'large']) {
    const r = await run('validate', `scenarios/${name}.json`);
    t.is(r.code, 0, r.err);
    t.regex(r.out, new RegExp(`^scenario ${name} is valid`));
  }
});

test('--json summarises agents, scalar capacity and expected tasks', async (t) => {
  const r = await run('validate', 'scenarios/drf-paper.json', '--json');
  t.is(r.code, 0);
  const summary = JSON.parse(r.out);
  t.is(summary.scenario, 'drf-paper');
  t.is(summary.agents, 1);
  t.is(summary.capacity, 'cpus:9;mem:18432');
  t.deepEqual(
    summary.frameworks.map((f: { name: string }) => f.name),
    ['A', 'B'],
  );
});

test('a bad scenario: exit 2 and one "path: message" line per problem', async (t) => {
  const path = scenarioFile({
    name: 'bad',
    until: 60,
    agents: [{ count: 1, resources: 'cpus:1;mem:1024' }],
    frameworks: [
      { name: 'A', jobs: [{ at: 0, tasks: 1, resources: 'cpus:1', duration: 1 }] },
      { name: 'B', jobs: [{ at: 0, tasks: 1, resources: 'cpu:1', duration: 1 }] },
    ],
  });
  const r = await run('validate', path);
  t.is(r.code, 2);
  t.is(r.out, '');
  t.true(r.err.includes('frameworks[1].jobs[0].resources: unknown resource "cpu" at 0'), r.err);
});

test('JSON syntax errors give the line and column; missing files are named', async (t) => {
  const broken = await run('validate', scenarioFile('{\n  "name": "x",\n  "until": 60,\n}'));
  t.is(broken.code, 2);
  t.regex(broken.err, /scenario\.json:3:14: invalid JSON: trailing comma/);
  const missing = await run('validate', '/nonexistent/scenario.json');
  t.is(missing.code, 2);
  t.is(missing.err, 'agora: cannot read scenario /nonexistent/scenario.json: no such file\n');
});
