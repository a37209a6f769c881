/**
 * What one task of a job needs, worked out once per job so that fitting tasks to offers in the
 * hot path is a few integer comparisons: the scalar demand as parallel arrays of keys and
 * milli-units, the range demand (ports) as counts, and the JSON of the scalar part.
 *
 * A key is a resource name with its role, `cpus(*)` or `cpus(a)`, because an offer's unreserved
 * and reserved amounts of one resource are different resources to the master: a task asking for
 * unreserved cpus cannot use cpus reserved to its role, and the other way round.
 *
 * A range resource in a job asks for that many values, whichever the offer has free:
 * `ports:[31000-31000]` asks for one port, as Marathon's `ports: [0]` does. The framework takes
 * the lowest free values of the offer, so each task gets its own ports.
 */
import type { Quantities } from '../allocator/sorter.js';
import type { ResourceJson } from '../core/messages/resources-json.js';
import { resourcesToJson } from '../core/messages/resources-json.js';
import type { Range, Ranges } from '../core/ranges.js';
import { rangesSize } from '../core/ranges.js';
import { Resources } from '../core/resources.js';
import { UNRESERVED_ROLE } from '../core/roles.js';

/** A range resource a task needs `count` values of. */
interface RangeDemand {
  readonly key: string;
  readonly name: string;
  readonly role: string;
  readonly count: number;
}

/** A job's per-task demand, ready for the offer loop. */
export interface TaskShape {
  /** Resource keys (`name(role)`), one per scalar resource the task asks for. */
  readonly keys: readonly string[];
  /** The milli-units of each key, in the same order. */
  readonly milli: readonly number[];
  readonly ranges: readonly RangeDemand[];
  /** The scalar demand per resource name (roles merged), for metrics. */
  readonly quantities: Quantities;
  /** The scalar part of `TaskInfo.resources`, shared by every task of the job (never mutated). */
  readonly scalarJson: readonly ResourceJson[];
}

/** Keys made so far, by role then name (few of each): an offer's keys are looked up, not rebuilt. */
const KEYS = new Map<string, Map<string, string>>();
const KEYS_MAX_ROLES = 1024;

/** The key of resource `name` with `role` (unreserved when absent). */
export function resourceKey(name: string, role: string | undefined): string {
  const r = role === undefined || role === '' ? UNRESERVED_ROLE : role;
  let byName = KEYS.get(r);
  if (byName === undefined) {
    if (KEYS.size >= KEYS_MAX_ROLES) KEYS.clear();
    byName = new Map();
    KEYS.set(r, byName);
  }
  let key = byName.get(name);
  if (key === undefined) {
    key = `${name}(${r})`;
    byName.set(name, key);
  }
  return key;
}

/** The shape of a task needing `resources` (scalars and ranges: validation ensures that). */
export function taskShape(resources: Resources): TaskShape {
  const keys: string[] = [];
  const milli: number[] = [];
  const ranges: RangeDemand[] = [];
  for (const e of resources.entries) {
    const key = resourceKey(e.name, e.role);
    if (e.value.kind === 'scalar') {
      keys.push(key);
      milli.push(e.value.milli);
    } else if (e.value.kind === 'ranges') {
      ranges.push({ key, name: e.name, role: e.role, count: rangesSize(e.value.ranges) });
    } else {
      throw new Error(`assertion failed: scenario tasks ask for no set resources, got ${e.name}`);
    }
  }
  const scalars = resources.filter((r) => r.value.kind === 'scalar');
  return {
    keys,
    milli,
    ranges,
    quantities: resources.scalarQuantities(),
    scalarJson: resourcesToJson(scalars),
  };
}

/** An offer's remaining amounts by key, consumed as tasks are fitted into it. */
export class OfferRemainder {
  readonly #scalars = new Map<string, number>();
  /** The offer's range resources by key, as sent; read only if a task asks for ranges. */
  readonly #rangesJson = new Map<string, ResourceJson[]>();
  /** The offer's range resources by key, as `Resources` ranges (when read with resetFrom). */
  readonly #rangeEntries = new Map<string, Ranges[]>();
  /** Free values of each range resource asked for so far, ascending (copied from the offer). */
  readonly #ranges = new Map<string, [number, number][]>();

  /**
   * Reads the amounts of offered resources given as `Resources` (an offer batch's view): the
   * same amounts, under the same keys, as {@link reset} reads from their JSON.
   */
  resetFrom(resources: Resources): void {
    this.#clear();
    for (const e of resources.entries) {
      const key = resourceKey(e.name, e.role);
      if (e.value.kind === 'scalar') {
        this.#scalars.set(key, (this.#scalars.get(key) ?? 0) + e.value.milli);
      } else if (e.value.kind === 'ranges') {
        // As in reset: copied only if a task asks for these ranges (see #free).
        const list = this.#rangeEntries.get(key);
        if (list === undefined) this.#rangeEntries.set(key, [e.value.ranges]);
        else list.push(e.value.ranges);
      }
    }
  }

  /** Reads the amounts of an offer's resources. */
  reset(resources: readonly ResourceJson[] | undefined): void {
    this.#clear();
    for (const r of resources ?? []) {
      // A refined reservation's role is its last reservation's; otherwise the legacy `role`.
      const key = resourceKey(r.name, r.reservations?.at(-1)?.role ?? r.role);
      if (r.scalar !== undefined) {
        this.#scalars.set(key, (this.#scalars.get(key) ?? 0) + Math.round(r.scalar.value * 1000));
      } else if (r.ranges !== undefined) {
        // Most tasks ask for no ports: the offer's port ranges are only copied when one does.
        const list = this.#rangesJson.get(key);
        if (list === undefined) this.#rangesJson.set(key, [r]);
        else list.push(r);
      }
    }
  }

  /**
   * Forgets the last offer without making new tables (a map's `clear` makes one, and the
   * framework reads an offer per launch): amounts are set to 0 and range lists emptied, which
   * reads the same as absent (every read defaults to 0 or to no ranges).
   */
  #clear(): void {
    for (const key of this.#scalars.keys()) this.#scalars.set(key, 0);
    for (const list of this.#rangeEntries.values()) list.length = 0;
    if (this.#rangesJson.size > 0) this.#rangesJson.clear();
    if (this.#ranges.size > 0) this.#ranges.clear();
  }

  /** The free values of range resource `key`, copied from the offer on first use. */
  #free(key: string): [number, number][] {
    let free = this.#ranges.get(key);
    if (free === undefined) {
      free = [];
      for (const r of this.#rangesJson.get(key) ?? []) {
        for (const { begin, end } of r.ranges?.range ?? []) free.push([begin, end]);
      }
      for (const ranges of this.#rangeEntries.get(key) ?? []) {
        for (const [begin, end] of ranges) free.push([begin, end]);
      }
      free.sort((a, b) => a[0] - b[0]);
      this.#ranges.set(key, free);
    }
    return free;
  }

  /** Whether one task of `shape` fits in what is left. */
  fits(shape: TaskShape): boolean {
    for (let i = 0; i < shape.keys.length; i++) {
      if ((this.#scalars.get(shape.keys[i] as string) ?? 0) < (shape.milli[i] as number)) return false;
    }
    for (const demand of shape.ranges) {
      if (countValues(this.#free(demand.key)) < demand.count) return false;
    }
    return true;
  }

  /**
   * Takes one task of `shape` out of what is left (it must fit) and returns its resources JSON:
   * the shared scalar part, plus the particular range values it got.
   */
  take(shape: TaskShape): readonly ResourceJson[] {
    for (let i = 0; i < shape.keys.length; i++) {
      const key = shape.keys[i] as string;
      this.#scalars.set(key, (this.#scalars.get(key) ?? 0) - (shape.milli[i] as number));
    }
    if (shape.ranges.length === 0) return shape.scalarJson;
    const taken: Resources[] = [];
    for (const demand of shape.ranges) {
      const values = takeLowest(this.#free(demand.key), demand.count);
      taken.push(
        Resources.of([{ name: demand.name, role: demand.role, value: { kind: 'ranges', ranges: values } }]),
      );
    }
    return [...shape.scalarJson, ...taken.flatMap((r) => resourcesToJson(r))];
  }
}

function countValues(ranges: readonly [number, number][]): number {
  let n = 0;
  for (const [b, e] of ranges) n += e - b + 1;
  return n;
}

/** Removes the lowest `count` values from `free` (in place) and returns them as ranges. */
function takeLowest(free: [number, number][], count: number): Range[] {
  const out: Range[] = [];
  let left = count;
  while (left > 0) {
    const first = free[0];
    if (first === undefined) throw new Error('assertion failed: took more range values than were free');
    const [begin, end] = first;
    const n = Math.min(left, end - begin + 1);
    out.push([begin, begin + n - 1]);
    left -= n;
    if (begin + n > end) free.shift();
    else first[0] = begin + n;
  }
  return out;
}
