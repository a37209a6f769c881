/**
 * What the run report shows a reader: fault and failover markers on every chart over time, a
 * heatmap row per agent (grey while it is down), fair shares as reference lines, Jain's index
 * over time, offers as stacked areas, utilisation up to the makespan, the provenance block, and
 * the contended index only when contention lasted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { MAX_HEATMAP_ROWS } from '../../src/report/agent-heatmap.js';
import type { ReportSeries } from '../../src/report/report-series.js';
import { generateScenario } from '../../src/scenario/generate.js';
import { runCli, scenarioFile, tempDir } from '../cli/helpers.js';

/** 4 agents, two contending frameworks (weights 1 and 3), an agent crash and a failover. */
const FAULTY = {
  name: 'faulty',
  description: 'a test of the report figures',
  seed: 2,
  until: 240,
  allocator: { policy: 'drf', allocationInterval: 1, refuseSeconds: 5 },
  agents: [{ count: 4, resources: 'cpus:4;mem:8192' }],
  frameworks: [
    {
      name: 'light',
      jobs: [
        {
          name: 'j',
          at: 0,
          tasks: 40,
          resources: 'cpus:1;mem:1024',
          duration: 20,
        },
      ],
    },
    {
      name: 'heavy',
      weight: 3,
      failoverTimeout: 60,
      jobs: [
        {
          name: 'j',
          at: 0,
          tasks: 40,
          resources: 'cpus:1;mem:2048',
          duration: 20,
        },
      ],
    },
  ],
  faults: [
    { at: 30, kind: 'agent-crash', agent: 1, restartAfter: 40 },
    { at: 100, kind: 'framework-crash', framework: 'heavy', failoverAfter: 10 },
  ],
};

const TIME_CHARTS = [
  'utilization.svg',
  'agent-utilization.svg',
  'dominant-share.svg',
  'jain-index.svg',
  'running-tasks.svg',
  'pending-tasks.svg',
  'offers.svg',
];

async function report(scenario: unknown, ...flags: string[]) {
  const dir = tempDir('figures');
  const path = scenarioFile(scenario);
  const r = await runCli('sim', path, '--quiet', ...flags, '--out', dir);
  if (r.code !== 0) throw new Error(r.err);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { dir, path, read, series: JSON.parse(read('series.json')) as ReportSeries };
}

const markersOf = (svg: string) =>
  [...svg.matchAll(/class="marker" data-x="([^"]+)"/gu)].map((m) => Number(m[1]));

test('every chart over time marks each fault, recovery and failover at its time', async (t) => {
  const { read } = await report(FAULTY);
  // The run is 240 s, so the charts' time axes are in seconds.
  const expected = [30, 70, 100, 110];
  for (const chart of TIME_CHARTS) {
    const svg = read(`charts/${chart}`);
    const marks = markersOf(svg).filter((x) => chart !== 'utilization.svg' || expected.includes(x));
    t.deepEqual(marks, expected, `${chart}: crash, restart, framework crash, failover`);
    for (const label of ['crash agent-1', 'restart agent-1', 'crash heavy', 'failover heavy']) {
      t.true(svg.includes(`>${label}</text>`), `${chart}: "${label}" is written at its marker`);
    }
    t.regex(svg, />fault \(crash, partition\)<\/text>/u, `${chart}: the legend says what red means`);
  }
  t.deepEqual(markersOf(read('charts/wait-cdf.svg')), [], 'the wait CDF has no time axis: no markers');
});

test('the heatmap has a row per agent, greys the crashed agent while it is down, and matches series.json', async (t) => {
  const { read, series } = await report(FAULTY);
  const heatmap = series.agentHeatmap;
  t.truthy(heatmap);
  t.deepEqual(heatmap?.rows, ['agent-0', 'agent-1', 'agent-2', 'agent-3']);
  t.is(heatmap?.agentsPerRow, 1);
  const binSeconds = series.binSeconds;
  const crashed = heatmap?.values[1] ?? [];
  for (const [k, v] of crashed.entries()) {
    const mid = (k + 0.5) * binSeconds;
    if (mid > 30 && mid < 70) t.is(v, null, `agent-1 is down at ${mid} s`);
    else t.not(v, null, `agent-1 is up at ${mid} s`);
  }
  for (const row of heatmap?.values ?? []) {
    for (const v of row) if (v !== null) t.true(v >= 0 && v <= 1);
  }
  t.true(
    (heatmap?.values[0] ?? []).slice(0, 10).some((v) => (v ?? 0) > 0.5),
    'agent-0 is busy while the queues are long',
  );
  const svg = read('charts/agent-utilization.svg');
  for (const id of heatmap?.rows ?? []) t.true(svg.includes(`>${id}</text>`), `${id} labels its row`);
  t.regex(svg, /fill="#c8c8c8"/u, 'grey cells for the down agent');
  t.false('agents' in series, 'series.json holds the heatmap, not the raw per-agent use');
});

test('a large cluster is ranked and grouped into at most 64 rows', async (t) => {
  const { series } = await report(
    generateScenario({ seed: 5, agents: 200, frameworks: 3, tasks: 400, horizonSeconds: 120 }),
  );
  const heatmap = series.agentHeatmap;
  t.is(heatmap?.agents, 200);
  t.is(heatmap?.agentsPerRow, 4);
  t.is(heatmap?.rows.length, 50);
  t.true((heatmap?.rows.length ?? 0) <= MAX_HEATMAP_ROWS);
  t.is(heatmap?.rows[0], '#1–4');
  const means = (heatmap?.values ?? []).map((row) => {
    const present = row.filter((v): v is number => v !== null);
    return present.reduce((a, b) => a + b, 0) / Math.max(1, present.length);
  });
  for (let i = 1; i < means.length; i++) {
    t.true((means[i] as number) <= (means[i - 1] as number) + 1e-9, 'busiest groups first');
  }
});

test('fair shares over time are dotted lines; Jain over time and offers stacked are drawn from the series', async (t) => {
  const { read, series } = await report(FAULTY);
  const share = read('charts/dominant-share.svg');
  // Weights 1 and 3: while both have tasks pending, fair shares 0.25 and 0.75.
  t.is(series.fairShare?.light?.[0], 0.25);
  t.is(series.fairShare?.heavy?.[0], 0.75);
  const pendingHeavy = series.frameworks.heavy?.pending ?? [];
  const pendingLight = series.frameworks.light?.pending ?? [];
  for (const [k, v] of (series.fairShare?.light ?? []).entries()) {
    const expected = (pendingLight[k] ?? 0) >= 0.5 ? ((pendingHeavy[k] ?? 0) >= 0.5 ? 0.25 : 1) : null;
    t.is(v, expected, `light's fair share in bin ${k}`);
  }
  t.regex(share, /class="series"[^>]*stroke-dasharray="2 3"/u, 'fair shares are dotted lines');
  t.regex(share, />light fair share<\/text>/u);
  t.regex(share, />heavy fair share<\/text>/u);
  const jain = series.jainIndex ?? [];
  t.is(jain.length, series.frameworks.light?.dominantShare.length ?? -1);
  t.true(
    jain.some((v) => v !== null && v > 0.5),
    'both frameworks have tasks pending at the start: an index',
  );
  t.regex(read('charts/jain-index.svg'), /class="series"/u);
  const offers = read('charts/offers.svg');
  t.is((offers.match(/class="band"/gu) ?? []).length, 2, 'accepted and declined, stacked');
  t.notRegex(offers, /class="series"/u, 'no spike lines');
});

test('the provenance block says what ran, on what, and how; the contended index needs lasting contention', async (t) => {
  const { read, path } = await report(FAULTY, '--seed', '7');
  const html = read('index.html');
  t.regex(html, /<caption>Provenance<\/caption>/u);
  const command = /<b>command<\/b><\/td><td><code>([^<]*)<\/code>/u.exec(html)?.[1] ?? '';
  t.true(command.startsWith(`agora sim ${path} `), command);
  t.deepEqual(
    command.split(' ').slice(3).sort(),
    ['--quiet', '--seed', '7'].sort(),
    'the flags, without --out',
  );
  t.regex(html, /<b>cluster<\/b><\/td><td>4 agents: 4 × cpus:4;mem:8192<\/td>/u);
  t.regex(html, /<b>capacity<\/b><\/td><td>cpus 16, mem 32 GB<\/td>/u);
  t.regex(html, /allocation interval 1 s, decline filter 5 s/u);
  t.regex(html, /heavy \(role heavy, weight 3\)/u);
  t.regex(html, /<b>seed<\/b><\/td><td>7<\/td>/u);
  t.regex(html, /<b>Agora<\/b><\/td><td>0\.1\.0<\/td>/u);
  t.regex(html, /agent-crash at 30 s, framework-crash at 100 s/u);
  t.regex(html, /\(time-averaged\) among the frameworks with tasks pending/u, 'FAULTY contends for long');
  t.regex(html, /Up to the makespan \([0-9.]+ s/u, 'all work finishes: utilisation up to the makespan too');

  const mixed = tempDir('figures');
  const r = await runCli('sim', 'scenarios/mixed.json', '--until', '600', '--quiet', '--out', mixed);
  t.is(r.code, 0, r.err);
  const mixedHtml = readFileSync(join(mixed, 'index.html'), 'utf8');
  t.regex(mixedHtml, /for only [0-9.]+ s, too short for a contended index/u);
  t.notRegex(mixedHtml, /\(time-averaged\) among the frameworks with tasks pending/u);
});
