/**
 * The charts of one run's report, built from its summary and what `series.json` holds:
 * utilisation per resource, the per-agent utilisation heatmap, dominant share per framework
 * against its fair share, Jain's index over time, running tasks and pending tasks per framework,
 * the wait-time CDF per framework, and offers accepted and declined per allocation cycle. Every
 * chart over time marks the scenario's faults, recoveries and failovers. Frameworks keep the same
 * colour in every chart. With more frameworks than lines can show apart (charted-frameworks.ts),
 * the per-framework charts draw a few as lines over grey bands of every framework's spread.
 */
import { meanOfBinsUpTo } from '../metrics/binned-mean.js';
import type { RunSummary } from '../metrics/run-summary.js';
import type { Spread } from './across-frameworks.js';
import type { BandSeries, ChartRenderer, LineSeries } from './chart.js';
import { type ChartedFrameworks, frameworkColors } from './charted-frameworks.js';
import { chartMarkers, type RunMarker } from './fault-markers.js';
import { formatFraction, formatPercent, formatSecondsShort } from './number-format.js';
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
  /** The SVG's height when not the usual 380 px (a heatmap of many agents is taller). */
  readonly height?: number | undefined;
}

/** What the charts need beyond the summary and the series. */
export interface RunChartsContext {
  /** Faults, failovers and cluster changes, marked on every chart over time. */
  readonly markers: readonly RunMarker[];
  /** When the last task ended, if the run finished all its work (null otherwise). */
  readonly makespanSeconds: number | null;
  /** Whether contention lasted long enough for the contended index to mean something. */
  readonly contentionMeaningful: boolean;
}

const NO_CONTEXT: RunChartsContext = { markers: [], makespanSeconds: null, contentionMeaningful: true };
const MAKESPAN_COLOR = '#222222';

/** Resources and offer outcomes are not frameworks: they get their own fixed colours. */
const RESOURCE_COLORS: Readonly<Record<string, string>> = {
  cpus: '#1b9e77',
  mem: '#d95f02',
  disk: '#7570b3',
  gpus: '#e7298a',
};
const OFFER_COLORS = { accepted: '#1b9e77', declined: '#d95f02' } as const;
const JAIN_COLOR = '#4e79a7';

/** The grey of the bands and the median: no framework's colour is a neutral grey this dark. */
const SPREAD_COLOR = '#6b6b6b';
const MEDIAN_COLOR = '#333333';
const BAND_OPACITY = { outer: 0.16, inner: 0.34 } as const;

type FrameworkSeries = ReportSeries['frameworks'][string];

/** Draws the charts of a run. */
export function runCharts(
  renderer: ChartRenderer,
  summary: RunSummary,
  series: ReportSeries,
  charted: ChartedFrameworks,
  context: RunChartsContext = NO_CONTEXT,
): RenderedChart[] {
  const unit = timeUnitFor(series.untilSeconds);
  const timeLabel = `simulated time (${unit.label})`;
  const xDomain = [0, series.untilSeconds / unit.seconds] as const;
  const colors = frameworkColors(Object.keys(summary.frameworks), charted);
  const across = series.acrossFrameworks;
  const markers = chartMarkers(context.markers, unit.seconds);
  const markerText =
    context.markers.length === 0
      ? ''
      : " Dotted verticals: the scenario's faults (red), recoveries (green), failovers (purple) and cluster changes (grey).";
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
  const spreadText =
    across === undefined
      ? ''
      : ` Drawn as lines: ${charted.why} (${charted.names.join(', ')}); the grey bands are all ${across.frameworks} frameworks in each bin (light: smallest to largest, dark: 10th to 90th percentile; dashed: their median).`;

  const charts: RenderedChart[] = [];
  const add = (chart: Omit<RenderedChart, 'svg'>, svg: string) => charts.push({ ...chart, svg });
  const utilization = 'Cluster utilisation per resource';
  const makespan = context.makespanSeconds;
  add(
    {
      file: 'utilization.svg',
      title: utilization,
      caption: `What running tasks use over what the live agents offer, ${binText}. ${utilizationText(summary, series, makespan)}${markerText}`,
    },
    renderer.lineChart({
      title: utilization,
      xLabel: timeLabel,
      yLabel: 'utilisation (fraction of capacity)',
      step: true,
      xDomain,
      yDomain: [0, 1],
      markers: [
        ...markers,
        ...(makespan === null
          ? []
          : [
              {
                x: makespan / unit.seconds,
                label: 'makespan',
                kind: 'makespan',
                color: MAKESPAN_COLOR,
              },
            ]),
      ],
      series: Object.entries(series.utilization).map(([name, values], i) => ({
        label: name,
        color: RESOURCE_COLORS[name] ?? ['#666666', '#999999'][i % 2] ?? '#666666',
        points: overTime(values),
      })),
    }),
  );

  const heatmap = series.agentHeatmap;
  if (heatmap !== undefined) {
    const title = 'Utilisation per agent';
    const grouped = heatmap.agentsPerRow > 1;
    const svg = renderer.heatmap({
      title,
      xLabel: timeLabel,
      yLabel: grouped ? `agents, busiest first (${heatmap.agentsPerRow} per row)` : 'agent (one row each)',
      xDomain,
      rows: heatmap.rows.map((label, r) => ({ label, values: heatmap.values[r] ?? [] })),
      colorLabel: 'dominant use',
      nullLabel: 'agent down',
      markers,
    });
    add(
      {
        file: 'agent-utilization.svg',
        title,
        caption:
          `Each cell is an agent's dominant utilisation in a bin (${binText}): the largest, over its resources, of what its tasks used over what it has. ` +
          'Light cells while tasks are pending (see the pending-tasks chart) are capacity no waiting task fits in: fragmentation. ' +
          (grouped
            ? `The ${heatmap.agents} agents are ranked by their mean utilisation over the run and cut into groups of ${heatmap.agentsPerRow}; each row is its group's mean. `
            : '') +
          `Grey: the agent was down for most of the bin.${markerText}`,
        height: svgHeight(svg),
      },
      svg,
    );
  }

  const share = 'Dominant share per framework, against its fair share';
  const fairShares: LineSeries[] = charted.names.flatMap((name) => {
    const fair = series.fairShare?.[name];
    return fair === undefined
      ? []
      : [
          {
            label: `${name} fair share`,
            color: colors.get(name) as string,
            dotted: true,
            points: overTime(fair.map((v) => (v === null ? Number.NaN : v))),
          },
        ];
  });
  add(
    {
      file: 'dominant-share.svg',
      title: share,
      caption: `Each framework's largest share of any resource, over the cluster's configured total (DRF's measure), ${binText}. ${across === undefined ? "The dotted line in its colour is its weighted fair share while it has tasks waiting (a queue of at least half a task on average over the bin): its weight over the sum of the weights of the waiting frameworks, the share of its dominant resource weighted DRF guarantees it (it can hold more when the others' demands are on other resources)." : ''}${spreadText}${across === undefined ? '' : ' The y axis runs to the largest share.'}${markerText}`,
    },
    renderer.lineChart({
      title: share,
      xLabel: timeLabel,
      yLabel: 'dominant share (fraction of cluster)',
      step: true,
      xDomain,
      // One framework among many holds a small share: a 0-1 axis would flatten every line.
      ...(across === undefined ? { yDomain: [0, 1] as const } : {}),
      ...withLines(
        perFramework(
          (f) => f.dominantShare,
          (a) => a.dominantShare,
        ),
        fairShares,
      ),
      markers,
    }),
  );

  if (series.jainIndex !== undefined) {
    const jain = "Jain's index over time, among the waiting frameworks";
    const contended = summary.fairness.contendedJainIndex;
    add(
      {
        file: 'jain-index.svg',
        title: jain,
        caption:
          `Jain's fairness index of the weighted dominant shares (share over weight) of the frameworks with tasks waiting in the bin (a queue of at least half a task on average: a query launched within a cycle of arriving is not kept waiting), ${binText}: 1 when they held equal weighted shares, 1/n when one held everything. ` +
          'Gaps: fewer than two frameworks were waiting, so no one was kept waiting for another. ' +
          (contended !== null && context.contentionMeaningful
            ? `Dashed: its time-average over the ${formatSecondsShort(summary.fairness.contendedSeconds)} of contention, ${formatFraction(contended)}.`
            : contended === null
              ? 'Two frameworks never had tasks pending at once.'
              : `Contention lasted only ${formatSecondsShort(summary.fairness.contendedSeconds)}, too short for its average to say much (the summary's contended index is reported only past 5% of the run and 30 allocation cycles).`) +
          markerText,
      },
      renderer.lineChart({
        title: jain,
        xLabel: timeLabel,
        yLabel: "Jain's index (1 = equal weighted shares)",
        step: true,
        xDomain,
        yDomain: [0, 1],
        series: [
          {
            label: 'per bin',
            color: JAIN_COLOR,
            points: overTime(series.jainIndex.map((v) => (v === null ? Number.NaN : v))),
          },
        ],
        references:
          contended !== null && context.contentionMeaningful
            ? [
                {
                  y: contended,
                  label: `mean ${formatFraction(contended)}`,
                  color: MEDIAN_COLOR,
                },
              ]
            : [],
        markers,
      }),
    );
  }

  const running = 'Running tasks per framework';
  add(
    {
      file: 'running-tasks.svg',
      title: running,
      caption: `Tasks launched and not yet ended, as each framework sees them, ${binText}.${spreadText}${markerText}`,
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
      markers,
    }),
  );

  const pending = 'Pending tasks (queue depth) per framework';
  add(
    {
      file: 'pending-tasks.svg',
      title: pending,
      caption: `Each framework's queue: tasks submitted and not yet launched, ${binText}.${spreadText}${markerText}`,
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
      markers,
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

  const offers = 'Offers answered per allocation cycle';
  const coarse = coarseOffers(series);
  const offerPoints = (values: readonly number[]) =>
    binPoints(values, coarse.binSeconds, series.untilSeconds, unit);
  const answered = summary.offers.accepted + summary.offers.declined;
  add(
    {
      file: 'offers.svg',
      title: offers,
      caption:
        `Offers the frameworks accepted (green, from 0) and declined (orange, stacked on top), per allocation cycle, averaged over ${formatSeconds(coarse.binSeconds)} (offers come in bursts as decline filters expire; finer bins draw a comb of spikes). ` +
        `Totals: ${summary.offers.made} made, ${summary.offers.accepted} accepted, ${summary.offers.declined} declined, ${summary.offers.rescinded} rescinded` +
        `${answered === 0 ? '' : ` (${formatPercent(summary.offers.accepted / answered)} of those answered were accepted)`}.${markerText}`,
    },
    renderer.lineChart({
      title: offers,
      xLabel: timeLabel,
      yLabel: 'offers per cycle (count)',
      step: true,
      xDomain,
      series: [],
      bands: [
        {
          label: 'accepted',
          color: OFFER_COLORS.accepted,
          opacity: 0.8,
          points: offerPoints(coarse.accepted).map(([x, a]): [number, number, number] => [x, 0, a]),
        },
        {
          label: 'declined',
          color: OFFER_COLORS.declined,
          opacity: 0.65,
          points: offerPoints(coarse.accepted).map(([x, a], k): [number, number, number] => [
            x,
            a,
            a + ((offerPoints(coarse.declined)[k] as [number, number])[1] ?? 0),
          ]),
        },
      ],
      markers,
    }),
  );
  return charts;
}

/** `drawn` with `extra` lines after its own. */
function withLines(
  drawn: { series: LineSeries[]; bands?: BandSeries[] },
  extra: readonly LineSeries[],
): { series: LineSeries[]; bands?: BandSeries[] } {
  return { ...drawn, series: [...drawn.series, ...extra] };
}

/** At most this many bins of offers are drawn. */
const OFFER_BINS = 60;

/** The offer series averaged over at most {@link OFFER_BINS} bins (whole numbers of the series' bins). */
function coarseOffers(series: ReportSeries): { binSeconds: number; accepted: number[]; declined: number[] } {
  const n = series.offersPerCycle.accepted.length;
  const per = Math.max(1, Math.ceil(n / OFFER_BINS));
  const average = (values: readonly number[]) => {
    const out: number[] = [];
    for (let k = 0; k < n; k += per) {
      // Means per cycle, weighted by each bin's length (the last may be cut by the run's end).
      let area = 0;
      let span = 0;
      for (let j = k; j < Math.min(n, k + per); j++) {
        const width = Math.min(series.binSeconds, series.untilSeconds - j * series.binSeconds);
        area += (values[j] ?? 0) * width;
        span += width;
      }
      out.push(span > 0 ? Math.round((area / span) * 1000) / 1000 : 0);
    }
    return out;
  };
  return {
    binSeconds: series.binSeconds * per,
    accepted: average(series.offersPerCycle.accepted),
    declined: average(series.offersPerCycle.declined),
  };
}

/** The whole-run utilisation, and up to the makespan when the run finished its work. */
function utilizationText(summary: RunSummary, series: ReportSeries, makespan: number | null): string {
  const whole = `Mean over the whole run (${formatSecondsShort(series.untilSeconds)}): ${percentList(summary.utilization)}.`;
  if (makespan === null) return `${whole} No makespan: work was still pending or running at the end.`;
  const upTo: Record<string, number> = {};
  for (const [name, values] of Object.entries(series.utilization)) {
    upTo[name] = meanOfBinsUpTo(values, series.binSeconds, series.untilSeconds, makespan);
  }
  return `${whole} Up to the makespan (${formatSecondsShort(makespan)}, when the last task ended; the black dotted line): ${percentList(upTo)}.`;
}

function percentList(values: Readonly<Record<string, number>>): string {
  return Object.entries(values)
    .map(([name, u]) => `${name} ${formatPercent(u)}`)
    .join(', ');
}

/** The height attribute of an SVG's markup. */
function svgHeight(svg: string): number | undefined {
  const m = /<svg[^>]*\sheight="(\d+)"/u.exec(svg);
  return m === null ? undefined : Number(m[1]);
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
