/**
 * The CTRNN map of one constant input in float64 (F, q, Jacobian) and the fixed-point finder's
 * settings: the light part of the finder (no tfjs), so blocks can declare their params and
 * analyses can step the map without loading the batched tfjs search (fixed-point-finder.ts).
 */
import type { Model } from '../ports/index.ts';
import { activationFns as activations, derivative } from '../dynamics/activations.ts';

/** f'(pre) given pre and f(pre). */
const derivatives = derivative;

/**
 * What runs the Adam phase: 'wasm' the fused kernel's one-call iteration (WebAssembly SIMD), 'tfjs'
 * the tfjs ops on the active backend, 'auto' wasm where WebAssembly SIMD exists, else tfjs.
 */
export type FinderEngine = 'auto' | 'wasm' | 'tfjs';

export interface FinderSettings {
  tolQ: number;
  tolDq: number;
  maxIters: number;
  tolUnique: number;
  lrInit: number;
  adamEpsilon: number;
  /** Levenberg-Marquardt steps per unique candidate (0 = none). */
  polishIters: number;
  /** Drop points farther than this times the starts' mean distance to their centroid (0 = keep all). */
  outlierDistanceScale: number;
  /** Keep only points with q <= this. */
  keepQ: number;
  /** A start leaves the Adam phase once q < this; the Levenberg-Marquardt polish finishes it. */
  handoffQ: number;
  /** Candidates closer than this along every dimension are polished once (the lowest q of them). */
  clusterTolerance: number;
  /** At most this many candidates are polished (lowest q first). */
  maxPolish: number;
  /** Only candidates with q <= this after the Adam phase are polished. */
  polishQ: number;
  /** What runs the Adam phase (default 'auto'). */
  engine?: FinderEngine;
  /**
   * The polish's dense linear algebra: 'auto' (default) linalg's wasm module where it runs, 'js'
   * ml-matrix and plain loops (the path before issue 16, kept for benchmarks and hosts without it).
   */
  polishLinalg?: 'auto' | 'js';
}

export const FPF_DEFAULTS: FinderSettings = {
  tolQ: 1e-12,
  tolDq: 1e-20,
  maxIters: 5000,
  tolUnique: 1e-3,
  lrInit: 0.1,
  adamEpsilon: 0.01,
  polishIters: 20,
  outlierDistanceScale: 10,
  keepQ: 1e-6,
  handoffQ: 3e-4,
  clusterTolerance: 0.1,
  maxPolish: 64,
  polishQ: 1e-3,
};

/** The map of one constant input, in float64. */
export class CtrnnMap {
  readonly N: number;
  readonly alpha: number;
  readonly W: Float64Array;
  /** W_in x + b */
  readonly c: Float64Array;
  readonly f: (x: number) => number;
  readonly df: (pre: number, fx: number) => number;

  constructor(model: Model, x: readonly number[]) {
    const { N, inputSize: I } = model;
    if (x.length !== I) throw new Error(`constant input has ${x.length} values but the model has ${I} input channels`);
    this.N = N;
    this.alpha = model.alpha;
    this.W = Float64Array.from(model.weights.W_rec);
    this.c = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      let s = model.weights.b[i] ?? 0;
      for (let k = 0; k < I; k++) s += (model.weights.W_in[i * I + k] as number) * (x[k] as number);
      this.c[i] = s;
    }
    this.f = activations[model.activation];
    this.df = derivatives[model.activation];
  }

  /** q(h) and, into `pre`, `fx`: the pre-activation and f(pre). */
  q(h: ArrayLike<number>, pre: Float64Array, fx: Float64Array, ho = 0): number {
    const { N, W, c, f, alpha } = this;
    let q = 0;
    for (let i = 0; i < N; i++) {
      let s = c[i] as number;
      const r = i * N;
      for (let j = 0; j < N; j++) s += (W[r + j] as number) * (h[ho + j] as number);
      pre[i] = s;
      const v = f(s);
      fx[i] = v;
      const g = alpha * (v - (h[ho + i] as number));
      q += g * g;
    }
    return 0.5 * q;
  }

  /** Jacobian of F at h, row-major [N, N]. */
  jacobian(h: ArrayLike<number>): Float64Array {
    const { N, W, alpha } = this;
    const pre = new Float64Array(N);
    const fx = new Float64Array(N);
    this.q(h, pre, fx);
    const J = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      const d = alpha * this.df(pre[i] as number, fx[i] as number);
      for (let j = 0; j < N; j++) J[i * N + j] = d * (W[i * N + j] as number);
      J[i * N + i] = (J[i * N + i] as number) + (1 - alpha);
    }
    return J;
  }
}
