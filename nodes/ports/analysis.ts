/** Port data of the analyses. */
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
  /** ||W||_F, for comparing spectra. */
  frobenius?: number;
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
  /** The constant inputs probed, with their labels. */
  inputs?: Array<{ label: string; values: number[] }>;
}

export interface PruningPoint {
  requestedFraction: number;
  removedFraction: number;
  /** |w| threshold below which weights were removed (magnitude variants). */
  threshold: number;
  /** Weights zeroed, and how many were eligible under the variant (all, positive, negative). */
  removedCount?: number;
  eligibleCount?: number;
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
  /** Performance of the intact network, per condition. */
  baseline?: { distance: number[]; accuracy: number[] };
}

import { definePortType, formatNumber, type Artifact } from '../../core/index.ts';

/** JSON with typed arrays written as plain arrays and non-finite numbers as null. */
export function analysisJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return Array.from(x as unknown as ArrayLike<number>);
    if (typeof x === 'number' && !Number.isFinite(x)) return null;
    return x;
  });
}

/** What a CSV cell may hold. */
export type CsvCell = string | number | boolean | null | undefined;

/** One CSV cell: numbers as-is (shortest round-trip form), strings quoted when needed. */
function cell(v: CsvCell): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV table (header + rows), RFC 4180 quoting, '\n' line ends. */
export function csvTable(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

const jsonArtifact = (v: unknown): Artifact => ({
  suffix: '.json',
  data: analysisJson(v),
  mediaType: 'application/json',
});
const csvArtifact = (suffix: string, data: string): Artifact => ({ suffix, data, mediaType: 'text/csv' });

/** Rows of a spectrum's eigenvalue CSV. */
function spectrumRows(s: Spectrum, which: string): CsvCell[][] {
  return s.eigenvalues.map((l, i) => [which, s.label, i, l.re, l.im, Math.hypot(l.re, l.im)]);
}

export function spectrumSummary(s: Spectrum): string {
  let line = `${s.matrix} radius ${formatNumber(s.radius, 3)}, ${s.outside} outside the unit circle`;
  if (s.reference)
    line += ` (${s.reference.label}: radius ${formatNumber(s.reference.radius, 3)}, ${s.reference.outside} outside)`;
  return line;
}

export const SpectrumPort = definePortType<Spectrum>({
  name: 'Spectrum',
  description: 'Eigenvalues of a weight matrix, spectral radius, outliers, dominant mode, non-normality.',
  color: '#aa3377',
  summarize: spectrumSummary,
  numbers: (s) => ({
    radius: s.radius,
    outside: s.outside,
    henrici: s.henrici,
    dominantAbs: s.dominant.abs,
    dominantFreqAtan2: s.dominant.freqAtan2,
    ...(s.reference ? { referenceRadius: s.reference.radius, referenceOutside: s.reference.outside } : {}),
  }),
  artifacts: (s) => [
    jsonArtifact(s),
    csvArtifact(
      '.csv',
      csvTable(
        ['spectrum', 'label', 'index', 're', 'im', 'abs'],
        [...spectrumRows(s, 'main'), ...(s.reference ? spectrumRows(s.reference, 'reference') : [])],
      ),
    ),
  ],
});

export function weightStatsSummary(w: WeightStats): string {
  return w.matrices
    .map(
      (m) =>
        `${m.name}: mean ${formatNumber(m.mean, 2)}, std ${formatNumber(m.std, 3)}, skew ${formatNumber(m.skewness, 2)}, ex. kurtosis ${formatNumber(m.excessKurtosis, 2)}`,
    )
    .join('; ');
}

export const WeightStatsPort = definePortType<WeightStats>({
  name: 'WeightStats',
  description: 'Moments and histograms of weight matrices.',
  color: '#66ccee',
  summarize: weightStatsSummary,
  numbers: (w) => {
    const out: Record<string, number> = {};
    for (const m of w.matrices) {
      out[`${m.name}.mean`] = m.mean;
      out[`${m.name}.std`] = m.std;
      out[`${m.name}.skewness`] = m.skewness;
      out[`${m.name}.excessKurtosis`] = m.excessKurtosis;
      if (m.name === 'W_rec' && m.count > 0) out[`${m.name}.stdTimesSqrtN`] = m.std * Math.sqrt(Math.sqrt(m.count));
    }
    return out;
  },
  artifacts: (w) => [
    jsonArtifact(w),
    csvArtifact(
      '.csv',
      csvTable(
        [
          'matrix',
          'count',
          'mean',
          'std',
          'skewness',
          'excess_kurtosis',
          'min',
          'max',
          'fit_mu',
          'fit_sigma',
          'legacy_pdf_skewness',
          'legacy_pdf_kurtosis',
        ],
        w.matrices.map((m) => [
          m.name,
          m.count,
          m.mean,
          m.std,
          m.skewness,
          m.excessKurtosis,
          m.min,
          m.max,
          m.normalFit.mu,
          m.normalFit.sigma,
          m.legacyPdfMoments?.skewness ?? '',
          m.legacyPdfMoments?.kurtosis ?? '',
        ]),
      ),
    ),
    csvArtifact(
      '.histogram.csv',
      csvTable(
        ['matrix', 'bin', 'left', 'right', 'count'],
        w.matrices.flatMap((m) =>
          m.histogram.counts.map((c, i) => [m.name, i, m.histogram.edges[i], m.histogram.edges[i + 1], c]),
        ),
      ),
    ),
  ],
});

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

export function fixedPointsSummary(f: FixedPoints): string {
  const n = (s: FixedPoint['stability']) => f.points.filter((p) => p.stability === s).length;
  if (f.points.length === 0) return `no fixed or slow points found (q <= keepQ) for ${f.inputs?.length ?? 0} inputs`;
  const qmax = Math.max(...f.points.map((p) => p.q));
  return `${f.points.length} points (${n('stable')} stable, ${n('saddle')} saddle, ${n('unstable')} unstable), max q ${formatNumber(qmax, 2)}`;
}

export const FixedPointsPort = definePortType<FixedPoints>({
  name: 'FixedPoints',
  description: 'Fixed and slow points of a network under constant inputs, with their stability.',
  color: '#994455',
  summarize: fixedPointsSummary,
  numbers: (f) => ({
    points: f.points.length,
    stable: f.points.filter((p) => p.stability === 'stable').length,
    saddle: f.points.filter((p) => p.stability === 'saddle').length,
    unstable: f.points.filter((p) => p.stability === 'unstable').length,
  }),
  artifacts: (f) => [
    jsonArtifact(f),
    csvArtifact(
      '.csv',
      csvTable(
        [
          'index',
          'input',
          'q',
          'stability',
          'max_abs_eigenvalue',
          'unstable_modes',
          ...Array.from({ length: f.N }, (_, i) => `h${i}`),
        ],
        f.points.map((p, i) => [
          i,
          p.inputLabel,
          p.q,
          p.stability,
          p.maxAbsEigenvalue,
          p.eigenvalues.filter((l) => Math.hypot(l.re, l.im) > 1).length,
          ...Array.from(p.h),
        ]),
      ),
    ),
  ],
});

export function pruningSummary(p: PruningCurve): string {
  const parts = p.curves.map((c) => `${c.variant}: ok up to ${formatNumber(100 * c.maxFractionOk, 3)} %`);
  if (p.lesions && p.lesions.length > 0) {
    const ok = p.lesions.filter((l) => l.accuracy.every((a) => a >= 1)).length;
    parts.push(`${ok}/${p.lesions.length} lesions keep every condition correct`);
  }
  return parts.join('; ');
}

export const PruningCurvePort = definePortType<PruningCurve>({
  name: 'PruningCurve',
  description: 'Performance against the fraction of recurrent weights removed.',
  color: '#997700',
  summarize: pruningSummary,
  numbers: (p) => {
    const out: Record<string, number> = {};
    for (const c of p.curves) out[`${c.variant}.maxFractionOk`] = c.maxFractionOk;
    if (p.baseline && p.baseline.distance.length > 0)
      out.baselineDistance = p.baseline.distance.reduce((a, b) => a + b, 0) / p.baseline.distance.length;
    return out;
  },
  artifacts: (p) => [
    jsonArtifact(p),
    csvArtifact(
      '.csv',
      csvTable(
        ['variant', 'requested_fraction', 'removed_fraction', 'threshold', 'condition', 'distance', 'accuracy', 'ok'],
        p.curves.flatMap((c) =>
          c.points.flatMap((pt) =>
            p.conditions.map((cond, i) => [
              c.variant,
              pt.requestedFraction,
              pt.removedFraction,
              pt.threshold,
              cond.key,
              pt.distance[i],
              pt.accuracy[i],
              pt.ok ? 1 : 0,
            ]),
          ),
        ),
      ),
    ),
    ...(p.lesions && p.lesions.length > 0
      ? [
          csvArtifact(
            '.lesions.csv',
            csvTable(
              ['lesion', 'units', 'condition', 'distance', 'accuracy'],
              p.lesions.flatMap((l, li) =>
                p.conditions.map((cond, i) => [li, l.units.join(' '), cond.key, l.distance[i], l.accuracy[i]]),
              ),
            ),
          ),
        ]
      : []),
  ],
});
