/**
 * `Model`: a continuous-time RNN (Euler-discretised, alpha = dt/tau).
 *
 *     h_t = (1 - alpha) h_{t-1} + alpha f(W_rec h_{t-1} + W_in x_t + b) + noise,   h_{-1} = 0
 *     y_t = W_out h_t + b_out
 *
 * With alpha = 1 this is exactly Keras SimpleRNN(return_sequences=True) followed by a Dense layer.
 *
 * Matrices are stored in the mathematical orientation, row-major Float32Array:
 * W_rec [N, N] (row i = inputs to unit i), W_in [N, inputSize], W_out [outputSize, N].
 * A Keras SimpleRNN kernel is W_in^T and its recurrent_kernel is W_rec^T.
 */
export type Activation = 'tanh' | 'relu' | 'softplus' | 'sigmoid';

export interface ModelWeights {
  W_rec: Float32Array;
  W_in: Float32Array;
  W_out: Float32Array;
  /** [N]; zeros when the model has no bias. */
  b: Float32Array;
  /** [outputSize] */
  b_out: Float32Array;
}

export interface Model {
  /** The cell: 'ctrnn' for the built-in; plugins may define others (they must keep these weights). */
  cell: string;
  N: number;
  inputSize: number;
  outputSize: number;
  alpha: number;
  activation: Activation;
  useBias: boolean;
  /** Std of the recurrent noise added each step while training (0 = none). */
  noiseSigma: number;
  weights: ModelWeights;
  /** Seed of the initialisation. */
  seed: number;
  /** How it was made: init params, or the file it was loaded from. */
  provenance: Record<string, unknown>;
  /** Description of the dataset it was trained on (channel names, T, tasks), when trained. */
  trainedOn?: Record<string, unknown>;
  /** Cell-specific extras (e.g. a plugin's E/I sign mask). JSON-able or typed arrays. */
  extras?: Record<string, unknown>;
  /**
   * Structural constraints on W_rec that training must keep (e.g. Dale's law). Trainers apply
   * {@link projectRecurrent} to W_rec after every optimiser step; saved with the model.
   */
  constraints?: ModelConstraints;
}

/** Constraints on the recurrent weights, kept through training by projection. */
export interface ModelConstraints {
  /**
   * [N] sign of every outgoing weight of each PRESYNAPTIC unit j (column j of W_rec): +1 means
   * W_rec[i, j] >= 0 for every i (excitatory), -1 means <= 0 (inhibitory), 0 means free.
   */
  recurrentSign?: Float32Array;
  /** [N*N], row-major like W_rec: 0 = the connection i <- j is absent (kept at 0), else present. */
  recurrentMask?: Float32Array;
}

/** Problems with a model's constraints (sizes and values); empty when fine or absent. */
export function constraintProblems(m: Pick<Model, 'N' | 'constraints'>): string[] {
  const c = m.constraints;
  if (c === undefined) return [];
  const problems: string[] = [];
  const { N } = m;
  if (c.recurrentSign !== undefined) {
    if (!(c.recurrentSign instanceof Float32Array) || c.recurrentSign.length !== N)
      problems.push(
        `constraints.recurrentSign must be a Float32Array of N = ${N} values, got ${c.recurrentSign.length}`,
      );
    else if (c.recurrentSign.some((v) => v !== 1 && v !== -1 && v !== 0))
      problems.push('constraints.recurrentSign must hold only +1 (excitatory), -1 (inhibitory) or 0 (free)');
  }
  if (c.recurrentMask !== undefined && (!(c.recurrentMask instanceof Float32Array) || c.recurrentMask.length !== N * N))
    problems.push(
      `constraints.recurrentMask must be a Float32Array of N*N = ${N * N} values, got ${c.recurrentMask.length}`,
    );
  return problems;
}

/**
 * Project recurrent weights onto the constraints, in place: absent connections become 0, a weight
 * with the wrong sign for its presynaptic unit becomes 0 (rectification, as Song, Yang & Wang 2016).
 * `w` is W_rec [N, N] row-major (row i = inputs to unit i), or its transpose (row j = outputs of
 * unit j, the trainer's packed layout) with `transposed`. Returns how many weights it changed.
 */
export function projectRecurrent(
  w: Float32Array,
  N: number,
  constraints: ModelConstraints | undefined,
  transposed = false,
): number {
  if (constraints === undefined) return 0;
  const { recurrentSign: sign, recurrentMask: mask } = constraints;
  if (sign === undefined && mask === undefined) return 0;
  let changed = 0;
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      // (i, j): post i, pre j.
      const k = transposed ? j * N + i : i * N + j;
      const v = w[k] as number;
      let keep = v;
      if (mask !== undefined && mask[i * N + j] === 0) keep = 0;
      else if (sign !== undefined) {
        const s = sign[j] as number;
        if ((s > 0 && v < 0) || (s < 0 && v > 0)) keep = 0;
      }
      if (keep !== v) {
        w[k] = keep;
        changed++;
      }
    }
  return changed;
}
