import { fc, testProp } from '@fast-check/ava';
import { TaskTable } from '../../src/agent/task-table.js';

/** An operation on a table and on the Map it must behave as. */
type Op =
  | { readonly kind: 'set'; readonly key: string; readonly value: number }
  | { readonly kind: 'delete'; readonly key: string };

const arbKey = fc.constantFrom('a', 'b', 'c', 'd');
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: arbKey, value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key: arbKey }),
);

testProp(
  'TaskTable answers as a Map after any sets and deletes: size, get, has, and keys and values in insertion order',
  [fc.array(arbOp, { maxLength: 40 })],
  (t, ops) => {
    const table = new TaskTable<number>();
    const model = new Map<string, number>();
    for (const op of ops) {
      if (op.kind === 'set') {
        table.set(op.key, op.value);
        model.set(op.key, op.value);
      } else {
        t.is(table.delete(op.key), model.delete(op.key));
      }
      t.is(table.size, model.size);
      t.deepEqual([...table.keys()], [...model.keys()]);
      t.deepEqual([...table.values()], [...model.values()]);
      for (const key of ['a', 'b', 'c', 'd']) {
        t.is(table.get(key), model.get(key));
        t.is(table.has(key), model.has(key));
      }
    }
    t.is(table.size, model.size);
  },
);
