/** Panels: a box with scales, a grid, both axes with their titles, and a title above it. */
import { axisBottom, axisLeft, format as d3format, scaleLinear, scaleLog } from 'd3';
import { COLORS, FONT, FONT_FAMILY } from './theme.ts';
import { fitText, type Box, type Canvas, type G, type Scale } from './canvas.ts';

/** One axis of a panel. */
export interface AxisSpec {
  /** Axis title, with its unit: "time (ms)". */
  label: string;
  domain: [number, number];
  log?: boolean;
  /** Approximate number of ticks. */
  ticks?: number;
  /** d3-format specifier of the tick labels. */
  format?: string;
  /** Draw the axis title (small multiples label only the outer panels). */
  showLabel?: boolean;
  /** Draw tick labels (default true). */
  showTickLabels?: boolean;
  /** Extend the domain to round numbers (default true for linear axes). */
  nice?: boolean;
}

export interface PanelSpec {
  box: Box;
  x: AxisSpec;
  y: AxisSpec;
  title?: string;
  /** Light grid lines at the ticks (default true). */
  grid?: boolean;
  /** Extra class on the panel group. */
  className?: string;
}

/** A panel: its group, the group to draw data into, and its scales. */
export interface Panel {
  g: G;
  plot: G;
  x: Scale;
  y: Scale;
  box: Box;
}

function makeScale(a: AxisSpec, range: [number, number]): Scale {
  if (a.log) {
    const s = scaleLog().domain(a.domain).range(range);
    if (a.nice !== false) s.nice();
    return s;
  }
  const s = scaleLinear().domain(a.domain).range(range);
  // Round the ends to a finer step than the ticks: d3's nice(5) can add a whole tick step of
  // empty space on each side ([-2.2, 4.1] became [-4, 6]).
  if (a.nice !== false) s.nice(Math.max(10, 2 * (a.ticks ?? 5)));
  return s;
}

function tickFormat(a: AxisSpec, scale: Scale): (v: number) => string {
  if (a.log) {
    // One label per decade, written out (1e-4 -> "1e-4"), nothing between.
    return (v: number) => {
      const e = Math.log10(v);
      if (Math.abs(e - Math.round(e)) > 1e-9) return '';
      return powerOfTen(Math.round(e));
    };
  }
  if (a.format) return d3format(a.format);
  const f = scale.tickFormat(a.ticks ?? 5);
  return (v: number) => f(v).replace('-', '−');
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** 10^e written with superscripts ("10⁻⁴"); 1 and 10 written plainly. */
export function powerOfTen(e: number): string {
  if (e === 0) return '1';
  if (e === 1) return '10';
  return `10${[...String(e)].map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
}

function styleAxis(g: G): void {
  g.attr('font-size', FONT.tick).attr('font-family', FONT_FAMILY);
  g.selectAll('text').attr('fill', COLORS.ink);
  g.selectAll('.domain, line').attr('stroke', COLORS.muted);
}

/** Draw a panel: background grid, both axes with their titles, and a title above it. */
export function addPanel(canvas: Canvas, spec: PanelSpec): Panel {
  const { box } = spec;
  const x = makeScale(spec.x, [box.left, box.left + box.width]);
  const y = makeScale(spec.y, [box.top + box.height, box.top]);
  const g = canvas.group(`panel${spec.className ? ` ${spec.className}` : ''}`);
  const xTicks = spec.x.log ? x.ticks() : x.ticks(spec.x.ticks ?? 5);
  const yTicks = spec.y.log ? y.ticks() : y.ticks(spec.y.ticks ?? 5);
  if (spec.grid !== false) {
    const grid = g.append('g').attr('class', 'grid').attr('stroke', COLORS.grid).attr('stroke-width', 1);
    const majorX = spec.x.log ? xTicks.filter((v) => tickFormat(spec.x, x)(v) !== '') : xTicks;
    const majorY = spec.y.log ? yTicks.filter((v) => tickFormat(spec.y, y)(v) !== '') : yTicks;
    for (const v of majorX)
      grid
        .append('line')
        .attr('x1', x(v))
        .attr('x2', x(v))
        .attr('y1', box.top)
        .attr('y2', box.top + box.height);
    for (const v of majorY)
      grid
        .append('line')
        .attr('y1', y(v))
        .attr('y2', y(v))
        .attr('x1', box.left)
        .attr('x2', box.left + box.width);
  }
  const xf = tickFormat(spec.x, x);
  const yf = tickFormat(spec.y, y);
  const xAxis = axisBottom(x)
    .tickValues(xTicks)
    .tickFormat((v) => (spec.x.showTickLabels === false ? '' : xf(Number(v))))
    .tickSizeOuter(0);
  const yAxis = axisLeft(y)
    .tickValues(yTicks)
    .tickFormat((v) => (spec.y.showTickLabels === false ? '' : yf(Number(v))))
    .tickSizeOuter(0);
  const gx = g
    .append('g')
    .attr('class', 'axis x')
    .attr('transform', `translate(0,${box.top + box.height})`);
  xAxis(gx);
  styleAxis(gx);
  const gy = g.append('g').attr('class', 'axis y').attr('transform', `translate(${box.left},0)`);
  yAxis(gy);
  styleAxis(gy);
  if (spec.x.showLabel !== false)
    g.append('text')
      .attr('class', 'axis-label x')
      .attr('x', box.left + box.width / 2)
      .attr('y', box.top + box.height + 38)
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.axisLabel)
      .attr('fill', COLORS.ink)
      .text(spec.x.label);
  if (spec.y.showLabel !== false)
    g.append('text')
      .attr('class', 'axis-label y')
      .attr('transform', `translate(${box.left - 48},${box.top + box.height / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.axisLabel)
      .attr('fill', COLORS.ink)
      .text(spec.y.label);
  if (spec.title)
    g.append('text')
      .attr('class', 'panel-title')
      .attr('x', box.left + box.width / 2)
      .attr('y', box.top - 7)
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.panelTitle)
      .attr('font-weight', 'bold')
      .attr('fill', COLORS.ink)
      .text(fitText(spec.title, box.width + 12, FONT.panelTitle));
  const plot = g.append('g').attr('class', 'marks');
  return { g, plot, x, y, box };
}

/** [min, max] of finite values, padded by a fraction of the range (a point gets +-1). */
export function paddedExtent(values: Iterable<number>, pad = 0.05): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}
