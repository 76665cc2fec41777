/**
 * Float64 reference of the trainer's loss, in plain loops (no tfjs). The tests check the tfjs
 * kernels' gradients against central finite differences of this function.
 */
import { catRows, type Batch } from './layout.ts';
import type { CellConfig } from './bptt.ts';
import { activationFns } from '../dynamics/activations.ts';

const f64 = activationFns;

/** Masked MSE of the model `theta` (trainer layout, any float array) on a batch, in float64. */
export function referenceLoss(c: CellConfig, theta: ArrayLike<number>, batch: Batch, noise?: ArrayLike<number>): number {
  const { N, I, O, alpha } = c;
  const { B, T, X, Y, M } = batch;
  const f = f64[c.activation];
  const rows = catRows(c);
  const o1 = rows * N;
  let loss = 0;
  let msum = 0;
  const h = new Float64Array(N);
  const hn = new Float64Array(N);
  for (let k = 0; k < B; k++) {
    h.fill(0);
    for (let t = 0; t < T; t++) {
      const r = t * B + k;
      for (let i = 0; i < N; i++) {
        let s = 0;
        for (let j = 0; j < N; j++) s += (h[j] as number) * (theta[j * N + i] as number);
        for (let q = 0; q < I; q++) s += (X[r * I + q] as number) * (theta[(N + q) * N + i] as number);
        if (c.bias) s += theta[(N + I) * N + i] as number;
        hn[i] = (1 - alpha) * (h[i] as number) + alpha * f(s) + (noise ? (noise[r * N + i] as number) : 0);
      }
      h.set(hn);
      const m = M[r] as number;
      msum += m;
      if (m === 0) continue;
      for (let o = 0; o < O; o++) {
        let y = theta[o1 + N * O + o] as number;
        for (let j = 0; j < N; j++) y += (h[j] as number) * (theta[o1 + j * O + o] as number);
        const e = y - (Y[r * O + o] as number);
        loss += m * e * e;
      }
    }
  }
  return msum > 0 ? loss / (O * msum) : 0;
}
