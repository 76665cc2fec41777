/**
 * The same forward pass and hand BPTT as bptt.ts, in plain Float32Array loops (no tfjs). Used when
 * the active tfjs backend is `cpu`: tfjs-cpu's matMul runs at ~0.1-0.5 GFLOP/s on these shapes, plain
 * loops in the axpy/dot orientation below reach several GFLOP/s in V8 (docs/training.md). Layouts and
 * formulas: see layout.ts and bptt.ts.
 */
import type { CellConfig, LossGrad } from './bptt.ts';
import { catRows, thetaLength, type Batch } from './layout.ts';
import { activationFns, derivFromOutput } from '../dynamics/activations.ts';

const fwd = activationFns;
const der = derivFromOutput;

/** Forward: activations A and states H, [T, B, N] each (the same array when alpha = 1 without noise). */
export function forwardJs(c: CellConfig, th: Float32Array, batch: Batch, noise?: Float32Array): { A: Float32Array; H: Float32Array } {
  const { N, I, alpha } = c;
  const { B, T, X } = batch;
  const f = fwd[c.activation];
  const A = new Float32Array(T * B * N);
  const H = alpha === 1 && !noise ? A : new Float32Array(T * B * N);
  const pre = new Float64Array(N);
  const biasOff = (N + I) * N;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (c.bias) for (let i = 0; i < N; i++) pre[i] = th[biasOff + i] as number;
      else pre.fill(0);
      const xo = (t * B + b) * I;
      for (let k = 0; k < I; k++) {
        const xk = X[xo + k] as number;
        if (xk === 0) continue;
        const row = (N + k) * N;
        for (let i = 0; i < N; i++) pre[i] = (pre[i] as number) + xk * (th[row + i] as number);
      }
      const ho = ((t - 1) * B + b) * N;
      if (t > 0)
        for (let j = 0; j < N; j++) {
          const hj = H[ho + j] as number;
          if (hj === 0) continue;
          const row = j * N;
          for (let i = 0; i < N; i++) pre[i] = (pre[i] as number) + hj * (th[row + i] as number);
        }
      const o = (t * B + b) * N;
      for (let i = 0; i < N; i++) {
        const a = f(pre[i] as number);
        A[o + i] = a;
        if (H !== A) {
          const prev = t > 0 ? (H[ho + i] as number) : 0;
          H[o + i] = (1 - alpha) * prev + alpha * a + (noise ? (noise[o + i] as number) : 0);
        }
      }
    }
  }
  return { A, H };
}

/** Outputs y [T, B, O] from states H. */
export function readoutJs(c: CellConfig, th: Float32Array, H: Float32Array, rows: number): Float32Array {
  const { N, O } = c;
  const o1 = catRows(c) * N;
  const y = new Float32Array(rows * O);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < O; o++) {
      let s = th[o1 + N * O + o] as number;
      for (let j = 0; j < N; j++) s += (H[r * N + j] as number) * (th[o1 + j * O + o] as number);
      y[r * O + o] = s;
    }
  return y;
}

/** Loss and gradient (theta layout) of one batch. */
export function lossAndGradJs(c: CellConfig, th: Float32Array, batch: Batch, noise?: Float32Array): LossGrad {
  const { N, I, O, alpha } = c;
  const { B, T, X, Y, M } = batch;
  const d = der[c.activation];
  const o1 = catRows(c) * N;
  const grad = new Float32Array(thetaLength(c));
  const { A, H } = forwardJs(c, th, batch, noise);
  const y = readoutJs(c, th, H, T * B);
  let msum = 0;
  for (let r = 0; r < T * B; r++) msum += M[r] as number;
  const denom = O * msum;
  if (denom === 0) return { loss: 0, grad };
  let loss = 0;
  const dy = new Float64Array(T * B * O);
  for (let r = 0; r < T * B; r++) {
    const m = M[r] as number;
    if (m === 0) continue;
    for (let o = 0; o < O; o++) {
      const e = (y[r * O + o] as number) - (Y[r * O + o] as number);
      loss += m * e * e;
      dy[r * O + o] = (2 * m * e) / denom;
    }
  }
  loss /= denom;
  const g = new Float64Array(B * N);
  const gPrev = new Float64Array(B * N);
  const dpre = new Float64Array(N);
  const dW = new Float64Array(o1); // [W_rec^T; W_in^T; b] gradients, accumulated in float64
  const dWo = new Float64Array(N * O + O);
  const biasOff = (N + I) * N;
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      const go = b * N;
      // Output layer: dWout, dbOut, and dL/dh_t += dy_t Wout.
      for (let o = 0; o < O; o++) {
        const dv = dy[r * O + o] as number;
        if (dv === 0) continue;
        dWo[N * O + o] = (dWo[N * O + o] as number) + dv;
        for (let j = 0; j < N; j++) {
          dWo[j * O + o] = (dWo[j * O + o] as number) + (H[r * N + j] as number) * dv;
          g[go + j] = (g[go + j] as number) + dv * (th[o1 + j * O + o] as number);
        }
      }
      for (let i = 0; i < N; i++) dpre[i] = alpha * (g[go + i] as number) * d(A[r * N + i] as number);
      // Weight gradients: h_{t-1}^T dpre, [x_t, 1]^T dpre.
      if (t > 0) {
        const ho = (r - B) * N;
        for (let j = 0; j < N; j++) {
          const hj = H[ho + j] as number;
          if (hj === 0) continue;
          const row = j * N;
          for (let i = 0; i < N; i++) dW[row + i] = (dW[row + i] as number) + hj * (dpre[i] as number);
        }
      }
      for (let k = 0; k < I; k++) {
        const xk = X[r * I + k] as number;
        if (xk === 0) continue;
        const row = (N + k) * N;
        for (let i = 0; i < N; i++) dW[row + i] = (dW[row + i] as number) + xk * (dpre[i] as number);
      }
      if (c.bias) for (let i = 0; i < N; i++) dW[biasOff + i] = (dW[biasOff + i] as number) + (dpre[i] as number);
      // dL/dh_{t-1} = (1 - alpha) g + dpre W_rec  (row j of W_rec^T dotted with dpre).
      if (t > 0)
        for (let j = 0; j < N; j++) {
          let s = (1 - alpha) * (g[go + j] as number);
          const row = j * N;
          for (let i = 0; i < N; i++) s += (dpre[i] as number) * (th[row + i] as number);
          gPrev[go + j] = s;
        }
    }
    g.set(gPrev);
    gPrev.fill(0);
  }
  for (let i = 0; i < o1; i++) grad[i] = dW[i] as number;
  for (let i = 0; i < N * O + O; i++) grad[o1 + i] = dWo[i] as number;
  return { loss, grad };
}
