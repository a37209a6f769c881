/** Framework disconnection, failover timeouts, teardown, and agent disconnection. */
import test from 'ava';
import { advance, cluster, commandTask, take } from './harness.js';

/** One agent; scheduler `a` (with `info`) runs t1 (cpus:1); `b` is subscribed with nothing. */
function setUp(info: { failover_timeout?: number; checkpoint?: boolean } = {}, master = {}) {
  const c = cluster({ agents: [{}], schedulers: ['a', 'b'], master });
  const a = c.scheduler('a');
  a.subscribe(info);
  advance(c.world, 10);
  const offer = take(a)[0];
  if (offer === undefined) throw new Error('no offer');
  a.launch([offer.id.value], [commandTask('t1', offer.agent_id.value, 'cpus:1;mem:512')], 0);
  advance(c.world, 10);
  c.scheduler('b').subscribe({}, ['*']);
  advance(c.world, 10);
  return { c, a, b: c.scheduler('b'), agentId: offer.agent_id.value, frameworkId: a.frameworkId as string };
}

test('failover_timeout 0: a framework whose connection breaks is removed at once', (t) => {
  const { c, frameworkId } = setUp();
  advance(c.world, 1_000); // `a` holds an offer for the rest of the agent again
  t.is(c.master().state().frameworks[0]?.offers.length, 1);
  c.world.crash('scheduler-a');
  advance(c.world, 10);
  const state = c.master().state();
  t.deepEqual(
    state.frameworks.map((f) => f.id),
    [c.scheduler('b').frameworkId],
  );
  t.deepEqual(
    state.completed_frameworks.map((f) => [f.id, f.completed_tasks.map((x) => [x.id, x.state])]),
    [[frameworkId, [['t1', 'TASK_KILLED']]]],
  );
  t.deepEqual(
    c
      .agent(0)
      .ofType('SHUTDOWN_FRAMEWORK')
      .map((m) => m.framework_id.value),
    [frameworkId],
  );
  t.deepEqual(state.slaves[0]?.used_resources, {}, 'its resources are free');
  t.deepEqual(state.slaves[0]?.offered_resources, {}, 'its offers are gone');
  // The id cannot come back.
  c.world.restart('scheduler-a');
  c.scheduler('a').subscribe({ id: { value: frameworkId } });
  advance(c.world, 10);
  t.deepEqual(
    c
      .scheduler('a')
      .ofType('ERROR')
      .map((e) => e.error.message),
    ['Framework has been removed'],
  );
});

test('failover_timeout > 0: the framework is deactivated, keeps its tasks, and may resubscribe in time', (t) => {
  const { c, frameworkId } = setUp({ failover_timeout: 60 });
  advance(c.world, 1_000);
  c.world.crash('scheduler-a');
  advance(c.world, 10);
  let fw = c.master().state().frameworks[0];
  t.deepEqual([fw?.connected, fw?.active, fw?.offers.length, fw?.tasks.length], [false, false, 0, 1]);
  // Updates meanwhile are not forwarded (the agent retries them).
  c.agent(0).update(frameworkId, 't1', 'TASK_RUNNING');
  advance(c.world, 10);
  t.true(c.world.traceLines().some((l) => l.includes('"kind":"master.update-not-forwarded"')));
  t.is(c.master().state().frameworks[0]?.tasks[0]?.state, 'TASK_RUNNING', 'the master still tracks the task');
  advance(c.world, 30_000);
  c.world.restart('scheduler-a');
  const a = c.scheduler('a');
  a.subscribe({ id: { value: frameworkId }, failover_timeout: 60 });
  advance(c.world, 40_000);
  t.deepEqual(
    a.events.slice(0, 2).map((r) => r.event.type),
    ['SUBSCRIBED', 'HEARTBEAT'],
  );
  fw = c.master().state().frameworks[0];
  t.deepEqual([fw?.connected, fw?.active, fw?.tasks.map((x) => x.id)], [true, true, ['t1']]);
  t.true(take(a).length >= 1, 'offers again');
  t.is(
    c.master().state().completed_frameworks.length,
    0,
    'not removed when the old timeout would have fired',
  );
});

test('failover_timeout > 0: not back in time, the framework is removed', (t) => {
  const { c, frameworkId } = setUp({ failover_timeout: 60 });
  c.world.crash('scheduler-a');
  advance(c.world, 59_000);
  t.is(c.master().state().completed_frameworks.length, 0);
  advance(c.world, 2_000);
  t.deepEqual(
    c
      .master()
      .state()
      .completed_frameworks.map((f) => f.id),
    [frameworkId],
  );
  t.true(
    c.world
      .traceLines()
      .some((l) => l.includes('"kind":"master.framework-removed"') && l.includes('failover timeout')),
  );
});

test('TEARDOWN removes the framework: agents shut it down, later calls are dropped, its id is refused', (t) => {
  const { c, a, frameworkId } = setUp({ failover_timeout: 3600 });
  a.call({ type: 'TEARDOWN', framework_id: a.fid });
  advance(c.world, 10);
  t.deepEqual(
    c
      .agent(0)
      .ofType('SHUTDOWN_FRAMEWORK')
      .map((m) => m.framework_id.value),
    [frameworkId],
  );
  t.deepEqual(
    c
      .master()
      .state()
      .completed_frameworks[0]?.completed_tasks.map((x) => [x.id, x.state]),
    [['t1', 'TASK_KILLED']],
  );
  a.call({ type: 'REVIVE', framework_id: a.fid });
  a.subscribe({ id: a.fid });
  advance(c.world, 10);
  t.true(c.world.traceLines().some((l) => l.includes('"why":"framework removed"')));
  t.deepEqual(
    a.ofType('ERROR').map((e) => e.error.message),
    ['Framework has been removed'],
  );
});

test('calls from a disconnected framework get ERROR "Framework disconnected"', (t) => {
  const { c, a } = setUp({ failover_timeout: 3600 });
  // The master sees the connection break (a one-way fault); the scheduler does not know.
  c.world.inject('scheduler-a', 'master', { channel: 'link', exited: 'scheduler-a' });
  advance(c.world, 10);
  a.call({ type: 'REVIVE', framework_id: a.fid });
  advance(c.world, 10);
  t.deepEqual(
    a.ofType('ERROR').map((e) => e.error.message),
    ['Framework disconnected'],
  );
});

test('an agent whose connection breaks: non-checkpointing tasks are lost, checkpointing ones wait', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a', 'b'] });
  const a = c.scheduler('a');
  const b = c.scheduler('b');
  a.subscribe();
  advance(c.world, 10);
  const offer = take(a)[0];
  if (offer === undefined) throw new Error('no offer');
  const agentId = offer.agent_id.value;
  a.launch([offer.id.value], [commandTask('ta', agentId, 'cpus:1;mem:512')], 0);
  b.subscribe({ checkpoint: true });
  advance(c.world, 1_000);
  const bOffer = take(b)[0];
  if (bOffer === undefined) throw new Error('no offer for b');
  b.launch([bOffer.id.value], [commandTask('tb', agentId, 'cpus:1;mem:512')], 0);
  advance(c.world, 1_000);
  c.world.crash('agent-0');
  advance(c.world, 10);
  const ta = a.statusesOf('ta').at(-1);
  t.deepEqual(
    [ta?.state, ta?.reason, ta?.message],
    ['TASK_LOST', 'REASON_AGENT_DISCONNECTED', 'Agent agent-0 disconnected'],
  );
  t.is(b.statusesOf('tb').length, 0);
  const state = c.master().state();
  t.deepEqual([state.slaves[0]?.connected, state.slaves[0]?.active], [false, false]);
  t.deepEqual(state.slaves[0]?.offered_resources, {}, 'offers on it rescinded');
  t.is(a.ofType('RESCIND').length + b.ofType('RESCIND').length, 1);
  // A new agent registering at its address replaces it (MESOS-8463): tb is lost for good.
  c.world.restart('agent-0');
  advance(c.world, 10);
  const tb = b.statusesOf('tb').at(-1);
  t.deepEqual(
    [tb?.state, tb?.reason, tb?.message],
    [
      'TASK_LOST',
      'REASON_AGENT_REMOVED',
      'Agent agent-0 removed: a new agent registered at the same address',
    ],
  );
  t.deepEqual(
    c
      .master()
      .state()
      .slaves.map((x) => x.id === agentId),
    [false],
  );
});

test('a disconnected agent that does not reregister in time is marked unreachable', (t) => {
  const c = cluster({
    agents: [{}],
    schedulers: ['a'],
    master: { agentReregisterTimeoutMs: 20_000 },
  });
  const a = c.scheduler('a');
  a.subscribe({ capabilities: [{ type: 'PARTITION_AWARE' }], checkpoint: true });
  advance(c.world, 10);
  const offer = take(a)[0];
  if (offer === undefined) throw new Error('no offer');
  a.launch([offer.id.value], [commandTask('t1', offer.agent_id.value, 'cpus:1')]);
  advance(c.world, 10);
  // The link breaks but the agent stays up and keeps answering pings.
  c.world.inject('agent-0', 'master', { channel: 'link', exited: 'agent-0' });
  advance(c.world, 19_000);
  t.is(a.statusesOf('t1').length, 0, 'a checkpointing framework waits');
  advance(c.world, 2_000);
  const s = a.statusesOf('t1')[0];
  t.deepEqual(
    [s?.state, s?.message],
    ['TASK_UNREACHABLE', 'agent did not reregister within 20000 ms after disconnecting'],
  );
  t.true(
    c
      .agent(0)
      .ofType('PING_AGENT')
      .some((p) => !p.connected),
    'pings told it it is disconnected',
  );
});

test('a disconnected agent that reregisters is reconnected and reactivated', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe({ checkpoint: true });
  advance(c.world, 10);
  const offer = take(a)[0];
  if (offer === undefined) throw new Error('no offer');
  const agentId = offer.agent_id.value;
  a.launch([offer.id.value], [commandTask('t1', agentId, 'cpus:1;mem:512')], 0);
  advance(c.world, 10);
  c.world.inject('agent-0', 'master', { channel: 'link', exited: 'agent-0' });
  advance(c.world, 10);
  t.false(c.master().state().slaves[0]?.active);
  const agent = c.agent(0);
  agent.send({
    type: 'REREGISTER_AGENT',
    agent: {
      hostname: 'agent-0',
      id: { value: agentId },
      resources: commandTask('x', agentId, 'cpus:4;mem:4096').resources ?? [],
    },
    tasks: [],
  });
  advance(c.world, 1_000);
  const state = c.master().state();
  t.deepEqual([state.slaves[0]?.connected, state.slaves[0]?.active], [true, true]);
  const re = agent.ofType('AGENT_REREGISTERED')[0];
  t.deepEqual(
    re?.reconciliations?.map((r) => [
      r.framework_id.value,
      r.statuses?.map((s) => [s.task_id.value, s.state]),
    ]),
    [[a.frameworkId, [['t1', 'TASK_STAGING']]]],
    'the task it did not report is sent for it to reconcile',
  );
  t.true(take(a).length >= 1, 'offered again');
});
