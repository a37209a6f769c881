/**
 * SVG charts drawn with d3-node (d3 on a jsdom document, no browser): line charts over time or
 * over a value (CDFs), and scatter plots. Every chart has a title (drawn, and as the SVG's
 * `<title>`), an x and a y axis with labelled units, and a legend. The output depends only on the
 * input: no ids, clocks or random numbers, and coordinates rounded, so the same run gives the
 * same bytes.
 *
 * d3-node pulls in jsdom, which takes about half a second to load, so it is imported only when a
 * report is drawn ({@link ChartRenderer.load}).
 */
import type * as d3 from 'd3';
import type { D3Node } from 'd3-node';
import { meanConfidence } from '../metrics/confidence.js';
import { bandPath, linePath } from './svg-path.js';

/** What every chart has. */
export interface ChartFrame {
  readonly title: string;
  /** The x axis label, with its unit: `time (min)`. */
  readonly xLabel: string;
  /** The y axis label, with its unit. */
  readonly yLabel: string;
}

/** One line: its legend label, colour and points (x ascending; a NaN y is a gap in the line). */
export interface LineSeries {
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
  /** A thin dotted line (a reference that changes over time, such as a fair share). */
  readonly dotted?: boolean;
}

/**
 * A moment marked across a chart's plot (a fault, a failover): a vertical dotted line with a
 * short label at its top. Markers of the same `kind` share a colour and one legend entry.
 */
export interface ChartMarker {
  readonly x: number;
  /** Drawn at the top of the line: a few characters (`crash agent-3`). */
  readonly label: string;
  /** The legend entry, e.g. `agent crash`. */
  readonly kind: string;
  readonly color: string;
}

/** A horizontal reference line (a fair share): thin and dotted, listed in the legend. */
export interface ReferenceLine {
  readonly y: number;
  readonly label: string;
  readonly color: string;
}

/**
 * A shaded range under the lines: in each x, from `low` to `high` (the spread of many series
 * drawn as one shape). Its legend entry is a filled swatch.
 */
export interface BandSeries {
  readonly label: string;
  readonly color: string;
  /** Fill opacity, 0–1. */
  readonly opacity: number;
  /** [x, low, high], x ascending. */
  readonly points: readonly (readonly [number, number, number])[];
  /** Listed in the legend (default); false for the second part of a band split in two. */
  readonly inLegend?: boolean;
}

/** A chart of lines. */
export interface LineChartSpec extends ChartFrame {
  readonly series: readonly LineSeries[];
  /** Drawn first, under the lines, in order; listed in the legend after the lines. */
  readonly bands?: readonly BandSeries[];
  /** Draw each line as steps (a value holds until the next point), as bins and CDFs are. */
  readonly step?: boolean;
  /** Fixed y range (e.g. [0, 1] for shares); default from 0 to the largest value. */
  readonly yDomain?: readonly [number, number];
  /** Fixed x range; default the points' extent. */
  readonly xDomain?: readonly [number, number];
  /** Moments marked across the plot (faults). */
  readonly markers?: readonly ChartMarker[];
  /** Horizontal reference lines, drawn under the series. */
  readonly references?: readonly ReferenceLine[];
}

/** One row of a heatmap: a label and a value per column, 0–1 (null: no value, drawn grey). */
export interface HeatmapRow {
  readonly label: string;
  readonly values: readonly (number | null)[];
}

/** A heatmap: rows (agents) × columns (time bins of equal width). */
export interface HeatmapSpec extends ChartFrame {
  readonly rows: readonly HeatmapRow[];
  /** The x value at the first column's left edge and at the last one's right edge. */
  readonly xDomain: readonly [number, number];
  /** What the colour means, for its legend: `share of the agent in use`. */
  readonly colorLabel: string;
  /** What a grey cell means, for the legend (omitted when no cell is null). */
  readonly nullLabel?: string;
  readonly markers?: readonly ChartMarker[];
}

/** A box per group (policy), with its points and the mean ± 95% confidence interval. */
export interface BoxPlotSpec extends ChartFrame {
  readonly groups: readonly {
    readonly label: string;
    readonly color: string;
    readonly values: readonly number[];
  }[];
}

/** A group of points in a scatter plot. */
export interface ScatterGroup {
  readonly label: string;
  readonly color: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** A scatter plot. */
export interface ScatterChartSpec extends ChartFrame {
  readonly groups: readonly ScatterGroup[];
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  /**
   * Draw the line y = x, on the same range for both axes: a paired comparison, where a point
   * under the line is a pair whose y is smaller.
   */
  readonly diagonal?: boolean;
}

/** The size of every chart's SVG, but heatmaps (taller with many rows). */
export const CHART_SIZE = { width: 760, height: 380 } as const;

const WIDTH = CHART_SIZE.width;
const HEIGHT = CHART_SIZE.height;
const MARGIN = { top: 44, right: 180, bottom: 50, left: 66 } as const;
const INNER_W = WIDTH - MARGIN.left - MARGIN.right;
const INNER_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Legend rows that fit beside the plot; more entries are summarised as "+N more". */
const LEGEND_ROWS = 20;
const LEGEND_ROW_PX = 14;
const AXIS_COLOR = '#444';
const GRID_COLOR = '#e6e6e6';

type Svg = d3.Selection<SVGSVGElement, unknown, null, undefined>;
type Group = d3.Selection<SVGGElement, unknown, null, undefined>;
type Scale = d3.ScaleLinear<number, number>;

/** Draws charts; get one with {@link ChartRenderer.load}. */
export class ChartRenderer {
  readonly #D3Node: typeof D3Node;

  private constructor(d3Node: typeof D3Node) {
    this.#D3Node = d3Node;
  }

  /** Loads d3-node (and jsdom) on first use. */
  static async load(): Promise<ChartRenderer> {
    const module = await import('d3-node');
    return new ChartRenderer(module.D3Node);
  }

  /** A line chart, as SVG markup. */
  lineChart(spec: LineChartSpec): string {
    const { d3n, svg, plot } = this.#frame(spec.title);
    const d3 = d3n.d3;
    const bands = spec.bands ?? [];
    const all = spec.series.flatMap((s) => s.points);
    const xs = [...all.map((p) => p[0]), ...bands.flatMap((b) => b.points.map((p) => p[0]))];
    const ys = [...all.map((p) => p[1]), ...bands.flatMap((b) => b.points.map((p) => p[2]))];
    const xDomain = spec.xDomain ?? ([Math.min(d3.min(xs) ?? 0, 0), Math.max(d3.max(xs) ?? 1, 1)] as const);
    const yMax = d3.max(ys) ?? 0;
    const yDomain = spec.yDomain ?? ([0, yMax > 0 ? yMax : 1] as const);
    const x = d3.scaleLinear().domain(xDomain).range([0, INNER_W]);
    const y = d3.scaleLinear().domain(yDomain).range([INNER_H, 0]);
    if (spec.yDomain === undefined) y.nice(6);
    drawAxes(d3, plot, x, y, spec);
    const step = spec.step === true;
    const references = spec.references ?? [];
    for (const r of references) {
      plot
        .append('line')
        .attr('class', 'reference')
        .attr('x1', 0)
        .attr('x2', INNER_W)
        .attr('y1', round1(y(r.y)))
        .attr('y2', round1(y(r.y)))
        .attr('stroke', r.color)
        .attr('stroke-width', 1.2)
        .attr('stroke-dasharray', '2 3');
    }
    for (const b of bands) {
      if (b.points.length === 0) continue;
      plot
        .append('path')
        .attr('class', 'band')
        .attr(
          'd',
          bandPath(
            b.points.map((p) => [x(p[0]), y(p[2])]),
            b.points.map((p) => [x(p[0]), y(p[1])]),
            step,
          ),
        )
        .attr('fill', b.color)
        .attr('fill-opacity', b.opacity)
        .attr('stroke', 'none');
    }
    for (const s of spec.series) {
      const d = segments(s.points, step)
        .map((seg) =>
          linePath(
            seg.map((p) => [x(p[0]), y(p[1])]),
            step,
          ),
        )
        .join('');
      if (d === '') continue;
      plot
        .append('path')
        .attr('class', 'series')
        .attr('d', d)
        .attr('fill', 'none')
        .attr('stroke', s.color)
        .attr('stroke-width', s.dotted === true ? 1.3 : 1.6)
        .attr('stroke-dasharray', s.dotted === true ? '2 3' : s.dashed === true ? '5 3' : null);
    }
    if (xs.length === 0) noData(plot);
    const markers = drawMarkers(plot, x, spec.markers ?? [], INNER_H);
    drawLegend(svg, [
      ...spec.series,
      ...bands.filter((b) => b.inLegend !== false).map((b) => ({ ...b, band: true })),
      ...references.map((r) => ({ label: r.label, color: r.color, dotted: true })),
      ...markers,
    ]);
    return d3n.svgString();
  }

  /**
   * A heatmap, as SVG markup. Values are shaded in 20 steps from white to dark blue, and runs of
   * cells of the same shade in a row are drawn as one rectangle (a 100 × 360 map stays small).
   */
  heatmap(spec: HeatmapSpec): string {
    // As high as the other charts, so they line up side by side: 64 rows get 4.5 px each.
    const innerH = INNER_H;
    const rowPx = innerH / Math.max(1, spec.rows.length);
    const height = HEIGHT;
    const { d3n, svg, plot } = this.#frame(spec.title, height);
    const d3 = d3n.d3;
    const x = d3.scaleLinear().domain(spec.xDomain).range([0, INNER_W]);
    const columns = Math.max(0, ...spec.rows.map((r) => r.values.length));
    const colW = columns === 0 ? INNER_W : INNER_W / columns;
    let sawNull = false;
    spec.rows.forEach((row, r) => {
      let start = 0;
      for (let c = 1; c <= row.values.length; c++) {
        const shade = heatShade(row.values[start]);
        if (c < row.values.length && heatShade(row.values[c]) === shade) continue;
        if (shade === null) sawNull = true;
        plot
          .append('rect')
          .attr('class', 'cell')
          .attr('x', round1(start * colW))
          .attr('y', round1(r * rowPx))
          .attr('width', round1((c - start) * colW))
          .attr('height', round1(rowPx + 0.05))
          .attr('fill', shade === null ? NULL_CELL_COLOR : heatColor((shade + 0.5) / 20));
        start = c;
      }
    });
    plot
      .append('g')
      .attr('class', 'axis x-axis')
      .attr('transform', `translate(0,${innerH})`)
      .call(d3.axisBottom(x).ticks(8))
      .call((g) => axisLabel(g, spec.xLabel, INNER_W / 2, 38));
    // Row labels: every one when they fit, else about one per 14 px.
    const every = Math.max(1, Math.ceil(11 / rowPx));
    const labels = plot.append('g').attr('class', 'axis y-axis');
    spec.rows.forEach((row, r) => {
      if (r % every !== 0) return;
      labels
        .append('text')
        .attr('x', -4)
        .attr('y', round1(r * rowPx + rowPx / 2 + 3))
        .attr('text-anchor', 'end')
        .attr('font-size', 9)
        .attr('fill', AXIS_COLOR)
        .text(row.label);
    });
    labels.call((g) => axisLabel(g, spec.yLabel, -innerH / 2, -56, true));
    const markers = drawMarkers(plot, x, spec.markers ?? [], innerH);
    const legend = drawLegend(svg, [
      ...(sawNull && spec.nullLabel !== undefined
        ? [{ label: spec.nullLabel, color: NULL_CELL_COLOR, band: true }]
        : []),
      ...markers,
    ]);
    // The colour scale, under the legend entries: 10 steps from 0 to 1.
    const top = (legend + 1) * LEGEND_ROW_PX;
    const scale = svg
      .append('g')
      .attr('class', 'color-scale')
      .attr('transform', `translate(${WIDTH - MARGIN.right + 16},${MARGIN.top + top})`);
    scale.append('text').attr('x', 0).attr('y', 0).attr('fill', '#222').text(spec.colorLabel);
    for (let i = 0; i < 10; i++) {
      scale
        .append('rect')
        .attr('x', 0)
        .attr('y', 8 + (9 - i) * 10)
        .attr('width', 18)
        .attr('height', 10)
        .attr('fill', heatColor((i * 2 + 1) / 20));
    }
    for (const [v, label] of [
      [1, '1'],
      [0.5, '0.5'],
      [0, '0'],
    ] as const) {
      scale
        .append('text')
        .attr('x', 24)
        .attr('y', round1(8 + (1 - v) * 100 + 4))
        .attr('fill', '#222')
        .text(label);
    }
    return d3n.svgString();
  }

  /**
   * Box plots side by side, as SVG markup: per group the box from the first to the third
   * quartile with the median, whiskers to the smallest and largest value, every value as a dot,
   * and the mean with its 95% confidence interval (Student's t) as a black diamond and bar.
   */
  boxPlot(spec: BoxPlotSpec): string {
    const { d3n, svg, plot } = this.#frame(spec.title);
    const d3 = d3n.d3;
    const x = d3
      .scaleBand()
      .domain(spec.groups.map((g) => g.label))
      .range([0, INNER_W])
      .padding(0.3);
    const all = spec.groups.flatMap((g) => g.values);
    const stats = spec.groups.map((g) => ({ group: g, box: boxStats(g.values) }));
    // Zoomed to the values (not from 0): the boxes are there to be told apart.
    const y = d3
      .scaleLinear()
      .domain(
        paddedExtent([
          ...all,
          ...stats.flatMap((s) => (s.box === undefined ? [] : [s.box.ciLow, s.box.ciHigh])),
        ]),
      )
      .range([INNER_H, 0])
      .nice(6);
    drawAxes(d3, plot, null, y, spec);
    plot
      .append('g')
      .attr('class', 'axis x-axis')
      .attr('transform', `translate(0,${INNER_H})`)
      .call(d3.axisBottom(x))
      .call((g) => axisLabel(g, spec.xLabel, INNER_W / 2, 38));
    const w = x.bandwidth();
    for (const { group, box } of stats) {
      const left = x(group.label) ?? 0;
      if (box === undefined) continue;
      const g = plot.append('g').attr('class', 'box');
      const mid = round1(left + w * 0.35);
      g.append('line')
        .attr('x1', mid)
        .attr('x2', mid)
        .attr('y1', round1(y(box.min)))
        .attr('y2', round1(y(box.max)))
        .attr('stroke', group.color);
      g.append('rect')
        .attr('x', round1(left))
        .attr('y', round1(y(box.q3)))
        .attr('width', round1(w * 0.7))
        .attr('height', Math.max(1, round1(y(box.q1) - y(box.q3))))
        .attr('fill', group.color)
        .attr('fill-opacity', 0.25)
        .attr('stroke', group.color);
      g.append('line')
        .attr('x1', round1(left))
        .attr('x2', round1(left + w * 0.7))
        .attr('y1', round1(y(box.median)))
        .attr('y2', round1(y(box.median)))
        .attr('stroke', group.color)
        .attr('stroke-width', 2.5);
      group.values.forEach((v, i) => {
        g.append('circle')
          .attr('class', 'point')
          .attr('cx', round1(left + w * 0.7 * ((i + 0.5) / group.values.length)))
          .attr('cy', round1(y(v)))
          .attr('r', 2.5)
          .attr('fill', group.color);
      });
      const ciX = round1(left + w * 0.88);
      g.append('line')
        .attr('class', 'ci')
        .attr('x1', ciX)
        .attr('x2', ciX)
        .attr('y1', round1(y(box.ciLow)))
        .attr('y2', round1(y(box.ciHigh)))
        .attr('stroke', '#222')
        .attr('stroke-width', 1.5);
      g.append('path')
        .attr('class', 'mean')
        .attr('d', `M${ciX},${round1(y(box.mean) - 5)}l5,5l-5,5l-5,-5Z`)
        .attr('fill', '#222');
    }
    if (all.length === 0) noData(plot);
    drawLegend(svg, [
      ...spec.groups,
      { label: 'box: quartiles, median', color: '#999999', band: true, opacity: 0.4 },
      { label: 'whisker: min–max', color: '#999999' },
      { label: '◆ mean, bar: 95% CI', color: '#222222' },
    ]);
    return d3n.svgString();
  }

  /** A scatter plot, as SVG markup. */
  scatterChart(spec: ScatterChartSpec): string {
    const { d3n, svg, plot } = this.#frame(spec.title);
    const d3 = d3n.d3;
    const all = spec.groups.flatMap((g) => g.points);
    const both = paddedExtent(all.flatMap((p) => [p.x, p.y]));
    const diagonal = spec.diagonal === true;
    const x = d3
      .scaleLinear()
      .domain(spec.xDomain ?? (diagonal ? both : paddedExtent(all.map((p) => p.x))))
      .range([0, INNER_W]);
    const y = d3
      .scaleLinear()
      .domain(spec.yDomain ?? (diagonal ? both : paddedExtent(all.map((p) => p.y))))
      .range([INNER_H, 0]);
    drawAxes(d3, plot, x, y, spec);
    if (diagonal) {
      const [lo, hi] = [
        Math.max(x.domain()[0] as number, y.domain()[0] as number),
        Math.min(x.domain()[1] as number, y.domain()[1] as number),
      ];
      plot
        .append('line')
        .attr('class', 'diagonal')
        .attr('x1', round1(x(lo)))
        .attr('y1', round1(y(lo)))
        .attr('x2', round1(x(hi)))
        .attr('y2', round1(y(hi)))
        .attr('stroke', '#888')
        .attr('stroke-dasharray', '4 3');
    }
    for (const g of spec.groups) {
      for (const p of g.points) {
        plot
          .append('circle')
          .attr('class', 'point')
          .attr('cx', round1(x(p.x)))
          .attr('cy', round1(y(p.y)))
          .attr('r', 4)
          .attr('fill', g.color)
          .attr('fill-opacity', 0.75)
          .attr('stroke', '#fff')
          .attr('stroke-width', 0.8);
      }
    }
    if (all.length === 0) noData(plot);
    drawLegend(svg, [
      ...spec.groups,
      ...(diagonal ? [{ label: 'y = x (no change)', color: '#888888', dashed: true }] : []),
    ]);
    return d3n.svgString();
  }

  #frame(title: string, height: number = HEIGHT): { d3n: D3Node; svg: Svg; plot: Group } {
    const d3n = new this.#D3Node();
    const svg = d3n.createSVG(WIDTH, height, {
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: 'img',
      'font-family': 'Helvetica, Arial, sans-serif',
      'font-size': 11,
    });
    svg.append('title').text(title);
    svg.append('rect').attr('width', WIDTH).attr('height', height).attr('fill', '#fff');
    svg
      .append('text')
      .attr('class', 'chart-title')
      .attr('x', MARGIN.left)
      .attr('y', 24)
      .attr('font-size', 15)
      .attr('font-weight', 'bold')
      .attr('fill', '#222')
      .text(title);
    const plot = svg
      .append('g')
      .attr('class', 'plot')
      .attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    return { d3n, svg, plot };
  }
}

function drawAxes(d3: typeof import('d3'), plot: Group, x: Scale | null, y: Scale, frame: ChartFrame): void {
  plot
    .append('g')
    .attr('class', 'grid')
    .selectAll('line')
    .data(y.ticks(6))
    .enter()
    .append('line')
    .attr('x1', 0)
    .attr('x2', INNER_W)
    .attr('y1', (v) => round1(y(v)))
    .attr('y2', (v) => round1(y(v)))
    .attr('stroke', GRID_COLOR);
  if (x !== null) drawXAxis(d3, plot, x, frame);
  const yAxis = plot.append('g').attr('class', 'axis y-axis').call(d3.axisLeft(y).ticks(6));
  yAxis.call((g) => axisLabel(g, frame.yLabel, -INNER_H / 2, -48, true));
}

/** An axis's label, centred along it; `vertical` for a y axis (its x is then along the axis). */
function axisLabel(axis: Group, text: string, x: number, y: number, vertical = false): void {
  axis
    .append('text')
    .attr('class', 'axis-label')
    .attr('transform', vertical ? 'rotate(-90)' : null)
    .attr('x', x)
    .attr('y', y)
    .attr('fill', AXIS_COLOR)
    .attr('text-anchor', 'middle')
    .text(text);
}

function drawXAxis(d3: typeof import('d3'), plot: Group, x: Scale, frame: ChartFrame): void {
  const xAxis = plot
    .append('g')
    .attr('class', 'axis x-axis')
    .attr('transform', `translate(0,${INNER_H})`)
    .call(d3.axisBottom(x).ticks(8));
  xAxis.call((g) => axisLabel(g, frame.xLabel, INNER_W / 2, 38));
}

/** A legend row: a line swatch, or a filled one for a band. */
interface LegendEntry {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** A thin dotted line (a reference or a marker). */
  readonly dotted?: boolean;
  readonly band?: boolean;
  readonly opacity?: number;
}

/** Draws the legend; returns how many rows it took. */
function drawLegend(svg: Svg, entries: readonly LegendEntry[]): number {
  const legend = svg
    .append('g')
    .attr('class', 'legend')
    .attr('transform', `translate(${WIDTH - MARGIN.right + 16},${MARGIN.top})`);
  const shown = entries.length > LEGEND_ROWS ? entries.slice(0, LEGEND_ROWS - 1) : entries;
  shown.forEach((e, i) => {
    const row = legend.append('g').attr('transform', `translate(0,${i * LEGEND_ROW_PX})`);
    if (e.band === true) {
      row
        .append('rect')
        .attr('x', 0)
        .attr('y', -5)
        .attr('width', 18)
        .attr('height', 10)
        .attr('fill', e.color)
        .attr('fill-opacity', e.opacity ?? 1);
      row.append('text').attr('x', 24).attr('y', 4).attr('fill', '#222').text(e.label);
      return;
    }
    row
      .append('line')
      .attr('x1', 0)
      .attr('x2', 18)
      .attr('y1', 0)
      .attr('y2', 0)
      .attr('stroke', e.color)
      .attr('stroke-width', e.dotted === true ? 1.5 : 4)
      .attr('stroke-dasharray', e.dotted === true ? '2 3' : e.dashed === true ? '5 3' : null);
    row.append('text').attr('x', 24).attr('y', 4).attr('fill', '#222').text(e.label);
  });
  if (shown.length < entries.length) {
    legend
      .append('text')
      .attr('x', 24)
      .attr('y', shown.length * LEGEND_ROW_PX + 4)
      .attr('fill', '#666')
      .text(`+${entries.length - shown.length} more`);
    return shown.length + 1;
  }
  return shown.length;
}

/**
 * Draws `markers` as vertical dotted lines across a plot `height` high, each with its label at
 * the top; returns one legend entry per kind. Labels of markers closer than a label's height
 * step down so they do not overprint.
 */
function drawMarkers(plot: Group, x: Scale, markers: readonly ChartMarker[], height: number): LegendEntry[] {
  const kinds = new Map<string, string>();
  const g = plot.append('g').attr('class', 'markers');
  const shown = markers.filter((m) => x(m.x) >= 0 && x(m.x) <= INNER_W);
  shown.forEach((m, i) => {
    const px = round1(x(m.x));
    kinds.set(m.kind, m.color);
    // A label runs down its line on the right; when the next marker is close, on the left, so
    // two close labels sit apart rather than on top of each other.
    const next = shown[i + 1];
    const left = next !== undefined && x(next.x) - px < 12;
    g.append('line')
      .attr('class', 'marker')
      .attr('data-x', m.x)
      .attr('x1', px)
      .attr('x2', px)
      .attr('y1', 0)
      .attr('y2', height)
      .attr('stroke', m.color)
      .attr('stroke-width', 1.2)
      .attr('stroke-dasharray', '2 3');
    g.append('text')
      .attr('class', 'marker-label')
      .attr('transform', `translate(${round1(left ? px - 10 : px + 3)},4) rotate(90)`)
      .attr('font-size', 9)
      .attr('fill', m.color)
      .text(m.label);
  });
  return [...kinds].map(([label, color]) => ({ label, color, dotted: true }));
}

/**
 * The pieces of a line to draw, split where y is NaN (a gap). A step line's piece runs on to the
 * next point's x, where its last value ends.
 */
function segments(
  points: readonly (readonly [number, number])[],
  step: boolean,
): (readonly [number, number])[][] {
  const out: (readonly [number, number])[][] = [];
  let current: (readonly [number, number])[] = [];
  for (const p of points) {
    if (Number.isNaN(p[1])) {
      const last = current.at(-1);
      if (step && last !== undefined) current.push([p[0], last[1]]);
      if (current.length > 0) out.push(current);
      current = [];
    } else current.push(p);
  }
  if (current.length > 0) out.push(current);
  return out;
}

const NULL_CELL_COLOR = '#c8c8c8';

/** A value's shade, 0–19, or null for no value. */
function heatShade(v: number | null | undefined): number | null {
  if (v === null || v === undefined || Number.isNaN(v)) return null;
  return Math.min(19, Math.max(0, Math.floor(v * 20)));
}

/** White (0) to dark blue (1): a single hue reads as "more". */
function heatColor(t: number): string {
  const lerp = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${lerp(247, 8)},${lerp(251, 48)},${lerp(255, 107)})`;
}

/** Quartiles, extremes, mean and its 95% confidence interval; undefined for no values. */
export function boxStats(values: readonly number[]):
  | {
      min: number;
      q1: number;
      median: number;
      q3: number;
      max: number;
      mean: number;
      ciLow: number;
      ciHigh: number;
    }
  | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => {
    const at = p * (sorted.length - 1);
    const lo = Math.floor(at);
    const hi = Math.ceil(at);
    return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
  };
  const { mean, halfWidth } = meanConfidence(values);
  return {
    min: sorted[0] as number,
    q1: q(0.25),
    median: q(0.5),
    q3: q(0.75),
    max: sorted.at(-1) as number,
    mean,
    ciLow: mean - halfWidth,
    ciHigh: mean + halfWidth,
  };
}

function noData(plot: Group): void {
  plot
    .append('text')
    .attr('x', INNER_W / 2)
    .attr('y', INNER_H / 2)
    .attr('text-anchor', 'middle')
    .attr('fill', '#888')
    .text('no data');
}

/** The extent of `values` widened by 5% each side (a unit range around a single value). */
function paddedExtent(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.max(Math.abs(lo) * 0.05, 0.01);
  return [lo - pad, hi + pad];
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
