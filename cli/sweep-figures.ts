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
import { COLORS, paletteColor } from '../nodes/plot/render/theme.ts';
import { Rng } from '../nodes/lib/rng.ts';
import { writeAtomic } from './artifacts.ts';
import type { SweepRow } from './sweep-row.ts';

/** One group of values (a grid point, or every run when there is no grid). */
export interface StripGroup {
  label: string;
  values: Array<{ run: string; value: number }>;
}

/** Human titles and axis labels (with units) of the headline numbers, by the column's last part(s). */
const METRIC_TITLES: Record<string, { title: string; axis: string }> = {
  radius: { title: 'Spectral radius of W_rec', axis: 'spectral radius |λ|max (dimensionless)' },
  outside: { title: 'Eigenvalues outside the unit circle', axis: 'eigenvalues with |λ| > 1 (count)' },
  henrici: { title: 'Henrici non-normality of W_rec', axis: 'Henrici departure from normality (dimensionless)' },
  dominantAbs: { title: 'Modulus of the dominant eigenvalue', axis: '|λ| dominant (dimensionless)' },
  referenceRadius: { title: 'Spectral radius before training', axis: 'spectral radius |λ|max (dimensionless)' },
  referenceOutside: {
    title: 'Eigenvalues outside the unit circle before training',
    axis: 'eigenvalues with |λ| > 1 (count)',
  },
  finalLoss: { title: 'Final training loss', axis: 'loss (masked MSE)' },
  steps: { title: 'Training steps', axis: 'optimiser steps (count)' },
  seconds: { title: 'Training time', axis: 'training time (s)' },
  criterionMetAt: { title: 'Step at which the criterion was met', axis: 'optimiser step (count)' },
  meanDistance: { title: 'Mean distance to the target', axis: 'mean distance (output units)' },
  maxDistance: { title: 'Largest distance to the target', axis: 'max distance (output units)' },
  accuracy: { title: 'Accuracy over conditions', axis: 'fraction of conditions correct' },
  top1: { title: 'Variance explained by PC1', axis: 'fraction of variance' },
  top3: { title: 'Variance explained by PCs 1–3', axis: 'fraction of variance' },
  points: { title: 'Fixed points found', axis: 'fixed points (count)' },
  stable: { title: 'Stable fixed points', axis: 'stable fixed points (count)' },
  saddle: { title: 'Saddle points', axis: 'saddle points (count)' },
  unstable: { title: 'Unstable fixed points', axis: 'unstable fixed points (count)' },
  baselineDistance: { title: 'Distance to the target before pruning', axis: 'mean distance (output units)' },
  mean: { title: 'Mean weight', axis: 'mean weight (dimensionless)' },
  std: { title: 'Weight standard deviation', axis: 'std of weights (dimensionless)' },
  skewness: { title: 'Weight skewness', axis: 'skewness (dimensionless)' },
  excessKurtosis: { title: 'Weight excess kurtosis', axis: 'excess kurtosis (dimensionless)' },
  stdTimesSqrtN: { title: 'Weight std × N^(1/2)', axis: 'std · √N (dimensionless)' },
  maxFractionOk: { title: 'Largest fraction pruned within the criterion', axis: 'fraction of weights removed' },
};

/** Title and y-axis label of a sweep column `node.port.metric[.sub]`: "Spectral radius of W_rec (eigen)". */
export function columnTitle(column: string): { title: string; axis: string } {
  const parts = column.split('.');
  const metric = parts[parts.length - 1] ?? column;
  const known = METRIC_TITLES[metric];
  if (!known) return { title: column, axis: metric };
  // Weight statistics and pruning variants carry a qualifier (W_rec.std, magnitude.maxFractionOk).
  const qualifier = parts.length > 3 ? ` (${parts.slice(2, -1).join('.')})` : '';
  return { title: `${known.title}${qualifier}, node ${parts[0] ?? ''}`, axis: known.axis };
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
    title: columnTitle(column).title,
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
  // A one-param grid ("task.memGap=25", "task.memGap=50", ...) names its param once, on the axis,
  // and each group by its value: the full labels overlap from about five groups on.
  const axis = sharedGridKey(groups.map((g) => g.label));
  const tickLabel = (label: string): string => (axis ? label.slice(axis.length + 1) : label);
  const panel = addPanel(canvas, {
    box: { left, top, width: inner, height: height - top - 58 },
    x: {
      label: groups.length > 1 ? (axis ?? 'grid point') : 'runs (jittered horizontally)',
      domain: [0, groups.length],
      ticks: groups.length,
      showTickLabels: false,
      nice: false,
    },
    y: { label: columnTitle(column).axis, domain: [lo, hi], ticks: 6 },
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
        .text(fitLabel(tickLabel(g.label), x(1) - x(0)));
  });
  return canvas.toString();
}

/** The param every label sets when each is one `key=value` with the same key, else undefined. */
export function sharedGridKey(labels: string[]): string | undefined {
  const keys = labels.map((l) => /^([^\s=]+)=[^\s=]+$/.exec(l)?.[1]);
  const k = keys[0];
  return k !== undefined && keys.every((x) => x === k) ? k : undefined;
}

/** A group label cut to the width of its slot (about 6.5 px per character at 11 px). */
function fitLabel(label: string, slot: number): string {
  const max = Math.max(4, Math.floor(slot / 6.5));
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
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
    const { svgToPng } = await import('../nodes/plot/render/png.ts');
    await writeAtomic(join(dir, `${base}.png`), svgToPng(svg, { scale: 1.5 }));
    written.push(base);
  }
  return written;
}
