/**
 * The filter matrix against the filter tables it summarises. The allocator's protocol is played
 * on a few agents and framework slots (every filter added is `added`, every slot cleared is
 * `cleared`, every dropped table is `clearRow`) while time passes and candidate bags change;
 * after each step, deciding through the matrix the way the allocation walk does (a known bit
 * first, then the table only where a may bit is set, recording what it says) must give the
 * same answer as asking a fresh copy of the filters directly.
 */
import test from 'ava';
import fc from 'fast-check';
import { wordsFor } from '../../src/allocator/bitset.js';
import { FilterMatrix } from '../../src/allocator/filter-matrix.js';
import { AgentRoleFilters, NOT_BLOCKED } from '../../src/allocator/refuse-filter.js';
import { resources } from '../../src/core/resource-text.js';
import type { Resources } from '../../src/core/resources.js';

const AGENTS = 3;
const GEN = 1;
const BAGS = ['cpus:4;mem:64', 'cpus:2', 'mem:64', 'cpus:4;mem:64;disk:10'].map((t) => resources(t));
/** The agent's candidate: one of the bags, by identity (a bag comes back as the same object). */
const CANDIDATES = [BAGS[0], BAGS[3], resources('cpus:4;mem:64')] as Resources[];

type Step =
  | { kind: 'add'; agent: number; fw: number; bag: number; seconds: number }
  | { kind: 'clear'; agent: number; fw: number }
  | { kind: 'drop'; agent: number }
  | { kind: 'time'; ms: number }
  | { kind: 'candidate'; agent: number; c: number }
  | { kind: 'frameworks'; slots: number };

const arbStep = (fws: number): fc.Arbitrary<Step> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('add' as const),
      agent: fc.nat(AGENTS - 1),
      fw: fc.nat(fws - 1),
      bag: fc.nat(BAGS.length - 1),
      seconds: fc.constantFrom(1, 5, 30),
    }),
    fc.record({ kind: fc.constant('clear' as const), agent: fc.nat(AGENTS - 1), fw: fc.nat(fws - 1) }),
    fc.record({ kind: fc.constant('drop' as const), agent: fc.nat(AGENTS - 1) }),
    fc.record({ kind: fc.constant('time' as const), ms: fc.constantFrom(500, 1000, 6000) }),
    fc.record({
      kind: fc.constant('candidate' as const),
      agent: fc.nat(AGENTS - 1),
      c: fc.nat(CANDIDATES.length - 1),
    }),
    fc.record({ kind: fc.constant('frameworks' as const), slots: fc.constantFrom(40, 70) }),
  );

interface Filter {
  readonly fw: number;
  readonly bag: Resources;
  readonly expiresAtMs: number;
}

/** Plays the steps; returns the first disagreement, if any. */
function play(makeMatrix: () => FilterMatrix, fws: number, steps: readonly Step[]): string | undefined {
  const matrix = makeMatrix();
  let slots = fws;
  matrix.fit(AGENTS, slots);
  const tables: (AgentRoleFilters | undefined)[] = [];
  const log: Filter[][] = Array.from({ length: AGENTS }, () => []);
  const candidate = [0, 0, 0];
  let now = 0;
  let version = 0;
  for (const step of steps) {
    switch (step.kind) {
      case 'add': {
        let table = tables[step.agent];
        if (table === undefined) {
          table = new AgentRoleFilters();
          tables[step.agent] = table;
        }
        const expiresAtMs = now + step.seconds * 1000;
        table.add(step.fw, BAGS[step.bag] as Resources, expiresAtMs, GEN, now, slots);
        matrix.added(step.agent, step.fw);
        (log[step.agent] as Filter[]).push({ fw: step.fw, bag: BAGS[step.bag] as Resources, expiresAtMs });
        break;
      }
      case 'clear':
        tables[step.agent]?.clear(step.fw);
        matrix.cleared(step.agent, step.fw);
        log[step.agent] = (log[step.agent] as Filter[]).filter((f) => f.fw !== step.fw);
        break;
      case 'drop':
        tables[step.agent] = undefined;
        matrix.clearRow(step.agent);
        log[step.agent] = [];
        break;
      case 'time':
        now += step.ms;
        break;
      case 'candidate':
        candidate[step.agent] = step.c;
        break;
      case 'frameworks':
        slots = Math.max(slots, step.slots);
        matrix.fit(AGENTS, slots);
        break;
    }
    for (let agent = 0; agent < AGENTS; agent++) {
      const bag = CANDIDATES[candidate[agent] as number] as Resources;
      const knownRow = matrix.stride === 0 ? -1 : matrix.knownRow(agent, bag, now);
      for (let fw = 0; fw < fws; fw++) {
        const word = fw >>> 5;
        const bit = 1 << (fw & 31);
        let blocked: boolean;
        if (knownRow >= 0 && ((matrix.known[knownRow + word] as number) & bit) !== 0) {
          blocked = true;
        } else if (matrix.stride > 0 && ((matrix.may[agent * matrix.stride + word] as number) & bit) !== 0) {
          const table = tables[agent];
          if (table === undefined) return `may bit without a table: agent ${agent}, framework ${fw}`;
          const until = table.blockedUntil(fw, GEN, bag, ++version, now);
          blocked = until !== NOT_BLOCKED;
          if (blocked) matrix.record(agent, fw, bag, until, now);
          else if (!table.holds(fw)) matrix.cleared(agent, fw);
        } else {
          blocked = false;
        }
        // Mesos's rule on the filters as they were added: any live one that covers the bag.
        const expected = (log[agent] as Filter[]).some(
          (f) => f.fw === fw && now < f.expiresAtMs && f.bag.contains(bag),
        );
        if (blocked !== expected) {
          return `after ${JSON.stringify(step)} at ${now} ms: agent ${agent} framework ${fw} blocked ${blocked}, expected ${expected}`;
        }
      }
    }
  }
  return undefined;
}

const property = (makeMatrix: () => FilterMatrix) =>
  fc.property(
    fc
      .constantFrom(3, 33)
      .chain((fws) => fc.tuple(fc.constant(fws), fc.array(arbStep(fws), { maxLength: 60 }))),
    ([fws, steps]) => {
      const problem = play(makeMatrix, fws, steps);
      if (problem !== undefined) throw new Error(problem);
    },
  );

test('deciding through the filter matrix gives the filter tables’ answer', (t) => {
  t.notThrows(() =>
    fc.assert(
      property(() => new FilterMatrix()),
      { numRuns: 1500 },
    ),
  );
});

/** A planted bug: known bits are trusted past the expiry of the filters they came from. */
class KnownForever extends FilterMatrix {
  override knownRow(agent: number, candidate: Resources, _nowMs: number): number {
    return super.knownRow(agent, candidate, Number.NEGATIVE_INFINITY);
  }
}

/** A planted bug: known bits are trusted for any bag, not only the one they answered for. */
class KnownForAnyBag extends FilterMatrix {
  override knownRow(agent: number, candidate: Resources, nowMs: number): number {
    return super.knownRow(agent, this.knownFor[agent] ?? candidate, nowMs);
  }
}

/** A planted bug: adding a filter does not set the may bit (the walk would not look). */
class ForgetsAdds extends FilterMatrix {
  override added(): void {}
}

for (const [name, make] of [
  ['known bits that never expire', () => new KnownForever()],
  ['known bits trusted for another bag', () => new KnownForAnyBag()],
  ['adds that are not marked', () => new ForgetsAdds()],
] as const) {
  test(`the check catches a broken matrix: ${name}`, (t) => {
    const details = fc.check(property(make), { numRuns: 1500, seed: 42 });
    t.true(details.failed);
  });
}

test('a matrix grown to more framework slots keeps its bits', (t) => {
  const m = new FilterMatrix();
  m.fit(4, 20);
  m.added(3, 17);
  const bag = BAGS[0] as Resources;
  m.record(3, 17, bag, 5000, 0);
  m.fit(8, 100);
  t.is(m.stride, wordsFor(100));
  const row = m.knownRow(3, bag, 10);
  t.true(row >= 0 && ((m.known[row] as number) & (1 << 17)) !== 0);
  t.true(((m.may[3 * m.stride] as number) & (1 << 17)) !== 0);
  t.is(m.knownRow(3, bag, 5000), -1, 'not past the earliest expiry it recorded');
});
