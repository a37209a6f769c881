/**
 * Command tasks on the built-in command executor: lifecycle, exit codes, kills, framework
 * shutdown, and the agent's answers for tasks it does not hold (Mesos slave.cpp `killTask`,
 * src/launcher/executor.cpp).
 */
import test from 'ava';
import type { Agent } from '../../src/agent/agent.js';
import { base64ByteLength } from '../../src/core/messages/base64.js';
import type { FrameworkInfo } from '../../src/core/messages/framework-info.js';
import type { TaskInfo } from '../../src/core/messages/task-info.js';
import type { Wire } from '../../src/core/wire.js';
import { SimCommandRunner } from '../../src/runtime/sim/sim-command-runner.js';
import type { SimWorld } from '../../src/runtime/sim/world.js';
import { commandTask, type FakeMaster, FRAMEWORK, newWorld, setup, traces } from './harness.js';

/** A registered agent with a fake master that acknowledges everything; returns the launch time. */
function registered(
  seed = 1,
  agentOptions = {},
): { world: SimWorld<Wire>; master: () => FakeMaster; agent: () => Agent } {
  const world = newWorld(seed);
  const s = setup(world, {}, agentOptions);
  world.runUntil(2000);
  return { world, ...s };
}

function run(
  world: SimWorld<Wire>,
  master: FakeMaster,
  task: TaskInfo,
  framework: FrameworkInfo = FRAMEWORK,
): number {
  master.runTask(task, framework);
  return world.now + 1; // RUN_TASK arrives 1 ms later
}

test('sleep 5: STARTING and RUNNING at once, FINISHED after 5 s of virtual time', (t) => {
  const { world, master, agent } = registered();
  const at = run(world, master(), commandTask('t1', 'sleep 5', 'm-S0'));
  world.runUntil(at + 10_000);
  const ups = master().updates();
  t.deepEqual(
    ups.map((u) => [u.update.status.state, u.at - at]),
    [
      ['TASK_STARTING', 1],
      ['TASK_RUNNING', 3], // released by the ack of STARTING (1 ms there, 1 ms back)
      ['TASK_FINISHED', 5001],
    ],
  );
  const finished = ups[2]?.update;
  t.like(finished?.status, {
    message: 'Command exited with status 0',
    source: 'SOURCE_EXECUTOR',
    executor_id: { value: 't1' },
    agent_id: { value: 'm-S0' },
    timestamp: (at + 5000) / 1000,
  });
  t.is(finished?.status.uuid, finished?.uuid);
  t.is(base64ByteLength(finished?.uuid ?? ''), 16);
  t.is(finished?.executor_id?.value, 't1');
  t.is(new Set(ups.map((u) => u.update.uuid)).size, 3);
  // The terminal update was acknowledged: task, executor and framework are gone.
  t.deepEqual(agent().state().frameworks, []);
  t.is(agent().state().statusUpdateStreams, 0);
  t.deepEqual(
    traces(world, 'task').map((r) => r.state),
    ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'],
  );
});

test('sleep 2; exit 3 fails after 2 s with the exit code in the message', (t) => {
  const { world, master } = registered();
  const at = run(world, master(), commandTask('t1', 'sleep 2; exit 3', 'm-S0'));
  world.runUntil(at + 10_000);
  const last = master().updates().at(-1);
  t.is(last?.update.status.state, 'TASK_FAILED');
  t.is(last?.update.status.message, 'Command exited with status 3');
  t.is((last?.at ?? 0) - at, 2001);
});

const outcomes: [string, string, string][] = [
  ['sleep 2 && exit 3', 'TASK_FAILED', 'Command exited with status 3'],
  ['exit 4', 'TASK_FAILED', 'Command exited with status 4'],
  ['true', 'TASK_FINISHED', 'Command exited with status 0'],
  ['false', 'TASK_FAILED', 'Command exited with status 1'],
  ['sleep 1; true', 'TASK_FINISHED', 'Command exited with status 0'],
  ['echo hi', 'TASK_FAILED', 'unsupported command in the simulated world: echo hi'],
];
for (const [command, state, message] of outcomes) {
  test(`command "${command}" ends ${state}`, (t) => {
    const { world, master } = registered();
    const at = run(world, master(), commandTask('t1', command, 'm-S0'));
    world.runUntil(at + 10_000);
    const states = master().statesOf('t1');
    t.is(states[0], 'TASK_STARTING');
    t.like(master().updates().at(-1)?.update.status, { state, message });
    if (command === 'echo hi') t.deepEqual(states, ['TASK_STARTING', 'TASK_FAILED']);
  });
}

test('KILL_TASK: SIGTERM ends sleep infinity at once, TASK_KILLED', (t) => {
  const { world, master, agent } = registered();
  const at = run(world, master(), commandTask('t1', 'sleep infinity', 'm-S0'));
  world.runUntil(at + 10_000);
  t.deepEqual(master().statesOf('t1'), ['TASK_STARTING', 'TASK_RUNNING']);
  master().send({ type: 'KILL_TASK', framework_id: { value: 'fw-1' }, task_id: { value: 't1' } });
  world.runUntil(at + 20_000);
  t.deepEqual(master().statesOf('t1'), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
  const killed = master().updates().at(-1);
  t.is(killed?.update.status.message, 'Command terminated with signal Terminated');
  t.is((killed?.at ?? 0) - at, 10_002); // KILL_TASK sent at +10 s, 1 ms each way
  t.deepEqual(agent().state().frameworks, []);
});

test('KILL_TASK: TASK_KILLING first for a framework with TASK_KILLING_STATE; SIGKILL after the grace period', (t) => {
  const runner = new SimCommandRunner({ sigtermExitDelayMs: 60_000 });
  const { world, master } = registered(1, { commandRunner: runner });
  const fw: FrameworkInfo = { ...FRAMEWORK, capabilities: [{ type: 'TASK_KILLING_STATE' }] };
  const at = run(world, master(), commandTask('t1', 'sleep 100', 'm-S0'), fw);
  world.runUntil(at + 10_000);
  master().send({
    type: 'KILL_TASK',
    framework_id: { value: 'fw-1' },
    task_id: { value: 't1' },
    kill_policy: { grace_period: { nanoseconds: 2e9 } },
  });
  world.runUntil(at + 20_000);
  t.deepEqual(master().statesOf('t1'), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
  const killed = master().updates().at(-1);
  t.is(killed?.update.status.message, 'Command terminated with signal Killed');
  t.is((killed?.at ?? 0) - at, 12_002); // + the 2 s grace period
  t.is(runner.running, 0);
});

test('KILL_TASK for a task the agent does not hold: TASK_LOST, or TASK_DROPPED if partition-aware', (t) => {
  const { world, master } = registered();
  run(world, master(), commandTask('t1', 'sleep 100', 'm-S0'));
  const pa: FrameworkInfo = {
    user: 'u',
    name: 'pa',
    id: { value: 'fw-2' },
    capabilities: [{ type: 'PARTITION_AWARE' }],
  };
  run(world, master(), commandTask('p1', 'sleep 100', 'm-S0'), pa);
  world.runUntil(3000);
  master().send({ type: 'KILL_TASK', framework_id: { value: 'fw-1' }, task_id: { value: 'nope' } });
  master().send({ type: 'KILL_TASK', framework_id: { value: 'fw-2' }, task_id: { value: 'nope2' } });
  master().send({ type: 'KILL_TASK', framework_id: { value: 'fw-9' }, task_id: { value: 'nope3' } });
  world.runUntil(4000);
  t.like(
    master()
      .updates()
      .find((u) => u.update.status.task_id.value === 'nope')?.update.status,
    {
      state: 'TASK_LOST',
      source: 'SOURCE_AGENT',
      reason: 'REASON_EXECUTOR_TERMINATED',
      message: 'Cannot find executor',
    },
  );
  t.is(master().statesOf('nope2')[0], 'TASK_DROPPED');
  // An unknown framework's kill is ignored, as Mesos does.
  t.deepEqual(master().statesOf('nope3'), []);
  t.like(traces(world, 'kill-ignored').at(-1), { framework: 'fw-9', why: 'unknown framework' });
});

test('SHUTDOWN_FRAMEWORK kills its tasks; no update follows, the framework is forgotten', (t) => {
  const runner = new SimCommandRunner();
  const { world, master, agent } = registered(1, { commandRunner: runner });
  run(world, master(), commandTask('t1', 'sleep infinity', 'm-S0'));
  run(world, master(), commandTask('t2', 'sleep 1000', 'm-S0'));
  world.runUntil(3000);
  t.is(runner.running, 2);
  const before = master().updates().length;
  master().send({ type: 'SHUTDOWN_FRAMEWORK', framework_id: { value: 'fw-1' } });
  world.runUntil(10_000);
  t.is(runner.running, 0);
  t.is(master().updates().length, before);
  t.deepEqual(agent().state().frameworks, []);
  t.is(traces(world, 'framework-removed').length, 1);
});

test('RUN_TASK meant for another agent, or repeated, is ignored', (t) => {
  const { world, master } = registered();
  run(world, master(), commandTask('t1', 'sleep 100', 'other-S9'));
  run(world, master(), commandTask('t2', 'sleep 100', 'm-S0'));
  run(world, master(), commandTask('t2', 'sleep 100', 'm-S0'));
  world.runUntil(5000);
  t.deepEqual(master().statesOf('t1'), []);
  t.deepEqual(master().statesOf('t2'), ['TASK_STARTING', 'TASK_RUNNING']);
  t.deepEqual(
    traces(world, 'run-task-ignored').map((r) => r.why),
    ['meant for agent other-S9', 'duplicate task'],
  );
});

test('a command task gets MESOS_* variables, its sandbox and the command environment', (t) => {
  const launches: unknown[] = [];
  const runner = new SimCommandRunner();
  const spy = {
    start: (
      env: Parameters<SimCommandRunner['start']>[0],
      launch: Parameters<SimCommandRunner['start']>[1],
    ) => {
      launches.push(launch);
      return runner.start(env, launch);
    },
    kill: runner.kill.bind(runner),
    onTimer: runner.onTimer.bind(runner),
  };
  const { world, master } = registered(1, { commandRunner: spy, workDir: '/w' });
  const task = commandTask('t1', 'sleep 1', 'm-S0');
  run(world, master(), {
    ...task,
    command: { value: 'sleep 1', environment: { variables: [{ name: 'FOO', value: 'bar' }] } },
  });
  world.runUntil(3000);
  const launch = launches[0] as { environment: Record<string, string>; sandbox: string; user: string };
  t.regex(launch.sandbox, /^\/w\/slaves\/m-S0\/frameworks\/fw-1\/executors\/t1\/runs\/[0-9a-f-]{36}$/u);
  t.like(launch.environment, {
    MESOS_FRAMEWORK_ID: 'fw-1',
    MESOS_EXECUTOR_ID: 't1',
    MESOS_SANDBOX: launch.sandbox,
    MESOS_AGENT_ENDPOINT: 'agent-0',
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '5secs',
    FOO: 'bar',
  });
  t.is(launch.user, 'alice');
});

test('the task limit: a RUN_TASK beyond it is answered TASK_LOST, and that answer is retried until acknowledged', (t) => {
  const world = newWorld(1);
  const { master } = setup(world, { ack: 'none' }, { limits: { maxTasks: 1 } });
  world.runUntil(2000);
  master().runTask(commandTask('t1', 'sleep 100', 'm-S0'));
  master().runTask(commandTask('t2', 'sleep 100', 'm-S0'));
  world.runUntil(15_000);
  t.like(
    master()
      .updates()
      .find((u) => u.update.status.task_id.value === 't2')?.update.status,
    {
      state: 'TASK_LOST',
      source: 'SOURCE_AGENT',
      message: 'The agent holds 1 tasks, its limit',
    },
  );
  t.deepEqual(master().statesOf('t2'), ['TASK_LOST', 'TASK_LOST']); // resent after 10 s
});

test('a task for an executor the master believes running, but which is gone: TASK_LOST, retried', (t) => {
  const world = newWorld(1);
  const { master, agent } = setup(world, { ack: 'none' });
  world.runUntil(2000);
  master().send({
    type: 'RUN_TASK',
    framework: FRAMEWORK,
    task: {
      name: 'x',
      task_id: { value: 'x1' },
      agent_id: { value: 'm-S0' },
      executor: { executor_id: { value: 'gone' }, command: { value: './exec' } },
    },
    launch_executor: false,
  });
  world.runUntil(15_000);
  t.like(master().updates()[0]?.update.status, {
    state: 'TASK_LOST',
    reason: 'REASON_EXECUTOR_TERMINATED',
    message: 'Executor not running',
  });
  t.deepEqual(master().statesOf('x1'), ['TASK_LOST', 'TASK_LOST']);
  t.deepEqual(agent().state().frameworks, []);
});
