/**
 * Hand-made values of the science ports, for the plot and report tests (and the report's browser
 * test). A small random CTRNN is simulated on a 3-task context scheme so the figures look like the
 * real thing: curved trajectories, a complex spectrum, a bell-shaped weight histogram. Not used by
 * any block at run time.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { Rng } from '../lib/rng.ts';
import type {
  ConditionLabel,
  Dataset,
  Eigenvalue,
  FixedPoints,
  PCA,
  PruningCurve,
  Spectrum,
  TrainingHistory,
  Trajectories,
  WeightStats,
} from '../ports/index.ts';

const TASKS = [
  { task: 'and', context: 1, f: (a: number, b: number) => a * b },
  { task: 'or', context: -1, f: (a: number, b: number) => Math.max(a, b) },
  { task: 'xor', context: 0, f: (a: number, b: number) => (a + b) % 2 },
] as const;

/** The 12 conditions of the 3-task context scheme (a smaller T than the real 290). */
export function contextConditions(): ConditionLabel[] {
  const out: ConditionLabel[] = [];
  for (const t of TASKS)
    for (const [a, b] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ] as const)
      out.push({ task: t.task, inputValues: [a, b], context: t.context, jitter: 0, key: `${t.task} A=${a} B=${b}` });
  return out;
}

/** A dataset of the 12 conditions, one trial each (it is its own probe). */
export function makeDataset(T = 120): Dataset {
  const conditions = contextConditions();
  const S = conditions.length;
  const inputs = new Float32Array(S * T * 3);
  const targets = new Float32Array(S * T);
  conditions.forEach((c, s) => {
    const [a, b] = c.inputValues as [number, number];
    const task = TASKS.find((k) => k.task === c.task);
    const y = task ? task.f(a, b) : 0;
    for (let t = 0; t < T; t++) {
      const base = (s * T + t) * 3;
      if (t >= 10 && t < 20) inputs[base + 2] = c.context ?? 0;
      if (t >= 30 && t < 40) {
        inputs[base] = a;
        inputs[base + 1] = b;
      }
      targets[s * T + t] = t >= 50 ? y : 0;
    }
  });
  return {
    samples: S,
    T,
    channels: 3,
    outputs: 1,
    inputs,
    targets,
    mask: new Float32Array(S * T).fill(1),
    conditions,
    channelNames: ['A', 'B', 'context'],
    outputNames: ['y'],
    dt: 1,
    seed: 1,
    testCount: 0,
    tasks: ['and', 'or', 'xor'],
    provenance: { block: 'testdata' },
  };
}

/** A random recurrent matrix N(0, g^2/N), row-major. */
export function randomMatrix(N: number, g: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const W = new Float32Array(N * N);
  for (let i = 0; i < W.length; i++) W[i] = (g / Math.sqrt(N)) * rng.normal();
  return W;
}

/** Simulate h = (1-a) h + a tanh(W h + W_in x) on a dataset and read a noisy target-following output. */
export function makeTrajectories(ds: Dataset, N = 24, seed = 3): Trajectories {
  const rng = new Rng(seed);
  const W = randomMatrix(N, 1.3, seed + 1);
  const Win = Array.from({ length: N * ds.channels }, () => rng.normal());
  const alpha = 0.3;
  const { samples: C, T, channels } = ds;
  const hidden = new Float32Array(C * T * N);
  const y = new Float32Array(C * T);
  const h = new Float64Array(N);
  for (let c = 0; c < C; c++) {
    h.fill(0);
    for (let t = 0; t < T; t++) {
      const next = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        let u = 0;
        for (let j = 0; j < N; j++) u += (W[i * N + j] as number) * (h[j] as number);
        for (let k = 0; k < channels; k++)
          u += (Win[i * channels + k] as number) * (ds.inputs[(c * T + t) * channels + k] as number);
        next[i] = (1 - alpha) * (h[i] as number) + alpha * Math.tanh(u);
      }
      h.set(next);
      hidden.set(Float32Array.from(h), (c * T + t) * N);
      // An output that follows the target with a lag and a little ripple, like a trained network.
      const target = ds.targets[c * T + t] as number;
      const prev = t > 0 ? (y[c * T + t - 1] as number) : 0;
      y[c * T + t] = prev + 0.15 * (target - prev) + 0.02 * Math.sin(t / 4 + c);
    }
  }
  const distance: number[] = [];
  const accuracy: number[] = [];
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let t = 0; t < T; t++) s += ((y[c * T + t] as number) - (ds.targets[c * T + t] as number)) ** 2;
    distance.push(Math.sqrt(s));
    accuracy.push(1);
  }
  return {
    conditions: ds.conditions,
    C,
    T,
    N,
    channels,
    outputs: 1,
    hidden,
    y,
    targets: ds.targets.slice(),
    inputs: ds.inputs.slice(),
    mask: ds.mask.slice(),
    distance,
    accuracy,
    channelNames: ds.channelNames,
    outputNames: ds.outputNames,
    dt: ds.dt,
    label: 'test network',
  };
}

function eigenvalues(W: Float32Array, N: number): Eigenvalue[] {
  const m = new Matrix(Array.from({ length: N }, (_, i) => Array.from(W.subarray(i * N, (i + 1) * N))));
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: false });
  return e.realEigenvalues.map((re, i) => ({ re, im: e.imaginaryEigenvalues[i] as number }));
}

/** The spectrum of an N x N random matrix, with the spectrum of another one as reference. */
export function makeSpectrum(N = 40, withReference = true): Spectrum {
  const one = (W: Float32Array, label: string): Spectrum => {
    const ev = eigenvalues(W, N);
    const abs = ev.map((l) => Math.hypot(l.re, l.im));
    let k = 0;
    abs.forEach((a, i) => {
      if (a > (abs[k] as number)) k = i;
    });
    const d = ev[k] as Eigenvalue;
    const fro = Math.sqrt(W.reduce((s, w) => s + w * w, 0));
    const sumAbs2 = abs.reduce((s, a) => s + a * a, 0);
    return {
      matrix: 'W_rec',
      label,
      n: N,
      eigenvalues: ev,
      radius: abs[k] as number,
      outside: abs.filter((a) => a > 1.001).length,
      tolerance: 1e-3,
      dominant: {
        re: d.re,
        im: Math.abs(d.im),
        abs: abs[k] as number,
        freqTangent: Math.abs(d.im) / (2 * Math.PI * d.re),
        freqAtan2: Math.atan2(Math.abs(d.im), d.re) / (2 * Math.PI),
      },
      henrici: Math.sqrt(Math.max(0, fro * fro - sumAbs2)) / fro,
    };
  };
  const s = one(randomMatrix(N, 1.15, 11), 'trained');
  if (withReference) s.reference = one(randomMatrix(N, 0.9, 12), 'before training');
  return s;
}

/** Statistics of a random N x N matrix. */
export function makeWeightStats(N = 40, bins = 40): WeightStats {
  const W = randomMatrix(N, 1, 5);
  const n = W.length;
  const mean = W.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const w of W) {
    const d = w - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const min = Math.min(...W);
  const max = Math.max(...W);
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + ((max - min) * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const w of W) counts[Math.min(bins - 1, Math.floor(((w - min) / (max - min)) * bins))]! += 1;
  const std = Math.sqrt(m2);
  return {
    label: 'test network',
    matrices: [
      {
        name: 'W_rec',
        count: n,
        mean,
        std,
        skewness: m3 / m2 ** 1.5,
        excessKurtosis: m4 / (m2 * m2) - 3,
        min,
        max,
        histogram: { edges, counts },
        normalFit: { mu: mean, sigma: std },
      },
    ],
  };
}

/** PCA of the trajectories' hidden states (all time points of all conditions), k = 3. */
export function makePca(tr: Trajectories, k = 3): PCA {
  const { C, T, N, hidden } = tr;
  const rows = C * T;
  const mean = new Float64Array(N);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < N; i++) mean[i] = (mean[i] as number) + (hidden[r * N + i] as number) / rows;
  const X = new Matrix(rows, N);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < N; i++) X.set(r, i, (hidden[r * N + i] as number) - (mean[i] as number));
  const cov = X.transpose()
    .mmul(X)
    .div(rows - 1);
  const e = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const vals = e.realEigenvalues;
  const order = vals.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const total = vals.reduce((a, b) => a + Math.max(0, b), 0);
  const components = new Float64Array(k * N);
  order.slice(0, k).forEach(([, col], j) => {
    for (let i = 0; i < N; i++) components[j * N + i] = e.eigenvectorMatrix.get(i, col);
  });
  const projections = tr.conditions.map((condition, c) => {
    const points = new Float32Array(T * k);
    for (let t = 0; t < T; t++)
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let i = 0; i < N; i++)
          s += ((hidden[(c * T + t) * N + i] as number) - (mean[i] as number)) * (components[j * N + i] as number);
        points[t * k + j] = s;
      }
    return { condition, T, points };
  });
  return {
    label: tr.label,
    N,
    k,
    explainedVarianceRatio: order.map(([v]) => Math.max(0, v) / total),
    components,
    mean,
    projections,
  };
}

/** A few "fixed points": the final states of some conditions, with assorted stabilities. */
export function makeFixedPoints(tr: Trajectories): FixedPoints {
  const { T, N } = tr;
  const stabilities = ['stable', 'unstable', 'saddle', 'stable'] as const;
  const points = [0, 5, 9, 11].map((c, i) => ({
    h: tr.hidden.slice((c * T + T - 1) * N, (c * T + T) * N),
    input: [0, 0, 0],
    inputLabel: 'no input',
    q: 1e-10,
    stability: stabilities[i] as 'stable' | 'unstable' | 'saddle',
    eigenvalues: [{ re: 0.9, im: 0 }],
    maxAbsEigenvalue: 0.9,
  }));
  return { N, points, settings: { starts: 4 } };
}

/** A training history whose loss falls like a real run's. */
export function makeHistory(steps = 400): TrainingHistory {
  const rng = new Rng(7);
  const s: number[] = [];
  const loss: number[] = [];
  for (let i = 0; i <= steps; i += 5) {
    s.push(i);
    loss.push(0.3 * Math.exp(-i / 60) + 2e-4 * (1 + 0.3 * rng.normal() ** 2));
  }
  const valSteps = s.filter((_, i) => i % 8 === 0);
  const valLoss = valSteps.map((i) => 0.32 * Math.exp(-i / 62) + 3e-4);
  return {
    steps: s,
    loss,
    valSteps,
    valLoss,
    wallMs: s.map((i) => i * 12),
    criterion: valSteps.map((i) => ({ step: i, passed: Math.min(12, Math.floor(i / 25)), total: 12 })),
    criterionMetAt: 300,
    stoppedBecause: 'criterion',
    backend: 'cpu',
    totalSteps: steps,
    totalMs: steps * 12,
  };
}

/** A pruning curve shaped like the poster's: fine up to ~10 %, then deteriorating. */
export function makePruning(): PruningCurve {
  const conditions = contextConditions().slice(0, 4);
  const fractions = [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.2, 0.3];
  const curve = (variant: string, scale: number) => {
    const points = fractions.map((p) => {
      const distance = conditions.map((_, c) => 0.24 + 0.02 * c + scale * Math.max(0, p - 0.09) * (10 + 4 * c));
      const meanDistance = distance.reduce((a, b) => a + b, 0) / distance.length;
      return {
        requestedFraction: p,
        removedFraction: p,
        threshold: p * 0.17,
        distance,
        accuracy: distance.map((d) => (d < 0.5 ? 1 : 0)),
        meanDistance,
        meanAccuracy: distance.filter((d) => d < 0.5).length / distance.length,
        ok: meanDistance <= 0.5,
      };
    });
    const okPoints = points.filter((q) => q.ok);
    return {
      variant,
      points,
      maxFractionOk: okPoints.length > 0 ? Math.max(...okPoints.map((q) => q.removedFraction)) : 0,
    };
  };
  return {
    conditions,
    criterion: 'mean distance <= 0.5',
    curves: [curve('magnitude', 1), curve('positive only', 0.6)],
  };
}
