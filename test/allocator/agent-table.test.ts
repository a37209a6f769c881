/**
 * The agent table's derived columns against the bag they are derived from: after any sequence
 * of availabilities, each agent's scalar columns are its bag's scalar quantities and its flags
 * (empty, reserved, allocatable under the default minimum) are what the bag itself says. The
 * allocation walk decides from these columns without reading the bag, so they must never differ.
 */
import test from 'ava';
import fc from 'fast-check';
import { AgentTable } from '../../src/allocator/agent-table.js';
import {
  isAllocatable,
  type MinAllocatable,
  parseMinAllocatable,
} from '../../src/allocator/min-allocatable.js';
import { resources } from '../../src/core/resource-text.js';
import type { Resources } from '../../src/core/resources.js';
import { UNRESERVED_ROLE } from '../../src/core/roles.js';

const BAGS = [
  '',
  'cpus:1',
  'cpus:0.005;mem:31',
  'cpus:0.01;mem:32',
  'mem:64',
  'cpus(r1):2;mem:16',
  'cpus:8;mem:2082;disk:3072;ports:[31000-31006,31008-31066]',
  'gpus:1;cpus:4',
  'ports:[1-10]',
  'disk(r2):100',
].map((text) => resources(text));

const MINS = ['cpus:0.01|mem:32', '', 'mem:64', 'gpus:1|disk:50', 'cpus:0'].map((text) => {
  const parsed = parseMinAllocatable(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
});

function check(table: AgentTable, slot: number, min: MinAllocatable): string | undefined {
  const bag = table.avail[slot];
  if (bag === undefined) return `slot ${slot} has no bag`;
  if ((table.empty[slot] === 1) !== bag.isEmpty()) return `empty of ${bag.key()}`;
  const reserved = bag.entries.some((e) => e.role !== UNRESERVED_ROLE);
  if ((table.reserved[slot] === 1) !== reserved) return `reserved of ${bag.key()}`;
  if ((table.allocatableDefault[slot] === 1) !== isAllocatable(bag, min))
    return `allocatable of ${bag.key()}`;
  const q = bag.scalarQuantities();
  for (let k = 0; k < table.columns.length; k++) {
    const name = table.columnNames[k] as string;
    if (((table.columns[k] as Float64Array)[slot] as number) !== (q.get(name) ?? 0))
      return `${name} of ${bag.key()}`;
  }
  return undefined;
}

test('the agent table columns and flags say what each agent bag says', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: MINS.length - 1 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: BAGS.length - 1 })), {
        maxLength: 40,
      }),
      (m, steps) => {
        const min = MINS[m] as MinAllocatable;
        const table = new AgentTable(min);
        for (let a = 0; a < 4; a++) table.add(`a${a}`, BAGS[6 - a] as Resources);
        for (const [slot, b] of steps) {
          table.setAvail(slot, BAGS[b] as Resources);
          for (let s = 0; s < 4; s++) {
            const problem = check(table, s, min);
            if (problem !== undefined) throw new Error(`min ${m}, slot ${s}: ${problem}`);
          }
        }
      },
    ),
    { numRuns: 500 },
  );
  t.pass();
});

test('the check catches a column that disagrees with its bag (a planted bug)', (t) => {
  const min = MINS[0] as MinAllocatable;
  const table = new AgentTable(min);
  table.add('a', resources('cpus:1;mem:64'));
  t.is(check(table, 0, min), undefined);
  table.allocatableDefault[0] = 0;
  t.regex(check(table, 0, min) ?? '', /allocatable/);
  table.allocatableDefault[0] = 1;
  (table.columns[0] as Float64Array)[0] = 2000;
  t.regex(check(table, 0, min) ?? '', /cpus|mem/);
});
