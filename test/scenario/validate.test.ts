/** What a valid scenario becomes: defaults, units, expansion, order. */
import test from 'ava';
import { formatResources } from '../../src/core/resource-text.js';
import { formatScenarioError } from '../../src/scenario/issues.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { loadScenarioText, validateScenario } from '../../src/scenario/validate.js';
import { base, ISSUE_EXAMPLE } from './fixtures.js';

function valid(json: unknown): Scenario {
  const r = validateScenario(json);
  if (!r.ok) throw new Error(r.error.map(formatScenarioError).join('\n'));
  return r.value;
}

const MINIMAL = { name: 'min', until: 10, agents: [{ resources: 'cpus:1;mem:1024' }] };

test('the issue example validates, with times in ms', (t) => {
  const r = loadScenarioText(ISSUE_EXAMPLE, 'issue.json');
  if (!r.ok) {
    t.fail(r.error.map(formatScenarioError).join('\n'));
    return;
  }
  const s = r.value;
  t.is(s.name, 'mixed');
  t.is(s.untilMs, 3_600_000);
  t.deepEqual(s.allocator, { policy: 'drf', allocationIntervalMs: 1000, refuseSeconds: 5 });
  t.deepEqual(s.network, { latencyMinMs: 0.5, latencyMaxMs: 2, loss: 0, duplication: 0, reorder: false });
  t.deepEqual(
    s.agents.map((a) => a.id),
    Array.from({ length: 10 }, (_, i) => `agent-${i}`),
  );
  const [fw] = s.frameworks;
  t.is(fw?.role, 'a');
  t.is(fw?.maxTasksPerOffer, 1);
  t.deepEqual(fw?.jobs[0]?.start, { kind: 'at', atMs: 0 });
  t.deepEqual(fw?.jobs[0]?.duration, { kind: 'constant', valueMs: 60_000 });
  t.deepEqual(s.faults, [
    { kind: 'agent-crash', atMs: 120_000, agentId: 'agent-3', restartAfterMs: 60_000, recover: 'reboot' },
  ]);
});

test('defaults are filled in', (t) => {
  const s = valid({
    ...MINIMAL,
    frameworks: [{ name: 'web', jobs: [{ at: 1, tasks: 2, resources: 'cpus:0.5', duration: 'forever' }] }],
  });
  t.is(s.seed, 1);
  t.is(s.description, '');
  t.deepEqual(s.allocator, { policy: 'drf', allocationIntervalMs: 1000, refuseSeconds: 5 });
  t.deepEqual(s.network, { latencyMinMs: 0.5, latencyMaxMs: 2, loss: 0, duplication: 0, reorder: false });
  t.deepEqual(s.faults, []);
  const fw = s.frameworks[0];
  t.is(fw?.role, 'web', 'the role defaults to the name');
  t.is(fw?.weight, 1);
  t.is(fw?.maxTasksPerOffer, Number.POSITIVE_INFINITY);
  t.is(fw?.failoverTimeoutMs, 0);
  t.is(fw?.jobs[0]?.name, 'job-0');
  t.is(fw?.jobs[0]?.failRate, 0);
  t.deepEqual(fw?.jobs[0]?.duration, { kind: 'forever' });
});

test('frameworks and faults may be left out', (t) => {
  const s = valid(MINIMAL);
  t.deepEqual(s.frameworks, []);
  t.deepEqual(s.faults, []);
});

test('agents are expanded in file order across groups, sharing their resources', (t) => {
  const s = valid({
    ...MINIMAL,
    agents: [{ count: 2, resources: 'cpus:8;mem:1024' }, { resources: 'cpus:16;mem:2048' }],
  });
  t.deepEqual(
    s.agents.map((a) => [a.id, a.index, a.group, formatResources(a.resources)]),
    [
      ['agent-0', 0, 0, 'cpus:8;mem:1024'],
      ['agent-1', 1, 0, 'cpus:8;mem:1024'],
      ['agent-2', 2, 1, 'cpus:16;mem:2048'],
    ],
  );
  t.is(s.agents[0]?.resources, s.agents[1]?.resources);
});

test('a lone latency bound moves the other default out of its way', (t) => {
  t.deepEqual(valid({ ...MINIMAL, network: { latency: { max: 0.0001 } } }).network, {
    latencyMinMs: 0.1,
    latencyMaxMs: 0.1,
    loss: 0,
    duplication: 0,
    reorder: false,
  });
  const slow = valid({ ...MINIMAL, network: { latency: { min: 0.05 } } }).network;
  t.deepEqual([slow.latencyMinMs, slow.latencyMaxMs], [50, 50]);
});

test('times are rounded to the microsecond', (t) => {
  const s = valid({ ...MINIMAL, until: 1.1, network: { latency: { min: 0.0000004, max: 0.0000016 } } });
  t.is(s.untilMs, 1100);
  t.deepEqual([s.network.latencyMinMs, s.network.latencyMaxMs], [0, 0.002]);
});

test('distributions and arrivals are converted to ms', (t) => {
  const s = valid({
    ...MINIMAL,
    until: 100,
    frameworks: [
      {
        name: 'f',
        jobs: [
          { at: 0, tasks: 1, resources: 'cpus:1', duration: { dist: 'uniform', min: 1.5, max: 2 } },
          { at: 0, tasks: 1, resources: 'cpus:1', duration: { dist: 'lognormal', mean: 3, stddev: 0 } },
          {
            arrival: { process: 'poisson', rate: 0.5, from: 10 },
            tasks: 1,
            resources: 'cpus:1',
            duration: 1,
          },
        ],
      },
    ],
  });
  const jobs = s.frameworks[0]?.jobs ?? [];
  t.deepEqual(jobs[0]?.duration, { kind: 'uniform', minMs: 1500, maxMs: 2000 });
  t.deepEqual(jobs[1]?.duration, { kind: 'lognormal', meanMs: 3000, stddevMs: 0 });
  t.deepEqual(jobs[2]?.start, { kind: 'poisson', ratePerSecond: 0.5, fromMs: 10_000, untilMs: 100_000 });
});

test('faults are sorted by time, same-time faults in file order', (t) => {
  const s = valid({
    ...base(),
    faults: [
      { at: 300, kind: 'framework-crash', framework: 'B' },
      { at: 100, kind: 'agent-crash', agent: 1 },
      { at: 100, kind: 'network-partition', duration: 5, sides: [['master'], ['agent-2', 'scheduler-A']] },
      { at: 200, kind: 'agent-restart', agent: 1 },
    ],
  });
  t.deepEqual(s.faults, [
    { kind: 'agent-crash', atMs: 100_000, agentId: 'agent-1', recover: 'reboot' },
    {
      kind: 'network-partition',
      atMs: 100_000,
      durationMs: 5000,
      sides: [['master'], ['agent-2', 'scheduler-A']],
      oneWay: false,
    },
    { kind: 'agent-restart', atMs: 200_000, agentId: 'agent-1' },
    { kind: 'framework-crash', atMs: 300_000, framework: 'B' },
  ]);
});

test('frameworks may share a role when they agree on its weight', (t) => {
  const s = valid({
    ...base(),
    frameworks: [
      { name: 'x', role: 'team', weight: 2 },
      { name: 'y', role: 'team', weight: 2 },
      { name: 'z', role: '*' },
    ],
    faults: [],
  });
  t.deepEqual(
    s.frameworks.map((f) => [f.role, f.weight]),
    [
      ['team', 2],
      ['team', 2],
      ['*', 1],
    ],
  );
});

test('errors are capped, with a count of the rest', (t) => {
  const agents = Array.from({ length: 150 }, () => ({ count: 0, resources: 'cpus:1' }));
  const r = validateScenario({ ...MINIMAL, agents });
  if (r.ok) {
    t.fail('validated');
    return;
  }
  t.is(r.error.length, 101);
  t.is(formatScenarioError(r.error[0] ?? (undefined as never)), 'agents[0].count: must be at least 1, got 0');
  t.is(formatScenarioError(r.error[100] ?? (undefined as never)), '(root): 50 more errors not shown');
});

test('validation does not change its input', (t) => {
  const input = base();
  const copy = structuredClone(input);
  valid(input);
  t.deepEqual(input, copy);
});

test('network reorder is off by default (FIFO links, as over TCP) and can be turned on', (t) => {
  t.false(valid(MINIMAL).network.reorder);
  t.true(valid({ ...MINIMAL, network: { reorder: true } }).network.reorder);
});

test('a job may ask for ports by count', (t) => {
  const s = valid({
    ...MINIMAL,
    agents: [{ resources: 'cpus:1;mem:1024;ports:[31000-31009]' }],
    frameworks: [{ name: 'A', jobs: [{ at: 0, tasks: 1, resources: 'cpus:1;ports:[1-2]', duration: 1 }] }],
  });
  t.is(s.frameworks[0]?.jobs[0]?.resources.entries.length, 2);
});

test('master flags default as in Mesos and can be set', (t) => {
  t.deepEqual(valid(MINIMAL).master, {
    offerTimeoutMs: undefined,
    agentPingTimeoutMs: 15_000,
    maxAgentPingTimeouts: 5,
    filterGpuResources: true,
  });
  t.deepEqual(
    valid({ ...MINIMAL, master: { offerTimeout: 2, agentPingTimeout: 5, maxAgentPingTimeouts: 3 } }).master,
    {
      offerTimeoutMs: 2000,
      agentPingTimeoutMs: 5000,
      maxAgentPingTimeouts: 3,
      filterGpuResources: true,
    },
  );
});
