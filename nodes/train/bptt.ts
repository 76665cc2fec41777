/**
 * The built-in CTRNN cell's forward pass and hand-derived BPTT, in tfjs ops, written around the two
 * slow paths of tfjs-backend-wasm 4.22 (docs/training.md):
 * - one tensor per time step (a `slice` copies its whole source tensor, so splitting a [T*B, N]
 *   tensor into T steps is O(T^2));
 * - no matMul with transpose flags on wasm (they bypass XNNPACK): transposes are explicit or, for
 *   W_rec, done once per step in JS.
 *
 * Model (row-vector form, batch rows):  pre_t = h_{t-1} W_rec^T + [x_t, 1] [W_in^T; b],   a_t = f(pre_t),
 *   h_t = (1 - alpha) h_{t-1} + alpha a_t + noise_t,   y_t = h_t WoutT + bOut,   h_{-1} = 0.
 * Loss: masked MSE  L = sum_{t,b,o} m_tb (y_tbo - target_tbo)^2 / (O * sum_{t,b} m_tb)
 *   (with a mask of ones this is Keras' 'mse').
 * BPTT, with g_t = dL/dh_t:
 *   g_{T-1} = dy_{T-1} Wout,   dpre_t = alpha g_t * f'(a_t),
 *   g_{t-1} = dy_{t-1} Wout + (1 - alpha) g_t + dpre_t W_rec,
 *   dW_rec^T = sum_t h_{t-1}^T dpre_t,   d[W_in^T; b] = sum_t [x_t, 1]^T dpre_t,   dWoutT = sum_t h_t^T dy_t,   dbOut = sum dy.
 * f' is computed from a = f(pre): tanh 1 - a^2, sigmoid a (1 - a), relu [a > 0], softplus 1 - e^-a.
 */
import type { Activation } from '../ports/model.ts';
import { tf } from '../lib/tf.ts';
import { activateTf, derivFromOutputTf } from '../dynamics/activations-tf.ts';
import type { Model } from '../ports/model.ts';
import { batchRows, catRows, maskWeight, shapeOf, thetaLength, timeRows, type Batch, type Shape } from './layout.ts';

type T2 = tf.Tensor2D;

/** What a cell needs besides its weights. */
export interface CellConfig extends Shape {
  alpha: number;
  activation: Activation;
}

/** A model's cell configuration (sizes, alpha, activation). */
export function cellConfig(model: Model): CellConfig {
  return { ...shapeOf(model), alpha: model.alpha, activation: model.activation };
}

/** Result of a loss-and-gradient evaluation. */
export interface LossGrad {
  loss: number;
  /** Same layout as theta. */
  grad: Float32Array;
}

/** f(x) as a tensor (the dynamics layer's, nodes/dynamics/activations-tf.ts). */
export const activate = (x: tf.Tensor, f: Activation): tf.Tensor => activateTf(x, f);

/** f'(pre) expressed through a = f(pre). */
const derivFromOutput = (a: tf.Tensor, f: Activation, _one: tf.Scalar): tf.Tensor => derivFromOutputTf(a, f);

/** a^T b, choosing per backend: explicit transpose on wasm (XNNPACK path), flag elsewhere. */
export function matMulTA(a: T2, b: T2): T2 {
  if (tf.getBackend() === 'wasm') return tf.matMul(tf.transpose(a), b);
  return tf.matMul(a, b, true, false);
}

/** Inputs of all steps [T*B, I(+1)] (time-major; a column of ones appended when the model has a bias). */
function allInputs(c: CellConfig, batch: Batch): Float32Array {
  const { B, T, X } = batch;
  const { I } = c;
  if (!c.bias) return X;
  const cols = I + 1;
  const buf = new Float32Array(T * B * cols);
  for (let r = 0; r < T * B; r++) {
    for (let i = 0; i < I; i++) buf[r * cols + i] = X[r * I + i] as number;
    buf[r * cols + I] = 1;
  }
  return buf;
}

/**
 * tanh on tfjs-wasm is a scalar libm loop (~20x slower than its XNNPACK sigmoid at [256, 100]), so
 * there tanh(p) is computed as 2 sigmoid(2p) - 1 with the factor 2 folded into the weights.
 */
const tanhViaSigmoid = (c: CellConfig): boolean => c.activation === 'tanh' && tf.getBackend() === 'wasm';

/** Tensors of theta used by the kernels. Caller disposes. */
export interface ThetaTensors {
  /** W_rec^T [N, N] (times 2 when tanh goes through sigmoid). */
  WrecT: T2;
  /** [W_in^T; b] [I(+1), N] (times 2 likewise). */
  WinTb: T2;
  /** W_rec in math orientation [N, N] (used by the backward pass). */
  Wrec: T2;
  WoutT: T2;
  /** [O, N] */
  Wout: T2;
}

export function thetaTensors(c: CellConfig, theta: Float32Array): ThetaTensors {
  const { N, O } = c;
  const rows = catRows(c);
  const k = tanhViaSigmoid(c) ? 2 : 1;
  const scaled = (a: Float32Array): Float32Array => (k === 1 ? a : a.map((v) => v * k));
  const WrecT = tf.tensor2d(scaled(theta.slice(0, N * N)), [N, N]);
  const WinTb = tf.tensor2d(scaled(theta.slice(N * N, rows * N)), [rows - N, N]);
  const wr = new Float32Array(N * N);
  for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) wr[i * N + j] = theta[j * N + i] as number;
  const Wrec = tf.tensor2d(wr, [N, N]);
  const o1 = rows * N;
  const woT = theta.slice(o1, o1 + N * O);
  const wo = new Float32Array(O * N);
  for (let j = 0; j < N; j++) for (let o = 0; o < O; o++) wo[o * N + j] = woT[j * O + o] as number;
  return { WrecT, WinTb, Wrec, WoutT: tf.tensor2d(woT, [N, O]), Wout: tf.tensor2d(wo, [O, N]) };
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
    const H = tf.concat<T2>(hs, 0);
    const y = tf.matMul(H, w.WoutT).dataSync() as Float32Array;
    const o1 = catRows(c) * N + N * O;
    const out = new Float32Array(T * B * O);
    for (let r = 0; r < T * B; r++)
      for (let o = 0; o < O; o++) out[r * O + o] = (y[r * O + o] as number) + (theta[o1 + o] as number);
    const res: { y: Float32Array; hidden?: Float32Array } = { y: out };
    if (opts.hidden) res.hidden = H.dataSync() as Float32Array;
    return res;
  });
}

interface ForwardState {
  hs: T2[];
  as: T2[];
  /** Inputs of all steps as one tensor [T*B, I(+1)]. */
  XA: T2;
}

function runForward(c: CellConfig, w: ThetaTensors, batch: Batch, noise?: Float32Array, keep = false): ForwardState {
  const { N, alpha, activation } = c;
  const { B, T } = batch;
  const cols = c.I + (c.bias ? 1 : 0);
  const xa = allInputs(c, batch);
  const hs: T2[] = [];
  const as: T2[] = [];
  const viaSigmoid = tanhViaSigmoid(c);
  const two = viaSigmoid ? tf.scalar(2) : undefined;
  const one = tf.scalar(1);
  let h: T2 | undefined;
  const keepA = alpha !== 1 || noise !== undefined;
  const oneMinus = alpha !== 1 ? tf.scalar(1 - alpha) : undefined;
  const alphaS = alpha !== 1 ? tf.scalar(alpha) : undefined;
  for (let t = 0; t < T; t++) {
    const x = tf.tensor2d(xa.subarray(t * B * cols, (t + 1) * B * cols), [B, cols]);
    let pre = tf.matMul(x, w.WinTb);
    x.dispose();
    if (h) {
      const rec = tf.matMul(h, w.WrecT);
      const s = tf.add(pre, rec);
      pre.dispose();
      rec.dispose();
      pre = s;
    }
    let a: T2;
    if (viaSigmoid && two) {
      const sg = tf.sigmoid(pre);
      const s2 = tf.mul(sg, two);
      a = tf.sub<T2>(s2, one);
      sg.dispose();
      s2.dispose();
    } else a = activate(pre, activation) as T2;
    pre.dispose();
    let hn: T2 = a;
    if (alphaS && oneMinus) hn = h ? tf.add<T2>(tf.mul(h, oneMinus), tf.mul(a, alphaS)) : tf.mul<T2>(a, alphaS);
    if (noise) {
      const nz = tf.tensor2d(noise.subarray(t * B * N, (t + 1) * B * N), [B, N]);
      hn = tf.add<T2>(hn, nz);
    }
    if (keep && keepA) as.push(a);
    else if (hn !== a) a.dispose();
    hs.push(hn);
    h = hn;
  }
  if (!keepA) for (const x of hs) as.push(x);
  const XA = keep ? tf.tensor2d(xa, [T * B, cols]) : tf.zeros<tf.Rank.R2>([1, 1]);
  return { hs, as, XA };
}

/**
 * Rows per pass: larger batches are computed in chunks of this many samples and combined weighted
 * by each chunk's mask weight (exactly the full-batch loss and gradient). On tfjs-wasm a [T*B, N]
 * state matrix beyond a few MB makes the weight-gradient matMuls and transposes slower per sample
 * (N = 100, T = 290: B = 64 per pass ~1.2x faster per sample than B = 256; docs/training.md).
 */
export const LOSS_CHUNK_ROWS = 64;

/**
 * Loss and its gradient for one batch, by the hand BPTT above. Every tensor is freed before return.
 * `noise` ([T, B, N], optional) is added to h each step (it does not change the derivative formula).
 * Batches larger than `chunkRows` are computed chunk by chunk (see {@link LOSS_CHUNK_ROWS}).
 */
export function lossAndGrad(
  c: CellConfig,
  theta: Float32Array,
  batch: Batch,
  noise?: Float32Array,
  chunkRows = LOSS_CHUNK_ROWS,
): LossGrad {
  if (batch.B <= chunkRows) return lossAndGradOnce(c, theta, batch, noise);
  const parts: Array<{ r: LossGrad; weight: number }> = [];
  for (let lo = 0; lo < batch.B; lo += chunkRows) {
    const hi = Math.min(batch.B, lo + chunkRows);
    const part = batchRows(batch, lo, hi, c.I, c.O);
    const weight = maskWeight(part);
    if (weight === 0) continue;
    const nz = noise ? timeRows(noise, batch.T, batch.B, lo, hi, c.N) : undefined;
    parts.push({ r: lossAndGradOnce(c, theta, part, nz), weight });
  }
  return combineByMask(parts, thetaLength(c));
}

/**
 * The loss and gradient of a whole batch from those of its parts, each weighted by its share of the
 * loss mask (the loss is mask-normalised, so this is exact). Parts without weight contribute nothing;
 * with no weight at all the result is zero.
 */
export function combineByMask(parts: Array<{ r: LossGrad; weight: number }>, length: number): LossGrad {
  const grad = new Float32Array(length);
  let loss = 0;
  let total = 0;
  for (const { r, weight } of parts) {
    if (weight === 0) continue;
    for (let i = 0; i < length; i++) grad[i] = (grad[i] as number) + (r.grad[i] as number) * weight;
    loss += r.loss * weight;
    total += weight;
  }
  if (total === 0) return { loss: 0, grad };
  for (let i = 0; i < length; i++) grad[i] = (grad[i] as number) / total;
  return { loss: loss / total, grad };
}

function lossAndGradOnce(c: CellConfig, theta: Float32Array, batch: Batch, noise?: Float32Array): LossGrad {
  const { N, O, alpha, activation } = c;
  const { B, T, Y, M } = batch;
  const rows = catRows(c);
  const o1 = rows * N;
  const grad = new Float32Array(thetaLength(c));
  let loss = 0;
  tf.tidy(() => {
    const w = thetaTensors(c, theta);
    const { hs, as, XA } = runForward(c, w, batch, noise, true);
    const H = tf.concat<T2>(hs, 0);
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
    // dL/dh_t from the output layer, per step: dy_t Wout.
    const dho = (t: number): T2 => {
      const d = tf.tensor2d(dy.subarray(t * B * O, (t + 1) * B * O), [B, O]);
      const r = tf.matMul<T2>(d, w.Wout);
      d.dispose();
      return r;
    };
    const one = tf.scalar(1);
    const alphaS = alpha !== 1 ? tf.scalar(alpha) : undefined;
    const oneMinus = alpha !== 1 ? tf.scalar(1 - alpha) : undefined;
    const dpres: T2[] = new Array<T2>(T);
    let g = dho(T - 1);
    for (let t = T - 1; t >= 0; t--) {
      const fp = derivFromOutput(as[t] as T2, activation, one);
      let dpre = tf.mul<T2>(g, fp);
      fp.dispose();
      if (alphaS) {
        const s = tf.mul<T2>(dpre, alphaS);
        dpre.dispose();
        dpre = s;
      }
      dpres[t] = dpre;
      if (t > 0) {
        const back = tf.matMul(dpre, w.Wrec);
        const dh = dho(t - 1);
        let ng = tf.add<T2>(back, dh);
        back.dispose();
        dh.dispose();
        if (oneMinus) {
          const leak = tf.mul(g, oneMinus);
          const s = tf.add<T2>(ng, leak);
          ng.dispose();
          leak.dispose();
          ng = s;
        }
        g.dispose();
        g = ng;
      }
    }
    g.dispose();
    // Weight gradients, each one large matMul over all steps: [h_{t-1}]^T dpre_t and [x_t, 1]^T dpre_t.
    const DP = tf.concat<T2>(dpres, 0);
    const Hprev = tf.concat<T2>([tf.zeros<tf.Rank.R2>([B, N]), ...hs.slice(0, T - 1)], 0);
    grad.set(matMulTA(Hprev, DP).dataSync(), 0);
    grad.set(matMulTA(XA, DP).dataSync(), N * N);
    const DY = tf.tensor2d(dy, [T * B, O]);
    grad.set(matMulTA(H, DY).dataSync(), o1);
    for (let o = 0; o < O; o++) grad[o1 + N * O + o] = dbOut[o] as number;
  });
  return { loss, grad };
}
