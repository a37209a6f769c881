/**
 * Model-based tests of the hierarchical allocator: fast-check generates sequences of master
 * actions (agents and frameworks coming and going, suppress/revive, time passing, allocation
 * runs, declines with every kind of refuse_seconds, accepts, finished tasks, weights), the test
 * plays the master and keeps its own model of offers, tasks and filters, and after every action
 * checks the invariants in ./model/invariants.ts:
 *
 * 1. nothing is offered beyond what is free, and offers + tasks never exceed an agent's total;
 * 2. no offers to deactivated frameworks or in suppressed roles;
 * 3. no offer a live refusal filter covers;
 * 4. free + offered + used = total exactly, and the allocator's allocations match the master's;
 *
 * plus coarse-grained offers, minimum allocatable resources, and work conservation after each
 * run. `AGORA_MODEL_RUNS` overrides the number of runs (e.g. for a long bug hunt).
 */
import test from 'ava';
import fc from 'fast-check';
import type { AgentView, Offer } from '../../src/allocator/allocator.js';
import { resources } from '../../src/core/resource-text.js';
import { testAllocator } from './harness.js';
import {
  type AllocatorFactory,
  arbConfig,
  arbPrelude,
  COMMAND_ARBITRARIES,
  realAllocator,
  setup,
} from './model/commands.js';
import { checkAccounting, checkNewOffers, checkWorkConserving } from './model/invariants.js';
import { addFilter, type Model, newModel, parseMinSets } from './model/model.js';
import { MUTANTS } from './model/mutants.js';

const NUM_RUNS = Number(process.env.AGORA_MODEL_RUNS ?? 4000);
const MAX_COMMANDS = 100;

function property(factory: AllocatorFactory, onlyTags?: readonly string[]) {
  return fc.property(
    arbConfig,
    arbPrelude,
    fc.commands(COMMAND_ARBITRARIES, { maxCommands: MAX_COMMANDS, size: 'max' }),
    (cfg, prelude, cmds) => {
      fc.modelRun(setup(cfg, factory, onlyTags), [...prelude, ...cmds]);
    },
  );
}

test('the allocator keeps the master invariants under random master action sequences', (t) => {
  const details = fc.check(property(realAllocator), { numRuns: NUM_RUNS, includeErrorInReport: true });
  t.false(details.failed, fc.defaultReportMessage(details) ?? '');
  t.is(details.numRuns, NUM_RUNS);
});

/**
 * The checks have teeth: each deliberately broken allocator is caught by the rule it breaks.
 * Only violations with the mutant's tag fail these runs, so that a real bug elsewhere (which
 * the test above reports) does not stand in for the mutant's; the seed is fixed so that they
 * are deterministic and stop at the first failure.
 */
for (const mutant of MUTANTS) {
  test(`the model test catches a broken allocator: ${mutant.name} → ${mutant.tag}`, (t) => {
    const details = fc.check(property(mutant.factory, [mutant.tag]), {
      numRuns: 3000,
      endOnFailure: true,
      seed: 42,
    });
    t.true(details.failed, 'the broken allocator went unnoticed');
    const message = details.errorInstance instanceof Error ? details.errorInstance.message : '';
    t.true(message.includes(mutant.tag), `expected a ${mutant.tag} violation, got:\n${message}`);
  });
}

/**
 * The shrunk counterexample the model test found (invariant 3): Mesos keeps every filter a
 * framework's refusals install on an agent (`offerFilters[role][agent]` is a set, and any one
 * filter covering the candidate blocks it), so a later, shorter or smaller filter does not lift
 * an earlier one.
 */
test('a later refusal on the same agent does not lift an earlier, longer filter', (t) => {
  const { allocator, advance } = testAllocator();
  allocator.addAgent('a1', resources('mem:1024'));
  allocator.addFramework('f', { roles: ['b'] }, [
    { frameworkId: 'f', agentId: 'a1', role: 'b', resources: resources('mem:256') },
  ]);
  const [first] = allocator.allocate();
  t.is(first?.resources.equals(resources('mem:768')), true);
  // Declined for (capped) 365 days.
  allocator.recoverResources({
    frameworkId: 'f',
    agentId: 'a1',
    role: 'b',
    resources: resources('mem:768'),
    refuseSeconds: 1e9,
  });
  // The task ends: mem:1024 is not covered by the filter, so it is offered.
  allocator.recoverResources({ frameworkId: 'f', agentId: 'a1', role: 'b', resources: resources('mem:256') });
  const [second] = allocator.allocate();
  t.is(second?.resources.equals(resources('mem:1024')), true);
  // Accepted with a mem:256 task; the unused mem:768 is refused for the default 5 s.
  allocator.recoverResources({
    frameworkId: 'f',
    agentId: 'a1',
    role: 'b',
    resources: resources('mem:768'),
    refuseSeconds: 5,
  });
  advance(5000);
  // The 5 s filter has expired, but the 365-day one still covers mem:768.
  t.deepEqual(allocator.allocate(), []);
});

// ---------------------------------------------------------------------------------------------
// The checks themselves, on hand-built states.

/** Agent a1 (cpus:4;mem:1024), frameworks f1 in a and f2 in b, f1 running cpus:1;mem:256. */
function smallModel(): Model {
  const m = newModel(1000, parseMinSets('cpus:0.01|mem:32'));
  m.agents.set('a1', { id: 'a1', total: resources('cpus:4;mem:1024'), active: true });
  m.frameworks.set('f1', {
    id: 'f1',
    roles: ['a'],
    active: true,
    suppressed: new Set(),
    minByRole: new Map(),
  });
  m.frameworks.set('f2', {
    id: 'f2',
    roles: ['b'],
    active: true,
    suppressed: new Set(),
    minByRole: new Map(),
  });
  m.tasks.set('t1', { frameworkId: 'f1', agentId: 'a1', role: 'a', resources: resources('cpus:1;mem:256') });
  return m;
}

const offer = (frameworkId: string, role: string, text: string): Offer => ({
  frameworkId,
  agentId: 'a1',
  role,
  resources: resources(text),
});

function tags(violations: readonly string[]): string[] {
  return [...new Set(violations.map((v) => v.slice(0, v.indexOf(']') + 1)))].sort();
}

test('check [inv1]: an offer beyond the free resources, or two offers that do not fit together', (t) => {
  const m = smallModel();
  t.deepEqual(checkNewOffers(m, [offer('f1', 'a', 'cpus:3;mem:768')], undefined), []);
  t.deepEqual(tags(checkNewOffers(m, [offer('f1', 'a', 'cpus:4;mem:768')], undefined)), ['[inv1]']);
  // Each fits alone; together they take the same cpus twice.
  const both = checkNewOffers(
    m,
    [offer('f1', 'a', 'cpus:3;mem:768'), offer('f2', 'b', 'cpus:3;mem:768')],
    undefined,
  );
  t.deepEqual(tags(both), ['[inv1]']);
});

test('check [inv1]/[coarse]: reserved resources go only to their role; an offer takes all of its role', (t) => {
  const m = smallModel();
  m.agents.set('a1', { id: 'a1', total: resources('cpus:4;mem:1024;cpus(b):1'), active: true });
  t.deepEqual(tags(checkNewOffers(m, [offer('f1', 'a', 'cpus:3;cpus(b):1;mem:768')], undefined)), ['[inv1]']);
  t.deepEqual(tags(checkNewOffers(m, [offer('f2', 'b', 'cpus:3;mem:768')], undefined)), ['[coarse]']);
  t.deepEqual(checkNewOffers(m, [offer('f2', 'b', 'cpus:3;cpus(b):1;mem:768')], undefined), []);
});

test('check [inv2]: offers to a suppressed role or a deactivated framework', (t) => {
  const m = smallModel();
  m.frameworks.get('f1')?.suppressed.add('a');
  t.deepEqual(tags(checkNewOffers(m, [offer('f1', 'a', 'cpus:3;mem:768')], undefined)), ['[inv2]']);
  const m2 = smallModel();
  const f1 = m2.frameworks.get('f1');
  if (f1 !== undefined) f1.active = false;
  t.deepEqual(tags(checkNewOffers(m2, [offer('f1', 'a', 'cpus:3;mem:768')], undefined)), ['[inv2]']);
});

test('check [inv3]: a filtered offer before the filter expires, and not at or after it', (t) => {
  const m = smallModel();
  m.now = 1000;
  addFilter(m, offer('f1', 'a', 'cpus:3;mem:768'), 3, 'a decline');
  m.now = 3999;
  t.deepEqual(tags(checkNewOffers(m, [offer('f1', 'a', 'cpus:3;mem:768')], undefined)), ['[inv3]']);
  // The filter is per framework, role and agent, and covers only subsets of what was refused.
  t.deepEqual(checkNewOffers(m, [offer('f2', 'b', 'cpus:3;mem:768')], undefined), []);
  m.now = 4000;
  t.deepEqual(checkNewOffers(m, [offer('f1', 'a', 'cpus:3;mem:768')], undefined), []);
  // refuse_seconds 0.5 lasts an allocation interval (1 s); 0 installs nothing.
  const m2 = smallModel();
  addFilter(m2, offer('f1', 'a', 'cpus:3;mem:768'), 0.5, 'a short decline');
  addFilter(m2, offer('f1', 'a', 'cpus:3;mem:768'), 0, 'a zero decline');
  t.deepEqual(
    m2.filters.map((f) => f.expiresAt),
    [1000],
  );
});

test('check [inv4]: free + offered + used must equal the total, and allocations must match', (t) => {
  const m = smallModel();
  const view = (available: string, allocated: [string, string, string][]) => ({
    agentIds: () => ['a1'],
    agent: (id: string): AgentView | undefined =>
      id === 'a1'
        ? {
            total: resources('cpus:4;mem:1024'),
            available: resources(available),
            active: true,
            allocated: new Map(allocated.map(([fw, role, res]) => [fw, new Map([[role, resources(res)]])])),
          }
        : undefined,
  });
  t.deepEqual(checkAccounting(m, view('cpus:3;mem:768', [['f1', 'a', 'cpus:1;mem:256']])), []);
  // A leak: one cpu neither free, offered nor used.
  t.deepEqual(tags(checkAccounting(m, view('cpus:2;mem:768', [['f1', 'a', 'cpus:1;mem:256']]))), ['[inv4]']);
  // Right totals, wrong owner.
  t.deepEqual(tags(checkAccounting(m, view('cpus:3;mem:768', [['f2', 'b', 'cpus:1;mem:256']]))), ['[inv4]']);
  // The master's own books exceed the agent.
  m.offers.set('o1', { frameworkId: 'f2', agentId: 'a1', role: 'b', resources: resources('cpus:4') });
  t.true(tags(checkAccounting(m, view('', []))).includes('[inv1]'));
});

test('check [live]: allocatable free resources left to an eligible, unfiltered framework', (t) => {
  const m = smallModel();
  t.deepEqual(tags(checkWorkConserving(m, undefined)), ['[live]']);
  t.deepEqual(checkWorkConserving(m, new Set(['a2'])), [], 'a1 was not in the run');
  // Filtered for both frameworks: nothing expected.
  addFilter(m, offer('f1', 'a', 'cpus:3;mem:768'), 5, 'x');
  addFilter(m, offer('f2', 'b', 'cpus:3;mem:768;disk:1'), 5, 'y');
  t.deepEqual(checkWorkConserving(m, undefined), []);
  m.now = 5000;
  t.is(checkWorkConserving(m, undefined).length, 2);
  // Crumbs (below cpus:0.01|mem:32) are not owed to anyone.
  const m2 = smallModel();
  m2.tasks.set('t2', {
    frameworkId: 'f2',
    agentId: 'a1',
    role: 'b',
    resources: resources('cpus:2.995;mem:740'),
  });
  t.deepEqual(checkWorkConserving(m2, undefined), []);
});
