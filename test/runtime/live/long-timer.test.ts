/**
 * Timers longer than Node's 2^31 − 1 ms: chained, never fired early. The unit tests shrink the
 * longest step so a chain of several steps runs in milliseconds; the end-to-end test holds a live
 * master to a 30-day failover_timeout.
 */
import test from 'ava';
import {
  clearLongTimeout,
  MAX_TIMEOUT_MS,
  setLongTimeout,
  unrefLongTimeout,
} from '../../../src/runtime/live/long-timer.js';
import { MasterServer } from '../../../src/runtime/live/master-server.js';
import { eventually } from './harness.js';
import { subscribe } from './http-client.js';

test('a delay of several steps fires once, never before its delay', async (t) => {
  const startedAt = Date.now();
  const fired: number[] = [];
  setLongTimeout(() => fired.push(Date.now() - startedAt), 45, 10);
  await eventually(() => fired.length > 0, 5_000, 'the timer');
  // Node's timers may fire up to a millisecond early by Date.now(); a step's end would be 10 ms.
  t.true((fired[0] as number) >= 44, `fired after ${fired[0]} ms`);
  // Nothing else is pending: a second firing would come within a step.
  await new Promise((r) => setTimeout(r, 30));
  t.is(fired.length, 1);
});

test('a chained timer can be cancelled between steps', async (t) => {
  let fired = false;
  // Long enough that however slow the machine, it is cancelled after a step and before the end.
  const timer = setLongTimeout(() => (fired = true), 20_000, 10);
  await new Promise((r) => setTimeout(r, 25));
  clearLongTimeout(timer);
  await new Promise((r) => setTimeout(r, 80));
  t.false(fired);
});

test('an infinite delay never fires and a zero, negative or NaN delay fires at once', async (t) => {
  const fired: string[] = [];
  const never = unrefLongTimeout(setLongTimeout(() => fired.push('inf'), Number.POSITIVE_INFINITY, 5));
  setLongTimeout(() => fired.push('zero'), 0);
  setLongTimeout(() => fired.push('negative'), -5);
  setLongTimeout(() => fired.push('nan'), Number.NaN);
  await eventually(() => fired.length === 3, 1_000, 'the immediate timers');
  await new Promise((r) => setTimeout(r, 30));
  clearLongTimeout(never);
  t.deepEqual(fired.sort(), ['nan', 'negative', 'zero']);
  t.is(MAX_TIMEOUT_MS, 2_147_483_647);
});

test('a live master keeps a framework with a 30-day failover_timeout when its stream breaks', async (t) => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  const master = await MasterServer.start({ port: 0 });
  try {
    const thirtyDaysS = 30 * 24 * 3600;
    const first = await subscribe(master.url, {
      user: 'tester',
      name: 'long',
      failover_timeout: thirtyDaysS,
    });
    await first.waitFor(1);
    const subscribed = first.events[0] as { subscribed: { framework_id: { value: string } } };
    const id = subscribed.subscribed.framework_id.value;
    first.close();
    const framework = () => master.master.state().frameworks.find((f) => f.id === id);
    await eventually(() => framework()?.active !== true, 5_000, 'the master to see the stream break');
    // With the overflow, the failover timer fired 1 ms after the disconnect and removed the
    // framework (and would have killed its tasks), so this resubscription would be refused.
    t.is(framework()?.active, false, 'the framework is kept, disconnected');
    const second = await subscribe(
      master.url,
      { user: 'tester', name: 'long', failover_timeout: thirtyDaysS },
      id,
    );
    await second.waitFor(1);
    t.is(second.status, 200);
    t.is((second.events[0] as { type: string }).type, 'SUBSCRIBED');
    t.is(framework()?.active, true);
    t.is(master.master.state().completed_frameworks.length, 0);
    t.false(warnings.includes('TimeoutOverflowWarning'), warnings.join(', '));
    second.close();
  } finally {
    process.off('warning', onWarning);
    await master.close();
  }
});
