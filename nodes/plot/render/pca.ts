/** Population trajectories on principal components, with fixed points. */
import {
  addLegend,
  addPanel,
  Canvas,
  drawPoint,
  legendHeight,
  linePath,
  paddedExtent,
  TITLE_BAND,
  type LegendItem,
  type Shape,
} from './frame.ts';
import { COLORS, dashPattern, paletteColor } from './theme.ts';

export interface PcaTrajectory {
  label: string;
  /** Colour group (context) index. */
  color: number;
  /** Line-style group (input condition) index. */
  dash: number;
  T: number;
  /** Components per point. */
  k: number;
  /** [T, k] */
  points: ArrayLike<number>;
}

export interface PcaFixedPoint {
  /** Coordinates on the components, length >= the highest component drawn. */
  coords: number[];
  stability: 'stable' | 'saddle' | 'unstable';
}

export interface PcaSpec {
  title: string;
  description?: string;
  width: number;
  height: number;
  /** Axis labels per component ("PC1 (43.1 % of variance)"). */
  axisLabels: string[];
  /** Component pairs to draw, e.g. [[0, 1], [0, 2]]. */
  views: Array<[number, number]>;
  /** One row of panels per trajectory set. */
  rows: Array<{ title: string; trajectories: PcaTrajectory[] }>;
  fixedPoints: PcaFixedPoint[];
  /** Legend: colour groups and line-style groups. */
  colorGroups: string[];
  dashGroups: string[];
}

const MARGIN = { left: 76, right: 20, bottom: 56 };
const GAP_X = 76;
const GAP_Y = 70;

export const FIXED_POINT_STYLE: Record<PcaFixedPoint['stability'], { shape: Shape; filled: boolean; label: string }> = {
  stable: { shape: 'circle', filled: true, label: 'stable fixed point' },
  saddle: { shape: 'diamond', filled: false, label: 'saddle point' },
  unstable: { shape: 'circle', filled: false, label: 'unstable fixed point' },
};

export function renderPca(doc: Document, spec: PcaSpec): string {
  const legend: LegendItem[] = [
    ...spec.colorGroups.map((label, i) => ({ label, color: paletteColor(i), mark: 'line' as const, strokeWidth: 2.5 })),
    ...(spec.dashGroups.length > 1
      ? spec.dashGroups.map((label, i) => ({
          label,
          color: COLORS.muted,
          mark: 'line' as const,
          dash: dashPattern(i),
          strokeWidth: 2,
        }))
      : []),
    { label: 'start', color: COLORS.muted, mark: 'point', shape: 'square', filled: false },
    { label: 'end', color: COLORS.muted, mark: 'point', shape: 'triangle', filled: true },
  ];
  const kinds = new Set(spec.fixedPoints.map((f) => f.stability));
  for (const s of ['stable', 'saddle', 'unstable'] as const)
    if (kinds.has(s))
      legend.push({
        label: FIXED_POINT_STYLE[s].label,
        color: COLORS.ink,
        mark: 'point',
        shape: FIXED_POINT_STYLE[s].shape,
        filled: FIXED_POINT_STYLE[s].filled,
      });
  const inner = spec.width - MARGIN.left - MARGIN.right;
  const legendTop = TITLE_BAND;
  const top = legendTop + legendHeight(legend, inner) + 24;
  const cols = spec.views.length;
  const rows = spec.rows.length;
  const panelW = (inner - (cols - 1) * GAP_X) / cols;
  const panelH = Math.max(60, (spec.height - top - MARGIN.bottom - (rows - 1) * GAP_Y) / rows);
  const canvas = new Canvas(doc, {
    width: spec.width,
    height: spec.height,
    title: spec.title,
    kind: 'pca',
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  });
  addLegend(canvas, legend, { left: MARGIN.left, top: legendTop, maxWidth: inner });

  spec.views.forEach(([a, b], c) => {
    // Same ranges in every row of a column so sets can be compared.
    const xs: number[] = [];
    const ys: number[] = [];
    for (const row of spec.rows)
      for (const tr of row.trajectories)
        for (let t = 0; t < tr.T; t++) {
          xs.push(tr.points[t * tr.k + a] as number);
          ys.push(tr.points[t * tr.k + b] as number);
        }
    for (const f of spec.fixedPoints) {
      xs.push(f.coords[a] as number);
      ys.push(f.coords[b] as number);
    }
    const xDomain = paddedExtent(xs, 0.06);
    const yDomain = paddedExtent(ys, 0.06);
    spec.rows.forEach((row, r) => {
      const box = {
        left: MARGIN.left + c * (panelW + GAP_X),
        top: top + r * (panelH + GAP_Y),
        width: panelW,
        height: panelH,
      };
      const panel = addPanel(canvas, {
        box,
        title: rows > 1 ? `${row.title}: PC${a + 1} vs PC${b + 1}` : `PC${a + 1} vs PC${b + 1}`,
        className: `view view-${a + 1}-${b + 1}`,
        x: { label: spec.axisLabels[a] ?? `PC${a + 1}`, domain: xDomain, ticks: 5 },
        y: { label: spec.axisLabels[b] ?? `PC${b + 1}`, domain: yDomain, ticks: 5 },
      });
      const { x, y, plot } = panel;
      // Fixed points underneath: trajectories end on stable ones, and their end markers must show.
      for (const f of spec.fixedPoints) {
        const st = FIXED_POINT_STYLE[f.stability];
        drawPoint(plot, x(f.coords[a] as number), y(f.coords[b] as number), {
          className: `fixed-point fixed-point-${f.stability}`,
          shape: st.shape,
          size: 110,
          color: COLORS.ink,
          filled: st.filled,
          strokeWidth: 2,
        });
      }
      // Paths first, then every start/end marker on top, so no trajectory hides another's markers.
      const ends: Array<{ first: [number, number]; last: [number, number]; color: string }> = [];
      for (const tr of row.trajectories) {
        const pts: Array<[number, number]> = [];
        for (let t = 0; t < tr.T; t++) pts.push([tr.points[t * tr.k + a] as number, tr.points[t * tr.k + b] as number]);
        const color = paletteColor(tr.color);
        const p = plot
          .append('path')
          .attr('class', 'trajectory')
          .attr('data-condition', tr.label)
          .attr('d', linePath(pts.map((q) => [x(q[0]), y(q[1])])))
          .attr('fill', 'none')
          .attr('stroke', color)
          .attr('stroke-width', 1.8)
          .attr('stroke-opacity', 0.9);
        const dash = dashPattern(tr.dash);
        if (dash) p.attr('stroke-dasharray', dash);
        p.append('title').text(tr.label);
        const first = pts[0];
        const last = pts[pts.length - 1];
        if (first && last) ends.push({ first, last, color });
      }
      // Ends first, then starts as hollow squares on top: where a trajectory stays put (start
      // = end) or several share a start, both markers still show.
      for (const e of ends)
        drawPoint(plot, x(e.last[0]), y(e.last[1]), {
          className: 'end',
          shape: 'triangle',
          size: 60,
          color: e.color,
          filled: true,
          strokeWidth: 1,
        });
      for (const e of ends)
        drawPoint(plot, x(e.first[0]), y(e.first[1]), {
          className: 'start',
          shape: 'square',
          size: 130,
          color: e.color,
          filled: false,
          transparent: true,
          strokeWidth: 1.8,
        });
    });
  });
  return canvas.toString();
}
