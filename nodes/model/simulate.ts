/**
 * Reference CTRNN simulation in plain typed-array loops (no tfjs): used by `sim.run`, by analyses
 * that re-simulate many small batches (pruning, lesions), and as the ground truth the tfjs kernels
 * are tested against.
 *
 * Arithmetic: weights and states in float64, each pre-activation summed in a fixed order (bias, then
 * W_rec columns 0..N-1, then W_in columns 0..I-1), results rounded to float32 only when stored. The
 * recurrent product is register-blocked (2 units x 4 trials share each load), about 3x faster than
 * the plain loop with bit-identical results (measured: N = 200, 12 trials x 290 steps, ~150 ms).
 */
import type { Activation, Model, ModelWeights } from '../ports/model.ts';
import { activationFns } from '../dynamics/activations.ts';

/** Element-wise activation functions (the dynamics layer's, nodes/dynamics/activations.ts). */
export const activations: Record<Activation, (x: number) => number> = activationFns;

export interface SimulationResult {
  /** [B, T, N] */
  hidden: Float32Array;
  /** [B, T, outputSize] */
  y: Float32Array;
}

/**
 * Run a model on inputs [B, T, inputSize] from h = 0 (or `h0` [N]), without noise.
 * `weights` overrides the model's weights (pruned or lesioned copies).
 */
export function simulate(
  model: Model,
  inputs: Float32Array,
  B: number,
  T: number,
  options: { weights?: ModelWeights; h0?: Float32Array } = {},
): SimulationResult {
  const { N, inputSize: I, outputSize: O, alpha } = model;
  const w = options.weights ?? model.weights;
  const f = activations[model.activation];
  if (f === undefined) throw new Error(`simulate: unknown activation ${JSON.stringify(model.activation)}`);
  if (inputs.length !== B * T * I)
    throw new Error(`simulate: inputs have ${inputs.length} values, expected B*T*I = ${B}*${T}*${I}`);
  const Wr = Float64Array.from(w.W_rec);
  const Wi = Float64Array.from(w.W_in);
  const Wo = Float64Array.from(w.W_out);
  const bias = new Float64Array(N);
  for (let i = 0; i < N; i++) bias[i] = w.b[i] ?? 0;
  const bOut = new Float64Array(O);
  for (let o = 0; o < O; o++) bOut[o] = w.b_out[o] ?? 0;

  const hidden = new Float32Array(B * T * N);
  const y = new Float32Array(B * T * O);
  const h = new Float64Array(B * N);
  const pre = new Float64Array(B * N);
  if (options.h0) for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) h[b * N + i] = options.h0[i] ?? 0;
  const keep = 1 - alpha;
  const TI = T * I;

  for (let t = 0; t < T; t++) {
    let b = 0;
    // Four trials at a time: each W_rec load feeds 4 (or 8) multiply-adds.
    for (; b + 4 <= B; b += 4) {
      const h0 = b * N;
      const h1 = h0 + N;
      const h2 = h1 + N;
      const h3 = h2 + N;
      let i = 0;
      for (; i + 2 <= N; i += 2) {
        const ba = bias[i] as number;
        const bb = bias[i + 1] as number;
        let s0 = ba,
          s1 = ba,
          s2 = ba,
          s3 = ba;
        let r0 = bb,
          r1 = bb,
          r2 = bb,
          r3 = bb;
        const ro = i * N;
        const ro2 = ro + N;
        for (let j = 0; j < N; j++) {
          const wa = Wr[ro + j] as number;
          const wb = Wr[ro2 + j] as number;
          const a0 = h[h0 + j] as number;
          const a1 = h[h1 + j] as number;
          const a2 = h[h2 + j] as number;
          const a3 = h[h3 + j] as number;
          s0 += wa * a0;
          s1 += wa * a1;
          s2 += wa * a2;
          s3 += wa * a3;
          r0 += wb * a0;
          r1 += wb * a1;
          r2 += wb * a2;
          r3 += wb * a3;
        }
        pre[h0 + i] = s0;
        pre[h1 + i] = s1;
        pre[h2 + i] = s2;
        pre[h3 + i] = s3;
        pre[h0 + i + 1] = r0;
        pre[h1 + i + 1] = r1;
        pre[h2 + i + 1] = r2;
        pre[h3 + i + 1] = r3;
      }
      for (; i < N; i++) {
        const ba = bias[i] as number;
        let s0 = ba,
          s1 = ba,
          s2 = ba,
          s3 = ba;
        const ro = i * N;
        for (let j = 0; j < N; j++) {
          const wa = Wr[ro + j] as number;
          s0 += wa * (h[h0 + j] as number);
          s1 += wa * (h[h1 + j] as number);
          s2 += wa * (h[h2 + j] as number);
          s3 += wa * (h[h3 + j] as number);
        }
        pre[h0 + i] = s0;
        pre[h1 + i] = s1;
        pre[h2 + i] = s2;
        pre[h3 + i] = s3;
      }
      const x0 = (b * T + t) * I;
      const x1 = x0 + TI;
      const x2 = x1 + TI;
      const x3 = x2 + TI;
      for (let i2 = 0; i2 < N; i2++) {
        let s0 = pre[h0 + i2] as number;
        let s1 = pre[h1 + i2] as number;
        let s2 = pre[h2 + i2] as number;
        let s3 = pre[h3 + i2] as number;
        const io = i2 * I;
        for (let k = 0; k < I; k++) {
          const wv = Wi[io + k] as number;
          s0 += wv * (inputs[x0 + k] as number);
          s1 += wv * (inputs[x1 + k] as number);
          s2 += wv * (inputs[x2 + k] as number);
          s3 += wv * (inputs[x3 + k] as number);
        }
        pre[h0 + i2] = s0;
        pre[h1 + i2] = s1;
        pre[h2 + i2] = s2;
        pre[h3 + i2] = s3;
      }
    }
    for (; b < B; b++) {
      const h0 = b * N;
      const x0 = (b * T + t) * I;
      for (let i = 0; i < N; i++) {
        let s = bias[i] as number;
        const ro = i * N;
        for (let j = 0; j < N; j++) s += (Wr[ro + j] as number) * (h[h0 + j] as number);
        const io = i * I;
        for (let k = 0; k < I; k++) s += (Wi[io + k] as number) * (inputs[x0 + k] as number);
        pre[h0 + i] = s;
      }
    }
    // All trials' pre-activations are computed from the old h: now update h and read out.
    for (let bb = 0; bb < B; bb++) {
      const h0 = bb * N;
      const ho = (bb * T + t) * N;
      for (let i = 0; i < N; i++) {
        const v = keep * (h[h0 + i] as number) + alpha * f(pre[h0 + i] as number);
        h[h0 + i] = v;
        hidden[ho + i] = v;
      }
      const yo = (bb * T + t) * O;
      for (let o = 0; o < O; o++) {
        let s = bOut[o] as number;
        const oo = o * N;
        for (let j = 0; j < N; j++) s += (Wo[oo + j] as number) * (h[h0 + j] as number);
        y[yo + o] = s;
      }
    }
  }
  return { hidden, y };
}
