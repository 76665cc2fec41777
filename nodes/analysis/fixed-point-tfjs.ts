/**
 * The fixed-point finder's Adam iteration as tfjs ops on the active backend (two [S, N] x [N, N]
 * products and ~15 elementwise ops per iteration): the fallback where WebAssembly SIMD is missing,
 * and the reference the wasm iteration (fixed-point-wasm.ts) is tested against. Same interface as
 * {@link FpAdamBatch}.
 */
import type { Activation } from '../ports/index.ts';
import { activateTf, derivativeTf } from '../dynamics/activations-tf.ts';
import { tf } from '../lib/tf.ts';
import type { CtrnnMap } from './ctrnn-map.ts';
import type { AdamConstants } from './fixed-point-wasm.ts';

/** A batch of starts of one map as tfjs tensors (see FpAdamBatch for the contract). */
export class TfAdamBatch {
  rows: number;
  private readonly W: tf.Tensor;
  private readonly Wt: tf.Tensor;
  private readonly c: tf.Tensor;
  private H: tf.Tensor;
  private m1: tf.Tensor;
  private m2: tf.Tensor;
  private grad: tf.Tensor | undefined;

  constructor(
    private readonly map: CtrnnMap,
    private readonly activation: Activation,
    H0: ArrayLike<number>,
    S: number,
    private readonly k: AdamConstants,
  ) {
    const N = map.N;
    this.W = tf.tensor2d(Float32Array.from(map.W), [N, N]);
    this.Wt = tf.transpose(this.W);
    this.c = tf.tensor2d(Float32Array.from(map.c), [1, N]);
    this.H = tf.tensor2d(Float32Array.from(H0), [S, N]);
    this.m1 = tf.zerosLike(this.H);
    this.m2 = tf.zerosLike(this.H);
    this.rows = S;
  }

  /** q per row at the current states; the gradient is kept for update(). */
  evaluate(): Float32Array {
    const { H, W, Wt, c, activation: act } = this;
    const alpha = this.map.alpha;
    const [qT, gradT] = tf.tidy(() => {
      const pre = tf.add(tf.matMul(H, Wt), c);
      const fx = activateTf(pre, act);
      const G = tf.mul(alpha, tf.sub(fx, H));
      const q = tf.mul(0.5, tf.sum(tf.square(G), 1));
      const u = tf.mul(derivativeTf(act, pre, fx), G);
      const grad = tf.mul(alpha, tf.sub(tf.matMul(u, W), G));
      return [q, grad];
    });
    const q = qT.dataSync() as Float32Array;
    qT.dispose();
    this.grad?.dispose();
    this.grad = gradT;
    return q;
  }

  /** The Adam step with one learning rate per row (0: the row stays), bias corrections c1, c2. */
  update(step: Float32Array, c1: number, c2: number): void {
    const gradT = this.grad;
    if (!gradT) throw new Error('TfAdamBatch.update before evaluate');
    const { b1, b2, eps } = this.k;
    const { H, m1, m2 } = this;
    const next = tf.tidy(() => {
      const nm1 = tf.add(tf.mul(b1, m1), tf.mul(1 - b1, gradT));
      const nm2 = tf.add(tf.mul(b2, m2), tf.mul(1 - b2, tf.square(gradT)));
      const upd = tf.div(tf.mul(nm1, c1), tf.add(tf.sqrt(tf.mul(nm2, c2)), eps));
      const nH = tf.sub(H, tf.mul(tf.tensor2d(step, [this.rows, 1]), upd));
      return [nH, nm1, nm2] as const;
    });
    gradT.dispose();
    this.grad = undefined;
    H.dispose();
    m1.dispose();
    m2.dispose();
    [this.H, this.m1, this.m2] = next;
  }

  /** Keep only rows `keep` (increasing), in that order. */
  compact(keep: ArrayLike<number>): void {
    const idx = tf.tensor1d(Array.from(keep), 'int32');
    const g = [tf.gather(this.H, idx), tf.gather(this.m1, idx), tf.gather(this.m2, idx)] as const;
    idx.dispose();
    this.H.dispose();
    this.m1.dispose();
    this.m2.dispose();
    [this.H, this.m1, this.m2] = g;
    this.rows = keep.length;
  }

  /** The current states [rows, N]. */
  readH(): Float32Array {
    return this.H.dataSync() as Float32Array;
  }

  /** The gradient of the last evaluate() [rows, N] (for tests). */
  readGrad(): Float32Array {
    if (!this.grad) throw new Error('TfAdamBatch.readGrad before evaluate');
    return this.grad.dataSync() as Float32Array;
  }

  dispose(): void {
    for (const t of [this.W, this.Wt, this.c, this.H, this.m1, this.m2, this.grad]) t?.dispose();
    this.grad = undefined;
  }
}
