/** Generic x/y line chart: loss curves, pruning curves, any numeric series. */
import {
  addLegend,
  addNotes,
  addPanel,
  Canvas,
  drawPoint,
  legendHeight,
  linePath,
  notesHeight,
  paddedExtent,
  round,
  TITLE_BAND,
  type LegendItem,
} from './frame.ts';
import { COLORS, paletteColor } from './theme.ts';

export interface CurveSeries {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Palette index or CSS colour. */
  color?: number | string;
  dash?: string;
  strokeWidth?: number;
  /** Draw a marker at each point; `filled[i]` false draws it hollow (e.g. a failed criterion). */
  markers?: { filled?: boolean[] };
}

/** A vertical or horizontal reference line. */
export interface RuleLine {
  value: number;
  label: string;
  color?: string;
  dash?: string;
}

export interface CurveSpec {
  title: string;
  description?: string;
  width: number;
  height: number;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  series: CurveSeries[];
  vlines?: RuleLine[];
  hlines?: RuleLine[];
  /** Extra legend entries (e.g. "hollow = criterion failed"). */
  extraLegend?: LegendItem[];
  notes?: string[];
}

const MARGIN = { left: 80, right: 24, bottom: 56 };

function colorOf(c: number | string | undefined, i: number): string {
  if (typeof c === 'string') return c;
  return paletteColor(c ?? i);
}

function logExtent(values: number[]): [number, number] {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return [1e-3, 1];
  const lo = Math.min(...pos);
  const hi = Math.max(...pos);
  return lo === hi ? [lo / 2, hi * 2] : [lo, hi];
}

export function renderCurve(doc: Document, spec: CurveSpec): string {
  const legend: LegendItem[] = spec.series.map((s, i) => ({
    label: s.label,
    color: colorOf(s.color, i),
    mark: 'line' as const,
    ...(s.dash !== undefined ? { dash: s.dash } : {}),
    strokeWidth: s.strokeWidth ?? 2,
  }));
  for (const r of [...(spec.vlines ?? []), ...(spec.hlines ?? [])])
    legend.push({
      label: r.label,
      color: r.color ?? COLORS.accent,
      mark: 'line',
      dash: r.dash ?? '6 4',
      strokeWidth: 1.6,
    });
  legend.push(...(spec.extraLegend ?? []));
  const inner = spec.width - MARGIN.left - MARGIN.right;
  const legendTop = TITLE_BAND;
  // Notes go above the plot, never over the data.
  const notes = spec.notes ?? [];
  const notesTop = legendTop + legendHeight(legend, inner) + 2;
  const top = notesTop + notesHeight(notes, inner) + 16;
  const canvas = new Canvas(doc, {
    width: spec.width,
    height: spec.height,
    title: spec.title,
    kind: 'curve',
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  });
  addLegend(canvas, legend, { left: MARGIN.left, top: legendTop, maxWidth: inner });
  if (notes.length > 0)
    addNotes(canvas, notes, { left: MARGIN.left, top: notesTop, maxWidth: inner }, 'annotation notes');
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of spec.series) {
    for (let i = 0; i < s.x.length; i++) xs.push(s.x[i] as number);
    for (let i = 0; i < s.y.length; i++) ys.push(s.y[i] as number);
  }
  for (const r of spec.vlines ?? []) xs.push(r.value);
  for (const r of spec.hlines ?? []) ys.push(r.value);
  const xDomain = spec.xLog ? logExtent(xs) : paddedExtent(xs, 0);
  const yDomain = spec.yLog ? logExtent(ys) : paddedExtent(ys, 0.06);
  const panel = addPanel(canvas, {
    box: { left: MARGIN.left, top, width: inner, height: spec.height - top - MARGIN.bottom },
    x: { label: spec.xLabel, domain: xDomain, log: spec.xLog ?? false, ticks: 7 },
    y: { label: spec.yLabel, domain: yDomain, log: spec.yLog ?? false, ticks: 6 },
  });
  const { x, y, plot } = panel;
  const [x0, x1] = x.range() as [number, number];
  const [y0, y1] = y.range() as [number, number];
  for (const r of spec.vlines ?? []) {
    const px = round(x(r.value));
    plot
      .append('line')
      .attr('class', 'rule vline')
      .attr('x1', px)
      .attr('x2', px)
      .attr('y1', y0)
      .attr('y2', y1)
      .attr('stroke', r.color ?? COLORS.accent)
      .attr('stroke-width', 1.6)
      .attr('stroke-dasharray', r.dash ?? '6 4');
  }
  for (const r of spec.hlines ?? []) {
    const py = round(y(r.value));
    plot
      .append('line')
      .attr('class', 'rule hline')
      .attr('y1', py)
      .attr('y2', py)
      .attr('x1', x0)
      .attr('x2', x1)
      .attr('stroke', r.color ?? COLORS.accent)
      .attr('stroke-width', 1.6)
      .attr('stroke-dasharray', r.dash ?? '6 4');
  }
  spec.series.forEach((s, i) => {
    const color = colorOf(s.color, i);
    const pts: Array<[number, number]> = [];
    const kept: number[] = [];
    for (let j = 0; j < Math.min(s.x.length, s.y.length); j++) {
      const xv = s.x[j] as number;
      const yv = s.y[j] as number;
      if (!Number.isFinite(xv) || !Number.isFinite(yv)) continue;
      if ((spec.xLog && xv <= 0) || (spec.yLog && yv <= 0)) continue;
      pts.push([xv, yv]);
      kept.push(j);
    }
    const p = plot
      .append('path')
      .attr('class', 'series')
      .attr('data-series', s.label)
      .attr('d', linePath(pts.map((q) => [x(q[0]), y(q[1])])))
      .attr('fill', 'none')
      .attr('stroke', color)
      .attr('stroke-width', s.strokeWidth ?? 2);
    if (s.dash) p.attr('stroke-dasharray', s.dash);
    if (s.markers) {
      pts.forEach((q, j) =>
        drawPoint(plot, x(q[0]), y(q[1]), {
          className: 'marker',
          size: 46,
          color,
          filled: s.markers?.filled?.[kept[j] as number] ?? true,
          strokeWidth: 1.6,
        }),
      );
    }
  });
  return canvas.toString();
}
