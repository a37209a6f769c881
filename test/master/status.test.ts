/** Status updates, acknowledgements, kills and framework messages. */
import test from 'ava';
import { advance, type Cluster, cluster, commandTask, type FakeScheduler, take } from './harness.js';

/** One agent, scheduler `a`, task `t1` (cpus:1;mem:512) launched on it; the rest declined for an hour. */
function running(capabilities: readonly 'PARTITION_AWARE'[] = []): {
  c: Cluster;
  a: FakeScheduler;
  agentId: string;
} {
  const c = cluster({ agents: [{}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe({ capabilities: capabilities.map((type) => ({ type })) });
  advance(c.world, 10);
  const offer = take(a)[0];
  if (offer === undefined) throw new Error('no offer');
  a.launch([offer.id.value], [commandTask('t1', offer.agent_id.value, 'cpus:1;mem:512')], 3600);
  advance(c.world, 10);
  return { c, a, agentId: offer.agent_id.value };
}

test('agent updates are forwarded as UPDATE with their uuid; ACKNOWLEDGE goes back to the agent', (t) => {
  const { c, a, agentId } = running();
  const uuid = c.agent(0).update(a.frameworkId as string, 't1', 'TASK_RUNNING');
  advance(c.world, 10);
  const s = a.statusesOf('t1')[0];
  t.is(s?.state, 'TASK_RUNNING');
  t.is(s?.uuid, uuid);
  t.is(s?.agent_id?.value, agentId);
  t.is(c.master().state().frameworks[0]?.tasks[0]?.state, 'TASK_RUNNING');
  a.call({
    type: 'ACKNOWLEDGE',
    framework_id: a.fid,
    acknowledge: { agent_id: { value: agentId }, task_id: { value: 't1' }, uuid },
  });
  advance(c.world, 10);
  t.deepEqual(c.agent(0).ofType('STATUS_UPDATE_ACKNOWLEDGEMENT'), [
    {
      type: 'STATUS_UPDATE_ACKNOWLEDGEMENT',
      agent_id: { value: agentId },
      framework_id: a.fid,
      task_id: { value: 't1' },
      uuid,
    },
  ]);
});

test('an acknowledgement whose uuid is not a UUID is dropped', (t) => {
  const { c, a, agentId } = running();
  a.call({
    type: 'ACKNOWLEDGE',
    framework_id: a.fid,
    acknowledge: { agent_id: { value: agentId }, task_id: { value: 't1' }, uuid: 'AAAA' },
  });
  advance(c.world, 10);
  t.is(c.agent(0).ofType('STATUS_UPDATE_ACKNOWLEDGEMENT').length, 0);
  t.true(c.world.traceLines().some((l) => l.includes('uuid is not a UUID')));
});

test('a terminal update frees the resources at once; the task is removed when it is acknowledged', (t) => {
  const { c, a, agentId } = running();
  const uuid = c.agent(0).update(a.frameworkId as string, 't1', 'TASK_FINISHED');
  advance(c.world, 10);
  a.call({ type: 'REVIVE', framework_id: a.fid });
  advance(c.world, 10);
  t.deepEqual(
    take(a)[0]?.resources?.map((r) => r.scalar?.value),
    [4, 4096],
    'the whole agent is free (and offered) before any acknowledgement',
  );
  const state = () => c.master().state().frameworks[0];
  t.deepEqual(
    state()?.tasks.map((x) => x.state),
    ['TASK_FINISHED'],
    'kept until acknowledged',
  );
  a.call({
    type: 'ACKNOWLEDGE',
    framework_id: a.fid,
    acknowledge: { agent_id: { value: agentId }, task_id: { value: 't1' }, uuid },
  });
  advance(c.world, 10);
  t.deepEqual(state()?.tasks, []);
  t.deepEqual(
    state()?.completed_tasks.map((x) => [x.id, x.state]),
    [['t1', 'TASK_FINISHED']],
  );
});

test("latest_state frees a task's resources while older updates are still being delivered", (t) => {
  const { c, a } = running();
  c.agent(0).update(a.frameworkId as string, 't1', 'TASK_RUNNING', 'TASK_FAILED');
  advance(c.world, 10);
  t.is(a.statusesOf('t1')[0]?.state, 'TASK_RUNNING', 'the scheduler sees the queued update');
  t.is(c.master().state().frameworks[0]?.tasks[0]?.state, 'TASK_FAILED');
  t.deepEqual(c.master().state().frameworks[0]?.used_resources, {});
});

test('updates from agents the master does not know are ignored', (t) => {
  const { c, a } = running();
  c.agent(0).send({
    type: 'STATUS_UPDATE',
    update: {
      framework_id: a.fid,
      agent_id: { value: 'unknown-agent' },
      status: { task_id: { value: 't1' }, state: 'TASK_RUNNING', uuid: 'AAAAAAAAAAAAAAAAAAAAAA==' },
      timestamp: 0,
      uuid: 'AAAAAAAAAAAAAAAAAAAAAA==',
    },
  });
  advance(c.world, 10);
  t.is(a.updates().length, 0);
  t.true(c.world.traceLines().some((l) => l.includes('unknown agent')));
});

test('KILL of a known task sends KILL_TASK to its agent', (t) => {
  const { c, a } = running();
  a.call({ type: 'KILL', framework_id: a.fid, kill: { task_id: { value: 't1' } } });
  advance(c.world, 10);
  t.deepEqual(
    c
      .agent(0)
      .ofType('KILL_TASK')
      .map((m) => m.task_id.value),
    ['t1'],
  );
});

test('KILL of an unknown task reconciles it: TASK_LOST, or TASK_UNKNOWN for PARTITION_AWARE', (t) => {
  for (const [capabilities, state] of [
    [[], 'TASK_LOST'],
    [['PARTITION_AWARE' as const], 'TASK_UNKNOWN'],
  ] as const) {
    const { c, a } = running(capabilities);
    a.call({ type: 'KILL', framework_id: a.fid, kill: { task_id: { value: 'ghost' } } });
    advance(c.world, 10);
    const s = a.statusesOf('ghost');
    t.deepEqual(
      s.map((x) => [x.state, x.reason, x.message]),
      [[state, 'REASON_RECONCILIATION', 'Reconciliation: Task is unknown']],
    );
    t.is(c.agent(0).ofType('KILL_TASK').length, 0);
  }
});

test('MESSAGE goes to the executor through its agent; EXECUTOR_TO_FRAMEWORK comes back as MESSAGE', (t) => {
  const { c, a, agentId } = running();
  a.call({
    type: 'MESSAGE',
    framework_id: a.fid,
    message: { agent_id: { value: agentId }, executor_id: { value: 't1' }, data: 'aGk=' },
  });
  c.agent(0).send({
    type: 'EXECUTOR_TO_FRAMEWORK',
    agent_id: { value: agentId },
    framework_id: a.fid,
    executor_id: { value: 't1' },
    data: 'eW8=',
  });
  advance(c.world, 10);
  t.deepEqual(c.agent(0).ofType('FRAMEWORK_TO_EXECUTOR'), [
    {
      type: 'FRAMEWORK_TO_EXECUTOR',
      agent_id: { value: agentId },
      framework_id: a.fid,
      executor_id: { value: 't1' },
      data: 'aGk=',
    },
  ]);
  t.deepEqual(a.ofType('MESSAGE'), [
    {
      type: 'MESSAGE',
      message: { agent_id: { value: agentId }, executor_id: { value: 't1' }, data: 'eW8=' },
    },
  ]);
});

test('an agent speaks only for itself: a STATUS_UPDATE about another agent’s task is ignored and frees nothing', (t) => {
  const c = cluster({ agents: [{}, {}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe();
  advance(c.world, 10);
  const offer = take(a).find((o) => o.agent_id.value === c.agent(0).agentId);
  if (offer === undefined) return t.fail('no offer of agent 0');
  a.launch([offer.id.value], [commandTask('t1', offer.agent_id.value, 'cpus:1;mem:512')], 3600);
  advance(c.world, 10);
  // Agent 1 claims agent 0's task finished: it names agent 0 but comes from agent 1's address.
  const liar = c.agent(1);
  const victim = c.agent(0).agentId as string;
  liar.agentId = victim;
  liar.update(a.frameworkId as string, 't1', 'TASK_FINISHED');
  advance(c.world, 10);
  t.deepEqual(a.statusesOf('t1'), [], 'the framework heard nothing');
  t.deepEqual(
    c
      .master()
      .state()
      .frameworks[0]?.tasks.map((x) => x.state),
    ['TASK_STAGING'],
  );
  t.true(c.world.traceLines().some((l) => l.includes('not from the agent but from agent-1')));
});

test('a live task the master wrote off, reported by its agent, is killed if its framework does not checkpoint', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a', 'b'] });
  const a = c.scheduler('a');
  const b = c.scheduler('b');
  a.subscribe();
  b.subscribe({ checkpoint: true });
  advance(c.world, 10);
  // The agent got a RUN_TASK the master then wrote off (TASK_LOST when it heard the connection
  // break), after it had sent the reregistration that would have reported the task.
  c.agent(0).update(a.frameworkId as string, 'ghost', 'TASK_RUNNING');
  c.agent(0).update(a.frameworkId as string, 'gone', 'TASK_FINISHED');
  c.agent(0).update(b.frameworkId as string, 'kept', 'TASK_RUNNING');
  advance(c.world, 10);
  t.deepEqual(
    c
      .agent(0)
      .ofType('KILL_TASK')
      .map((m) => `${m.framework_id.value === a.frameworkId ? 'a' : 'b'}/${m.task_id.value}`),
    ['a/ghost'],
    'not a finished task, nor one of a checkpointing framework',
  );
  t.is(
    a.statusesOf('ghost')[0]?.state,
    'TASK_RUNNING',
    'the update still reaches the framework, as in Mesos',
  );
});
