/**
 * The drawing frame every figure is built on: a standalone SVG root with a title, panels with
 * labelled axes, legends and annotation boxes. D3 (selection, scale, axis, shape) does the drawing
 * on whatever DOM it is given: the page's own document in the browser, a linkedom document in Node
 * and in Web Workers. The result is always a standalone SVG string.
 */
import {
  axisBottom,
  axisLeft,
  format as d3format,
  scaleLinear,
  scaleLog,
  select,
  symbol,
  symbolCircle,
  symbolDiamond,
  symbolSquare,
  symbolTriangle,
  symbolCross,
  type ScaleContinuousNumeric,
  type Selection,
} from 'd3';
import { COLORS, FONT, FONT_FAMILY, fmt, textWidth } from './theme.ts';

export { fmt };

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** A D3 selection of an SVG group. */
export type G = Selection<SVGGElement, unknown, null, undefined>;
/** A D3 selection of the SVG root. */
export type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
/** A continuous scale (linear or log). */
export type Scale = ScaleContinuousNumeric<number, number>;

let lightDocument: Document | undefined;

/**
 * A document to draw in: the page's own in a browser window, otherwise (Node, Web Worker) a
 * linkedom document, loaded on first use so browser bundles only fetch it where it is needed.
 */
export async function svgDocument(): Promise<Document> {
  if (typeof document !== 'undefined' && typeof document.createElementNS === 'function') return document;
  if (!lightDocument) {
    const { parseHTML } = await import('linkedom');
    lightDocument = parseHTML('<!doctype html><html><head></head><body></body></html>').document;
  }
  return lightDocument;
}

/** Serialise an SVG element as a standalone XML document string. */
export function serializeSvg(el: Element): string {
  if (typeof XMLSerializer !== 'undefined') return new XMLSerializer().serializeToString(el);
  return el.outerHTML;
}

/** A rectangle in px: the inner plotting area of a panel. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Options of a figure's canvas. */
export interface CanvasOptions {
  width: number;
  height: number;
  title: string;
  /** Longer text stored as the SVG's <desc> (screen readers, tooltips). */
  description?: string;
  /** Figure kind, stored as a class on the root (`plot-eigenvalues`). */
  kind: string;
}

/** Height of the band the figure title takes at the top. */
export const TITLE_BAND = 34;

/** Shorten a text with an ellipsis so it fits `maxWidth` px at `fontSize`. */
export function fitText(text: string, maxWidth: number, fontSize: number): string {
  if (textWidth(text, fontSize) <= maxWidth) return text;
  const chars = Math.max(1, Math.floor(maxWidth / (fontSize * 0.6)) - 1);
  return `${text.slice(0, chars)}…`;
}

/** The root of one figure. */
export class Canvas {
  readonly svg: Svg;
  readonly width: number;
  readonly height: number;

  constructor(doc: Document, options: CanvasOptions) {
    this.width = options.width;
    this.height = options.height;
    const el = doc.createElementNS(SVG_NS, 'svg');
    this.svg = select(el);
    this.svg
      .attr('xmlns', SVG_NS)
      .attr('width', options.width)
      .attr('height', options.height)
      .attr('viewBox', `0 0 ${options.width} ${options.height}`)
      .attr('class', `cortexflow-figure plot-${options.kind}`)
      .attr('font-family', FONT_FAMILY)
      .attr('color', COLORS.ink)
      .attr('role', 'img');
    this.svg.append('title').text(options.title);
    // A long title is set smaller (down to 13 px) before it is ever shortened.
    let titleSize: number = FONT.title;
    while (titleSize > 13 && textWidth(options.title, titleSize) > options.width - 20) titleSize--;
    if (options.description) this.svg.append('desc').text(options.description);
    this.svg
      .append('rect')
      .attr('class', 'background')
      .attr('width', options.width)
      .attr('height', options.height)
      .attr('fill', COLORS.background);
    this.svg
      .append('text')
      .attr('class', 'figure-title')
      .attr('x', options.width / 2)
      .attr('y', 23)
      .attr('text-anchor', 'middle')
      .attr('font-size', titleSize)
      .attr('font-weight', 'bold')
      .attr('fill', COLORS.ink)
      .text(fitText(options.title, options.width - 20, titleSize));
  }

  /** A new group on top of everything drawn so far. */
  group(cls: string): G {
    return this.svg.append('g').attr('class', cls);
  }

  toString(): string {
    return serializeSvg(this.svg.node() as Element);
  }
}

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

/** Point shapes used for markers and legends. */
export type Shape = 'circle' | 'square' | 'triangle' | 'diamond' | 'cross';

const SYMBOLS = {
  circle: symbolCircle,
  square: symbolSquare,
  triangle: symbolTriangle,
  diamond: symbolDiamond,
  cross: symbolCross,
} as const;

export interface PointStyle {
  shape?: Shape;
  /** Marker area in px^2 (d3.symbol's size). */
  size?: number;
  color: string;
  filled?: boolean;
  /** Hollow markers are filled white (they stay visible over lines) unless this is true. */
  transparent?: boolean;
  className?: string;
  strokeWidth?: number;
}

/** Draw one marker centred at (x, y). */
export function drawPoint(g: G, x: number, y: number, style: PointStyle): void {
  const shape = style.shape ?? 'circle';
  const size = style.size ?? 40;
  const p = g
    .append('path')
    .attr('class', style.className ?? 'point')
    .attr('d', symbol(SYMBOLS[shape], size)() ?? '')
    .attr('transform', `translate(${round(x)},${round(y)})`)
    .attr('stroke', style.color)
    .attr('stroke-width', style.strokeWidth ?? 1.5)
    .attr('fill', style.filled === false ? (style.transparent ? 'none' : COLORS.background) : style.color);
  if (style.filled === false && !style.transparent) p.attr('fill-opacity', 0.9);
}

/** Round a coordinate to 0.01 px (smaller files, identical look). */
export function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** One legend entry. */
export interface LegendItem {
  label: string;
  color: string;
  mark: 'line' | 'point' | 'band';
  dash?: string;
  strokeWidth?: number;
  shape?: Shape;
  filled?: boolean;
}

const SWATCH = 26;

/**
 * Lay legend items out left to right from (left, top), wrapping at `maxWidth`.
 * Returns the height used.
 */
export function addLegend(
  canvas: Canvas,
  items: LegendItem[],
  at: { left: number; top: number; maxWidth: number },
): number {
  const g = canvas.group('legend');
  const rowH = FONT.legend + 8;
  let x = at.left;
  let y = at.top;
  for (const item of items) {
    const w = SWATCH + 6 + textWidth(item.label, FONT.legend) + 16;
    if (x > at.left && x + w > at.left + at.maxWidth) {
      x = at.left;
      y += rowH;
    }
    const e = g
      .append('g')
      .attr('class', 'legend-item')
      .attr('transform', `translate(${round(x)},${round(y)})`);
    const cy = rowH / 2;
    if (item.mark === 'line') {
      const l = e
        .append('line')
        .attr('x1', 0)
        .attr('x2', SWATCH)
        .attr('y1', cy)
        .attr('y2', cy)
        .attr('stroke', item.color)
        .attr('stroke-width', item.strokeWidth ?? 2);
      if (item.dash) l.attr('stroke-dasharray', item.dash);
    } else if (item.mark === 'band') {
      e.append('rect')
        .attr('x', 2)
        .attr('y', cy - 6)
        .attr('width', SWATCH - 4)
        .attr('height', 12)
        .attr('fill', item.color)
        .attr('opacity', 0.75);
    } else {
      drawPoint(e, SWATCH / 2, cy, {
        shape: item.shape ?? 'circle',
        size: 60,
        color: item.color,
        filled: item.filled ?? true,
      });
    }
    e.append('text')
      .attr('x', SWATCH + 6)
      .attr('y', cy)
      .attr('dy', '0.35em')
      .attr('font-size', FONT.legend)
      .attr('fill', COLORS.ink)
      .text(item.label);
    x += w;
  }
  return y - at.top + rowH;
}

/** Height a legend of these items would take (same layout as {@link addLegend}). */
export function legendHeight(items: LegendItem[], maxWidth: number): number {
  const rowH = FONT.legend + 8;
  let x = 0;
  let rows = items.length > 0 ? 1 : 0;
  for (const item of items) {
    const w = SWATCH + 6 + textWidth(item.label, FONT.legend) + 16;
    if (x > 0 && x + w > maxWidth) {
      x = 0;
      rows++;
    }
    x += w;
  }
  return rows * rowH;
}

/**
 * A block of text lines on a translucent white box (statistics, annotations). `anchor` says
 * which corner (x, y) is.
 */
export function addTextBox(
  g: G,
  lines: string[],
  at: { x: number; y: number; anchor: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' },
  className = 'annotation',
): void {
  const lh = FONT.annotation + 4;
  const w = Math.max(...lines.map((l) => textWidth(l, FONT.annotation))) + 12;
  const h = lines.length * lh + 8;
  const left = at.anchor.endsWith('left') ? at.x : at.x - w;
  const top = at.anchor.startsWith('top') ? at.y : at.y - h;
  const box = g
    .append('g')
    .attr('class', className)
    .attr('transform', `translate(${round(left)},${round(top)})`);
  box
    .append('rect')
    .attr('width', w)
    .attr('height', h)
    .attr('rx', 3)
    .attr('fill', '#ffffff')
    .attr('fill-opacity', 0.85)
    .attr('stroke', COLORS.grid);
  lines.forEach((l, i) => {
    box
      .append('text')
      .attr('x', 6)
      .attr('y', 4 + lh * (i + 1) - 4)
      .attr('font-size', FONT.annotation)
      .attr('fill', COLORS.ink)
      .text(l);
  });
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


/** Lay `items` out as lines of text joined by " · ", wrapping at `maxWidth`; returns the lines. */
export function flowText(items: string[], maxWidth: number, fontSize: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const item of items) {
    const next = cur === '' ? item : `${cur}  ·  ${item}`;
    if (cur !== '' && textWidth(next, fontSize) > maxWidth) {
      lines.push(cur);
      cur = item;
    } else cur = next;
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

/** Draw statistics as flowing text lines from (left, top); returns the height used. */
export function addNotes(
  canvas: Canvas,
  items: string[],
  at: { left: number; top: number; maxWidth: number },
  className = 'annotation stats',
): number {
  const lines = flowText(items, at.maxWidth, FONT.annotation);
  const lh = FONT.annotation + 5;
  const g = canvas.group(className);
  lines.forEach((l, i) =>
    g
      .append('text')
      .attr('x', at.left)
      .attr('y', at.top + lh * (i + 1) - 4)
      .attr('font-size', FONT.annotation)
      .attr('fill', COLORS.ink)
      .text(l),
  );
  return lines.length * lh;
}

/** Height {@link addNotes} would use. */
export function notesHeight(items: string[], maxWidth: number): number {
  return flowText(items, maxWidth, FONT.annotation).length * (FONT.annotation + 5);
}

/**
 * SVG path data of a polyline in px, rounded to 0.1 px, with repeated points and the interior points
 * of horizontal runs dropped (input pulses and held targets are mostly flat): a figure of dozens of
 * long trials stays small without any visible change.
 */
export function linePath(points: Array<[number, number]>): string {
  const r = (v: number) => Math.round(v * 10) / 10;
  const pts: Array<[number, number]> = [];
  for (const [px, py] of points) {
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    const p: [number, number] = [r(px), r(py)];
    const last = pts[pts.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    const prev = pts[pts.length - 2];
    // Extend a horizontal run instead of adding a point to it.
    if (last && prev && prev[1] === last[1] && last[1] === p[1]) pts[pts.length - 1] = p;
    else pts.push(p);
  }
  if (pts.length === 0) return '';
  return `M${pts.map((p) => `${p[0]},${p[1]}`).join('L')}`;
}
