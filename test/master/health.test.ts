/** Agent health checks, unreachable agents and their return, agent registration details. */
import test from 'ava';
import type { Task } from '../../src/core/messages/task.js';
import { advance, cluster, commandTask, FakeAgent, take } from './harness.js';

/**
 * One agent; `a` (PARTITION_AWARE) runs ta, `b` runs tb on it, `c` holds an offer on it, `d`
 * holds nothing anywhere.
 */
function setUp() {
  const c = cluster({ agents: [{ resources: 'cpus:3;mem:3072' }], schedulers: ['a', 'b', 'c', 'd'] });
  const [a, b, s3, d] = ['a', 'b', 'c', 'd'].map((n) => c.scheduler(n));
  if (a === undefined || b === undefined || s3 === undefined || d === undefined)
    throw new Error('schedulers');
  a.subscribe({ capabilities: [{ type: 'PARTITION_AWARE' }] });
  advance(c.world, 10);
  const aOffer = take(a)[0];
  if (aOffer === undefined) throw new Error('no offer for a');
  const agentId = aOffer.agent_id.value;
  a.launch([aOffer.id.value], [commandTask('ta', agentId, 'cpus:1;mem:1024')], 3600);
  b.subscribe();
  advance(c.world, 10);
  const bOffer = take(b)[0];
  if (bOffer === undefined) throw new Error('no offer for b');
  b.launch([bOffer.id.value], [commandTask('tb', agentId, 'cpus:1;mem:1024')], 3600);
  advance(c.world, 10);
  s3.subscribe();
  advance(c.world, 10);
  if (take(s3).length !== 1) throw new Error('no offer for c');
  d.subscribe({ failover_timeout: 3600 });
  advance(c.world, 10);
  return { c, a, b, s3, d, agentId };
}

test('an agent that misses 5 pings in a row (15 s apart) is marked unreachable', (t) => {
  const { c, a, b, s3, d, agentId } = setUp();
  const started = c.world.now;
  c.agent(0).options.pong = false;
  // Five unanswered pings 15 s apart; pings fall due on a 100 ms grid (src/master/health.ts).
  advance(c.world, 90_100);
  const lostAt = a.events.find((r) => r.event.type === 'FAILURE')?.at ?? 0;
  t.true(lostAt > started + 60_000 && lostAt <= started + 90_100, `marked unreachable at ${lostAt}`);
  // The PARTITION_AWARE framework hears TASK_UNREACHABLE, the other TASK_LOST.
  const ta = a.statusesOf('ta')[0];
  t.is(ta?.state, 'TASK_UNREACHABLE');
  t.is(ta?.reason, 'REASON_AGENT_REMOVED');
  t.is(ta?.message, 'health check timed out');
  t.truthy(ta?.unreachable_time);
  t.is(ta?.uuid, undefined);
  t.is(b.statusesOf('tb')[0]?.state, 'TASK_LOST');
  // Every connected framework hears FAILURE{agent_id}, even one with nothing on the agent.
  for (const s of [a, b, s3, d]) {
    t.deepEqual(
      s.ofType('FAILURE').map((e) => e.failure),
      [{ agent_id: { value: agentId } }],
    );
  }
  t.is(s3.ofType('RESCIND').length, 1, "c's offer is rescinded");
  const state = c.master().state();
  t.is(state.slaves.length, 0);
  t.is(state.unreachable_slaves, 1);
  t.deepEqual(
    state.frameworks[0]?.unreachable_tasks.map((x) => [x.id, x.state]),
    [['ta', 'TASK_UNREACHABLE']],
  );
  t.deepEqual(c.master().counters().tasksByState, { TASK_UNREACHABLE: 1, TASK_LOST: 1 });
});

test('pings are every 15 s; answering resets the count', (t) => {
  const { c } = setUp();
  const agent = c.agent(0);
  agent.options.pong = false;
  advance(c.world, 61_000); // four pings missed
  agent.options.pong = true;
  advance(c.world, 200_000);
  t.is(c.master().state().slaves.length, 1, 'still registered');
  const pings = agent.ofType('PING_AGENT').length;
  t.true(pings >= 17 && pings <= 19, `${pings} pings in ~261 s`);
});

test('an unreachable agent may reregister: its tasks come back, not killed (Mesos >= 1.5)', (t) => {
  const { c, a, b, s3, d, agentId } = setUp();
  c.agent(0).options.pong = false;
  advance(c.world, 90_100);
  const fw = (s: typeof a) => ({ user: 'test', name: 'test', id: s.fid });
  const task = (s: typeof a, id: string): Task => ({
    name: id,
    task_id: { value: id },
    framework_id: s.fid,
    agent_id: { value: agentId },
    state: 'TASK_RUNNING',
    resources:
      commandTask(id, agentId, 'cpus:1;mem:1024').resources?.map((r) => ({
        ...r,
        allocation_info: { role: '*' },
      })) ?? [],
  });
  const agent = c.agent(0);
  agent.options.pong = true;
  agent.send({
    type: 'REREGISTER_AGENT',
    agent: {
      hostname: 'agent-0',
      id: { value: agentId },
      resources: commandTask('x', agentId, 'cpus:3;mem:3072').resources ?? [],
    },
    tasks: [task(a, 'ta'), task(b, 'tb')],
    frameworks: [fw(a), fw(b)],
  });
  advance(c.world, 10);
  t.is(agent.ofType('AGENT_REREGISTERED').at(-1)?.agent_id.value, agentId);
  for (const [s, id] of [
    [a, 'ta'],
    [b, 'tb'],
  ] as const) {
    const last = s.statusesOf(id).at(-1);
    t.deepEqual(
      [last?.state, last?.reason, last?.message],
      ['TASK_RUNNING', 'REASON_AGENT_REREGISTERED', 'Unreachable agent re-reregistered'],
    );
  }
  const state = c.master().state();
  t.is(state.unreachable_slaves, 0);
  t.deepEqual(state.slaves[0]?.used_resources, { cpus: 2, mem: 2048 });
  t.deepEqual(
    state.frameworks[0]?.tasks.map((x) => [x.id, x.state]),
    [['ta', 'TASK_RUNNING']],
  );
  t.deepEqual(state.frameworks[0]?.unreachable_tasks, []);
  // The agent's free part is offered again, to a framework with nothing (lowest share).
  const offered = [s3, d].flatMap((s) => take(s));
  t.deepEqual(
    offered.map((o) => o.resources?.map((r) => r.scalar?.value)),
    [[1, 1024]],
  );
});

test('a registration retry gets the same id; a reregistration from another address is shut down', (t) => {
  const c = cluster({ agents: [{}] });
  advance(c.world, 10);
  const agent = c.agent(0);
  agent.send({ type: 'REGISTER_AGENT', agent: { hostname: 'agent-0' } });
  advance(c.world, 10);
  const ids = agent.ofType('AGENT_REGISTERED').map((m) => m.agent_id.value);
  t.is(ids.length, 2);
  t.is(ids[0], ids[1]);
  c.world.spawn(
    'impostor',
    () => new FakeAgent({ reregister: { agentId: ids[0] as string }, hostname: 'agent-0' }),
  );
  advance(c.world, 10);
  t.deepEqual(
    (c.world.instance('impostor') as FakeAgent).ofType('SHUTDOWN_AGENT').map((m) => m.message),
    ['Agent attempted to reregister with different IP / hostname'],
  );
});

test('an agent id the master never saw is admitted with its tasks; their unknown framework is recovered', (t) => {
  const c = cluster({ schedulers: ['a'] });
  const task: Task = {
    name: 'old',
    task_id: { value: 'old' },
    framework_id: { value: 'fw-from-before' },
    agent_id: { value: 'agent-from-before' },
    state: 'TASK_RUNNING',
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, allocation_info: { role: '*' } }],
  };
  c.world.spawn(
    'agent-0',
    () =>
      new FakeAgent({
        reregister: {
          agentId: 'agent-from-before',
          tasks: [task],
          frameworks: [{ user: 'u', name: 'old', id: { value: 'fw-from-before' }, failover_timeout: 600 }],
        },
      }),
  );
  advance(c.world, 10);
  const state = c.master().state();
  t.is(state.slaves[0]?.id, 'agent-from-before');
  t.deepEqual(
    state.frameworks.map((f) => [f.id, f.recovered, f.active, f.tasks.map((x) => x.id)]),
    [['fw-from-before', true, false, ['old']]],
  );
  // The framework resubscribes and finds its task.
  const a = c.scheduler('a');
  a.subscribe({ id: { value: 'fw-from-before' } });
  advance(c.world, 10);
  a.call({ type: 'RECONCILE', framework_id: a.fid, reconcile: {} });
  advance(c.world, 10);
  t.deepEqual(
    a.updates().map((s) => [s.task_id.value, s.state]),
    [['old', 'TASK_RUNNING']],
  );
  t.deepEqual(
    take(a)[0]?.resources?.map((r) => r.scalar?.value),
    [3, 4096],
    'offered what the task does not hold',
  );
});

test('an agent that unregisters is removed: its tasks are lost, every framework hears FAILURE, its updates are ignored', (t) => {
  const { c, a, b, agentId } = setUp();
  c.agent(0).send({ type: 'UNREGISTER_AGENT', agent_id: { value: agentId } });
  advance(c.world, 10);
  const ta = a.statusesOf('ta').at(-1);
  t.deepEqual(
    [ta?.state, ta?.reason, ta?.message],
    ['TASK_LOST', 'REASON_AGENT_REMOVED', 'Agent agent-0 removed: the agent unregistered'],
  );
  t.is(b.statusesOf('tb').at(-1)?.state, 'TASK_LOST');
  t.is(a.ofType('FAILURE').length, 1);
  c.agent(0).update(a.frameworkId as string, 'ta', 'TASK_RUNNING');
  advance(c.world, 10);
  t.true(c.world.traceLines().some((l) => l.includes('"why":"removed agent"')));
  t.is(c.master().state().slaves.length, 0);
  t.deepEqual(
    c
      .master()
      .state()
      .frameworks[0]?.completed_tasks.map((x) => [x.id, x.state]),
    [['ta', 'TASK_LOST']],
  );
});
