import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import {
  EventQueue,
  EventQueueFullError,
  MAX_PENDING_EVENTS_LIMIT,
} from '../../../src/runtime/sim/event-queue.js';

/** Pops everything, returning [time, payload] pairs. */
function drain<T>(queue: EventQueue<T>): [number, T][] {
  const out: [number, T][] = [];
  for (let p = queue.pop(); p !== undefined; p = queue.pop()) out.push([queue.lastTime, p]);
  return out;
}

test('events at equal times pop in FIFO order of scheduling', (t) => {
  const queue = new EventQueue<string>();
  queue.push(5, 'a');
  queue.push(1, 'first');
  queue.push(5, 'b');
  queue.push(5, 'c');
  queue.push(3, 'x');
  queue.push(5, 'd');
  t.deepEqual(drain(queue), [
    [1, 'first'],
    [3, 'x'],
    [5, 'a'],
    [5, 'b'],
    [5, 'c'],
    [5, 'd'],
  ]);
});

test('FIFO at equal times holds across many events and heap reshuffles', (t) => {
  const queue = new EventQueue<number>();
  for (let i = 0; i < 5000; i++) queue.push(i % 7, i);
  const out = drain(queue);
  for (let k = 1; k < out.length; k++) {
    const [t0, p0] = out[k - 1] as [number, number];
    const [t1, p1] = out[k] as [number, number];
    t.true(t0 < t1 || (t0 === t1 && p0 < p1), `out of order at ${k}: (${t0},${p0}) then (${t1},${p1})`);
  }
});

test('an empty queue pops undefined and peeks +Infinity', (t) => {
  const queue = new EventQueue<number>();
  t.is(queue.pop(), undefined);
  t.is(queue.peekTime(), Number.POSITIVE_INFINITY);
  t.is(queue.size, 0);
});

type Command =
  | { readonly op: 'push'; readonly time: number }
  | { readonly op: 'pop' }
  | { readonly op: 'cancel'; readonly pick: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  // Few distinct times, so ties (and the FIFO rule) are exercised constantly.
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant('push' as const), time: fc.integer({ min: 0, max: 20 }) }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('pop' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
);

testProp(
  'push/pop/cancel agree with a sorted-array model',
  [fc.array(commandArb, { maxLength: 400 })],
  (t, commands) => {
    const queue = new EventQueue<number>();
    // The model: every pending event, kept sorted by (time, push order).
    let model: { time: number; id: number; handle: number }[] = [];
    const handles: number[] = [];
    let nextId = 0;
    for (const command of commands) {
      if (command.op === 'push') {
        const id = nextId++;
        const handle = queue.push(command.time, id);
        handles.push(handle);
        model.push({ time: command.time, id, handle });
        model.sort((a, b) => a.time - b.time || a.id - b.id);
      } else if (command.op === 'pop') {
        const expected = model.shift();
        t.is(queue.pop(), expected?.id);
        if (expected !== undefined) t.is(queue.lastTime, expected.time);
      } else if (handles.length > 0) {
        const handle = handles[command.pick % handles.length] as number;
        const pending = model.some((e) => e.handle === handle);
        t.is(queue.cancel(handle), pending);
        model = model.filter((e) => e.handle !== handle);
      }
      t.is(queue.size, model.length);
      t.is(queue.peekTime(), model[0]?.time ?? Number.POSITIVE_INFINITY);
    }
    t.deepEqual(
      drain(queue).map(([, id]) => id),
      model.map((e) => e.id),
    );
  },
  { numRuns: 300 },
);

testProp(
  'pops come out sorted by (time, push order) for any times',
  [fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { maxLength: 500 })],
  (t, times) => {
    const queue = new EventQueue<number>();
    times.forEach((time, i) => {
      queue.push(time, i);
    });
    const expected = times
      .map((time, i) => [time, i] as [number, number])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    t.deepEqual(drain(queue), expected);
  },
);

testProp(
  'heavy cancellation (which compacts the heap) keeps the survivors, in order',
  [
    fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 50 }),
        fc.nat({ max: 3 }).map((n) => n > 0),
      ),
      {
        minLength: 100,
        maxLength: 800,
      },
    ),
    fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 50 }),
  ],
  (t, specs, later) => {
    const queue = new EventQueue<number>();
    const handles = specs.map(([time], i) => queue.push(time, i));
    specs.forEach(([, cancel], i) => {
      if (cancel) t.true(queue.cancel(handles[i] as number));
    });
    // Pushes after the compaction must interleave correctly with the survivors.
    later.forEach((time, k) => {
      queue.push(time, specs.length + k);
    });
    const all = [
      ...specs.map(([time, cancel], i) => ({ time, i, cancel })),
      ...later.map((time, k) => ({ time, i: specs.length + k, cancel: false })),
    ];
    const expected = all
      .filter((e) => !e.cancel)
      .sort((a, b) => a.time - b.time || a.i - b.i)
      .map((e) => [e.time, e.i]);
    t.deepEqual(drain(queue), expected);
  },
  { numRuns: 200 },
);

test('cancel removes exactly one pending event and is false afterwards', (t) => {
  const queue = new EventQueue<string>();
  queue.push(1, 'a');
  const b = queue.push(2, 'b');
  queue.push(3, 'c');
  t.is(queue.get(b), 'b');
  t.true(queue.cancel(b));
  t.false(queue.cancel(b), 'a second cancel is a no-op');
  t.is(queue.get(b), undefined);
  t.is(queue.size, 2);
  t.deepEqual(drain(queue), [
    [1, 'a'],
    [3, 'c'],
  ]);
});

test('cancelling an event that already popped is a no-op, even after its slot is reused', (t) => {
  const queue = new EventQueue<string>();
  const a = queue.push(1, 'a');
  t.is(queue.pop(), 'a');
  const b = queue.push(2, 'b'); // reuses a's slot with a new generation
  t.not(a, b);
  t.false(queue.cancel(a));
  t.is(queue.get(a), undefined);
  t.is(queue.get(b), 'b');
  t.is(queue.pop(), 'b');
});

test('bogus handles are rejected', (t) => {
  const queue = new EventQueue<string>();
  queue.push(1, 'a');
  for (const h of [0, -1, 1.5, Number.NaN, 2 ** 60, 12345]) t.false(queue.cancel(h), `handle ${h}`);
  t.is(queue.size, 1);
});

test('handles are positive and never reissued', (t) => {
  const queue = new EventQueue<number>();
  const seen = new Set<number>();
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 5; i++) {
      const h = queue.push(round, i);
      t.true(h > 0);
      t.false(seen.has(h), `handle ${h} reissued`);
      seen.add(h);
    }
    if (round % 3 === 0) queue.cancel([...seen][seen.size - 2] as number);
    while (queue.size > 2) queue.pop();
  }
});

test('mass cancellation compacts the heap and keeps order', (t) => {
  const queue = new EventQueue<number>({ maxSize: 10_000 });
  const handles = Array.from({ length: 5000 }, (_, i) => queue.push(5000 - i, i));
  for (let i = 0; i < 5000; i++) if (i % 10 !== 0) t.true(queue.cancel(handles[i] as number));
  t.is(queue.size, 500);
  // After compaction the survivors' handles still work.
  t.is(queue.get(handles[0] as number), 0);
  t.true(queue.cancel(handles[0] as number));
  const out = drain(queue).map(([, p]) => p);
  const expected = Array.from({ length: 5000 }, (_, i) => i)
    .filter((i) => i % 10 === 0 && i !== 0)
    .reverse();
  t.deepEqual(out, expected);
});

test('exceeding maxSize throws a clear error; popping or cancelling makes room again', (t) => {
  const queue = new EventQueue<number>({ maxSize: 3 });
  queue.push(1, 1);
  const h = queue.push(2, 2);
  queue.push(3, 3);
  const error = t.throws(() => queue.push(4, 4), { instanceOf: EventQueueFullError });
  t.regex(error.message, /event queue is full: 3 events pending \(maxSize\)/);
  t.is(queue.size, 3, 'the failed push changed nothing');
  queue.pop();
  queue.push(4, 4);
  t.true(queue.cancel(h));
  queue.push(5, 5);
  t.deepEqual(
    drain(queue).map(([, p]) => p),
    [3, 4, 5],
  );
});

test('bad options and non-finite times are refused', (t) => {
  t.throws(() => new EventQueue({ maxSize: 0 }), { instanceOf: RangeError, message: /maxSize/ });
  t.throws(() => new EventQueue({ maxSize: 1.5 }), { instanceOf: RangeError });
  t.throws(() => new EventQueue({ maxSize: MAX_PENDING_EVENTS_LIMIT + 1 }), { instanceOf: RangeError });
  const queue = new EventQueue<number>();
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    t.throws(() => queue.push(bad, 0), { instanceOf: RangeError, message: /finite/ });
  }
  t.is(queue.size, 0);
});

test('clear empties the queue and stales every handle', (t) => {
  const queue = new EventQueue<number>();
  const h = queue.push(1, 1);
  queue.push(2, 2);
  queue.clear();
  t.is(queue.size, 0);
  t.false(queue.cancel(h));
  t.is(queue.pop(), undefined);
  queue.push(3, 3);
  t.deepEqual(drain(queue), [[3, 3]]);
});

test('the queue grows past its initial capacity', (t) => {
  const queue = new EventQueue<number>({ initialCapacity: 1 });
  for (let i = 0; i < 10_000; i++) queue.push(10_000 - i, i);
  t.is(queue.size, 10_000);
  t.is(queue.pop(), 9999);
});
