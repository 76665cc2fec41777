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
import { Matrix, QrDecomposition } from 'ml-matrix';
import type { Rng } from '../lib/rng.ts';

/**
 * An [n, n] orthogonal matrix times `gain`, row-major. Keras builds its recurrent_kernel (the
 * transpose of our W_rec) this way; the transpose of a Haar orthogonal matrix is Haar too, and we
 * return Q^T so that our W_rec is exactly the W_rec of a Keras net built from the same Q.
 */
export function orthogonal(n: number, gain: number, rng: Rng): Float32Array {
  const a = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.set(i, j, rng.normal());
  const qr = new QrDecomposition(a);
  const q = qr.orthogonalMatrix;
  const r = qr.upperTriangularMatrix;
  const out = new Float32Array(n * n);
  for (let j = 0; j < n; j++) {
    const d = r.get(j, j);
    const s = d < 0 ? -gain : gain; // sign(0) = 0 in numpy would zero a column; a zero pivot has probability 0
    // out = (s * Q)^T: row j of out is column j of Q.
    for (let i = 0; i < n; i++) out[j * n + i] = s * q.get(i, j);
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
