import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ParamsError, runBlock } from '../../core/index.ts';
import { deriveSeed, Rng } from '../lib/rng.ts';
import type { Dataset, Model } from '../ports/index.ts';
import { createCtrnn, kerasForm, modelCtrnn, type CtrnnOptions } from './ctrnn.ts';

const opts: CtrnnOptions = kerasForm(40, 3, 1, 3);

function matrix(a: Float32Array, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, a[i * cols + j]!);
  return m;
}

function eigenAbs(a: Float32Array, n: number): number[] {
  const e = new EigenvalueDecomposition(matrix(a, n, n));
  return e.realEigenvalues.map((re, i) => Math.hypot(re, e.imaginaryEigenvalues[i]!));
}

/** A small dataset, enough for the blocks that only read sizes and names. */
export function tinyDataset(channels: number, outputs: number): Dataset {
  const samples = 2;
  const T = 5;
  return {
    samples,
    T,
    channels,
    outputs,
    inputs: new Float32Array(samples * T * channels),
    targets: new Float32Array(samples * T * outputs),
    mask: new Float32Array(samples * T).fill(1),
    conditions: [
      { task: 'and', inputValues: [0, 0], jitter: 0, key: 'and A=0 B=0' },
      { task: 'and', inputValues: [1, 1], jitter: 0, key: 'and A=1 B=1' },
    ],
    channelNames: Array.from({ length: channels }, (_, i) => `in${i}`),
    outputNames: Array.from({ length: outputs }, (_, i) => `out${i}`),
    dt: 1,
    seed: 1,
    testCount: 1,
    tasks: ['and'],
    provenance: { block: 'test' },
  };
}

describe('initialisers', () => {
  it('orthogonal: W W^T = gain^2 I and every |eigenvalue| = gain', () => {
    for (const gain of [1, 1.3]) {
      const m = createCtrnn({ ...opts, gain });
      const W = matrix(m.weights.W_rec, 40, 40);
      const WWt = W.mmul(W.transpose());
      let maxErr = 0;
      for (let i = 0; i < 40; i++)
        for (let j = 0; j < 40; j++) maxErr = Math.max(maxErr, Math.abs(WWt.get(i, j) - (i === j ? gain * gain : 0)));
      expect(maxErr).toBeLessThan(1e-5);
      const abs = eigenAbs(m.weights.W_rec, 40);
      expect(abs).toHaveLength(40);
      for (const a of abs) expect(a).toBeCloseTo(gain, 5);
    }
  });

  it('orthogonal: Q is the QR factor of a Gaussian matrix with sign(diag R) > 0, as Keras does', () => {
    const gain = 1.7;
    const n = 12;
    const m = createCtrnn({ ...opts, N: n, gain });
    // Redraw the Gaussian matrix A the initialiser drew; W_rec = gain Q^T, so R = Q^T A = W_rec A / gain.
    const rng = new Rng(deriveSeed(opts.seed, 'W_rec'));
    const A = new Matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A.set(i, j, rng.normal());
    const R = matrix(m.weights.W_rec, n, n).mmul(A).div(gain);
    for (let i = 0; i < n; i++) {
      expect(R.get(i, i)).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(Math.abs(R.get(i, j))).toBeLessThan(1e-5);
    }
  });

  it('normal: entries N(0, g^2/N), spectral radius near g', () => {
    const N = 200;
    const g = 1.5;
    const m = createCtrnn({ ...opts, N, recurrentInit: 'normal', gain: g });
    const w = m.weights.W_rec;
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(std / (g / Math.sqrt(N))).toBeGreaterThan(0.97);
    expect(std / (g / Math.sqrt(N))).toBeLessThan(1.03);
    const radius = Math.max(...eigenAbs(w, N));
    expect(radius / g).toBeGreaterThan(0.92); // finite-N edge: 1.00-1.10 over seeds 0-9 at N = 200
    expect(radius / g).toBeLessThan(1.15);
  });

  it('Glorot uniform: W_in and W_out within +-sqrt(6/(fan_in+fan_out)) with the uniform variance', () => {
    const N = 400;
    const m = createCtrnn({ ...opts, N, inputSize: 4, outputSize: 2, recurrentInit: 'normal' });
    for (const [w, fans] of [
      [m.weights.W_in, 4 + N],
      [m.weights.W_out, N + 2],
    ] as Array<[Float32Array, number]>) {
      const limit = Math.sqrt(6 / fans);
      expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(limit);
      const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
      expect(variance / ((limit * limit) / 3)).toBeGreaterThan(0.85);
      expect(variance / ((limit * limit) / 3)).toBeLessThan(1.15);
    }
    expect(m.weights.b.every((v) => v === 0) && m.weights.b_out.every((v) => v === 0)).toBe(true);
  });

  it('LeCun normal: std 1/sqrt(fan_in)', () => {
    const m = createCtrnn({ ...opts, N: 500, inputSize: 4, inputInit: 'lecun-normal', recurrentInit: 'normal' });
    const w = m.weights.W_in;
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std / 0.5).toBeGreaterThan(0.93);
    expect(std / 0.5).toBeLessThan(1.07);
  });
});

describe('model.ctrnn', () => {
  it('takes its sizes from the dataset, records it, and is reproducible from its seed', async () => {
    const run = async (params: Record<string, unknown>, ds: Dataset) =>
      (await runBlock<{ model: Model }>(modelCtrnn, { params, inputs: { dataset: ds } })).outputs.model;
    const m = await run({ units: 12, seed: 9, alpha: 0.1, activation: 'relu', bias: true }, tinyDataset(3, 2));
    expect(m).toMatchObject({
      cell: 'ctrnn',
      N: 12,
      inputSize: 3,
      outputSize: 2,
      alpha: 0.1,
      activation: 'relu',
      useBias: true,
      seed: 9,
    });
    expect(m.weights.W_rec).toHaveLength(144);
    expect(m.weights.W_in).toHaveLength(36);
    expect(m.weights.W_out).toHaveLength(24);
    expect(m.trainedOn).toBeUndefined();
    expect(m.provenance).toMatchObject({
      block: 'model.ctrnn',
      params: { units: 12, seed: 9 },
      dataset: { channels: 3, outputs: 2, channelNames: ['in0', 'in1', 'in2'], tasks: ['and'] },
    });
    const again = await run({ units: 12, seed: 9, alpha: 0.1, activation: 'relu', bias: true }, tinyDataset(3, 2));
    expect(again.weights).toEqual(m.weights);
    const other = await run({ units: 12, seed: 10 }, tinyDataset(3, 2));
    expect(other.weights.W_rec).not.toEqual(m.weights.W_rec);
    // W_rec does not depend on the input size: each matrix has its own stream.
    const wider = await run({ units: 12, seed: 9 }, tinyDataset(5, 2));
    expect(wider.weights.W_rec).toEqual(m.weights.W_rec);
  });

  it('rejects params that cannot work, and a missing dataset', async () => {
    await expect(
      runBlock(modelCtrnn, { params: { units: 0 }, inputs: { dataset: tinyDataset(2, 1) } }),
    ).rejects.toThrow(ParamsError);
    await expect(
      runBlock(modelCtrnn, { params: { units: 0 }, inputs: { dataset: tinyDataset(2, 1) } }),
    ).rejects.toThrow(/units: expected an integer in \[1, 4096\]/);
    await expect(
      runBlock(modelCtrnn, { params: { alpha: 0 }, inputs: { dataset: tinyDataset(2, 1) } }),
    ).rejects.toThrow(/alpha: alpha = dt\/tau must be > 0/);
    await expect(runBlock(modelCtrnn, { params: {}, inputs: {} })).rejects.toThrow(
      /needs a dataset on its "dataset" input/,
    );
  });
});
