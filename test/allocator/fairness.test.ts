/**
 * Fairness properties of discrete progressive filling (src/allocator/fair-share.ts) under DRF,
 * in task-granular form, with the DRF paper's worked example and counter-examples.
 *
 * The DRF paper (Ghodsi et al., NSDI 2011) proves its properties for divisible demands. With
 * indivisible tasks they only hold in relaxed forms: Parkes, Procaccia & Shah (ACM TEAC 2015)
 * show that strategy-proofness cannot be combined with Pareto efficiency or envy-freeness once
 * tasks are indivisible (anchors.md §1.1, "Indivisible tasks caveat"). So each property below is
 * stated in the strongest form we could PROVE for the discrete algorithm (the proof sketch is in
 * the comment above it) and then checked over random pools and users. Where the textbook form,
 * or the obvious "up to one task" relaxation, is false, a counter-example found by search is
 * kept as a test of its own, so the claim is executable rather than folklore.
 *
 * Every property also has a negative control: a policy or allocation that the DRF paper's table
 * says violates it (asset fairness for sharing incentive and bottleneck fairness), a random order,
 * or a deliberately wasteful filling, so that the checks are shown to be able to fail.
 *
 * Notation: user i runs t_i tasks of demand d_i; R is the pool; F the free pool at the end;
 * σ_i = max_r d_ir / R_r is the dominant share of one task; s_i = t_i σ_i; n users. "Uncapped"
 * means the user stopped because its next task did not fit, not because of its max-tasks. Shares
 * are compared with a tolerance of 1e-9 because the sorter compares them in floating point.
 *
 * Resource monotonicity (more resources never lower anyone) is deliberately NOT asserted: DRF
 * does not have it even for divisible demands (the paper's table, anchors.md §1.1).
 */
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import seedrandom from 'seedrandom';
import { type FairShareUser, fairShare } from '../../src/allocator/fair-share.js';
import type { SorterPolicy } from '../../src/allocator/sorter.js';
import { assetPolicy } from '../../src/allocator/sorters/asset.js';
import { drfPolicy } from '../../src/allocator/sorters/drf.js';
import { randomPolicy } from '../../src/allocator/sorters/random.js';
import { Resources } from '../../src/core/resources.js';

// ---------------------------------------------------------------------------------------------
// A plain-number model of an instance and its outcome (amounts in integer milli-units).

const RESOURCE_NAMES = ['cpus', 'mem', 'disk'] as const;
const EPS = 1e-9;

interface UserSpec {
  readonly name: string;
  readonly demand: readonly number[];
  readonly weight: number;
  readonly maxTasks: number | undefined;
}

interface Instance {
  readonly capacity: readonly number[];
  readonly users: readonly UserSpec[];
}

interface Outcome {
  readonly tasks: readonly number[];
  readonly free: readonly number[];
  readonly capped: readonly boolean[];
}

function toResources(v: readonly number[]): Resources {
  return Resources.of(
    v.map((milli, r) => ({ name: RESOURCE_NAMES[r] as string, role: '*', value: { kind: 'scalar', milli } })),
  );
}

function run(inst: Instance, policy: SorterPolicy = drfPolicy, random?: () => number): Outcome {
  const users = inst.users.map(
    (u): FairShareUser => ({
      name: u.name,
      demand: toResources(u.demand),
      weight: u.weight,
      ...(u.maxTasks === undefined ? {} : { maxTasks: u.maxTasks }),
    }),
  );
  const r = fairShare({
    capacity: toResources(inst.capacity),
    users,
    policy,
    ...(random === undefined ? {} : { random }),
  });
  if (!r.ok) throw new Error(r.error.message);
  return {
    tasks: r.value.users.map((u) => u.tasks),
    free: inst.capacity.map((_, i) => r.value.free.scalarMilli(RESOURCE_NAMES[i] as string)),
    capped: r.value.users.map((u) => u.stoppedBy === 'max-tasks'),
  };
}

/** Builds an instance from whole units: `[[cpus, mem], ...]`. */
function instance(capacity: number[], demands: number[][], names?: string[]): Instance {
  const milli = (v: number[]) => v.map((x) => Math.round(x * 1000));
  return {
    capacity: milli(capacity),
    users: demands.map((d, i) => ({
      name: names?.[i] ?? String.fromCharCode(97 + i),
      demand: milli(d),
      weight: 1,
      maxTasks: undefined,
    })),
  };
}

const at = <T>(xs: readonly T[], i: number): T => xs[i] as T;
const times = (d: readonly number[], k: number): number[] => d.map((x) => x * k);
const plus = (a: readonly number[], b: readonly number[]): number[] => a.map((x, r) => x + at(b, r));
const fits = (d: readonly number[], pool: readonly number[]): boolean => d.every((x, r) => x <= at(pool, r));
/** Dominant share of an allocation: max_r v_r / R_r. */
const share = (inst: Instance, v: readonly number[]): number =>
  Math.max(0, ...v.map((x, r) => x / at(inst.capacity, r)));
/** How many tasks of demand `d` fit in `pool` (exact integer arithmetic). */
const taskCount = (d: readonly number[], pool: readonly number[]): number =>
  Math.min(...d.map((x, r) => (x === 0 ? Number.POSITIVE_INFINITY : Math.floor(at(pool, r) / x))));
const demandOf = (inst: Instance, i: number): readonly number[] => at(inst.users, i).demand;
const uncapped = (out: Outcome, i: number): boolean => !at(out.capped, i);

// ---------------------------------------------------------------------------------------------
// The checks. Each returns its violations (empty when the property holds), so that the negative
// controls can show that it detects a violation.

/**
 * Non-wastefulness (the task-granular stand-in for Pareto efficiency): at the end, no uncapped
 * user's next task fits in the free pool; and the books balance (F = R - Σ t_i d_i, F >= 0).
 * Exact: it is the loop's stopping condition.
 */
function nonWastefulViolations(inst: Instance, out: Outcome): string[] {
  const v: string[] = [];
  let used = inst.capacity.map(() => 0);
  inst.users.forEach((u, i) => {
    used = plus(used, times(u.demand, at(out.tasks, i)));
    if (uncapped(out, i) && fits(u.demand, out.free)) v.push(`${u.name}'s next task still fits`);
  });
  inst.capacity.forEach((c, r) => {
    if (at(out.free, r) !== c - at(used, r) || at(out.free, r) < 0) v.push(`books do not balance on ${r}`);
  });
  return v;
}

/**
 * The DRF invariant, weighted: for every uncapped user j and every other user i with a task,
 *   s_j / w_j >= (s_i - σ_i) / w_i,  or j's next task does not fit even in F + d_i.
 * Proof: when i got its last task, its weighted share was s_i - σ_i, and it was first in the
 * sorter's order among the users whose next task fitted. If j's next task fitted then, j was not
 * before i, so s_j/w_j (which only grows) was already >= (s_i - σ_i)/w_i. If it did not fit, it
 * never fits again (the free pool only shrinks, so j's task count and next task are unchanged),
 * and the free pool then contained F + d_i. This is max-min fairness "up to one task" and is what
 * single-resource and bottleneck fairness specialise below.
 */
function drfInvariantViolations(inst: Instance, out: Outcome): string[] {
  const v: string[] = [];
  inst.users.forEach((uj, j) => {
    if (!uncapped(out, j)) return;
    inst.users.forEach((ui, i) => {
      const ti = at(out.tasks, i);
      if (i === j || ti === 0) return;
      const sj = share(inst, times(uj.demand, at(out.tasks, j))) / uj.weight;
      const before = share(inst, times(ui.demand, ti - 1)) / ui.weight;
      if (sj < before - EPS && fits(uj.demand, plus(out.free, ui.demand))) {
        v.push(`${uj.name} (${sj}) is below ${ui.name} before its last task (${before}) and could run`);
      }
    });
  });
  return v;
}

/**
 * Max-min fairness on one resource r, up to one task: for every uncapped j and every other i with
 * a task, t_j d_jr >= (t_i - 1) d_ir, or j's next task does not fit in F + d_i. When r is every
 * user's dominant resource (one resource in all; or a common bottleneck), dominant shares are
 * amounts of r over R_r, so this is the unweighted DRF invariant above, hence proved.
 */
function maxMinViolations(inst: Instance, out: Outcome, r: number): string[] {
  const v: string[] = [];
  inst.users.forEach((uj, j) => {
    if (!uncapped(out, j)) return;
    inst.users.forEach((ui, i) => {
      const ti = at(out.tasks, i);
      if (i === j || ti === 0) return;
      const mine = at(out.tasks, j) * at(uj.demand, r);
      const theirs = (ti - 1) * at(ui.demand, r);
      if (mine < theirs && fits(uj.demand, plus(out.free, ui.demand))) {
        v.push(`${uj.name} holds ${mine} of resource ${r}, ${ui.name} held ${theirs} before its last task`);
      }
    });
  });
  return v;
}

/**
 * Sharing incentive, unweighted. Let k_i be i's task count in the static split (1/n of every
 * resource): k_i = max{k : k d_i <= R/n}. For every uncapped user i:
 *   t_i >= k_i,  or  s_i + σ_j > 1/n for some other user j holding a task,
 * i.e. i reaches its static count, or its dominant share falls short of 1/n by less than one
 * task of another user.
 * Proof: if t_i < k_i, take the moment T i's next task first stopped fitting: some resource r
 * had less than d_ir free, so more than R_r - d_ir was used; i held t_i d_ir <= R_r/n - d_ir of
 * it, so the other n - 1 users held more than (n-1)/n R_r and one of them, j, more than R_r/n:
 * s_j(T) > 1/n. When j got its last task before T, i's next task fitted, so j's share before it,
 * s_j(T) - σ_j, was <= s_i. Hence s_i > 1/n - σ_j.
 * The tempting "t_i >= k_i - 1" is FALSE (see the counter-example test below): one task of a big
 * user can cost a small user several of its own.
 */
function sharingIncentiveViolations(inst: Instance, out: Outcome): string[] {
  const v: string[] = [];
  const n = inst.users.length;
  inst.users.forEach((ui, i) => {
    if (!uncapped(out, i)) return;
    const ti = at(out.tasks, i);
    const k = Math.min(
      ...ui.demand.map((x, r) => (x === 0 ? Infinity : Math.floor(at(inst.capacity, r) / (n * x)))),
    );
    if (ti >= k) return;
    const si = share(inst, times(ui.demand, ti));
    const within = inst.users.some(
      (uj, j) => j !== i && at(out.tasks, j) > 0 && si + share(inst, uj.demand) > 1 / n - EPS,
    );
    if (!within) v.push(`${ui.name} runs ${ti} < ${k} tasks at share ${si}, more than a task below 1/${n}`);
  });
  return v;
}

/**
 * Envy-freeness up to one task, unweighted: for every uncapped i and every j != i with a task,
 * i could run no more tasks with j's allocation minus one of j's tasks than it runs:
 *   taskCount(d_i, (t_j - 1) d_j) <= t_i.
 * Proof: suppose (t_i + 1) d_i <= (t_j - 1) d_j; then (t_i + 1) σ_i <= (t_j - 1) σ_j.
 * (a) If i's next task fitted when j got its last task, j's share before it, (t_j - 1) σ_j, was
 * <= s_i = t_i σ_i < (t_i + 1) σ_i: contradiction. (b) Otherwise i stopped fitting at some T
 * (on resource r: F_r(T) < d_ir) before j's last task; say j got a tasks before T and b >= 1
 * after, all from F(T), so b d_j <= F(T), b d_jr < d_ir. If a = 0, (t_i + 1) d_i <= b d_j <= F(T)
 * contradicts i not fitting. Else, at j's a-th task i fitted, so (a - 1) σ_j <= t_i σ_i; on i's
 * dominant resource q this gives (a - 1) d_jq <= t_i d_iq, and the supposition on q,
 * (t_i + 1) d_iq <= (a - 1 + b) d_jq, gives d_iq <= b d_jq, so a - 1 <= t_i b. Then on r:
 * (t_i + 1) d_ir <= (a - 1 + b) d_jr <= (t_i + 1) b d_jr < (t_i + 1) d_ir: contradiction.
 * Exact envy-freeness (with all of j's tasks) is false; see the counter-example test.
 */
function envyViolations(inst: Instance, out: Outcome): string[] {
  const v: string[] = [];
  inst.users.forEach((ui, i) => {
    if (!uncapped(out, i)) return;
    inst.users.forEach((uj, j) => {
      const tj = at(out.tasks, j);
      if (i === j || tj === 0) return;
      const could = taskCount(ui.demand, times(uj.demand, tj - 1));
      if (could > at(out.tasks, i)) {
        v.push(
          `${ui.name} could run ${could} > ${at(out.tasks, i)} tasks in ${uj.name}'s allocation less one task`,
        );
      }
    });
  });
  return v;
}

/** Useful tasks of a user with true demand d that was given `tasks` tasks of claimed demand d'. */
function usefulTasks(spec: UserSpec, claimed: readonly number[], tasks: number): number {
  return Math.min(taskCount(spec.demand, times(claimed, tasks)), spec.maxTasks ?? Number.POSITIVE_INFINITY);
}

/**
 * Strategy-proofness, in the form that survives indivisibility: "no free gain". If user i claims
 * d' >= d (larger somewhere) and thereby ends with more useful tasks (tasks of its true demand d
 * that fit in what it got: the DRF paper's Leontief utility, capped by its max-tasks), then some
 * other user ends with fewer tasks: a lie can only gain by crowding someone out of a task.
 * Proof: otherwise the lying run uses at least the honest run's allocation plus one d_i, all
 * within R, so d_i fitted in the honest run's free pool although i was uncapped there (its
 * useful tasks exceed its honest count, so the honest count was below its cap): that contradicts
 * non-wastefulness.
 * Exact strategy-proofness is FALSE for discrete DRF, and so is "up to one task", in both the
 * useful-task and the claimed-task count: see the counter-example tests below. Indivisibility
 * lets a lie push another user's next task out of the pool (Parkes, Procaccia & Shah).
 */
function freeGainViolations(
  honest: Outcome,
  lying: Outcome,
  liar: number,
  spec: UserSpec,
  claimed: readonly number[],
): string[] {
  const useful = usefulTasks(spec, claimed, at(lying.tasks, liar));
  if (useful <= at(honest.tasks, liar)) return [];
  const someoneLost = honest.tasks.some((t, j) => j !== liar && at(lying.tasks, j) < t);
  return someoneLost
    ? []
    : [`${spec.name} gains ${useful} > ${at(honest.tasks, liar)} useful tasks for free`];
}

/**
 * Population monotonicity, in the form that survives indivisibility: "no free loss". If removing
 * user x lowers some remaining user's task count, then another remaining user gains tasks.
 * Proof: otherwise, without x, every user holds at most what it held with x and one user j holds
 * at least one task less, so the free pool contains the old free pool plus x's tasks plus d_j,
 * and j (uncapped, as it is below its old count) would still fit: contradicting non-wastefulness.
 * Exact population monotonicity is FALSE for discrete DRF, and so is "up to one task": see the
 * counter-example test below (x's leaving lets a big task in, which crowds out small ones).
 */
function freeLossViolations(withAll: Outcome, without: Outcome, removed: number): string[] {
  const before = withAll.tasks.filter((_, i) => i !== removed);
  const lost = before.some((t, j) => at(without.tasks, j) < t);
  const gained = before.some((t, j) => at(without.tasks, j) > t);
  return lost && !gained ? [`removing user ${removed} lowers someone and raises nobody`] : [];
}

// ---------------------------------------------------------------------------------------------
// Random instances: up to 5 users on up to 3 resources, pools of 1..30 units, demands in half
// units up to 4, so that runs have tens of tasks and exact rational ties are common.

interface Shape {
  readonly resources?: { min: number; max: number };
  readonly weighted?: boolean;
  readonly capped?: boolean;
  readonly minUsers?: number;
}

const NAMES = ['a', 'b', 'c', 'd', 'e'];
const halfUnits = (max: number) => fc.integer({ min: 0, max }).map((h) => h * 500);

function arbInstance(shape: Shape = {}): fc.Arbitrary<Instance> {
  const { min, max } = shape.resources ?? { min: 1, max: 3 };
  return fc.integer({ min, max }).chain((k) =>
    fc
      .record({
        capacity: fc.array(
          fc.integer({ min: 1, max: 30 }).map((u) => u * 1000),
          { minLength: k, maxLength: k },
        ),
        // A random permutation of names, so input order and name order (the tie-break) differ.
        names: fc.shuffledSubarray(NAMES, { minLength: shape.minUsers ?? 1, maxLength: NAMES.length }),
        specs: fc.array(
          fc.record({
            demand: fc
              .array(halfUnits(8), { minLength: k, maxLength: k })
              .filter((d) => d.some((x) => x > 0)),
            weight: shape.weighted ? fc.constantFrom(0.5, 1, 2, 3) : fc.constant(1),
            maxTasks: shape.capped
              ? fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined, freq: 3 })
              : fc.constant(undefined),
          }),
          { minLength: NAMES.length, maxLength: NAMES.length },
        ),
      })
      .map(({ capacity, names, specs }) => ({
        capacity,
        users: names.map((name, i) => ({ name, ...(specs[i] as Omit<UserSpec, 'name'>) })),
      })),
  );
}

/**
 * Instances where cpus (resource 0) is every user's dominant resource: each user's cpus demand is
 * raised, if needed, to at least its largest fraction of any other resource.
 */
const arbBottlenecked: fc.Arbitrary<Instance> = arbInstance({
  resources: { min: 2, max: 3 },
  capped: true,
}).map((inst) => ({
  ...inst,
  users: inst.users.map((u) => {
    const cpuCap = at(inst.capacity, 0);
    let cpus = at(u.demand, 0);
    u.demand.forEach((x, r) => {
      cpus = Math.max(cpus, Math.ceil((x * cpuCap) / at(inst.capacity, r)));
    });
    return { ...u, demand: [cpus, ...u.demand.slice(1)] };
  }),
}));

/** Runs per property; raise with FAIRNESS_RUNS=100000 for a deep check (the default takes ~1 s). */
const RUNS = { numRuns: Number(process.env.FAIRNESS_RUNS ?? 1000) };

// ---------------------------------------------------------------------------------------------
// The DRF paper's worked example, exactly.

test('DRF paper example (9 CPUs, 18 GB; A <1 CPU, 4 GB>, B <3 CPUs, 1 GB>): 3 and 2 tasks, shares 2/3', (t) => {
  const inst = instance(
    [9, 18],
    [
      [1, 4],
      [3, 1],
    ],
  );
  const out = run(inst);
  t.deepEqual(out.tasks, [3, 2]);
  t.deepEqual(
    [share(inst, times(demandOf(inst, 0), 3)), share(inst, times(demandOf(inst, 1), 2))],
    [2 / 3, 2 / 3],
  );
  // CPU fully used, 4 GB idle: still non-wasteful, every user needs CPU.
  t.deepEqual(out.free, [0, 4000]);
  for (const check of [
    nonWastefulViolations,
    drfInvariantViolations,
    sharingIncentiveViolations,
    envyViolations,
  ]) {
    t.deepEqual(check(inst, out), []);
  }
});

// ---------------------------------------------------------------------------------------------
// Non-wastefulness.

testProp(
  'non-wastefulness (exact): no uncapped user’s next task fits in the free pool at the end; the books balance',
  [arbInstance({ weighted: true, capped: true }), fc.constantFrom(drfPolicy, assetPolicy)],
  (t, inst, policy) => {
    t.deepEqual(nonWastefulViolations(inst, run(inst, policy)), []);
  },
  RUNS,
);

/**
 * The DRF paper's Algorithm 1 as written: give the lowest-share user its next task, and stop
 * ("cluster full") as soon as that task does not fit. fair-share instead skips such users (the
 * issue's "skipping users whose next task no longer fits"). Used as a wasteful negative control.
 */
function paperAlgorithm1(inst: Instance): Outcome {
  const sorter = drfPolicy.create(() => 0);
  inst.users.forEach((u) => {
    sorter.add(u.name, u.weight);
  });
  sorter.addTotal(toResources(inst.capacity).scalarQuantities());
  const tasks = inst.users.map(() => 0);
  let free = [...inst.capacity];
  for (;;) {
    const first = sorter.sort()[0];
    const i = inst.users.findIndex((u) => u.name === first);
    if (i < 0 || !fits(demandOf(inst, i), free)) break;
    free = free.map((x, r) => x - at(demandOf(inst, i), r));
    tasks[i] = at(tasks, i) + 1;
    sorter.allocated(at(inst.users, i).name, toResources(demandOf(inst, i)).scalarQuantities());
  }
  return { tasks, free, capped: tasks.map(() => false) };
}

test('negative control: the paper’s literal Algorithm 1 (stop at the first misfit) is wasteful', (t) => {
  // 12 CPUs; a <4>, b <6>, c <6>, d <1>: a and b run, then c (share 0) does not fit and the
  // literal loop stops with 2 CPUs idle although d's 1-CPU tasks fit. fair-share gives d 2.
  const inst = instance([12], [[4], [6], [6], [1]]);
  const literal = paperAlgorithm1(inst);
  t.deepEqual(literal.tasks, [1, 1, 0, 0]);
  t.deepEqual(nonWastefulViolations(inst, literal), ["d's next task still fits"]);
  t.deepEqual(run(inst).tasks, [1, 1, 0, 2]);
});

test('negative control: dropping the last task of a DRF outcome is caught as waste', (t) => {
  const inst = instance(
    [9, 18],
    [
      [1, 4],
      [3, 1],
    ],
  );
  const out = run(inst);
  const truncated: Outcome = { ...out, tasks: [2, 2], free: plus(out.free, demandOf(inst, 0)) };
  t.deepEqual(nonWastefulViolations(inst, truncated), ["a's next task still fits"]);
});

// ---------------------------------------------------------------------------------------------
// The DRF invariant (weighted max-min on dominant shares, up to one task).

testProp(
  'DRF invariant (exact, weighted): every uncapped user j has s_j/w_j >= (s_i - σ_i)/w_i for every other user i, or j’s next task does not fit in free + one task of i',
  [arbInstance({ weighted: true, capped: true })],
  (t, inst) => {
    t.deepEqual(drfInvariantViolations(inst, run(inst)), []);
  },
  RUNS,
);

test('negative control: asset fairness breaks the DRF invariant on the 70 CPU / 70 GB example', (t) => {
  const inst = instance(
    [70, 70],
    [
      [2, 2],
      [1, 2],
    ],
  );
  t.true(drfInvariantViolations(inst, run(inst, assetPolicy)).length > 0);
  t.deepEqual(drfInvariantViolations(inst, run(inst, drfPolicy)), []);
});

// ---------------------------------------------------------------------------------------------
// Sharing incentive.

testProp(
  'sharing incentive (relaxed, unweighted): every uncapped user reaches its static 1/n-split task count, or its dominant share is within one task of another user (s_i + σ_j > 1/n)',
  [arbInstance({ capped: true })],
  (t, inst) => {
    t.deepEqual(sharingIncentiveViolations(inst, run(inst)), []);
  },
  RUNS,
);

test('asset fairness violates sharing incentive: 70 CPU / 70 GB, user 1 <2 CPU, 2 GB>, user 2 <1 CPU, 2 GB>', (t) => {
  // The DRF paper's counter-example (anchors.md §1.1): asset fairness equalises the sums of
  // shares, 4x/70 = 3y/70, giving user 1 15 tasks = <30, 30>, 42.9% of each resource, below the
  // 17 tasks (<34, 34>) it gets from a static half of each resource, and short of 1/2 by more
  // than one task of user 2 (30/70 + 2/70 < 1/2).
  const inst = instance(
    [70, 70],
    [
      [2, 2],
      [1, 2],
    ],
  );
  const asset = run(inst, assetPolicy);
  t.deepEqual(asset.tasks, [15, 20]);
  t.deepEqual(sharingIncentiveViolations(inst, asset), [
    'a runs 15 < 17 tasks at share 0.42857142857142855, more than a task below 1/2',
  ]);
  // DRF gives user 1 its 17 tasks and more (the tie at 34/70 goes to the name "a").
  const drf = run(inst, drfPolicy);
  t.deepEqual(drf.tasks, [18, 17]);
  t.deepEqual(sharingIncentiveViolations(inst, drf), []);
});

test('counter-example: "at least the static count minus one task" is false for discrete DRF', (t) => {
  // 15 CPUs; a <5 CPUs>, b <1 CPU>. Static halves give b 7 tasks. DRF: a 5 (1/3), b 1..5 (1/3),
  // tie broken by count for a, whose second task (to 2/3) fits; b ends with 5 = 7 - 2.
  // The relaxed form holds: s_b = 1/3 and 1/3 + σ_a = 2/3 > 1/2.
  const inst = instance([15], [[5], [1]]);
  const out = run(inst);
  t.deepEqual(out.tasks, [2, 5]);
  t.true(at(out.tasks, 1) < 7 - 1);
  t.deepEqual(sharingIncentiveViolations(inst, out), []);
});

// ---------------------------------------------------------------------------------------------
// Envy-freeness.

testProp(
  'envy-freeness up to one task (exact, unweighted): no uncapped user could run more tasks in another user’s allocation minus one of its tasks than it runs',
  [arbInstance({ capped: true })],
  (t, inst) => {
    t.deepEqual(envyViolations(inst, run(inst)), []);
  },
  RUNS,
);

test('counter-example: exact envy-freeness is false with whole tasks', (t) => {
  // 7 CPUs; a <1>, b <2>: a 3 tasks, b 2 (4 CPUs). a would run 4 tasks in b's allocation, but
  // only 2 in b's allocation less one task.
  const inst = instance([7], [[1], [2]]);
  const out = run(inst);
  t.deepEqual(out.tasks, [3, 2]);
  t.is(taskCount(demandOf(inst, 0), times(demandOf(inst, 1), 2)), 4);
  t.deepEqual(envyViolations(inst, out), []);
});

test('negative control: a random order breaks envy-freeness up to one task', (t) => {
  // Two identical users on 10 CPUs; with this seed the random sorter gives a 1 task and b 9.
  const inst = instance([10], [[1], [1]]);
  const out = run(inst, randomPolicy, seedrandom('3'));
  t.deepEqual(out.tasks, [1, 9]);
  t.deepEqual(envyViolations(inst, out), ["a could run 8 > 1 tasks in b's allocation less one task"]);
});

// ---------------------------------------------------------------------------------------------
// Single-resource and bottleneck fairness.

testProp(
  'single-resource fairness (exact, drf and asset): with one resource, every uncapped user j holds t_j d_j >= (t_i - 1) d_i for every other user i, or its next task does not fit in free + one task of i',
  [arbInstance({ resources: { min: 1, max: 1 }, capped: true }), fc.constantFrom(drfPolicy, assetPolicy)],
  (t, inst, policy) => {
    // On one resource asset fairness is DRF (the paper's table: both have the property).
    t.deepEqual(maxMinViolations(inst, run(inst, policy), 0), []);
  },
  RUNS,
);

test('negative control: a random order breaks single-resource fairness', (t) => {
  const inst = instance([10], [[1], [1]]);
  t.true(maxMinViolations(inst, run(inst, randomPolicy, seedrandom('3')), 0).length > 0);
});

testProp(
  'bottleneck fairness (exact): when cpus is every user’s dominant resource, every uncapped user j holds t_j cpus_j >= (t_i - 1) cpus_i for every other user i, or its next task does not fit in free + one task of i',
  [arbBottlenecked],
  (t, inst) => {
    t.deepEqual(maxMinViolations(inst, run(inst), 0), []);
  },
  RUNS,
);

test('asset fairness violates bottleneck fairness: 30 CPU / 30 GB, a <1 CPU, 0.9 GB>, b <1 CPU>', (t) => {
  // Both users are bottlenecked on CPU (a's CPU fraction 1/30 exceeds its memory fraction), so
  // max-min on CPU would give 15 and 15. Asset fairness charges a for its memory too and gives
  // it 11 tasks against b's 19: a holds 11 CPUs < 18 held by b before its last task, and one
  // more task of a fits in the free pool plus one task of b.
  const inst = instance(
    [30, 30],
    [
      [1, 0.9],
      [1, 0],
    ],
  );
  const asset = run(inst, assetPolicy);
  t.deepEqual(asset.tasks, [11, 19]);
  t.deepEqual(maxMinViolations(inst, asset, 0), [
    'a holds 11000 of resource 0, b held 18000 before its last task',
  ]);
  const drf = run(inst, drfPolicy);
  t.deepEqual(drf.tasks, [15, 15]);
  t.deepEqual(maxMinViolations(inst, drf, 0), []);
});

// ---------------------------------------------------------------------------------------------
// Strategy-proofness.

testProp(
  'strategy-proofness (relaxed, "no free gain"): a user claiming a larger demand d′ >= d gains useful tasks (tasks of d that fit in what it gets) only if another user ends with fewer tasks',
  [
    arbInstance({ weighted: true, capped: true }),
    fc.nat(),
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }),
  ],
  (t, inst, who, extra) => {
    const liar = who % inst.users.length;
    const spec = at(inst.users, liar);
    const claimed = spec.demand.map((x, r) => x + at(extra, r) * 500);
    if (claimed.every((x, r) => x === at(spec.demand, r))) claimed[0] = at(claimed, 0) + 500;
    const lyingInst = {
      ...inst,
      users: inst.users.map((u, i) => (i === liar ? { ...u, demand: claimed } : u)),
    };
    t.deepEqual(freeGainViolations(run(inst), run(lyingInst), liar, spec, claimed), []);
  },
  RUNS,
);

test('counter-example: a lie gains discrete DRF 20 claimed tasks, not just one (exact and up-to-one SP fail)', (t) => {
  // 100 CPUs, 10 GB; b <20 CPUs, 5 GB>, i <1 CPU>. Honest: i runs tasks until its share
  // reaches b's 1/2, b's second task fits (90 CPUs, 10 GB used) and i ends with 60.
  // Lying, i claims <1 CPU, 0.05 GB> (the same dominant share per task): after its 50 tasks it
  // holds 2.5 GB, so b's second task no longer fits, and i takes the rest: 80 claimed tasks,
  // each holding a real one. b is crowded out of one task, as "no free gain" requires.
  const honest = instance(
    [100, 10],
    [
      [20, 5],
      [1, 0],
    ],
    ['b', 'i'],
  );
  const lying = instance(
    [100, 10],
    [
      [20, 5],
      [1, 0.05],
    ],
    ['b', 'i'],
  );
  const h = run(honest);
  const l = run(lying);
  t.deepEqual(h.tasks, [2, 60]);
  t.deepEqual(l.tasks, [1, 80]);
  t.deepEqual(freeGainViolations(h, l, 1, at(honest.users, 1), demandOf(lying, 1)), []);
});

test('counter-example: bundling two tasks into one claim doubles a user’s useful tasks under discrete DRF', (t) => {
  // 15 CPUs; a <5>, b <1>. Honest, b runs 5 tasks (a's second task takes 10 CPUs). Claiming
  // <2> (two real tasks per claimed task), b reaches a's share 1/3 more slowly in claims, holds
  // 6 CPUs when a's second task would need 5 of the 4 left, and ends with 5 claims = 10 real
  // tasks. a is crowded out of its second task.
  const honest = instance([15], [[5], [1]]);
  const lying = instance([15], [[5], [2]]);
  const h = run(honest);
  const l = run(lying);
  t.deepEqual(h.tasks, [2, 5]);
  t.deepEqual(l.tasks, [1, 5]);
  t.is(usefulTasks(at(honest.users, 1), demandOf(lying, 1), at(l.tasks, 1)), 10);
  t.deepEqual(freeGainViolations(h, l, 1, at(honest.users, 1), demandOf(lying, 1)), []);
});

test('negative control: the literal Algorithm 1 (wasteful) lets a lie gain for free', (t) => {
  // 7 CPUs; a <2>, b <1>, c <2>, d <5>: the literal loop stops when d (share 0) does not fit,
  // with a, b, c at 1 task each and 2 CPUs idle. If a claims <4>, it still gets 1 task, which
  // holds 2 real ones, and nobody else loses anything.
  const honest = instance([7], [[2], [1], [2], [5]]);
  const lying = instance([7], [[4], [1], [2], [5]]);
  const h = paperAlgorithm1(honest);
  const l = paperAlgorithm1(lying);
  t.deepEqual(
    [h.tasks, l.tasks],
    [
      [1, 1, 1, 0],
      [1, 1, 1, 0],
    ],
  );
  t.deepEqual(freeGainViolations(h, l, 0, at(honest.users, 0), demandOf(lying, 0)), [
    'a gains 2 > 1 useful tasks for free',
  ]);
});

// ---------------------------------------------------------------------------------------------
// Population monotonicity.

testProp(
  'population monotonicity (relaxed, "no free loss"): when a user leaves, a remaining user ends with fewer tasks only if another remaining user ends with more',
  [arbInstance({ weighted: true, capped: true, minUsers: 2 }), fc.nat()],
  (t, inst, who) => {
    const removed = who % inst.users.length;
    const without = { ...inst, users: inst.users.filter((_, i) => i !== removed) };
    t.deepEqual(freeLossViolations(run(inst), run(without), removed), []);
  },
  RUNS,
);

test('counter-example: population monotonicity fails for discrete DRF, even up to one task', (t) => {
  // 12 CPUs; a <4>, b <6>, c <6>, d <1>. With a: a and b run one task each, c's 6 CPUs never
  // fit, and d runs 2. Without a: b and c run one task each and d runs none: 2 -> 0.
  const all = instance([12], [[4], [6], [6], [1]]);
  const withoutA = instance([12], [[6], [6], [1]], ['b', 'c', 'd']);
  const before = run(all);
  const after = run(withoutA);
  t.deepEqual(before.tasks, [1, 1, 0, 2]);
  t.deepEqual(after.tasks, [1, 1, 0]);
  t.deepEqual(freeLossViolations(before, after, 0), []);
});
