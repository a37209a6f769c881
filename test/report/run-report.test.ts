import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { seriesColor } from '../../src/report/palette.js';
import { runCli, tempDir } from '../cli/helpers.js';
import { assertChart, assertReferencesExist, listFiles } from './report-checks.js';

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

test('sim --out writes summary.json (the --json summary), index.html and the eight charts', async (t) => {
  const dir = tempDir('report');
  const r = await runCli('sim', 'scenarios/mixed.json', '--until', '600', '--json', '--out', dir);
  t.is(r.code, 0, r.err);
  t.deepEqual(listFiles(dir), [
    ...CHARTS.map((c) => `charts/${c}`),
    'index.html',
    'series.json',
    'summary.json',
  ]);
  t.is(readFileSync(join(dir, 'summary.json'), 'utf8'), r.out, 'summary.json is exactly the --json output');
  const refs = assertReferencesExist(t, join(dir, 'index.html'));
  for (const chart of CHARTS) {
    t.true(refs.includes(`charts/${chart}`), `the page shows ${chart}`);
    assertChart(t, chart, readFileSync(join(dir, 'charts', chart), 'utf8'));
  }
  t.regex(r.err, /report: .*index\.html/u);
});

test('every framework keeps one colour across the charts, in scenario order', async (t) => {
  const dir = tempDir('report');
  const r = await runCli('sim', 'scenarios/drf-paper.json', '--quiet', '--out', dir);
  t.is(r.code, 0, r.err);
  for (const chart of ['dominant-share.svg', 'running-tasks.svg', 'pending-tasks.svg', 'wait-cdf.svg']) {
    const svg = readFileSync(join(dir, 'charts', chart), 'utf8');
    ['A', 'B'].forEach((name, i) => {
      const color = seriesColor(i);
      t.regex(
        svg,
        new RegExp(`class="series"[^>]*stroke="${color}"`, 'u'),
        `${chart}: ${name}'s line is ${color}`,
      );
      t.regex(
        svg,
        new RegExp(`stroke="${color}"[^>]*></line><text[^>]*>${name}</text>`, 'u'),
        `${chart}: the legend gives ${name} ${color}`,
      );
    });
  }
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  t.regex(
    html,
    new RegExp(`background:${seriesColor(0)}"></span>A<`, 'u'),
    'the table uses the same colours',
  );
  const series = JSON.parse(readFileSync(join(dir, 'series.json'), 'utf8'));
  t.deepEqual(Object.keys(series.frameworks), ['A', 'B'], 'two frameworks: each is drawn and in series.json');
  t.is(series.acrossFrameworks, undefined, 'no bands of the spread for two frameworks');
  t.notRegex(readFileSync(join(dir, 'charts', 'running-tasks.svg'), 'utf8'), /class="band"/u);
});

test('the same run gives the same report bytes; another seed gives other charts', async (t) => {
  const [a, b, c] = [tempDir('report'), tempDir('report'), tempDir('report')];
  for (const [dir, seed] of [
    [a, '3'],
    [b, '3'],
    [c, '4'],
  ] as const) {
    const r = await runCli(
      'sim',
      'scenarios/mixed.json',
      '--until',
      '300',
      '--seed',
      seed,
      '--quiet',
      '--out',
      dir,
    );
    t.is(r.code, 0, r.err);
  }
  for (const file of listFiles(a)) {
    t.is(readFileSync(join(a, file), 'utf8'), readFileSync(join(b, file), 'utf8'), file);
  }
  t.not(
    readFileSync(join(a, 'charts/wait-cdf.svg'), 'utf8'),
    readFileSync(join(c, 'charts/wait-cdf.svg'), 'utf8'),
  );
});

test('--out that is a file is refused before the run', async (t) => {
  const dir = tempDir('report');
  const file = join(dir, 'taken');
  writeFileSync(file, '');
  const r = await runCli('sim', 'scenarios/drf-paper.json', '--out', file);
  t.is(r.code, 2);
  t.regex(r.err, /^agora: --out: ".*taken" exists and is not a folder\n$/u);
  t.is(r.out, '', 'nothing ran');
});
