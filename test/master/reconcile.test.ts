/** RECONCILE: the implicit and explicit rules of mesos.md §5.4. */
import test from 'ava';
import type { TaskStatus } from '../../src/core/messages/task-status.js';
import { advance, cluster, commandTask, type FakeScheduler, take } from './harness.js';

/**
 * Two agents; `a` (PARTITION_AWARE) runs t1 on agent-0; agent-1 stops answering pings and is
 * marked unreachable at 75 s; `b` is not PARTITION_AWARE.
 */
function setUp() {
  const c = cluster({
    agents: [{ resources: 'cpus:4;mem:4096' }, { resources: 'cpus:1;mem:64', pong: false }],
    schedulers: ['a', 'b'],
  });
  const a = c.scheduler('a');
  const b = c.scheduler('b');
  a.subscribe({ capabilities: [{ type: 'PARTITION_AWARE' }] });
  advance(c.world, 10);
  b.subscribe();
  advance(c.world, 10);
  const offer = take(a).find((o) => o.hostname === 'agent-0');
  if (offer === undefined) throw new Error('no offer on agent-0');
  a.launch([offer.id.value], [commandTask('t1', offer.agent_id.value, 'cpus:1')]);
  advance(c.world, 10);
  c.agent(0).update(a.frameworkId as string, 't1', 'TASK_RUNNING', 'TASK_FINISHED');
  advance(c.world, 80_000);
  const unreachable = c.agent(1).agentId as string;
  check(c.master().state().unreachable_slaves === 1, 'agent-1 is unreachable');
  return { c, a, b, agent0: offer.agent_id.value, unreachable };
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

function reconcileAnswers(s: FakeScheduler, since: number): [string, string, string | undefined][] {
  return s.events
    .filter((r) => r.at > since && r.event.type === 'UPDATE')
    .map((r) => (r.event as { update: { status: TaskStatus } }).update.status)
    .map((x) => [x.task_id.value, x.state, x.message]);
}

test('implicit reconciliation: every known task with its status_update_state', (t) => {
  const { c, a } = setUp();
  const since = c.world.now;
  a.call({ type: 'RECONCILE', framework_id: a.fid, reconcile: {} });
  advance(c.world, 10);
  // The master holds the task as TASK_FINISHED (latest_state) but forwarded TASK_RUNNING.
  t.deepEqual(reconcileAnswers(a, since), [['t1', 'TASK_RUNNING', 'Reconciliation: Latest task state']]);
  const answer = a.updates().at(-1);
  t.is(answer?.source, 'SOURCE_MASTER');
  t.is(answer?.reason, 'REASON_RECONCILIATION');
  t.is(answer?.uuid, undefined);
});

test('explicit reconciliation, PARTITION_AWARE: known, GONE, UNREACHABLE, UNKNOWN', (t) => {
  const { c, a, agent0, unreachable } = setUp();
  const since = c.world.now;
  a.call({
    type: 'RECONCILE',
    framework_id: a.fid,
    reconcile: {
      tasks: [
        { task_id: { value: 't1' } },
        { task_id: { value: 'x' }, agent_id: { value: agent0 } },
        { task_id: { value: 'y' }, agent_id: { value: unreachable } },
        { task_id: { value: 'z' }, agent_id: { value: 'never-seen' } },
        { task_id: { value: 'w' } },
      ],
    },
  });
  advance(c.world, 10);
  t.deepEqual(reconcileAnswers(a, since), [
    ['t1', 'TASK_RUNNING', 'Reconciliation: Latest task state'],
    ['x', 'TASK_GONE', 'Reconciliation: Task is unknown to the agent'],
    ['y', 'TASK_UNREACHABLE', 'Reconciliation: Task is unreachable'],
    ['z', 'TASK_UNKNOWN', 'Reconciliation: Task is unknown'],
    ['w', 'TASK_UNKNOWN', 'Reconciliation: Task is unknown'],
  ]);
  const y = a.statusesOf('y')[0];
  // Registered at 1 ms; five pings on the 100 ms grid: 15.1 s, …, 75.1 s (src/master/health.ts).
  t.is(y?.unreachable_time?.nanoseconds, 75_100 * 1e6, 'when the agent was marked unreachable');
});

test('explicit reconciliation without PARTITION_AWARE answers TASK_LOST for every unknown task', (t) => {
  const { c, b, agent0, unreachable } = setUp();
  const since = c.world.now;
  b.call({
    type: 'RECONCILE',
    framework_id: b.fid,
    reconcile: {
      tasks: [
        { task_id: { value: 'x' }, agent_id: { value: agent0 } },
        { task_id: { value: 'y' }, agent_id: { value: unreachable } },
        { task_id: { value: 'z' }, agent_id: { value: 'never-seen' } },
        { task_id: { value: 'w' } },
      ],
    },
  });
  advance(c.world, 10);
  t.deepEqual(
    reconcileAnswers(b, since).map(([id, state]) => [id, state]),
    [
      ['x', 'TASK_LOST'],
      ['y', 'TASK_LOST'],
      ['z', 'TASK_LOST'],
      ['w', 'TASK_LOST'],
    ],
  );
});

test('a task of another framework is unknown to this one', (t) => {
  const { c, b, agent0 } = setUp();
  const since = c.world.now;
  b.call({
    type: 'RECONCILE',
    framework_id: b.fid,
    reconcile: { tasks: [{ task_id: { value: 't1' }, agent_id: { value: agent0 } }] },
  });
  advance(c.world, 10);
  t.deepEqual(reconcileAnswers(b, since), [
    ['t1', 'TASK_LOST', 'Reconciliation: Task is unknown to the agent'],
  ]);
});
