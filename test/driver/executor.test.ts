/**
 * The executor driver against a fake agent (mesos.md §1.4, §3): subscription, the events that
 * become callbacks, status updates with fresh uuids kept until ACKNOWLEDGED, resubscription with
 * what is unacknowledged, shutdown, and the options read from the MESOS_* environment.
 */
import test from 'ava';
import { base64ByteLength, UUID_BYTES } from '../../src/core/messages/base64.js';
import type { AgentInfo } from '../../src/core/messages/cluster-info.js';
import {
  decodeExecutorCall,
  type ExecutorCall,
  type ExecutorEvent,
} from '../../src/core/messages/executor.js';
import type { FrameworkInfo } from '../../src/core/messages/framework-info.js';
import type { TaskID } from '../../src/core/messages/ids.js';
import type { ExecutorInfo, TaskInfo } from '../../src/core/messages/task-info.js';
import type { Address, Env, Process } from '../../src/core/process.js';
import { executorEvent, type Wire } from '../../src/core/wire.js';
import {
  DriverStatus,
  type Executor,
  type ExecutorDriver,
  type ExecutorDriverOptions,
  executorOptionsFromEnvironment,
  MesosExecutorDriver,
  parseDurationMs,
} from '../../src/driver/index.js';
import { newWorld } from './harness.js';

const AGENT = 'agent-0';
const EXECUTOR = 'executor-e1';
const EXECUTOR_ID = { value: 'e1' };
const FRAMEWORK_ID = { value: 'M1-0000' };
const EXECUTOR_INFO: ExecutorInfo = { executor_id: EXECUTOR_ID, command: { value: './my-executor' } };
const AGENT_INFO: AgentInfo = { hostname: 'agent-0', id: { value: 'M1-S0' } };

function frameworkInfo(checkpoint: boolean): FrameworkInfo {
  return { user: 'tester', name: 'fw', id: FRAMEWORK_ID, checkpoint };
}

function task(id: string): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: AGENT_INFO.id ?? { value: '' },
    executor: EXECUTOR_INFO,
  };
}

/** An agent that records executor calls and answers SUBSCRIBE with SUBSCRIBED. */
class FakeAgent implements Process<Wire> {
  readonly calls: { at: number; call: ExecutorCall }[] = [];
  readonly links: Address[] = [];
  readonly #checkpoint: boolean;
  #env: Env<Wire> | undefined;

  constructor(checkpoint: boolean) {
    this.#checkpoint = checkpoint;
  }

  onStart(env: Env<Wire>): void {
    this.#env = env;
  }

  onMessage(env: Env<Wire>, from: Address, msg: Wire): void {
    if (msg.channel === 'link') this.links.push(msg.exited);
    if (msg.channel !== 'executor-call') return;
    this.calls.push({ at: env.now(), call: msg.call });
    if (msg.call.type === 'SUBSCRIBE') {
      this.send(from, {
        type: 'SUBSCRIBED',
        subscribed: {
          executor_info: EXECUTOR_INFO,
          framework_info: frameworkInfo(this.#checkpoint),
          agent_info: AGENT_INFO,
        },
      });
    }
  }

  onTimer(): void {}

  send(to: Address, event: ExecutorEvent): void {
    (this.#env as Env<Wire>).send(to, executorEvent(event));
  }

  ofType<T extends ExecutorCall['type']>(type: T): Extract<ExecutorCall, { type: T }>[] {
    return this.calls
      .filter((c) => c.call.type === type)
      .map((c) => c.call as Extract<ExecutorCall, { type: T }>);
  }
}

type Hooks = { readonly [K in keyof Executor]?: Executor[K] };

/** An executor that records its callbacks, then runs the test's hooks. */
class RecordingExecutor implements Executor {
  readonly log: [string, ...unknown[]][] = [];
  readonly #hooks: Hooks;
  constructor(hooks: Hooks = {}) {
    this.#hooks = hooks;
  }
  names(): string[] {
    return this.log.map(([name]) => name);
  }
  registered(d: ExecutorDriver, e: ExecutorInfo, f: FrameworkInfo, a: AgentInfo): void {
    this.log.push(['registered', e, f, a]);
    this.#hooks.registered?.(d, e, f, a);
  }
  reregistered(d: ExecutorDriver, a: AgentInfo): void {
    this.log.push(['reregistered', a]);
    this.#hooks.reregistered?.(d, a);
  }
  disconnected(d: ExecutorDriver): void {
    this.log.push(['disconnected']);
    this.#hooks.disconnected?.(d);
  }
  launchTask(d: ExecutorDriver, t: TaskInfo): void {
    this.log.push(['launchTask', t]);
    this.#hooks.launchTask?.(d, t);
  }
  killTask(d: ExecutorDriver, id: TaskID): void {
    this.log.push(['killTask', id]);
    this.#hooks.killTask?.(d, id);
  }
  frameworkMessage(d: ExecutorDriver, data: string): void {
    this.log.push(['frameworkMessage', data]);
    this.#hooks.frameworkMessage?.(d, data);
  }
  shutdown(d: ExecutorDriver): void {
    this.log.push(['shutdown']);
    this.#hooks.shutdown?.(d);
  }
  error(d: ExecutorDriver, message: string): void {
    this.log.push(['error', message, (d as MesosExecutorDriver).status]);
    this.#hooks.error?.(d, message);
  }
}

/** Sends TASK_RUNNING for each launched task, and TASK_KILLED when asked to kill. */
const RUNS_TASKS: Hooks = {
  launchTask: (d, t) => void d.sendStatusUpdate({ task_id: t.task_id, state: 'TASK_RUNNING' }),
  killTask: (d, id) => void d.sendStatusUpdate({ task_id: id, state: 'TASK_KILLED' }),
};

function setup(
  options: { checkpoint?: boolean; hooks?: Hooks; driver?: Partial<ExecutorDriverOptions> } = {},
) {
  const world = newWorld(1);
  const checkpoint = options.checkpoint ?? false;
  world.spawn(AGENT, () => new FakeAgent(checkpoint));
  const executor = new RecordingExecutor(options.hooks);
  const exits: DriverStatus[] = [];
  const driver = new MesosExecutorDriver(executor, {
    agent: AGENT,
    frameworkId: FRAMEWORK_ID,
    executorId: EXECUTOR_ID,
    onExit: (status) => exits.push(status),
    ...options.driver,
  });
  world.spawn(EXECUTOR, () => driver.process);
  driver.start();
  world.runUntil(10);
  return {
    world,
    driver,
    executor,
    exits,
    agent: () => world.instance(AGENT) as FakeAgent,
    advance: (ms: number) => world.runUntil(world.now + ms),
  };
}

test('start subscribes; SUBSCRIBED calls registered with the executor, framework and agent infos', (t) => {
  const s = setup();
  t.deepEqual(s.agent().calls, [
    {
      at: 1,
      call: { type: 'SUBSCRIBE', executor_id: EXECUTOR_ID, framework_id: FRAMEWORK_ID, subscribe: {} },
    },
  ]);
  t.deepEqual(s.executor.log, [['registered', EXECUTOR_INFO, frameworkInfo(false), AGENT_INFO]]);
  t.true(s.driver.process.connected);
});

test('LAUNCH → launchTask; sendStatusUpdate → UPDATE stamped with a fresh uuid, source, executor and agent ids', (t) => {
  const s = setup({ hooks: RUNS_TASKS });
  s.agent().send(EXECUTOR, { type: 'LAUNCH', launch: { task: task('t1') } });
  s.agent().send(EXECUTOR, { type: 'LAUNCH', launch: { task: task('t2') } });
  s.advance(10);
  t.deepEqual(s.executor.names(), ['registered', 'launchTask', 'launchTask']);
  const updates = s.agent().ofType('UPDATE');
  t.is(updates.length, 2);
  const [u1, u2] = updates.map((c) => c.update.status);
  t.like(u1, {
    task_id: { value: 't1' },
    state: 'TASK_RUNNING',
    source: 'SOURCE_EXECUTOR',
    executor_id: EXECUTOR_ID,
    agent_id: AGENT_INFO.id,
    timestamp: 0.011,
  });
  t.is(base64ByteLength(u1?.uuid ?? ''), UUID_BYTES);
  t.not(u1?.uuid, u2?.uuid);
  // The agent's validation accepts it.
  for (const c of s.agent().calls) t.true(decodeExecutorCall(JSON.parse(JSON.stringify(c.call))).ok);
  t.deepEqual(
    s.driver.process.unacknowledgedTasks.map((x) => x.task_id.value),
    ['t1', 't2'],
  );
  t.is(s.driver.process.unacknowledgedUpdates.length, 2);
});

test('the driver overwrites a uuid the executor set', (t) => {
  const s = setup();
  s.driver.sendStatusUpdate({
    task_id: { value: 't1' },
    state: 'TASK_RUNNING',
    uuid: 'AAAAAAAAAAAAAAAAAAAAAA==',
  });
  s.advance(10);
  t.not(s.agent().ofType('UPDATE')[0]?.update.status.uuid, 'AAAAAAAAAAAAAAAAAAAAAA==');
});

test('ACKNOWLEDGED forgets the update and its task', (t) => {
  const s = setup({ hooks: RUNS_TASKS });
  s.agent().send(EXECUTOR, { type: 'LAUNCH', launch: { task: task('t1') } });
  s.advance(10);
  const uuid = s.agent().ofType('UPDATE')[0]?.update.status.uuid as string;
  s.agent().send(EXECUTOR, { type: 'ACKNOWLEDGED', acknowledged: { task_id: { value: 't1' }, uuid } });
  s.advance(10);
  t.deepEqual(s.driver.process.unacknowledgedUpdates, []);
  t.deepEqual(s.driver.process.unacknowledgedTasks, []);
});

test('KILL → killTask, MESSAGE both ways, LAUNCH_GROUP launches each task', (t) => {
  const s = setup({
    hooks: { ...RUNS_TASKS, frameworkMessage: (d, data) => void d.sendFrameworkMessage(data) },
  });
  s.agent().send(EXECUTOR, { type: 'KILL', kill: { task_id: { value: 't1' } } });
  s.agent().send(EXECUTOR, { type: 'MESSAGE', message: { data: 'cGluZw==' } });
  s.agent().send(EXECUTOR, {
    type: 'LAUNCH_GROUP',
    launch_group: { task_group: { tasks: [task('g1'), task('g2')] } },
  });
  s.advance(10);
  t.deepEqual(s.executor.names(), ['registered', 'killTask', 'frameworkMessage', 'launchTask', 'launchTask']);
  t.deepEqual(s.agent().ofType('MESSAGE'), [
    { type: 'MESSAGE', executor_id: EXECUTOR_ID, framework_id: FRAMEWORK_ID, message: { data: 'cGluZw==' } },
  ]);
  t.deepEqual(
    s
      .agent()
      .ofType('UPDATE')
      .map((c) => [c.update.status.task_id.value, c.update.status.state]),
    [
      ['t1', 'TASK_KILLED'],
      ['g1', 'TASK_RUNNING'],
      ['g2', 'TASK_RUNNING'],
    ],
  );
});

test('checkpointing framework: losing the agent → disconnected, then resubscription with what is unacknowledged', (t) => {
  const s = setup({ checkpoint: true, hooks: RUNS_TASKS });
  s.agent().send(EXECUTOR, { type: 'LAUNCH', launch: { task: task('t1') } });
  s.agent().send(EXECUTOR, { type: 'LAUNCH', launch: { task: task('t2') } });
  s.advance(10);
  const [first] = s.agent().ofType('UPDATE');
  s.agent().send(EXECUTOR, {
    type: 'ACKNOWLEDGED',
    acknowledged: { task_id: { value: 't1' }, uuid: first?.update.status.uuid as string },
  });
  s.advance(10);
  s.world.crash(AGENT);
  s.advance(10);
  t.deepEqual(s.executor.names().slice(-1), ['disconnected']);
  // An update made while disconnected is kept and goes with the SUBSCRIBE.
  s.driver.sendStatusUpdate({ task_id: { value: 't2' }, state: 'TASK_FINISHED' });
  s.advance(5000);
  s.world.restart(AGENT);
  s.advance(10_000);
  t.deepEqual(s.executor.names().slice(-2), ['disconnected', 'reregistered']);
  const subscribe = s.agent().ofType('SUBSCRIBE');
  t.is(subscribe.length, 1);
  t.deepEqual(
    subscribe[0]?.subscribe.unacknowledged_tasks?.map((x) => x.task_id.value),
    ['t2'],
  );
  t.deepEqual(
    subscribe[0]?.subscribe.unacknowledged_updates?.map((u) => [u.status.task_id.value, u.status.state]),
    [
      ['t2', 'TASK_RUNNING'],
      ['t2', 'TASK_FINISHED'],
    ],
  );
  t.true(decodeExecutorCall(JSON.parse(JSON.stringify(subscribe[0]))).ok);
});

test('checkpointing framework: no agent within the recovery timeout → shutdown', (t) => {
  const s = setup({ checkpoint: true, driver: { recoveryTimeoutMs: 60_000 } });
  s.world.crash(AGENT);
  s.advance(59_000);
  t.deepEqual(s.executor.names(), ['registered', 'disconnected']);
  s.advance(2000);
  t.deepEqual(s.executor.names(), ['registered', 'disconnected', 'shutdown']);
  // No more attempts after the shutdown.
  s.world.restart(AGENT);
  s.advance(60_000);
  t.deepEqual(s.agent().calls, []);
});

test('non-checkpointing framework: losing the agent → disconnected, then shutdown at once', (t) => {
  const s = setup({ checkpoint: false });
  s.world.crash(AGENT);
  s.advance(10);
  t.deepEqual(s.executor.names(), ['registered', 'disconnected', 'shutdown']);
});

test('SHUTDOWN → shutdown; the executor stops its driver, which closes the subscription and reports its exit', async (t) => {
  const s = setup({
    hooks: {
      shutdown: (d) => {
        d.sendStatusUpdate({ task_id: { value: 't1' }, state: 'TASK_KILLED' });
        d.stop();
      },
    },
  });
  const joined = s.driver.join();
  s.agent().send(EXECUTOR, { type: 'SHUTDOWN' });
  s.agent().send(EXECUTOR, { type: 'LAUNCH', launch: { task: task('t2') } });
  s.advance(10);
  t.deepEqual(s.executor.names(), ['registered', 'shutdown']);
  t.deepEqual(
    s.agent().calls.map((c) => c.call.type),
    ['SUBSCRIBE', 'UPDATE'],
  );
  t.deepEqual(s.agent().links, [EXECUTOR]);
  t.is(await joined, DriverStatus.STOPPED);
  t.deepEqual(s.exits, [DriverStatus.STOPPED]);
});

test('ERROR: the driver aborts first, then error runs; exit reported once', async (t) => {
  const s = setup();
  s.agent().send(EXECUTOR, { type: 'ERROR', error: { message: 'bad' } });
  s.agent().send(EXECUTOR, { type: 'MESSAGE', message: { data: '' } });
  s.advance(10);
  t.deepEqual(s.executor.log.slice(1), [['error', 'bad', DriverStatus.ABORTED]]);
  t.is(s.driver.stop(), DriverStatus.ABORTED);
  t.deepEqual(s.exits, [DriverStatus.ABORTED]);
  t.is(await s.driver.join(), DriverStatus.STOPPED);
});

test('sending TASK_STAGING aborts the driver and calls error, after the call returns; nothing is sent', (t) => {
  const order: string[] = [];
  const s = setup({ hooks: { error: () => void order.push('error') } });
  t.is(s.driver.sendStatusUpdate({ task_id: { value: 't1' }, state: 'TASK_STAGING' }), DriverStatus.RUNNING);
  order.push('returned');
  s.advance(10);
  t.deepEqual(order, ['returned', 'error']);
  t.is(s.driver.status, DriverStatus.ABORTED);
  t.deepEqual(s.executor.log.at(-1), [
    'error',
    'Attempted to send TASK_STAGING status update',
    DriverStatus.ABORTED,
  ]);
  t.deepEqual(s.agent().ofType('UPDATE'), []);
});

test('calls before start or after stop do nothing', (t) => {
  const world = newWorld(1);
  world.spawn(AGENT, () => new FakeAgent(false));
  const driver = new MesosExecutorDriver(new RecordingExecutor(), {
    agent: AGENT,
    frameworkId: FRAMEWORK_ID,
    executorId: EXECUTOR_ID,
  });
  world.spawn(EXECUTOR, () => driver.process);
  t.is(driver.sendStatusUpdate({ task_id: { value: 't' }, state: 'TASK_RUNNING' }), DriverStatus.NOT_STARTED);
  t.is(driver.sendFrameworkMessage(''), DriverStatus.NOT_STARTED);
  world.runUntil(100);
  t.deepEqual((world.instance(AGENT) as FakeAgent).calls, []);
  driver.start();
  driver.stop();
  t.is(driver.sendStatusUpdate({ task_id: { value: 't' }, state: 'TASK_RUNNING' }), DriverStatus.STOPPED);
  world.runUntil(200);
  t.deepEqual(
    (world.instance(AGENT) as FakeAgent).calls.map((c) => c.call.type),
    ['SUBSCRIBE'],
  );
});

test('an unanswered SUBSCRIBE is retried within the subscription backoff', (t) => {
  const world = newWorld(1);
  world.spawn(AGENT, () => new FakeAgent(false));
  const driver = new MesosExecutorDriver(new RecordingExecutor(), {
    agent: 'agent-9',
    frameworkId: FRAMEWORK_ID,
    executorId: EXECUTOR_ID,
  });
  world.spawn(EXECUTOR, () => driver.process);
  driver.start();
  world.runUntil(60_000);
  const attempts = world
    .traceLines()
    .map((l) => JSON.parse(l) as { kind: string; time?: number; t?: number })
    .filter((e) => e.kind === 'executor.subscribe');
  t.true(attempts.length >= 30, `${attempts.length} attempts in 60 s with a 2 s bound`);
});

test('options from the MESOS_* environment', (t) => {
  const r = executorOptionsFromEnvironment({
    MESOS_AGENT_ENDPOINT: 'agent-3',
    MESOS_FRAMEWORK_ID: 'F-0001',
    MESOS_EXECUTOR_ID: 'e7',
    MESOS_CHECKPOINT: '1',
    MESOS_RECOVERY_TIMEOUT: '15mins',
    MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs',
  });
  t.deepEqual(r, {
    ok: true,
    value: {
      agent: 'agent-3',
      frameworkId: { value: 'F-0001' },
      executorId: { value: 'e7' },
      checkpoint: true,
      recoveryTimeoutMs: 900_000,
      subscriptionBackoffMaxMs: 2000,
    },
  });
  t.deepEqual(executorOptionsFromEnvironment({ MESOS_AGENT_ENDPOINT: 'a', MESOS_FRAMEWORK_ID: 'f' }), {
    ok: false,
    error: 'MESOS_EXECUTOR_ID: is required',
  });
  t.deepEqual(
    executorOptionsFromEnvironment({
      MESOS_AGENT_ENDPOINT: 'a',
      MESOS_FRAMEWORK_ID: 'f',
      MESOS_EXECUTOR_ID: 'e',
      MESOS_RECOVERY_TIMEOUT: 'soon',
    }),
    { ok: false, error: "MESOS_RECOVERY_TIMEOUT: expected a duration such as 15mins, got 'soon'" },
  );
  t.is(parseDurationMs('500ms'), 500);
  t.is(parseDurationMs('1.5hrs'), 5_400_000);
  t.is(parseDurationMs('3 parsecs'), undefined);
});
