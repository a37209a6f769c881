/**
 * The charts of one run's report, built from its summary and series: utilisation per resource,
 * dominant share and running tasks per framework over time, the wait-time CDF per framework, and
 * offers per allocation cycle. Frameworks keep the same colour in every chart.
 */
import type { RunSeriesData } from '../metrics/run-series.js';
import type { RunSummary } from '../metrics/run-summary.js';
import type { ChartRenderer, LineSeries } from './chart.js';
import { colorsFor } from './palette.js';
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

/** Draws the five charts of a run. */
export function runCharts(
  renderer: ChartRenderer,
  summary: RunSummary,
  series: RunSeriesData,
): RenderedChart[] {
  const unit = timeUnitFor(series.untilSeconds);
  const timeLabel = `simulated time (${unit.label})`;
  const xDomain = [0, series.untilSeconds / unit.seconds] as const;
  const names = Object.keys(series.frameworks);
  const colors = colorsFor(names);
  const overTime = (values: readonly number[]) =>
    binPoints(values, series.binSeconds, series.untilSeconds, unit);
  const perFramework = (pick: (f: RunSeriesData['frameworks'][string]) => readonly number[]): LineSeries[] =>
    names.map((name) => ({
      label: name,
      color: colors.get(name) as string,
      points: overTime(pick(series.frameworks[name] as RunSeriesData['frameworks'][string])),
    }));
  const binText =
    series.binSeconds === 1 ? 'per second' : `averaged over ${formatSeconds(series.binSeconds)} bins`;
  const cycles = series.cyclesPerBin === 1 ? 'each cycle' : `the mean of each ${series.cyclesPerBin} cycles`;

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
      caption: `Each framework's largest share of any resource, over the cluster's configured total (DRF's measure), ${binText}. Jain's index of the time-averaged shares over weights: ${summary.fairness.jainIndex.toFixed(4)}.`,
    },
    renderer.lineChart({
      title: share,
      xLabel: timeLabel,
      yLabel: 'dominant share (fraction of cluster)',
      step: true,
      xDomain,
      yDomain: [0, 1],
      series: perFramework((f) => f.dominantShare),
    }),
  );

  const running = 'Running tasks per framework';
  add(
    {
      file: 'running-tasks.svg',
      title: running,
      caption: `Tasks launched and not yet ended, as each framework sees them, ${binText}.`,
    },
    renderer.lineChart({
      title: running,
      xLabel: timeLabel,
      yLabel: 'running tasks (count)',
      step: true,
      xDomain,
      series: perFramework((f) => f.running),
    }),
  );

  const waits = 'Task wait time CDF per framework';
  add(
    {
      file: 'wait-cdf.svg',
      title: waits,
      caption:
        'The fraction of launched tasks that waited at most x seconds from submission to launch. ' +
        'Tasks never launched are not in it (see "pending" in the table).',
    },
    renderer.lineChart({
      title: waits,
      xLabel: 'wait from submission to launch (s)',
      yLabel: 'launched tasks (fraction, 0–1)',
      step: true,
      yDomain: [0, 1],
      series: names.map((name) => ({
        label: name,
        color: colors.get(name) as string,
        points: cdfPoints((series.frameworks[name] as RunSeriesData['frameworks'][string]).waits),
      })),
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

/** 90 → "90 s", 600 → "10 min", 7200 → "2 h". */
export function formatSeconds(seconds: number): string {
  if (seconds < 120 || seconds % 60 !== 0) return `${seconds} s`;
  if (seconds < 7200 || seconds % 3600 !== 0) return `${seconds / 60} min`;
  return `${seconds / 3600} h`;
}
