/**
 * `model.ctrnn`: a freshly initialised continuous-time RNN (see `nodes/ports/model.ts` for the
 * equations). Input and output sizes are taken from the connected dataset when the block runs; the
 * dataset is used for nothing else, and its description is recorded in `provenance.dataset`.
 */
import { bool, defineBlock, input, int, num, oneOf, schema } from '../../core/index.ts';
import { DatasetPort, ModelPort, type Activation, type Model } from '../ports/index.ts';
import { deriveSeed, Rng } from '../lib/rng.ts';
import { describeDataset } from './describe.ts';
import { kernel, normal, orthogonal, type KernelInit } from './init.ts';

/** Everything that defines an initialised CTRNN. */
export interface CtrnnOptions {
  N: number;
  inputSize: number;
  outputSize: number;
  /** dt/tau in (0, 1]; 1 = Keras SimpleRNN. */
  alpha: number;
  activation: Activation;
  useBias: boolean;
  recurrentInit: 'orthogonal' | 'normal';
  /** Orthogonal: the gain (all |lambda| = gain). Normal: g, entries N(0, g^2/N). */
  gain: number;
  inputInit: KernelInit;
  outputInit: KernelInit;
  noiseSigma: number;
  seed: number;
}

/**
 * The Keras form the authors trained (SimpleRNN: alpha 1, tanh, no hidden bias, orthogonal W_rec at
 * gain 1, Glorot-uniform input and readout, no noise): the starting options of most tests and benches.
 */
export function kerasForm(N: number, inputSize: number, outputSize: number, seed = 1): CtrnnOptions {
  return {
    N,
    inputSize,
    outputSize,
    alpha: 1,
    activation: 'tanh',
    useBias: false,
    recurrentInit: 'orthogonal',
    gain: 1,
    inputInit: 'glorot-uniform',
    outputInit: 'glorot-uniform',
    noiseSigma: 0,
    seed,
  };
}

/**
 * Build an initialised CTRNN. Each matrix draws from its own stream (seed derived from `seed` and
 * the matrix name), so changing, say, the input size does not change W_rec. Biases start at zero
 * (Keras' default), b_out too.
 */
export function createCtrnn(o: CtrnnOptions, provenance: Record<string, unknown> = {}): Model {
  if (!Number.isInteger(o.N) || o.N < 1) throw new Error(`units must be an integer >= 1, got ${o.N}`);
  if (!(o.alpha > 0 && o.alpha <= 1)) throw new Error(`alpha must be in (0, 1], got ${o.alpha}`);
  if (!Number.isInteger(o.inputSize) || o.inputSize < 1) throw new Error(`input size must be >= 1, got ${o.inputSize}`);
  if (!Number.isInteger(o.outputSize) || o.outputSize < 1)
    throw new Error(`output size must be >= 1, got ${o.outputSize}`);
  const { N } = o;
  const rec = new Rng(deriveSeed(o.seed, 'W_rec'));
  const W_rec =
    o.recurrentInit === 'orthogonal' ? orthogonal(N, o.gain, rec) : normal(N, N, o.gain / Math.sqrt(N), rec);
  const W_in = kernel(o.inputInit, N, o.inputSize, new Rng(deriveSeed(o.seed, 'W_in')));
  const W_out = kernel(o.outputInit, o.outputSize, N, new Rng(deriveSeed(o.seed, 'W_out')));
  return {
    cell: 'ctrnn',
    N,
    inputSize: o.inputSize,
    outputSize: o.outputSize,
    alpha: o.alpha,
    activation: o.activation,
    useBias: o.useBias,
    noiseSigma: o.noiseSigma,
    weights: { W_rec, W_in, W_out, b: new Float32Array(N), b_out: new Float32Array(o.outputSize) },
    seed: o.seed,
    provenance,
  };
}

export const modelCtrnn = defineBlock({
  type: 'model.ctrnn',
  version: 1,
  title: 'CTRNN',
  category: 'Model',
  description:
    'An initialised continuous-time RNN, h[t] = (1 - alpha) h[t-1] + alpha f(W_rec h[t-1] + W_in x[t] + b), ' +
    'y[t] = W_out h[t] + b_out. alpha = 1 is exactly the Keras SimpleRNN + Dense network of Jarne & Laje. ' +
    'W_rec: orthogonal (Keras Orthogonal: all |eigenvalues| = gain) or normal N(0, g^2/N) (spectral radius ~ g); ' +
    'W_in and W_out: Glorot uniform as Keras. Input and output sizes come from the connected dataset ' +
    '(used only for its sizes; its description is recorded in the model).',
  inputs: {
    dataset: input(DatasetPort, {
      description: 'Gives the input size (channels) and output size; nothing else is used.',
    }),
  },
  outputs: { model: ModelPort },
  params: schema({
    units: int(1, 4096, 100, { description: 'Number of recurrent units N.' }),
    alpha: num(0, 1, 1, { description: "dt/tau in (0, 1]. 1 = Keras SimpleRNN (the authors' networks)." }),
    activation: oneOf(['tanh', 'relu', 'softplus', 'sigmoid'] as const, 'tanh', {
      description: 'Unit nonlinearity f.',
    }),
    bias: bool(false, { description: 'Recurrent bias b (starts at 0). The authors had none.' }),
    recurrentInit: oneOf(['orthogonal', 'normal'] as const, 'orthogonal', {
      description: 'W_rec: orthogonal times gain (Keras), or normal with std gain/sqrt(N).',
    }),
    gain: num(0, 100, 1, {
      description: 'Orthogonal: the gain (every |eigenvalue| equals it). Normal: g, the expected spectral radius.',
    }),
    inputInit: oneOf(['glorot-uniform', 'lecun-normal'] as const, 'glorot-uniform', {
      description: 'W_in: Glorot uniform U(+-sqrt(6/(in+N))) as Keras, or LeCun normal N(0, 1/in).',
    }),
    outputInit: oneOf(['glorot-uniform', 'lecun-normal'] as const, 'glorot-uniform', {
      description: 'W_out: Glorot uniform U(+-sqrt(6/(N+out))) as Keras, or LeCun normal N(0, 1/N). b_out starts at 0.',
    }),
    noiseSigma: num(0, 10, 0, {
      description: 'Std of the recurrent noise the trainer adds to h each step (0 = none). Simulation is noise-free.',
    }),
    seed: int(0, 2 ** 31 - 1, 1, { description: 'Seed of the initialisation.' }),
  }),
  validate: (p) =>
    p.alpha > 0 ? [] : [{ param: 'alpha', message: 'alpha = dt/tau must be > 0 (1 = Keras SimpleRNN)' }],
  run: async ({ params, inputs }) => {
    const ds = inputs.dataset;
    if (!ds || !(ds.channels >= 1) || !(ds.outputs >= 1))
      throw new Error('model.ctrnn needs a dataset on its "dataset" input to know the input and output sizes');
    const model = createCtrnn(
      {
        N: params.units,
        inputSize: ds.channels,
        outputSize: ds.outputs,
        alpha: params.alpha,
        activation: params.activation,
        useBias: params.bias,
        recurrentInit: params.recurrentInit,
        gain: params.gain,
        inputInit: params.inputInit,
        outputInit: params.outputInit,
        noiseSigma: params.noiseSigma,
        seed: params.seed,
      },
      { block: 'model.ctrnn', params: { ...params }, dataset: describeDataset(ds) },
    );
    return { model };
  },
});
