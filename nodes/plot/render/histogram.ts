/** A histogram with a fitted normal density and its statistics. */
import {
  addLegend,
  addNotes,
  addPanel,
  Canvas,
  legendHeight,
  linePath,
  notesHeight,
  round,
  TITLE_BAND,
  type LegendItem,
} from './frame.ts';
import { COLORS } from './theme.ts';

export interface HistogramSpec {
  title: string;
  description?: string;
  width: number;
  height: number;
  /** Bin edges (counts.length + 1, increasing). */
  edges: number[];
  counts: number[];
  /** Normal density to overlay, scaled to the counts. */
  fit?: { mu: number; sigma: number; label: string };
  stats: string[];
  xLabel: string;
  yLabel: string;
  barLabel: string;
}

const MARGIN = { left: 76, right: 24, bottom: 56 };

function normalPdf(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI));
}

export function renderHistogram(doc: Document, spec: HistogramSpec): string {
  const legend: LegendItem[] = [{ label: spec.barLabel, color: COLORS.primary, mark: 'band' }];
  if (spec.fit) legend.push({ label: spec.fit.label, color: COLORS.reference, mark: 'line', strokeWidth: 2.5 });
  const legendTop = TITLE_BAND;
  const inner = spec.width - MARGIN.left - MARGIN.right;
  // Statistics above the plot, never over the bars (skewed or heavy-tailed weights reach the corners).
  const statsTop = legendTop + legendHeight(legend, inner) + 2;
  const top = statsTop + notesHeight(spec.stats, inner) + 16;
  const canvas = new Canvas(doc, {
    width: spec.width,
    height: spec.height,
    title: spec.title,
    kind: 'histogram',
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  });
  addLegend(canvas, legend, { left: MARGIN.left, top: legendTop, maxWidth: inner });
  if (spec.stats.length > 0) addNotes(canvas, spec.stats, { left: MARGIN.left, top: statsTop, maxWidth: inner });
  const total = spec.counts.reduce((a, b) => a + b, 0);
  const lo = spec.edges[0] as number;
  const hi = spec.edges[spec.edges.length - 1] as number;
  const meanWidth = (hi - lo) / spec.counts.length;
  const curve: Array<[number, number]> = [];
  if (spec.fit) {
    for (let i = 0; i <= 240; i++) {
      const v = lo + ((hi - lo) * i) / 240;
      curve.push([v, total * meanWidth * normalPdf(v, spec.fit.mu, spec.fit.sigma)]);
    }
  }
  const yMax = Math.max(1, ...spec.counts, ...curve.map((c) => c[1])) * 1.08;
  const panel = addPanel(canvas, {
    box: {
      left: MARGIN.left,
      top,
      width: spec.width - MARGIN.left - MARGIN.right,
      height: spec.height - top - MARGIN.bottom,
    },
    x: { label: spec.xLabel, domain: [lo, hi], ticks: 6 },
    y: { label: spec.yLabel, domain: [0, yMax], ticks: 5 },
  });
  const { x, y, plot } = panel;
  spec.counts.forEach((c, i) => {
    const x0 = x(spec.edges[i] as number);
    const x1 = x(spec.edges[i + 1] as number);
    plot
      .append('rect')
      .attr('class', 'bar')
      .attr('x', round(x0))
      .attr('y', round(y(c)))
      .attr('width', round(Math.max(0.5, x1 - x0 - (x1 - x0 > 4 ? 1 : 0))))
      .attr('height', round(y(0) - y(c)))
      .attr('fill', COLORS.primary)
      .attr('fill-opacity', 0.75);
  });
  if (spec.fit)
    plot
      .append('path')
      .attr('class', 'normal-fit')
      .attr('d', linePath(curve.map((p) => [x(p[0]), y(p[1])])))
      .attr('fill', 'none')
      .attr('stroke', COLORS.reference)
      .attr('stroke-width', 2.5);
  return canvas.toString();
}
