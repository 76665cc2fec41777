/**
 * Simulation speed for the analyses: `sim.run`'s plain-JS forward (`nodes/model/simulate.ts`,
 * register-blocked) on the authors' 3-task probe (36 trials = 12 conditions x jitters 1/25/50,
 * T = 290, 3 inputs), against the plain one-trial-at-a-time loop it replaced and against the tfjs
 * forward (`nodes/sim/tfjs.ts`: one [C, N] x [N, N] matMul per step) on wasm, measured in
 * the same run (sim.run's engine 'auto' picks between them by N). Also the Keras HDF5 load time of a generated N = 400 file.
 */
import h5wasm from 'h5wasm';
import { useBackend } from '../nodes/lib/tf.ts';
import { simulateTfjs } from '../nodes/sim/tfjs.ts';
import { createCtrnn, kerasForm } from '../nodes/model/ctrnn.ts';
import { activations, simulate } from '../nodes/model/simulate.ts';
import { modelFromKerasH5 } from '../nodes/model/keras.ts';
import { Rng } from '../nodes/lib/rng.ts';
import type { Model } from '../nodes/ports/index.ts';
import type { BenchRow, BenchSuite } from './types.ts';

/** The plain loop (one trial, one unit at a time) that simulate.ts used before blocking. */
function plainLoop(model: Model, inputs: Float32Array, B: number, T: number): Float32Array {
  const { N, inputSize: I, outputSize: O, alpha } = model;
  const w = model.weights;
  const f = activations[model.activation];
  const y = new Float32Array(B * T * O);
  const h = new Float64Array(N);
  const pre = new Float64Array(N);
  for (let b = 0; b < B; b++) {
    h.fill(0);
    for (let t = 0; t < T; t++) {
      const xo = (b * T + t) * I;
      for (let i = 0; i < N; i++) {
        let s = w.b[i] as number;
        const ro = i * N;
        for (let j = 0; j < N; j++) s += (w.W_rec[ro + j] as number) * (h[j] as number);
        for (let k = 0; k < I; k++) s += (w.W_in[i * I + k] as number) * (inputs[xo + k] as number);
        pre[i] = s;
      }
      for (let i = 0; i < N; i++) h[i] = (1 - alpha) * (h[i] as number) + alpha * f(pre[i] as number);
      for (let o = 0; o < O; o++) {
        let s = w.b_out[o] as number;
        for (let j = 0; j < N; j++) s += (w.W_out[o * N + j] as number) * (h[j] as number);
        y[(b * T + t) * O + o] = s;
      }
    }
  }
  return y;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function time(fn: () => unknown, reps: number): Promise<number> {
  await fn(); // warm-up
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

async function kerasBytes(N: number, I: number): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const f = new h5wasm.File('/bench.h5', 'w');
  f.create_attribute('keras_version', '2.3.1');
  const layers = [
    {
      class_name: 'SimpleRNN',
      config: { name: 'rnn', units: N, activation: 'tanh', use_bias: false, return_sequences: true },
    },
    { class_name: 'Dense', config: { name: 'dense', units: 1, activation: 'linear' } },
  ];
  f.create_attribute('model_config', JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers } }));
  const g = f.create_group('model_weights');
  g.create_attribute('layer_names', ['rnn', 'dense'], null, 'S5');
  const rng = new Rng(1);
  const put = (layer: string, ws: Array<[string, number[]]>) => {
    const lg = g.create_group(layer);
    lg.create_attribute(
      'weight_names',
      ws.map(([n]) => `${layer}/${n}:0`),
      null,
      'S40',
    );
    const inner = lg.create_group(layer);
    for (const [n, shape] of ws) {
      const size = shape.reduce((a, b) => a * b, 1);
      inner.create_dataset({
        name: `${n}:0`,
        data: Float32Array.from({ length: size }, () => rng.normal() / Math.sqrt(N)),
        shape,
        dtype: '<f',
      });
    }
  };
  put('rnn', [
    ['kernel', [I, N]],
    ['recurrent_kernel', [N, N]],
  ]);
  put('dense', [
    ['kernel', [N, 1]],
    ['bias', [1]],
  ]);
  f.close();
  const bytes = FS.readFile('/bench.h5');
  FS.unlink('/bench.h5');
  return bytes;
}

const suite: BenchSuite = async ({ quick }) => {
  const rows: BenchRow[] = [];
  const C = 36;
  const T = 290;
  const I = 3;
  const reps = quick ? 3 : 7;
  const info = await useBackend('wasm');
  const rng = new Rng(2);
  const x = Float32Array.from({ length: C * T * I }, () => (rng.uniform() < 0.1 ? 1 : 0));
  for (const N of quick ? [50, 200] : [50, 100, 200, 400]) {
    const model = createCtrnn(kerasForm(N, I, 1, 1));
    const fast = await time(() => simulate(model, x, C, T), reps);
    const plain = await time(() => plainLoop(model, x, C, T), reps);
    const tfms = await time(() => simulateTfjs(model, x, C, T), reps);
    const name = `probe 36 trials x 290 steps, N=${N}`;
    const gmac = (C * T * N * N) / fast / 1e6;
    rows.push({
      suite: 'sim',
      name: `${name}: simulate (JS, blocked)`,
      value: fast,
      unit: 'ms',
      peer: 'plain JS loop',
      ratio: fast / plain,
      note: `${gmac.toFixed(2)} GMAC/s`,
    });
    rows.push({
      suite: 'sim',
      name: `${name}: simulateTfjs on ${info.backend}`,
      value: tfms,
      unit: 'ms',
      peer: 'simulate (JS, blocked)',
      ratio: tfms / fast,
    });
  }
  const bytes = await kerasBytes(400, 3);
  await modelFromKerasH5(bytes, 'bench.h5'); // warm-up (h5wasm start)
  const loadAsync: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await modelFromKerasH5(bytes, 'bench.h5');
    loadAsync.push(performance.now() - t0);
  }
  rows.push({ suite: 'sim', name: 'model.load Keras HDF5, N=400 (640 KB)', value: median(loadAsync), unit: 'ms' });
  return rows;
};

export default suite;
