/**
 * What a run's report draws, as `series.json` holds it: the run's series with every framework
 * when each is drawn as a line; otherwise the series of the frameworks drawn as lines, and the
 * spread over all frameworks that the charts draw as bands (`acrossFrameworks`). A report of
 * 100 frameworks so stays well under a megabyte however long the run (series have at most 360
 * bins, wait samples at most 1,000 points), and every number in it is one a chart shows.
 */
import { round3, round6 } from '../metrics/round.js';
import type { FrameworkSeriesData, RunSeriesData, WaitSample } from '../metrics/run-series.js';
import { cdfSpread, type Spread, spreadPerBin } from './across-frameworks.js';
import type { AgentHeatmap } from './agent-heatmap.js';
import type { ChartedFrameworks } from './charted-frameworks.js';
import { pooledCdfPoints } from './wait-cdf.js';

/** Waits at which the spread of the frameworks' CDFs is read: about one per pixel of a chart. */
export const CDF_SPREAD_POINTS = 501;

/** All frameworks' wait-time CDFs, together. */
export interface WaitCdfAcross {
  /** Every launched task of every framework, pooled: the CDF's points (a step line). */
  readonly pooled: { readonly seconds: readonly number[]; readonly fraction: readonly number[] };
  /** Evenly spaced waits, from 0 to the longest wait (at least 1 s). */
  readonly seconds: readonly number[];
  /** At each of `seconds`, the spread over frameworks of the fraction that waited at most that. */
  readonly fraction: Spread;
}

/** The spread over every framework, bin by bin. */
export interface AcrossFrameworks {
  /** How many frameworks the spread is over (all of the run's). */
  readonly frameworks: number;
  readonly dominantShare: Spread;
  readonly running: Spread;
  readonly pending: Spread;
  readonly waitCdf: WaitCdfAcross;
}

/**
 * `series.json`: the run's series but the raw per-agent use (thousands of agents × bins), which
 * the report holds as the heatmap it draws instead.
 */
export interface ReportSeries extends Omit<RunSeriesData, 'frameworks' | 'agents'> {
  /** The frameworks drawn as lines, in scenario order. */
  readonly frameworks: Readonly<Record<string, FrameworkSeriesData>>;
  /** Present when not every framework is drawn as a line. */
  readonly acrossFrameworks?: AcrossFrameworks;
  /** Jain's index per bin among frameworks with tasks pending (null: fewer than two); jain-over-time.ts. */
  readonly jainIndex?: readonly (number | null)[];
  /**
   * Per framework drawn as a line: its weighted fair share per bin among the frameworks with
   * tasks pending (null: it had none pending); jain-over-time.ts.
   */
  readonly fairShare?: Readonly<Record<string, readonly (number | null)[]>>;
  /** Per-agent utilisation (agent-heatmap.ts); present when the report knows the scenario. */
  readonly agentHeatmap?: AgentHeatmap;
}

/** The report's view of `series`, given which frameworks are drawn as lines. */
export function reportSeries(whole: RunSeriesData, charted: ChartedFrameworks): ReportSeries {
  const { agents: _agents, ...series } = whole;
  if (charted.all) return series;
  const every = Object.values(series.frameworks);
  const frameworks: Record<string, FrameworkSeriesData> = {};
  for (const name of charted.names) {
    const f = series.frameworks[name];
    if (f !== undefined) frameworks[name] = f;
  }
  return {
    ...series,
    frameworks,
    acrossFrameworks: {
      frameworks: every.length,
      dominantShare: spreadPerBin(
        every.map((f) => f.dominantShare),
        round6,
      ),
      running: spreadPerBin(
        every.map((f) => f.running),
        round3,
      ),
      pending: spreadPerBin(
        every.map((f) => f.pending),
        round3,
      ),
      waitCdf: waitCdfAcross(every.map((f) => f.waits)),
    },
  };
}

function waitCdfAcross(samples: readonly WaitSample[]): WaitCdfAcross {
  const pooled = pooledCdfPoints(samples);
  let longest = 0;
  for (const s of samples) longest = Math.max(longest, s.seconds.at(-1) ?? 0);
  // The chart's x axis runs to the longest wait, and at least to 1 s, as for a single CDF.
  const end = Math.max(longest, 1);
  const seconds = Array.from({ length: CDF_SPREAD_POINTS }, (_, i) =>
    round6((end * i) / (CDF_SPREAD_POINTS - 1)),
  );
  return {
    pooled: { seconds: pooled.map((p) => p[0]), fraction: pooled.map((p) => round6(p[1])) },
    seconds,
    fraction: cdfSpread(samples, seconds, round6),
  };
}
