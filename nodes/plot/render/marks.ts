/** Marks drawn into a panel: point symbols and polylines, at rounded coordinates. */
import { symbol, symbolCircle, symbolDiamond, symbolSquare, symbolTriangle, symbolCross } from 'd3';
import { COLORS } from './theme.ts';
import type { G } from './canvas.ts';

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
