/** Legends: swatches (line, band or point) with their labels, laid out in wrapping rows. */
import { COLORS, FONT, textWidth } from './theme.ts';
import type { Canvas } from './canvas.ts';
import { drawPoint, round, type Shape } from './marks.ts';

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
