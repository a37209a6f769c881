/** ACCEPT: launching on offers, the remainder, and every way an ACCEPT can be invalid. */
import test from 'ava';
import type { TaskInfo } from '../../src/core/messages/task-info.js';
import { advance, type Cluster, cluster, commandTask, type FakeScheduler, take } from './harness.js';

/** A cluster with one 4-cpu agent and scheduler `a` holding its first offer. */
function withOffer(
  capabilities: readonly ('PARTITION_AWARE' | 'MULTI_ROLE')[] = [],
  agentResources = 'cpus:4;mem:4096',
): {
  c: Cluster;
  a: FakeScheduler;
  offerId: string;
  agentId: string;
} {
  const c = cluster({ agents: [{ resources: agentResources }], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe({ capabilities: capabilities.map((type) => ({ type })) });
  advance(c.world, 10);
  const offer = take(a)[0];
  if (offer === undefined) throw new Error('no offer');
  return { c, a, offerId: offer.id.value, agentId: offer.agent_id.value };
}

test('a valid LAUNCH sends RUN_TASK to the agent and the task is TASK_STAGING', (t) => {
  const { c, a, offerId, agentId } = withOffer();
  a.launch([offerId], [commandTask('t1', agentId, 'cpus:1;mem:512')]);
  advance(c.world, 10);
  const run = c.agent(0).ofType('RUN_TASK');
  t.is(run.length, 1);
  t.is(run[0]?.framework.id?.value, a.frameworkId);
  t.is(run[0]?.task.task_id.value, 't1');
  t.true(run[0]?.launch_executor);
  t.deepEqual(
    run[0]?.task.resources?.map((r) => r.allocation_info),
    [{ role: '*' }, { role: '*' }],
    'allocation_info injected as Mesos does',
  );
  const task = c.master().state().frameworks[0]?.tasks[0];
  t.is(task?.state, 'TASK_STAGING');
  t.deepEqual(task?.resources, { cpus: 1, mem: 512 });
  const counters = c.master().counters();
  t.is(counters.offersAccepted, 1);
  t.is(counters.tasksLaunched, 1);
  t.deepEqual(counters.tasksByState, { TASK_STAGING: 1 });
});

test('the unused remainder is declined for 5 s by default, then offered again', (t) => {
  const { c, a, offerId, agentId } = withOffer();
  a.launch([offerId], [commandTask('t1', agentId, 'cpus:1;mem:512')]);
  advance(c.world, 4_900);
  t.is(take(a).length, 0);
  advance(c.world, 1_200);
  const again = take(a);
  t.is(again.length, 1);
  t.deepEqual(
    again[0]?.resources?.map((r) => r.scalar?.value),
    [3, 3584],
    'what the task does not hold',
  );
});

test('an ACCEPT filter of 0 s returns the remainder at the next batch run', (t) => {
  const { c, a, offerId, agentId } = withOffer();
  a.launch([offerId], [commandTask('t1', agentId, 'cpus:1;mem:512')], 0);
  advance(c.world, 1_000);
  t.is(take(a).length, 1);
});

/** The single status the scheduler got for `taskId`. */
function onlyStatus(a: FakeScheduler, taskId: string) {
  const statuses = a.statusesOf(taskId);
  if (statuses.length !== 1) throw new Error(`expected one status for ${taskId}, got ${statuses.length}`);
  return statuses[0] as NonNullable<(typeof statuses)[0]>;
}

test('an unknown offer: TASK_LOST with REASON_INVALID_OFFERS, SOURCE_MASTER and no uuid', (t) => {
  const { c, a, agentId } = withOffer();
  a.launch(['no-such-offer'], [commandTask('t1', agentId, 'cpus:1')]);
  advance(c.world, 10);
  const s = onlyStatus(a, 't1');
  t.is(s.state, 'TASK_LOST');
  t.is(s.reason, 'REASON_INVALID_OFFERS');
  t.is(s.source, 'SOURCE_MASTER');
  t.is(s.message, 'Task launched with invalid offers: Offer no-such-offer is no longer valid');
  t.is(s.uuid, undefined);
  t.is(c.agent(0).ofType('RUN_TASK').length, 0);
});

test('a PARTITION_AWARE framework gets TASK_DROPPED for the same mistake', (t) => {
  const { c, a, agentId } = withOffer(['PARTITION_AWARE']);
  a.launch(['no-such-offer'], [commandTask('t1', agentId, 'cpus:1')]);
  advance(c.world, 10);
  t.is(onlyStatus(a, 't1').state, 'TASK_DROPPED');
});

test('an offer used by a previous ACCEPT is no longer valid', (t) => {
  const { c, a, offerId, agentId } = withOffer();
  a.launch([offerId], [commandTask('t1', agentId, 'cpus:1')]);
  a.launch([offerId], [commandTask('t2', agentId, 'cpus:1')]);
  advance(c.world, 10);
  t.is(c.agent(0).ofType('RUN_TASK').length, 1);
  t.is(onlyStatus(a, 't2').message, `Task launched with invalid offers: Offer ${offerId} is no longer valid`);
});

test('the same offer twice in one ACCEPT is invalid, and the offer goes back without a filter', (t) => {
  const { c, a, offerId, agentId } = withOffer();
  a.launch([offerId, offerId], [commandTask('t1', agentId, 'cpus:1')]);
  advance(c.world, 10);
  t.is(
    onlyStatus(a, 't1').message,
    `Task launched with invalid offers: Duplicate offer ${offerId} in offer list`,
  );
  advance(c.world, 1_000);
  t.is(take(a).length, 1, 'offered again at the next batch run: no filter');
});

test("another framework's offer, or none at all, is invalid", (t) => {
  const c = cluster({ agents: [{}, {}], schedulers: ['a', 'b'] });
  c.scheduler('a').subscribe();
  c.scheduler('b').subscribe();
  advance(c.world, 10);
  const a = c.scheduler('a');
  const b = c.scheduler('b');
  const bOffer = take(b)[0];
  const aOffer = take(a)[0];
  if (bOffer === undefined || aOffer === undefined) throw new Error('no offers');
  a.launch([bOffer.id.value], [commandTask('t1', bOffer.agent_id.value, 'cpus:1')]);
  a.launch([], [commandTask('t2', aOffer.agent_id.value, 'cpus:1')]);
  a.launch([aOffer.id.value, bOffer.id.value], [commandTask('t3', aOffer.agent_id.value, 'cpus:1')]);
  advance(c.world, 10);
  t.is(
    onlyStatus(a, 't1').message,
    `Task launched with invalid offers: Offer ${bOffer.id.value} has invalid framework ${b.frameworkId} while framework ${a.frameworkId} is expected`,
  );
  t.is(onlyStatus(a, 't2').message, 'Task launched with invalid offers: No offers specified');
  t.regex(onlyStatus(a, 't3').message ?? '', /has invalid framework/u);
  // b's offer was left alone: b can still use it.
  b.launch([bOffer.id.value], [commandTask('tb', bOffer.agent_id.value, 'cpus:1')]);
  advance(c.world, 10);
  t.is(b.statusesOf('tb').length, 0);
  t.is(c.master().state().frameworks[1]?.tasks[0]?.id, 'tb');
});

test('aggregated offers must be on one agent', (t) => {
  const c = cluster({ agents: [{}, {}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe();
  advance(c.world, 10);
  const [o1, o2] = take(a);
  if (o1 === undefined || o2 === undefined) throw new Error('offers');
  a.launch([o1.id.value, o2.id.value], [commandTask('t1', o1.agent_id.value, 'cpus:1')]);
  advance(c.world, 10);
  t.is(
    onlyStatus(a, 't1').message,
    `Task launched with invalid offers: Aggregated offers must belong to one single agent. Offer ${o2.id.value} uses agent ${o2.agent_id.value} and agent ${o1.agent_id.value}`,
  );
});

test('a task asking for more than the offers hold gets TASK_ERROR with REASON_TASK_INVALID', (t) => {
  const { c, a, offerId, agentId } = withOffer();
  a.launch([offerId], [commandTask('big', agentId, 'cpus:8;mem:512')]);
  advance(c.world, 10);
  const s = onlyStatus(a, 'big');
  t.is(s.state, 'TASK_ERROR');
  t.is(s.reason, 'REASON_TASK_INVALID');
  t.is(
    s.message,
    'Total resources cpus:8;mem:512 required by task and its executor is more than available cpus:4;mem:4096',
  );
  t.is(c.agent(0).ofType('RUN_TASK').length, 0);
});

test('tasks of one ACCEPT share the offers: the second one that does not fit fails', (t) => {
  const { c, a, offerId, agentId } = withOffer();
  a.launch([offerId], [commandTask('t1', agentId, 'cpus:3'), commandTask('t2', agentId, 'cpus:2')]);
  advance(c.world, 10);
  t.is(c.agent(0).ofType('RUN_TASK').length, 1);
  t.regex(onlyStatus(a, 't2').message ?? '', /more than available cpus:1;mem:4096$/u);
});

test('a duplicate task id gets TASK_ERROR "Task has duplicate ID"', (t) => {
  const { c, a, offerId, agentId } = withOffer();
  a.launch([offerId], [commandTask('t1', agentId, 'cpus:1'), commandTask('t1', agentId, 'cpus:1')]);
  advance(c.world, 10);
  t.is(c.agent(0).ofType('RUN_TASK').length, 1);
  const s = onlyStatus(a, 't1');
  t.is(s.state, 'TASK_ERROR');
  t.is(s.message, 'Task has duplicate ID: t1');
});

test('malformed tasks: wrong agent, no resources, neither command nor executor, bad id', (t) => {
  const { c, a, offerId, agentId } = withOffer();
  const noCommand: TaskInfo = { ...commandTask('t3', agentId, 'cpus:1') };
  delete (noCommand as { command?: unknown }).command;
  a.launch(
    [offerId],
    [
      commandTask('t1', 'other-agent', 'cpus:1'),
      { ...commandTask('t2', agentId, 'cpus:1'), resources: [] },
      noCommand,
      commandTask('a/b', agentId, 'cpus:1'),
    ],
  );
  advance(c.world, 10);
  t.is(onlyStatus(a, 't1').message, `Task uses invalid agent other-agent while agent ${agentId} is expected`);
  t.is(onlyStatus(a, 't2').message, 'Task uses no resources');
  t.is(
    onlyStatus(a, 't3').message,
    'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present',
  );
  t.is(onlyStatus(a, 'a/b').message, "TaskID 'a/b' contains invalid characters");
  t.is(c.master().counters().taskStateTransitions.TASK_ERROR, 4);
});

test('custom executors: their resources count, their id is in later offers, an exit frees them', (t) => {
  const { c, a, offerId, agentId } = withOffer();
  const task: TaskInfo = {
    ...commandTask('t1', agentId, 'cpus:1;mem:128'),
    executor: {
      executor_id: { value: 'e1' },
      command: { value: 'my-executor' },
      resources: commandTask('x', agentId, 'cpus:0.5;mem:64').resources ?? [],
    },
  };
  delete (task as { command?: unknown }).command;
  a.launch([offerId], [task], 0);
  advance(c.world, 1_000);
  const run = c.agent(0).ofType('RUN_TASK')[0];
  t.is(run?.task.executor?.framework_id?.value, a.frameworkId, 'the master fills in the framework id');
  const next = take(a)[0];
  t.deepEqual(
    next?.resources?.map((r) => r.scalar?.value),
    [2.5, 3904],
  );
  t.deepEqual(next?.executor_ids, [{ value: 'e1' }]);
  a.decline([next?.id.value as string], 0);
  c.agent(0).send({
    type: 'EXITED_EXECUTOR',
    agent_id: { value: agentId },
    framework_id: a.fid,
    executor_id: { value: 'e1' },
    status: 0,
  });
  advance(c.world, 1_000);
  t.deepEqual(
    a.ofType('FAILURE').map((e) => e.failure),
    [{ agent_id: { value: agentId }, executor_id: { value: 'e1' }, status: 0 }],
  );
  t.deepEqual(
    take(a)[0]?.resources?.map((r) => r.scalar?.value),
    [3, 3968],
    'the executor share is back',
  );
});

test('LAUNCH_GROUP: all tasks go in one RUN_TASK_GROUP with the executor', (t) => {
  const { c, a, offerId, agentId } = withOffer([], 'cpus:4;mem:4096;disk:1000');
  const executor = {
    type: 'DEFAULT' as const,
    executor_id: { value: 'default' },
    resources: commandTask('x', agentId, 'cpus:0.1;mem:32;disk:32').resources ?? [],
  };
  const tasks = ['g1', 'g2'].map((id) => {
    const task: TaskInfo = { ...commandTask(id, agentId, 'cpus:1;mem:100') };
    return task;
  });
  a.call({
    type: 'ACCEPT',
    framework_id: a.fid,
    accept: {
      offer_ids: [{ value: offerId }],
      operations: [{ type: 'LAUNCH_GROUP', launch_group: { executor, task_group: { tasks } } }],
    },
  });
  advance(c.world, 10);
  t.deepEqual(
    a.updates().map((u) => u.message),
    [],
  );
  const group = c.agent(0).ofType('RUN_TASK_GROUP');
  t.is(group.length, 1);
  t.deepEqual(
    group[0]?.task_group.tasks?.map((x) => x.task_id.value),
    ['g1', 'g2'],
  );
  t.true(group[0]?.launch_executor);
  t.deepEqual(
    c
      .master()
      .state()
      .frameworks[0]?.tasks.map((x) => [x.id, x.executor_id, x.state]),
    [
      ['g1', 'default', 'TASK_STAGING'],
      ['g2', 'default', 'TASK_STAGING'],
    ],
  );
});

test('LAUNCH_GROUP is all or nothing: one bad task fails the group with REASON_TASK_GROUP_INVALID', (t) => {
  const { c, a, offerId, agentId } = withOffer([], 'cpus:4;mem:4096;disk:1000');
  const executor = {
    type: 'DEFAULT' as const,
    executor_id: { value: 'default' },
    resources: commandTask('x', agentId, 'cpus:0.1;mem:32').resources ?? [],
  };
  const tasks = [commandTask('g1', agentId, 'cpus:1'), commandTask('g2', agentId, 'cpus:1')];
  a.call({
    type: 'ACCEPT',
    framework_id: a.fid,
    accept: {
      offer_ids: [{ value: offerId }],
      operations: [{ type: 'LAUNCH_GROUP', launch_group: { executor, task_group: { tasks } } }],
    },
  });
  advance(c.world, 10);
  t.deepEqual(
    a.updates().map((u) => [u.task_id.value, u.state, u.reason, u.message]),
    ['g1', 'g2'].map((id) => [
      id,
      'TASK_ERROR',
      'REASON_TASK_GROUP_INVALID',
      "Executor 'default' uses no disk",
    ]),
  );
  t.is(c.agent(0).ofType('RUN_TASK_GROUP').length, 0);
});
