import { readFileSync } from 'node:fs';
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { BinnedMean } from '../../src/metrics/binned-mean.js';
import { ContendedFairness } from '../../src/metrics/contended-fairness.js';
import { RunRecorder } from '../../src/metrics/run-recorder.js';
import { MAX_WAIT_POINTS, RunSeries, waitSample } from '../../src/metrics/run-series.js';
import { TimeWeightedMean } from '../../src/metrics/time-weighted.js';
import { ScenarioRun } from '../../src/runtime/sim/scenario-run.js';
import { loadScenarioText } from '../../src/scenario/validate.js';

test('a binned mean spreads each step over the bins it covers', (t) => {
  const b = new BinnedMean(10, 3);
  b.set(0, 2);
  b.set(15, 4); // 2 over [0, 15), 4 from 15
  b.set(25, 0);
  t.deepEqual([...b.means(25)], [2, (2 * 5 + 4 * 5) / 10, 4], 'the last bin is averaged over the part run');
  t.throws(() => b.set(20, 1), { instanceOf: RangeError });
  t.throws(() => new BinnedMean(0, 3), { instanceOf: RangeError });
});

testProp(
  'the width-weighted mean of the bins is the step function’s mean over the run',
  [
    fc.integer({ min: 1, max: 500 }),
    fc.integer({ min: 1, max: 40 }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 1000 })), {
      maxLength: 60,
    }),
  ],
  (t, binMs, bins, steps) => {
    const untilMs = binMs * bins - Math.floor(binMs / 2);
    const binned = new BinnedMean(binMs, bins);
    const reference = new TimeWeightedMean();
    reference.set(0, 0);
    let at = 0;
    for (const [dt, value] of steps) {
      at = Math.min(untilMs, at + dt);
      binned.set(at, value);
      reference.set(at, value);
    }
    const means = binned.means(untilMs);
    let area = 0;
    means.forEach((m, k) => {
      area += m * Math.min(binMs, untilMs - k * binMs);
    });
    const expected = reference.mean(untilMs);
    t.true(
      Math.abs(area / untilMs - expected) <= 1e-9 * Math.max(1, expected),
      `${area / untilMs} vs ${expected}`,
    );
  },
);

testProp(
  'a wait sample is sorted, at most MAX_WAIT_POINTS long, and keeps the minimum and maximum',
  [fc.array(fc.integer({ min: 0, max: 1e7 }), { maxLength: 3000 })],
  (t, waits) => {
    const s = waitSample(Float64Array.from(waits));
    t.is(s.count, waits.length);
    t.is(s.seconds.length, Math.min(waits.length, MAX_WAIT_POINTS));
    for (let i = 1; i < s.seconds.length; i++)
      t.true((s.seconds[i] as number) >= (s.seconds[i - 1] as number));
    if (waits.length > 0) {
      t.is(s.seconds[0], Math.min(...waits) / 1000);
      t.is(s.seconds.at(-1), Math.max(...waits) / 1000);
    }
  },
);

test('pending tasks (submitted, not yet launched) are time-averaged per bin, per framework', (t) => {
  const series = new RunSeries({
    untilMs: 30_000,
    allocationIntervalMs: 10_000,
    frameworks: ['A', 'B'],
    resources: ['cpus'],
  });
  const cpus = new Map([['cpus', 1000]]);
  const recorder = new RunRecorder(
    [
      { name: 'A', weight: 1 },
      { name: 'B', weight: 1 },
    ],
    new Map([['cpus', 4000]]),
    series,
  );
  recorder.capacityChanged(0, new Map([['cpus', 4000]]), 1);
  recorder.submitted('A', 0, 4); // 4 pending over [0, 5 s)
  recorder.taskLaunched('A', 5000, 5000, cpus); // 3 over [5 s, 10 s)
  recorder.taskLaunched('A', 10_000, 10_000, cpus); // 2 over [10 s, 25 s)
  recorder.taskEnded('A', 12_000, 'finished', cpus); // an ending leaves the queue as it is
  recorder.submitted('A', 25_000, 2); // 4 over [25 s, 30 s)
  const data = series.data(30_000);
  t.deepEqual(data.frameworks.A?.pending, [(4 * 5 + 3 * 5) / 10, 2, (2 * 5 + 4 * 5) / 10]);
  t.deepEqual(data.frameworks.B?.pending, [0, 0, 0]);
  t.is(
    recorder.framework('A').submitted - recorder.framework('A').launched,
    4,
    "the summary's pending at the end",
  );
});

function scenario(path: string) {
  const loaded = loadScenarioText(readFileSync(path, 'utf8'), path);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  return loaded.value;
}

test('recording series changes nothing in the run, and the series add up to the summary', (t) => {
  const mixed = scenario('scenarios/mixed.json');
  const untilMs = 900_000;
  const plain = new ScenarioRun(mixed, { untilMs }).runToEnd();
  const run = new ScenarioRun(mixed, { untilMs, series: true });
  run.runInSlices(7, () => {});
  const summary = run.summary();
  t.deepEqual(summary, plain, 'same events, same figures');
  const series = run.seriesData();
  if (series === undefined) return t.fail('no series');
  t.is(series.binSeconds, 3, '900 cycles of 1 s in at most 360 bins: 3 cycles each');
  t.is(series.cyclesPerBin, 3);
  const bins = Math.ceil(900 / 3);
  t.is(series.offersPerCycle.made.length, bins);
  const cycles = (values: readonly number[]) =>
    Math.round(values.reduce((a, v) => a + v * series.cyclesPerBin, 0));
  t.is(cycles(series.offersPerCycle.made), summary.offers.made);
  t.is(cycles(series.offersPerCycle.accepted), summary.offers.accepted);
  t.is(cycles(series.offersPerCycle.declined), summary.offers.declined);
  for (const [name, f] of Object.entries(series.frameworks)) {
    const s = summary.frameworks[name];
    if (s === undefined) return t.fail(name);
    t.is(f.dominantShare.length, bins);
    t.is(f.pending.length, bins);
    t.true(
      f.pending.every((p) => p >= 0 && p <= s.tasksSubmitted),
      `${name}: pending within [0, submitted]`,
    );
    const meanShare = f.dominantShare.reduce((a, v) => a + v, 0) / bins;
    t.true(
      Math.abs(meanShare - s.meanDominantShare) < 1e-5,
      `${name}: ${meanShare} vs ${s.meanDominantShare}`,
    );
    t.is(f.waits.count, s.tasksLaunched, `${name}: one wait per launched task`);
    t.is(f.waits.seconds.at(-1) ?? 0, s.maxWaitSeconds);
  }
});

test('contended fairness averages Jain’s index over the time at least two frameworks want more', (t) => {
  const f = new ContendedFairness();
  f.update(0, 'A', 0, true);
  f.update(10, 'B', 0, true); // from 10: A and B want more, shares 0 and 0 → index 1
  f.update(20, 'A', 0.5, true); // from 20: 0.5 vs 0 → index 0.5
  f.update(40, 'B', 0.5, false); // from 40: only A wants more → not contended
  const r = f.result(100);
  t.is(r.contendedMs, 30);
  t.is(r.jainIndex, (1 * 10 + 0.5 * 20) / 30);
  t.deepEqual(new ContendedFairness().result(50), { jainIndex: null, contendedMs: 0 });
});

testProp(
  'contended fairness lies between 1/n and 1, and is 1 when the wanting frameworks hold equal shares',
  [
    fc.array(
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()),
      { maxLength: 40 },
    ),
  ],
  (t, updates) => {
    const f = new ContendedFairness();
    const equal = new ContendedFairness();
    updates.forEach(([who, share, wants], i) => {
      f.update(i, `F${who}`, share, wants);
      equal.update(i, `F${who}`, 0.25, wants);
    });
    const r = f.result(updates.length);
    if (r.jainIndex !== null)
      t.true(r.jainIndex >= 0.25 - 1e-12 && r.jainIndex <= 1 + 1e-12, String(r.jainIndex));
    const e = equal.result(updates.length);
    t.true(e.jainIndex === null || Math.abs(e.jainIndex - 1) < 1e-12);
  },
);
