/**
 * Empirical CDFs of task waits, from the sorted samples a run keeps ({@link WaitSample}): the
 * fraction of launched tasks that waited at most x seconds. Samples from several runs or
 * frameworks pool by weighting each point with the tasks it stands for.
 */
import type { WaitSample } from '../metrics/run-series.js';

/** At most this many points are drawn per CDF line. */
const MAX_POINTS = 1000;

/** Step-line points (x ascending, y rising to 1) of one sample's CDF, starting at (0, 0). */
export function cdfPoints(sample: WaitSample): [number, number][] {
  return pooledCdfPoints([sample]);
}

/**
 * The CDF of several samples pooled, each task counting once: a sample of m points standing for
 * n tasks gives each point a weight of n/m. Starts at (0, 0); empty when no task waited.
 */
export function pooledCdfPoints(samples: readonly WaitSample[]): [number, number][] {
  const weighted: [number, number][] = [];
  let total = 0;
  for (const s of samples) {
    if (s.seconds.length === 0) continue;
    const weight = s.count / s.seconds.length;
    for (const v of s.seconds) weighted.push([v, weight]);
    total += s.count;
  }
  if (total === 0) return [];
  weighted.sort((a, b) => a[0] - b[0]);
  const points: [number, number][] = [[0, 0]];
  let cumulative = 0;
  for (let i = 0; i < weighted.length; i++) {
    const [v, w] = weighted[i] as [number, number];
    cumulative += w;
    // One point per distinct value: the CDF jumps there by everything that waited exactly v.
    const next = weighted[i + 1];
    if (next === undefined || next[0] !== v) points.push([v, Math.min(1, cumulative / total)]);
  }
  return thin(points);
}

/** Keeps at most {@link MAX_POINTS} points, evenly by index, always the first and last. */
function thin(points: [number, number][]): [number, number][] {
  if (points.length <= MAX_POINTS) return points;
  const out: [number, number][] = [];
  for (let i = 0; i < MAX_POINTS; i++) {
    out.push(points[Math.round((i * (points.length - 1)) / (MAX_POINTS - 1))] as [number, number]);
  }
  return out;
}
