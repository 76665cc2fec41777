/**
 * `sim.run`: simulate a network, noise-free, on a dataset's distinct conditions (its probe) or on
 * its trials, and keep everything the analyses and plots need: hidden states, outputs, targets,
 * inputs, mask, and per trial the authors' distance and a decision accuracy (see `metrics.ts`).
 */
import { defineBlock, input, int, oneOf, schema, str } from '../../core/index.ts';
import {
  DatasetPort,
  ModelPort,
  TrajectoriesPort,
  type Dataset,
  type Model,
  type Trajectories,
} from '../ports/index.ts';
import { simulate } from '../model/simulate.ts';
import { decisionCorrect, decisionWindow, trialDistance, type StepWindow } from './metrics.ts';

/** Which trials `sim.run` simulates. */
export type SimSelection = 'probe' | 'test' | 'all';

/** Which forward computes the trajectories. */
export type SimEngine = 'auto' | 'js' | 'tfjs';

/** 'auto' uses tfjs from this many units up (measured crossover: JS wins at N = 50, tfjs-wasm by ~4.7x at N = 200). */
export const TFJS_FROM_UNITS = 100;

/** Trials simulated per chunk between cancellation checks (JS, tfjs). */
const CHUNK_JS = 16;
const CHUNK_TFJS = 64;

/**
 * The trials to simulate, as a Dataset-shaped view. 'probe': the dataset's probe, or when it has
 * none, the first trial of each distinct condition key (`derived` is then true). 'test': the first
 * `testCount` trials. 'all': every trial.
 */
export function selectTrials(
  ds: Dataset,
  which: SimSelection,
): { data: Dataset; indices: number[] | null; derived: boolean } {
  if (which === 'probe') {
    if (ds.probe) return { data: ds.probe, indices: null, derived: false };
    const seen = new Set<string>();
    const indices: number[] = [];
    ds.conditions.forEach((c, i) => {
      if (!seen.has(c.key)) {
        seen.add(c.key);
        indices.push(i);
      }
    });
    return { data: ds, indices, derived: true };
  }
  if (which === 'test') {
    if (!(ds.testCount > 0))
      throw new Error(
        'conditions: "test" selects the held-out trials, but this dataset has testCount = 0; use "probe" or "all"',
      );
    return {
      data: ds,
      indices: Array.from({ length: Math.min(ds.testCount, ds.samples) }, (_, i) => i),
      derived: false,
    };
  }
  return { data: ds, indices: null, derived: false };
}

function gather(src: Float32Array, rowSize: number, indices: number[] | null, count: number): Float32Array {
  if (indices === null) return src.slice(0, count * rowSize);
  const out = new Float32Array(indices.length * rowSize);
  indices.forEach((r, k) => out.set(src.subarray(r * rowSize, (r + 1) * rowSize), k * rowSize));
  return out;
}

/** Check that a model can run on a dataset; returns the problem, or null. */
export function shapeProblem(
  model: Model,
  ds: Pick<Dataset, 'channels' | 'outputs' | 'channelNames' | 'outputNames'>,
): string | null {
  if (model.inputSize !== ds.channels)
    return `the model takes ${model.inputSize} inputs but the dataset has ${ds.channels} channels (${ds.channelNames.join(', ')}); use a model built for this dataset`;
  if (model.outputSize !== ds.outputs)
    return `the model has ${model.outputSize} outputs but the dataset has ${ds.outputs} (${ds.outputNames.join(', ')}); use a model built for this dataset`;
  return null;
}

/**
 * Simulate `model` on the chosen trials of `ds`. `onChunk` is called after each chunk of trials
 * (for progress and cancellation; return false to stop). Pure apart from that callback.
 */
export async function runSimulation(
  model: Model,
  ds: Dataset,
  options: {
    conditions?: SimSelection;
    label?: string;
    maxTrials?: number;
    /** 'js' (default): the plain-JS forward; 'tfjs': the tfjs forward on the active backend; 'wasm': the fused kernel. */
    engine?: 'js' | 'tfjs' | 'wasm';
    /** Shown in the result's `engine` field (e.g. the tfjs backend name). */
    engineLabel?: string;
    onChunk?: (done: number, total: number) => boolean | Promise<boolean>;
  } = {},
): Promise<{ trajectories: Trajectories; derivedProbe: boolean }> {
  const which = options.conditions ?? 'probe';
  const { data, indices, derived } = selectTrials(ds, which);
  const problem = shapeProblem(model, data);
  if (problem !== null) throw new Error(problem);
  const C = indices === null ? data.samples : indices.length;
  const { T, channels: I, outputs: O } = data;
  const N = model.N;
  const maxTrials = options.maxTrials ?? Infinity;
  if (C > maxTrials)
    throw new Error(
      `conditions: "${which}" selects ${C} trials; their hidden states would take ${((C * T * N * 4) / 1e6).toFixed(0)} MB, over maxTrials = ${maxTrials}; ` +
        'use "probe" or "test", or raise maxTrials',
    );
  if (C === 0) throw new Error(`conditions: "${which}" selects no trials (the dataset is empty)`);
  const inputs = gather(data.inputs, T * I, indices, C);
  const targets = gather(data.targets, T * O, indices, C);
  const mask = gather(data.mask, T, indices, C);
  const labels = indices === null ? data.conditions.slice(0, C) : indices.map((i) => data.conditions[i]);
  if (labels.length !== C || labels.some((l) => l === undefined))
    throw new Error(`the dataset has ${data.conditions.length} condition labels for ${data.samples} samples`);

  const hidden = new Float32Array(C * T * N);
  const y = new Float32Array(C * T * O);
  const engine = options.engine ?? 'js';
  const tfjsForward =
    engine === 'tfjs'
      ? (await import('./tfjs.ts')).simulateTfjs
      : engine === 'wasm'
        ? (await import('../dynamics/simulate.ts')).simulateWasm
        : undefined;
  const chunk = engine === 'js' ? CHUNK_JS : CHUNK_TFJS;
  for (let c0 = 0; c0 < C; c0 += chunk) {
    const n = Math.min(chunk, C - c0);
    const x = inputs.subarray(c0 * T * I, (c0 + n) * T * I);
    const r = tfjsForward ? await tfjsForward(model, x, n, T) : simulate(model, x, n, T);
    hidden.set(r.hidden, c0 * T * N);
    y.set(r.y, c0 * T * O);
    if (options.onChunk && !(await options.onChunk(c0 + n, C))) throw new Error('cancelled');
  }
  const distance: number[] = [];
  const accuracy: number[] = [];
  const windows: StepWindow[] = [];
  for (let c = 0; c < C; c++) {
    distance.push(trialDistance(y, targets, c * T * O, T * O));
    const w = decisionWindow(targets, c * T * O, mask, c * T, T, O);
    windows.push(w);
    accuracy.push(decisionCorrect(y, targets, c * T * O, O, w));
  }
  const label =
    options.label !== undefined && options.label !== ''
      ? options.label
      : model.trainedOn !== undefined
        ? 'trained'
        : 'untrained';
  return {
    derivedProbe: derived,
    trajectories: {
      conditions: labels as Dataset['conditions'],
      C,
      T,
      N,
      channels: I,
      outputs: O,
      hidden,
      y,
      targets,
      inputs,
      mask,
      distance,
      accuracy,
      decisionWindows: windows,
      selection: which,
      engine: options.engineLabel ?? engine,
      channelNames: [...data.channelNames],
      outputNames: [...data.outputNames],
      dt: data.dt,
      label,
    },
  };
}

export const simRun = defineBlock({
  type: 'sim.run',
  version: 1,
  title: 'Simulate',
  category: 'Simulation',
  description:
    "Runs a network, without noise, on the dataset's distinct conditions (its probe: e.g. the 12 conditions of the 3-task " +
    'context network at a few jitters) or on its trials, and keeps the hidden states [conditions, T, N], outputs and targets. ' +
    "Per condition: the distance ||y - target||_2 over the whole trial (Jarne & Laje's measure) and a decision accuracy: " +
    'for a held target level, the mean output over the later half of the last held level within 0.5 of it; for a target ' +
    'with a shape (a bump, an oscillation), the output must follow it from the response onward (R^2 >= 0.5). ' +
    'Computed in plain JS (float64) for small nets, with the fused wasm kernel (float32, as in training) from N = 100 up.',
  inputs: {
    model: input(ModelPort),
    dataset: input(DatasetPort, { description: 'Its probe (distinct conditions) or its trials are simulated.' }),
  },
  outputs: { trajectories: TrajectoriesPort },
  params: schema({
    conditions: oneOf(['probe', 'test', 'all'] as const, 'probe', {
      description:
        "probe: the distinct conditions (the dataset's probe; else the first trial of each condition). test: the held-out trials. all: every trial.",
    }),
    label: str('', {
      description:
        'Label for plots ("trained", "untrained"). Empty: "trained" if the model records a training dataset, else "untrained".',
    }),
    maxTrials: int(1, 1_000_000, 2000, {
      description: 'Refuse to simulate more trials than this (hidden states take trials x T x N x 4 bytes).',
    }),
    engine: oneOf(['auto', 'js', 'tfjs', 'wasm'] as const, 'auto', {
      description: `js: plain float64 loops (the reference). tfjs: float32 on the tfjs backend (wasm by default). wasm: the trainer's fused float32 kernel (WebAssembly SIMD). auto: wasm from N = ${TFJS_FROM_UNITS} units up, else js.`,
    }),
  }),
  run: async (ctx) => {
    const { params, inputs, signal, env } = ctx;
    if (!inputs.model) throw new Error('sim.run needs a model on its "model" input');
    if (!inputs.dataset) throw new Error('sim.run needs a dataset on its "dataset" input');
    const engine = params.engine === 'auto' ? (inputs.model.N >= TFJS_FROM_UNITS ? 'wasm' : 'js') : params.engine;
    let engineLabel: string = engine === 'wasm' ? 'wasm (fused kernel)' : engine;
    if (engine === 'tfjs') {
      const { useBackend, describeBackend } = await import('../lib/tf.ts');
      engineLabel = `tfjs ${describeBackend(await useBackend(undefined, env.backend))}`;
    }
    ctx.progress(0, 1, undefined, `simulating with ${engineLabel}`);
    const { trajectories, derivedProbe } = await runSimulation(inputs.model, inputs.dataset, {
      conditions: params.conditions,
      label: params.label,
      maxTrials: params.maxTrials,
      engine,
      engineLabel,
      onChunk: async (done, total) => {
        ctx.progress(done, total);
        // Let an abort (and other work) in between chunks.
        await new Promise((r) => setTimeout(r, 0));
        return !signal.aborted;
      },
    });
    if (derivedProbe)
      ctx.warn(
        `the dataset has no probe: simulated the first trial of each of its ${trajectories.C} distinct conditions (with their jitter and noise)`,
      );
    return { trajectories };
  },
});
