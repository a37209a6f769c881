import test from 'ava';
import { eventually } from '../../../src/runtime/live/eventually.js';

test('eventually resolves once the condition holds, sync or async', async (t) => {
  let checks = 0;
  await eventually(() => ++checks >= 3, 60_000, 'three checks', { pollMs: 1 });
  t.is(checks, 3);
  let asyncChecks = 0;
  await eventually(async () => ++asyncChecks >= 2, 60_000, 'two async checks', { pollMs: 1 });
  t.is(asyncChecks, 2);
});

test('eventually gives up after its bound, saying what it waited for and what it saw', async (t) => {
  let checks = 0;
  await t.throwsAsync(
    eventually(
      () => {
        checks++;
        return false;
      },
      30,
      () => `a condition that never holds (${checks > 1 ? 'checked again and again' : 'checked once'})`,
      { pollMs: 5 },
    ),
    { message: 'timed out after 30 ms waiting for a condition that never holds (checked again and again)' },
  );
});
