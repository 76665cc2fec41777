/** Small hand-built models and datasets for the analysis tests and benchmarks. */
import type { Activation, ConditionLabel, Dataset, Model } from '../ports/index.ts';
import { Rng } from '../lib/rng.ts';
import { simulate } from '../model/simulate.ts';

/** A CTRNN model with the given recurrent matrix; W_in, W_out random (seeded) unless given. */
export function makeModel(
  N: number,
  W_rec: Float32Array,
  opts: {
    inputSize?: number;
    outputSize?: number;
    alpha?: number;
    activation?: Activation;
    seed?: number;
    W_in?: Float32Array;
    W_out?: Float32Array;
  } = {},
): Model {
  const I = opts.inputSize ?? 1;
  const O = opts.outputSize ?? 1;
  const rng = new Rng(opts.seed ?? 1);
  return {
    cell: 'ctrnn',
    N,
    inputSize: I,
    outputSize: O,
    alpha: opts.alpha ?? 1,
    activation: opts.activation ?? 'tanh',
    useBias: false,
    noiseSigma: 0,
    weights: {
      W_rec,
      W_in: opts.W_in ?? Float32Array.from({ length: N * I }, () => rng.normal() / Math.sqrt(I)),
      W_out: opts.W_out ?? Float32Array.from({ length: O * N }, () => rng.normal() / Math.sqrt(N)),
      b: new Float32Array(N),
      b_out: new Float32Array(O),
    },
    seed: opts.seed ?? 1,
    provenance: { test: true },
  };
}

/** N(0, g^2/N) recurrent matrix. */
export function randomMatrix(N: number, g: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: N * N }, () => (g * rng.normal()) / Math.sqrt(N));
}

/**
 * A dataset of `C` conditions whose targets are the model's own outputs (so the intact model is
 * perfect): pulse inputs of random sign and level on every channel over [10, 30), then silence.
 */
export function selfTargetDataset(model: Model, C: number, T: number, seed = 3): Dataset {
  const rng = new Rng(seed);
  const I = model.inputSize;
  const O = model.outputSize;
  const inputs = new Float32Array(C * T * I);
  const conditions: ConditionLabel[] = [];
  for (let c = 0; c < C; c++) {
    const levels = Array.from({ length: I }, () => (rng.uniform() < 0.5 ? -1 : 1) * (0.5 + rng.uniform()));
    for (let t = Math.min(10, T); t < Math.min(30, T); t++)
      for (let k = 0; k < I; k++) inputs[(c * T + t) * I + k] = levels[k] as number;
    conditions.push({ task: 'self', inputValues: levels, jitter: 0, key: `self ${c}` });
  }
  const { y } = simulate(model, inputs, C, T);
  return {
    samples: C,
    T,
    channels: I,
    outputs: O,
    inputs,
    targets: y,
    mask: new Float32Array(C * T).fill(1),
    conditions,
    channelNames: Array.from({ length: I }, (_, k) => `in${k}`),
    outputNames: Array.from({ length: O }, (_, k) => `out${k}`),
    dt: 1,
    seed,
    testCount: 0,
    tasks: ['self'],
    provenance: { test: true },
  };
}
