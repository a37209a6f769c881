import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { bandPath, linePath, type Pixel, vertices } from '../../src/report/svg-path.js';

/** The corners a path's data visits, in order (M, L, H and V only, absolute). */
function corners(d: string): Pixel[] {
  const out: Pixel[] = [];
  let x = 0;
  let y = 0;
  for (const [, cmd, args] of d.matchAll(/([MLHVZ])([^MLHVZ]*)/gu)) {
    const n = (args ?? '')
      .split(',')
      .filter((s) => s !== '')
      .map(Number);
    if (cmd === 'M' || cmd === 'L') [x, y] = n as [number, number];
    else if (cmd === 'H') x = n[0] as number;
    else if (cmd === 'V') y = n[0] as number;
    else continue;
    out.push([x, y]);
  }
  return out;
}

/** Whether `p` lies on the segment from `a` to `b` (exactly, as the coordinates are tenths). */
function onSegment(p: Pixel, a: Pixel, b: Pixel): boolean {
  const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  const within = (v: number, u: number, w: number) =>
    Math.min(u, w) - 1e-9 <= v && v <= Math.max(u, w) + 1e-9;
  return Math.abs(cross) < 1e-6 && within(p[0], a[0], b[0]) && within(p[1], a[1], b[1]);
}

test('a step line is written with H and V moves, runs merged, in tenths of a pixel', (t) => {
  const points: Pixel[] = [
    [0, 100],
    [1.43, 100],
    [2.86, 100],
    [4.29, 90.04],
    [5.71, 90.04],
    [7.14, 95],
  ];
  t.is(linePath(points, true), 'M0,100H4.3V90H7.1V95');
  t.is(linePath(points, false), 'M0,100H2.9L4.3,90H5.7L7.1,95');
  t.is(linePath([], true), '');
});

test('a band goes along its upper edge and back along its lower edge, closed', (t) => {
  const upper: Pixel[] = [
    [0, 10],
    [2, 5],
    [4, 5],
  ];
  const lower: Pixel[] = [
    [0, 20],
    [2, 20],
    [4, 15],
  ];
  t.is(bandPath(upper, lower, true), 'M0,10H2V5H4V20H0Z');
});

// x steps of 0 too: several points in one pixel column, as a CDF's are (a merge across a turn
// back, V down then V up as one move, is caught only then).
const stepSeries = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.constantFrom(0, 3.33, 50, 50.04, 120.7, 286)), {
    minLength: 1,
    maxLength: 60,
  })
  .map((steps) => {
    let x = 0;
    return steps.map(([dx, y]): Pixel => {
      x += dx / 7;
      return [x, y];
    });
  });

testProp(
  'the simplified path draws the same line: its corners are corners of the full line, in order, and every corner of the full line lies on it',
  [stepSeries, fc.boolean()],
  (t, points, step) => {
    const full = vertices(points, step);
    const drawn = corners(linePath(points, step));
    let j = 0;
    for (const c of drawn) {
      while (j < full.length && !(full[j]?.[0] === c[0] && full[j]?.[1] === c[1])) j++;
      t.true(j < full.length, `corner ${c} is one of the full line's, in order`);
    }
    for (const p of full) {
      t.true(
        drawn.length === 1
          ? p[0] === drawn[0]?.[0] && p[1] === drawn[0]?.[1]
          : drawn.some((a, i) => i > 0 && onSegment(p, drawn[i - 1] as Pixel, a)),
        `${p} is on the drawn line`,
      );
    }
    t.true(drawn.length <= full.length);
  },
);
