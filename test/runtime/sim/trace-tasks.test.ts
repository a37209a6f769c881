/**
 * Trace tasks in the simulated world: per-task resources, durations and outcomes replayed as
 * traced, dependencies held, constraints and the GPU filter honoured, agents added, removed and
 * resized at their times, and the wait comparison in the summary.
 */
import test from 'ava';
import { ScenarioRun } from '../../../src/runtime/sim/scenario-run.js';
import { pumpTraceTasks, type TraceRun } from '../../../src/runtime/sim/trace-run.js';
import { formatScenarioError } from '../../../src/scenario/issues.js';
import type { Scenario } from '../../../src/scenario/schema.js';
import { validateScenario } from '../../../src/scenario/validate.js';

function scenario(json: unknown): Scenario {
  const r = validateScenario(json);
  if (!r.ok) throw new Error(r.error.map(formatScenarioError).join('\n'));
  return r.value;
}

test('outcomes and durations as traced; the summary counts them and compares waits per band', (t) => {
  const run = new ScenarioRun(
    scenario({
      name: 'outcomes',
      until: 1000,
      agents: [{ count: 2, resources: 'cpus:4;mem:4096' }],
      frameworks: [{ name: 'A', role: 'batch' }, { name: 'B' }],
      tasks: [
        {
          at: 0,
          framework: 'A',
          id: 'f',
          resources: 'cpus:1;mem:512',
          duration: 100,
          scheduled: 2,
          band: 'prod',
        },
        {
          at: 0,
          framework: 'A',
          id: 'x',
          resources: 'cpus:1;mem:512',
          duration: 50,
          outcome: 'failed',
          scheduled: 4,
          band: 'prod',
        },
        { at: 10, framework: 'B', id: 'k', resources: 'cpus:1;mem:512', duration: 30, outcome: 'killed' },
        { at: 10, framework: 'B', id: 'e', resources: 'cpus:1;mem:512', duration: 40, outcome: 'evicted' },
        { at: 20, framework: 'B', id: 'l', resources: 'cpus:1;mem:512', duration: 60, outcome: 'lost' },
        { at: 20, framework: 'B', id: 'svc', resources: 'cpus:1;mem:512' },
        { at: 2000, framework: 'B', id: 'late', resources: 'cpus:1;mem:512' },
      ],
    }),
  );
  const s = run.runToEnd();
  t.deepEqual(s.trace?.tasks, { read: 6, held: 0, launched: 6 });
  t.deepEqual(s.trace?.endedAsTraced, { finished: 1, failed: 1, killed: 1, evicted: 1, lost: 1 });
  t.deepEqual(s.trace?.endedOtherwise, { finished: 0, failed: 0, killed: 0, lost: 0, error: 0 });
  t.is(s.frameworks.A?.tasksFinished, 1);
  t.is(s.frameworks.A?.tasksFailed, 1);
  t.is(s.frameworks.B?.tasksKilled, 3, 'killed, evicted and lost end TASK_KILLED');
  t.is(s.frameworks.B?.running, 1, 'the task the trace never saw end runs on');
  // Waits: A's two tasks launch at the first offer, within a couple of seconds of submission.
  const prod = s.trace?.waits.find((w) => w.band === 'prod');
  t.deepEqual(prod?.trace, { count: 2, p50: 2, p90: 4, p99: 4, max: 4 });
  t.is(prod?.simulated.count, 2);
  t.true((prod?.simulated.max ?? 99) < 2);
  t.deepEqual(
    s.trace?.waits.map((w) => w.band),
    ['B', 'prod'],
    'a task without a band is counted under its role',
  );
  // Durations: A's two tasks launch about 1 s in; the longer (100 s) ends last. B's killed,
  // evicted and lost tasks (30, 40, 60 s) end by the kill at launch + duration.
  t.true((s.frameworks.A?.lastTaskEndSeconds ?? 0) > 100 && (s.frameworks.A?.lastTaskEndSeconds ?? 0) < 102);
  t.true((s.frameworks.B?.lastTaskEndSeconds ?? 0) > 80 && (s.frameworks.B?.lastTaskEndSeconds ?? 0) < 82);
});

test('a task waits for every task of the groups it names (a DAG)', (t) => {
  const run = new ScenarioRun(
    scenario({
      name: 'dag',
      until: 1000,
      agents: [{ count: 1, resources: 'cpus:8;mem:8192' }],
      frameworks: [{ name: 'A' }],
      tasks: [
        { at: 0, framework: 'A', id: 'm1a', group: 'j/1', resources: 'cpus:1;mem:64', duration: 100 },
        { at: 0, framework: 'A', id: 'm1b', group: 'j/1', resources: 'cpus:1;mem:64', duration: 200 },
        { at: 0, framework: 'A', id: 'm2', group: 'j/2', resources: 'cpus:1;mem:64', duration: 50 },
        {
          at: 0,
          framework: 'A',
          id: 'r3',
          group: 'j/3',
          after: ['j/1', 'j/2'],
          resources: 'cpus:1;mem:64',
          duration: 10,
        },
        { at: 0, framework: 'A', id: 'free', after: ['gone'], resources: 'cpus:1;mem:64', duration: 10 },
      ],
    }),
  );
  run.advance(150);
  t.is(
    run.summary().trace?.tasks.held,
    1,
    'r3 is held from its submission; free is not (its group is unknown)',
  );
  run.advance(150_000);
  t.deepEqual(run.summary().trace?.tasks, { read: 5, held: 1, launched: 4 }, 'r3 waits for m1b');
  run.advance(205_000);
  const s = run.summary();
  t.deepEqual(s.trace?.tasks, { read: 5, held: 0, launched: 5 });
  t.is(s.frameworks.A?.tasksFinished, 4);
  run.advance(1_000_000);
  t.is(run.summary().frameworks.A?.tasksFinished, 5);
});

test('constraints: UNIQUE hostname per group, IN on an attribute; GPU agents only for GPU_RESOURCES', (t) => {
  const run = new ScenarioRun(
    scenario({
      name: 'placement',
      until: 300,
      agents: [
        { count: 3, resources: 'cpus:8;mem:8192', hostname: 'cpu', attributes: 'rack:r1' },
        {
          count: 1,
          resources: 'cpus:8;mem:8192;gpus:2',
          hostname: 'gpu',
          attributes: 'rack:r2;gpu_model:V100',
        },
      ],
      frameworks: [{ name: 'plain' }, { name: 'ml', capabilities: ['GPU_RESOURCES'] }],
      tasks: [
        ...[0, 1, 2, 3].map((i) => ({
          at: 0,
          framework: 'plain',
          id: `u${i}`,
          group: 'spread',
          resources: 'cpus:1;mem:64',
          constraints: [['hostname', 'UNIQUE']],
        })),
        {
          at: 0,
          framework: 'ml',
          id: 'g',
          resources: 'cpus:1;mem:64;gpus:1',
          constraints: [['gpu_model', 'IN', '{V100,A100}']],
        },
        { at: 0, framework: 'ml', id: 'r2', resources: 'cpus:1;mem:64', constraints: [['rack', 'IS', 'r2']] },
      ],
    }),
  );
  const s = run.runToEnd();
  t.is(
    s.frameworks.plain?.tasksLaunched,
    3,
    'three distinct CPU hosts; the fourth task waits (the GPU agent is not offered to plain)',
  );
  t.is(s.frameworks.plain?.pending, 1);
  t.is(s.frameworks.ml?.tasksLaunched, 2);
});

test('agents start late, are removed (their tasks lost) and resized', (t) => {
  const run = new ScenarioRun(
    scenario({
      name: 'cluster',
      until: 600,
      agents: [{ resources: 'cpus:2;mem:2048' }, { resources: 'cpus:2;mem:2048', at: 100 }],
      cluster: [
        { at: 200, kind: 'agent-remove', agent: 0 },
        { at: 300, kind: 'agent-resize', agent: 1, resources: 'cpus:8;mem:8192' },
        { at: 400, kind: 'agent-add', agent: 0 },
      ],
      frameworks: [{ name: 'A' }],
      tasks: [
        { at: 0, framework: 'A', id: 'a', resources: 'cpus:2;mem:1024', duration: 1000 },
        { at: 0, framework: 'A', id: 'b', resources: 'cpus:2;mem:1024', duration: 1000 },
        { at: 350, framework: 'A', id: 'big', resources: 'cpus:6;mem:1024', duration: 10 },
      ],
    }),
  );
  run.advance(50_000);
  t.is(run.summary().frameworks.A?.tasksLaunched, 1, 'only agent 0 is up');
  run.advance(150_000);
  t.is(run.summary().frameworks.A?.tasksLaunched, 2, 'agent 1 joined at 100 s');
  run.advance(250_000);
  t.is(run.summary().frameworks.A?.tasksLost, 1, 'agent 0 was removed with its task');
  const s = run.runToEnd();
  t.is(s.frameworks.A?.tasksLost, 2, 'the resize restarted agent 1 as a new agent: its task is lost');
  t.is(s.frameworks.A?.tasksFinished, 1, 'the 6-cpu task ran on the resized agent');
  t.deepEqual(s.trace?.endedOtherwise, { finished: 0, failed: 0, killed: 0, lost: 2, error: 0 });
  // Capacity: agent 0 up [0,200)+[400,600), agent 1 [100,300) at 2 cpus and [300,600) at 8.
  t.true(s.utilization.cpus !== undefined);
});

test('tasks pumped from a source with a tiny read-ahead buffer run exactly as inline', async (t) => {
  const tasks = Array.from({ length: 400 }, (_, i) => ({
    at: Math.floor(i / 7) * 1.5,
    framework: i % 3 === 0 ? 'B' : 'A',
    id: `t${i}`,
    resources: 'cpus:0.5;mem:128',
    duration: 5 + (i % 11),
    scheduled: Math.floor(i / 7) * 1.5 + (i % 4),
  }));
  const json = {
    name: 'pump',
    until: 400,
    agents: [{ count: 2, resources: 'cpus:4;mem:4096' }],
    frameworks: [{ name: 'A' }, { name: 'B' }],
  };
  const inline = new ScenarioRun(scenario({ ...json, tasks })).runToEnd();
  const fileScenario = scenario({ ...json, tasks: { file: 'x' } });
  const specs = scenario({ ...json, tasks });
  const list = specs.tasks?.kind === 'inline' ? specs.tasks.tasks : [];
  const run = new ScenarioRun(fileScenario);
  const source = (async function* () {
    for (const task of list) yield task;
  })();
  const state = { ahead: undefined, exhausted: false };
  for (let i = 1; i <= 7; i++) {
    await pumpTraceTasks(run, run.trace as TraceRun, source, (run.untilMs * i) / 7, state, 16);
    t.true((run.trace as TraceRun).buffered <= 16 + 7, 'the read-ahead stays bounded');
  }
  t.deepEqual(run.summary(), inline);
});
