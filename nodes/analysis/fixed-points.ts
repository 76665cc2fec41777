/**
 * `analysis.fixed-points`: fixed and slow points of a network under constant inputs (Sussillo & Barak
 * 2013; Golub & Sussillo 2018). The search itself is in `fixed-point-finder.ts`.
 */
import { Type } from '@sinclair/typebox';
import { defineBlock, input, int, list, num, oneOf, schema } from '../../core/index.ts';
import {
  FixedPointsPort,
  ModelPort,
  TrajectoriesPort,
  type FixedPoint,
  type FixedPoints,
  type Model,
  type Trajectories,
} from '../ports/index.ts';
import { Rng } from '../lib/rng.ts';
import { BACKEND_CHOICES } from '../lib/backends.ts';
import { CtrnnMap, FPF_DEFAULTS, type FinderEngine, type FinderSettings } from './ctrnn-map.ts';

/** What runs the Adam phase (see FinderEngine). */
export const FINDER_ENGINES = ['auto', 'wasm', 'tfjs'] as const satisfies readonly FinderEngine[];

export const PROBE_MODES = ['context-levels', 'zero', 'given'] as const;
export type ProbeMode = (typeof PROBE_MODES)[number];

export interface ProbeInput {
  label: string;
  values: number[];
}

const CONTEXT_RE = /context|rule|ctx/i;

/** Numbers under a key named `levels` / `contextLevels` anywhere in a provenance record. */
function findLevels(v: unknown, depth = 0): number[] | undefined {
  if (depth > 6 || typeof v !== 'object' || v === null) return undefined;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (/^(context)?levels$/i.test(k)) {
      if (Array.isArray(x) && x.every((n) => typeof n === 'number')) return x;
      if (typeof x === 'object' && x !== null) {
        const vals = Object.values(x as Record<string, unknown>);
        if (vals.length > 0 && vals.every((n) => typeof n === 'number')) return vals;
      }
    }
    const inner = findLevels(x, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * The constant inputs to probe. 'context-levels': the zero input (the memory period of a pulsed
 * context) and, for a single context channel, that channel held at each context level seen in the
 * trajectories' conditions (else in the model's trainedOn provenance); for several rule channels
 * (one-hot, held on), each rule channel at 1. Channel names come from the trajectories, else from the
 * model's trainedOn. Returns a warning when no context channel is found (then only the zero input).
 */
export function probeInputs(
  model: Model,
  mode: ProbeMode,
  given: number[][],
  traj?: Trajectories,
): { inputs: ProbeInput[]; warning?: string } {
  const I = model.inputSize;
  const zero: ProbeInput = { label: 'zero input', values: new Array<number>(I).fill(0) };
  if (mode === 'zero') return { inputs: [zero] };
  if (mode === 'given') {
    if (given.length === 0)
      throw new Error("inputs: probe is 'given' but no input vectors are listed; add e.g. [[0, 0, 1]]");
    given.forEach((v, i) => {
      if (v.length !== I) throw new Error(`inputs[${i}] has ${v.length} values but the model has ${I} input channels`);
    });
    return { inputs: given.map((v) => ({ label: `x = [${v.join(', ')}]`, values: [...v] })) };
  }
  const tNames = traj?.channelNames;
  const mNames = model.trainedOn?.['channelNames'];
  const names: string[] | undefined =
    tNames && tNames.length === I
      ? tNames
      : Array.isArray(mNames) && mNames.length === I
        ? (mNames as string[])
        : undefined;
  const ctx = (names ?? []).map((n, i) => (CONTEXT_RE.test(String(n)) ? i : -1)).filter((i) => i >= 0);
  if (ctx.length === 0)
    return {
      inputs: [zero],
      warning: names
        ? `no context channel among the input channels (${names.join(', ')}): probing the zero input only; use probe 'given' to choose inputs`
        : "channel names unknown (connect the trajectories or a trained model): probing the zero input only; use probe 'given' to choose inputs",
    };
  const out: ProbeInput[] = [zero];
  if (ctx.length > 1) {
    for (const c of ctx) {
      const v = new Array<number>(I).fill(0);
      v[c] = 1;
      out.push({ label: `${names?.[c] ?? `channel ${c}`} = 1`, values: v });
    }
    return { inputs: out };
  }
  const c = ctx[0] as number;
  let levels = traj
    ? [...new Set(traj.conditions.map((k) => k.context).filter((x): x is number => typeof x === 'number'))]
    : [];
  if (levels.length === 0) levels = findLevels(model.trainedOn?.['provenance']) ?? [];
  if (levels.length === 0)
    return {
      inputs: [zero],
      warning: `context levels unknown (connect the trajectories): probing the zero input only`,
    };
  for (const l of [...new Set(levels)].sort((a, b) => b - a)) {
    if (l === 0) continue;
    const v = new Array<number>(I).fill(0);
    v[c] = l;
    out.push({ label: `${names?.[c] ?? 'context'} = ${l}`, values: v });
  }
  return { inputs: out };
}

/** Initial states: points on the trajectories plus noise, or random states run through the map. */
export function sampleStarts(
  model: Model,
  S: number,
  noiseScale: number,
  rng: Rng,
  traj: Trajectories | undefined,
  x: readonly number[],
  warmupSteps: number,
): Float64Array {
  const N = model.N;
  const out = new Float64Array(S * N);
  if (traj) {
    if (traj.N !== N)
      throw new Error(`trajectories have N=${traj.N} units but the model has N=${N}; simulate the same model`);
    const total = traj.C * traj.T;
    for (let s = 0; s < S; s++) {
      const k = rng.int(0, total - 1);
      for (let j = 0; j < N; j++) out[s * N + j] = (traj.hidden[k * N + j] as number) + noiseScale * rng.normal();
    }
    return out;
  }
  const map = new CtrnnMap(model, x);
  const pre = new Float64Array(N);
  const fx = new Float64Array(N);
  const h = new Float64Array(N);
  for (let s = 0; s < S; s++) {
    for (let j = 0; j < N; j++) h[j] = 0.5 * rng.normal();
    for (let t = 0; t < warmupSteps; t++) {
      map.q(h, pre, fx);
      for (let j = 0; j < N; j++) h[j] = (1 - model.alpha) * (h[j] as number) + model.alpha * (fx[j] as number);
    }
    for (let j = 0; j < N; j++) out[s * N + j] = (h[j] as number) + noiseScale * rng.normal();
  }
  return out;
}

export const fixedPointsBlock = defineBlock({
  type: 'analysis.fixed-points',
  version: 1,
  title: 'Fixed points',
  category: 'Analysis',
  description:
    'Fixed and slow points of the network map h -> (1 - alpha) h + alpha f(W_rec h + W_in x + b) for constant inputs x: minimises ' +
    'q(h) = 1/2 ||F(h) - h||^2 from many starts (states on the trajectories plus noise) with batched Adam, polishes the unique ' +
    "candidates with Gauss-Newton steps, keeps points under a uniqueness tolerance, and classifies each by its Jacobian's " +
    'eigenvalues (stable: all |lambda| < 1; unstable: all > 1; else saddle). Defaults follow FixedPointFinder (Golub & Sussillo 2018). ' +
    "'context-levels' probes the zero input (a pulsed context's memory period) and the context channel held at each level.",
  inputs: {
    model: input(ModelPort),
    trajectories: input(TrajectoriesPort, {
      optional: true,
      description: 'Starts are sampled on these (plus noise); without them, random states run through the map.',
    }),
  },
  outputs: { points: FixedPointsPort },
  params: schema({
    probe: oneOf(PROBE_MODES, 'context-levels', {
      description:
        "Constant inputs: 'context-levels' (zero input + each context level), 'zero', or 'given' (the inputs param).",
    }),
    inputs: list(Type.Array(Type.Number()), [], {
      description: "Input vectors for probe 'given', one value per input channel.",
    }),
    starts: int(1, 100_000, 1024, { description: 'Initial states per probed input.' }),
    noiseScale: num(0, 10, 0.1, { description: 'Std of the Gaussian noise added to each sampled start.' }),
    warmupSteps: int(0, 10_000, 20, {
      description: 'Without trajectories: steps of the map applied to random starts first.',
    }),
    maxIters: int(1, 1_000_000, FPF_DEFAULTS.maxIters, {
      description: 'Adam iterations at most (FixedPointFinder: 5,000).',
    }),
    tolQ: num(0, 1, FPF_DEFAULTS.tolQ, {
      description: 'A start has converged when q < tolQ (FixedPointFinder: 1e-12).',
    }),
    tolDq: num(0, 1, FPF_DEFAULTS.tolDq, {
      description: 'Or when q changed by less than tolDq x its learning rate (FixedPointFinder: 1e-20).',
    }),
    tolUnique: num(0, 10, FPF_DEFAULTS.tolUnique, {
      description:
        'Two points are the same when they differ by less than this along every unit (FixedPointFinder: 1e-3).',
    }),
    lrInit: num(1e-6, 10, FPF_DEFAULTS.lrInit, {
      description: 'Initial Adam learning rate of each start (adapted per start).',
    }),
    adamEpsilon: num(1e-12, 1, FPF_DEFAULTS.adamEpsilon, { description: "Adam's epsilon (FixedPointFinder: 0.01)." }),
    handoffQ: num(0, 1, FPF_DEFAULTS.handoffQ, {
      description: 'A start leaves the Adam phase once q < handoffQ; the Gauss-Newton polish finishes it.',
    }),
    polishIters: int(0, 1000, FPF_DEFAULTS.polishIters, {
      description: 'Gauss-Newton / Levenberg-Marquardt steps per candidate (0: Adam only).',
    }),
    maxPolish: int(0, 100_000, FPF_DEFAULTS.maxPolish, {
      description: 'Candidates polished at most per input (lowest q first).',
    }),
    clusterTolerance: num(0, 10, FPF_DEFAULTS.clusterTolerance, {
      description: 'Candidates within this (every unit) of one already polished are not polished again.',
    }),
    keepQ: num(0, 1e6, FPF_DEFAULTS.keepQ, {
      description: 'Report points with q <= keepQ (fixed points and slow points).',
    }),
    outlierDistanceScale: num(0, 1e6, FPF_DEFAULTS.outlierDistanceScale, {
      description:
        "Drop points farther from the starts' centroid than this x the starts' mean distance to it (0: keep all; FixedPointFinder: 10).",
    }),
    seed: int(0, 2 ** 31 - 1, 0, { description: 'Seed of the start sampling.' }),
    engine: oneOf(FINDER_ENGINES, 'auto', {
      description:
        "What runs the batched Adam phase: 'wasm' the fused kernel (one WebAssembly SIMD call per iteration), 'tfjs' tfjs ops on the backend below, 'auto' wasm where WebAssembly SIMD exists, else tfjs.",
    }),
    backend: oneOf(BACKEND_CHOICES, 'auto', {
      description:
        "tfjs backend of the batched Adam phase when it runs on tfjs (engine 'tfjs', or 'auto' without WebAssembly SIMD).",
    }),
  }),
  run: async ({ params, inputs, progress, warn, signal, env }) => {
    const model = inputs.model;
    if (model.cell !== 'ctrnn')
      warn(`model cell is '${model.cell}': fixed points assume the CTRNN map with these weights`);
    const probe = probeInputs(model, params.probe, params.inputs, inputs.trajectories);
    if (probe.warning) warn(probe.warning);
    // The batched tfjs search loads when the block runs, not when it is declared.
    const [{ useBackend }, { findFixedPoints }] = await Promise.all([
      import('../lib/tf.ts'),
      import('./fixed-point-finder.ts'),
    ]);
    await useBackend(params.backend, env.backend);
    const settings: FinderSettings = {
      tolQ: params.tolQ,
      tolDq: params.tolDq,
      maxIters: params.maxIters,
      tolUnique: params.tolUnique,
      lrInit: params.lrInit,
      adamEpsilon: params.adamEpsilon,
      polishIters: params.polishIters,
      outlierDistanceScale: params.outlierDistanceScale,
      keepQ: params.keepQ,
      handoffQ: params.handoffQ,
      clusterTolerance: params.clusterTolerance,
      maxPolish: params.maxPolish,
      polishQ: FPF_DEFAULTS.polishQ,
      engine: params.engine,
    };
    const rng = new Rng(params.seed);
    const points: FixedPoint[] = [];
    const n = probe.inputs.length;
    for (let k = 0; k < n; k++) {
      const x = probe.inputs[k] as ProbeInput;
      const starts = sampleStarts(
        model,
        params.starts,
        params.noiseScale,
        rng,
        inputs.trajectories,
        x.values,
        params.warmupSteps,
      );
      const r = await findFixedPoints(
        model,
        x.values,
        starts,
        params.starts,
        settings,
        async (iter, active, medianQ) => {
          progress(
            k * params.maxIters + iter,
            n * params.maxIters,
            { active, medianQ },
            `${x.label}: ${active} starts still optimising`,
          );
          await new Promise((res) => setTimeout(res, 0));
          if (signal.aborted) throw new Error('analysis.fixed-points: cancelled');
        },
        signal,
      );
      if (r.fallback !== undefined && k === 0) warn(r.fallback);
      if (r.outliers > 0)
        warn(`${x.label}: ${r.outliers} of ${params.starts} starts ended far from the sampled states and were dropped`);
      for (const p of r.points)
        points.push({
          h: Float32Array.from(p.h),
          input: x.values,
          inputLabel: x.label,
          q: p.q,
          stability: p.stability,
          eigenvalues: p.eigenvalues,
          maxAbsEigenvalue: p.maxAbsEigenvalue,
        });
      progress(
        (k + 1) * params.maxIters,
        n * params.maxIters,
        { points: points.length },
        `${x.label}: ${r.points.length} points`,
      );
    }
    const out: FixedPoints = {
      N: model.N,
      points,
      settings: {
        starts: params.starts,
        noiseScale: params.noiseScale,
        maxIters: params.maxIters,
        tolQ: params.tolQ,
        tolDq: params.tolDq,
        tolUnique: params.tolUnique,
        lrInit: params.lrInit,
        adamEpsilon: params.adamEpsilon,
        handoffQ: params.handoffQ,
        polishIters: params.polishIters,
        keepQ: params.keepQ,
        seed: params.seed,
      },
      inputs: probe.inputs,
    };
    return { points: out };
  },
});
