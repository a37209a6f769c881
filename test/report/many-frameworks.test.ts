/**
 * Reports of runs with many frameworks stay readable and small: a few frameworks as lines over
 * grey bands of all of them, each chart under {@link CHART_BYTES} and series.json under
 * {@link SERIES_BYTES}, whatever the run's length (series have at most 360 bins).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import seedrandom from 'seedrandom';
import { DEFAULT_MAX_BINS, MAX_WAIT_POINTS, type RunSeriesData } from '../../src/metrics/run-series.js';
import type { RunSummary } from '../../src/metrics/run-summary.js';
import { ChartRenderer } from '../../src/report/chart.js';
import { seriesColor } from '../../src/report/palette.js';
import type { ReportSeries } from '../../src/report/report-series.js';
import { runReportFiles } from '../../src/report/run-report.js';
import { generateScenario } from '../../src/scenario/generate.js';
import { runCli, scenarioFile, tempDir } from '../cli/helpers.js';
import { assertChart, listFiles } from './report-checks.js';

const CHART_BYTES = 200_000;
const SERIES_BYTES = 1_000_000;
const CHARTS = [
  'agent-utilization.svg',
  'dominant-share.svg',
  'jain-index.svg',
  'offers.svg',
  'pending-tasks.svg',
  'running-tasks.svg',
  'utilization.svg',
  'wait-cdf.svg',
];

/** A short generated run of 100 frameworks (every bin of a long one: 360 cycles of 1 s). */
const hundred = scenarioFile(
  generateScenario({ seed: 3, agents: 200, frameworks: 100, tasks: 3000, horizonSeconds: 360 }),
);

test('a 100-framework run: five frameworks as lines over bands of all 100, each file small', async (t) => {
  const dir = tempDir('many');
  const r = await runCli('sim', hundred, '--quiet', '--out', dir);
  t.is(r.code, 0, r.err);
  t.deepEqual(listFiles(dir), [
    ...CHARTS.map((c) => `charts/${c}`),
    'index.html',
    'series.json',
    'summary.json',
  ]);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
  const top = Object.entries(summary.frameworks)
    .map(([name, f], i) => ({ name, share: f.meanDominantShare, i }))
    .sort((a, b) => b.share - a.share || a.i - b.i)
    .slice(0, 5)
    .sort((a, b) => a.i - b.i)
    .map((f) => f.name);
  const series = JSON.parse(readFileSync(join(dir, 'series.json'), 'utf8')) as ReportSeries;
  t.deepEqual(Object.keys(series.frameworks), top, 'series.json: the five with the largest mean share');
  t.is(series.acrossFrameworks?.frameworks, 100);
  t.is(series.acrossFrameworks?.running.median.length, DEFAULT_MAX_BINS);
  for (const chart of CHARTS) {
    const svg = readFileSync(join(dir, 'charts', chart), 'utf8');
    assertChart(t, chart, svg);
    t.true(statSync(join(dir, 'charts', chart)).size < CHART_BYTES, `${chart} is under 200 KB`);
    // Not per framework: resources, offers, agents, and one index over all frameworks.
    if (['offers.svg', 'utilization.svg', 'agent-utilization.svg', 'jain-index.svg'].includes(chart))
      continue;
    t.is(
      (svg.match(/class="series"/gu) ?? []).length,
      6,
      `${chart}: five frameworks and the median or pooled line`,
    );
    t.is(
      (svg.match(/class="band"/gu) ?? []).length,
      3,
      `${chart}: the p10–p90 band and the two parts of min–max`,
    );
    top.forEach((name, i) => {
      t.regex(
        svg,
        new RegExp(`class="series"[^>]*stroke="${seriesColor(i)}"`, 'u'),
        `${chart}: ${name}'s line`,
      );
    });
    t.regex(svg, />all 100: p10–p90</u);
  }
  t.true(statSync(join(dir, 'series.json')).size < SERIES_BYTES);
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  t.regex(
    html,
    new RegExp(`charts: ${top.join(', ')} \\(the 5 with the largest time-averaged dominant share\\)`, 'u'),
  );
});

test('--report-frameworks names the frameworks drawn as lines; wrong names are refused before the run', async (t) => {
  const dir = tempDir('many');
  const r = await runCli('sim', hundred, '--quiet', '--out', dir, '--report-frameworks', 'fw-42,fw-07');
  t.is(r.code, 0, r.err);
  const series = JSON.parse(readFileSync(join(dir, 'series.json'), 'utf8')) as ReportSeries;
  t.deepEqual(Object.keys(series.frameworks), ['fw-07', 'fw-42']);
  const svg = readFileSync(join(dir, 'charts', 'running-tasks.svg'), 'utf8');
  t.regex(svg, new RegExp(`stroke="${seriesColor(1)}"[^>]*></line><text[^>]*>fw-42</text>`, 'u'));
  for (const [args, message] of [
    [
      ['--report-frameworks', 'fw-7', '--out', dir],
      /the scenario has no framework "fw-7"; it has fw-00, fw-01, .* \(100\)/u,
    ],
    [['--report-frameworks', 'fw-01,fw-01', '--out', dir], /"fw-01" is named twice/u],
    [['--report-frameworks', 'fw-01'], /says what a report draws; give --out <dir> too/u],
    [
      [
        '--report-frameworks',
        Array.from({ length: 11 }, (_, i) => `fw-${String(i).padStart(2, '0')}`).join(','),
        '--out',
        dir,
      ],
      /at most 10 frameworks can be told apart as lines, got 11/u,
    ],
  ] as const) {
    const bad = await runCli('sim', hundred, '--quiet', ...args);
    t.is(bad.code, 2);
    t.regex(bad.err, new RegExp(`^agora: --report-frameworks: ${message.source}`, 'u'));
    t.is(bad.out, '', 'nothing ran');
  }
});

/** The largest series a run keeps: 100 frameworks, 360 bins, 1,000 waits each, full precision. */
function worstCaseSeries(): RunSeriesData {
  const random = seedrandom('worst case');
  const bins = (scale: number, decimals: number) =>
    Array.from({ length: DEFAULT_MAX_BINS }, () => Number((random() * scale).toFixed(decimals)));
  const frameworks: Record<string, RunSeriesData['frameworks'][string]> = {};
  for (let i = 0; i < 100; i++) {
    const waits = Array.from({ length: MAX_WAIT_POINTS }, () => Number((random() * 3600).toFixed(6))).sort(
      (a, b) => a - b,
    );
    frameworks[`fw-${String(i).padStart(2, '0')}`] = {
      dominantShare: bins(0.05, 6),
      running: bins(5000, 3),
      pending: bins(20_000, 3),
      waits: { count: 10_000, seconds: waits },
    };
  }
  return {
    agents: {},
    binSeconds: 240,
    untilSeconds: 86_400,
    cyclesPerBin: 240,
    utilization: { cpus: bins(1, 6), mem: bins(1, 6) },
    frameworks,
    offersPerCycle: { made: bins(1e4, 6), accepted: bins(100, 6), declined: bins(1e4, 6) },
  };
}

test('the largest series a run keeps (a day of 100 frameworks) gives small files, the same bytes each time', async (t) => {
  const dir = tempDir('many');
  const r = await runCli('sim', hundred, '--quiet', '--out', dir);
  t.is(r.code, 0, r.err);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
  const renderer = await ChartRenderer.load();
  const series = worstCaseSeries();
  const files = runReportFiles(renderer, summary, series);
  for (const [path, content] of files) {
    const bytes = Buffer.byteLength(content);
    t.log(path, bytes);
    if (path.startsWith('charts/')) t.true(bytes < CHART_BYTES, `${path}: ${bytes} bytes`);
  }
  t.true(Buffer.byteLength(files.get('series.json') ?? '') < SERIES_BYTES);
  t.deepEqual(runReportFiles(renderer, summary, series), files, 'drawn again: the same bytes');
});
