/**
 * Weight initialisers, as Keras 2 defines them (the authors trained with Keras 2.0.6 / 2.3.1):
 *
 * - orthogonal(gain): QR of a Gaussian matrix, Q's columns multiplied by sign(diag R) so Q is
 *   Haar-distributed, times gain (keras.initializers.Orthogonal). Every |eigenvalue| = gain.
 * - normal(g): N(0, g^2/N) entries: spectral radius ~ g for large N (circular law).
 * - Glorot uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)) (Keras' default kernel initializer).
 * - LeCun normal: N(0, 1/fan_in), untruncated.
 *
 * All draw from the project's seeded `Rng`, in float64, and round once to float32.
 */
import type { Rng } from '../lib/rng.ts';

/**
 * Householder QR of the row-major n x n matrix `a`, in place (LAPACK dgeqr2 + dorg2r), returning
 * Q (row-major) and R's diagonal. Every loop walks rows contiguously: ml-matrix's QR reads columns
 * through `get(i, j)`, which made units = 4096 take over 400 s; this is the same factorisation
 * (Q D with D = sign(diag R) is unique for a full-rank matrix), only cache-friendly.
 */
export function householderQr(a: Float64Array, n: number): { q: Float64Array; diag: Float64Array } {
  const tau = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n - 1; k++) {
    let norm2 = 0;
    for (let i = k; i < n; i++) norm2 += (a[i * n + k] as number) ** 2;
    const alpha = a[k * n + k] as number;
    const norm = Math.sqrt(norm2);
    if (norm === 0) continue; // tau = 0: H = I
    const beta = alpha >= 0 ? -norm : norm;
    const scale = 1 / (alpha - beta);
    for (let i = k + 1; i < n; i++) a[i * n + k] = (a[i * n + k] as number) * scale; // v, with v[k] = 1
    a[k * n + k] = beta;
    const t = (beta - alpha) / beta;
    tau[k] = t;
    // A[k:, k+1:] -= t v (v^T A[k:, k+1:])
    w.fill(0, k + 1, n);
    for (let i = k; i < n; i++) {
      const vi = i === k ? 1 : (a[i * n + k] as number);
      const row = i * n;
      for (let j = k + 1; j < n; j++) w[j] = (w[j] as number) + vi * (a[row + j] as number);
    }
    for (let i = k; i < n; i++) {
      const f = t * (i === k ? 1 : (a[i * n + k] as number));
      const row = i * n;
      for (let j = k + 1; j < n; j++) a[row + j] = (a[row + j] as number) - f * (w[j] as number);
    }
  }
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) diag[k] = a[k * n + k] as number;
  // Q = H_0 H_1 ... H_{n-2}, accumulated backwards so each step touches only Q[k:, k:].
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 2; k >= 0; k--) {
    const t = tau[k] as number;
    if (t === 0) continue;
    w.fill(0, k, n);
    for (let i = k; i < n; i++) {
      const vi = i === k ? 1 : (a[i * n + k] as number);
      const row = i * n;
      for (let j = k; j < n; j++) w[j] = (w[j] as number) + vi * (q[row + j] as number);
    }
    for (let i = k; i < n; i++) {
      const f = t * (i === k ? 1 : (a[i * n + k] as number));
      const row = i * n;
      for (let j = k; j < n; j++) q[row + j] = (q[row + j] as number) - f * (w[j] as number);
    }
  }
  return { q, diag };
}

/**
 * An [n, n] orthogonal matrix times `gain`, row-major. Keras builds its recurrent_kernel (the
 * transpose of our W_rec) this way; the transpose of a Haar orthogonal matrix is Haar too, and we
 * return Q^T so that our W_rec is exactly the W_rec of a Keras net built from the same Q.
 */
export function orthogonal(n: number, gain: number, rng: Rng): Float32Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) a[i] = rng.normal();
  const { q, diag } = householderQr(a, n);
  const out = new Float32Array(n * n);
  for (let j = 0; j < n; j++) {
    const s = (diag[j] as number) < 0 ? -gain : gain; // sign(0) = 0 in numpy would zero a column; a zero pivot has probability 0
    // out = (s * Q)^T: row j of out is column j of Q.
    for (let i = 0; i < n; i++) out[j * n + i] = s * (q[i * n + j] as number);
  }
  return out;
}

/** [rows, cols] with entries N(0, std^2). */
export function normal(rows: number, cols: number, std: number, rng: Rng): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = std * rng.normal();
  return out;
}

/** [rows, cols] Glorot (Xavier) uniform with the given fans. */
export function glorotUniform(rows: number, cols: number, fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = rng.range(-limit, limit);
  return out;
}

/** The input/output kernel initialisers offered by `model.ctrnn`. */
export type KernelInit = 'glorot-uniform' | 'lecun-normal';

/** A kernel of our orientation [rows = fan_out, cols = fan_in]. */
export function kernel(init: KernelInit, fanOut: number, fanIn: number, rng: Rng): Float32Array {
  return init === 'glorot-uniform'
    ? glorotUniform(fanOut, fanIn, fanIn, fanOut, rng)
    : normal(fanOut, fanIn, 1 / Math.sqrt(fanIn), rng);
}
