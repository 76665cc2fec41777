/**
 * Keras HDF5 loading. The fixtures are written here with h5wasm in the layout Keras 2 uses (read
 * from the authors' published files: Keras 2.0.6 writes model_config's layers as a list, 2.3.1 as
 * {name, layers}; layer_names and weight_names are fixed-length string attributes; weights live at
 * /model_weights/<layer>/<layer>/<name>:0 in Keras' x @ kernel orientation).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import h5wasm from 'h5wasm';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBlock, ParamsError } from '../../core/index.ts';
import { Rng } from '../lib/rng.ts';
import type { Model } from '../ports/index.ts';
import { modelFromKerasH5 } from './keras.ts';
import { loadModelFile, modelLoad } from './load.ts';
import { simulate } from './simulate.ts';

interface KerasNet {
  I: number;
  N: number;
  O: number;
  kernel: Float32Array; // [I, N]
  recurrent: Float32Array; // [N, N]
  bias?: Float32Array; // [N]
  dKernel: Float32Array; // [N, O]
  dBias: Float32Array; // [O]
  activation: string;
}

function randomNet(I: number, N: number, O: number, activation: string, withBias: boolean, seed: number): KerasNet {
  const rng = new Rng(seed);
  const arr = (n: number, s: number) => Float32Array.from({ length: n }, () => s * rng.normal());
  return {
    I,
    N,
    O,
    kernel: arr(I * N, 0.8),
    recurrent: arr(N * N, 1.2 / Math.sqrt(N)),
    ...(withBias ? { bias: arr(N, 0.3) } : {}),
    dKernel: arr(N * O, 1 / Math.sqrt(N)),
    dBias: arr(O, 0.2),
    activation,
  };
}

type Style = '2.0.6' | '2.3.1' | 'weights-only';

let counter = 0;
/** Write a Keras-2-like HDF5 file (in h5wasm's memory FS) and return its bytes. */
async function kerasFile(
  net: KerasNet,
  style: Style,
  o: {
    rnnClass?: string;
    denseActivation?: string;
    extraLayer?: string;
    training?: boolean;
    functional?: boolean;
    /** TF 2.x names the RNN weights through its cell: simple_rnn_1/simple_rnn_cell/kernel:0. */
    cell?: string;
  } = {},
): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const path = `/test-keras-${++counter}.h5`;
  const f = new h5wasm.File(path, 'w');
  const rnn = 'simple_rnn_1';
  const dense = o.functional ? 'time_distributed_1' : 'dense_1';
  const rnnLayer = {
    class_name: o.rnnClass ?? 'SimpleRNN',
    config: {
      name: rnn,
      batch_input_shape: [null, null, net.I],
      return_sequences: true,
      go_backwards: false,
      units: net.N,
      activation: net.activation,
      use_bias: net.bias !== undefined,
      recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
    },
  };
  const plainDense = {
    class_name: 'Dense',
    config: { name: 'dense_1', units: net.O, activation: o.denseActivation ?? 'linear', use_bias: true },
  };
  // Functional models name layers at the top level and may wrap the readout in TimeDistributed.
  const denseLayer = o.functional
    ? { class_name: 'TimeDistributed', name: dense, config: { name: dense, layer: plainDense } }
    : plainDense;
  const inputLayer = {
    class_name: 'InputLayer',
    name: 'input_1',
    config: { name: 'input_1', batch_input_shape: [null, null, net.I] },
  };
  const layers = [
    ...(o.functional ? [inputLayer] : []),
    o.functional ? { ...rnnLayer, name: rnn } : rnnLayer,
    ...(o.extraLayer ? [{ class_name: o.extraLayer, config: { name: 'extra_1' } }] : []),
    denseLayer,
  ];
  const fixed = (names: string[]) => {
    const len = Math.max(1, ...names.map((s) => s.length));
    return [names, null, `S${len}`] as const;
  };
  let wg: InstanceType<typeof h5wasm.Group> = f;
  if (style !== 'weights-only') {
    f.create_attribute('keras_version', style);
    f.create_attribute('backend', 'tensorflow');
    const config =
      style === '2.0.6'
        ? { class_name: 'Sequential', config: layers }
        : { class_name: o.functional ? 'Functional' : 'Sequential', config: { name: 'model_1', layers } };
    f.create_attribute('model_config', JSON.stringify(config));
    if (o.training)
      f.create_attribute(
        'training_config',
        JSON.stringify({ loss: 'mse', optimizer_config: { class_name: 'Adam', config: { lr: 1e-4 } } }),
      );
    wg = f.create_group('model_weights');
    wg.create_attribute('keras_version', style);
  }
  const [ln, lnShape, lnType] = fixed(o.functional ? ['input_1', rnn, dense] : [rnn, dense]);
  wg.create_attribute('layer_names', ln, lnShape, lnType);
  // h5py writes a weightless layer's weight_names as an empty float64 array.
  if (o.functional) wg.create_group('input_1').create_attribute('weight_names', new Float64Array(0), [0]);
  const put = (layer: string, weights: Array<[string, Float32Array, number[]]>, cell?: string) => {
    const g = wg.create_group(layer);
    const prefix = cell ? `${layer}/${cell}` : layer;
    const names = weights.map(([n]) => `${prefix}/${n}:0`);
    const [wn, wnShape, wnType] = fixed(names);
    g.create_attribute('weight_names', wn, wnShape, wnType);
    const inner = cell ? g.create_group(layer).create_group(cell) : g.create_group(layer);
    for (const [n, data, shape] of weights) inner.create_dataset({ name: `${n}:0`, data, shape, dtype: '<f' });
  };
  put(
    rnn,
    [
      ['kernel', net.kernel, [net.I, net.N]],
      ['recurrent_kernel', net.recurrent, [net.N, net.N]],
      ...(net.bias ? ([['bias', net.bias, [net.N]]] as Array<[string, Float32Array, number[]]>) : []),
    ],
    o.cell,
  );
  put(dense, [
    ['kernel', net.dKernel, [net.N, net.O]],
    ['bias', net.dBias, [net.O]],
  ]);
  f.close();
  const bytes = FS.readFile(path);
  FS.unlink(path);
  return bytes;
}

/** The Keras SimpleRNN + Dense equations, written out independently in float64 on Keras' orientation. */
function kerasForward(net: KerasNet, x: Float32Array, B: number, T: number): Float64Array {
  const { I, N, O } = net;
  const f = { tanh: Math.tanh, relu: (v: number) => Math.max(0, v), sigmoid: (v: number) => 1 / (1 + Math.exp(-v)) }[
    net.activation
  ]!;
  const y = new Float64Array(B * T * O);
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(N);
    for (let t = 0; t < T; t++) {
      const next = new Float64Array(N);
      for (let u = 0; u < N; u++) {
        let s = net.bias ? net.bias[u]! : 0;
        for (let k = 0; k < I; k++) s += x[(b * T + t) * I + k]! * net.kernel[k * N + u]!; // x @ kernel
        for (let j = 0; j < N; j++) s += h[j]! * net.recurrent[j * N + u]!; // h @ recurrent_kernel
        next[u] = f(s);
      }
      h = next;
      for (let o = 0; o < O; o++) {
        let s = net.dBias[o]!;
        for (let j = 0; j < N; j++) s += h[j]! * net.dKernel[j * O + o]!;
        y[(b * T + t) * O + o] = s;
      }
    }
  }
  return y;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function pulses(I: number, B: number, T: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(B * T * I);
  for (let b = 0; b < B; b++)
    for (let k = 0; k < I; k++) {
      const level = rng.int(0, 1) * (rng.uniform() < 0.5 ? 1 : -1) + 0.1 * rng.normal();
      for (let t = 3; t < 8; t++) x[(b * T + t) * I + k] = level;
    }
  return x;
}

describe('Keras HDF5 SimpleRNN + Dense', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const [style, activation, bias] of [
    ['2.0.6', 'tanh', false],
    ['2.3.1', 'relu', true],
    ['2.3.1', 'sigmoid', false],
  ] as Array<[Style, string, boolean]>) {
    it(`loads a Keras ${style} file (${activation}, bias ${bias}) that reproduces the SimpleRNN equations`, async () => {
      const net = randomNet(3, 6, 2, activation, bias, 11);
      const { model, warnings } = await modelFromKerasH5(await kerasFile(net, style), 'net.h5');
      expect(warnings).toEqual([]);
      expect(model).toMatchObject({
        cell: 'ctrnn',
        N: 6,
        inputSize: 3,
        outputSize: 2,
        alpha: 1,
        activation,
        useBias: bias,
      });
      expect(model.provenance).toMatchObject({
        format: 'keras-hdf5',
        kerasVersion: style,
        layers: { rnn: 'simple_rnn_1', dense: 'dense_1' },
      });
      // W_rec is recurrent_kernel transposed: row i holds the inputs to unit i.
      expect(model.weights.W_rec[1 * 6 + 2]).toBe(net.recurrent[2 * 6 + 1]);
      expect(model.weights.W_in[4 * 3 + 2]).toBe(net.kernel[2 * 6 + 4]);
      const B = 5;
      const T = 30;
      const x = pulses(3, B, T, 5);
      const ours = simulate(model, x, B, T).y;
      const keras = kerasForward(net, x, B, T);
      expect(maxAbsDiff(ours, keras)).toBeLessThan(1e-6);
    });
  }

  it('gives the outputs of tfjs tf.layers.simpleRNN + dense holding the same weights (alpha = 1)', async () => {
    for (const [activation, withBias] of [
      ['tanh', false],
      ['sigmoid', true],
    ] as Array<[string, boolean]>) {
      const net = randomNet(2, 9, 1, activation, withBias, 23);
      const { model } = await modelFromKerasH5(await kerasFile(net, '2.3.1'), 'net.h5');
      const B = 4;
      const T = 40;
      const x = pulses(2, B, T, 8);
      const rnnLayer = tf.layers.simpleRNN({
        units: 9,
        returnSequences: true,
        useBias: withBias,
        activation: activation as 'tanh',
        inputShape: [T, 2],
      });
      const denseLayer = tf.layers.dense({ units: 1, useBias: true });
      const seq = tf.sequential({ layers: [rnnLayer, denseLayer] });
      const rnnW = [
        tf.tensor2d(net.kernel, [2, 9]),
        tf.tensor2d(net.recurrent, [9, 9]),
        ...(net.bias ? [tf.tensor1d(net.bias)] : []),
      ];
      const denseW = [tf.tensor2d(net.dKernel, [9, 1]), tf.tensor1d(net.dBias)];
      rnnLayer.setWeights(rnnW);
      denseLayer.setWeights(denseW);
      const xt = tf.tensor3d(x, [B, T, 2]);
      const yt = seq.predict(xt) as tf.Tensor;
      const tfjsY = (await yt.data()) as Float32Array;
      const ours = simulate(model, x, B, T).y;
      expect(maxAbsDiff(ours, tfjsY)).toBeLessThan(2e-6);
      // and the output is not trivially flat
      expect(Math.max(...tfjsY) - Math.min(...tfjsY)).toBeGreaterThan(0.05);
      tf.dispose([...rnnW, ...denseW, xt, yt]);
      seq.layers.forEach((l) => l.dispose());
    }
  });

  it('reads a functional model with an InputLayer and a TimeDistributed(Dense) readout', async () => {
    const net = randomNet(2, 5, 3, 'tanh', true, 8);
    const { model, warnings } = await modelFromKerasH5(await kerasFile(net, '2.3.1', { functional: true }), 'f.h5');
    expect(warnings).toEqual([]);
    expect(model.provenance['layers']).toEqual({ rnn: 'simple_rnn_1', dense: 'time_distributed_1' });
    const x = pulses(2, 3, 15, 2);
    expect(maxAbsDiff(simulate(model, x, 3, 15).y, kerasForward(net, x, 3, 15))).toBeLessThan(1e-6);
  });

  it('reads TF 2.x files, whose RNN weights are named through the cell (simple_rnn_1/simple_rnn_cell/kernel:0)', async () => {
    const net = randomNet(3, 5, 1, 'tanh', true, 12);
    const { model } = await modelFromKerasH5(await kerasFile(net, '2.3.1', { cell: 'simple_rnn_cell' }), 'tf2.h5');
    const x = pulses(3, 2, 12, 4);
    expect(maxAbsDiff(simulate(model, x, 2, 12).y, kerasForward(net, x, 2, 12))).toBeLessThan(1e-6);
  });

  it('reads a weights-only file (save_weights) assuming tanh, with a warning', async () => {
    const net = randomNet(2, 4, 1, 'tanh', false, 3);
    const { model, warnings } = await modelFromKerasH5(await kerasFile(net, 'weights-only'), 'w.h5');
    expect(warnings.join()).toMatch(/weights only.*assuming tanh/);
    const x = pulses(2, 2, 12, 1);
    expect(maxAbsDiff(simulate(model, x, 2, 12).y, kerasForward(net, x, 2, 12))).toBeLessThan(1e-6);
  });

  it('marks a compiled (trained) Keras net as trained, an uncompiled one not', async () => {
    const net = randomNet(2, 4, 1, 'tanh', false, 3);
    expect(
      (await modelFromKerasH5(await kerasFile(net, '2.0.6', { training: true }), 'a.h5')).model.trainedOn,
    ).toBeDefined();
    expect((await modelFromKerasH5(await kerasFile(net, '2.0.6'), 'b.h5')).model.trainedOn).toBeUndefined();
  });

  it('says what it found when the file is not a SimpleRNN + Dense network', async () => {
    const net = randomNet(2, 4, 1, 'tanh', false, 3);
    await expect(modelFromKerasH5(await kerasFile(net, '2.3.1', { rnnClass: 'LSTM' }), 'lstm.h5')).rejects.toThrow(
      /lstm\.h5 is not a SimpleRNN \+ Dense network: it has layer LSTM "simple_rnn_1"/,
    );
    await expect(
      modelFromKerasH5(await kerasFile(net, '2.3.1', { denseActivation: 'sigmoid' }), 'sig.h5'),
    ).rejects.toThrow(/Dense "dense_1" uses activation "sigmoid"; only a linear readout/);
    await expect(
      modelFromKerasH5(await kerasFile(net, '2.3.1', { extraLayer: 'BatchNormalization' }), 'bn.h5'),
    ).rejects.toThrow(
      /it has layer BatchNormalization "extra_1" \(layers found: SimpleRNN "simple_rnn_1", BatchNormalization "extra_1", Dense "dense_1"\)/,
    );
    // identity layers at inference are fine
    const withDropout = await modelFromKerasH5(await kerasFile(net, '2.3.1', { extraLayer: 'Dropout' }), 'drop.h5');
    expect(withDropout.model.N).toBe(4);
    await expect(
      modelFromKerasH5(await kerasFile(randomNet(2, 4, 1, 'elu', false, 3), '2.3.1'), 'elu.h5'),
    ).rejects.toThrow(/SimpleRNN "simple_rnn_1" uses activation "elu"; supported: tanh, relu, softplus, sigmoid/);

    // an HDF5 file that is not a Keras model
    const { FS } = await h5wasm.ready;
    const f = new h5wasm.File('/plain.h5', 'w');
    f.create_dataset({ name: 'temperature', data: new Float32Array([1, 2, 3]) });
    f.close();
    const plain = FS.readFile('/plain.h5');
    FS.unlink('/plain.h5');
    await expect(modelFromKerasH5(plain, 'plain.h5')).rejects.toThrow(
      /plain\.h5 is an HDF5 file but not a Keras 2 model: .*found groups\/datasets temperature/,
    );
    // Keras 3's .weights.h5 layout: /layers/<name>/vars/0, /optimizer, /vars
    const k3 = new h5wasm.File('/k3.h5', 'w');
    k3.create_group('layers').create_group('simple_rnn').create_group('cell').create_group('vars');
    k3.create_group('optimizer');
    k3.create_group('vars');
    k3.close();
    const keras3 = FS.readFile('/k3.h5');
    FS.unlink('/k3.h5');
    await expect(modelFromKerasH5(keras3, 'net.weights.h5')).rejects.toThrow(/looks like a Keras 3 \.weights\.h5 file/);

    // bytes that are not HDF5, and a truncated HDF5 file
    await expect(modelFromKerasH5(new TextEncoder().encode('{"a": 1}'), 'x.h5')).rejects.toThrow(
      /x\.h5 is not an HDF5 file \(found 8 bytes of text\)/,
    );
    const good = await kerasFile(net, '2.3.1');
    await expect(modelFromKerasH5(good.subarray(0, 600), 'cut.h5')).rejects.toThrow(
      /cut\.h5(: could not read the HDF5 file| has an HDF5 signature but could not be opened).*truncated or damaged/,
    );
  });

  it('model.load reads .h5 files from disk, and fails clearly on a missing or non-model file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-keras-'));
    const net = randomNet(3, 5, 1, 'tanh', false, 4);
    await writeFile(join(dir, 'net.hdf5'), await kerasFile(net, '2.0.6', { training: true }));
    const rec = await runBlock<{ model: Model }>(modelLoad, { params: { path: join(dir, 'net.hdf5') } });
    expect(rec.outputs.model).toMatchObject({ N: 5, inputSize: 3, alpha: 1 });
    expect(rec.outputs.model.provenance['source']).toBe(join(dir, 'net.hdf5'));
    await expect(runBlock(modelLoad, { params: { path: join(dir, 'missing.h5') } })).rejects.toThrow(
      /path: no file at .*missing\.h5/,
    );
    await writeFile(join(dir, 'fake.h5'), 'definitely not hdf5');
    await expect(runBlock(modelLoad, { params: { path: join(dir, 'fake.h5') } })).rejects.toThrow(
      /path: .*fake\.h5 is neither a cortexflow model\.json nor an HDF5 file \(found 19 bytes of text\)/,
    );
    await expect(runBlock(modelLoad, { params: {} })).rejects.toThrow(ParamsError);
    await expect(loadModelFile(join(dir, 'net.keras'))).rejects.toThrow(/no file at/);
  });

  it('model.load takes a Keras file as a data: URL (how the editor passes a file the user opened)', async () => {
    const net = randomNet(2, 4, 1, 'tanh', false, 6);
    const url = `data:application/x-hdf5;base64,${Buffer.from(await kerasFile(net, '2.3.1')).toString('base64')}`;
    const rec = await runBlock<{ model: Model }>(modelLoad, { params: { path: url }, env: { platform: 'browser' } });
    const x = pulses(2, 2, 10, 3);
    expect(maxAbsDiff(simulate(rec.outputs.model, x, 2, 10).y, kerasForward(net, x, 2, 10))).toBeLessThan(1e-6);
  });
});
