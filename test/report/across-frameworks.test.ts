import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { round6 } from '../../src/metrics/round.js';
import type { FrameworkSeriesData, RunSeriesData } from '../../src/metrics/run-series.js';
import type { RunSummary } from '../../src/metrics/run-summary.js';
import { cdfSpread, quantileSorted, spreadPerBin } from '../../src/report/across-frameworks.js';
import { chartedFrameworks, frameworkColors } from '../../src/report/charted-frameworks.js';
import { seriesColor } from '../../src/report/palette.js';
import { compactJsonFile, jsonFile } from '../../src/report/report-files.js';
import { reportSeries } from '../../src/report/report-series.js';

const identity = (x: number) => x;

test('the spread of five frameworks per bin: min, 10th percentile, median, 90th percentile, max', (t) => {
  // Bin 0 holds 0, 2, 4, 6, 8 (in any order); bin 1 the same plus 1.
  const spread = spreadPerBin(
    [
      [4, 5],
      [0, 1],
      [8, 9],
      [2, 3],
      [6, 7],
    ],
    identity,
  );
  t.deepEqual(spread.min, [0, 1]);
  t.deepEqual(spread.median, [4, 5]);
  t.deepEqual(spread.max, [8, 9]);
  // Linear between ranks: the 10th percentile of 0, 2, 4, 6, 8 is 0 + 0.4 · (2 − 0).
  t.deepEqual(spread.p10.map(round6), [0.8, 1.8]);
  t.deepEqual(spread.p90.map(round6), [7.2, 8.2]);
  t.deepEqual(spreadPerBin([], identity).median, [], 'no framework, no bins');
});

testProp(
  'quantiles lie between the smallest and largest value, rise with p, and the median splits the values',
  [fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 })],
  (t, values) => {
    const sorted = Float64Array.from(values).sort();
    const qs = [0, 0.1, 0.5, 0.9, 1].map((p) => quantileSorted(sorted, p));
    t.true(qs[0] === sorted[0], 'p = 0 is the smallest'); // === : -0 and 0 alike
    t.true(qs[4] === sorted.at(-1), 'p = 1 is the largest');
    for (let i = 1; i < qs.length; i++) t.true((qs[i] as number) >= (qs[i - 1] as number));
    const median = qs[2] as number;
    t.true(values.filter((v) => v <= median).length >= values.length / 2);
    t.true(values.filter((v) => v >= median).length >= values.length / 2);
  },
);

test('the spread of wait-time CDFs: at each wait, over the frameworks that launched tasks', (t) => {
  const spread = cdfSpread(
    [
      { count: 4, seconds: [1, 2, 3, 4] },
      { count: 2, seconds: [3, 3] },
      { count: 0, seconds: [] }, // launched nothing: no CDF to count
    ],
    [0, 2, 3, 5],
    identity,
  );
  t.deepEqual(spread.min, [0, 0, 0.75, 1]);
  t.deepEqual(spread.max, [0, 0.5, 1, 1]);
  t.deepEqual(spread.median, [0, 0.25, 0.875, 1]);
  t.deepEqual(cdfSpread([], [0, 1], identity).max, [], 'no framework launched anything');
});

const frameworkSeries = (share: number): FrameworkSeriesData => ({
  dominantShare: [share, share / 2],
  running: [share * 100, 0],
  pending: [0, share * 10],
  waits: { count: 1, seconds: [share] },
});

function summaryOf(shares: Record<string, number>): RunSummary {
  return {
    frameworks: Object.fromEntries(Object.entries(shares).map(([n, s]) => [n, { meanDominantShare: s }])),
  } as unknown as RunSummary;
}

test('eleven frameworks: the five with the largest mean share are drawn, every one is in the spread', (t) => {
  // fw-0 … fw-10 with mean shares 0, 0.1, …, 1.0, but fw-3's is 0.6 too: a tie with fw-6.
  const shares: Record<string, number> = {};
  for (let i = 0; i <= 10; i++) shares[`fw-${i}`] = i / 10;
  shares['fw-3'] = 0.6;
  const names = Object.keys(shares);
  const charted = chartedFrameworks(names, summaryOf(shares));
  t.false(charted.all);
  t.deepEqual(
    charted.names,
    ['fw-3', 'fw-7', 'fw-8', 'fw-9', 'fw-10'],
    'fw-3 beats fw-6 (same share) by coming first, and is listed in scenario order',
  );
  const series: RunSeriesData = {
    agents: {},
    binSeconds: 1,
    untilSeconds: 2,
    cyclesPerBin: 1,
    utilization: { cpus: [0.5, 0.5] },
    offersPerCycle: { made: [1, 1], accepted: [1, 0], declined: [0, 1] },
    frameworks: Object.fromEntries(names.map((n, i) => [n, frameworkSeries(i / 10)])),
  };
  const drawn = reportSeries(series, charted);
  t.deepEqual(Object.keys(drawn.frameworks), charted.names, 'series.json holds the drawn frameworks');
  const across = drawn.acrossFrameworks;
  if (across === undefined) return t.fail('no spread');
  t.is(across.frameworks, 11);
  // Bin 0 of the shares is 0, 0.1, …, 1.0 (fw-3's 0.3 included: the series, not the summary).
  t.deepEqual(across.dominantShare.min, [0, 0]);
  t.deepEqual(across.dominantShare.median, [0.5, 0.25]);
  t.deepEqual(across.dominantShare.max, [1, 0.5]);
  t.deepEqual(across.dominantShare.p10, [0.1, 0.05]);
  t.deepEqual(across.running.max, [100, 0]);
  t.deepEqual(across.pending.median, [0, 5]);
  t.is(across.waitCdf.seconds.length, 501);
  t.is(across.waitCdf.seconds.at(-1), 1, 'the CDF axis runs to the longest wait (at least 1 s)');
  t.is(across.waitCdf.pooled.fraction.at(-1), 1);

  const colors = frameworkColors(names, charted);
  t.is(colors.get('fw-3'), seriesColor(0), 'the drawn frameworks take the first colours');
  t.is(colors.get('fw-10'), seriesColor(4));
  t.is(colors.get('fw-0'), colors.get('fw-1'), 'the others share the bands’ grey');
});

test('up to ten frameworks every one is drawn, in its scenario colour, and series.json is the whole series', (t) => {
  const names = ['a', 'b', 'c'];
  const charted = chartedFrameworks(names, summaryOf({ a: 0.1, b: 0.5, c: 0.2 }));
  t.deepEqual(charted, { names, all: true, why: '' });
  t.deepEqual(
    [...frameworkColors(names, charted).values()],
    names.map((_, i) => seriesColor(i)),
  );
  const series = { frameworks: {} } as unknown as RunSeriesData;
  t.deepEqual(
    reportSeries({ ...series, agents: { 'agent-0': { cpus: [1] } } }, charted),
    series,
    'the whole series but the raw per-agent use (the report holds its heatmap instead)',
  );
  const named = chartedFrameworks(names, summaryOf({ a: 0.1, b: 0.5, c: 0.2 }), ['c', 'a']);
  t.deepEqual(named.names, ['a', 'c'], 'named frameworks, in scenario order');
  t.false(named.all);
});

testProp('compact JSON reads back as the same value as indented JSON', [fc.jsonValue()], (t, value) => {
  t.deepEqual(JSON.parse(compactJsonFile(value)), JSON.parse(jsonFile(value)));
});

test('compact JSON puts an array of numbers on one line', (t) => {
  t.is(
    compactJsonFile({ a: [1, 2.5, 3], b: { c: 'x' } }),
    '{\n  "a": [1,2.5,3],\n  "b": {\n    "c": "x"\n  }\n}\n',
  );
});
