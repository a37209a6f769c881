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
import { bandPath, linePath } from './svg-path.js';

/** What every chart has. */
export interface ChartFrame {
  readonly title: string;
  /** The x axis label, with its unit: `time (min)`. */
  readonly xLabel: string;
  /** The y axis label, with its unit. */
  readonly yLabel: string;
}

/** One line: its legend label, colour and points (x ascending). */
export interface LineSeries {
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
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
}

const WIDTH = 760;
const HEIGHT = 380;
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
      if (s.points.length === 0) continue;
      plot
        .append('path')
        .attr('class', 'series')
        .attr(
          'd',
          linePath(
            s.points.map((p) => [x(p[0]), y(p[1])]),
            step,
          ),
        )
        .attr('fill', 'none')
        .attr('stroke', s.color)
        .attr('stroke-width', 1.6)
        .attr('stroke-dasharray', s.dashed === true ? '5 3' : null);
    }
    if (xs.length === 0) noData(plot);
    drawLegend(svg, [
      ...spec.series,
      ...bands.filter((b) => b.inLegend !== false).map((b) => ({ ...b, band: true })),
    ]);
    return d3n.svgString();
  }

  /** A scatter plot, as SVG markup. */
  scatterChart(spec: ScatterChartSpec): string {
    const { d3n, svg, plot } = this.#frame(spec.title);
    const d3 = d3n.d3;
    const all = spec.groups.flatMap((g) => g.points);
    const x = d3
      .scaleLinear()
      .domain(spec.xDomain ?? paddedExtent(all.map((p) => p.x)))
      .range([0, INNER_W]);
    const y = d3
      .scaleLinear()
      .domain(spec.yDomain ?? paddedExtent(all.map((p) => p.y)))
      .range([INNER_H, 0]);
    drawAxes(d3, plot, x, y, spec);
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
    drawLegend(svg, spec.groups);
    return d3n.svgString();
  }

  #frame(title: string): { d3n: D3Node; svg: Svg; plot: Group } {
    const d3n = new this.#D3Node();
    const svg = d3n.createSVG(WIDTH, HEIGHT, {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'font-family': 'Helvetica, Arial, sans-serif',
      'font-size': 11,
    });
    svg.append('title').text(title);
    svg.append('rect').attr('width', WIDTH).attr('height', HEIGHT).attr('fill', '#fff');
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

function drawAxes(d3: typeof import('d3'), plot: Group, x: Scale, y: Scale, frame: ChartFrame): void {
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
  const xAxis = plot
    .append('g')
    .attr('class', 'axis x-axis')
    .attr('transform', `translate(0,${INNER_H})`)
    .call(d3.axisBottom(x).ticks(8));
  xAxis
    .append('text')
    .attr('class', 'axis-label')
    .attr('x', INNER_W / 2)
    .attr('y', 38)
    .attr('fill', AXIS_COLOR)
    .attr('text-anchor', 'middle')
    .text(frame.xLabel);
  const yAxis = plot.append('g').attr('class', 'axis y-axis').call(d3.axisLeft(y).ticks(6));
  yAxis
    .append('text')
    .attr('class', 'axis-label')
    .attr('transform', 'rotate(-90)')
    .attr('x', -INNER_H / 2)
    .attr('y', -48)
    .attr('fill', AXIS_COLOR)
    .attr('text-anchor', 'middle')
    .text(frame.yLabel);
}

/** A legend row: a line swatch, or a filled one for a band. */
interface LegendEntry {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly band?: boolean;
  readonly opacity?: number;
}

function drawLegend(svg: Svg, entries: readonly LegendEntry[]): void {
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
      .attr('stroke-width', 4)
      .attr('stroke-dasharray', e.dashed === true ? '5 3' : null);
    row.append('text').attr('x', 24).attr('y', 4).attr('fill', '#222').text(e.label);
  });
  if (shown.length < entries.length) {
    legend
      .append('text')
      .attr('x', 24)
      .attr('y', shown.length * LEGEND_ROW_PX + 4)
      .attr('fill', '#666')
      .text(`+${entries.length - shown.length} more`);
  }
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
