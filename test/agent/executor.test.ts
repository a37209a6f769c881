/**
 * Custom executors over the v1 executor API (mesos.md §3), with the harness's launcher spawning
 * a tiny fake executor process in the SimWorld.
 */
import test from 'ava';
import type { AgentOptions } from '../../src/agent/options.js';
import type { StatusUpdate } from '../../src/core/messages/agent-protocol.js';
import type { Wire } from '../../src/core/wire.js';
import type { SimWorld } from '../../src/runtime/sim/world.js';
import { AGENT, executorTask, type FakeMaster, newWorld, SimLauncher, setup, traces } from './harness.js';

function withLauncher(options: Partial<AgentOptions> = {}): {
  world: SimWorld<Wire>;
  master: () => FakeMaster;
  launcher: SimLauncher;
} {
  const world = newWorld(1);
  const launcher = new SimLauncher(world);
  const { master } = setup(world, {}, { executorLauncher: launcher, ...options });
  world.runUntil(2000);
  return { world, master, launcher };
}

test('round trip: launch, SUBSCRIBE, SUBSCRIBED, LAUNCH, UPDATE, ACKNOWLEDGED, messages both ways', (t) => {
  const { world, master, launcher } = withLauncher();
  master().runTask(executorTask('t1', 'e1', 'm-S0'));
  world.runUntil(3000);
  t.is(launcher.launches.length, 1);
  const launch = launcher.launches[0];
  t.like(launch, { frameworkId: 'fw-1', agentAddress: AGENT });
  t.like(launch?.environment, {
    MESOS_EXECUTOR_ID: 'e1',
    MESOS_FRAMEWORK_ID: 'fw-1',
    MESOS_AGENT_ENDPOINT: AGENT,
  });
  const executor = launcher.executor(0);
  t.truthy(executor);
  t.deepEqual(
    executor?.events.map((e) => e.event.type),
    ['SUBSCRIBED', 'LAUNCH', 'ACKNOWLEDGED'],
  );
  const subscribed = executor?.ofType('SUBSCRIBED')[0]?.subscribed;
  t.is(subscribed?.executor_info.executor_id.value, 'e1');
  t.is(subscribed?.framework_info.id?.value, 'fw-1');
  t.is(subscribed?.agent_info.id?.value, 'm-S0');
  t.is(executor?.ofType('LAUNCH')[0]?.launch.task.task_id.value, 't1');
  // The executor's TASK_RUNNING reached the master with the executor's own uuid.
  const running = master().updates()[0]?.update;
  t.like(running?.status, { state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', executor_id: { value: 'e1' } });
  t.is(executor?.ofType('ACKNOWLEDGED')[0]?.acknowledged.uuid, running?.uuid);
  t.is(running?.status.uuid, running?.uuid);

  // Executor → framework.
  executor?.call({ type: 'MESSAGE', message: { data: 'aGVsbG8=' } });
  // Framework → executor.
  master().send({
    type: 'FRAMEWORK_TO_EXECUTOR',
    agent_id: { value: 'm-S0' },
    framework_id: { value: 'fw-1' },
    executor_id: { value: 'e1' },
    data: 'cGluZw==',
  });
  world.runUntil(4000);
  t.like(master().ofType('EXECUTOR_TO_FRAMEWORK')[0]?.message, {
    agent_id: { value: 'm-S0' },
    framework_id: { value: 'fw-1' },
    executor_id: { value: 'e1' },
    data: 'aGVsbG8=',
  });
  t.is(executor?.ofType('MESSAGE')[0]?.message.data, 'cGluZw==');

  // A second task goes to the running executor at once.
  master().runTask(executorTask('t2', 'e1', 'm-S0'));
  world.runUntil(5000);
  t.is(launcher.launches.length, 1);
  t.deepEqual(
    executor?.ofType('LAUNCH').map((e) => e.launch.task.task_id.value),
    ['t1', 't2'],
  );
  t.deepEqual(master().statesOf('t2'), ['TASK_RUNNING']);

  // KILL_TASK → KILL → the executor's TASK_KILLED.
  master().send({ type: 'KILL_TASK', framework_id: { value: 'fw-1' }, task_id: { value: 't2' } });
  world.runUntil(6000);
  t.is(executor?.ofType('KILL')[0]?.kill.task_id.value, 't2');
  t.deepEqual(master().statesOf('t2'), ['TASK_RUNNING', 'TASK_KILLED']);
});

test('a duplicate executor UPDATE is acknowledged again but forwarded once', (t) => {
  const { world, master, launcher } = withLauncher();
  master().runTask(executorTask('t1', 'e1', 'm-S0'));
  world.runUntil(3000);
  const executor = launcher.executor(0);
  const uuid = master().updates()[0]?.update.uuid as string;
  executor?.call({
    type: 'UPDATE',
    update: { status: { task_id: { value: 't1' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', uuid } },
  });
  world.runUntil(4000);
  t.is(executor?.ofType('ACKNOWLEDGED').length, 2);
  t.deepEqual(master().statesOf('t1'), ['TASK_RUNNING']);
});

test('SHUTDOWN_EXECUTOR: SHUTDOWN, then after the grace period the container is destroyed', (t) => {
  const { world, master, launcher } = withLauncher();
  master().runTask(executorTask('t1', 'e1', 'm-S0'));
  world.runUntil(3000);
  master().send({ type: 'SHUTDOWN_EXECUTOR', framework_id: { value: 'fw-1' }, executor_id: { value: 'e1' } });
  world.runUntil(3000 + 4000);
  t.is(launcher.executor(0)?.ofType('SHUTDOWN').length, 1);
  t.is(master().ofType('EXITED_EXECUTOR').length, 0);
  world.runUntil(3000 + 6000);
  // The fake executor ignored SHUTDOWN: its task fails with the executor, which is reported.
  t.like(master().ofType('EXITED_EXECUTOR')[0]?.message, {
    framework_id: { value: 'fw-1' },
    executor_id: { value: 'e1' },
    status: 9,
  });
  t.like(master().updates().at(-1)?.update.status, {
    task_id: { value: 't1' },
    state: 'TASK_FAILED',
    source: 'SOURCE_AGENT',
    reason: 'REASON_EXECUTOR_TERMINATED',
  });
  t.is(world.status('executor-fw-1-e1-0'), 'stopped');
});

test('an executor that does not subscribe within 1 min is destroyed; its tasks fail', (t) => {
  const { world, master, launcher } = withLauncher();
  launcher.subscribes = false;
  master().runTask(executorTask('t1', 'e1', 'm-S0'));
  const at = world.now + 1;
  world.runUntil(at + 59_000);
  t.deepEqual(master().statesOf('t1'), []);
  world.runUntil(at + 61_000);
  const failed = master().updates()[0];
  t.like(failed?.update.status, {
    state: 'TASK_FAILED',
    reason: 'REASON_EXECUTOR_REGISTRATION_TIMEOUT',
    message: 'Executor did not register within 1mins',
  });
  t.is((failed?.at ?? 0) - at, 60_001);
  t.is(master().ofType('EXITED_EXECUTOR').length, 1);
});

test('KILL_TASK before the executor subscribes: TASK_KILLED by the agent, and the idle executor is shut down', (t) => {
  const { world, master, launcher } = withLauncher();
  master().runTask(executorTask('t1', 'e1', 'm-S0'));
  master().send({ type: 'KILL_TASK', framework_id: { value: 'fw-1' }, task_id: { value: 't1' } });
  world.runUntil(world.now + 1);
  world.runUntil(3000);
  t.like(master().updates()[0]?.update.status, {
    state: 'TASK_KILLED',
    source: 'SOURCE_AGENT',
    reason: 'REASON_EXECUTOR_UNREGISTERED',
    message: 'Unregistered executor',
  });
  // The executor subscribed to nothing: it got SHUTDOWN instead of SUBSCRIBED (Mesos `subscribe`).
  t.deepEqual(
    launcher.executor(0)?.events.map((e) => e.event.type),
    ['SHUTDOWN'],
  );
});

test('an executor that crashes fails its tasks and is reported to the master', (t) => {
  const { world, master } = withLauncher();
  master().runTask(executorTask('t1', 'e1', 'm-S0'));
  world.runUntil(3000);
  world.crash('executor-fw-1-e1-0');
  world.runUntil(4000);
  t.deepEqual(master().statesOf('t1'), ['TASK_RUNNING', 'TASK_FAILED']);
  t.is(master().ofType('EXITED_EXECUTOR').length, 1);
  t.like(traces(world, 'executor-disconnected')[0], { executor: 'e1' });
  // Acknowledging the failure completes the task; the executor and framework go away.
  master().acknowledge(master().updates().at(-1)?.update as StatusUpdate);
  world.runUntil(5000);
  t.is(traces(world, 'framework-removed').length, 1);
});

test('without a launcher a custom executor cannot start: TASK_FAILED, container launch failed', (t) => {
  const world = newWorld(1);
  const { master } = setup(world);
  world.runUntil(2000);
  master().runTask(executorTask('t1', 'e1', 'm-S0'));
  world.runUntil(3000);
  t.like(master().updates()[0]?.update.status, {
    state: 'TASK_FAILED',
    reason: 'REASON_CONTAINER_LAUNCH_FAILED',
  });
  t.is(master().ofType('EXITED_EXECUTOR')[0]?.message.status, -1);
});

test('calls from unknown or unsubscribed executors are rejected', (t) => {
  const { world, master, launcher } = withLauncher();
  launcher.subscribes = false;
  master().runTask(executorTask('t1', 'e1', 'm-S0'));
  world.runUntil(3000);
  const base = { framework_id: { value: 'fw-1' } };
  world.inject('x', AGENT, {
    channel: 'executor-call',
    call: { type: 'HEARTBEAT', executor_id: { value: 'nope' }, ...base },
  });
  world.inject('x', AGENT, {
    channel: 'executor-call',
    call: { type: 'MESSAGE', executor_id: { value: 'e1' }, message: { data: '' }, ...base },
  });
  world.runUntil(4000);
  t.deepEqual(
    traces(world, 'executor-call-rejected').map((r) => r.why),
    ['Executor cannot be found', 'Executor is not subscribed'],
  );
});
