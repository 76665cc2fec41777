/**
 * How the trainer lays out weights and batches.
 *
 * Parameters live in one flat Float32Array `theta` (Adam, clipping, checkpoints and worker messages
 * all work on it), in the "row-vector" orientation the kernels multiply with (the Keras orientation):
 *
 *     theta = [ Wcat (rows x N) | WoutT (N x O) | bOut (O) ]
 *     Wcat  = [ W_rec^T (N x N) ; W_in^T (I x N) ; b (1 x N, only when the model has a bias) ]
 *
 * so one step's pre-activation is `[h_{t-1}, x_t, 1] @ Wcat` (one matMul), and the gradient of
 * Wcat is one big matMul over all time steps. Batches are time-major: X [T, B, I], Y [T, B, O],
 * M [T, B], so a time step is a contiguous sub-array (tfjs-wasm `slice` copies whole tensors).
 */
import type { Dataset } from '../ports/dataset.ts';
import type { Model, ModelWeights } from '../ports/model.ts';

/** Sizes of one model, as the kernels see it. */
export interface Shape {
  N: number;
  I: number;
  O: number;
  bias: boolean;
}

/** Rows of Wcat: N + I (+1 with bias). */
export const catRows = (s: Shape): number => s.N + s.I + (s.bias ? 1 : 0);
/** Length of theta. */
export const thetaLength = (s: Shape): number => catRows(s) * s.N + s.N * s.O + s.O;

export function shapeOf(model: Model): Shape {
  return { N: model.N, I: model.inputSize, O: model.outputSize, bias: model.useBias };
}

/** Model weights (math orientation) -> theta. */
export function packTheta(model: Model, w: ModelWeights = model.weights): Float32Array {
  const s = shapeOf(model);
  const { N, I, O } = s;
  const th = new Float32Array(thetaLength(s));
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) th[j * N + i] = w.W_rec[i * N + j] as number; // row j of W_rec^T
  for (let i = 0; i < N; i++) for (let k = 0; k < I; k++) th[(N + k) * N + i] = w.W_in[i * I + k] as number;
  if (s.bias) for (let i = 0; i < N; i++) th[(N + I) * N + i] = w.b[i] as number;
  const o1 = catRows(s) * N;
  for (let o = 0; o < O; o++) for (let j = 0; j < N; j++) th[o1 + j * O + o] = w.W_out[o * N + j] as number;
  for (let o = 0; o < O; o++) th[o1 + N * O + o] = w.b_out[o] as number;
  return th;
}

/** theta -> model weights (math orientation). */
export function unpackTheta(s: Shape, th: Float32Array): ModelWeights {
  const { N, I, O } = s;
  const W_rec = new Float32Array(N * N);
  const W_in = new Float32Array(N * I);
  const b = new Float32Array(N);
  const W_out = new Float32Array(O * N);
  const b_out = new Float32Array(O);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) W_rec[i * N + j] = th[j * N + i] as number;
  for (let i = 0; i < N; i++) for (let k = 0; k < I; k++) W_in[i * I + k] = th[(N + k) * N + i] as number;
  if (s.bias) for (let i = 0; i < N; i++) b[i] = th[(N + I) * N + i] as number;
  const o1 = catRows(s) * N;
  for (let o = 0; o < O; o++) for (let j = 0; j < N; j++) W_out[o * N + j] = th[o1 + j * O + o] as number;
  for (let o = 0; o < O; o++) b_out[o] = th[o1 + N * O + o] as number;
  return { W_rec, W_in, W_out, b, b_out };
}

/** A batch, time-major. */
export interface Batch {
  B: number;
  T: number;
  /** [T, B, I] */
  X: Float32Array;
  /** [T, B, O] */
  Y: Float32Array;
  /** [T, B] */
  M: Float32Array;
}

/** Gather samples `idx` of a dataset into a time-major batch. */
export function gatherBatch(d: Dataset, idx: ArrayLike<number>, out?: Batch): Batch {
  const B = idx.length;
  const { T, channels: I, outputs: O } = d;
  const b: Batch =
    out && out.B === B && out.T === T
      ? out
      : { B, T, X: new Float32Array(T * B * I), Y: new Float32Array(T * B * O), M: new Float32Array(T * B) };
  for (let k = 0; k < B; k++) {
    const s = idx[k] as number;
    for (let t = 0; t < T; t++) {
      const src = s * T + t;
      const dst = t * B + k;
      for (let i = 0; i < I; i++) b.X[dst * I + i] = d.inputs[src * I + i] as number;
      for (let o = 0; o < O; o++) b.Y[dst * O + o] = d.targets[src * O + o] as number;
      b.M[dst] = d.mask[src] as number;
    }
  }
  return b;
}

/** Rows [lo, hi) of a time-major array [T, B, width] (copied): [T, hi - lo, width]. */
export function timeRows(a: Float32Array, T: number, B: number, lo: number, hi: number, width: number): Float32Array {
  const out = new Float32Array(T * (hi - lo) * width);
  for (let t = 0; t < T; t++) out.set(a.subarray((t * B + lo) * width, (t * B + hi) * width), t * (hi - lo) * width);
  return out;
}

/** Rows [lo, hi) of a time-major batch [T, B, ...] as a batch of its own (copied). */
export function batchRows(b: Batch, lo: number, hi: number, I: number, O: number): Batch {
  const { T, B } = b;
  return {
    B: hi - lo,
    T,
    X: timeRows(b.X, T, B, lo, hi, I),
    Y: timeRows(b.Y, T, B, lo, hi, O),
    M: timeRows(b.M, T, B, lo, hi, 1),
  };
}

/** Sum of a batch's loss mask (its weight in a mask-normalised loss). */
export function maskWeight(b: Batch): number {
  let s = 0;
  for (let i = 0; i < b.M.length; i++) s += b.M[i] as number;
  return s;
}

/** Indices lo..hi-1. */
export function range(lo: number, hi: number): Int32Array {
  const a = new Int32Array(Math.max(0, hi - lo));
  for (let i = 0; i < a.length; i++) a[i] = lo + i;
  return a;
}
