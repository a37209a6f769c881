/**
 * The charts of one run's report, built from its summary and what `series.json` holds:
 * utilisation per resource, dominant share, running tasks and pending tasks per framework over
 * time, the wait-time CDF per framework, and offers per allocation cycle. Frameworks keep the same
 * colour in every chart. With more frameworks than lines can show apart (charted-frameworks.ts),
 * the per-framework charts draw a few as lines over grey bands of every framework's spread.
 */
import type { RunSummary } from '../metrics/run-summary.js';
import type { Spread } from './across-frameworks.js';
import type { BandSeries, ChartRenderer, LineSeries } from './chart.js';
import { type ChartedFrameworks, frameworkColors } from './charted-frameworks.js';
import type { AcrossFrameworks, ReportSeries } from './report-series.js';
import { binPoints, timeUnitFor } from './time-axis.js';
import { cdfPoints } from './wait-cdf.js';
/** A drawn chart and how the page presents it. */
export interface RenderedChart {
  /** File name inside the report's `charts/` folder. */
  readonly file: string;
  readonly title: string;
  /** One sentence under the chart: what it shows and how it was measured. */
  readonly caption: string;
  readonly svg: string;
}

/** Resources and offer outcomes are not frameworks: they get their own fixed colours. */
const RESOURCE_COLORS: Readonly<Record<string, string>> = {
  cpus: '#1b9e77',
  mem: '#d95f02',
  disk: '#7570b3',
  gpus: '#e7298a',
};
const OFFER_COLORS = { made: '#555555', accepted: '#1b9e77', declined: '#d95f02' } as const;

/** The grey of the bands and the median: no framework's colour is a neutral grey this dark. */
const SPREAD_COLOR = '#6b6b6b';
const MEDIAN_COLOR = '#333333';
const BAND_OPACITY = { outer: 0.16, inner: 0.34 } as const;

type FrameworkSeries = ReportSeries['frameworks'][string];

/** Draws the six charts of a run. */
export function runCharts(
  renderer: ChartRenderer,
  summary: RunSummary,
  series: ReportSeries,
  charted: ChartedFrameworks,
): RenderedChart[] {
  const unit = timeUnitFor(series.untilSeconds);
  const timeLabel = `simulated time (${unit.label})`;
  const xDomain = [0, series.untilSeconds / unit.seconds] as const;
  const colors = frameworkColors(Object.keys(summary.frameworks), charted);
  const across = series.acrossFrameworks;
  const overTime = (values: readonly number[]) =>
    binPoints(values, series.binSeconds, series.untilSeconds, unit);
  const lines = (pick: (f: FrameworkSeries) => readonly number[]): LineSeries[] =>
    charted.names.map((name) => ({
      label: name,
      color: colors.get(name) as string,
      points: overTime(pick(series.frameworks[name] as FrameworkSeries)),
    }));
  /** The lines of a per-framework chart over time, and the bands of every framework's spread. */
  const perFramework = (
    pick: (f: FrameworkSeries) => readonly number[],
    spread: (a: AcrossFrameworks) => Spread,
  ): { series: LineSeries[]; bands?: BandSeries[] } => {
    if (across === undefined) return { series: lines(pick) };
    const s = spread(across);
    const band = (lo: readonly number[], hi: readonly number[]) =>
      overTime(lo).map(([x, v], k): [number, number, number] => [
        x,
        v,
        (overTime(hi)[k] as [number, number])[1],
      ]);
    return {
      series: [
        ...lines(pick),
        {
          label: `all ${across.frameworks}: median`,
          color: MEDIAN_COLOR,
          points: overTime(s.median),
          dashed: true,
        },
      ],
      bands: spreadBands(across.frameworks, s, band),
    };
  };
  const binText =
    series.binSeconds === 1 ? 'per second' : `averaged over ${formatSeconds(series.binSeconds)} bins`;
  const cycles = series.cyclesPerBin === 1 ? 'each cycle' : `the mean of each ${series.cyclesPerBin} cycles`;
  const spreadText =
    across === undefined
      ? ''
      : ` Drawn as lines: ${charted.why} (${charted.names.join(', ')}); the grey bands are all ${across.frameworks} frameworks in each bin (light: smallest to largest, dark: 10th to 90th percentile; dashed: their median).`;

  const charts: RenderedChart[] = [];
  const add = (chart: Omit<RenderedChart, 'svg'>, svg: string) => charts.push({ ...chart, svg });
  const utilization = 'Cluster utilisation per resource';
  add(
    {
      file: 'utilization.svg',
      title: utilization,
      caption: `What running tasks use over what the live agents offer, ${binText}. Mean over the run: ${Object.entries(
        summary.utilization,
      )
        .map(([name, u]) => `${name} ${(u * 100).toFixed(1)}%`)
        .join(', ')}.`,
    },
    renderer.lineChart({
      title: utilization,
      xLabel: timeLabel,
      yLabel: 'utilisation (fraction of capacity)',
      step: true,
      xDomain,
      yDomain: [0, 1],
      series: Object.entries(series.utilization).map(([name, values], i) => ({
        label: name,
        color: RESOURCE_COLORS[name] ?? ['#666666', '#999999'][i % 2] ?? '#666666',
        points: overTime(values),
      })),
    }),
  );

  const share = 'Dominant share per framework';
  add(
    {
      file: 'dominant-share.svg',
      title: share,
      caption: `Each framework's largest share of any resource, over the cluster's configured total (DRF's measure), ${binText}. Jain's index of the time-averaged shares over weights: ${summary.fairness.jainIndex.toFixed(4)}.${spreadText}${across === undefined ? '' : ' The y axis runs to the largest share.'}`,
    },
    renderer.lineChart({
      title: share,
      xLabel: timeLabel,
      yLabel: 'dominant share (fraction of cluster)',
      step: true,
      xDomain,
      // One framework among many holds a small share: a 0-1 axis would flatten every line.
      ...(across === undefined ? { yDomain: [0, 1] as const } : {}),
      ...perFramework(
        (f) => f.dominantShare,
        (a) => a.dominantShare,
      ),
    }),
  );

  const running = 'Running tasks per framework';
  add(
    {
      file: 'running-tasks.svg',
      title: running,
      caption: `Tasks launched and not yet ended, as each framework sees them, ${binText}.${spreadText}`,
    },
    renderer.lineChart({
      title: running,
      xLabel: timeLabel,
      yLabel: 'running tasks (count)',
      step: true,
      xDomain,
      ...perFramework(
        (f) => f.running,
        (a) => a.running,
      ),
    }),
  );

  const pending = 'Pending tasks per framework';
  add(
    {
      file: 'pending-tasks.svg',
      title: pending,
      caption: `Each framework's queue: tasks submitted and not yet launched, ${binText}.${spreadText}`,
    },
    renderer.lineChart({
      title: pending,
      xLabel: timeLabel,
      yLabel: 'pending tasks (count)',
      step: true,
      xDomain,
      ...perFramework(
        (f) => f.pending,
        (a) => a.pending,
      ),
    }),
  );

  const waits = 'Task wait time CDF per framework';
  add(
    {
      file: 'wait-cdf.svg',
      title: waits,
      caption:
        'The fraction of launched tasks that waited at most x seconds from submission to launch. ' +
        'Tasks never launched are not in it (see "pending" in the table).' +
        (across === undefined
          ? ''
          : ` Drawn as lines: ${charted.why} (${charted.names.join(', ')}); dashed: every task of all ${across.frameworks} frameworks pooled; the grey bands are the frameworks' own fractions at each wait (light: smallest to largest, dark: 10th to 90th percentile).`),
    },
    renderer.lineChart({
      title: waits,
      xLabel: 'wait from submission to launch (s)',
      yLabel: 'launched tasks (fraction, 0–1)',
      step: true,
      yDomain: [0, 1],
      series: [
        ...charted.names.map((name) => ({
          label: name,
          color: colors.get(name) as string,
          points: cdfPoints((series.frameworks[name] as FrameworkSeries).waits),
        })),
        ...(across === undefined
          ? []
          : [
              {
                label: `all ${across.frameworks}: pooled`,
                color: MEDIAN_COLOR,
                dashed: true,
                points: across.waitCdf.pooled.seconds.map((x, i): [number, number] => [
                  x,
                  across.waitCdf.pooled.fraction[i] as number,
                ]),
              },
            ]),
      ],
      ...(across === undefined
        ? {}
        : {
            bands: spreadBands(across.frameworks, across.waitCdf.fraction, (lo, hi) =>
              across.waitCdf.seconds.map((x, i): [number, number, number] => [
                x,
                lo[i] as number,
                hi[i] as number,
              ]),
            ),
          }),
    }),
  );

  const offers = 'Offers per allocation cycle';
  add(
    {
      file: 'offers.svg',
      title: offers,
      caption: `Offers the master made, and answers it received (accepted, declined), per allocation cycle: ${cycles}. Totals: ${summary.offers.made} made, ${summary.offers.accepted} accepted, ${summary.offers.declined} declined, ${summary.offers.rescinded} rescinded.`,
    },
    renderer.lineChart({
      title: offers,
      xLabel: timeLabel,
      yLabel: 'offers per cycle (count)',
      step: true,
      xDomain,
      series: (['made', 'accepted', 'declined'] as const).map((kind) => ({
        label: kind,
        color: OFFER_COLORS[kind],
        points: overTime(series.offersPerCycle[kind]),
        dashed: kind === 'made',
      })),
    }),
  );
  return charts;
}

/**
 * The grey bands of a spread: dark from the 10th to the 90th percentile, light from the smallest
 * to the 10th and from the 90th to the largest (apart, so no shade is drawn twice and each looks
 * as its legend swatch does).
 */
function spreadBands(
  frameworks: number,
  spread: Spread,
  band: (lo: readonly number[], hi: readonly number[]) => [number, number, number][],
): BandSeries[] {
  const outer = { label: `all ${frameworks}: min–max`, color: SPREAD_COLOR, opacity: BAND_OPACITY.outer };
  return [
    {
      label: `all ${frameworks}: p10–p90`,
      color: SPREAD_COLOR,
      opacity: BAND_OPACITY.inner,
      points: band(spread.p10, spread.p90),
    },
    { ...outer, points: band(spread.min, spread.p10) },
    { ...outer, points: band(spread.p90, spread.max), inLegend: false },
  ];
}

/** 90 → "90 s", 600 → "10 min", 7200 → "2 h". */
export function formatSeconds(seconds: number): string {
  if (seconds < 120 || seconds % 60 !== 0) return `${seconds} s`;
  if (seconds < 7200 || seconds % 3600 !== 0) return `${seconds / 60} min`;
  return `${seconds / 3600} h`;
}
