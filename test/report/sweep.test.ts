import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { parsePolicies, parseSeeds } from '../../src/cli/run-flags.js';
import { UsageError } from '../../src/cli/usage-error.js';
import type { RunSummary } from '../../src/metrics/run-summary.js';
import { seedsText } from '../../src/report/sweep-report.js';
import { type SweepSummary, spread, sweepRunRow } from '../../src/report/sweep-stats.js';
import { pooledCdfPoints } from '../../src/report/wait-cdf.js';
import { runCli, tempDir } from '../cli/helpers.js';
import { assertChart, assertReferencesExist, listFiles } from './report-checks.js';

test('sweep runs every policy × seed on worker threads; each run equals agora sim of it; --jobs 1 gives the same files', async (t) => {
  const [parallel, serial] = [tempDir('sweep'), tempDir('sweep')];
  const args = [
    'sweep',
    'scenarios/mixed.json',
    '--policies',
    'drf,random',
    '--seeds',
    '5-6',
    '--until',
    '300',
  ];
  const a = await runCli(...args, '--jobs', '2', '--out', parallel);
  t.is(a.code, 0, a.err);
  t.regex(a.err, /4 runs on 2 worker threads/u);
  const b = await runCli(...args, '--jobs', '1', '--quiet', '--out', serial);
  t.is(b.code, 0, b.err);
  t.is(b.err, '', '--quiet: nothing on stderr');
  t.is(a.out, b.out);
  const files = listFiles(parallel);
  t.deepEqual(files, [
    'charts/paired-fairness.svg',
    'charts/paired-wait.svg',
    'charts/wait-box.svg',
    'charts/wait-cdf.svg',
    'index.html',
    'runs/drf-seed-5.json',
    'runs/drf-seed-6.json',
    'runs/random-seed-5.json',
    'runs/random-seed-6.json',
    'sweep.json',
  ]);
  for (const f of files)
    t.is(readFileSync(join(parallel, f), 'utf8'), readFileSync(join(serial, f), 'utf8'), f);
  const sim = await runCli(
    'sim',
    'scenarios/mixed.json',
    '--until',
    '300',
    '--seed',
    '6',
    '--policy',
    'random',
    '--json',
  );
  t.is(
    readFileSync(join(parallel, 'runs/random-seed-6.json'), 'utf8'),
    sim.out,
    'a sweep run is the sim run',
  );
  assertReferencesExist(t, join(parallel, 'index.html'));
  for (const chart of ['wait-cdf.svg', 'wait-box.svg', 'paired-wait.svg', 'paired-fairness.svg']) {
    assertChart(t, chart, readFileSync(join(parallel, 'charts', chart), 'utf8'));
  }
  const sweep = JSON.parse(readFileSync(join(parallel, 'sweep.json'), 'utf8'));
  t.deepEqual(
    sweep.byPolicy.map((p: { policy: string; runs: number }) => [p.policy, p.runs]),
    [
      ['drf', 2],
      ['random', 2],
    ],
  );
  t.regex(a.out, /^policy\s+runs\s+cpus util/mu);
  t.regex(a.out, /^random\s+2\s/mu);
});

test('sweep refuses bad policies, seeds and jobs with the flag and the value', async (t) => {
  for (const [flags, message] of [
    [['--policies', 'drf,fifo'], /--policies: unknown policy "fifo" in "drf,fifo"/u],
    [['--policies', 'drf,drf'], /--policies: "drf" is given twice/u],
    [['--seeds', '5-1'], /--seeds: the range "5-1" goes backwards/u],
    [['--seeds', '1,x'], /--seeds: "x" is not a seed or a range/u],
    [['--seeds', '1-3,2'], /--seeds: seed 2 is given twice/u],
    [['--jobs', '0'], /--jobs: expected a whole number from 1 to 256, got "0"/u],
  ] as const) {
    const r = await runCli('sweep', 'scenarios/drf-paper.json', ...flags);
    t.is(r.code, 2, flags.join(' '));
    t.regex(r.err, message);
    t.is(r.out, '');
  }
});

test('seed lists and ranges', (t) => {
  t.deepEqual(parseSeeds('1-3,7, 9 - 10'), [1, 2, 3, 7, 9, 10]);
  t.deepEqual(parseSeeds('0'), [0]);
  t.throws(() => parseSeeds('1-20000'), { instanceOf: UsageError, message: /more than 10000 seeds/u });
  t.deepEqual(parsePolicies('random,drf'), ['random', 'drf']);
  t.is(seedsText([1, 2, 3, 7, 9, 10]), '1–3, 7, 9–10');
});

testProp(
  'seedsText and parseSeeds agree on any increasing list',
  [fc.uniqueArray(fc.nat(500), { minLength: 1, maxLength: 40 })],
  (t, raw) => {
    const seeds = [...raw].sort((a, b) => a - b);
    t.deepEqual(parseSeeds(seedsText(seeds).replaceAll('–', '-').replaceAll(' ', '')), seeds);
  },
);

test('spread: mean, sample sd, range, and the 95% confidence interval of the mean', (t) => {
  // sd 2.13809; Student's t for 7 degrees of freedom 2.365; 2.365 · 2.138090 / √8 = 1.787772.
  t.deepEqual(spread([2, 4, 4, 4, 5, 5, 7, 9]), { mean: 5, sd: 2.13809, min: 2, max: 9, ci95: 1.787772 });
  t.deepEqual(spread([3]), { mean: 3, sd: 0, min: 3, max: 3, ci95: 0 });
});

const framework = (
  launched: number,
  meanWait: number,
  pending: number,
  running: number,
  lastEnd: number | null,
) => ({
  role: 'r',
  weight: 1,
  tasksSubmitted: launched + pending,
  tasksLaunched: launched,
  tasksFinished: launched - running,
  tasksFailed: 0,
  tasksLost: 0,
  tasksKilled: 0,
  tasksError: 0,
  running,
  pending,
  dominantShare: 0,
  meanDominantShare: 0,
  meanWaitSeconds: meanWait,
  maxWaitSeconds: meanWait,
  lastTaskEndSeconds: lastEnd,
  offersReceived: 0,
  offersUsed: 0,
  offersDeclined: 0,
});

const summaryWith = (frameworks: RunSummary['frameworks']): RunSummary => ({
  scenario: 's',
  seed: 1,
  policy: 'drf',
  simulatedSeconds: 100,
  frameworks,
  utilization: { cpus: 0.5 },
  fairness: { jainIndex: 0.9, contendedJainIndex: null, contendedSeconds: 0 },
  offers: { made: 0, accepted: 0, declined: 0, rescinded: 0 },
  allocationRuns: 100,
});

test('a run’s mean wait is over tasks; its makespan exists only when all work finished', (t) => {
  const done = sweepRunRow(summaryWith({ a: framework(1, 10, 0, 0, 40), b: framework(3, 2, 0, 0, 60) }));
  t.is(done.meanWaitSeconds, (10 + 3 * 2) / 4);
  t.is(done.makespanSeconds, 60);
  t.is(done.unfinishedTasks, 0);
  const left = sweepRunRow(summaryWith({ a: framework(1, 10, 0, 0, 40), b: framework(3, 2, 1, 1, 60) }));
  t.is(left.makespanSeconds, null);
  t.is(left.unfinishedTasks, 2);
});

testProp(
  'a pooled CDF rises from (0, 0) to 1 with x and y never decreasing',
  [
    fc.array(
      fc.record({
        count: fc.integer({ min: 1, max: 5000 }),
        seconds: fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 300 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  ],
  (t, raw) => {
    const samples = raw.map((s) => ({
      count: Math.max(s.count, s.seconds.length),
      seconds: [...s.seconds].sort((a, b) => a - b),
    }));
    const points = pooledCdfPoints(samples);
    t.deepEqual(points[0], [0, 0]);
    t.true(Math.abs((points.at(-1)?.[1] ?? 0) - 1) < 1e-9);
    t.true(points.length <= 1000);
    for (let i = 1; i < points.length; i++) {
      const [x0, y0] = points[i - 1] as [number, number];
      const [x1, y1] = points[i] as [number, number];
      t.true(x1 >= x0 && y1 >= y0);
    }
  },
);

test('a pooled CDF weighs samples by the tasks they stand for', (t) => {
  const points = pooledCdfPoints([
    { count: 1, seconds: [1] },
    { count: 3, seconds: [3] },
  ]);
  t.deepEqual(points, [
    [0, 0],
    [1, 0.25],
    [3, 1],
  ]);
  t.deepEqual(pooledCdfPoints([{ count: 0, seconds: [] }]), []);
});

test('the sweep report compares: per framework gains and losses, boxes per policy, seeds paired', async (t) => {
  const dir = tempDir('sweep');
  const r = await runCli(
    'sweep',
    'scenarios/contended.json',
    '--policies',
    'drf,random',
    '--seeds',
    '1-3',
    '--until',
    '300',
    '--quiet',
    '--out',
    dir,
  );
  t.is(r.code, 0, r.err);
  const sweep = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepSummary;
  t.deepEqual(
    sweep.byFramework.map((f) => `${f.framework}/${f.policy}`),
    ['cpu-heavy', 'mem-heavy', 'priority', 'adhoc'].flatMap((f) => [`${f}/drf`, `${f}/random`]),
  );
  for (const f of sweep.byFramework) {
    const waits = [1, 2, 3].map((seed) => {
      const run = JSON.parse(readFileSync(join(dir, `runs/${f.policy}-seed-${seed}.json`), 'utf8'));
      return run.frameworks[f.framework].meanWaitSeconds as number;
    });
    t.deepEqual(f.meanWaitSeconds, spread(waits), `${f.framework} under ${f.policy}: over its three runs`);
  }
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  t.regex(html, /Who gains and who loses/u);
  t.regex(html, /class="(gain|loss)">[+−][0-9.]+ \([+−][0-9.]+%\) (gains|loses)</u);
  const box = readFileSync(join(dir, 'charts/wait-box.svg'), 'utf8');
  t.is((box.match(/<g class="box"/gu) ?? []).length, 2, 'a box per policy');
  t.is((box.match(/class="point"/gu) ?? []).length, 6, 'a dot per run');
  t.is((box.match(/class="mean"/gu) ?? []).length, 2, 'a mean with its interval per policy');
  const paired = readFileSync(join(dir, 'charts/paired-wait.svg'), 'utf8');
  t.is((paired.match(/class="point"/gu) ?? []).length, 3, 'a point per seed: random against drf');
  t.regex(paired, /class="diagonal"/u);
  t.regex(paired, />random vs drf<\/text>/u);
});
