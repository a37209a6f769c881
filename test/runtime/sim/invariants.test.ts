/**
 * The safety checks added for issue 13 item 8, each with a planted bug it catches: a master or
 * agent stand-in that does the wrong thing, driven through the checker as a world would.
 */
import test from 'ava';
import type { OfferDecision } from '../../../src/allocator/allocator.js';
import type { SorterPolicy } from '../../../src/allocator/sorter.js';
import { dominantShare, drfPolicy } from '../../../src/allocator/sorters/drf.js';
import { ShareSorter } from '../../../src/allocator/sorters/share-sorter.js';
import { resourcesToJson } from '../../../src/core/messages/resources-json.js';
import { resources } from '../../../src/core/resource-text.js';
import type { Wire } from '../../../src/core/wire.js';
import { emptyRegistry, REGISTRY_KEY } from '../../../src/master/registry.js';
import { InvariantChecker } from '../../../src/runtime/sim/invariants.js';
import type { SimWorld } from '../../../src/runtime/sim/world.js';
import { testAllocator } from '../../allocator/harness.js';

/** A checker over a stand-in world: `instances` by address, the master's disk as given. */
function checker(instances: Record<string, unknown>, masterDisk: Map<string, string> = new Map()) {
  const c = new InvariantChecker();
  c.attach({
    instance: (a: string) => instances[a],
    status: (a: string) => (instances[a] === undefined ? undefined : 'running'),
    diskContents: () => masterDisk,
  } as unknown as SimWorld<Wire>);
  return c;
}

/** A master stand-in: every offer outstanding, frameworks subscribed to `roles`. */
const master = (roles: Record<string, readonly string[]> = { F: ['a'] }) => ({
  offerOutstanding: () => true,
  frameworkRoles: (id: string) => roles[id],
  agentUsage: () => [],
});

const offers = (...list: { id: string; role: string; res: string }[]): Wire => ({
  channel: 'scheduler-event',
  event: {
    type: 'OFFERS',
    offers: {
      offers: list.map((o) => ({
        id: { value: o.id },
        framework_id: { value: 'F' },
        agent_id: { value: 'S0' },
        hostname: 'agent-0',
        resources: resourcesToJson(resources(o.res)).map((r) => ({
          ...r,
          allocation_info: { role: o.role },
        })),
        allocation_info: { role: o.role },
      })),
    },
  },
});

const accept = (offerId: string): Wire => ({
  channel: 'scheduler-call',
  call: {
    type: 'ACCEPT',
    framework_id: { value: 'F' },
    accept: { offer_ids: [{ value: offerId }], operations: [] },
  },
});

const runTask = (task: string, res: string, agent = 'S0'): Wire => ({
  channel: 'agent',
  message: {
    type: 'RUN_TASK',
    framework: { user: 'u', name: 'F', id: { value: 'F' } },
    task: {
      name: task,
      task_id: { value: task },
      agent_id: { value: agent },
      resources: resourcesToJson(resources(res)),
      command: { value: 'sleep 1' },
    },
  },
});

test('own-roles: a framework offered a role it is not subscribed to is caught', (t) => {
  const c = checker({ master: master({ F: ['a'] }) });
  c.sent('master', 'scheduler-F', offers({ id: 'O1', role: 'a', res: 'cpus:1' }), 1);
  t.is(c.violation, undefined);
  c.sent('master', 'scheduler-F', offers({ id: 'O2', role: 'b', res: 'cpus:1' }), 2);
  t.is(c.violation?.invariant, 'own-roles');
  t.regex(c.violation?.detail ?? '', /offer O2 to F is for role b, not one of its roles \[a\]/u);
  t.is(c.ledger.offersChecked, 2);
});

test('task-within-offer: a launch beyond its offer, on another agent, or with no ACCEPT is caught', (t) => {
  const within = checker({ master: master() });
  within.sent('master', 'scheduler-F', offers({ id: 'O1', role: 'a', res: 'cpus:2;mem:1024' }), 1);
  within.delivered('scheduler-F', 'master', accept('O1'), 2);
  within.sent('master', 'agent-0', runTask('t1', 'cpus:1;mem:512'), 2);
  within.sent('master', 'agent-0', runTask('t2', 'cpus:1;mem:512'), 2);
  within.afterEvent(2);
  t.is(within.violation, undefined, 'two tasks that together fill the offer');
  t.is(within.ledger.launchesChecked, 2);

  // A master that validates each task against the whole offer, not what is left of it.
  const beyond = checker({ master: master() });
  beyond.sent('master', 'scheduler-F', offers({ id: 'O1', role: 'a', res: 'cpus:2;mem:1024' }), 1);
  beyond.delivered('scheduler-F', 'master', accept('O1'), 2);
  beyond.sent('master', 'agent-0', runTask('t1', 'cpus:2;mem:512'), 2);
  beyond.sent('master', 'agent-0', runTask('t2', 'cpus:1;mem:512'), 2);
  t.is(beyond.violation?.invariant, 'task-within-offer');
  t.regex(beyond.violation?.detail ?? '', /tasks t2 use more than is left of their offers/u);

  const elsewhere = checker({ master: master() });
  elsewhere.sent('master', 'scheduler-F', offers({ id: 'O1', role: 'a', res: 'cpus:2' }), 1);
  elsewhere.delivered('scheduler-F', 'master', accept('O1'), 2);
  elsewhere.sent('master', 'agent-1', runTask('t1', 'cpus:1', 'S1'), 2);
  t.regex(elsewhere.violation?.detail ?? '', /task t1 launched on S1, its offers were on S0/u);

  const unasked = checker({ master: master() });
  unasked.sent('master', 'scheduler-F', offers({ id: 'O1', role: 'a', res: 'cpus:2' }), 1);
  unasked.delivered('scheduler-F', 'master', accept('O1'), 2);
  unasked.afterEvent(2);
  unasked.sent('master', 'agent-0', runTask('t1', 'cpus:1'), 3);
  t.regex(
    unasked.violation?.detail ?? '',
    /RUN_TASK of t1 without an ACCEPT/u,
    'the ACCEPT was an earlier event',
  );
});

const status = (
  agent: string,
  task: string,
  state: 'TASK_STARTING' | 'TASK_RUNNING' | 'TASK_FINISHED',
  uuid: string,
): Wire => ({
  channel: 'agent',
  message: {
    type: 'STATUS_UPDATE',
    update: {
      framework_id: { value: 'F' },
      agent_id: { value: agent },
      status: { task_id: { value: task }, state, uuid },
      timestamp: 1,
      uuid,
    },
  },
});

test('task-runs-once: a task started on two agents, again after it ended, or twice on one is caught', (t) => {
  const once = checker({});
  once.sent('agent-0', 'master', status('S0', 't1', 'TASK_STARTING', 'u1'), 1);
  once.sent('agent-0', 'master', status('S0', 't1', 'TASK_STARTING', 'u1'), 2);
  once.sent('agent-0', 'master', status('S0', 't1', 'TASK_RUNNING', 'u2'), 3);
  once.sent('agent-0', 'master', status('S0', 't1', 'TASK_FINISHED', 'u3'), 4);
  t.is(once.violation, undefined, 'retries of the same updates are at-least-once delivery');

  const twoAgents = checker({});
  twoAgents.sent('agent-0', 'master', status('S0', 't1', 'TASK_RUNNING', 'u1'), 1);
  twoAgents.sent('agent-1', 'master', status('S1', 't1', 'TASK_RUNNING', 'u2'), 2);
  t.is(twoAgents.violation?.invariant, 'task-runs-once');
  t.regex(twoAgents.violation?.detail ?? '', /task t1 reported TASK_RUNNING by S1 after S0 ran it/u);

  const afterEnd = checker({});
  afterEnd.sent('agent-0', 'master', status('S0', 't1', 'TASK_FINISHED', 'u1'), 1);
  afterEnd.sent('agent-0', 'master', status('S0', 't1', 'TASK_RUNNING', 'u2'), 2);
  t.regex(
    afterEnd.violation?.detail ?? '',
    /reported task t1 TASK_RUNNING after it was reported TASK_FINISHED/u,
  );

  const twice = checker({});
  twice.sent('agent-0', 'master', status('S0', 't1', 'TASK_STARTING', 'u1'), 1);
  twice.sent('agent-0', 'master', status('S0', 't1', 'TASK_STARTING', 'u9'), 2);
  t.regex(twice.violation?.detail ?? '', /task t1 was started twice by agent-0/u);
});

test('agent-capacity: an agent running tasks beyond its total is caught when a RUN_TASK reaches it', (t) => {
  let used = resources('cpus:4;mem:1024');
  const agent = { usage: () => ({ total: resources('cpus:4;mem:8192'), used }) };
  const c = checker({ 'agent-0': agent });
  c.delivered('master', 'agent-0', runTask('t1', 'cpus:1'), 1);
  c.afterEvent(1);
  t.is(c.violation, undefined, 'full is not over');
  used = resources('cpus:5;mem:1024');
  c.afterEvent(2);
  t.is(c.violation, undefined, 'checked only after a launch');
  c.delivered('master', 'agent-0', runTask('t2', 'cpus:1'), 3);
  c.afterEvent(3);
  t.is(c.violation?.invariant, 'agent-capacity');
  t.regex(c.violation?.detail ?? '', /agent-0 runs tasks holding 5 cpus, more than its total of 4/u);
});

test('agent-capacity leaves out tasks the master sent a kill for: it gave their resources back', (t) => {
  // t0 (cpus:1) was written off by the master, which sent KILL_TASK; the kill has not landed.
  const agent = {
    usage: (excluded: (framework: string, task: string) => boolean) => ({
      total: resources('cpus:4'),
      used: resources(excluded('F', 't0') ? 'cpus:4' : 'cpus:5'),
    }),
  };
  const kill: Wire = {
    channel: 'agent',
    message: { type: 'KILL_TASK', framework_id: { value: 'F' }, task_id: { value: 't0' } },
  };
  const c = checker({ master: master(), 'agent-0': agent });
  c.sent('master', 'agent-0', kill, 1);
  c.delivered('master', 'agent-0', runTask('t1', 'cpus:1'), 2);
  c.afterEvent(2);
  t.is(c.violation, undefined);
  const unkilled = checker({ master: master(), 'agent-0': agent });
  unkilled.delivered('master', 'agent-0', runTask('t1', 'cpus:1'), 2);
  unkilled.afterEvent(2);
  t.is(unkilled.violation?.invariant, 'agent-capacity');
});

test('registry-acknowledged: an agent told AGENT_REGISTERED before it is on disk, or lost by a restart, is caught', (t) => {
  const registered: Wire = {
    channel: 'agent',
    message: { type: 'AGENT_REGISTERED', agent_id: { value: 'S0' } },
  };
  const disk = (admitted: Record<string, string>) =>
    new Map([[REGISTRY_KEY, JSON.stringify({ ...emptyRegistry(), admitted })]]);

  const durable = checker({ master: master() }, disk({ S0: 'agent-0' }));
  durable.sent('master', 'agent-0', registered, 1);
  t.is(durable.violation, undefined);

  // A master that answers before its registrar's write is durable.
  const early = checker({ master: master() }, disk({}));
  early.sent('master', 'agent-0', registered, 1);
  t.is(early.violation?.invariant, 'registry-acknowledged');
  t.regex(
    early.violation?.detail ?? '',
    /agent S0 was told it is registered, but the registry on disk does not list it/u,
  );

  // A registrar that drops an admitted agent in a later write: the restarted master misses it.
  const instances: Record<string, unknown> = { master: master() };
  const masterDisk = disk({ S0: 'agent-0' });
  const lost = checker(instances, masterDisk);
  lost.afterEvent(0);
  lost.sent('master', 'agent-0', registered, 1);
  lost.afterEvent(1);
  t.is(lost.violation, undefined);
  masterDisk.set(REGISTRY_KEY, JSON.stringify(emptyRegistry()));
  instances.master = master();
  lost.afterEvent(2);
  t.is(lost.violation?.invariant, 'registry-acknowledged');
});

test('drf-order between roles: real weighted DRF passes; a role sorter that offers the highest share first is caught', (t) => {
  const run = (rolePolicy: SorterPolicy, weights: Record<string, number> = {}) => {
    const c = new InvariantChecker();
    const { allocator } = testAllocator({
      policy: rolePolicy,
      frameworkPolicy: drfPolicy,
      audit: c.auditAllocation,
    });
    for (const [role, weight] of Object.entries(weights)) allocator.updateWeight(role, weight);
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'])
      allocator.addAgent(id, resources('cpus:4;mem:4096'));
    allocator.addFramework('F', { roles: ['r1'] });
    allocator.addFramework('G', { roles: ['r1'] });
    allocator.addFramework('H', { roles: ['r2'] });
    allocator.allocate();
    return c;
  };
  const fair = run(drfPolicy, { r1: 2 });
  t.is(fair.violation, undefined);
  t.is(fair.drf.decisions, 6);
  t.true(fair.drf.roleRivals >= 1, `${fair.drf.roleRivals} decisions compared two roles`);
  t.true(
    fair.drf.frameworkRivals >= 1,
    `${fair.drf.frameworkRivals} decisions compared two frameworks of a role`,
  );
  const greedy: SorterPolicy = {
    name: 'drf',
    description: 'broken on purpose',
    create: () => new ShareSorter((a, totals) => -dominantShare(a, totals)),
  };
  const broken = run(greedy);
  t.is(broken.violation?.invariant, 'drf-order');
  t.regex(
    broken.violation?.detail ?? '',
    /offered to role r\d at weighted share .* while role r\d was eligible at/u,
  );
});

test('drf-order counts a decision with one candidate but cannot fail it', (t) => {
  const c = new InvariantChecker();
  const { allocator } = testAllocator();
  allocator.addAgent('a1', resources('cpus:4'));
  allocator.addFramework('F', { roles: ['r'] });
  const decision: OfferDecision = {
    agentId: 'a1',
    role: 'r',
    frameworkId: 'F',
    resources: resources('cpus:4'),
    eligible: ['F'],
    eligibleRoles: new Map([['r', 1]]),
    policy: 'drf',
    view: allocator,
  };
  c.auditAllocation(decision);
  t.deepEqual({ ...c.drf }, { decisions: 1, frameworkRivals: 0, roleRivals: 0 });
  c.auditAllocation({ ...decision, frameworkId: 'X' });
  t.regex(c.violation?.detail ?? '', /offered to X, which was not eligible/u);
});
