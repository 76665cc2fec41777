/** `plot.timeseries`: inputs, target and network output over time, one small panel per condition. */
import { bool, defineBlock, input, int, oneOf, schema } from '../../core/index.ts';
import { DatasetPort, TrajectoriesPort, type ConditionLabel, type Dataset, type Trajectories } from '../ports/index.ts';
import { FigurePort } from '../ports/figure.ts';
import {
  heightIssues,
  checkLength,
  checkPositive,
  fittingConditionTitle,
  makeFigure,
  sizeParams,
  svgSize,
  draw,
} from './common.ts';
import type { TimeseriesPanel, TimeSeries } from './render/timeseries.ts';
import { FONT } from './render/theme.ts';

const TYPE = 'plot.timeseries';

/** Rows of a [rows, T, width] array as per-column series of one row. */
function columns(
  arr: Float32Array,
  row: number,
  T: number,
  width: number,
  names: string[],
  pick?: number[],
): TimeSeries[] {
  const out: TimeSeries[] = [];
  for (const j of pick ?? Array.from({ length: width }, (_, i) => i)) {
    const v = new Float32Array(T);
    for (let t = 0; t < T; t++) v[t] = arr[(row * T + t) * width + j] as number;
    out.push({ name: names[j] ?? `#${j}`, values: v });
  }
  return out;
}

function checkDataset(d: Dataset, what: string): void {
  checkPositive(TYPE, `${what}: samples`, d.samples);
  checkPositive(TYPE, `${what}: T (steps per trial)`, d.T);
  checkLength(
    TYPE,
    `${what}: inputs`,
    d.inputs,
    d.samples * d.T * d.channels,
    `samples x T x channels = ${d.samples} x ${d.T} x ${d.channels}`,
  );
  checkLength(
    TYPE,
    `${what}: targets`,
    d.targets,
    d.samples * d.T * d.outputs,
    `samples x T x outputs = ${d.samples} x ${d.T} x ${d.outputs}`,
  );
  checkLength(TYPE, `${what}: conditions`, d.conditions, d.samples, 'one label per sample');
}

function checkTrajectories(tr: Trajectories): void {
  checkPositive(TYPE, 'trajectories: C (conditions)', tr.C);
  checkPositive(TYPE, 'trajectories: T (steps)', tr.T);
  checkLength(
    TYPE,
    'trajectories.inputs',
    tr.inputs,
    tr.C * tr.T * tr.channels,
    `C x T x channels = ${tr.C} x ${tr.T} x ${tr.channels}`,
  );
  checkLength(
    TYPE,
    'trajectories.y',
    tr.y,
    tr.C * tr.T * tr.outputs,
    `C x T x outputs = ${tr.C} x ${tr.T} x ${tr.outputs}`,
  );
  checkLength(
    TYPE,
    'trajectories.targets',
    tr.targets,
    tr.C * tr.T * tr.outputs,
    `C x T x outputs = ${tr.C} x ${tr.T} x ${tr.outputs}`,
  );
  checkLength(TYPE, 'trajectories.hidden', tr.hidden, tr.C * tr.T * tr.N, `C x T x N = ${tr.C} x ${tr.T} x ${tr.N}`);
  checkLength(TYPE, 'trajectories.conditions', tr.conditions, tr.C, 'one label per condition');
}

/** The `count` units whose activity varies most over the rows shown (the informative ones). */
function mostVariableUnits(tr: Trajectories, rows: number[], count: number): number[] {
  const { T, N, hidden } = tr;
  const sum = new Float64Array(N);
  const sq = new Float64Array(N);
  for (const c of rows)
    for (let t = 0; t < T; t++)
      for (let i = 0; i < N; i++) {
        const v = hidden[(c * T + t) * N + i] as number;
        sum[i] = (sum[i] as number) + v;
        sq[i] = (sq[i] as number) + v * v;
      }
  const n = rows.length * T;
  const variance = Array.from({ length: N }, (_, i) => (sq[i] as number) / n - ((sum[i] as number) / n) ** 2);
  return variance
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, count)
    .map((p) => p[1])
    .sort((a, b) => a - b);
}

/** One row per distinct condition (first trial of each key), or every row. */
function pickRows(conditions: ConditionLabel[], jitters: 'first' | 'all'): number[] {
  if (jitters === 'all') return conditions.map((_, i) => i);
  const seen = new Set<string>();
  const rows: number[] = [];
  conditions.forEach((c, i) => {
    if (seen.has(c.key)) return;
    seen.add(c.key);
    rows.push(i);
  });
  return rows;
}

export const plotTimeseries = defineBlock({
  type: TYPE,
  version: 1,
  title: 'Time series per condition',
  category: 'Plots',
  description:
    'Inputs, target and network output over time, one small panel per condition (task, input values and ' +
    'context level in each title), as in the trial plots of Jarne & Laje and Jarne 2021. Draws from ' +
    'Trajectories (network output, optionally a few hidden units) and/or a Dataset (its noise-free probe ' +
    'when present: inputs and targets only).',
  inputs: {
    dataset: input(DatasetPort, {
      optional: true,
      description: 'Trials to draw (its probe, one trial per condition, when present).',
    }),
    trajectories: input(TrajectoriesPort, {
      optional: true,
      description: 'A simulated network: adds its output and hidden units.',
    }),
  },
  outputs: { figure: FigurePort },
  params: schema({
    ...sizeParams(960, 0, { autoHeight: 'Figure height; 0 makes it as tall as the panels need.' }),
    columns: int(1, 8, 4, { description: 'Panels per row.' }),
    maxPanels: int(1, 64, 12, {
      description: 'At most this many conditions are drawn (a warning says how many were left out).',
    }),
    hiddenUnits: int(0, 16, 0, {
      description: 'Draw this many hidden units (the most variable ones), grey, behind the inputs; needs Trajectories.',
    }),
    jitters: oneOf(['first', 'all'] as const, 'first', {
      description:
        '"first": one panel per condition (its first trial); "all": one panel per trial, e.g. every jitter of the probe.',
    }),
    useProbe: bool(true, {
      description: "Draw the dataset's probe (noise-free, one trial per condition) rather than its first samples.",
    }),
  }),
  validate: (params) => heightIssues(params.height, 160),
  run: async (ctx) => {
    const { params, inputs, nodeId } = ctx;
    const warn = (message: string): void => ctx.warn(message);
    const { dataset, trajectories } = inputs;
    if (!dataset && !trajectories)
      throw new Error(`${TYPE}: nothing to draw: connect a Dataset to "dataset" and/or Trajectories to "trajectories"`);
    let ds: Dataset | undefined;
    if (dataset) {
      ds = params.useProbe && dataset.probe ? dataset.probe : dataset;
      checkDataset(ds, params.useProbe && dataset.probe ? 'dataset.probe' : 'dataset');
    }
    let panels: TimeseriesPanel[];
    const { panelWidthFor } = await import('./render/timeseries.ts');
    const panelWidth = panelWidthFor(params.width, Math.min(params.columns, params.maxPanels)) + 12;
    let conditions: ConditionLabel[];
    let T: number;
    let dt: number;
    let channelNames: string[];
    let outputNames: string[];
    let source: string;
    if (trajectories) {
      const tr = trajectories;
      checkTrajectories(tr);
      if (ds && (ds.T !== tr.T || ds.channels !== tr.channels || ds.outputs !== tr.outputs))
        throw new Error(
          `${TYPE}: mismatched shapes: the dataset has T=${ds.T}, ${ds.channels} channels, ${ds.outputs} outputs but the trajectories ` +
            `have T=${tr.T}, ${tr.channels} channels, ${tr.outputs} outputs; connect the trajectories simulated on this dataset`,
        );
      if (params.hiddenUnits > tr.N)
        warn(`hiddenUnits=${params.hiddenUnits} but the network has ${tr.N} units; drawing all ${tr.N}`);
      const rows = pickRows(tr.conditions, params.jitters).slice(0, params.maxPanels);
      const total = pickRows(tr.conditions, params.jitters).length;
      if (total > rows.length)
        warn(`${total} conditions, drawing the first ${rows.length} (raise maxPanels to draw more)`);
      const units = params.hiddenUnits > 0 ? mostVariableUnits(tr, rows, Math.min(params.hiddenUnits, tr.N)) : [];
      const unitNames = Array.from({ length: tr.N }, (_, i) => `h${i}`);
      panels = rows.map((c) => ({
        title: fittingConditionTitle(
          tr.conditions[c] as ConditionLabel,
          params.jitters === 'all',
          panelWidth,
          FONT.panelTitle,
        ),
        inputs: columns(tr.inputs, c, tr.T, tr.channels, tr.channelNames),
        targets: columns(tr.targets, c, tr.T, tr.outputs, tr.outputNames),
        outputs: columns(tr.y, c, tr.T, tr.outputs, tr.outputNames),
        hidden: units.length > 0 ? columns(tr.hidden, c, tr.T, tr.N, unitNames, units) : [],
      }));
      conditions = rows.map((c) => tr.conditions[c] as ConditionLabel);
      ({ T, dt, channelNames, outputNames } = tr);
      source = `network "${tr.label}"`;
    } else {
      const d = ds as Dataset;
      if (params.hiddenUnits > 0)
        warn(
          'hiddenUnits needs Trajectories (a simulated network); only the dataset is connected, so no hidden units are drawn',
        );
      const all = pickRows(d.conditions, params.jitters);
      const rows = all.slice(0, params.maxPanels);
      if (all.length > rows.length)
        warn(`${all.length} conditions, drawing the first ${rows.length} (raise maxPanels to draw more)`);
      panels = rows.map((c) => ({
        title: fittingConditionTitle(
          d.conditions[c] as ConditionLabel,
          params.jitters === 'all',
          panelWidth,
          FONT.panelTitle,
        ),
        inputs: columns(d.inputs, c, d.T, d.channels, d.channelNames),
        targets: columns(d.targets, c, d.T, d.outputs, d.outputNames),
        outputs: [],
        hidden: [],
      }));
      conditions = rows.map((c) => d.conditions[c] as ConditionLabel);
      ({ T, dt, channelNames, outputNames } = d);
      source = `dataset (${d.tasks.join(', ')})`;
    }
    const tasks = [...new Set(conditions.map((c) => c.task))];
    const title =
      params.title || `${tasks.join(', ')}: inputs, target${trajectories ? ' and output' : ''} per condition`;
    const caption =
      `${panels.length} condition${panels.length === 1 ? '' : 's'} of the ${source}, ${T} steps of ${dt} ms. ` +
      `Coloured: input channels; dashed black: target${trajectories ? '; red: network output' : ''}` +
      `${panels.some((p) => p.hidden.length > 0) ? `; grey: the ${panels[0]?.hidden.length} most variable hidden units` : ''}.`;
    const svg = await draw(async () => (await import('./render/timeseries.ts')).renderTimeseries, {
      title,
      description: caption,
      width: params.width,
      height: params.height,
      columns: params.columns,
      dt,
      timeUnit: 'ms',
      T,
      panels,
      channelNames,
      outputNames,
      yLabel: 'activity (a.u.)',
    });
    const size = svgSize(svg);
    return { figure: makeFigure('timeseries', nodeId, title, caption, size.width, size.height, svg) };
  },
});
