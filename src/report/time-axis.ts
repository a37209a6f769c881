/**
 * Time axes in the unit that suits a run's length: seconds up to 10 minutes, minutes up to 10
 * hours, hours beyond. Binned series become step lines: bin k's value holds from its start to
 * the next bin's, and the last one holds to the end of the run.
 */

/** A unit of simulated time for an axis. */
export interface TimeUnit {
  readonly label: 's' | 'min' | 'h';
  readonly seconds: number;
}

/** The unit for a run of `untilSeconds`. */
export function timeUnitFor(untilSeconds: number): TimeUnit {
  if (untilSeconds <= 600) return { label: 's', seconds: 1 };
  if (untilSeconds <= 36_000) return { label: 'min', seconds: 60 };
  return { label: 'h', seconds: 3600 };
}

/** The points of a step line through binned values, in `unit`. */
export function binPoints(
  values: readonly number[],
  binSeconds: number,
  untilSeconds: number,
  unit: TimeUnit,
): [number, number][] {
  const points: [number, number][] = values.map((v, k) => [(k * binSeconds) / unit.seconds, v]);
  const last = values[values.length - 1];
  if (last !== undefined) points.push([untilSeconds / unit.seconds, last]);
  return points;
}
