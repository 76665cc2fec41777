/**
 * `analysis.weight-stats`: moments and histograms of the weights themselves (W_rec, W_in, W_out).
 */
import { bool, defineBlock, input, int, list, oneOf, schema, str } from '../../core/index.ts';
import { ModelPort, WeightStatsPort, type MatrixStats, type Model, type WeightStats } from '../ports/index.ts';
import { histogram, moments } from './linalg.ts';

export const WEIGHT_MATRICES = ['W_rec', 'W_in', 'W_out'] as const;
export type WeightMatrix = (typeof WEIGHT_MATRICES)[number];

/** Bins of the poster's histogram, whose edges the legacy figure samples. */
export const LEGACY_BINS = 200;
export const LEGACY_NOTE =
  'Skewness and excess kurtosis of a fitted normal pdf evaluated at the 201 edges of a 200-bin histogram ' +
  "(the poster's figure): they depend only on the histogram's range relative to the fitted sigma, not on the shape of the weights.";

/**
 * The poster's legacy pair: fit a normal (mu, sigma by maximum likelihood), evaluate its pdf at the
 * edges of a 200-bin histogram of the weights, and take the (biased, Fisher) skewness and kurtosis
 * of those 201 pdf values.
 */
export function legacyPdfMoments(data: ArrayLike<number>): { skewness: number; kurtosis: number; note: string } {
  const m = moments(data);
  const { edges } = histogram(data, LEGACY_BINS);
  const pdf = edges.map((x) => Math.exp(-0.5 * ((x - m.mean) / m.std) ** 2) / (m.std * Math.sqrt(2 * Math.PI)));
  const p = moments(pdf);
  return { skewness: p.skewness, kurtosis: p.excessKurtosis, note: LEGACY_NOTE };
}

/** Moments, histogram and fitted normal of one weight array. */
export function matrixStats(name: string, data: ArrayLike<number>, bins: number, legacy: boolean): MatrixStats {
  const m = moments(data);
  const out: MatrixStats = {
    name,
    count: m.count,
    mean: m.mean,
    std: m.std,
    skewness: m.skewness,
    excessKurtosis: m.excessKurtosis,
    min: m.min,
    max: m.max,
    histogram: histogram(data, bins),
    // Maximum-likelihood normal (scipy.stats.norm.fit): the sample mean and the population std.
    normalFit: { mu: m.mean, sigma: m.std },
  };
  if (legacy) out.legacyPdfMoments = legacyPdfMoments(data);
  return out;
}

export function weightStats(
  model: Model,
  matrices: readonly WeightMatrix[],
  bins: number,
  legacy: boolean,
  label: string,
): WeightStats {
  return { label, matrices: matrices.map((name) => matrixStats(name, model.weights[name], bins, legacy)) };
}

export const weightStatsBlock = defineBlock({
  type: 'analysis.weight-stats',
  version: 1,
  title: 'Weight statistics',
  category: 'Analysis',
  description:
    'Mean, standard deviation, skewness and excess kurtosis of the weights themselves (population moments, as numpy/scipy), ' +
    'a histogram and the fitted normal, for W_rec, W_in and W_out. Trained networks of the multitask study keep |mean| < 0.006, ' +
    'std ~ 1/sqrt(N) and skewness ~ 0 in W_rec.',
  inputs: { model: input(ModelPort) },
  outputs: { stats: WeightStatsPort },
  params: schema({
    matrices: list(oneOf(WEIGHT_MATRICES, 'W_rec'), ['W_rec', 'W_in', 'W_out'], {
      minItems: 1,
      description: 'Which weight matrices to describe.',
    }),
    bins: int(2, 10_000, 100, { description: 'Histogram bins over [min, max] of each matrix.' }),
    legacyPdfMoments: bool(false, {
      description:
        "Also give the poster's legacy pair (skew 0.6337, kurtosis -1.1432 there): moments of a fitted normal pdf sampled at the edges of a 200-bin histogram, which measure the histogram's range, not the weights.",
    }),
    label: str('', { description: "Label for plots; default 'trained' or 'model'." }),
  }),
  validate: (params) => {
    const seen = new Set<string>();
    for (const m of params.matrices) {
      if (seen.has(m)) return [{ param: 'matrices', message: `${m} is listed twice; list each matrix once` }];
      seen.add(m);
    }
    return [];
  },
  run: async ({ params, inputs }) => {
    const label = params.label !== '' ? params.label : inputs.model.trainedOn ? 'trained' : 'model';
    return { stats: weightStats(inputs.model, params.matrices, params.bins, params.legacyPdfMoments, label) };
  },
});
