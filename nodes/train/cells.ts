/**
 * Cells trained by tfjs autodiff: the fallback for cells that plugins define (and a cross-check of
 * the hand BPTT for the built-in one). A cell is a tfjs step function
 *
 *     step(h [B, N], x [B, I], w, model) -> h' [B, N]
 *
 * on the model's standard weights (`w.WrecT` = W_rec^T [N, N], `w.WinT` = W_in^T [I, N], `w.b` [N]
 * or null); the readout y = h WoutT + bOut and the masked MSE are the trainer's. Register a cell with
 * {@link registerCell}; a model whose `cell` names it is then trained through autodiff.
 *
 * As in the hand kernel, the loss is built one time step at a time (no slicing of [T*B, ...]
 * tensors) and matMul gets a custom gradient with explicit transposes on wasm, where matMul with
 * transpose flags is the slow path.
 */
import type { Model } from '../ports/model.ts';
import { tf } from '../lib/tf.ts';
import { activate, type CellConfig, type LossGrad } from './bptt.ts';
import { catRows, thetaLength, type Batch } from './layout.ts';

type T2 = tf.Tensor2D;

export { cellKnown, registerCell, type CellStep, type CellWeights } from './register-cell.ts';
import type { CellStep, CellWeights } from './register-cell.ts';

/** matMul with a gradient that never uses transpose flags on wasm. */
export const mm: (a: T2, b: T2) => T2 = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as unknown as [T2, T2, (t: tf.Tensor[]) => void];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [T2, T2];
      const d = dy as T2;
      if (tf.getBackend() === 'wasm') return [tf.matMul(d, tf.transpose(sb)), tf.matMul(tf.transpose(sa), d)];
      return [tf.matMul(d, sb, false, true), tf.matMul(sa, d, true, false)];
    },
  };
}) as unknown as (a: T2, b: T2) => T2;

/** The built-in CTRNN step (same equations as the hand kernel). */
export const ctrnnStep: CellStep = (h, x, w, model) => {
  let pre = tf.add(mm(h, w.WrecT), mm(x, w.WinT));
  if (w.b) pre = tf.add(pre, w.b);
  const a = activate(pre, model.activation) as T2;
  if (model.alpha === 1) return a;
  return tf.add<T2>(tf.mul(h, 1 - model.alpha), tf.mul(a, model.alpha));
};

/** Loss and gradient through tfjs autodiff for any registered cell. Frees every tensor. */
export function autodiffLossAndGrad(
  c: CellConfig,
  model: Model,
  step: CellStep,
  theta: Float32Array,
  batch: Batch,
  noise?: Float32Array,
): LossGrad {
  const { N, I, O } = c;
  const { B, T, X, Y, M } = batch;
  const rows = catRows(c);
  const o1 = rows * N;
  let msum = 0;
  for (let r = 0; r < T * B; r++) msum += M[r] as number;
  const denom = O * msum;
  const grad = new Float32Array(thetaLength(c));
  let loss = 0;
  if (denom === 0) return { loss, grad };
  tf.tidy(() => {
    const Wcat = tf.tensor2d(theta.subarray(0, rows * N), [rows, N]);
    const WoutT = tf.tensor2d(theta.subarray(o1, o1 + N * O), [N, O]);
    const bOut = tf.tensor1d(theta.subarray(o1 + N * O, o1 + N * O + O));
    const xs = Array.from({ length: T }, (_, t) => tf.tensor2d(X.subarray(t * B * I, (t + 1) * B * I), [B, I]));
    const ys = Array.from({ length: T }, (_, t) => tf.tensor2d(Y.subarray(t * B * O, (t + 1) * B * O), [B, O]));
    const ms = Array.from({ length: T }, (_, t) => tf.tensor2d(M.subarray(t * B, (t + 1) * B), [B, 1]));
    const nz = noise
      ? Array.from({ length: T }, (_, t) => tf.tensor2d(noise.subarray(t * B * N, (t + 1) * B * N), [B, N]))
      : undefined;
    const f = (wcat: tf.Tensor, woutT: tf.Tensor, bout: tf.Tensor): tf.Scalar => {
      const wc = wcat as T2;
      // Small weight tensors: slicing them is cheap.
      const w: CellWeights = {
        WrecT: tf.slice(wc, [0, 0], [N, N]),
        WinT: tf.slice(wc, [N, 0], [I, N]),
        b: c.bias ? tf.reshape<tf.Rank.R1>(tf.slice(wc, [N + I, 0], [1, N]), [N]) : null,
      };
      let h = tf.zeros<tf.Rank.R2>([B, N]);
      const terms: tf.Tensor[] = [];
      for (let t = 0; t < T; t++) {
        h = step(h, xs[t] as T2, w, model);
        if (nz) h = tf.add<T2>(h, nz[t] as T2);
        const y = tf.add(mm(h, woutT as T2), bout);
        terms.push(tf.sum(tf.mul(tf.square(tf.sub(y, ys[t] as T2)), ms[t] as T2)));
      }
      return tf.div<tf.Scalar>(tf.addN(terms), denom);
    };
    const { value, grads } = tf.valueAndGrads(f)([Wcat, WoutT, bOut]);
    loss = value.dataSync()[0] as number;
    grad.set(grads[0]!.dataSync(), 0);
    grad.set(grads[1]!.dataSync(), o1);
    grad.set(grads[2]!.dataSync(), o1 + N * O);
  });
  return { loss, grad };
}
