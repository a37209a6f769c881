// Small line charts as inline SVG, drawn from plain arrays: no library, nothing fetched.

const SVG = 'http://www.w3.org/2000/svg';

/** Colours for lines, in order (the same hues as the run report's palette, roughly). */
export const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

/**
 * Draws `lines` ([{name, color, points: [[x, y], …]}]) into `container` over x in [xMin, xMax]
 * and y in [0, yMax], with `markers` ([{x, color, label}]) as vertical rules and a `now` rule.
 * `formatX` labels the x axis.
 */
export function drawLines(container, { lines, xMin, xMax, yMax, markers = [], now, formatX, formatY }) {
  const width = 640;
  const height = 200;
  const pad = { left: 44, right: 10, top: 8, bottom: 22 };
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img' });
  const span = Math.max(xMax - xMin, 1e-9);
  const x = (v) => pad.left + ((v - xMin) / span) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (Math.min(v, yMax) / yMax) * (height - pad.top - pad.bottom);
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    el('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), stroke: '#e5e7eb' }, svg);
    el(
      'text',
      { x: pad.left - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#6b7280' },
      svg,
    ).textContent = formatY(v);
  }
  for (let i = 0; i <= 4; i++) {
    const v = xMin + (span * i) / 4;
    el(
      'text',
      {
        x: x(v),
        y: height - 6,
        'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle',
        'font-size': 10,
        fill: '#6b7280',
      },
      svg,
    ).textContent = formatX(v);
  }
  for (const m of markers) {
    if (m.x < xMin || m.x > xMax) continue;
    const rule = el(
      'line',
      {
        x1: x(m.x),
        x2: x(m.x),
        y1: pad.top,
        y2: height - pad.bottom,
        stroke: m.color,
        'stroke-dasharray': '3 2',
      },
      svg,
    );
    el('title', {}, rule).textContent = m.label;
  }
  if (now !== undefined && now >= xMin && now <= xMax) {
    el(
      'line',
      { x1: x(now), x2: x(now), y1: pad.top, y2: height - pad.bottom, stroke: '#111827', 'stroke-width': 1 },
      svg,
    );
  }
  for (const line of lines) {
    if (line.points.length === 0) continue;
    // Steps: a value holds until the next one (state changes happen at instants).
    let d = '';
    line.points.forEach(([px, py], i) => {
      const next = line.points[i + 1];
      d += `${i === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`;
      if (next !== undefined) d += `L${x(next[0]).toFixed(1)},${y(py).toFixed(1)}`;
    });
    el(
      'path',
      { d, fill: 'none', stroke: line.color, 'stroke-width': 1.6, 'vector-effect': 'non-scaling-stroke' },
      svg,
    );
  }
  const legend = document.createElement('div');
  legend.className = 'legend';
  for (const line of lines) {
    const item = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.style.background = line.color;
    item.append(swatch, line.name);
    legend.append(item);
  }
  if (lines.length === 0) legend.textContent = 'nothing to draw yet';
  container.replaceChildren(svg, legend);
}
