/** Port data of the analyses (issue 5). */
import type { ConditionLabel } from './dataset.ts';

export interface Eigenvalue {
  re: number;
  im: number;
}

/** `Spectrum`: eigenvalues of one weight matrix. */
export interface Spectrum {
  /** Which matrix ('W_rec'). */
  matrix: string;
  label: string;
  n: number;
  eigenvalues: Eigenvalue[];
  radius: number;
  /** |lambda| > 1 + tolerance. */
  outside: number;
  tolerance: number;
  dominant: Eigenvalue & {
    abs: number;
    /** The authors' tangent approximation |Im|/(2 pi Re), cycles per step. */
    freqTangent: number;
    /** atan2(|Im|, Re)/(2 pi), cycles per step. */
    freqAtan2: number;
  };
  /** Henrici departure from normality, sqrt(||W||_F^2 - sum |l|^2)/||W||_F. */
  henrici: number;
  /** A second spectrum to compare with (e.g. before training). */
  reference?: Spectrum;
}

export interface MatrixStats {
  name: string;
  count: number;
  mean: number;
  std: number;
  skewness: number;
  excessKurtosis: number;
  min: number;
  max: number;
  histogram: { edges: number[]; counts: number[] };
  normalFit: { mu: number; sigma: number };
  /** Only when asked for: the poster's moments of a fitted pdf sampled at the histogram edges. */
  legacyPdfMoments?: { skewness: number; kurtosis: number; note: string };
}

/** `WeightStats` */
export interface WeightStats {
  label: string;
  matrices: MatrixStats[];
}

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
  projections: Array<{ condition: ConditionLabel; T: number; points: Float32Array }>;
}

export interface FixedPoint {
  /** [N] */
  h: Float32Array;
  /** The constant input probed. */
  input: number[];
  inputLabel: string;
  q: number;
  stability: 'stable' | 'saddle' | 'unstable';
  /** Eigenvalues of the Jacobian of the discrete map at h. */
  eigenvalues: Eigenvalue[];
  maxAbsEigenvalue: number;
}

/** `FixedPoints` */
export interface FixedPoints {
  N: number;
  points: FixedPoint[];
  /** Settings used (starts, tolerances, iterations). */
  settings: Record<string, number>;
}

export interface PruningPoint {
  requestedFraction: number;
  removedFraction: number;
  /** |w| threshold below which weights were removed (magnitude variants). */
  threshold: number;
  distance: number[];
  accuracy: number[];
  meanDistance: number;
  meanAccuracy: number;
  ok: boolean;
}

/** `PruningCurve` */
export interface PruningCurve {
  conditions: ConditionLabel[];
  criterion: string;
  curves: Array<{ variant: string; points: PruningPoint[]; maxFractionOk: number }>;
  lesions?: Array<{ units: number[]; distance: number[]; accuracy: number[] }>;
}

import { definePortType, formatNumber } from '../../core/index.ts';

const json = (v: unknown) => [{ suffix: '.json', data: JSON.stringify(v), mediaType: 'application/json' }];

export const SpectrumPort = definePortType<Spectrum>({
  name: 'Spectrum',
  description: 'Eigenvalues of a weight matrix, spectral radius, outliers, dominant mode, non-normality.',
  color: '#aa3377',
  summarize: (s) => `radius ${formatNumber(s.radius, 3)}, ${s.outside} outside the unit circle`,
  artifacts: json,
});

export const WeightStatsPort = definePortType<WeightStats>({
  name: 'WeightStats',
  description: 'Moments and histograms of weight matrices.',
  color: '#66ccee',
  summarize: (w) =>
    w.matrices.map((m) => `${m.name}: mean ${formatNumber(m.mean, 2)}, std ${formatNumber(m.std, 3)}`).join('; '),
  artifacts: json,
});

export const PCAPort = definePortType<PCA>({
  name: 'PCA',
  description: 'Principal components of population activity and each condition projected on them.',
  color: '#bbbbbb',
  summarize: (p) =>
    `top 3 PCs explain ${formatNumber(100 * p.explainedVarianceRatio.slice(0, 3).reduce((a, b) => a + b, 0), 3)} %`,
  artifacts: json,
});

export const FixedPointsPort = definePortType<FixedPoints>({
  name: 'FixedPoints',
  description: 'Fixed and slow points of a network under constant inputs, with their stability.',
  color: '#994455',
  summarize: (f) => {
    const stable = f.points.filter((p) => p.stability === 'stable').length;
    return `${f.points.length} points (${stable} stable)`;
  },
  artifacts: json,
});

export const PruningCurvePort = definePortType<PruningCurve>({
  name: 'PruningCurve',
  description: 'Performance against the fraction of recurrent weights removed.',
  color: '#997700',
  summarize: (p) => p.curves.map((c) => `${c.variant}: ok up to ${formatNumber(100 * c.maxFractionOk, 3)} %`).join('; '),
  artifacts: json,
});
