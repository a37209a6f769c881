/**
 * The driver status machine (mesos.md §1.1): the table of what each call does from each status,
 * checked on the real scheduler driver (status and messages sent), and a model-based property on
 * the shared {@link DriverLifecycle}.
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { DriverStatus, MesosSchedulerDriver } from '../../src/driver/index.js';
import { DriverLifecycle } from '../../src/driver/status.js';
import { INFO, RecordingScheduler, type Setup, setup } from './harness.js';

type State = DriverStatus;
const { NOT_STARTED, RUNNING, ABORTED, STOPPED } = DriverStatus;

/** A subscribed driver brought to `state`. */
function driverIn(state: State): Setup {
  const s = setup({ start: state !== NOT_STARTED });
  if (state === ABORTED) s.driver.abort();
  if (state === STOPPED) s.driver.stop();
  s.advance(10);
  return s;
}

type Action = 'start' | 'stop' | 'stop(failover)' | 'abort' | 'killTask';

/** [from, action, returned, status after, calls sent] — mesos.md §1.1. */
const TABLE: readonly [State, Action, State, State, readonly string[]][] = [
  [NOT_STARTED, 'start', RUNNING, RUNNING, ['SUBSCRIBE']],
  [NOT_STARTED, 'stop', NOT_STARTED, NOT_STARTED, []],
  [NOT_STARTED, 'stop(failover)', NOT_STARTED, NOT_STARTED, []],
  [NOT_STARTED, 'abort', NOT_STARTED, NOT_STARTED, []],
  [NOT_STARTED, 'killTask', NOT_STARTED, NOT_STARTED, []],
  [RUNNING, 'start', RUNNING, RUNNING, []],
  [RUNNING, 'stop', STOPPED, STOPPED, ['TEARDOWN']],
  [RUNNING, 'stop(failover)', STOPPED, STOPPED, []],
  [RUNNING, 'abort', ABORTED, ABORTED, []],
  [RUNNING, 'killTask', RUNNING, RUNNING, ['KILL']],
  [ABORTED, 'start', ABORTED, ABORTED, []],
  // stop() acts on an aborted driver: it becomes STOPPED but the call says ABORTED.
  [ABORTED, 'stop', ABORTED, STOPPED, []],
  [ABORTED, 'stop(failover)', ABORTED, STOPPED, []],
  [ABORTED, 'abort', ABORTED, ABORTED, []],
  [ABORTED, 'killTask', ABORTED, ABORTED, []],
  [STOPPED, 'start', STOPPED, STOPPED, []],
  [STOPPED, 'stop', STOPPED, STOPPED, []],
  [STOPPED, 'stop(failover)', STOPPED, STOPPED, []],
  [STOPPED, 'abort', STOPPED, STOPPED, []],
  [STOPPED, 'killTask', STOPPED, STOPPED, []],
];

for (const [from, action, returned, after, sent] of TABLE) {
  test(`${from} --${action}--> returns ${returned}, is ${after}, sends [${sent.join(', ')}]`, (t) => {
    const s = driverIn(from);
    const before = s.master().calls.length;
    const d = s.driver;
    const result =
      action === 'start'
        ? d.start()
        : action === 'stop'
          ? d.stop()
          : action === 'stop(failover)'
            ? d.stop(true)
            : action === 'abort'
              ? d.abort()
              : d.killTask({ value: 't1' });
    t.is(result, returned);
    t.is(d.status, after);
    s.advance(10);
    t.deepEqual(
      s
        .master()
        .calls.slice(before)
        .map((c) => c.call.type),
      sent,
    );
  });
}

test('start twice subscribes once', (t) => {
  const s = setup({ start: false });
  t.is(s.driver.start(), RUNNING);
  t.is(s.driver.start(), RUNNING);
  s.advance(10);
  t.deepEqual(s.master().types(), ['SUBSCRIBE']);
  t.deepEqual(s.scheduler.names(), ['registered']);
});

test('every call before start is a no-op returning NOT_STARTED', async (t) => {
  const s = setup({ start: false });
  const d = s.driver;
  const id = { value: 'x' };
  const results = [
    d.requestResources([]),
    d.launchTasks([id], []),
    d.acceptOffers([id], []),
    d.declineOffer(id),
    d.reviveOffers(),
    d.suppressOffers(),
    d.killTask(id),
    d.acknowledgeStatusUpdate({ task_id: id, state: 'TASK_RUNNING' }),
    d.sendFrameworkMessage(id, id, ''),
    d.reconcileTasks([]),
    d.updateFramework({ user: 'u', name: 'n' }),
    d.stop(),
    d.abort(),
  ];
  t.true(results.every((r) => r === NOT_STARTED));
  t.is(await d.join(), NOT_STARTED);
  s.advance(100);
  t.deepEqual(s.master().calls, []);
});

test('join() settles with STOPPED when the driver is stopped, later joins at once', async (t) => {
  const s = setup();
  let settled: State | undefined;
  const joined = s.driver.join().then((status) => {
    settled = status;
    return status;
  });
  await Promise.resolve();
  t.is(settled, undefined, 'pending while RUNNING');
  s.driver.stop();
  t.is(await joined, STOPPED);
  t.is(await s.driver.join(), STOPPED);
});

test('join() settles with ABORTED on abort, and stays ABORTED-settled when stop() follows', async (t) => {
  const s = setup();
  const joined = s.driver.join();
  t.is(s.driver.abort(), ABORTED);
  t.is(s.driver.stop(), ABORTED);
  t.is(await joined, ABORTED);
  t.is(await s.driver.join(), STOPPED);
});

test('run() starts, subscribes and settles when a callback stops the driver', async (t) => {
  const s = setup({ start: false, hooks: { registered: (driver) => driver.stop() } });
  const ran = s.driver.run();
  s.advance(10);
  t.is(await ran, STOPPED);
  t.deepEqual(s.master().types(), ['SUBSCRIBE', 'TEARDOWN']);
  // run() on a stopped driver does not start it again.
  t.is(await s.driver.run(), STOPPED);
});

test('run() before the world starts the process subscribes once it starts', async (t) => {
  const s = setup({ start: false });
  // A second driver whose process the world does not run yet.
  const sched = new RecordingScheduler(() => s.world.now, { registered: (d) => d.stop(true) });
  const driver = new MesosSchedulerDriver(sched, INFO);
  const ran = driver.run();
  s.advance(100);
  t.is(driver.status, RUNNING);
  s.world.spawn('scheduler-late', () => driver.process);
  s.advance(10);
  t.is(await ran, STOPPED);
  t.deepEqual(sched.names(), ['registered']);
});

// ---- the lifecycle alone, against a model of the table

const OPS = ['start', 'stop', 'abort', 'join'] as const;
type Op = (typeof OPS)[number];

/** The reference model: the table of mesos.md §1.1. */
function model(state: State, op: Op): { next: State; returned: State | undefined } {
  switch (op) {
    case 'start':
      return state === NOT_STARTED ? { next: RUNNING, returned: RUNNING } : { next: state, returned: state };
    case 'stop':
      if (state === RUNNING) return { next: STOPPED, returned: STOPPED };
      if (state === ABORTED) return { next: STOPPED, returned: ABORTED };
      return { next: state, returned: state };
    case 'abort':
      return state === RUNNING ? { next: ABORTED, returned: ABORTED } : { next: state, returned: state };
    case 'join':
      return { next: state, returned: undefined };
  }
}

/** What the driver method returns: `start`/`abort` return the status they leave, `stop` says more. */
function apply(lifecycle: DriverLifecycle, op: Exclude<Op, 'join'>): State {
  if (op === 'stop') return lifecycle.stop().returned;
  if (op === 'start') lifecycle.start();
  else lifecycle.abort();
  return lifecycle.status;
}

testProp(
  'DriverLifecycle follows the status table, and every join settles with the status it left RUNNING for',
  [fc.array(fc.constantFrom(...OPS), { maxLength: 30 })],
  async (t, ops) => {
    const lifecycle = new DriverLifecycle();
    let state: State = NOT_STARTED;
    const joins: { promise: Promise<State>; expected: () => State | undefined }[] = [];
    let leftRunningFor: State | undefined;
    for (const op of ops) {
      const { next, returned } = model(state, op);
      if (op === 'join') {
        const at = state;
        joins.push({
          promise: lifecycle.join(),
          expected: () => (at === RUNNING ? leftRunningFor : at),
        });
      } else {
        t.is<State | undefined, State | undefined>(apply(lifecycle, op), returned, `${op} from ${state}`);
      }
      if (state === RUNNING && next !== RUNNING) leftRunningFor = next;
      state = next;
      t.is(lifecycle.status, state);
    }
    t.is(lifecycle.status, state);
    for (const j of joins) {
      const expected = j.expected();
      if (expected === undefined) continue; // still RUNNING: the join is pending
      t.is(await j.promise, expected);
    }
  },
);
