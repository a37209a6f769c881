import test from 'ava';
import seedrandom from 'seedrandom';
import {
  DEFAULT_TASK_LIMIT,
  type FairShareInput,
  type FairShareResult,
  type FairShareUser,
  fairShare,
} from '../../src/allocator/fair-share.js';
import type { SorterPolicy } from '../../src/allocator/sorter.js';
import { assetPolicy } from '../../src/allocator/sorters/asset.js';
import { drfPolicy } from '../../src/allocator/sorters/drf.js';
import { randomPolicy } from '../../src/allocator/sorters/random.js';
import { formatResources, resources } from '../../src/core/resource-text.js';

const user = (name: string, demand: string, extra: Partial<FairShareUser> = {}): FairShareUser => ({
  name,
  demand: resources(demand),
  ...extra,
});

function run(
  capacity: string,
  users: readonly FairShareUser[],
  policy: SorterPolicy = drfPolicy,
  extra: Partial<FairShareInput> = {},
): FairShareResult {
  const r = fairShare({ capacity: resources(capacity), users, policy, ...extra });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** name → [tasks, allocated text] */
const summary = (r: FairShareResult): Record<string, [number, string]> =>
  Object.fromEntries(r.users.map((u) => [u.name, [u.tasks, formatResources(u.allocated)]]));

// The DRF paper's worked example (Ghodsi et al., NSDI 2011, §4; anchors.md §1.1): 9 CPUs, 18 GB;
// A's tasks <1 CPU, 4 GB>, B's <3 CPUs, 1 GB>. Memory in MB as Mesos writes it.
const PAPER_POOL = 'cpus:9;mem:18432';
const A = user('A', 'cpus:1;mem:4096');
const B = user('B', 'cpus:3;mem:1024');

test('the DRF paper example: A 3 tasks, B 2, both at dominant share 2/3, 4 GB idle', (t) => {
  const r = run(PAPER_POOL, [A, B]);
  t.is(r.policy, 'drf');
  t.deepEqual(summary(r), { A: [3, 'cpus:3;mem:12288'], B: [2, 'cpus:6;mem:2048'] });
  // 12288/18432 and 6000/9000 are both exactly 2/3, and IEEE division rounds them alike.
  t.deepEqual(
    r.users.map((u) => u.dominantShare),
    [2 / 3, 2 / 3],
  );
  t.is(formatResources(r.free), 'mem:4096');
  t.deepEqual(
    r.users.map((u) => u.stoppedBy),
    ['does-not-fit', 'does-not-fit'],
  );
});

test('the DRF paper example, step by step: A, B, A, B, A with ties broken by name', (t) => {
  // anchors.md's trace starts with B (it breaks the first tie the other way); the final state
  // is the same. Here the first tie (both at 0, no tasks) goes to the name "A", and the second
  // tie (both at 2/3 after step 5) is moot: neither next task fits.
  const r = run(PAPER_POOL, [A, B]);
  t.deepEqual(r.steps, ['A', 'B', 'A', 'B', 'A']);
  // Replay the steps and compare with the expected Algorithm 1 table.
  const expected: [string, number, number, number, number][] = [
    // pick, A's tasks, s_A, B's tasks, s_B
    ['A', 1, 2 / 9, 0, 0],
    ['B', 1, 2 / 9, 1, 1 / 3],
    ['A', 2, 4 / 9, 1, 1 / 3],
    ['B', 2, 4 / 9, 2, 2 / 3],
    ['A', 3, 2 / 3, 2, 2 / 3],
  ];
  const tasks = { A: 0, B: 0 };
  const share = { A: (n: number) => (n * 4096) / 18432, B: (n: number) => (n * 3) / 9 };
  r.steps.forEach((pick, k) => {
    tasks[pick as 'A' | 'B']++;
    const [ePick, eA, esA, eB, esB] = expected[k] as [string, number, number, number, number];
    t.is(pick, ePick, `step ${k + 1}`);
    t.deepEqual([tasks.A, tasks.B], [eA, eB], `step ${k + 1}`);
    t.true(Math.abs(share.A(tasks.A) - esA) < 1e-12 && Math.abs(share.B(tasks.B) - esB) < 1e-12);
  });
});

test('input order does not change the outcome; results come back in input order', (t) => {
  const r = run(PAPER_POOL, [B, A]);
  t.deepEqual(r.steps, ['A', 'B', 'A', 'B', 'A']);
  t.deepEqual(
    r.users.map((u) => [u.name, u.tasks]),
    [
      ['B', 2],
      ['A', 3],
    ],
  );
});

test('ties go to the user with fewer tasks before the name', (t) => {
  // The user with fewer tasks is "z", so only the count can put it before "a".
  const r = run('cpus:10', [user('a', 'cpus:1'), user('z', 'cpus:2')]);
  // a (tie at 0: name), z (0 < 0.1), a (0.1 < 0.2), then a tie at 0.2: z has 1 task, a has 2.
  t.deepEqual(r.steps.slice(0, 4), ['a', 'z', 'a', 'z']);
});

test('the asset policy also gives 3 and 2 tasks on the paper example', (t) => {
  // Divisibly, asset fairness gives A 2.52 tasks and B 2.16 (anchors.md); with whole tasks the
  // filling lands on the same 3 and 2 as DRF.
  const r = run(PAPER_POOL, [A, B], assetPolicy);
  t.is(r.policy, 'asset');
  t.deepEqual(summary(r), { A: [3, 'cpus:3;mem:12288'], B: [2, 'cpus:6;mem:2048'] });
});

test('weights divide the share: weight 2 gets twice the tasks on one resource', (t) => {
  const r = run('cpus:12', [user('A', 'cpus:1', { weight: 2 }), user('B', 'cpus:1')]);
  t.deepEqual(summary(r), { A: [8, 'cpus:8'], B: [4, 'cpus:4'] });
  // The reported dominant share is the unweighted DRF share.
  t.deepEqual(
    r.users.map((u) => [u.weight, u.dominantShare]),
    [
      [2, 8 / 12],
      [1, 4 / 12],
    ],
  );
});

test('max tasks caps a user and frees the rest for the others', (t) => {
  const r = run(PAPER_POOL, [{ ...A, maxTasks: 1 }, B]);
  t.deepEqual(summary(r), { A: [1, 'cpus:1;mem:4096'], B: [2, 'cpus:6;mem:2048'] });
  t.deepEqual(
    r.users.map((u) => u.stoppedBy),
    ['max-tasks', 'does-not-fit'],
  );
  t.is(formatResources(r.free), 'cpus:2;mem:12288');
});

test('max tasks 0 leaves a user out', (t) => {
  const r = run('cpus:4', [user('a', 'cpus:1', { maxTasks: 0 }), user('b', 'cpus:1')]);
  t.deepEqual(summary(r), { a: [0, ''], b: [4, 'cpus:4'] });
  t.is(r.users[0]?.stoppedBy, 'max-tasks');
});

test('a user whose task can never fit gets 0 tasks and does not stop the others', (t) => {
  const r = run('cpus:4;mem:100', [
    user('big', 'cpus:5'),
    user('disky', 'cpus:1;disk:1'),
    user('small', 'cpus:1;mem:10'),
  ]);
  t.deepEqual(summary(r), { big: [0, ''], disky: [0, ''], small: [4, 'cpus:4;mem:40'] });
  t.deepEqual(
    r.users.map((u) => u.dominantShare),
    [0, 0, 1],
  );
});

test('ranges are fitted exactly: a task asking for a given port runs once', (t) => {
  const r = run('cpus:4;ports:[31000-31001]', [
    user('web', 'cpus:1;ports:[31000-31000]'),
    user('b', 'cpus:1'),
  ]);
  t.deepEqual(summary(r), { web: [1, 'cpus:1;ports:[31000-31000]'], b: [3, 'cpus:3'] });
  t.is(formatResources(r.free), 'ports:[31001-31001]');
});

test('an empty pool gives nobody anything', (t) => {
  const r = run('', [A, B]);
  t.deepEqual(summary(r), { A: [0, ''], B: [0, ''] });
  t.deepEqual(r.steps, []);
});

test('the task limit: reaching it exactly is fine, one more task that fits is an error', (t) => {
  const five = run('cpus:5', [user('a', 'cpus:1')], drfPolicy, { taskLimit: 5 });
  t.is(five.users[0]?.tasks, 5);
  const six = fairShare({
    capacity: resources('cpus:6'),
    users: [user('a', 'cpus:1')],
    policy: drfPolicy,
    taskLimit: 5,
  });
  t.false(six.ok);
  if (!six.ok) {
    t.is(six.error.kind, 'task-limit');
    t.regex(six.error.message, /more than 5 tasks/);
  }
});

test('absurd input (10^12 tasks) stops at the default limit instead of hanging', (t) => {
  const r = fairShare({
    capacity: resources('cpus:1e9'),
    users: [user('a', 'cpus:0.001')],
    policy: drfPolicy,
  });
  t.false(r.ok);
  if (!r.ok) {
    t.is(r.error.kind, 'task-limit');
    t.is(
      r.error.message,
      `more than ${DEFAULT_TASK_LIMIT} tasks fit in the pool (the work limit); cap the users' tasks or use larger demands`,
    );
  }
});

test('the default limit allows 100 000 tasks', (t) => {
  const r = run('cpus:100', [user('a', 'cpus:0.002'), user('b', 'cpus:0.002')]);
  t.deepEqual(
    r.users.map((u) => u.tasks),
    [25_000, 25_000],
  );
  const full = run('cpus:100', [user('a', 'cpus:0.001')]);
  t.is(full.users[0]?.tasks, DEFAULT_TASK_LIMIT);
});

test('invalid input is refused with a message naming the user', (t) => {
  const cases: [FairShareInput['users'], string][] = [
    [[{ name: 'a', demand: resources('') }], 'user "a": the demand is empty'],
    [[A, A], 'user "A" is given twice'],
    [[{ ...A, weight: 0 }], 'user "A": weight must be a positive number'],
    [[{ ...A, weight: Number.NaN }], 'user "A": weight must be a positive number'],
    [[{ ...A, weight: Number.POSITIVE_INFINITY }], 'user "A": weight must be a positive number'],
    [[{ ...A, maxTasks: -1 }], 'user "A": max tasks must be a whole number >= 0'],
    [[{ ...A, maxTasks: 1.5 }], 'user "A": max tasks must be a whole number >= 0'],
    [[{ ...A, name: '' }], 'a user has an empty name'],
  ];
  for (const [users, message] of cases) {
    const r = fairShare({ capacity: resources(PAPER_POOL), users, policy: drfPolicy });
    t.false(r.ok, message);
    if (!r.ok) {
      t.is(r.error.kind, 'invalid');
      t.is(r.error.message, message);
    }
  }
});

test('no users: nothing allocated, the whole pool free', (t) => {
  const r = run(PAPER_POOL, []);
  t.deepEqual(r.users, []);
  t.is(formatResources(r.free), PAPER_POOL);
});

test('the random policy needs a seeded stream and is reproducible with one', (t) => {
  t.throws(() => fairShare({ capacity: resources(PAPER_POOL), users: [A, B], policy: randomPolicy }), {
    message: /pass a seeded `random` stream/,
  });
  const once = run('cpus:70;mem:70', [user('u1', 'cpus:2;mem:2'), user('u2', 'cpus:1;mem:2')], randomPolicy, {
    random: seedrandom('agora'),
  });
  const again = run(
    'cpus:70;mem:70',
    [user('u1', 'cpus:2;mem:2'), user('u2', 'cpus:1;mem:2')],
    randomPolicy,
    {
      random: seedrandom('agora'),
    },
  );
  t.deepEqual(once.steps, again.steps);
  // Whatever the order, the filling only stops when no task fits.
  t.false(once.free.contains(resources('cpus:1;mem:2')));
});

test('many users: every user is reported and the pool is exhausted', (t) => {
  const users = Array.from({ length: 300 }, (_, i) =>
    user(`u${i}`, `cpus:${1 + (i % 3)};mem:${64 * (1 + (i % 5))}`),
  );
  const r = run('cpus:1000;mem:20000', users);
  t.is(r.users.length, 300);
  t.is(
    r.steps.length,
    r.users.reduce((n, u) => n + u.tasks, 0),
  );
  for (const u of r.users) t.false(r.free.contains(u.demand), u.name);
});
