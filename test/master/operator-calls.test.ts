/**
 * The sans-IO master's operator calls (operator-calls.ts) in the simulated world: each change is
 * answered on the `operator-answer` channel once the registry has it, MARK_AGENT_GONE shuts the
 * agent down and keeps it out, unknown agents are 404, and the allocator gets the new weights
 * and quota limits.
 */
import test from 'ava';
import type { Allocator } from '../../src/allocator/allocator.js';
import { createAllocator } from '../../src/allocator/create.js';
import type { OperatorAnswer, OperatorChange } from '../../src/core/messages/operator-call.js';
import type { Address, Env, Process } from '../../src/core/process.js';
import type { Wire } from '../../src/core/wire.js';
import { Master } from '../../src/master/master.js';
import { SimWorld } from '../../src/runtime/sim/world.js';
import { advance, cluster, commandTask, FakeAgent, MASTER, newWorld, take } from './harness.js';

/** An operator that sends changes to the master and records its answers. */
class Operator implements Process<Wire> {
  readonly answers: (OperatorAnswer & { id: string })[] = [];
  #env: Env<Wire> | undefined;
  #next = 1;

  onStart(env: Env<Wire>): void {
    this.#env = env;
  }

  onMessage(_env: Env<Wire>, _from: Address, msg: Wire): void {
    if (msg.channel === 'operator-answer') this.answers.push({ id: msg.id, ...msg.answer });
  }

  onTimer(): void {}

  call(change: OperatorChange): string {
    const id = String(this.#next++);
    (this.#env as Env<Wire>).send(MASTER, { channel: 'operator-call', id, call: change });
    return id;
  }
}

/**
 * A world with a master (whose allocator the test keeps), one agent and an operator; with
 * `disks`, every process has a simulated disk, so the master's registry survives a restart.
 */
function withOperator(disks = false) {
  const world = disks
    ? new SimWorld<Wire>({
        seed: 1,
        disks: true,
        network: { latencyMsMin: 1, latencyMsMax: 1 },
        linkMessage: (exited) => ({ channel: 'link', exited }),
      })
    : newWorld(1);
  let allocator: Allocator | undefined;
  const weightsGiven: [string, number][] = [];
  world.spawn(MASTER, () => {
    const a = createAllocator({});
    // The allocator keeps weights inside its sorters; the calls it gets are what matters here.
    const updateWeight = a.updateWeight.bind(a);
    a.updateWeight = (role, weight) => {
      weightsGiven.push([role, weight]);
      updateWeight(role, weight);
    };
    allocator = a;
    return new Master(a, {});
  });
  world.spawn('agent-0', () => new FakeAgent({ hostname: 'h0' }));
  world.spawn('operator', () => new Operator());
  advance(world, 100);
  return {
    world,
    master: () => world.instance(MASTER) as Master,
    agent: () => world.instance('agent-0') as FakeAgent,
    allocator: () => allocator as Allocator,
    weightsGiven,
    operator: () => world.instance('operator') as Operator,
  };
}

test('UPDATE_WEIGHTS and UPDATE_QUOTA: answered 200, in the registry, and handed to the allocator', (t) => {
  const c = withOperator();
  c.operator().call({ type: 'UPDATE_WEIGHTS', weightInfos: [{ role: 'dev', weight: 3 }] });
  c.operator().call({ type: 'UPDATE_QUOTA', quotaConfigs: [{ role: 'dev', limits: { cpus: 2 } }] });
  advance(c.world, 10);
  t.deepEqual(
    c.operator().answers.map((a) => a.status),
    [200, 200],
  );
  t.deepEqual(c.master().weights(), { dev: 3 });
  t.deepEqual(c.weightsGiven, [['dev', 3]]);
  t.deepEqual(c.master().quotas(), { dev: { cpus: 2 } });
  t.deepEqual(c.allocator().quota('dev'), new Map([['cpus', 2000]]), 'milli-units in the allocator');
  // Other roles keep their weights; an empty config resets a role's quota.
  c.operator().call({ type: 'UPDATE_WEIGHTS', weightInfos: [{ role: 'ops', weight: 2 }] });
  c.operator().call({ type: 'UPDATE_QUOTA', quotaConfigs: [{ role: 'dev', limits: {} }] });
  advance(c.world, 10);
  t.deepEqual(c.master().weights(), { dev: 3, ops: 2 });
  t.deepEqual(c.master().quotas(), {});
  t.is(c.allocator().quota('dev'), undefined);
});

test('MARK_AGENT_GONE: 404 for an unknown agent; a known one is shut down, removed, and refused when it comes back', (t) => {
  const c = withOperator();
  const agentId = c.agent().agentId as string;
  t.truthy(agentId);
  c.operator().call({ type: 'MARK_AGENT_GONE', agentId: { value: 'nope' } });
  advance(c.world, 10);
  t.deepEqual(c.operator().answers[0], { id: '1', status: 404, message: "Agent 'nope' not found" });

  c.operator().call({ type: 'MARK_AGENT_GONE', agentId: { value: agentId } });
  advance(c.world, 10);
  t.is(c.operator().answers[1]?.status, 200);
  t.deepEqual(c.agent().ofType('SHUTDOWN_AGENT'), [
    { type: 'SHUTDOWN_AGENT', message: 'Agent has been marked gone' },
  ]);
  t.deepEqual(c.master().state().slaves, []);

  // The agent tries to come back under its id: Mesos shuts it down again.
  c.world.spawn('agent-back', () => new FakeAgent({ hostname: 'h0', reregister: { agentId } }));
  advance(c.world, 10);
  const back = c.world.instance('agent-back') as FakeAgent;
  t.deepEqual(
    back.received.map((r) => r.message.type),
    ['SHUTDOWN_AGENT'],
  );
  t.deepEqual(c.master().state().slaves, []);

  // Idempotent.
  c.operator().call({ type: 'MARK_AGENT_GONE', agentId: { value: agentId } });
  advance(c.world, 10);
  t.is(c.operator().answers[2]?.status, 200);
});

test('MARK_AGENT_GONE of an unreachable agent: its unreachable tasks become TASK_GONE_BY_OPERATOR and completed', (t) => {
  const c = cluster({ agents: [{ pong: false }], schedulers: ['a'] });
  c.world.spawn('operator', () => new Operator());
  const a = c.scheduler('a');
  a.subscribe({ capabilities: [{ type: 'PARTITION_AWARE' }] });
  advance(c.world, 10);
  const offer = take(a)[0];
  if (offer === undefined) throw new Error('no offer');
  const agentId = offer.agent_id.value;
  a.launch([offer.id.value], [commandTask('t1', agentId, 'cpus:1;mem:512')], 3600);
  advance(c.world, 10);
  // The agent does not answer pings: the master marks it unreachable (5 × 15 s).
  advance(c.world, 120_000);
  t.is(a.statusesOf('t1').at(-1)?.state, 'TASK_UNREACHABLE');
  t.is(c.master().state().unreachable_slaves, 1);
  (c.world.instance('operator') as Operator).call({ type: 'MARK_AGENT_GONE', agentId: { value: agentId } });
  advance(c.world, 10);
  t.is((c.world.instance('operator') as Operator).answers[0]?.status, 200);
  const last = a.statusesOf('t1').at(-1);
  t.like(last, { state: 'TASK_GONE_BY_OPERATOR', reason: 'REASON_AGENT_REMOVED_BY_OPERATOR' });
  const framework = c.master().state().frameworks[0];
  t.deepEqual(framework?.unreachable_tasks, []);
  t.is(framework?.completed_tasks.find((x) => x.id === 't1')?.state, 'TASK_GONE_BY_OPERATOR');
  t.is(c.master().state().unreachable_slaves, 0);
});

test('MARK_AGENT_GONE survives a master restart: the registry keeps the agent marked gone, and it is shut down when it comes back', (t) => {
  const c = withOperator(true);
  const agentId = c.agent().agentId as string;
  c.operator().call({ type: 'MARK_AGENT_GONE', agentId: { value: agentId } });
  advance(c.world, 10);
  t.is(c.operator().answers[0]?.status, 200);
  c.world.crash(MASTER);
  c.world.restart(MASTER);
  advance(c.world, 100);
  c.world.spawn('agent-back', () => new FakeAgent({ hostname: 'h0', reregister: { agentId } }));
  advance(c.world, 10);
  const back = c.world.instance('agent-back') as FakeAgent;
  t.deepEqual(
    back.received.map((r) => r.message.type),
    ['SHUTDOWN_AGENT'],
  );
  t.deepEqual(c.master().state().slaves, []);
});
