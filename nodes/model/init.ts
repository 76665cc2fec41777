/**
 * Weight initialisers, as Keras 2 defines them (the authors trained with Keras 2.0.6 / 2.3.1):
 *
 * - orthogonal(gain): QR of a Gaussian matrix, Q's columns multiplied by sign(diag R) so Q is
 *   Haar-distributed, times gain (keras.initializers.Orthogonal). Every |eigenvalue| = gain.
 * - normal(g): N(0, g^2/N) entries: spectral radius ~ g for large N (circular law).
 * - Glorot uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)) (Keras' default kernel initializer).
 * - LeCun normal: N(0, 1/fan_in), untruncated.
 *
 * All draw from the project's seeded `Rng`, in float64, and round once to float32. The QR is the
 * blocked Householder QR of ./qr.ts (WebAssembly SIMD): seconds at units = 4096, where the unblocked
 * one it replaced took minutes.
 */
import type { Rng } from '../lib/rng.ts';
import { householderQr } from './qr.ts';

/**
 * An [n, n] orthogonal matrix times `gain`, row-major. Keras builds its recurrent_kernel (the
 * transpose of our W_rec) this way; the transpose of a Haar orthogonal matrix is Haar too, and we
 * return Q^T so that our W_rec is exactly the W_rec of a Keras net built from the same Q.
 */
export function orthogonal(n: number, gain: number, rng: Rng): Float32Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) a[i] = rng.normal();
  const { q, diag } = householderQr(a, n);
  // sign(0) = 0 in numpy would zero a column; a zero pivot has probability 0.
  const s = new Float64Array(n);
  for (let j = 0; j < n; j++) s[j] = (diag[j] as number) < 0 ? -gain : gain;
  // out = (Q diag(s))^T: row j of out is column j of Q. In tiles, so that neither side walks a whole
  // column (a 32 kB stride at n = 4096).
  const out = new Float32Array(n * n);
  const TILE = 64;
  for (let j0 = 0; j0 < n; j0 += TILE)
    for (let i0 = 0; i0 < n; i0 += TILE) {
      const j1 = Math.min(j0 + TILE, n);
      const i1 = Math.min(i0 + TILE, n);
      for (let j = j0; j < j1; j++) {
        const sj = s[j] as number;
        for (let i = i0; i < i1; i++) out[j * n + i] = sj * (q[i * n + j] as number);
      }
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
