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
  type Panel,
} from './frame.ts';
import { COLORS, dashPattern, FONT } from './theme.ts';

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

const STRIP_H = 62;
const STRIP_GAP = 10;

/**
 * Draw a panel's lines: everything (`strip` -1), the inputs and hidden units (strip 0), or output
 * `strip - 1` with its target.
 */
function drawSeries(panel: Panel, p: TimeseriesPanel, strip: number, dt: number): void {
  const path = (s: TimeSeries) => {
    const pts: Array<[number, number]> = [];
    for (let t = 0; t < s.values.length; t++) pts.push([panel.x(t * dt), panel.y(s.values[t] as number)]);
    return linePath(pts);
  };
  /** One series as an unfilled path; `dash` '' draws it solid. */
  const draw = (s: TimeSeries, kind: string, stroke: string, width: number, dash = '') => {
    const e = panel.plot
      .append('path')
      .attr('class', `series series-${kind}`)
      .attr('d', path(s))
      .attr('fill', 'none')
      .attr('stroke', stroke)
      .attr('stroke-width', width);
    if (dash) e.attr('stroke-dasharray', dash);
    return e;
  };
  const inputs = strip <= 0;
  const outputIndex = strip > 0 ? strip - 1 : -1;
  if (inputs) {
    for (const s of p.hidden) draw(s, 'hidden', COLORS.hidden, 1).attr('opacity', 0.8);
    p.inputs.forEach((s, k) => draw(s, 'input', INPUT_COLORS[k % INPUT_COLORS.length] as string, 1.6, inputDash(k)));
  }
  if (strip === 0) return;
  p.targets.forEach((s, k) => {
    if (outputIndex >= 0 && k !== outputIndex) return;
    draw(s, 'target', COLORS.target, 2, k === 0 || outputIndex >= 0 ? '6 3' : dashPattern(k + 1));
  });
  p.outputs.forEach((s, k) => {
    if (outputIndex >= 0 && k !== outputIndex) return;
    draw(s, 'output', COLORS.output, 2.2, k > 0 && outputIndex < 0 ? dashPattern(k) : '');
  });
}

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
  // Several outputs (a 3-bit flip-flop) on one axis are unreadable: stack one strip per output
  // under a strip of the inputs; every strip then shows one target and one network output.
  const stacked = spec.outputNames.length > 1;
  const single = spec.outputNames.length === 1 || stacked;
  (stacked ? spec.outputNames.slice(0, 1) : spec.outputNames).forEach((name, k) => {
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
  const strips = stacked ? 1 + spec.outputNames.length : 1;
  const legendTop = TITLE_BAND;
  const legendH = legendHeight(legend, spec.width - MARGIN.left - MARGIN.right);
  const top = legendTop + legendH + 26;
  const autoPanelH = stacked ? strips * STRIP_H + (strips - 1) * STRIP_GAP : PANEL_H;
  const autoHeight = top + rows * autoPanelH + (rows - 1) * GAP_Y + MARGIN.bottom;
  const height = spec.height > 0 ? spec.height : autoHeight;
  const panelH =
    spec.height > 0 ? Math.max(40 * strips, (height - top - MARGIN.bottom - (rows - 1) * GAP_Y) / rows) : autoPanelH;
  const stripH = (panelH - (strips - 1) * STRIP_GAP) / strips;
  const panelW = panelWidthFor(spec.width, cols);

  const canvas = new Canvas(doc, {
    width: spec.width,
    height,
    title: spec.title,
    kind: 'timeseries',
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  });
  addLegend(canvas, legend, { left: MARGIN.left, top: legendTop, maxWidth: spec.width - MARGIN.left - MARGIN.right });

  // What each strip draws; one y range per strip across all panels, so conditions compare at a glance.
  const stripSeries = (p: TimeseriesPanel, j: number): TimeSeries[] =>
    !stacked
      ? [...p.inputs, ...p.targets, ...p.outputs, ...p.hidden]
      : j === 0
        ? [...p.inputs, ...p.hidden]
        : [...p.targets.slice(j - 1, j), ...p.outputs.slice(j - 1, j)];
  const yDomains = Array.from({ length: strips }, (_, j) => {
    const values: number[] = [];
    for (const p of spec.panels)
      for (const ser of stripSeries(p, j))
        for (let t = 0; t < ser.values.length; t++) values.push(ser.values[t] as number);
    return paddedExtent(values, 0.06);
  });
  const xDomain: [number, number] = [0, (spec.T - 1) * spec.dt];

  spec.panels.forEach((p, i) => {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const left = MARGIN.left + c * (panelW + GAP_X);
    const panelTop = top + r * (panelH + GAP_Y);
    const bottomRow = r === rows - 1 || i + cols >= n;
    for (let j = 0; j < strips; j++) {
      const last = j === strips - 1;
      const panel = addPanel(canvas, {
        box: { left, top: panelTop + j * (stripH + STRIP_GAP), width: panelW, height: stripH },
        ...(j === 0 ? { title: p.title } : {}),
        className: j === 0 ? 'condition strip' : 'strip',
        x: {
          label: `time (${spec.timeUnit})`,
          domain: xDomain,
          ticks: Math.max(2, Math.round(panelW / 70)),
          showLabel: bottomRow && last,
          showTickLabels: last,
          nice: false,
        },
        y: {
          label: spec.yLabel,
          domain: yDomains[j] as [number, number],
          ticks: stacked ? 2 : 4,
          showLabel: c === 0 && !stacked,
          showTickLabels: c === 0,
          nice: false,
        },
      });
      if (stacked) {
        panel.g
          .append('text')
          .attr('class', 'strip-label')
          .attr('paint-order', 'stroke')
          .attr('stroke', '#ffffff')
          .attr('stroke-width', 3)
          .attr('x', left + 4)
          .attr('y', panel.box.top + FONT.legend)
          .attr('font-size', FONT.legend - 1)
          .attr('fill', COLORS.muted)
          .text(j === 0 ? 'inputs' : (spec.outputNames[j - 1] ?? `output ${j}`));
        if (c === 0 && j === 0)
          canvas.svg
            .append('text')
            .attr('class', 'axis-label y')
            .attr('transform', `translate(${left - 48},${panelTop + panelH / 2}) rotate(-90)`)
            .attr('text-anchor', 'middle')
            .attr('font-size', FONT.axisLabel)
            .attr('fill', COLORS.ink)
            .text(spec.yLabel);
      }
      drawSeries(panel, p, stacked ? j : -1, spec.dt);
    }
  });
  return canvas.toString();
}
