/**
 * Distribution figures of a sweep: one strip + box plot per headline number (column
 * `node.port.metric` of sweep.csv) over the finished runs, grouped by grid point when the sweep has
 * a params grid. The study's "statistical studies on weight matrices of trained networks" (spectral
 * radius, outliers, weight moments, pruning tolerance across networks) are these figures.
 *
 * Drawn with the plot blocks' D3 renderer (nodes/plot/render): same canvas, axes, fonts and colours.
 */
import { join } from 'node:path';
import {
  addNotes,
  addPanel,
  Canvas,
  drawPoint,
  notesHeight,
  round,
  svgDocument,
  TITLE_BAND,
} from '../nodes/plot/render/frame.ts';
import { svgToPng } from '../nodes/plot/render/png.ts';
import { COLORS, paletteColor } from '../nodes/plot/render/theme.ts';
import { Rng } from '../nodes/lib/rng.ts';
import { writeAtomic } from './artifacts.ts';
import type { SweepRow } from './sweep-row.ts';

/** One group of values (a grid point, or every run when there is no grid). */
export interface StripGroup {
  label: string;
  values: Array<{ run: string; value: number }>;
}

/** Quartiles by linear interpolation (numpy's default), of sorted values. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Mean and sample standard deviation. */
export function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std };
}

/** The grid point of a run: its overrides except the seed ones. */
export function groupLabel(row: SweepRow): string {
  return row.sets.filter((s) => !/\.seed=/.test(s)).join(' ') || 'all runs';
}

/** Group a column's finite values by grid point, in first-seen order. */
export function groupsOf(rows: SweepRow[], column: string): StripGroup[] {
  const groups = new Map<string, StripGroup>();
  for (const r of rows) {
    const v = r.values[column];
    if (r.status !== 'done' || typeof v !== 'number' || !Number.isFinite(v)) continue;
    const label = groupLabel(r);
    let g = groups.get(label);
    if (!g) groups.set(label, (g = { label, values: [] }));
    g.values.push({ run: r.run, value: v });
  }
  return [...groups.values()];
}

/** A strip plot with a box (quartiles, median, whiskers to min/max) per group: a standalone SVG. */
export async function renderStripPlot(
  column: string,
  groups: StripGroup[],
  width = 640,
  height = 420,
): Promise<string> {
  const doc = await svgDocument();
  const all = groups.flatMap((g) => g.values.map((v) => v.value));
  const notes = groups.map((g) => {
    const xs = g.values.map((v) => v.value);
    const { mean, std } = meanStd(xs);
    return `${groups.length > 1 ? `${g.label}: ` : ''}n ${xs.length}, mean ${fmtNum(mean)}, std ${fmtNum(std)}, min ${fmtNum(Math.min(...xs))}, max ${fmtNum(Math.max(...xs))}`;
  });
  const canvas = new Canvas(doc, {
    width,
    height,
    title: column,
    kind: 'sweep-strip',
    description: `Distribution of ${column} over the runs of a sweep (one point per run).`,
  });
  const left = 84;
  const inner = width - left - 24;
  const notesTop = TITLE_BAND + 2;
  addNotes(canvas, notes, { left, top: notesTop, maxWidth: inner });
  const top = notesTop + notesHeight(notes, inner) + 14;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!(hi > lo)) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.05 : 1;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
  }
  const panel = addPanel(canvas, {
    box: { left, top, width: inner, height: height - top - 58 },
    x: {
      label: groups.length > 1 ? 'grid point' : 'runs (jittered horizontally)',
      domain: [0, groups.length],
      ticks: groups.length,
      showTickLabels: false,
      nice: false,
    },
    y: { label: column.split('.').slice(-1)[0] ?? column, domain: [lo, hi], ticks: 6 },
    grid: true,
  });
  const { x, y, plot } = panel;
  const rng = new Rng(1);
  groups.forEach((g, gi) => {
    const cx = x(gi + 0.5);
    const half = Math.min(60, (x(1) - x(0)) * 0.3);
    const xs = g.values.map((v) => v.value).sort((a, b) => a - b);
    const q1 = quantile(xs, 0.25);
    const med = quantile(xs, 0.5);
    const q3 = quantile(xs, 0.75);
    const box = plot.append('g').attr('class', 'box');
    box
      .append('line')
      .attr('x1', round(cx))
      .attr('x2', round(cx))
      .attr('y1', round(y(xs[0] as number)))
      .attr('y2', round(y(xs[xs.length - 1] as number)))
      .attr('stroke', COLORS.muted)
      .attr('stroke-width', 1.2);
    box
      .append('rect')
      .attr('x', round(cx - half))
      .attr('width', round(2 * half))
      .attr('y', round(y(q3)))
      .attr('height', round(Math.max(1, y(q1) - y(q3))))
      .attr('fill', paletteColor(gi))
      .attr('fill-opacity', 0.18)
      .attr('stroke', paletteColor(gi));
    box
      .append('line')
      .attr('class', 'median')
      .attr('x1', round(cx - half))
      .attr('x2', round(cx + half))
      .attr('y1', round(y(med)))
      .attr('y2', round(y(med)))
      .attr('stroke', COLORS.ink)
      .attr('stroke-width', 2);
    const pts = plot.append('g').attr('class', 'runs');
    for (const v of g.values) {
      const jx = cx + (rng.uniform() - 0.5) * half * 1.4;
      drawPoint(pts, jx, y(v.value), { shape: 'circle', size: 30, color: paletteColor(gi), className: 'run' });
    }
    if (groups.length > 1)
      panel.g
        .append('text')
        .attr('x', round(cx))
        .attr('y', panel.box.top + panel.box.height + 18)
        .attr('text-anchor', 'middle')
        .attr('font-size', 11)
        .attr('fill', COLORS.ink)
        .text(g.label.length > 28 ? `${g.label.slice(0, 27)}…` : g.label);
  });
  return canvas.toString();
}

function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** File name of a column's figure: `sweep.COLUMN` with unsafe characters replaced. */
export function figureBase(column: string): string {
  return `sweep.${column.replace(/[^A-Za-z0-9_.=-]+/g, '-')}`;
}

/**
 * Write one SVG + PNG per numeric column with at least one finished value next to sweep.csv.
 * Returns the base names written.
 */
export async function writeSweepFigures(dir: string, rows: SweepRow[]): Promise<string[]> {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r.values)))].sort();
  const written: string[] = [];
  for (const c of cols) {
    const groups = groupsOf(rows, c);
    if (groups.length === 0) continue;
    const svg = await renderStripPlot(c, groups);
    const base = figureBase(c);
    await writeAtomic(join(dir, `${base}.svg`), svg);
    await writeAtomic(join(dir, `${base}.png`), svgToPng(svg, { scale: 1.5 }));
    written.push(base);
  }
  return written;
}
