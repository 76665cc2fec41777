/** `PCA`: principal components of population activity and each condition projected on them. */
import { definePortType, formatNumber } from '../../core/index.ts';
import type { ConditionLabel } from './dataset.ts';
import { csvArtifact, csvTable, jsonArtifact } from './tables.ts';

/** `PCA` */
export interface PCA {
  label: string;
  N: number;
  k: number;
  /** Ratio per component (all components, sums to 1). */
  explainedVarianceRatio: number[];
  /** [k, N] principal axes (rows). */
  components: Float64Array;
  /** [N] the mean removed before projecting. */
  mean: Float64Array;
  /** Each condition's trajectory on the first k components: points [T, k]. */
  projections: Array<{
    condition: ConditionLabel;
    T: number;
    points: Float32Array;
    /** Which trajectory set it came from (the fitted one's label, or the projected one's). */
    set?: string;
  }>;
  /** Total variance of the fitted data (sum of all eigenvalues of the covariance). */
  totalVariance?: number;
  /** Number of samples (time points x conditions) the fit used. */
  samples?: number;
  /** Label of the second trajectory set projected with this fit, when one was given. */
  projectedLabel?: string;
  /**
   * Share of the projected set's own variance (about its own mean) captured by each of the first k
   * fitted components, when a second set was given.
   */
  projectedVarianceRatio?: number[];
}

export function pcaSummary(p: PCA): string {
  const top = (k: number) => formatNumber(100 * p.explainedVarianceRatio.slice(0, k).reduce((a, b) => a + b, 0), 3);
  return `top 3 PCs explain ${top(3)} % of the variance (PC1 ${top(1)} %), ${p.projections.length} conditions projected on ${p.k}`;
}

export const PCAPort = definePortType<PCA>({
  name: 'PCA',
  description: 'Principal components of population activity and each condition projected on them.',
  color: '#bbbbbb',
  summarize: pcaSummary,
  numbers: (p) => ({
    top1: p.explainedVarianceRatio.slice(0, 1).reduce((a, b) => a + b, 0),
    top3: p.explainedVarianceRatio.slice(0, 3).reduce((a, b) => a + b, 0),
  }),
  artifacts: (p) => [
    jsonArtifact(p),
    csvArtifact(
      '.variance.csv',
      csvTable(
        ['component', 'explained_variance_ratio', 'cumulative'],
        p.explainedVarianceRatio.map((r, i) => [
          i + 1,
          r,
          p.explainedVarianceRatio.slice(0, i + 1).reduce((a, b) => a + b, 0),
        ]),
      ),
    ),
    csvArtifact(
      '.csv',
      csvTable(
        ['set', 'condition', 't', ...Array.from({ length: p.k }, (_, i) => `pc${i + 1}`)],
        p.projections.flatMap((c) =>
          Array.from({ length: c.T }, (_, t) => [
            c.set ?? p.label,
            c.condition.key,
            t,
            ...Array.from(c.points.subarray(t * p.k, (t + 1) * p.k)),
          ]),
        ),
      ),
    ),
  ],
});
