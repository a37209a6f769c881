import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { PendingTasks } from '../../src/workload/pending-tasks.js';

test('batches are served oldest first; a scan stops when the visitor says so', (t) => {
  const q = new PendingTasks<string>();
  q.push('a', 2, 0);
  q.push('b', 1, 5);
  const seen: string[] = [];
  q.scan(16, (batch) => {
    seen.push(batch.job);
    while (batch.remaining > 0) q.take(batch);
    return true;
  });
  t.deepEqual(seen, ['a', 'b']);
  t.is(q.size, 0);
});

test('a scan looks at most at `limit` non-empty batches', (t) => {
  const q = new PendingTasks<number>();
  for (let i = 0; i < 10; i++) q.push(i, 1, i);
  const seen: number[] = [];
  q.scan(3, (batch) => {
    seen.push(batch.job);
    return true;
  });
  t.deepEqual(seen, [0, 1, 2]);
});

test('bad batch sizes are refused', (t) => {
  const q = new PendingTasks<string>();
  t.throws(() => q.push('a', 0, 0), { message: /positive whole number/u });
  t.throws(() => q.push('a', 1.5, 0), { message: /positive whole number/u });
});

// The queue against a model: a list of [job, remaining]. Each step pushes a batch or scans,
// taking from the batches a random predicate admits, as an offer that fits some jobs would.
testProp(
  'scans visit the model’s non-empty batches in order, and sizes always agree',
  [
    fc.array(
      fc.oneof(
        fc.record({ push: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ limit: fc.integer({ min: 1, max: 20 }), admit: fc.func(fc.boolean()), take: fc.nat(6) }),
      ),
      { maxLength: 400 },
    ),
  ],
  (t, steps) => {
    const q = new PendingTasks<number>();
    t.is(q.size, 0);
    const model: [number, number][] = [];
    let next = 0;
    for (const step of steps) {
      if ('push' in step) {
        q.push(next, step.push, next);
        model.push([next, step.push]);
        next++;
        continue;
      }
      const expected = model.filter(([, n]) => n > 0).slice(0, step.limit);
      const visited: number[] = [];
      q.scan(step.limit, (batch) => {
        visited.push(batch.job);
        if (!step.admit(batch.job)) return true;
        const entry = model.find(([job]) => job === batch.job) as [number, number];
        for (let k = 0; k < step.take && batch.remaining > 0; k++) {
          q.take(batch);
          entry[1]--;
        }
        return true;
      });
      t.deepEqual(
        visited,
        expected.map(([job]) => job),
      );
      t.is(
        q.size,
        model.reduce((s, [, n]) => s + n, 0),
      );
    }
  },
);
