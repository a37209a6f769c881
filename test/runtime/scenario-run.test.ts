/**
 * Scenario replay in the simulated world: the real master, agents and drivers, driven by the
 * scenario frameworks. Checks the DRF paper's end state, determinism, and what faults do.
 */
import { readFileSync } from 'node:fs';
import test from 'ava';
import type { Master } from '../../src/master/master.js';
import { ScenarioRun } from '../../src/runtime/sim/scenario-run.js';
import { formatScenarioError } from '../../src/scenario/issues.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { loadScenarioText, validateScenario } from '../../src/scenario/validate.js';

function example(name: string): Scenario {
  const path = `scenarios/${name}.json`;
  const r = loadScenarioText(readFileSync(path, 'utf8'), path);
  if (!r.ok) throw new Error(r.error.map(formatScenarioError).join('\n'));
  return r.value;
}

function scenario(json: unknown): Scenario {
  const r = validateScenario(json);
  if (!r.ok) throw new Error(r.error.map(formatScenarioError).join('\n'));
  return r.value;
}

/** One agent, one framework running `tasks` tasks of `duration` seconds; overrides merged in. */
function small(overrides: Record<string, unknown> = {}, framework: Record<string, unknown> = {}): Scenario {
  return scenario({
    name: 'small',
    until: 600,
    agents: [{ count: 2, resources: 'cpus:4;mem:4096' }],
    frameworks: [
      {
        name: 'A',
        jobs: [{ at: 0, tasks: 8, resources: 'cpus:1;mem:512', duration: 60 }],
        ...framework,
      },
    ],
    ...overrides,
  });
}

test('the DRF paper example ends with A running 3 tasks and B running 2, both at a 2/3 share', (t) => {
  const s = new ScenarioRun(example('drf-paper')).runToEnd();
  const a = s.frameworks.A;
  const b = s.frameworks.B;
  t.is(a?.running, 3);
  t.is(b?.running, 2);
  t.is(a?.dominantShare, 0.666667);
  t.is(b?.dominantShare, 0.666667);
  // Every offer was used for one task or declined: nothing is lost or left pending elsewhere.
  t.is(a?.tasksLaunched, 3);
  t.is(b?.tasksLaunched, 2);
  t.is(s.utilization.cpus !== undefined && s.utilization.cpus > 0.9, true);
});

test('the same scenario and seed give the identical summary and trace', (t) => {
  const once = () => {
    const run = new ScenarioRun(example('mixed'), { trace: 'memory', untilMs: 900_000 });
    const summary = run.runToEnd();
    return { json: JSON.stringify(summary), trace: run.world.traceLines() };
  };
  const first = once();
  const second = once();
  t.is(first.json, second.json);
  t.deepEqual(first.trace, second.trace);
  t.true(first.trace.length > 1000);
});

test('different seeds give different runs where the scenario is random', (t) => {
  const run = (seed: number) =>
    JSON.stringify(new ScenarioRun(example('mixed'), { seed, untilMs: 900_000 }).runToEnd());
  t.not(run(1), run(2));
});

test('every task of a finite job runs to completion, and the master agrees', (t) => {
  const run = new ScenarioRun(small());
  const s = run.runToEnd();
  const a = s.frameworks.A;
  t.like(a, { tasksSubmitted: 8, tasksLaunched: 8, tasksFinished: 8, running: 0, pending: 0 });
  // 8 tasks of 1 cpu on 8 cpus: all fit at once, so nobody waits more than an allocation cycle.
  t.true((a?.maxWaitSeconds ?? 99) <= 1.01);
  const master = run.world.instance('master') as Master;
  t.is(master.counters().tasksLaunched, 8);
  // 8 of 8 cpus busy for 60 s of 600 (plus the milliseconds the messages take).
  t.true(Math.abs((s.utilization.cpus ?? 0) - 0.1) < 0.001);
});

test('failRate makes tasks end TASK_FAILED, drawn from the seed', (t) => {
  const s = new ScenarioRun(
    small({}, { jobs: [{ at: 0, tasks: 40, resources: 'cpus:1;mem:64', duration: 10, failRate: 0.5 }] }),
  ).runToEnd();
  const a = s.frameworks.A;
  t.is((a?.tasksFailed ?? 0) + (a?.tasksFinished ?? 0), 40);
  t.true((a?.tasksFailed ?? 0) > 5 && (a?.tasksFailed ?? 0) < 35);
});

test('maxTasksPerOffer caps the tasks launched on one offer', (t) => {
  const capped = new ScenarioRun(small({}, { maxTasksPerOffer: 1 })).runToEnd().frameworks.A;
  t.is(capped?.tasksFinished, 8);
  t.is(capped?.offersUsed, 8, 'one offer per task');
  // Uncapped, one offer of a whole agent takes four tasks.
  const uncapped = new ScenarioRun(small()).runToEnd().frameworks.A;
  t.is(uncapped?.offersUsed, 2);
});

test('an agent crash loses its tasks (TASK_LOST) and the restarted agent takes new work', (t) => {
  const s = new ScenarioRun(
    small(
      { faults: [{ at: 30, kind: 'agent-crash', agent: 0, restartAfter: 30 }] },
      {
        jobs: [
          { name: 'long', at: 0, tasks: 8, resources: 'cpus:1;mem:512', duration: 100 },
          { name: 'late', at: 200, tasks: 8, resources: 'cpus:1;mem:512', duration: 10 },
        ],
      },
    ),
  ).runToEnd();
  const a = s.frameworks.A;
  // The master notices the crash through the broken link at once, and reports the 4 tasks lost.
  t.is(a?.tasksLost, 4);
  t.is(a?.tasksFinished, 12);
  t.is(a?.running, 0);
});

test('a framework that fails over within its failover timeout keeps its tasks', (t) => {
  const s = new ScenarioRun(
    small(
      { faults: [{ at: 20, kind: 'framework-crash', framework: 'A', failoverAfter: 10 }] },
      { failoverTimeout: 60 },
    ),
  ).runToEnd();
  t.like(s.frameworks.A, { tasksFinished: 8, tasksLost: 0, tasksKilled: 0 });
  t.is(s.frameworks.A?.error, undefined);
});

test('a framework that fails over after its timeout is refused, and its tasks are killed', (t) => {
  const run = new ScenarioRun(
    small(
      { faults: [{ at: 20, kind: 'framework-crash', framework: 'A', failoverAfter: 30 }] },
      { failoverTimeout: 5 },
    ),
  );
  const s = run.runToEnd();
  t.regex(s.frameworks.A?.error ?? '', /Framework has been removed/u);
  t.is(s.frameworks.A?.tasksFinished, 0);
  const master = run.world.instance('master') as Master;
  t.is(master.state().frameworks.length, 0);
  t.true((master.counters().taskStateTransitions.TASK_KILLED ?? 0) > 0);
});

test('a partition between an agent and the master makes its tasks lost to a framework', (t) => {
  const s = new ScenarioRun(
    small(
      {
        until: 900,
        faults: [{ at: 10, kind: 'network-partition', duration: 200, sides: [['master'], ['agent-0']] }],
      },
      { jobs: [{ at: 0, tasks: 8, resources: 'cpus:1;mem:512', duration: 'forever' }] },
    ),
  ).runToEnd();
  // Five missed pings of 15 s: the master removes the agent and its four tasks are TASK_LOST.
  t.is(s.frameworks.A?.tasksLost, 4);
  t.is(s.frameworks.A?.running, 4);
});

test('weights: a role of weight 2 gets twice the share of a role of weight 1', (t) => {
  // Coarse offers of whole agents, each used fully: heavy, light, then heavy again (its share
  // 1/3 over weight 2 is below light's 1/3).
  const s = new ScenarioRun(
    scenario({
      name: 'weights',
      until: 300,
      agents: [{ count: 3, resources: 'cpus:4;mem:4096' }],
      frameworks: ['heavy', 'light'].map((name) => ({
        name,
        weight: name === 'heavy' ? 2 : 1,
        jobs: [{ at: 0, tasks: 12, resources: 'cpus:1;mem:256', duration: 'forever' }],
      })),
    }),
  ).runToEnd();
  t.is(s.frameworks.heavy?.running, 8);
  t.is(s.frameworks.light?.running, 4);
  t.true(s.fairness.jainIndex > 0.9999);
});

test('the policy can be overridden, and changes the outcome', (t) => {
  const drf = new ScenarioRun(example('mixed'), { untilMs: 900_000 }).runToEnd();
  const random = new ScenarioRun(example('mixed'), { untilMs: 900_000, policy: 'random' }).runToEnd();
  t.is(random.policy, 'random');
  t.not(JSON.stringify(drf.frameworks), JSON.stringify(random.frameworks));
});

test('ports are handed out per task from the offer, so tasks never share one', (t) => {
  const run = new ScenarioRun(
    scenario({
      name: 'ports',
      until: 100,
      agents: [{ resources: 'cpus:8;mem:8192;ports:[31000-31002]' }],
      frameworks: [
        {
          name: 'web',
          jobs: [{ at: 0, tasks: 5, resources: 'cpus:1;mem:128;ports:[1-1]', duration: 'forever' }],
        },
      ],
    }),
  );
  const s = run.runToEnd();
  t.is(s.frameworks.web?.running, 3, 'three ports, three tasks');
  t.is(s.frameworks.web?.pending, 2);
  t.is(s.frameworks.web?.tasksError, 0);
});

test('master flags from the scenario: a shorter agent ping timeout finds a partitioned agent sooner', (t) => {
  const lostBy60s = (master: Record<string, unknown>) =>
    new ScenarioRun(
      small(
        {
          until: 60,
          master,
          faults: [{ at: 10, kind: 'network-partition', duration: 100, sides: [['master'], ['agent-0']] }],
        },
        { jobs: [{ at: 0, tasks: 8, resources: 'cpus:1;mem:512', duration: 'forever' }] },
      ),
    ).runToEnd().frameworks.A?.tasksLost;
  // Mesos's default needs 5 missed pings of 15 s (75 s): not yet by 60 s. Pings every 5 s: 25 s.
  t.is(lostBy60s({}), 0);
  t.is(lostBy60s({ agentPingTimeout: 5 }), 4);
  t.is(lostBy60s({ agentPingTimeout: 5, maxAgentPingTimeouts: 20 }), 0, '20 pings of 5 s: 100 s');
});
