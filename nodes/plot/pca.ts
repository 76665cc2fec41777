/** `plot.pca`: condition trajectories on the principal components, with fixed points. */
import { bool, defineBlock, input, int, schema, str } from '../../core/index.ts';
import { FixedPointsPort, PCAPort, type ConditionLabel, type PCA } from '../ports/index.ts';
import { FigurePort } from '../ports/figure.ts';
import {
  heightIssues,
  checkLength,
  checkPositive,
  conditionInputs,
  conditionTitle,
  formatContext,
  makeFigure,
  sizeParams,
  svgSize,
  draw,
} from './common.ts';
import { fmt } from './render/theme.ts';
import type { PcaFixedPoint, PcaTrajectory } from './render/pca.ts';

const TYPE = 'plot.pca';
const ROW_HEIGHT = 420;

/** Colour groups: the context level when trials have one, else the task. */
function colorKey(c: ConditionLabel): string {
  return c.context !== undefined ? `context ${formatContext(c.context)} (${c.task})` : `task ${c.task}`;
}

/** Line-style groups: the input values. */
function dashKey(c: ConditionLabel): string {
  return conditionInputs(c) || 'no input';
}

function checkPca(p: PCA): void {
  checkPositive(TYPE, 'pca: N (units)', p.N);
  if (!(p.k >= 2))
    throw new Error(
      `${TYPE}: the PCA kept k = ${p.k} component(s); at least 2 are needed for a trajectory plot (raise k on the PCA block)`,
    );
  if (p.projections.length === 0) throw new Error(`${TYPE}: the PCA has no projected conditions; nothing to draw`);
  checkLength(TYPE, 'pca.components', p.components, p.k * p.N, `k x N = ${p.k} x ${p.N}`);
  checkLength(TYPE, 'pca.mean', p.mean, p.N, `N = ${p.N}`);
  if (p.explainedVarianceRatio.length < p.k)
    throw new Error(
      `${TYPE}: mismatched shapes: pca.explainedVarianceRatio has ${p.explainedVarianceRatio.length} values, expected at least k = ${p.k}`,
    );
  p.projections.forEach((q, i) => {
    checkPositive(TYPE, `pca.projections[${i}].T`, q.T);
    checkLength(TYPE, `pca.projections[${i}].points`, q.points, q.T * p.k, `T x k = ${q.T} x ${p.k}`);
  });
}

export const plotPca = defineBlock({
  type: TYPE,
  version: 1,
  title: 'PCA trajectories',
  category: 'Plots',
  description:
    "Each condition's population trajectory on PC1/PC2 and PC1/PC3, coloured by context level (or task) " +
    'and styled by input condition, start and end marked, with fixed points overlaid (stable filled, ' +
    'unstable hollow) and the explained variance in the axis labels, as in Jarne 2021 and Sussillo & Barak 2013.',
  inputs: {
    pca: input(PCAPort, { description: 'Principal components and projected trajectories.' }),
    fixedPoints: input(FixedPointsPort, { optional: true, description: 'Fixed points to project and overlay.' }),
  },
  outputs: { figure: FigurePort },
  params: schema({
    ...sizeParams(980, 0, {
      autoHeight: 'Figure height; 0 gives about 420 px per row of panels (one row per trajectory set).',
    }),
    pc3View: bool(true, { description: 'Add a PC1/PC3 panel next to PC1/PC2 (when the PCA kept 3 components).' }),
    maxConditions: int(1, 200, 48, { description: 'At most this many trajectories per set are drawn.' }),
    set: str('', { description: 'Draw only the trajectory set with this label; empty draws every set, one row each.' }),
  }),
  validate: (params) => heightIssues(params.height, 240),
  run: async (ctx) => {
    const { params, inputs, nodeId } = ctx;
    const warn = (message: string): void => ctx.warn(message);
    const p = inputs.pca;
    checkPca(p);
    const fps = inputs.fixedPoints;
    let fixed: PcaFixedPoint[] = [];
    if (fps) {
      if (fps.N !== p.N)
        throw new Error(
          `${TYPE}: mismatched shapes: the fixed points live in N = ${fps.N} dimensions but the PCA was fitted on N = ${p.N} units; connect fixed points of the same network`,
        );
      fixed = fps.points.map((f, i) => {
        checkLength(TYPE, `fixedPoints.points[${i}].h`, f.h, p.N, `N = ${p.N}`);
        const coords: number[] = [];
        for (let j = 0; j < p.k; j++) {
          let s = 0;
          for (let u = 0; u < p.N; u++)
            s += ((f.h[u] as number) - (p.mean[u] as number)) * (p.components[j * p.N + u] as number);
          coords.push(s);
        }
        return { coords, stability: f.stability };
      });
      if (fps.points.length === 0) warn('the fixed-point input holds no points; only trajectories are drawn');
    }
    // Rows: one per trajectory set (the fitted one, plus any projected with the same components).
    const setName = (q: PCA['projections'][number]) => q.set ?? p.label;
    let sets = [...new Set(p.projections.map(setName))];
    if (params.set !== '') {
      if (!sets.includes(params.set))
        throw new Error(
          `${TYPE}: param "set" is "${params.set}" but the PCA holds the sets ${sets.map((s) => `"${s}"`).join(', ')}`,
        );
      sets = [params.set];
    }
    const colorGroups = [...new Set(p.projections.map((q) => colorKey(q.condition)))];
    const dashGroups = [...new Set(p.projections.map((q) => dashKey(q.condition)))];
    const rows = sets.map((name) => {
      const all = p.projections.filter((q) => setName(q) === name);
      if (all.length > params.maxConditions)
        warn(
          `set "${name}": ${all.length} trajectories, drawing the first ${params.maxConditions} (raise maxConditions)`,
        );
      const trajectories: PcaTrajectory[] = all.slice(0, params.maxConditions).map((q) => ({
        label: conditionTitle(q.condition, true),
        color: colorGroups.indexOf(colorKey(q.condition)),
        dash: dashGroups.indexOf(dashKey(q.condition)),
        T: q.T,
        k: p.k,
        points: q.points,
      }));
      return { title: name, trajectories };
    });
    const views: Array<[number, number]> = [[0, 1]];
    if (params.pc3View && p.k >= 3) views.push([0, 2]);
    const pct = (j: number) => `${fmt(100 * (p.explainedVarianceRatio[j] as number), 3)} %`;
    const axisLabels = Array.from({ length: p.k }, (_, j) => `PC${j + 1} (a.u.), ${pct(j)} of variance`);
    const height = params.height > 0 ? params.height : 110 + ROW_HEIGHT * rows.length;
    const top3 = p.explainedVarianceRatio.slice(0, 3).reduce((a, b) => a + b, 0);
    const title = params.title || `Population trajectories on principal components (${p.label}, N = ${p.N})`;
    const caption =
      `Hidden-state trajectories of ${rows.reduce((a, r) => a + r.trajectories.length, 0)} condition runs projected on the first ` +
      `${views.length > 1 ? 'three' : 'two'} principal components (together ${fmt(100 * top3, 3)} % of the variance). ` +
      `Colour: ${colorGroups.length > 1 ? 'context level' : 'condition group'}; line style: input values; square: start, triangle: end.` +
      (fixed.length > 0
        ? ` ${fixed.length} fixed points overlaid (filled: stable, hollow: unstable, hollow diamond: saddle).`
        : '');
    const svg = await draw(async () => (await import('./render/pca.ts')).renderPca, {
      title,
      description: caption,
      width: params.width,
      height,
      axisLabels,
      views,
      rows,
      fixedPoints: fixed,
      colorGroups,
      dashGroups,
    });
    const size = svgSize(svg);
    return { figure: makeFigure('pca', nodeId, title, caption, size.width, size.height, svg) };
  },
});
