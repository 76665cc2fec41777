/** Small multiples of inputs, targets, outputs (and a few hidden units) over time. */
import {
  addLegend,
  addPanel,
  Canvas,
  legendHeight,
  linePath,
  paddedExtent,
  TITLE_BAND,
  type LegendItem,
} from './frame.ts';
import { COLORS, dashPattern } from './theme.ts';

/** Colours of input channels: the palette without red, which is kept for the network's output. */
export const INPUT_COLORS = ['#4477AA', '#228833', '#AA3377', '#CCBB44', '#66CCEE'] as const;

/** Inputs often coincide (A and B pulses together): every second channel is dashed so both show. */
function inputDash(k: number): string {
  return k % 2 === 1 ? '4 3' : 'none';
}

/** One line: `values[t]` for t = 0..T-1. */
export interface TimeSeries {
  name: string;
  values: ArrayLike<number>;
}

/** One panel (one condition). */
export interface TimeseriesPanel {
  title: string;
  inputs: TimeSeries[];
  targets: TimeSeries[];
  outputs: TimeSeries[];
  hidden: TimeSeries[];
}

export interface TimeseriesSpec {
  title: string;
  description?: string;
  width: number;
  /** 0: as tall as the panels need. */
  height: number;
  columns: number;
  /** Length of one step, in `timeUnit`. */
  dt: number;
  timeUnit: string;
  T: number;
  panels: TimeseriesPanel[];
  /** Legend labels: channel names, output names. */
  channelNames: string[];
  outputNames: string[];
  yLabel: string;
}

const PANEL_H = 130;
const GAP_X = 30;
const GAP_Y = 50;
const MARGIN = { left: 66, right: 16, bottom: 50 };

/** Width in px of one panel of a figure `width` px wide with `columns` panels per row. */
export function panelWidthFor(width: number, columns: number): number {
  const cols = Math.max(1, columns);
  return (width - MARGIN.left - MARGIN.right - (cols - 1) * GAP_X) / cols;
}

/** Draw the figure; returns the SVG string. */
export function renderTimeseries(doc: Document, spec: TimeseriesSpec): string {
  const n = spec.panels.length;
  const cols = Math.max(1, Math.min(spec.columns, n));
  const rows = Math.ceil(n / cols);
  const legend: LegendItem[] = [
    ...spec.channelNames.map((name, i) => ({
      label: `input: ${name}`,
      color: INPUT_COLORS[i % INPUT_COLORS.length] as string,
      mark: 'line' as const,
      strokeWidth: 1.6,
      dash: inputDash(i),
    })),
  ];
  const hasTargets = spec.panels.some((p) => p.targets.length > 0);
  const hasOutputs = spec.panels.some((p) => p.outputs.length > 0);
  const hasHidden = spec.panels.some((p) => p.hidden.length > 0);
  const single = spec.outputNames.length === 1;
  spec.outputNames.forEach((name, k) => {
    if (hasTargets)
      legend.push({
        label: single ? 'target' : `target: ${name}`,
        color: COLORS.target,
        mark: 'line',
        dash: k === 0 ? '6 3' : dashPattern(k + 1),
        strokeWidth: 2,
      });
    if (hasOutputs)
      legend.push({
        label: single ? 'network output' : `output: ${name}`,
        color: COLORS.output,
        mark: 'line',
        dash: dashPattern(k),
        strokeWidth: 2.2,
      });
  });
  if (hasHidden) legend.push({ label: 'hidden units', color: COLORS.hidden, mark: 'line', strokeWidth: 1 });
  const legendTop = TITLE_BAND;
  const legendH = legendHeight(legend, spec.width - MARGIN.left - MARGIN.right);
  const top = legendTop + legendH + 26;
  const autoHeight = top + rows * PANEL_H + (rows - 1) * GAP_Y + MARGIN.bottom;
  const height = spec.height > 0 ? spec.height : autoHeight;
  const panelH = spec.height > 0 ? Math.max(40, (height - top - MARGIN.bottom - (rows - 1) * GAP_Y) / rows) : PANEL_H;
  const panelW = panelWidthFor(spec.width, cols);

  const canvas = new Canvas(doc, {
    width: spec.width,
    height,
    title: spec.title,
    kind: 'timeseries',
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  });
  addLegend(canvas, legend, { left: MARGIN.left, top: legendTop, maxWidth: spec.width - MARGIN.left - MARGIN.right });

  // One y range for every panel so conditions can be compared at a glance.
  const all: number[] = [];
  for (const p of spec.panels)
    for (const s of [...p.inputs, ...p.targets, ...p.outputs, ...p.hidden])
      for (let t = 0; t < s.values.length; t++) all.push(s.values[t] as number);
  const yDomain = paddedExtent(all, 0.06);
  const xDomain: [number, number] = [0, (spec.T - 1) * spec.dt];

  spec.panels.forEach((p, i) => {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const box = {
      left: MARGIN.left + c * (panelW + GAP_X),
      top: top + r * (panelH + GAP_Y),
      width: panelW,
      height: panelH,
    };
    const bottomRow = r === rows - 1 || i + cols >= n;
    const panel = addPanel(canvas, {
      box,
      title: p.title,
      className: 'condition',
      x: {
        label: `time (${spec.timeUnit})`,
        domain: xDomain,
        ticks: Math.max(2, Math.round(panelW / 70)),
        showLabel: bottomRow,
        nice: false,
      },
      y: { label: spec.yLabel, domain: yDomain, ticks: 4, showLabel: c === 0, showTickLabels: c === 0, nice: false },
    });
    const path = (s: TimeSeries) => {
      const pts: Array<[number, number]> = [];
      for (let t = 0; t < s.values.length; t++) pts.push([panel.x(t * spec.dt), panel.y(s.values[t] as number)]);
      return linePath(pts);
    };
    for (const s of p.hidden)
      panel.plot
        .append('path')
        .attr('class', 'series series-hidden')
        .attr('d', path(s))
        .attr('fill', 'none')
        .attr('stroke', COLORS.hidden)
        .attr('stroke-width', 1)
        .attr('opacity', 0.8);
    p.inputs.forEach((s, k) =>
      panel.plot
        .append('path')
        .attr('class', 'series series-input')
        .attr('d', path(s))
        .attr('fill', 'none')
        .attr('stroke', INPUT_COLORS[k % INPUT_COLORS.length] as string)
        .attr('stroke-width', 1.6)
        .attr('stroke-dasharray', inputDash(k)),
    );
    p.targets.forEach((s, k) =>
      panel.plot
        .append('path')
        .attr('class', 'series series-target')
        .attr('d', path(s))
        .attr('fill', 'none')
        .attr('stroke', COLORS.target)
        .attr('stroke-width', 2)
        .attr('stroke-dasharray', k === 0 ? '6 3' : dashPattern(k + 1)),
    );
    p.outputs.forEach((s, k) => {
      const e = panel.plot
        .append('path')
        .attr('class', 'series series-output')
        .attr('d', path(s))
        .attr('fill', 'none')
        .attr('stroke', COLORS.output)
        .attr('stroke-width', 2.2);
      if (k > 0) e.attr('stroke-dasharray', dashPattern(k));
    });
  });
  return canvas.toString();
}
