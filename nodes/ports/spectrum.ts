/** `Spectrum`: the eigenvalues of one weight matrix, with radius, outliers, dominant mode and non-normality. */
import { definePortType, formatNumber } from '../../core/index.ts';
import { csvArtifact, csvTable, jsonArtifact, type CsvCell } from './tables.ts';

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
