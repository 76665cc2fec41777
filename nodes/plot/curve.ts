/** `plot.curve`: loss curves, pruning curves and any numeric series. */
import { bool, defineBlock, input, Json, oneOf, schema } from '../../core/index.ts';
import { PruningCurvePort, TrainingHistoryPort, type PruningCurve, type TrainingHistory } from '../ports/index.ts';
import { FigurePort, SeriesPort, type Series } from '../ports/figure.ts';
import { checkLength, checkPositive, makeFigure, sizeParams, draw } from './common.ts';
import { fmt } from './render/theme.ts';
import type { LegendItem } from './render/frame.ts';
import type { CurveSpec } from './render/curve.ts';
import { COLORS, paletteColor } from './render/theme.ts';

const TYPE = 'plot.curve';

type Params = {
  width: number;
  height: number;
  title: string;
  yScale: 'auto' | 'linear' | 'log';
  xScale: 'linear' | 'log';
  metric: 'distance' | 'accuracy';
  showConditions: boolean;
};
type Drawn = Omit<CurveSpec, 'width' | 'height' | 'title'> & { title: string; caption: string };

function positiveCount(values: number[]): number {
  return values.filter((v) => v > 0 && Number.isFinite(v)).length;
}

function historyCurve(h: TrainingHistory, p: Params): Drawn {
  checkPositive(TYPE, 'history: recorded steps', h.steps.length);
  checkLength(TYPE, 'history.loss', h.loss, h.steps.length, 'one per recorded step');
  checkLength(TYPE, 'history.valLoss', h.valLoss, h.valSteps.length, 'one per validation step');
  const yLog = p.yScale !== 'linear';
  if (yLog && positiveCount(h.loss) === 0)
    throw new Error(
      `${TYPE}: the training loss has no positive finite value to draw on a log scale; set param "yScale" to "linear"`,
    );
  const bad = h.loss.length - positiveCount(h.loss);
  const series: CurveSpec['series'] = [
    { label: 'training loss', x: h.steps, y: h.loss, color: COLORS.primary, strokeWidth: 1.8 },
  ];
  if (h.valSteps.length > 0)
    series.push({
      label: 'validation loss',
      x: h.valSteps,
      y: h.valLoss,
      color: COLORS.output,
      dash: '7 4',
      strokeWidth: 2.2,
    });
  const last = h.loss[h.loss.length - 1] as number;
  const notes = [
    `stopped: ${h.stoppedBecause}`,
    `final loss ${fmt(last, 3)}`,
    `${h.totalSteps} steps in ${fmt(h.totalMs / 1000, 3)} s, backend ${h.backend}`,
  ];
  const vlines =
    h.criterionMetAt !== undefined
      ? [{ value: h.criterionMetAt, label: `criterion met (step ${h.criterionMetAt})`, color: COLORS.accent }]
      : [];
  return {
    title: `Training loss (${h.totalSteps} steps)`,
    caption:
      `Training${h.valSteps.length > 0 ? ' and validation' : ''} loss (MSE) per optimiser step${yLog ? ', log scale' : ''}. ` +
      `Training stopped after ${h.totalSteps} steps (${h.stoppedBecause}) with loss ${fmt(last, 3)}` +
      (h.criterionMetAt !== undefined
        ? `; the performance criterion was first met at step ${h.criterionMetAt}.`
        : '.') +
      (bad > 0 && yLog ? ` ${bad} non-positive or non-finite loss values are not drawn.` : ''),
    xLabel: 'optimiser step',
    yLabel: 'loss (MSE)',
    yLog,
    xLog: p.xScale === 'log',
    series,
    vlines,
    notes,
  };
}

/** A numeric threshold in the criterion text ("mean distance <= 0.5"), for the metric drawn. */
export function criterionThreshold(criterion: string, metric: string): number | undefined {
  const m = new RegExp(`${metric}[^<>=]*(<=|>=|<|>)\\s*([-+]?[0-9]*\\.?[0-9]+(?:e[-+]?[0-9]+)?)`, 'i').exec(criterion);
  return m ? Number(m[2]) : undefined;
}

function pruningCurve(pc: PruningCurve, p: Params): Drawn {
  if (pc.curves.length === 0) throw new Error(`${TYPE}: the pruning curve holds no variant; nothing to draw`);
  const C = pc.conditions.length;
  pc.curves.forEach((c, i) => {
    checkPositive(TYPE, `pruning.curves[${i}] ("${c.variant}"): points`, c.points.length);
    c.points.forEach((q, j) => {
      checkLength(TYPE, `pruning.curves[${i}].points[${j}].${p.metric}`, q[p.metric], C, `one per condition (${C})`);
    });
  });
  const series: CurveSpec['series'] = [];
  const vlines: NonNullable<CurveSpec['vlines']> = [];
  const never: string[] = [];
  pc.curves.forEach((c, i) => {
    const color = paletteColor(i);
    const x = c.points.map((q) => 100 * q.removedFraction);
    if (p.showConditions)
      for (let k = 0; k < C; k++)
        series.push({
          label: `${c.variant}: ${pc.conditions[k]?.key ?? k}`,
          x,
          y: c.points.map((q) => q[p.metric][k] as number),
          color,
          strokeWidth: 0.8,
          dash: '2 2',
        });
    series.push({
      label: `${c.variant} (mean)`,
      x,
      y: c.points.map((q) => (p.metric === 'distance' ? q.meanDistance : q.meanAccuracy)),
      color,
      strokeWidth: 2.4,
      markers: { filled: c.points.map((q) => q.ok) },
    });
    // A line at "ok up to 0 %" would read as a result; when no point meets the criterion, say so instead.
    if (c.points.some((q) => q.ok))
      vlines.push({
        value: 100 * c.maxFractionOk,
        label: `${c.variant}: ok up to ${fmt(100 * c.maxFractionOk, 3)} %`,
        color,
        dash: '6 4',
      });
    else never.push(c.variant);
  });
  const threshold = criterionThreshold(pc.criterion, p.metric);
  const hlines =
    threshold !== undefined
      ? [{ value: threshold, label: `criterion: ${pc.criterion}`, color: COLORS.muted, dash: '3 3' }]
      : [];
  const extraLegend: LegendItem[] = [
    { label: 'criterion met', color: COLORS.muted, mark: 'point', filled: true },
    { label: 'failed', color: COLORS.muted, mark: 'point', filled: false },
  ];
  const best = pc.curves
    .map((c) => (never.includes(c.variant) ? `${c.variant}: never` : `${c.variant} ${fmt(100 * c.maxFractionOk, 3)} %`))
    .join(', ');
  const yLog = p.yScale === 'log';
  return {
    title: `Pruning: ${p.metric === 'distance' ? 'distance to target' : 'accuracy'} vs weights removed`,
    caption:
      `Mean ${p.metric === 'distance' ? 'distance ||y − target||₂' : 'decision accuracy'} over ${C} conditions as the fraction of ` +
      `recurrent weights set to zero grows. Criterion "${pc.criterion}": filled markers meet it, hollow ones fail; dashed vertical ` +
      `lines mark the largest fraction still meeting it (${best}).`,
    xLabel: 'recurrent weights removed (%)',
    yLabel: p.metric === 'distance' ? 'mean distance ||y − target||₂ (a.u.)' : 'mean accuracy (fraction correct)',
    yLog,
    xLog: false,
    series,
    vlines,
    hlines,
    extraLegend,
    notes: [
      ...(threshold === undefined ? [`criterion: ${pc.criterion}`] : []),
      ...never.map(
        (v) =>
          `${v}: criterion not met even at ${fmt(100 * Math.min(...(pc.curves.find((c) => c.variant === v)?.points.map((q) => q.removedFraction) ?? [0])), 3)} % removed`,
      ),
    ],
  };
}

/** Check that a Series (or a plain JSON value connected in its place) has the right shape. */
export function seriesProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null)
    return `expected an object { xLabel, yLabel, series: [{ name, x, y }] }, got ${v === null ? 'null' : typeof v}`;
  const s = v as Record<string, unknown>;
  if (typeof s['xLabel'] !== 'string' || typeof s['yLabel'] !== 'string')
    return 'xLabel and yLabel must be strings (axis titles with units)';
  if (!Array.isArray(s['series']) || s['series'].length === 0)
    return '"series" must be a non-empty list of { name, x, y }';
  for (const [i, e] of (s['series'] as unknown[]).entries()) {
    const r = e as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null) return `series[${i}] must be an object { name, x, y }`;
    if (typeof r['name'] !== 'string') return `series[${i}].name must be a string`;
    const x = r['x'];
    const y = r['y'];
    if (!Array.isArray(x) || !Array.isArray(y)) return `series[${i}].x and .y must be lists of numbers`;
    if (x.length === 0) return `series[${i}] is empty`;
    if (x.length !== y.length)
      return `mismatched shapes: series[${i}] has ${x.length} x values but ${y.length} y values`;
    if (![...(x as unknown[]), ...(y as unknown[])].every((n) => typeof n === 'number'))
      return `series[${i}].x and .y must hold only numbers`;
  }
  return null;
}

function genericCurve(s: Series, p: Params): Drawn {
  const problem = seriesProblem(s);
  if (problem) throw new Error(`${TYPE}: input "series": ${problem}`);
  const yLog = p.yScale === 'log';
  if (yLog && s.series.every((e) => positiveCount(e.y) === 0))
    throw new Error(`${TYPE}: no positive y value to draw on a log scale; set param "yScale" to "linear"`);
  return {
    title: s.title ?? `${s.yLabel} vs ${s.xLabel}`,
    caption: `${s.series.map((e) => e.name).join(', ')}: ${s.yLabel} against ${s.xLabel}.`,
    xLabel: s.xLabel,
    yLabel: s.yLabel,
    yLog,
    xLog: p.xScale === 'log',
    series: s.series.map((e, i) => ({
      label: e.name,
      x: e.x,
      y: e.y,
      color: i,
      ...(e.x.length <= 40 ? { markers: {} } : {}),
    })),
  };
}

export const plotCurve = defineBlock({
  type: TYPE,
  version: 1,
  title: 'Curve (loss, pruning, series)',
  category: 'Plots',
  description:
    'A line chart of one of: a TrainingHistory (training and validation loss per step, log scale, where the ' +
    'criterion was met), a PruningCurve (distance or accuracy against the fraction of weights removed, one ' +
    'line per variant, the deterioration criterion drawn), or generic numeric Series (any sweep an analysis ' +
    'emits). Connect exactly one input.',
  inputs: {
    history: input(TrainingHistoryPort, { optional: true, description: 'Loss curves of a training run.' }),
    pruning: input(PruningCurvePort, { optional: true, description: 'Performance against pruned fraction.' }),
    series: input(SeriesPort, {
      optional: true,
      accepts: [Json],
      description: 'Generic { xLabel, yLabel, series: [{ name, x, y }] }.',
    }),
  },
  outputs: { figure: FigurePort },
  params: schema({
    ...sizeParams(760, 460),
    yScale: oneOf(['auto', 'linear', 'log'] as const, 'auto', {
      description: '"auto": log for losses, linear otherwise.',
    }),
    xScale: oneOf(['linear', 'log'] as const, 'linear', { description: 'Scale of the x axis.' }),
    metric: oneOf(['distance', 'accuracy'] as const, 'distance', {
      description: 'Pruning curves: which performance measure to draw.',
    }),
    showConditions: bool(false, { description: 'Pruning curves: also draw each condition thin and dotted.' }),
  }),
  run: async ({ params, inputs, nodeId }) => {
    const connected = (['history', 'pruning', 'series'] as const).filter((k) => inputs[k] !== undefined);
    if (connected.length === 0)
      throw new Error(`${TYPE}: nothing to draw: connect one of the inputs "history", "pruning" or "series"`);
    if (connected.length > 1)
      throw new Error(
        `${TYPE}: inputs ${connected.map((k) => `"${k}"`).join(' and ')} are both connected; a curve plot draws one kind of data, so use one plot.curve per input`,
      );
    const p: Params = params;
    const drawn = inputs.history
      ? historyCurve(inputs.history, p)
      : inputs.pruning
        ? pruningCurve(inputs.pruning, p)
        : genericCurve(inputs.series as Series, p);
    const title = params.title || drawn.title;
    const caption = drawn.caption;
    const svg = await draw(async () => (await import('./render/curve.ts')).renderCurve, { ...drawn, title, description: caption, width: params.width, height: params.height });
    return { figure: makeFigure('curve', nodeId, title, caption, params.width, params.height, svg) };
  },
});
