import { describe, expect, it } from 'vitest';
import { useBackend } from '../lib/tf.ts';
import { makeDataset } from '../ports/dataset.ts';
import { Rng } from '../lib/rng.ts';
import type { Model } from '../ports/model.ts';
import { normal } from '../model/init.ts';
import { trainModel, type TrainOptions } from './trainer.ts';
import { gradientPool, threadCount } from './pool.ts';

/** A small random regression dataset with a partial mask (T = 30, 3 inputs, 2 outputs). */
function dataset(samples: number) {
  const rng = new Rng(11);
  const T = 30;
  return makeDataset({
    samples,
    T,
    channels: 3,
    outputs: 2,
    testCount: 4,
    inputs: Float32Array.from({ length: samples * T * 3 }, () => rng.normal()),
    targets: Float32Array.from({ length: samples * T * 2 }, () => rng.normal() * 0.3),
    mask: Float32Array.from({ length: samples * T }, (_, i) => (i % T >= 5 ? 1 : 0)),
  });
}

const opts: TrainOptions = {
  lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, decay: 0, batchSize: 40, epochs: 1, maxSteps: 6, clipNorm: 1,
  validateEvery: 3, lossThreshold: 0, criterionEvery: 0, stopAtCriterion: false, criterionTolerance: 0.3,
  criterionDelay: 10, checkpointEvery: 0, seed: 3, gradient: 'auto',
};

describe('gradient pool', () => {
  it('1, 2 and 3 threads give bit-identical losses and weights (fixed chunks, summed in order)', async () => {
    await useBackend('wasm');
    const ds = dataset(120);
    const wr = new Rng(2);
    const model: Model = {
      cell: 'ctrnn', N: 20, inputSize: 3, outputSize: 2, alpha: 0.3, activation: 'tanh', useBias: true, noiseSigma: 0.05, seed: 2, provenance: {},
      weights: {
        W_rec: normal(20, 20, 1.2 / Math.sqrt(20), wr),
        W_in: normal(20, 3, 0.5, wr),
        b: normal(20, 1, 0.1, wr),
        W_out: normal(2, 20, 0.3, wr),
        b_out: new Float32Array(2),
      },
    };
    const runs = [];
    for (const threads of [1, 2, 3]) {
      const pool = await gradientPool(model, threads, { platform: 'node', batchSize: opts.batchSize });
      expect(pool?.threads).toBe(threads === 1 ? undefined : threads);
      try {
        runs.push(await trainModel(model, ds, opts, { backend: 'wasm', ...(pool ? { gradient: pool.gradient } : {}) }));
      } finally {
        await pool?.close();
      }
    }
    const [one, two, three] = runs;
    expect(one?.history.loss).toHaveLength(6);
    expect(two?.history.loss).toEqual(one?.history.loss);
    expect(three?.history.loss).toEqual(one?.history.loss);
    expect(two?.history.valLoss).toEqual(one?.history.valLoss);
    expect(Array.from(two?.model.weights.W_rec ?? [])).toEqual(Array.from(one?.model.weights.W_rec ?? []));
    expect(Array.from(three?.model.weights.W_in ?? [])).toEqual(Array.from(one?.model.weights.W_in ?? []));
  });

  it('threadCount: an explicit count wins, CORTEXFLOW_THREADS next, else every core; a bad value is explained', () => {
    const saved = process.env['CORTEXFLOW_THREADS'];
    try {
      expect(threadCount(3)).toBe(3);
      process.env['CORTEXFLOW_THREADS'] = '5';
      expect(threadCount(0)).toBe(5);
      expect(threadCount(2)).toBe(2);
      process.env['CORTEXFLOW_THREADS'] = 'many';
      expect(() => threadCount(0)).toThrow(/CORTEXFLOW_THREADS = "many" is not a positive integer/);
      delete process.env['CORTEXFLOW_THREADS'];
      expect(threadCount(0)).toBeGreaterThanOrEqual(1);
    } finally {
      if (saved === undefined) delete process.env['CORTEXFLOW_THREADS'];
      else process.env['CORTEXFLOW_THREADS'] = saved;
    }
  });
});
