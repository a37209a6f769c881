/**
 * Status updates and acknowledgements (mesos.md §1.3, §5.3): with implicit acknowledgements the
 * driver sends ACKNOWLEDGE after `statusUpdate` returns, only for updates with a uuid; with
 * explicit ones the framework calls `acknowledgeStatusUpdate`.
 */
import test from 'ava';
import type { TaskStatus } from '../../src/core/messages/task-status.js';
import { DriverStatus } from '../../src/driver/index.js';
import { FRAMEWORK_ID, SCHEDULER, setup, UUID } from './harness.js';

const FID = { value: FRAMEWORK_ID };

/** An agent-made update (with uuid) and a master-made one (reconciliation, no uuid). */
const FROM_AGENT: TaskStatus = {
  task_id: { value: 't1' },
  state: 'TASK_RUNNING',
  source: 'SOURCE_EXECUTOR',
  agent_id: { value: 'S1' },
  uuid: UUID,
};
const FROM_MASTER: TaskStatus = {
  task_id: { value: 't2' },
  state: 'TASK_LOST',
  source: 'SOURCE_MASTER',
  reason: 'REASON_RECONCILIATION',
  agent_id: { value: 'S1' },
};

test('implicit: ACKNOWLEDGE with the uuid as received, after the callback, only for updates with a uuid', (t) => {
  const s = setup();
  s.master().send(SCHEDULER, { type: 'UPDATE', update: { status: FROM_AGENT } });
  s.master().send(SCHEDULER, { type: 'UPDATE', update: { status: FROM_MASTER } });
  s.advance(10);
  t.deepEqual(s.scheduler.argsOf('statusUpdate'), [[FROM_AGENT], [FROM_MASTER]]);
  t.deepEqual(s.master().ofType('ACKNOWLEDGE'), [
    {
      type: 'ACKNOWLEDGE',
      framework_id: FID,
      acknowledge: { agent_id: { value: 'S1' }, task_id: { value: 't1' }, uuid: UUID },
    },
  ]);
  // The acknowledgement left after the callback: same instant, callback first.
  const ack = s.master().calls.find((c) => c.call.type === 'ACKNOWLEDGE');
  t.is(ack?.at, (s.scheduler.log[1]?.at ?? 0) + 1);
});

test('implicit: no ACKNOWLEDGE when the callback stops or aborts the driver', (t) => {
  for (const end of ['stop', 'abort'] as const) {
    const s = setup({
      hooks: { statusUpdate: (driver) => (end === 'stop' ? driver.stop(true) : driver.abort()) },
    });
    s.master().send(SCHEDULER, { type: 'UPDATE', update: { status: FROM_AGENT } });
    s.advance(10);
    t.deepEqual(s.master().ofType('ACKNOWLEDGE'), [], end);
  }
});

test('implicit: acknowledgeStatusUpdate is a programming error (Mesos aborts the program)', (t) => {
  const s = setup();
  t.throws(() => s.driver.acknowledgeStatusUpdate(FROM_AGENT), { message: /implicit acknowledgements/ });
  // Not RUNNING: the status comes back before the check, as in Mesos.
  s.driver.stop();
  t.is(s.driver.acknowledgeStatusUpdate(FROM_AGENT), DriverStatus.STOPPED);
});

test('explicit: nothing is acknowledged until the framework says so', (t) => {
  const kept: TaskStatus[] = [];
  const s = setup({
    driver: { implicitAcknowledgements: false },
    hooks: { statusUpdate: (_driver, status) => kept.push(status) },
  });
  s.master().send(SCHEDULER, { type: 'UPDATE', update: { status: FROM_AGENT } });
  s.master().send(SCHEDULER, { type: 'UPDATE', update: { status: FROM_MASTER } });
  s.advance(10);
  t.deepEqual(s.master().ofType('ACKNOWLEDGE'), []);
  // Later, from outside any callback.
  s.world.at(s.world.now + 100, () => {
    for (const status of kept) t.is(s.driver.acknowledgeStatusUpdate(status), DriverStatus.RUNNING);
  });
  s.advance(200);
  t.deepEqual(
    s
      .master()
      .ofType('ACKNOWLEDGE')
      .map((c) => c.acknowledge),
    [{ agent_id: { value: 'S1' }, task_id: { value: 't1' }, uuid: UUID }],
  );
});

test('explicit: an update without agent_id is not acknowledged (ACKNOWLEDGE needs one)', (t) => {
  const s = setup({ driver: { implicitAcknowledgements: false } });
  const { agent_id: _, ...noAgent } = FROM_AGENT;
  s.driver.acknowledgeStatusUpdate(noAgent);
  s.advance(10);
  t.deepEqual(s.master().ofType('ACKNOWLEDGE'), []);
});
