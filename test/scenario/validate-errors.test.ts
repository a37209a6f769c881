/**
 * Bad scenarios and the exact lines they are rejected with. Each case breaks the valid base
 * scenario (fixtures.ts) in one place and lists every `path: message` it must produce, in order.
 */
import test from 'ava';
import { formatScenarioError } from '../../src/scenario/issues.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { base, type Json } from './fixtures.js';

type Key = string | number;
/** Sets (or, with `undefined`, deletes) the value at `path`. */
type Edit = readonly [path: readonly Key[], value: Json | undefined];

function apply(root: { [key: string]: Json }, edits: readonly Edit[]): Json {
  for (const [path, value] of edits) {
    let node: Json = root;
    for (const key of path.slice(0, -1)) node = (node as Record<Key, Json>)[key] as Json;
    const last = path[path.length - 1] as Key;
    if (value === undefined) delete (node as Record<Key, Json>)[last];
    else (node as Record<Key, Json>)[last] = value;
  }
  return root;
}

const NAMES = '(expected one of cpus, gpus, mem, disk, ports)';

const rejects = test.macro<[edits: readonly Edit[], expected: readonly string[]]>({
  exec(t, edits, expected) {
    const r = validateScenario(apply(base(), edits));
    if (r.ok) {
      t.fail('the scenario validated');
      return;
    }
    t.deepEqual(r.error.map(formatScenarioError), expected);
  },
  title: (provided = '') => `rejects ${provided}`,
});

test('the base scenario is valid', (t) => {
  t.true(validateScenario(base()).ok);
});

// The example from the issue text.
test(
  'an unknown resource name in a job, with the path',
  rejects,
  [[['frameworks', 1, 'jobs', 0, 'resources'], 'cpu:1;mem:1024']],
  [`frameworks[1].jobs[0].resources: unknown resource "cpu" at 0 ${NAMES}`],
);
test(
  'an unknown resource name in an agent',
  rejects,
  [[['agents', 0, 'resources'], 'cpus:8;memory:16384']],
  [`agents[0].resources: unknown resource "memory" at 7 ${NAMES}`],
);

// Unknown keys, with and without a hint.
test(
  'a misspelt top-level key',
  rejects,
  [
    [['until'], undefined],
    [['untill'], 3600],
  ],
  ['untill: unknown key (did you mean "until"?)', 'until: missing (required)'],
);
test(
  'a misspelt nested key',
  rejects,
  [
    [['frameworks', 0, 'jobs', 0, 'duration'], undefined],
    [['frameworks', 0, 'jobs', 0, 'durration'], 60],
  ],
  [
    'frameworks[0].jobs[0].durration: unknown key (did you mean "duration"?)',
    'frameworks[0].jobs[0].duration: missing (required)',
  ],
);
test(
  'a snake_case key',
  rejects,
  [[['allocator', 'refuse_seconds'], 5]],
  ['allocator.refuse_seconds: unknown key (did you mean "refuseSeconds"?)'],
);
test(
  'a key in the wrong case',
  rejects,
  [[['network', 'Loss'], 0.1]],
  ['network.Loss: unknown key (did you mean "loss"?)'],
);
test(
  'an unknown key with nothing close',
  rejects,
  [[['frameworks', 0, 'colour'], 'red']],
  [
    'frameworks[0].colour: unknown key (expected one of name, role, weight, maxTasksPerOffer, failoverTimeout, reconcileInterval, checkpoint, quota, capabilities, constraints, jobs)',
  ],
);
test(
  'a key that names an Object.prototype member',
  rejects,
  [[['constructor'], 1]],
  [
    'constructor: unknown key (expected one of name, description, seed, until, allocator, master, network, agents, frameworks, faults, cluster, tasks)',
  ],
);
test(
  'an odd key is quoted in the path',
  rejects,
  [[['network', 'max latency'], 1]],
  ['network["max latency"]: unknown key (expected one of latency, loss, duplication, reorder)'],
);

// The top level.
test('a scenario that is not an object', (t) => {
  const r = validateScenario([]);
  t.deepEqual(r.ok ? [] : r.error.map(formatScenarioError), ['(root): expected an object, got an array']);
});
test('until must be positive', rejects, [[['until'], -5]], ['until: must be greater than 0, got -5']);
test('until must be a number', rejects, [[['until'], '3600']], ['until: expected a number, got "3600"']);
test(
  'until at most a year',
  rejects,
  [[['until'], 40_000_000]],
  ['until: must be at most 31536000, got 40000000'],
);
test(
  'until must be finite',
  rejects,
  [[['until'], Number.NaN]],
  ['until: expected a finite number, got NaN'],
);
test('the seed is a whole number', rejects, [[['seed'], 1.5]], ['seed: expected a whole number, got 1.5']);
test('the name is required', rejects, [[['name'], undefined]], ['name: missing (required)']);
test(
  'names use a safe alphabet',
  rejects,
  [[['name'], 'my run']],
  ['name: invalid name "my run" (use letters, digits, ".", "_" and "-", starting with a letter or digit)'],
);
test(
  'names are at most 64 characters',
  rejects,
  [[['name'], 'x'.repeat(65)]],
  ['name: must be at most 64 characters long, got 65'],
);

// Allocator and network.
test(
  'an unknown policy lists the known ones',
  rejects,
  [[['allocator', 'policy'], 'dfr']],
  ['allocator.policy: unknown policy "dfr" (expected one of drf, asset, random)'],
);
test(
  'the allocation interval is positive',
  rejects,
  [[['allocator', 'allocationInterval'], 0]],
  ['allocator.allocationInterval: must be greater than 0, got 0'],
);
test(
  'refuseSeconds is not negative',
  rejects,
  [[['allocator', 'refuseSeconds'], -1]],
  ['allocator.refuseSeconds: must be at least 0, got -1'],
);
test(
  'a loss of 1 is refused',
  rejects,
  [[['network', 'loss'], 1]],
  ['network.loss: must be less than 1, got 1'],
);
test(
  'a loss given in percent is refused',
  rejects,
  [[['network', 'loss'], 5]],
  ['network.loss: must be less than 1, got 5'],
);
test(
  'latency max below min',
  rejects,
  [[['network', 'latency', 'max'], 0.0001]],
  ['network.latency.max: must be at least "min" (0.0005 s), got 0.0001 s'],
);
test(
  'latency over a minute',
  rejects,
  [[['network', 'latency', 'max'], 61]],
  ['network.latency.max: must be at most 60, got 61'],
);

// Agents.
test('agents must not be empty', rejects, [[['agents'], []]], ['agents: must list at least one agent group']);
test(
  'an agent group needs a count of at least 1',
  rejects,
  [[['agents', 0, 'count'], 0]],
  ['agents[0].count: must be at least 1, got 0'],
);
test(
  'too many agents in all',
  rejects,
  [
    [['agents', 0, 'count'], 60_000],
    [['agents', 1], { count: 60_000, resources: 'cpus:1;mem:1024' }],
  ],
  ['agents: 120000 agents in all, more than the limit of 100000'],
);
test(
  'agent resources must be text',
  rejects,
  [[['agents', 0, 'resources'], 8]],
  ['agents[0].resources: expected resource text like "cpus:1;mem:1024", got 8'],
);
test(
  'agent resources must not be empty',
  rejects,
  [[['agents', 0, 'resources'], ' ; ']],
  ['agents[0].resources: must not be empty'],
);

// Frameworks.
test(
  'framework names are unique',
  rejects,
  [[['frameworks', 1, 'name'], 'A']],
  ['frameworks[1].name: duplicate framework name "A" (also frameworks[0])'],
);
test(
  'roles follow the Mesos rules',
  rejects,
  [[['frameworks', 0, 'role'], 'a//b']],
  ['frameworks[0].role: invalid role "a//b": a role must not contain "//"'],
);
test(
  'weights belong to roles',
  rejects,
  [
    [['frameworks', 1, 'role'], 'a'],
    [['frameworks', 1, 'weight'], 2],
  ],
  [
    'frameworks[1].weight: 2 differs from the weight 1 of frameworks[0], which shares role "a" (weights belong to roles)',
  ],
);
test(
  'weights are positive',
  rejects,
  [[['frameworks', 0, 'weight'], 0]],
  ['frameworks[0].weight: must be greater than 0, got 0'],
);
test(
  'maxTasksPerOffer is a whole number',
  rejects,
  [[['frameworks', 0, 'maxTasksPerOffer'], 0.5]],
  ['frameworks[0].maxTasksPerOffer: expected a whole number, got 0.5'],
);
test(
  'jobs must be an array',
  rejects,
  [[['frameworks', 0, 'jobs'], { at: 0 }]],
  ['frameworks[0].jobs: expected an array, got an object'],
);

// Jobs.
test(
  'a job needs at or arrival',
  rejects,
  [[['frameworks', 0, 'jobs', 0, 'at'], undefined]],
  ['frameworks[0].jobs[0].at: missing (required unless "arrival" is given)'],
);
test(
  'a job cannot have both at and arrival',
  rejects,
  [[['frameworks', 0, 'jobs', 0, 'arrival'], { process: 'poisson', rate: 1 }]],
  ['frameworks[0].jobs[0].arrival: not allowed together with "at" (give one of them)'],
);
test(
  'a job submitted after the end of the run',
  rejects,
  [[['frameworks', 0, 'jobs', 0, 'at'], 3600]],
  ['frameworks[0].jobs[0].at: must be before the end of the run (until 3600 s), got 3600 s'],
);
test(
  'a negative submission time',
  rejects,
  [[['frameworks', 0, 'jobs', 0, 'at'], -1]],
  ['frameworks[0].jobs[0].at: must be at least 0, got -1'],
);
test(
  'tasks is a positive whole number',
  rejects,
  [
    [['frameworks', 0, 'jobs', 0, 'tasks'], 0],
    [['frameworks', 1, 'jobs', 0, 'tasks'], 2.5],
  ],
  [
    'frameworks[0].jobs[0].tasks: must be at least 1, got 0',
    'frameworks[1].jobs[0].tasks: expected a whole number, got 2.5',
  ],
);
test(
  'job names are unique in their framework',
  rejects,
  [
    [['frameworks', 0, 'jobs', 0, 'name'], 'x'],
    [['frameworks', 0, 'jobs', 1], { name: 'x', at: 1, tasks: 1, resources: 'cpus:1', duration: 1 }],
  ],
  ['frameworks[0].jobs[1].name: duplicate job name "x" (also frameworks[0].jobs[0])'],
);
test(
  'failRate is a probability',
  rejects,
  [[['frameworks', 0, 'jobs', 0, 'failRate'], 1.5]],
  ['frameworks[0].jobs[0].failRate: must be at most 1, got 1.5'],
);
test(
  'a task bigger than every agent',
  rejects,
  [[['frameworks', 0, 'jobs', 0, 'resources'], 'cpus:1;mem:40960']],
  [
    'frameworks[0].jobs[0].resources: one task needs mem:40960, more than any agent offers to role "a" (at most mem:16384)',
  ],
);
test(
  'a task that fits no single agent',
  rejects,
  [
    [['agents', 1], { count: 1, resources: 'cpus:32;mem:1024' }],
    [['frameworks', 0, 'jobs', 0, 'resources'], 'cpus:16;mem:4096'],
  ],
  ['frameworks[0].jobs[0].resources: no single agent has all that one task needs in role "a"'],
);
test(
  'resources reserved for another role',
  rejects,
  [[['frameworks', 0, 'jobs', 0, 'resources'], 'cpus(b):1']],
  [
    'frameworks[0].jobs[0].resources: "cpus" is reserved for role "b", but the framework\'s role is "a"; it would never be offered',
  ],
);

// Durations.
test(
  'an unknown distribution with a hint',
  rejects,
  [[['frameworks', 1, 'jobs', 0, 'duration'], { dist: 'exponental', mean: 30 }]],
  ['frameworks[1].jobs[0].duration.dist: unknown distribution "exponental" (did you mean "exponential"?)'],
);
test(
  'an unknown distribution without a hint',
  rejects,
  [[['frameworks', 1, 'jobs', 0, 'duration'], { dist: 'pareto', mean: 30 }]],
  [
    'frameworks[1].jobs[0].duration.dist: unknown distribution "pareto" (expected one of exponential, uniform, lognormal)',
  ],
);
test(
  'a distribution without dist',
  rejects,
  [[['frameworks', 1, 'jobs', 0, 'duration'], { mean: 30 }]],
  ['frameworks[1].jobs[0].duration.dist: missing (required)'],
);
test(
  'an exponential mean of 0',
  rejects,
  [[['frameworks', 1, 'jobs', 0, 'duration', 'mean'], 0]],
  ['frameworks[1].jobs[0].duration.mean: must be greater than 0, got 0'],
);
test(
  'a uniform max below min',
  rejects,
  [[['frameworks', 1, 'jobs', 0, 'duration'], { dist: 'uniform', min: 90, max: 30 }]],
  ['frameworks[1].jobs[0].duration.max: must be at least "min" (90 s), got 30 s'],
);
test(
  'lognormal takes mean and stddev, not mu and sigma',
  rejects,
  [[['frameworks', 1, 'jobs', 0, 'duration'], { dist: 'lognormal', mu: 3, sigma: 1 }]],
  [
    'frameworks[1].jobs[0].duration.mu: unknown key (expected one of dist, mean, stddev)',
    'frameworks[1].jobs[0].duration.sigma: unknown key (expected one of dist, mean, stddev)',
    'frameworks[1].jobs[0].duration.mean: missing (required)',
    'frameworks[1].jobs[0].duration.stddev: missing (required)',
  ],
);
test(
  'a duration as text',
  rejects,
  [[['frameworks', 0, 'jobs', 0, 'duration'], '1h']],
  [
    'frameworks[0].jobs[0].duration: expected a number of seconds, "forever" or a distribution like {"dist":"exponential","mean":30}, got "1h"',
  ],
);
test(
  'a negative duration',
  rejects,
  [[['frameworks', 0, 'jobs', 0, 'duration'], -1]],
  ['frameworks[0].jobs[0].duration: must be at least 0, got -1'],
);

// Arrival processes.
const arrival = (a: Json): Edit[] => [
  [['frameworks', 0, 'jobs', 0, 'at'], undefined],
  [['frameworks', 0, 'jobs', 0, 'arrival'], a],
];
test('an unknown arrival process', rejects, arrival({ process: 'periodic', rate: 1 }), [
  'frameworks[0].jobs[0].arrival.process: unknown arrival process "periodic" (expected one of poisson)',
]);
test('an arrival rate of 0', rejects, arrival({ process: 'poisson', rate: 0 }), [
  'frameworks[0].jobs[0].arrival.rate: must be greater than 0, got 0',
]);
test(
  'an arrival process past the end of the run',
  rejects,
  arrival({ process: 'poisson', rate: 1, until: 4000 }),
  ['frameworks[0].jobs[0].arrival.until: must be at most the end of the run (until 3600 s), got 4000 s'],
);
test(
  'an arrival process ending before it starts',
  rejects,
  arrival({ process: 'poisson', rate: 1, from: 100, until: 50 }),
  ['frameworks[0].jobs[0].arrival.until: must be after "from" (100 s), got 50 s'],
);
test('too many expected arrivals', rejects, arrival({ process: 'poisson', rate: 1000 }), [
  'frameworks[0].jobs[0].arrival.rate: expects 3600000 arrivals (rate × span), more than the limit of 1000000',
]);
test(
  'too many tasks in all, Poisson jobs at their expected arrivals',
  rejects,
  [
    ...arrival({ process: 'poisson', rate: 100 }),
    [['frameworks', 0, 'jobs', 0, 'tasks'], 30],
    [['frameworks', 0, 'jobs', 0, 'resources'], 'cpus:0.001'],
  ],
  [
    'frameworks: about 10800005 tasks in all (Poisson jobs at their expected arrivals), more than the limit of 10000000',
  ],
);

// Faults.
test(
  'an unknown fault kind with a hint',
  rejects,
  [[['faults', 0, 'kind'], 'agent-crsh']],
  ['faults[0].kind: unknown fault kind "agent-crsh" (did you mean "agent-crash"?)'],
);
test(
  'an unknown agent recovery with a hint',
  rejects,
  [[['faults', 0, 'recover'], 'reconect']],
  ['faults[0].recover: unknown agent recovery "reconect" (did you mean "reconnect"?)'],
);
test(
  'a framework checkpoint flag that is not a boolean',
  rejects,
  [[['frameworks', 0, 'checkpoint'], 'yes']],
  ['frameworks[0].checkpoint: expected true or false, got "yes"'],
);
test(
  'a quota that is not an object of amounts',
  rejects,
  [[['frameworks', 0, 'quota'], 'cpus:4']],
  ['frameworks[0].quota: expected an object of resource name → amount, e.g. {"cpus": 8, "mem": 16384}'],
);
test(
  'a quota on a resource nothing offers (it would limit nothing)',
  rejects,
  [[['frameworks', 0, 'quota'], { cpu: 2, ports: 5 }]],
  [
    'frameworks[0].quota.cpu: unknown resource "cpu" (expected one of cpus, gpus, mem, disk; did you mean "cpus"?)',
    'frameworks[0].quota.ports: "ports" is not a scalar resource: a quota limits cpus, gpus, mem, disk',
  ],
);
test(
  'a negative quota',
  rejects,
  [[['frameworks', 0, 'quota'], { cpus: -1 }]],
  ['frameworks[0].quota.cpus: must be at least 0, got -1'],
);
test(
  'a task larger than its role’s quota could never launch',
  rejects,
  [[['frameworks', 0, 'quota'], { cpus: 0.5 }]],
  [
    "frameworks[0].jobs[0].resources: a task needs cpus:1, more than the role's quota of 0.5: it could never be launched",
  ],
);
test('frameworks sharing a role may give its quota in any key order', (t) => {
  const r = validateScenario(
    apply(base(), [
      [['frameworks', 0, 'quota'], { cpus: 50, mem: 100_000 }],
      [['frameworks', 1, 'role'], 'a'],
      [['frameworks', 1, 'quota'], { mem: 100_000, cpus: 50 }],
    ]),
  );
  t.true(r.ok, JSON.stringify(r.ok ? '' : r.error));
});
test(
  'frameworks sharing a role with different quotas',
  rejects,
  [
    [['frameworks', 0, 'quota'], { cpus: 50 }],
    [['frameworks', 1, 'role'], 'a'],
  ],
  [
    'frameworks[1].quota: differs from the quota of frameworks[0], which shares role "a" (quotas belong to roles)',
  ],
);
test(
  'a fault key of another kind',
  rejects,
  [[['faults', 0, 'duration'], 5]],
  ['faults[0].duration: unknown key (expected one of kind, at, agent, restartAfter, recover)'],
);
test(
  'a fault on an agent that does not exist',
  rejects,
  [[['faults', 0, 'agent'], 10]],
  ['faults[0].agent: no agent 10 (agents are numbered 0 to 9)'],
);
test(
  'a restart after 0 s',
  rejects,
  [[['faults', 0, 'restartAfter'], 0]],
  ['faults[0].restartAfter: must be greater than 0, got 0'],
);
test(
  'a fault after the end of the run',
  rejects,
  [[['faults', 0, 'at'], 7200]],
  ['faults[0].at: must be before the end of the run (until 3600 s), got 7200 s'],
);
test(
  'crashing an agent that is down',
  rejects,
  [[['faults', 1], { at: 150, kind: 'agent-crash', agent: 3 }]],
  ['faults[1].agent: agent-3 is already down at 150 s (crashed by faults[0])'],
);
test(
  'crashing an agent again after it restarted is fine, restarting an up one is not',
  rejects,
  [
    [['faults', 1], { at: 180, kind: 'agent-crash', agent: 3 }],
    [['faults', 2], { at: 170, kind: 'agent-restart', agent: 4 }],
  ],
  ['faults[2].agent: agent-4 is not down at 170 s, so there is nothing to restart'],
);
test(
  'faults are replayed in time order, not file order',
  rejects,
  [
    [['faults', 0], { at: 500, kind: 'agent-restart', agent: 3 }],
    [['faults', 1], { at: 100, kind: 'agent-crash', agent: 3, restartAfter: 100 }],
  ],
  ['faults[0].agent: agent-3 is not down at 500 s, so there is nothing to restart'],
);
test(
  'a partition with an unknown process',
  rejects,
  [
    [
      ['faults', 0],
      { at: 100, kind: 'network-partition', duration: 10, sides: [['master'], ['agent-12', 'sheduler-A']] },
    ],
  ],
  [
    'faults[0].sides[1][0]: no agent "agent-12" (agents are agent-0 to agent-9)',
    'faults[0].sides[1][1]: unknown process "sheduler-A" (did you mean "scheduler-A"?)',
  ],
);
test(
  'a partition with a process on both sides',
  rejects,
  [
    [
      ['faults', 0],
      { at: 100, kind: 'network-partition', duration: 10, sides: [['master', 'agent-1'], ['agent-1']] },
    ],
  ],
  ['faults[0].sides[1][0]: "agent-1" is on both sides'],
);
test(
  'a partition needs two non-empty sides',
  rejects,
  [
    [['faults', 0], { at: 100, kind: 'network-partition', duration: 10, sides: [['master'], []] }],
    [['faults', 1], { at: 100, kind: 'network-partition', duration: 10, sides: [['master']] }],
  ],
  ['faults[0].sides[1]: must name at least one process', 'faults[1].sides: expected two sides, got 1'],
);
test(
  'a partition of an unknown framework',
  rejects,
  [
    [
      ['faults', 0],
      { at: 100, kind: 'network-partition', duration: 10, sides: [['master'], ['scheduler-C']] },
    ],
  ],
  ['faults[0].sides[1][0]: unknown framework "C" in "scheduler-C" (expected one of A, B)'],
);
test(
  'a crash of an unknown framework',
  rejects,
  [[['faults', 0], { at: 100, kind: 'framework-crash', framework: 'a' }]],
  ['faults[0].framework: unknown framework "a" (did you mean "A"?)'],
);
test(
  'a framework crashing before it failed over',
  rejects,
  [
    [['faults', 0], { at: 100, kind: 'framework-crash', framework: 'A', failoverAfter: 30 }],
    [['faults', 1], { at: 120, kind: 'framework-crash', framework: 'A' }],
  ],
  ['faults[1].framework: "A" is already down at 120 s (crashed by faults[0])'],
);

// Many errors at once.
test(
  'every problem is reported, in file order',
  rejects,
  [
    [['seed'], -1],
    [['network', 'duplication'], 2],
    [['frameworks', 0, 'jobs', 0, 'tasks'], '100'],
    [['frameworks', 1, 'jobs', 0, 'resources'], 'cpu:3'],
    [['faults', 0, 'agent'], 'agent-3'],
  ],
  [
    'seed: must be at least 0, got -1',
    'network.duplication: must be less than 1, got 2',
    'frameworks[0].jobs[0].tasks: expected a number, got "100"',
    `frameworks[1].jobs[0].resources: unknown resource "cpu" at 0 ${NAMES}`,
    'faults[0].agent: expected a number, got "agent-3"',
  ],
);

test(
  'a network reorder flag that is not a boolean',
  rejects,
  [[['network', 'reorder'], 'yes']],
  ['network.reorder: expected true or false, got "yes"'],
);

test(
  'master timeouts are positive and the ping count whole',
  rejects,
  [[['master'], { offerTimeout: 0, agentPingTimeout: -1, maxAgentPingTimeouts: 2.5 }]],
  [
    'master.offerTimeout: must be greater than 0, got 0',
    'master.agentPingTimeout: must be greater than 0, got -1',
    'master.maxAgentPingTimeouts: expected a whole number, got 2.5',
  ],
);

test(
  'a clock skew beyond what a clock can drift',
  rejects,
  [[['faults', 1], { kind: 'clock-skew', at: 10, process: 'agent-3', rate: 3 }]],
  ['faults[1].rate: must be at most 2, got 3'],
);

test(
  'a clock skew of a process that does not exist',
  rejects,
  [[['faults', 1], { kind: 'clock-skew', at: 10, process: 'agent-30', jump: 5 }]],
  ['faults[1].process: no agent "agent-30" (agents are agent-0 to agent-9)'],
);

test(
  'a master crash while the master is down',
  rejects,
  [
    [['faults', 1], { kind: 'master-crash', at: 10, restartAfter: 60 }],
    [['faults', 2], { kind: 'master-crash', at: 20 }],
  ],
  ['faults[2].at: the master is already down at 20 s (crashed by faults[1])'],
);

test(
  'a one-way partition flag that is not a boolean',
  rejects,
  [
    [
      ['faults', 1],
      { kind: 'network-partition', at: 10, duration: 5, sides: [['master'], ['agent-1']], oneWay: 'yes' },
    ],
  ],
  ['faults[1].oneWay: expected true or false, got "yes"'],
);

test('master crashes, clock skews and one-way partitions validate with their defaults', (t) => {
  const r = validateScenario(
    apply(base(), [
      [['faults', 1], { kind: 'master-crash', at: 10, restartAfter: 60 }],
      [['faults', 2], { kind: 'clock-skew', at: 20, process: 'master', jump: -1.5 }],
      [
        ['faults', 3],
        { kind: 'network-partition', at: 30, duration: 5, sides: [['master'], ['agent-1']], oneWay: true },
      ],
    ]),
  );
  if (!r.ok) {
    t.fail(JSON.stringify(r.error));
    return;
  }
  t.deepEqual(
    r.value.faults.filter((f) => f.kind !== 'agent-crash'),
    [
      { kind: 'master-crash', atMs: 10_000, restartAfterMs: 60_000 },
      { kind: 'clock-skew', atMs: 20_000, process: 'master', jumpMs: -1500, rate: 1 },
      {
        kind: 'network-partition',
        atMs: 30_000,
        durationMs: 5000,
        sides: [['master'], ['agent-1']],
        oneWay: true,
      },
    ],
  );
});
