/**
 * One admission decision for scheduler calls, used by the master's dispatch and by the live HTTP
 * endpoint (which answers 400/403 from it; test/runtime/live/scheduler-endpoint.test.ts).
 */
import test from 'ava';
import { advance, cluster } from './harness.js';

test('a call is admitted only from the connection of a registered, connected framework', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a', 'b'] });
  const a = c.scheduler('a');
  a.subscribe({ name: 'a', failover_timeout: 3_600 });
  advance(c.world, 1_000);
  const id = a.fid.value;
  const master = c.master();
  t.deepEqual(master.callAdmission(id, 'scheduler-a'), { kind: 'admitted', address: 'scheduler-a' });
  t.deepEqual(master.callAdmission(id, 'scheduler-b'), { kind: 'foreign', address: 'scheduler-a' });
  t.deepEqual(master.callAdmission(id, undefined), { kind: 'foreign', address: 'scheduler-a' });
  t.deepEqual(master.callAdmission('no-such-framework', 'scheduler-a'), { kind: 'unknown', removed: false });
  // Its connection breaks: the framework stays registered (failover timeout), disconnected.
  c.world.crash('scheduler-a');
  advance(c.world, 1_000);
  t.deepEqual(master.callAdmission(id, 'scheduler-b'), { kind: 'disconnected', fromFramework: false });
  // From its old address it is told so (ERROR "Framework disconnected", test/master/failover.test.ts).
  t.deepEqual(master.callAdmission(id, 'scheduler-a'), { kind: 'disconnected', fromFramework: true });
});

test('a torn-down framework is unknown and known to be removed', (t) => {
  const c = cluster({ agents: [{}], schedulers: ['a'] });
  const a = c.scheduler('a');
  a.subscribe({ name: 'a' });
  advance(c.world, 1_000);
  a.call({ type: 'TEARDOWN', framework_id: a.fid });
  advance(c.world, 1_000);
  t.deepEqual(c.master().callAdmission(a.fid.value, 'scheduler-a'), { kind: 'unknown', removed: true });
});
