/** `WeightStats`: moments and histograms of weight matrices. */
import { definePortType, formatNumber } from '../../core/index.ts';
import { csvArtifact, csvTable, jsonArtifact } from './tables.ts';

/** Sample moments of a list of numbers (population forms, as numpy/scipy's defaults). */
export interface Moments {
  count: number;
  mean: number;
  /** Population std (ddof 0). */
  std: number;
  /** g1 = m3 / m2^1.5 (scipy.stats.skew, bias=True). */
  skewness: number;
  /** g2 = m4 / m2^2 - 3 (scipy.stats.kurtosis, fisher=True, bias=True). */
  excessKurtosis: number;
  min: number;
  max: number;
}

/** The moments and histogram of one weight matrix. */
export interface MatrixStats extends Moments {
  name: string;
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
