/**
 * Minimum allocatable resources (Mesos `--min_allocatable_resources`): an agent's leftovers are
 * offered only if they contain at least one of several quantity sets, so that frameworks are not
 * sent crumbs no task could use. Text form as Mesos: `;` joins resources within a set (AND) and
 * `|` separates sets (OR); the default is `cpus:0.01|mem:32`.
 */
import { parseResources } from '../core/resource-text.js';
import type { Resources } from '../core/resources.js';
import { err, ok, type Result } from '../core/result.js';
import type { Quantities } from './sorter.js';

/** Alternatives: resources are allocatable if they hold every quantity of at least one set. */
export type MinAllocatable = readonly Quantities[];

/** Mesos's default: `cpus:0.01|mem:32` (MIN_CPUS and MIN_MEM in src/master/constants.hpp). */
export const DEFAULT_MIN_ALLOCATABLE_TEXT = 'cpus:0.01|mem:32';

/** Parses `cpus:0.01|mem:32`-style text; scalars only, as in Mesos. The empty string means "anything". */
export function parseMinAllocatable(text: string): Result<MinAllocatable, string> {
  if (text.trim() === '') return ok([]);
  const sets: Quantities[] = [];
  let at = 0;
  for (const part of text.split('|')) {
    const parsed = parseResources(part);
    if (!parsed.ok) {
      return err(`${parsed.error.message.replace(/ at (\d+)/u, (_, p) => ` at ${at + Number(p)}`)}`);
    }
    if (parsed.value.entries.some((r) => r.value.kind !== 'scalar')) {
      return err(`only scalar resources may be given in "${part.trim()}"`);
    }
    sets.push(parsed.value.scalarQuantities());
    at += part.length + 1;
  }
  return ok(sets);
}

/** The default minimum, parsed. */
export const DEFAULT_MIN_ALLOCATABLE: MinAllocatable = (() => {
  const parsed = parseMinAllocatable(DEFAULT_MIN_ALLOCATABLE_TEXT);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
})();

/** Whether `resources` hold at least one of the quantity sets (an empty list allows anything). */
export function isAllocatable(resources: Resources, min: MinAllocatable): boolean {
  if (min.length === 0) return !resources.isEmpty();
  const have = resources.scalarQuantities();
  return min.some((set) => {
    for (const [name, milli] of set) if ((have.get(name) ?? 0) < milli) return false;
    return true;
  });
}
