/** Text on a figure: annotation boxes and statistics set as flowing, wrapping lines. */
import { COLORS, FONT, textWidth } from './theme.ts';
import type { Canvas, G } from './canvas.ts';
import { round } from './marks.ts';

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
