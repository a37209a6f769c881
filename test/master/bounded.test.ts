import { fc, testProp } from '@fast-check/ava';
import { BoundedList } from '../../src/master/bounded.js';

/** An operation on a bounded list: push a value, remove the multiples of a divisor, or read. */
type Op =
  | { readonly kind: 'push'; readonly value: number }
  | { readonly kind: 'remove'; readonly divisor: number }
  | { readonly kind: 'read' };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.integer({ min: 0, max: 1000 }).map((value) => ({ kind: 'push', value }) as const),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 2, max: 7 }).map((divisor) => ({ kind: 'remove', divisor }) as const),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'read' } as const) },
);

testProp(
  'BoundedList keeps the newest `capacity` items, oldest first, whatever the pushes, removals and reads',
  [fc.integer({ min: 0, max: 12 }), fc.array(arbOp, { maxLength: 200 })],
  (t, capacity, ops) => {
    const list = new BoundedList<number>(capacity);
    let model: number[] = [];
    for (const op of ops) {
      if (op.kind === 'push') {
        list.push(op.value);
        model = capacity === 0 ? [] : [...model, op.value].slice(-capacity);
      } else if (op.kind === 'remove') {
        list.removeWhere((v) => v % op.divisor === 0);
        model = model.filter((v) => v % op.divisor !== 0);
      } else {
        t.deepEqual([...list.items()], model);
      }
      t.is(list.length, model.length);
    }
    t.deepEqual([...list.items()], model);
  },
);
