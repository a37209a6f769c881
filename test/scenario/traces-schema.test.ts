/**
 * The scenario fields real traces need: agent hostnames, attributes and start times, cluster
 * events, framework capabilities and constraints, the GPU filter flag, and trace tasks (inline
 * or a file), each with its exact error lines.
 */
import test from 'ava';
import { attributeText, parseAttributes } from '../../src/scenario/attributes.js';
import { formatScenarioError } from '../../src/scenario/issues.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { scenarioWarnings } from '../../src/scenario/warnings.js';
import { base, type Json } from './fixtures.js';

function valid(t: { fail(m: string): void }, json: Json): Scenario {
  const r = validateScenario(json);
  if (!r.ok) {
    t.fail(r.error.map(formatScenarioError).join('\n'));
    throw new Error('invalid');
  }
  return r.value;
}

function errors(json: Json): string[] {
  const r = validateScenario(json);
  return r.ok ? [] : r.error.map(formatScenarioError);
}

test('attribute text: Mesos types from the form of each value, and back to text', (t) => {
  const r = parseAttributes('rack:r1;gpu_model:V100;level:3;p:[1-10,20-30];s:{a,b}');
  t.true(r.ok);
  if (!r.ok) return;
  t.deepEqual(
    r.value.map((a) => [a.name, a.type, attributeText(a)]),
    [
      ['rack', 'TEXT', 'r1'],
      ['gpu_model', 'TEXT', 'V100'],
      ['level', 'SCALAR', '3'],
      ['p', 'RANGES', '[1-10,20-30]'],
      ['s', 'SET', '{a,b}'],
    ],
  );
  t.deepEqual(parseAttributes('rack'), {
    ok: false,
    error: '"rack" is not name:value (expected e.g. "rack:r1;gpu_model:V100")',
  });
  t.deepEqual(parseAttributes('a:1;a:2'), { ok: false, error: 'attribute "a" is given twice' });
  t.deepEqual(parseAttributes('p:[5-1]'), { ok: false, error: 'attribute "p": range "5-1" goes backwards' });
});

test('agent groups: hostname (numbered in a group of several), attributes, start time', (t) => {
  const json = base();
  json.agents = [
    { count: 2, resources: 'cpus:8;mem:16384', hostname: 'rack1-host', attributes: 'rack:r1' },
    { resources: 'cpus:8;mem:16384', hostname: 'solo', at: 60 },
    { resources: 'cpus:8;mem:16384' },
  ];
  const s = valid(t, json);
  t.deepEqual(
    s.agents.map((a) => [a.id, a.hostname, a.attributes.length, a.startMs]),
    [
      ['agent-0', 'rack1-host-0', 1, 0],
      ['agent-1', 'rack1-host-1', 1, 0],
      ['agent-2', 'solo', 0, 60_000],
      ['agent-3', 'agent-3', 0, 0],
    ],
  );
  json.agents = [{ resources: 'cpus:8;mem:16384', hostname: 'a b', attributes: 'rack', at: 4000 }];
  t.deepEqual(errors(json), [
    'agents[0].hostname: invalid hostname "a b" (letters, digits, ".", "-" and "_")',
    'agents[0].attributes: "rack" is not name:value (expected e.g. "rack:r1;gpu_model:V100")',
    'agents[0].at: must be before the end of the run (until 3600 s), got 4000 s',
  ]);
});

test('cluster events are sorted by time and checked', (t) => {
  const json = base();
  json.cluster = [
    { at: 300, kind: 'agent-resize', agent: 1, resources: 'cpus:16;mem:32768' },
    { at: 100, kind: 'agent-remove', agent: 2 },
    { at: 200, kind: 'agent-add', agent: 2 },
  ];
  const s = valid(t, json);
  t.deepEqual(
    s.cluster.map((e) => [e.kind, e.atMs, e.agentId]),
    [
      ['agent-remove', 100_000, 'agent-2'],
      ['agent-add', 200_000, 'agent-2'],
      ['agent-resize', 300_000, 'agent-1'],
    ],
  );
  json.cluster = [
    { at: 1, kind: 'agent-explode', agent: 0 },
    { at: 1, kind: 'agent-remove', agent: 10 },
    { at: 1, kind: 'agent-resize', agent: 0 },
    { at: 1, kind: 'agent-add', agent: 0, resources: 'cpus:1' },
  ];
  t.deepEqual(errors(json), [
    'cluster[0].kind: unknown cluster event kind "agent-explode" (expected one of agent-add, agent-remove, agent-resize)',
    'cluster[1].agent: no agent 10 (the scenario has agents 0 to 9)',
    'cluster[2].resources: missing (required)',
    'cluster[3].resources: unknown key (expected one of at, kind, agent)',
  ]);
});

test('framework capabilities, constraints and the GPU filter flag', (t) => {
  const json = base();
  const fw = (json.frameworks as { [k: string]: Json }[])[0] as { [k: string]: Json };
  fw.capabilities = ['GPU_RESOURCES'];
  fw.constraints = [
    ['hostname', 'UNIQUE'],
    ['rack', 'LIKE', 'r[12]'],
    ['gpu', 'IN', '{V100,A100}'],
    ['rack', 'MAX_PER', '2'],
  ];
  json.master = { filterGpuResources: false };
  const s = valid(t, json);
  const a = s.frameworks[0];
  t.deepEqual(a?.capabilities, ['GPU_RESOURCES']);
  t.deepEqual(
    a?.constraints.map((c) => [c.field, c.operator, c.value]),
    [
      ['hostname', 'UNIQUE', undefined],
      ['rack', 'LIKE', 'r[12]'],
      ['gpu', 'IN', '{V100,A100}'],
      ['rack', 'MAX_PER', '2'],
    ],
  );
  t.true(a?.constraints[1]?.pattern?.test('r1'));
  t.false(a?.constraints[1]?.pattern?.test('r13'), 'LIKE matches the whole value, as Marathon does');
  t.false(s.master.filterGpuResources);
  fw.capabilities = ['GPU'];
  fw.constraints = [
    ['hostname', 'UNIQUE', 'x'],
    ['rack', 'LIKE'],
    ['rack', 'NEAR', 'x'],
    ['rack', 'LIKE', '('],
    ['rack', 'MAX_PER', '0'],
    'rack',
  ];
  t.deepEqual(errors(json), [
    'frameworks[0].capabilities[0]: unknown capability "GPU" (expected one of GPU_RESOURCES)',
    'frameworks[0].constraints[0]: UNIQUE takes no value',
    'frameworks[0].constraints[1]: LIKE needs a value',
    'frameworks[0].constraints[2]: unknown operator "NEAR" (expected one of UNIQUE, CLUSTER, LIKE, UNLIKE, IS, IN, MAX_PER)',
    'frameworks[0].constraints[3]: LIKE: invalid regular expression "(" (Invalid regular expression: /^(?:()$/u: Unterminated group)',
    'frameworks[0].constraints[4]: MAX_PER needs a whole number >= 1, got "0"',
    'frameworks[0].constraints[5]: expected [field, operator] or [field, operator, value] (strings), got "rack"',
  ]);
});

test('GPU agents and no GPU_RESOURCES framework: a warning', (t) => {
  const json = base();
  json.agents = [{ count: 2, resources: 'cpus:8;mem:16384;gpus:4', attributes: 'gpu_model:V100' }];
  json.faults = [];
  t.deepEqual(scenarioWarnings(valid(t, json)), [
    '2 agents have GPUs but no framework has the GPU_RESOURCES capability: with master.filterGpuResources on (the default, as Mesos --filter_gpu_resources), those agents are never offered. Add "capabilities": ["GPU_RESOURCES"] to the frameworks that use GPUs.',
  ]);
  ((json.frameworks as Json[])[0] as { [k: string]: Json }).capabilities = ['GPU_RESOURCES'];
  t.deepEqual(scenarioWarnings(valid(t, json)), []);
});

test('trace tasks inline: defaults, order, unknown frameworks, fit', (t) => {
  const json = base();
  json.tasks = [
    { at: 0, framework: 'A', resources: 'cpus:1;mem:1024', duration: 30 },
    {
      at: 5,
      framework: 'B',
      id: 'j1.0',
      resources: 'cpus:2;mem:1024',
      duration: 'forever',
      outcome: 'evicted',
      scheduled: 7.5,
      band: 'production',
      group: 'j1',
      after: ['j0'],
      constraints: [['hostname', 'UNIQUE']],
    },
  ];
  const s = valid(t, json);
  t.is(s.tasks?.kind, 'inline');
  const tasks = s.tasks?.kind === 'inline' ? s.tasks.tasks : [];
  t.deepEqual(
    tasks.map((k) => [
      k.atMs,
      k.framework,
      k.id,
      k.durationMs,
      k.outcome,
      k.scheduledMs,
      k.band,
      k.group,
      k.after,
    ]),
    [
      [0, 'A', undefined, 30_000, 'finished', undefined, undefined, undefined, []],
      [5000, 'B', 'j1.0', Number.POSITIVE_INFINITY, 'evicted', 7500, 'production', 'j1', ['j0']],
    ],
  );
  json.tasks = [
    { at: 10, framework: 'C', resources: 'cpus:1' },
    { at: 5, framework: 'A', resources: 'cpus:100', outcome: 'crashed' },
    { at: 5, framework: 'A', resources: 'cpus:1', scheduled: 4 },
  ];
  t.deepEqual(errors(json), [
    'tasks[0].framework: no framework "C" in the scenario',
    'tasks[1].resources: one task needs cpus:100, more than any agent offers to role "a" (at most cpus:8)',
    'tasks[1].outcome: unknown outcome "crashed" (expected one of finished, failed, killed, evicted, lost)',
    'tasks[2].scheduled: must not be before "at" (5 s), got 4 s',
  ]);
  json.tasks = [
    { at: 10, framework: 'A', resources: 'cpus:1' },
    { at: 5, framework: 'A', resources: 'cpus:1' },
  ];
  t.deepEqual(errors(json), ['tasks[1].at: tasks must be in submission order: 5 s comes after 10 s']);
  json.tasks = { file: 'tasks.jsonl.gz' };
  t.deepEqual(valid(t, json).tasks, { kind: 'file', path: 'tasks.jsonl.gz' });
});
