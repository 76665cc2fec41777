/**
 * `Model`: a continuous-time RNN (Euler-discretised, alpha = dt/tau). Owned by issue 4.
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
}

import { definePortType } from '../../core/index.ts';
import { modelArtifacts } from '../model/format.ts';

/**
 * The `Model` port type. Artifacts: `PORT/model.json` (hyperparameters, seed, provenance, trainedOn
 * and a tfjs weights manifest) and `PORT/weights.bin` (little-endian float32); `model.load` reads
 * them back bit-exactly. See docs/models.md.
 */
export const ModelPort = definePortType<Model>({
  name: 'Model',
  description: 'A recurrent network: hyperparameters and weights.',
  color: '#ee6677',
  summarize: (m) =>
    `${m.cell} N=${m.N}, ${m.inputSize} in / ${m.outputSize} out, alpha=${m.alpha}, ${m.activation}${m.trainedOn ? ', trained' : ''}`,
  artifacts: (m) => modelArtifacts(m),
});
