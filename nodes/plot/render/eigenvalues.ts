/** Eigenvalues in the complex plane with the unit circle. */
import {
  addLegend,
  addNotes,
  addPanel,
  Canvas,
  drawPoint,
  fitText,
  legendHeight,
  notesHeight,
  round,
  TITLE_BAND,
  type LegendItem,
} from './frame.ts';
import { COLORS, FONT } from './theme.ts';

export interface ComplexPoint {
  re: number;
  im: number;
}

export interface EigenvalueSet {
  label: string;
  points: ComplexPoint[];
}

export interface EigenvaluesSpec {
  title: string;
  description?: string;
  width: number;
  height: number;
  main: EigenvalueSet;
  /** Drawn first, hollow, in the reference colour. */
  reference?: EigenvalueSet;
  /** The dominant eigenvalue to ring and label (its conjugate is ringed too). */
  dominant?: ComplexPoint & { label: string };
  /** Lines of statistics shown in a corner box. */
  stats: string[];
}

const MARGIN = { left: 72, right: 24, bottom: 56 };

export function renderEigenvalues(doc: Document, spec: EigenvaluesSpec): string {
  const legend: LegendItem[] = [
    { label: `${spec.main.label} (${spec.main.points.length})`, color: COLORS.primary, mark: 'point', filled: true },
  ];
  if (spec.reference)
    legend.push({
      label: `${spec.reference.label} (${spec.reference.points.length})`,
      color: COLORS.reference,
      mark: 'point',
      filled: false,
    });
  if (spec.dominant)
    legend.push({ label: 'dominant', color: COLORS.accent, mark: 'point', filled: false, shape: 'circle' });
  legend.push({ label: 'unit circle', color: COLORS.muted, mark: 'line', dash: '5 4', strokeWidth: 1.5 });
  const legendTop = TITLE_BAND;
  const legendH = legendHeight(legend, spec.width - MARGIN.left - MARGIN.right);
  const inner = spec.width - MARGIN.left - MARGIN.right;
  const statsTop = legendTop + legendH + 4;
  const statsH = notesHeight(spec.stats, inner);
  const top = statsTop + statsH + 14;
  const side = Math.max(80, Math.min(spec.width - MARGIN.left - MARGIN.right, spec.height - top - MARGIN.bottom));
  const left = MARGIN.left + (spec.width - MARGIN.left - MARGIN.right - side) / 2;

  const canvas = new Canvas(doc, {
    width: spec.width,
    height: spec.height,
    title: spec.title,
    kind: 'eigenvalues',
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  });
  addLegend(canvas, legend, { left: MARGIN.left, top: legendTop, maxWidth: inner });
  // Statistics above the plot, not over it: points near the circle's top would hide under a box.
  if (spec.stats.length > 0) addNotes(canvas, spec.stats, { left: MARGIN.left, top: statsTop, maxWidth: inner });

  let maxAbs = 1;
  for (const p of [...spec.main.points, ...(spec.reference?.points ?? [])])
    maxAbs = Math.max(maxAbs, Math.hypot(p.re, p.im));
  const R = maxAbs * 1.12;
  const panel = addPanel(canvas, {
    box: { left, top, width: side, height: side },
    x: { label: 'Re(λ) (dimensionless)', domain: [-R, R], ticks: 5, nice: false },
    y: { label: 'Im(λ) (dimensionless)', domain: [-R, R], ticks: 5, nice: false },
  });
  const { x, y, plot } = panel;
  plot
    .append('circle')
    .attr('class', 'unit-circle')
    .attr('cx', round(x(0)))
    .attr('cy', round(y(0)))
    .attr('r', round(x(1) - x(0)))
    .attr('fill', 'none')
    .attr('stroke', COLORS.muted)
    .attr('stroke-width', 1.5)
    .attr('stroke-dasharray', '5 4');
  plot
    .append('line')
    .attr('x1', x(-R))
    .attr('x2', x(R))
    .attr('y1', y(0))
    .attr('y2', y(0))
    .attr('stroke', COLORS.muted)
    .attr('stroke-width', 0.8);
  plot
    .append('line')
    .attr('y1', y(-R))
    .attr('y2', y(R))
    .attr('x1', x(0))
    .attr('x2', x(0))
    .attr('stroke', COLORS.muted)
    .attr('stroke-width', 0.8);
  const r = spec.main.points.length > 400 ? 2.2 : 3.2;
  for (const p of spec.reference?.points ?? [])
    plot
      .append('circle')
      .attr('class', 'eigenvalue-reference')
      .attr('cx', round(x(p.re)))
      .attr('cy', round(y(p.im)))
      .attr('r', r + 0.6)
      .attr('fill', 'none')
      .attr('stroke', COLORS.reference)
      .attr('stroke-width', 1.3);
  for (const p of spec.main.points)
    plot
      .append('circle')
      .attr('class', 'eigenvalue')
      .attr('cx', round(x(p.re)))
      .attr('cy', round(y(p.im)))
      .attr('r', r)
      .attr('fill', COLORS.primary)
      .attr('fill-opacity', 0.85)
      .attr('stroke', 'none');
  if (spec.dominant) {
    const d = spec.dominant;
    const marks = d.im === 0 ? [d] : [d, { re: d.re, im: -d.im }];
    for (const m of marks)
      drawPoint(plot, x(m.re), y(m.im), {
        className: 'dominant',
        size: 260,
        color: COLORS.accent,
        filled: false,
        transparent: true,
        strokeWidth: 2,
      });
    const tx = x(d.re);
    const ty = y(Math.abs(d.im));
    const rightHalf = tx > left + side / 2;
    plot
      .append('text')
      .attr('class', 'dominant-label')
      .attr('x', round(tx + (rightHalf ? -12 : 12)))
      .attr('y', round(ty - 12))
      .attr('text-anchor', rightHalf ? 'end' : 'start')
      .attr('font-size', FONT.annotation)
      .attr('font-weight', 'bold')
      .attr('fill', COLORS.accent)
      .attr('paint-order', 'stroke')
      .attr('stroke', '#ffffff')
      .attr('stroke-width', 3)
      .text(fitText(d.label, side * 0.7, FONT.annotation));
  }
  return canvas.toString();
}
