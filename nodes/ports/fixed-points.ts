/** `FixedPoints`: fixed and slow points of a network under constant inputs, with their stability. */
import { definePortType, formatNumber } from '../../core/index.ts';
import type { Eigenvalue } from './spectrum.ts';
import { csvArtifact, csvTable, jsonArtifact } from './tables.ts';

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
