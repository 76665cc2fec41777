/**
 * `analysis.prune`: connectivity damage (Jarne & Laje, "Graceful degradation of RNNs ... connectivity
 * damage"; the multitask poster: 10-12 % of W_rec can be removed before the task deteriorates).
 */
import { Type } from '@sinclair/typebox';
import { defineBlock, input, int, list, num, oneOf, schema } from '../../core/index.ts';
import {
  DatasetPort,
  ModelPort,
  PruningCurvePort,
  type Dataset,
  type Model,
  type ModelWeights,
  type PruningCurve,
  type PruningPoint,
} from '../ports/index.ts';
import { Rng } from '../lib/rng.ts';
import { simulate } from '../model/simulate.ts';
import { simulateWasm } from '../dynamics/simulate.ts';
import { BACKEND_CHOICES } from '../lib/backends.ts';
import { batchPerformance, type BatchPerformance } from './performance.ts';

export const PRUNE_VARIANTS = ['all', 'positive', 'negative', 'random'] as const;
export type PruneVariant = (typeof PRUNE_VARIANTS)[number];
export const PRUNE_CRITERIA = ['all-correct', 'no-new-errors', 'distance-ratio'] as const;
export type PruneCriterion = (typeof PRUNE_CRITERIA)[number];

/** Indices of W_rec entries in the order they are removed under a variant. */
export function pruneOrder(W: Float32Array, variant: PruneVariant, seed: number): Int32Array {
  const idx: number[] = [];
  for (let k = 0; k < W.length; k++) {
    const w = W[k] as number;
    if (variant === 'positive' ? w > 0 : variant === 'negative' ? w < 0 : true) idx.push(k);
  }
  if (variant === 'random') {
    const a = Int32Array.from(idx);
    new Rng(seed).shuffle(a);
    return a;
  }
  // Smallest |w| first; ties by index so the order is deterministic.
  idx.sort((a, b) => Math.abs(W[a] as number) - Math.abs(W[b] as number) || a - b);
  return Int32Array.from(idx);
}

/** W_rec with the first round(fraction * eligible) entries of `order` set to zero. */
export function prunedWeights(
  weights: ModelWeights,
  order: Int32Array,
  fraction: number,
): { weights: ModelWeights; removed: number; threshold: number } {
  const removed = Math.round(fraction * order.length);
  const W = Float32Array.from(weights.W_rec);
  let threshold = 0;
  for (let r = 0; r < removed; r++) {
    const k = order[r] as number;
    threshold = Math.max(threshold, Math.abs(W[k] as number));
    W[k] = 0;
  }
  return { weights: { ...weights, W_rec: W }, removed, threshold };
}

/** Silence units: zero their incoming (W_rec row, W_in row, bias) and outgoing (W_rec column, W_out column) weights. */
export function lesionedWeights(model: Model, units: readonly number[]): ModelWeights {
  const { N, inputSize: I, outputSize: O } = model;
  const w = model.weights;
  const W_rec = Float32Array.from(w.W_rec);
  const W_in = Float32Array.from(w.W_in);
  const W_out = Float32Array.from(w.W_out);
  const b = Float32Array.from(w.b);
  for (const u of units) {
    if (!Number.isInteger(u) || u < 0 || u >= N)
      throw new Error(`lesionUnits: unit ${u} does not exist; units are 0..${N - 1}`);
    for (let j = 0; j < N; j++) {
      W_rec[u * N + j] = 0;
      W_rec[j * N + u] = 0;
    }
    for (let k = 0; k < I; k++) W_in[u * I + k] = 0;
    for (let o = 0; o < O; o++) W_out[o * N + u] = 0;
    b[u] = 0;
  }
  return { ...w, W_rec, W_in, W_out, b };
}

export const PRUNE_ENGINES = ['auto', 'js', 'tfjs', 'wasm'] as const;
export type PruneEngine = (typeof PRUNE_ENGINES)[number];

/** 'auto': the fused wasm kernel from N = 100 (as sim.run), the float64 JS reference below. */
export function resolveEngine(engine: PruneEngine, N: number): 'js' | 'tfjs' | 'wasm' {
  return engine === 'auto' ? (N >= 100 ? 'wasm' : 'js') : engine;
}

/** Simulate the model with given weights on every trial of a dataset and score each trial. */
export async function evaluate(
  model: Model,
  data: Dataset,
  weights?: ModelWeights,
  engine: 'js' | 'tfjs' | 'wasm' = 'js',
): Promise<BatchPerformance> {
  const { y } =
    engine === 'tfjs'
      ? await (await import('../sim/tfjs.ts')).simulateTfjs(weights ? { ...model, weights } : model, data.inputs, data.samples, data.T)
      : engine === 'wasm'
        ? await simulateWasm(model, data.inputs, data.samples, data.T, weights)
        : simulate(model, data.inputs, data.samples, data.T, weights ? { weights } : {});
  return batchPerformance(y, data.targets, data.mask, data.samples, data.T, data.outputs);
}

function mean(a: number[]): number {
  return a.length === 0 ? NaN : a.reduce((s, v) => s + v, 0) / a.length;
}

export interface PruneSettings {
  fractions: number[];
  variants: readonly PruneVariant[];
  criterion: PruneCriterion;
  distanceRatio: number;
  seed: number;
  lesionUnits: number[][];
  /** Simulation engine (default 'js'). */
  engine?: 'js' | 'tfjs' | 'wasm';
}

export function criterionText(s: Pick<PruneSettings, 'criterion' | 'distanceRatio'>): string {
  if (s.criterion === 'all-correct') return 'every condition still correct (decision accuracy 1)';
  if (s.criterion === 'no-new-errors') return 'every condition correct in the intact network stays correct';
  return `mean distance at most ${s.distanceRatio} x that of the intact network`;
}

/** The pruning sweep; `tick` is called after each simulation. */
export async function pruningSweep(
  model: Model,
  data: Dataset,
  s: PruneSettings,
  tick: (done: number, total: number) => void = () => {},
  signal?: AbortSignal,
): Promise<PruningCurve> {
  const engine = s.engine ?? 'js';
  if (model.inputSize !== data.channels)
    throw new Error(
      `dataset has ${data.channels} input channels but the model expects ${model.inputSize}; connect the dataset the model was trained on`,
    );
  if (model.outputSize !== data.outputs)
    throw new Error(
      `dataset has ${data.outputs} outputs but the model has ${model.outputSize}; connect the dataset the model was trained on`,
    );
  const fractions = [...s.fractions].sort((a, b) => a - b);
  const total = 1 + s.variants.length * fractions.length + s.lesionUnits.length;
  let done = 0;
  const step = () => {
    if (signal?.aborted) throw new Error('analysis.prune: cancelled');
    tick(++done, total);
  };
  const base = await evaluate(model, data, undefined, engine);
  step();
  const baseMean = mean(base.distance);
  const ok = (p: BatchPerformance): boolean => {
    if (s.criterion === 'all-correct') return p.accuracy.every((a) => a >= 1);
    if (s.criterion === 'no-new-errors') return p.accuracy.every((a, i) => a >= 1 || (base.accuracy[i] ?? 0) < 1);
    return mean(p.distance) <= s.distanceRatio * baseMean;
  };
  const curves: PruningCurve['curves'] = [];
  for (const variant of s.variants) {
    const order = pruneOrder(model.weights.W_rec, variant, s.seed);
    const points: PruningPoint[] = [];
    for (const fraction of fractions) {
      const pr = prunedWeights(model.weights, order, fraction);
      const perf = pr.removed === 0 ? base : await evaluate(model, data, pr.weights, engine);
      step();
      points.push({
        requestedFraction: fraction,
        removedFraction: pr.removed / model.weights.W_rec.length,
        threshold: variant === 'random' ? NaN : pr.threshold,
        removedCount: pr.removed,
        eligibleCount: order.length,
        distance: perf.distance,
        accuracy: perf.accuracy,
        meanDistance: mean(perf.distance),
        meanAccuracy: mean(perf.accuracy),
        ok: ok(perf),
      });
    }
    // The largest fraction before the first failure (0 = nothing can be removed).
    let maxFractionOk = 0;
    for (const p of points) {
      if (!p.ok) break;
      maxFractionOk = p.requestedFraction;
    }
    curves.push({ variant, points, maxFractionOk });
  }
  const out: PruningCurve = {
    conditions: data.conditions,
    criterion: criterionText(s),
    curves,
    baseline: base,
  };
  if (s.lesionUnits.length > 0) {
    out.lesions = [];
    for (const units of s.lesionUnits) {
      const perf = await evaluate(model, data, lesionedWeights(model, units), engine);
      step();
      out.lesions.push({ units: [...units], distance: perf.distance, accuracy: perf.accuracy });
    }
  }
  return out;
}

export const pruneBlock = defineBlock({
  type: 'analysis.prune',
  version: 1,
  title: 'Pruning and lesions',
  category: 'Analysis',
  description:
    'Zeroes the fraction p of recurrent weights with the smallest |w| (all weights, only positive or only negative ones; ' +
    "or a random fraction as a control), re-simulates the dataset's probe conditions and records distance and decision accuracy " +
    '(as sim.run) per condition. Reports the largest fraction before the criterion fails. For the positive/negative variants the ' +
    'fraction is of the weights of that sign. Unit lesions silence chosen units (their incoming and outgoing weights set to 0).',
  inputs: {
    model: input(ModelPort),
    dataset: input(DatasetPort, {
      description: 'Its probe (one noise-free trial per condition) is simulated; without one, every trial.',
    }),
  },
  outputs: { curve: PruningCurvePort },
  params: schema({
    fractions: list(num(0, 1, 0), [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.3, 0.4], {
      minItems: 1,
      description: 'Fractions of weights to remove (0 to 1).',
    }),
    variants: list(oneOf(PRUNE_VARIANTS, 'all'), ['all', 'positive', 'negative', 'random'], {
      minItems: 1,
      description:
        "'all', 'positive', 'negative': smallest |w| first among those weights; 'random': a seeded random choice (control).",
    }),
    criterion: oneOf(PRUNE_CRITERIA, 'all-correct', {
      description:
        "When a pruned network still works: 'all-correct' every condition correct; 'no-new-errors' no condition correct in the intact network becomes wrong; 'distance-ratio' mean distance <= distanceRatio x intact.",
    }),
    distanceRatio: num(1, 1000, 1.5, { description: "Threshold of the 'distance-ratio' criterion." }),
    seed: int(0, 2 ** 31 - 1, 0, { description: 'Seed of the random control.' }),
    engine: oneOf(PRUNE_ENGINES, 'auto', {
      description:
        "Simulation: 'js' (float64 reference loops), 'tfjs' (float32, batched), 'wasm' (the trainer's fused float32 kernel, fastest from N ~ 100), 'auto' (wasm from N = 100).",
    }),
    backend: oneOf(BACKEND_CHOICES, 'auto', { description: "tfjs backend when the engine is 'tfjs'." }),
    lesionUnits: list(Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1 }), [], {
      description: 'Unit lesions: each entry is a list of units silenced together, e.g. [[0], [1, 2]].',
    }),
  }),
  validate: (params) => {
    const seen = new Set<string>();
    for (const v of params.variants) {
      if (seen.has(v)) return [{ param: 'variants', message: `variant '${v}' is listed twice` }];
      seen.add(v);
    }
    return [];
  },
  run: async ({ params, inputs, signal, progress, warn, env }) => {
    const engine = resolveEngine(params.engine, inputs.model.N);
    if (engine === 'tfjs') await (await import('../lib/tf.ts')).useBackend(params.backend, env.backend);
    let data = inputs.dataset.probe;
    if (!data) {
      data = inputs.dataset;
      if (data.samples > 200)
        warn(
          `dataset has no probe: simulating all ${data.samples} trials per fraction; connect a task block's dataset (it carries a probe) to go faster`,
        );
    }
    const curve = await pruningSweep(
      inputs.model,
      data,
      { ...params, variants: params.variants, lesionUnits: params.lesionUnits, engine },
      (d, t) => progress(d, t),
      signal,
    );
    if (curve.baseline && !curve.baseline.accuracy.every((a) => a >= 1) && params.criterion === 'all-correct')
      warn(
        `the intact network already fails ${curve.baseline.accuracy.filter((a) => a < 1).length} of ${curve.baseline.accuracy.length} conditions: every fraction fails 'all-correct'; use criterion 'no-new-errors' or 'distance-ratio'`,
      );
    return { curve };
  },
});
