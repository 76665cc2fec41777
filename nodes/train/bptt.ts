/**
 * The built-in CTRNN cell's forward pass and hand-derived BPTT, in tfjs ops, written around the two
 * slow paths of tfjs-backend-wasm 4.22 (docs/training.md):
 * - one tensor per time step (a `slice` copies its whole source tensor, so splitting a [T*B, N]
 *   tensor into T steps is O(T^2));
 * - no matMul with transpose flags on wasm (they bypass XNNPACK): transposes are explicit or, for
 *   W_rec, done once per step in JS.
 *
 * Model (row-vector form, batch rows):  pre_t = [h_{t-1}, x_t, 1] Wcat,   a_t = f(pre_t),
 *   h_t = (1 - alpha) h_{t-1} + alpha a_t + noise_t,   y_t = h_t WoutT + bOut,   h_{-1} = 0.
 * Loss: masked MSE  L = sum_{t,b,o} m_tb (y_tbo - target_tbo)^2 / (O * sum_{t,b} m_tb)
 *   (with a mask of ones this is Keras' 'mse').
 * BPTT, with g_t = dL/dh_t:
 *   g_{T-1} = dy_{T-1} Wout,   dpre_t = alpha g_t * f'(a_t),
 *   g_{t-1} = dy_{t-1} Wout + (1 - alpha) g_t + dpre_t W_rec,
 *   dWcat = sum_t [h_{t-1}, x_t, 1]^T dpre_t,   dWoutT = sum_t h_t^T dy_t,   dbOut = sum dy.
 * f' is computed from a = f(pre): tanh 1 - a^2, sigmoid a (1 - a), relu [a > 0], softplus 1 - e^-a.
 */
import type { Activation } from '../ports/model.ts';
import { tf } from '../lib/tf.ts';
import { catRows, thetaLength, type Batch, type Shape } from './layout.ts';

type T2 = tf.Tensor2D;

/** What a cell needs besides its weights. */
export interface CellConfig extends Shape {
  alpha: number;
  activation: Activation;
}

/** Result of a loss-and-gradient evaluation. */
export interface LossGrad {
  loss: number;
  /** Same layout as theta. */
  grad: Float32Array;
}

export function activate(x: tf.Tensor, f: Activation): tf.Tensor {
  switch (f) {
    case 'tanh':
      return tf.tanh(x);
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softplus':
      return tf.softplus(x);
  }
}

/** f'(pre) expressed through a = f(pre). */
function derivFromOutput(a: tf.Tensor, f: Activation, one: tf.Scalar): tf.Tensor {
  switch (f) {
    case 'tanh':
      return tf.sub(one, tf.square(a));
    case 'sigmoid':
      return tf.mul(a, tf.sub(one, a));
    case 'relu':
      return tf.step(a);
    case 'softplus':
      return tf.sub(one, tf.exp(tf.neg(a)));
  }
}

/** a^T b, choosing per backend: explicit transpose on wasm (XNNPACK path), flag elsewhere. */
export function matMulTA(a: T2, b: T2): T2 {
  if (tf.getBackend() === 'wasm') return tf.matMul(tf.transpose(a), b);
  return tf.matMul(a, b, true, false);
}

/** Per-step input tensors [B, I(+1)] (a column of ones appended when the model has a bias). */
function stepInputs(c: CellConfig, batch: Batch, t: number): T2 {
  const { B } = batch;
  const { I } = c;
  const cols = I + (c.bias ? 1 : 0);
  const buf = new Float32Array(B * cols);
  const x = batch.X;
  const off = t * B * I;
  if (!c.bias) buf.set(x.subarray(off, off + B * I));
  else
    for (let k = 0; k < B; k++) {
      for (let i = 0; i < I; i++) buf[k * cols + i] = x[off + k * I + i] as number;
      buf[k * cols + I] = 1;
    }
  return tf.tensor2d(buf, [B, cols]);
}

/** Tensors of theta used by the kernels. Caller disposes. */
export interface ThetaTensors {
  Wcat: T2;
  /** W_rec in math orientation [N, N] (used by the backward pass). */
  Wrec: T2;
  WoutT: T2;
}

export function thetaTensors(c: CellConfig, theta: Float32Array): ThetaTensors {
  const { N, O } = c;
  const rows = catRows(c);
  const Wcat = tf.tensor2d(theta.subarray(0, rows * N), [rows, N]);
  const wr = new Float32Array(N * N);
  for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) wr[i * N + j] = theta[j * N + i] as number;
  const Wrec = tf.tensor2d(wr, [N, N]);
  const o1 = rows * N;
  const WoutT = tf.tensor2d(theta.subarray(o1, o1 + N * O), [N, O]);
  return { Wcat, Wrec, WoutT };
}

/**
 * Forward only: outputs y [T, B, O] (and hidden states [T, B, N] when asked), no noise.
 * Used for validation, the criterion and the tests.
 */
export function forward(
  c: CellConfig,
  theta: Float32Array,
  batch: Batch,
  opts: { hidden?: boolean; noise?: Float32Array } = {},
): { y: Float32Array; hidden?: Float32Array } {
  const { N, O } = c;
  const { B, T } = batch;
  return tf.tidy(() => {
    const w = thetaTensors(c, theta);
    const hs = runForward(c, w, batch, opts.noise).hs;
    const H = tf.concat(hs, 0) as T2;
    const y = tf.matMul(H, w.WoutT).dataSync() as Float32Array;
    const o1 = catRows(c) * N + N * O;
    const out = new Float32Array(T * B * O);
    for (let r = 0; r < T * B; r++) for (let o = 0; o < O; o++) out[r * O + o] = (y[r * O + o] as number) + (theta[o1 + o] as number);
    const res: { y: Float32Array; hidden?: Float32Array } = { y: out };
    if (opts.hidden) res.hidden = H.dataSync() as Float32Array;
    return res;
  });
}

interface ForwardState {
  hs: T2[];
  as: T2[];
  hxs: T2[];
}

function runForward(c: CellConfig, w: ThetaTensors, batch: Batch, noise?: Float32Array, keep = false): ForwardState {
  const { N, alpha, activation } = c;
  const { B, T } = batch;
  const hs: T2[] = [];
  const as: T2[] = [];
  const hxs: T2[] = [];
  let h = tf.zeros([B, N]) as T2;
  const keepA = alpha !== 1 || noise !== undefined;
  const oneMinus = alpha !== 1 ? tf.scalar(1 - alpha) : undefined;
  const alphaS = alpha !== 1 ? tf.scalar(alpha) : undefined;
  for (let t = 0; t < T; t++) {
    const x = stepInputs(c, batch, t);
    const hx = tf.concat([h, x], 1) as T2;
    x.dispose();
    const pre = tf.matMul(hx, w.Wcat);
    const a = activate(pre, activation) as T2;
    pre.dispose();
    let hn: T2 = a;
    if (alphaS && oneMinus) hn = tf.add(tf.mul(h, oneMinus), tf.mul(a, alphaS)) as T2;
    if (noise) {
      const nz = tf.tensor2d(noise.subarray(t * B * N, (t + 1) * B * N), [B, N]);
      hn = tf.add(hn, nz) as T2;
    }
    if (keep) {
      hxs.push(hx);
      if (keepA) as.push(a);
    } else {
      hx.dispose();
      if (hn !== a) a.dispose();
    }
    hs.push(hn);
    h = hn;
  }
  if (!keep || !keepA) for (const x of hs) as.push(x);
  return { hs, as, hxs };
}

/**
 * Loss and its gradient for one batch, by the hand BPTT above. Every tensor is freed before return.
 * `noise` ([T, B, N], optional) is added to h each step (it does not change the derivative formula).
 */
export function lossAndGrad(c: CellConfig, theta: Float32Array, batch: Batch, noise?: Float32Array): LossGrad {
  const { N, O, alpha, activation } = c;
  const { B, T, Y, M } = batch;
  const rows = catRows(c);
  const o1 = rows * N;
  const grad = new Float32Array(thetaLength(c));
  let loss = 0;
  tf.tidy(() => {
    const w = thetaTensors(c, theta);
    const { hs, as, hxs } = runForward(c, w, batch, noise, true);
    const H = tf.concat(hs, 0) as T2;
    const yRaw = tf.matMul(H, w.WoutT).dataSync();
    // Loss and dL/dy in JS (float64 sums): O is small, so this is cheap.
    let msum = 0;
    for (let r = 0; r < T * B; r++) msum += M[r] as number;
    const denom = O * msum;
    const dy = new Float32Array(T * B * O);
    const dbOut = new Float64Array(O);
    if (denom > 0) {
      let l = 0;
      for (let r = 0; r < T * B; r++) {
        const m = M[r] as number;
        if (m === 0) continue;
        for (let o = 0; o < O; o++) {
          const e = (yRaw[r * O + o] as number) + (theta[o1 + N * O + o] as number) - (Y[r * O + o] as number);
          l += m * e * e;
          const d = (2 * m * e) / denom;
          dy[r * O + o] = d;
          dbOut[o] = (dbOut[o] as number) + d;
        }
      }
      loss = l / denom;
    }
    // dL/dh_t from the output layer, per step: dy_t Wout, in JS (B*N*O per step).
    const dho = (t: number): T2 => {
      const buf = new Float32Array(B * N);
      for (let k = 0; k < B; k++) {
        const r = (t * B + k) * O;
        for (let o = 0; o < O; o++) {
          const d = dy[r + o] as number;
          if (d === 0) continue;
          for (let j = 0; j < N; j++) buf[k * N + j] = (buf[k * N + j] as number) + d * (theta[o1 + j * O + o] as number);
        }
      }
      return tf.tensor2d(buf, [B, N]);
    };
    const one = tf.scalar(1);
    const alphaS = alpha !== 1 ? tf.scalar(alpha) : undefined;
    const oneMinus = alpha !== 1 ? tf.scalar(1 - alpha) : undefined;
    const dpres: T2[] = new Array<T2>(T);
    let g = dho(T - 1);
    for (let t = T - 1; t >= 0; t--) {
      const fp = derivFromOutput(as[t] as T2, activation, one);
      let dpre = tf.mul(g, fp) as T2;
      fp.dispose();
      if (alphaS) {
        const s = tf.mul(dpre, alphaS) as T2;
        dpre.dispose();
        dpre = s;
      }
      dpres[t] = dpre;
      if (t > 0) {
        const back = tf.matMul(dpre, w.Wrec);
        const dh = dho(t - 1);
        let ng = tf.add(back, dh) as T2;
        back.dispose();
        dh.dispose();
        if (oneMinus) {
          const leak = tf.mul(g, oneMinus);
          const s = tf.add(ng, leak) as T2;
          ng.dispose();
          leak.dispose();
          ng = s;
        }
        g.dispose();
        g = ng;
      }
    }
    g.dispose();
    const HX = tf.concat(hxs, 0) as T2;
    const DP = tf.concat(dpres, 0) as T2;
    grad.set(matMulTA(HX, DP).dataSync(), 0);
    const DY = tf.tensor2d(dy, [T * B, O]);
    grad.set(matMulTA(H, DY).dataSync(), o1);
    for (let o = 0; o < O; o++) grad[o1 + N * O + o] = dbOut[o] as number;
  });
  return { loss, grad };
}
