/**
 * SVG path data for chart lines and bands, in pixels, as small as the picture allows: every
 * coordinate rounded to a tenth of a pixel (finer than a 2× screen shows), a step line written as
 * horizontal and vertical moves (`H`, `V`), and a run of moves along one axis in one direction
 * written as one move. A series that holds its value for many bins costs one command, and the
 * path draws exactly the pixels the unsimplified one would.
 */

/** A point in pixels: [x, y]. */
export type Pixel = readonly [number, number];

/** Rounds to a tenth of a pixel (and turns -0 into 0). */
export const roundPixel = (v: number): number => Math.round(v * 10) / 10 + 0;

/**
 * The corners of the line through `points`: the points themselves, or for a step line (each
 * value holds until the next point's x) the corner before each point too.
 */
export function vertices(points: readonly Pixel[], step: boolean): Pixel[] {
  const out: Pixel[] = [];
  for (const [i, p] of points.entries()) {
    const x = roundPixel(p[0]);
    const y = roundPixel(p[1]);
    const previous = out[out.length - 1];
    if (step && i > 0 && previous !== undefined) out.push([x, previous[1]]);
    out.push([x, y]);
  }
  return out;
}

/** Path data through `corners`, starting with a move to the first; empty for no corners. */
export function pathThrough(corners: readonly Pixel[]): string {
  const first = corners[0];
  if (first === undefined) return '';
  let d = `M${first[0]},${first[1]}`;
  // The move not yet written: a run along one axis in one direction extends it.
  let pending: { axis: 'H' | 'V'; to: number; sign: number } | undefined;
  const flush = () => {
    if (pending !== undefined) d += `${pending.axis}${pending.to}`;
    pending = undefined;
  };
  let [cx, cy] = first;
  for (let i = 1; i < corners.length; i++) {
    const [x, y] = corners[i] as Pixel;
    if (x === cx && y === cy) continue;
    if (x === cx || y === cy) {
      const axis = y === cy ? 'H' : 'V';
      const to = axis === 'H' ? x : y;
      const sign = Math.sign(axis === 'H' ? x - cx : y - cy);
      if (pending !== undefined && (pending.axis !== axis || pending.sign !== sign)) flush();
      pending = { axis, to, sign };
    } else {
      flush();
      d += `L${x},${y}`;
    }
    cx = x;
    cy = y;
  }
  flush();
  return d;
}

/** Path data of a line through `points` (x ascending). */
export function linePath(points: readonly Pixel[], step: boolean): string {
  return pathThrough(vertices(points, step));
}

/**
 * Path data of the closed area between two lines over the same x values: along `upper`, then
 * back along `lower`.
 */
export function bandPath(upper: readonly Pixel[], lower: readonly Pixel[], step: boolean): string {
  if (upper.length === 0) return '';
  return `${pathThrough([...vertices(upper, step), ...vertices(lower, step).reverse()])}Z`;
}
