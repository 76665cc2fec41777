/**
 * Numerical kernels of the analyses. The decompositions themselves come from `ml-matrix`
 * (EigenvalueDecomposition: Hessenberg + shifted QR for non-symmetric matrices, tred2/tql2 for
 * symmetric ones); this file only adapts our row-major Float32Arrays to it and derives the
 * quantities the analyses report.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Eigenvalue } from '../ports/analysis.ts';

/** A row-major [rows, cols] array as an ml-matrix Matrix (float64). */
export function toMatrix(data: ArrayLike<number>, rows: number, cols: number): Matrix {
  if (data.length !== rows * cols)
    throw new Error(`matrix has ${data.length} values, expected ${rows} x ${cols} = ${rows * cols}`);
  const rowArrays: Float64Array[] = [];
  for (let i = 0; i < rows; i++) {
    const row = new Float64Array(cols);
    const o = i * cols;
    for (let j = 0; j < cols; j++) row[j] = data[o + j] as number;
    rowArrays.push(row);
  }
  return rows === 0 ? new Matrix(0, cols) : new Matrix(rowArrays);
}

/** All eigenvalues of a square (generally non-symmetric) matrix, sorted by decreasing |lambda|. */
export function eigenvalues(data: ArrayLike<number>, n: number): Eigenvalue[] {
  if (n === 0) return [];
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i]))
      throw new Error(`matrix entry ${i} is ${data[i]}: eigenvalues need finite weights (was training diverging?)`);
  const e = new EigenvalueDecomposition(toMatrix(data, n, n));
  const re = e.realEigenvalues;
  const im = e.imaginaryEigenvalues;
  const out: Eigenvalue[] = re.map((r, i) => ({ re: r, im: im[i] ?? 0 }));
  out.sort((a, b) => Math.hypot(b.re, b.im) - Math.hypot(a.re, a.im) || b.im - a.im);
  return out;
}

/** Frobenius norm squared. */
export function frobenius2(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += (data[i] as number) ** 2;
  return s;
}

/**
 * Henrici's departure from normality, relative: sqrt(||W||_F^2 - sum |lambda_i|^2) / ||W||_F.
 * 0 for a normal matrix (symmetric, orthogonal), up to 1 for a nilpotent one.
 */
export function henrici(data: ArrayLike<number>, eig: Eigenvalue[]): number {
  const f2 = frobenius2(data);
  if (f2 === 0) return 0;
  let l2 = 0;
  for (const l of eig) l2 += l.re * l.re + l.im * l.im;
  return Math.sqrt(Math.max(0, f2 - l2) / f2);
}

/** Symmetric eigendecomposition, eigenvalues in decreasing order with their eigenvectors (columns). */
export function symmetricEigen(m: Matrix): { values: number[]; vectors: Matrix } {
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const vals = e.realEigenvalues;
  const order = vals.map((_, i) => i).sort((a, b) => (vals[b] as number) - (vals[a] as number));
  const V = e.eigenvectorMatrix;
  const vectors = new Matrix(m.rows, order.length);
  order.forEach((src, dst) => {
    for (let r = 0; r < m.rows; r++) vectors.set(r, dst, V.get(r, src));
  });
  return { values: order.map((i) => vals[i] as number), vectors };
}

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

export function moments(data: ArrayLike<number>): Moments {
  const n = data.length;
  if (n === 0) return { count: 0, mean: NaN, std: NaN, skewness: NaN, excessKurtosis: NaN, min: NaN, max: NaN };
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[i] as number;
    s += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (data[i] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  // A constant sample has no shape: scipy gives nan too.
  const skewness = m2 > 0 ? m3 / m2 ** 1.5 : NaN;
  const excessKurtosis = m2 > 0 ? m4 / (m2 * m2) - 3 : NaN;
  return { count: n, mean, std: Math.sqrt(m2), skewness, excessKurtosis, min, max };
}

/** Histogram with `bins` equal bins over [min, max] (numpy.histogram's rule: last bin closed). */
export function histogram(
  data: ArrayLike<number>,
  bins: number,
  range?: [number, number],
): { edges: number[]; counts: number[] } {
  let lo = range?.[0] ?? Infinity;
  let hi = range?.[1] ?? -Infinity;
  if (!range)
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (data.length === 0 || !Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (v < lo || v > hi) continue;
    const k = Math.min(bins - 1, Math.floor((v - lo) / w));
    counts[k] = (counts[k] as number) + 1;
  }
  return { edges, counts };
}
