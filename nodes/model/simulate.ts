/**
 * Reference CTRNN simulation in plain Float32 loops (no tfjs): used by analyses that re-simulate
 * many small batches (pruning, lesions) and as the ground truth the tfjs kernels are tested against.
 */
import type { Activation, Model, ModelWeights } from '../ports/model.ts';

/** Element-wise activation functions. */
export const activations: Record<Activation, (x: number) => number> = {
  tanh: Math.tanh,
  relu: (x) => (x > 0 ? x : 0),
  softplus: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

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
  if (inputs.length !== B * T * I)
    throw new Error(`simulate: inputs have ${inputs.length} values, expected B*T*I = ${B}*${T}*${I}`);
  const hidden = new Float32Array(B * T * N);
  const y = new Float32Array(B * T * O);
  const h = new Float64Array(N);
  const pre = new Float64Array(N);
  for (let b = 0; b < B; b++) {
    if (options.h0) for (let i = 0; i < N; i++) h[i] = options.h0[i] ?? 0;
    else h.fill(0);
    for (let t = 0; t < T; t++) {
      const xo = (b * T + t) * I;
      for (let i = 0; i < N; i++) {
        let s = w.b[i] ?? 0;
        const ro = i * N;
        for (let j = 0; j < N; j++) s += (w.W_rec[ro + j] as number) * (h[j] as number);
        const io = i * I;
        for (let k = 0; k < I; k++) s += (w.W_in[io + k] as number) * (inputs[xo + k] as number);
        pre[i] = s;
      }
      const ho = (b * T + t) * N;
      for (let i = 0; i < N; i++) {
        const v = (1 - alpha) * (h[i] as number) + alpha * f(pre[i] as number);
        h[i] = v;
        hidden[ho + i] = v;
      }
      const yo = (b * T + t) * O;
      for (let o = 0; o < O; o++) {
        let s = w.b_out[o] ?? 0;
        const oo = o * N;
        for (let j = 0; j < N; j++) s += (w.W_out[oo + j] as number) * (h[j] as number);
        y[yo + o] = s;
      }
    }
  }
  return { hidden, y };
}
