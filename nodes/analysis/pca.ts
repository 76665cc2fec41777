/**
 * `analysis.pca`: principal components of population activity. Samples are the time points of every
 * condition, features are the units, the data are centred; the components are the eigenvectors of the
 * sample covariance (ml-matrix's symmetric eigendecomposition), equal to the right singular vectors of
 * the centred data matrix.
 */
import { Matrix } from 'ml-matrix';
import { defineBlock, input, int, schema, str } from '../../core/index.ts';
import { PCAPort, TrajectoriesPort, type PCA, type Trajectories } from '../ports/index.ts';
import { symmetricEigen } from './linalg.ts';

/** Mean [N] and covariance [N, N] (divided by M - 1) of the rows of a [M, N] array. */
export function covariance(
  X: ArrayLike<number>,
  M: number,
  N: number,
  signal?: AbortSignal,
): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(N);
  for (let s = 0; s < M; s++) {
    const o = s * N;
    for (let j = 0; j < N; j++) mean[j] = (mean[j] as number) + (X[o + j] as number);
  }
  for (let j = 0; j < N; j++) mean[j] = (mean[j] as number) / M;
  const cov = new Float64Array(N * N);
  const x = new Float64Array(N);
  for (let s = 0; s < M; s++) {
    if ((s & 255) === 0 && signal?.aborted) throw new Error('analysis.pca: cancelled');
    const o = s * N;
    for (let j = 0; j < N; j++) x[j] = (X[o + j] as number) - (mean[j] as number);
    for (let i = 0; i < N; i++) {
      const xi = x[i] as number;
      if (xi === 0) continue;
      const r = i * N;
      for (let j = i; j < N; j++) cov[r + j] = (cov[r + j] as number) + xi * (x[j] as number);
    }
  }
  const d = Math.max(1, M - 1);
  for (let i = 0; i < N; i++)
    for (let j = i; j < N; j++) {
      const v = (cov[i * N + j] as number) / d;
      cov[i * N + j] = v;
      cov[j * N + i] = v;
    }
  return { mean, cov };
}

export interface PcaFit {
  N: number;
  mean: Float64Array;
  /** Eigenvalues of the covariance, decreasing, clipped at 0. */
  variances: number[];
  /** [N, N] row r = component r (unit norm, largest-|loading| entry positive). */
  components: Float64Array;
}

/** Fit PCA to rows of a [M, N] array. */
export function fitPca(X: ArrayLike<number>, M: number, N: number, signal?: AbortSignal): PcaFit {
  if (M < 2) throw new Error(`PCA needs at least 2 samples (time points x conditions), got ${M}`);
  const { mean, cov } = covariance(X, M, N, signal);
  const rows: Float64Array[] = [];
  for (let i = 0; i < N; i++) rows.push(cov.slice(i * N, (i + 1) * N));
  const { values, vectors } = symmetricEigen(new Matrix(rows));
  const components = new Float64Array(N * N);
  for (let r = 0; r < N; r++) {
    let big = 0;
    for (let j = 0; j < N; j++) if (Math.abs(vectors.get(j, r)) > Math.abs(big)) big = vectors.get(j, r);
    const sign = big < 0 ? -1 : 1;
    for (let j = 0; j < N; j++) components[r * N + j] = sign * vectors.get(j, r);
  }
  return { N, mean, variances: values.map((v) => Math.max(0, v)), components };
}

/** Project rows [M, N] on the first k components: [M, k]. */
export function project(
  fit: PcaFit,
  X: ArrayLike<number>,
  M: number,
  k: number,
  center: ArrayLike<number> = fit.mean,
): Float32Array {
  const { N, components } = fit;
  const out = new Float32Array(M * k);
  for (let s = 0; s < M; s++) {
    const o = s * N;
    for (let c = 0; c < k; c++) {
      let v = 0;
      const r = c * N;
      for (let j = 0; j < N; j++) v += ((X[o + j] as number) - (center[j] as number)) * (components[r + j] as number);
      out[s * k + c] = v;
    }
  }
  return out;
}

function checkTrajectories(t: Trajectories, port: string): void {
  if (t.hidden.length !== t.C * t.T * t.N)
    throw new Error(`${port}: hidden has ${t.hidden.length} values, expected C*T*N = ${t.C}*${t.T}*${t.N}`);
}

/** The PCA analysis: fit on `fitOn`, project it (and `other`, when given) on the first k components. */
export function pcaAnalysis(
  fitOn: Trajectories,
  k: number,
  other?: Trajectories,
  signal?: AbortSignal,
  label?: string,
): PCA {
  checkTrajectories(fitOn, 'trajectories');
  const { C, T, N } = fitOn;
  const fit = fitPca(fitOn.hidden, C * T, N, signal);
  const kk = Math.min(k, N);
  const total = fit.variances.reduce((a, b) => a + b, 0);
  const ratio = fit.variances.map((v) => (total > 0 ? v / total : 0));
  const projections: PCA['projections'] = [];
  const addSet = (t: Trajectories, set: string) => {
    const pts = project(fit, t.hidden, t.C * t.T, kk);
    t.conditions.forEach((condition, c) =>
      projections.push({ condition, T: t.T, points: pts.slice(c * t.T * kk, (c + 1) * t.T * kk), set }),
    );
  };
  const fitLabel = label ?? fitOn.label;
  addSet(fitOn, fitLabel);
  const out: PCA = {
    label: fitLabel,
    N,
    k: kk,
    explainedVarianceRatio: ratio,
    components: fit.components.slice(0, kk * N),
    mean: fit.mean,
    projections,
    totalVariance: total,
    samples: C * T,
  };
  if (other) {
    checkTrajectories(other, 'project');
    if (other.N !== N)
      throw new Error(
        `project: trajectories have N=${other.N} units but the fitted ones have N=${N}; they must come from the same network size`,
      );
    addSet(other, other.label === fitOn.label ? `${other.label} (projected)` : other.label);
    out.projectedLabel = other.label;
    // Variance of the other set about its own mean along each fitted axis, over its total variance.
    const own = covariance(other.hidden, other.C * other.T, N, signal);
    let otherTotal = 0;
    for (let i = 0; i < N; i++) otherTotal += own.cov[i * N + i] as number;
    const pts = project(fit, other.hidden, other.C * other.T, kk, own.mean);
    const M = other.C * other.T;
    out.projectedVarianceRatio = Array.from({ length: kk }, (_, c) => {
      let s = 0;
      for (let m = 0; m < M; m++) s += (pts[m * kk + c] as number) ** 2;
      return otherTotal > 0 ? s / Math.max(1, M - 1) / otherTotal : 0;
    });
  }
  return out;
}

export const pcaBlock = defineBlock({
  type: 'analysis.pca',
  version: 1,
  title: 'PCA of population activity',
  category: 'Analysis',
  description:
    'Principal component analysis of the hidden states: samples are the time points of all conditions, features are the units, ' +
    "centred. Gives every component's explained-variance ratio (they sum to 1), the first k components, and each condition's " +
    "trajectory projected on them. Connect a second trajectory set to 'project' to see it in the first one's axes (untrained on " +
    'trained). The multitask study: the top 3 components explain 77-82 % for trained nets, 43-54 % for untrained ones.',
  inputs: {
    trajectories: input(TrajectoriesPort, { description: 'Trajectories the components are fitted on.' }),
    project: input(TrajectoriesPort, {
      optional: true,
      description: 'Trajectories projected with the same fit (e.g. the untrained network).',
    }),
  },
  outputs: { pca: PCAPort },
  params: schema({
    k: int(1, 1000, 3, { description: 'Components to keep and project on (capped at N).' }),
    label: str('', { description: "Label for plots; default: the trajectories' label." }),
  }),
  run: async ({ params, inputs, signal }) => ({
    pca: pcaAnalysis(
      inputs.trajectories,
      params.k,
      inputs.project,
      signal,
      params.label !== '' ? params.label : undefined,
    ),
  }),
});
