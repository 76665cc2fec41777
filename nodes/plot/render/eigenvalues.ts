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
import { COLORS, FONT, textWidth } from './theme.ts';

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
    // The label goes where no eigenvalue is: the first spot around the ringed point whose box
    // stays inside the plot and clear of every drawn point (outward first, where |λ| > |dominant|
    // and so no eigenvalue can be).
    const text = fitText(d.label, side * 0.7, FONT.annotation);
    const spot = labelSpot(
      { x: x(d.re), y: y(Math.abs(d.im)) },
      Math.atan2(Math.abs(d.im), d.re),
      { w: textWidth(text, FONT.annotation) + 6, h: FONT.annotation + 4 },
      { left, top, right: left + side, bottom: top + side },
      [...spec.main.points, ...(spec.reference?.points ?? [])].map((p) => ({ x: x(p.re), y: y(p.im) })),
    );
    if (spot.leader)
      plot
        .append('line')
        .attr('class', 'dominant-leader')
        .attr('x1', round(spot.leader.x1))
        .attr('y1', round(spot.leader.y1))
        .attr('x2', round(spot.leader.x2))
        .attr('y2', round(spot.leader.y2))
        .attr('stroke', COLORS.accent)
        .attr('stroke-width', 1);
    plot
      .append('text')
      .attr('class', 'dominant-label')
      .attr('x', round(spot.x))
      .attr('y', round(spot.y + FONT.annotation * 0.35))
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.annotation)
      .attr('font-weight', 'bold')
      .attr('fill', COLORS.accent)
      .attr('paint-order', 'stroke')
      .attr('stroke', '#ffffff')
      .attr('stroke-width', 3)
      .text(text);
  }
  return canvas.toString();
}

/**
 * Centre of a w x h label near `at` (screen px) that lies inside `box` and keeps 10 px clear of every
 * point in `avoid`: tries directions from `angle` (radians, counter-clockwise) outward, then
 * around, at growing distances; falls back to just above `at`. A leader line joins far labels.
 */
export function labelSpot(
  at: { x: number; y: number },
  angle: number,
  size: { w: number; h: number },
  box: { left: number; top: number; right: number; bottom: number },
  avoid: ReadonlyArray<{ x: number; y: number }>,
): { x: number; y: number; leader?: { x1: number; y1: number; x2: number; y2: number } } {
  const clear = 10;
  const free = (l: number, r: number, t: number, b: number): boolean =>
    l >= box.left + 2 &&
    r <= box.right - 2 &&
    t >= box.top + 2 &&
    b <= box.bottom - 2 &&
    !avoid.some((p) => p.x > l - clear && p.x < r + clear && p.y > t - clear && p.y < b + clear);
  const withLeader = (
    cx: number,
    cy: number,
  ): { x: number; y: number; leader: { x1: number; y1: number; x2: number; y2: number } } => {
    const ex = Math.max(cx - size.w / 2, Math.min(cx + size.w / 2, at.x));
    const ey = Math.max(cy - size.h / 2, Math.min(cy + size.h / 2, at.y));
    const len = Math.hypot(ex - at.x, ey - at.y) || 1;
    // From the ring (radius ~9 px) to the label's nearest edge.
    return {
      x: cx,
      y: cy,
      leader: { x1: at.x + ((ex - at.x) / len) * 10, y1: at.y + ((ey - at.y) / len) * 10, x2: ex, y2: ey },
    };
  };
  // The plot's corner on the dominant's side first: a square panel's corners lie outside the disc
  // every eigenvalue is in, and the leader to it only moves away from the origin.
  const right = Math.cos(angle) >= 0;
  const cx = right ? box.right - 8 - size.w / 2 : box.left + 8 + size.w / 2;
  const cy = box.top + 8 + size.h / 2;
  if (free(cx - size.w / 2, cx + size.w / 2, cy - size.h / 2, cy + size.h / 2)) return withLeader(cx, cy);
  const turns = [0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6].map((i) => angle + (i * Math.PI) / 6);
  for (const dist of [24, 34, 48, 66, 90, 120]) {
    for (const a of turns) {
      const dx = Math.cos(a);
      const dy = -Math.sin(a);
      // Offset so the box's near edge, not its centre, is `dist` away.
      const cx = at.x + dx * (dist + (Math.abs(dx) * size.w) / 2);
      const cy = at.y + dy * (dist + (Math.abs(dy) * size.h) / 2);
      if (!free(cx - size.w / 2, cx + size.w / 2, cy - size.h / 2, cy + size.h / 2)) continue;
      return dist > 30 ? withLeader(cx, cy) : { x: cx, y: cy };
    }
  }
  return { x: at.x, y: at.y - 18 };
}
