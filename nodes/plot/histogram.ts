/** `plot.histogram`: a weight histogram with the fitted normal and its statistics. */
import { bool, defineBlock, input, schema, str } from '../../core/index.ts';
import { WeightStatsPort } from '../ports/index.ts';
import { FigurePort } from '../ports/figure.ts';
import { checkPositive, makeFigure, sizeParams, draw } from './common.ts';
import { fmt } from './render/theme.ts';

const TYPE = 'plot.histogram';

export const plotHistogram = defineBlock({
  type: TYPE,
  version: 1,
  title: 'Weight histogram',
  category: 'Plots',
  description:
    'The histogram of one weight matrix with the fitted normal density and the true moments of the ' +
    'weights (mean, std, skewness, excess kurtosis) annotated. The poster-style "moments of the fitted ' +
    'pdf at the bin edges" are shown only when the statistics carry them, under that honest name.',
  inputs: { stats: input(WeightStatsPort, { description: 'Weight statistics with histograms.' }) },
  outputs: { figure: FigurePort },
  params: schema({
    ...sizeParams(720, 460),
    matrix: str('W_rec', { description: 'Which matrix of the statistics to draw (W_rec, W_in, W_out).', minLength: 1 }),
    showFit: bool(true, { description: 'Overlay the fitted normal density, scaled to the counts.' }),
  }),
  run: async ({ params, inputs, nodeId }) => {
    const ws = inputs.stats;
    if (ws.matrices.length === 0) throw new Error(`${TYPE}: the weight statistics hold no matrix; nothing to draw`);
    const m = ws.matrices.find((x) => x.name === params.matrix);
    if (!m)
      throw new Error(
        `${TYPE}: param "matrix" is "${params.matrix}" but the statistics hold ${ws.matrices.map((x) => `"${x.name}"`).join(', ')}; pick one of those`,
      );
    const { edges, counts } = m.histogram;
    checkPositive(TYPE, `${m.name}: histogram bins`, counts.length);
    checkPositive(TYPE, `${m.name}: count of weights`, m.count);
    if (edges.length !== counts.length + 1)
      throw new Error(
        `${TYPE}: mismatched shapes: ${m.name}.histogram has ${counts.length} counts but ${edges.length} edges (expected ${counts.length + 1})`,
      );
    for (let i = 1; i < edges.length; i++)
      if (!((edges[i] as number) > (edges[i - 1] as number)))
        throw new Error(
          `${TYPE}: ${m.name}.histogram.edges must increase, but edges[${i - 1}] = ${edges[i - 1]} and edges[${i}] = ${edges[i]}`,
        );
    if (counts.some((c) => !(c >= 0)))
      throw new Error(`${TYPE}: ${m.name}.histogram.counts has a negative or non-numeric count`);
    const title = params.title || `Weights of ${m.name} (${ws.label})`;
    const stats = [
      `n = ${m.count}`,
      `mean = ${fmt(m.mean, 3)}`,
      `std = ${fmt(m.std, 3)}`,
      `skewness = ${fmt(m.skewness, 3)}`,
      `excess kurtosis = ${fmt(m.excessKurtosis, 3)}`,
      `range [${fmt(m.min, 3)}, ${fmt(m.max, 3)}]`,
    ];
    if (m.legacyPdfMoments)
      stats.push(
        `fitted-pdf-at-edges: skew ${fmt(m.legacyPdfMoments.skewness, 3)}, kurt ${fmt(m.legacyPdfMoments.kurtosis, 3)}`,
      );
    const fit = params.showFit && m.normalFit.sigma > 0 ? m.normalFit : undefined;
    const caption =
      `Histogram of the ${m.count} entries of ${m.name} (${ws.label}) in ${counts.length} bins` +
      (fit ? `, with the fitted normal N(μ = ${fmt(fit.mu, 3)}, σ = ${fmt(fit.sigma, 3)}) scaled to the counts` : '') +
      `. Moments of the weights themselves: mean ${fmt(m.mean, 3)}, std ${fmt(m.std, 3)}, skewness ${fmt(m.skewness, 3)}, excess kurtosis ${fmt(m.excessKurtosis, 3)}.` +
      (m.legacyPdfMoments ? ` The "fitted-pdf-at-edges" pair is the poster's measure: ${m.legacyPdfMoments.note}` : '');
    const svg = await draw(async () => (await import('./render/histogram.ts')).renderHistogram, {
      title,
      description: caption,
      width: params.width,
      height: params.height,
      edges,
      counts,
      ...(fit
        ? { fit: { mu: fit.mu, sigma: fit.sigma, label: `normal fit (μ ${fmt(fit.mu, 2)}, σ ${fmt(fit.sigma, 3)})` } }
        : {}),
      stats,
      xLabel: `weight value of ${m.name} (dimensionless)`,
      yLabel: 'count (weights per bin)',
      barLabel: `${m.name} weights`,
    });
    return { figure: makeFigure('histogram', nodeId, title, caption, params.width, params.height, svg) };
  },
});
