/**
 * Which frameworks a run's report draws as lines of their own. Up to {@link MAX_FRAMEWORK_LINES}
 * frameworks, every one (ten lines in ten distinct colours still read); beyond that, a chart of
 * one line per framework is a tangle nobody can read, so only the
 * {@link TOP_FRAMEWORK_LINES} with the largest time-averaged dominant share (the ones holding
 * most of the cluster), or the ones the user names, are drawn as lines, and every framework
 * together as bands of their spread (see across-frameworks.ts).
 *
 * Colours follow the lines: with every framework drawn, each has its colour by its place in the
 * scenario, as always; with a few drawn, those few take the first colours in scenario order (ten
 * distinct ones), whatever their place among a hundred, so no two of them look alike, and the
 * others are the bands' grey. Either way a framework has one colour in every chart and the table.
 */
import type { RunSummary } from '../metrics/run-summary.js';
import { colorsFor } from './palette.js';

/** Up to this many frameworks, each is drawn as its own line. */
export const MAX_FRAMEWORK_LINES = 10;

/** Beyond {@link MAX_FRAMEWORK_LINES}, this many frameworks are drawn as lines by default. */
export const TOP_FRAMEWORK_LINES = 5;

/** The frameworks drawn as lines, and how they were chosen (for captions). */
export interface ChartedFrameworks {
  /** In scenario order. */
  readonly names: readonly string[];
  /** Every framework is drawn as a line: no bands. */
  readonly all: boolean;
  /** How they were chosen, as a caption says it; empty when all are drawn. */
  readonly why: string;
}

/**
 * The frameworks to draw as lines: `named` (already checked to exist) when given, else all of
 * `names` (scenario order) when there are at most {@link MAX_FRAMEWORK_LINES}, else the
 * {@link TOP_FRAMEWORK_LINES} with the largest mean dominant share in `summary` (ties: the
 * earlier in the scenario).
 */
export function chartedFrameworks(
  names: readonly string[],
  summary: RunSummary,
  named?: readonly string[],
): ChartedFrameworks {
  if (named !== undefined) {
    const chosen = names.filter((n) => named.includes(n));
    const all = chosen.length === names.length;
    return { names: chosen, all, why: all ? '' : 'the frameworks named by --report-frameworks' };
  }
  if (names.length <= MAX_FRAMEWORK_LINES) return { names, all: true, why: '' };
  const share = (n: string) => summary.frameworks[n]?.meanDominantShare ?? 0;
  const top = new Set(
    names
      .map((n, i) => ({ n, i }))
      .sort((a, b) => share(b.n) - share(a.n) || a.i - b.i)
      .slice(0, TOP_FRAMEWORK_LINES)
      .map((e) => e.n),
  );
  return {
    names: names.filter((n) => top.has(n)),
    all: false,
    why: `the ${TOP_FRAMEWORK_LINES} with the largest time-averaged dominant share`,
  };
}

/** The table's swatch for a framework drawn only within the grey bands. */
export const BAND_SWATCH_COLOR = '#d4d4d4';

/** Each framework's colour in a report's charts and table (see the module comment). */
export function frameworkColors(
  names: readonly string[],
  charted: ChartedFrameworks,
): ReadonlyMap<string, string> {
  if (charted.all) return colorsFor(names);
  const lines = colorsFor(charted.names);
  return new Map(names.map((n) => [n, lines.get(n) ?? BAND_SWATCH_COLOR]));
}
