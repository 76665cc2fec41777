/**
 * Fixed and slow points of the discrete CTRNN map (Sussillo & Barak 2013; Golub & Sussillo 2018,
 * FixedPointFinder), for one constant input x:
 *
 *     F(h) = (1 - alpha) h + alpha f(W_rec h + W_in x + b),   q(h) = 1/2 ||F(h) - h||^2
 *
 * q is minimised from many starts at once with Adam (one wasm call per iteration, fixed-point-wasm.ts,
 * or tfjs ops where WebAssembly SIMD is missing, fixed-point-tfjs.ts) on the analytic gradient
 *     grad q = J_G^T G,  G = F(h) - h = alpha (f(pre) - h),  J_G = alpha (diag(f'(pre)) W_rec - I)
 * with FixedPointFinder's settings (Adam epsilon 0.01, tol_q 1e-12, tol_dq 1e-20, 5,000 iterations,
 * uniqueness 1e-3 along every dimension, distance outliers beyond 10x the starts' mean spread), a
 * learning rate adapted per start (FixedPointFinder adapts one rate for the joint problem), and each
 * start stopped as soon as it meets the termination test, so the batch shrinks as starts converge.
 * The unique candidates are then polished with damped Gauss-Newton (Levenberg-Marquardt) steps,
 * which reach q ~ 1e-15 in a few steps where Adam crawls. Each point is classified by the
 * eigenvalues of the Jacobian of F (linalg.ts, eigenvalues only): stable if every |lambda| < 1,
 * unstable if every |lambda| > 1, else saddle.
 */
import type { Eigenvalue, FixedPoint, Model } from '../ports/index.ts';
import { eigenvalues } from './linalg.ts';
import { FpAdamBatch } from './fixed-point-wasm.ts';
import { TfAdamBatch } from './fixed-point-tfjs.ts';
import { polish } from './fixed-point-polish.ts';

export { normalMatrix, polish, solveDense } from './fixed-point-polish.ts';

export { CtrnnMap, FPF_DEFAULTS, type FinderEngine, type FinderSettings } from './ctrnn-map.ts';
import { CtrnnMap, type FinderSettings } from './ctrnn-map.ts';

export interface RawPoint {
  h: Float64Array;
  q: number;
  iters: number;
}

/** A start whose q fell by less than STALL_FACTOR over STALL_WINDOW iterations leaves the Adam phase. */
export const STALL_WINDOW = 200;
export const STALL_FACTOR = 0.9;
/** The Adam phase ends once at most this fraction of the starts is still active (after TAIL_MIN_ITERS). */
export const TAIL_FRACTION = 1 / 32;
export const TAIL_MIN_ITERS = 200;

/** Which implementation runs the Adam phase: see {@link FinderEngine}. */
export type AdamBatch = FpAdamBatch | TfAdamBatch;

/**
 * The batch of starts in the engine asked for. 'auto' and 'wasm': the fused kernel's `fpAdam`
 * (one wasm call per iteration); 'auto' falls back to tfjs where the wasm module cannot be built
 * (no WebAssembly SIMD) and says why in `fallback`.
 */
export async function adamBatch(
  model: Model,
  map: CtrnnMap,
  starts: ArrayLike<number>,
  S: number,
  s: FinderSettings,
): Promise<{ batch: AdamBatch; fallback?: string }> {
  const k = { b1: 0.9, b2: 0.999, eps: s.adamEpsilon };
  const engine = s.engine ?? 'auto';
  if (engine !== 'tfjs') {
    try {
      return { batch: await FpAdamBatch.create(map, model.activation, starts, S, k) };
    } catch (e) {
      if (engine === 'wasm') throw e;
      return {
        batch: new TfAdamBatch(map, model.activation, starts, S, k),
        fallback: `the wasm fixed-point kernel is unavailable here (${e instanceof Error ? e.message : String(e)}): Adam phase on tfjs`,
      };
    }
  }
  return { batch: new TfAdamBatch(map, model.activation, starts, S, k) };
}

/**
 * Minimise q from every start (rows of `starts` [S, N]) with Adam, all starts at once in one batch
 * (one wasm call per iteration, or two [S, N] x [N, N] tfjs products: `s.engine`). The per-start
 * bookkeeping (termination, learning rate) runs in JS on the q values read back each iteration;
 * finished starts are dropped from the batch whenever they are a quarter of it. A start stops when
 * q < tol_q, when its q changed by less than tol_dq * its learning rate, when q < `handoffQ`, or
 * when q fell by less than 10 % over the last 200 iterations (Adam crawls on the ill-conditioned q
 * near a point: the polish takes over). The phase ends when at most 1/32 of the starts are left
 * (after 200 iterations at least).
 * `onIter(iter, active, medianQ)` is called every `reportEvery` iterations and may be async.
 */
export async function adamMinimise(
  model: Model,
  map: CtrnnMap,
  starts: Float64Array,
  S: number,
  s: FinderSettings,
  onIter: (iter: number, active: number, medianQ: number) => void | Promise<void> = () => {},
  reportEvery = 100,
  given?: AdamBatch,
): Promise<RawPoint[]> {
  const { N } = map;
  const b1 = 0.9;
  const b2 = 0.999;
  const result = Float64Array.from(starts);
  const iters = new Int32Array(S);
  const lr = new Float64Array(S).fill(s.lrInit);
  const qPrev = new Float64Array(S).fill(Infinity);
  const good = new Int32Array(S);
  const done = new Uint8Array(S);
  // Stall test: q at the start of the current window of STALL_WINDOW iterations.
  const qMark = new Float64Array(S).fill(Infinity);
  // The batch: its rows are the starts listed in `rows`.
  let rows = Int32Array.from({ length: S }, (_, i) => i);
  const batch = given ?? (await adamBatch(model, map, starts, S, s)).batch;
  const writeBack = (Hdata: Float32Array) => {
    rows.forEach((si, r) => {
      for (let j = 0; j < N; j++) result[si * N + j] = Hdata[r * N + j] as number;
    });
  };
  try {
    let p1 = 1;
    let p2 = 1;
    for (let it = 0; it < s.maxIters; it++) {
      p1 *= b1;
      p2 *= b2;
      const q = batch.evaluate();
      const step = new Float32Array(rows.length);
      let activeCount = 0;
      rows.forEach((si, r) => {
        if (done[si]) return;
        const qi = q[r] as number;
        iters[si] = it + 1;
        const dq = Math.abs((qPrev[si] as number) - qi);
        if (qi < s.tolQ || qi < s.handoffQ || dq < s.tolDq * (lr[si] as number) || !Number.isFinite(qi)) {
          done[si] = 1;
          return;
        }
        if ((it + 1) % STALL_WINDOW === 0) {
          if (qi > STALL_FACTOR * (qMark[si] as number)) {
            done[si] = 1;
            return;
          }
          qMark[si] = qi;
        }
        if (qi > (qPrev[si] as number)) {
          lr[si] = (lr[si] as number) * 0.7;
          good[si] = 0;
        } else {
          good[si] = (good[si] as number) + 1;
          if (good[si] >= 5) {
            lr[si] = Math.min(s.lrInit * 10, (lr[si] as number) / 0.95);
            good[si] = 0;
          }
        }
        qPrev[si] = qi;
        step[r] = lr[si] as number;
        activeCount++;
      });
      // The last few starts crawl for thousands of iterations at full per-iteration overhead: once
      // no more than TAIL_FRACTION of the starts are left, hand them all to the polish.
      if (activeCount === 0 || (it >= TAIL_MIN_ITERS && activeCount <= Math.ceil(S * TAIL_FRACTION))) break;
      batch.update(step, 1 / (1 - p1), 1 / (1 - p2));
      // Drop finished rows once they are a quarter of the batch.
      if (activeCount <= (rows.length * 3) / 4) {
        writeBack(batch.readH());
        const keepIdx: number[] = [];
        const keepRows: number[] = [];
        rows.forEach((si, r) => {
          if (!done[si]) {
            keepIdx.push(r);
            keepRows.push(si);
          }
        });
        batch.compact(keepIdx);
        rows = Int32Array.from(keepRows);
      }
      if ((it + 1) % reportEvery === 0) {
        const qs = Array.from(rows, (si) => qPrev[si] as number)
          .filter(Number.isFinite)
          .sort((x, y) => x - y);
        await onIter(it + 1, rows.length, qs.length > 0 ? (qs[qs.length >> 1] as number) : 0);
      }
    }
    writeBack(batch.readH());
  } finally {
    batch.dispose();
  }
  const out: RawPoint[] = [];
  const pre = new Float64Array(N);
  const fxb = new Float64Array(N);
  for (let si = 0; si < S; si++) {
    const h = result.slice(si * N, (si + 1) * N);
    out.push({ h, q: map.q(h, pre, fxb), iters: iters[si] as number });
  }
  return out;
}

/**
 * Unique points: two points are the same when they differ by less than `tol` along every dimension
 * (FixedPointFinder's rule); of each group the lowest q is kept. Input order: any; output: by q.
 */
export function uniquePoints<P extends { h: ArrayLike<number>; q: number }>(points: P[], tol: number): P[] {
  const sorted = [...points].sort((a, b) => a.q - b.q);
  const kept: P[] = [];
  for (const p of sorted) {
    const dup = kept.some((k) => {
      for (let j = 0; j < p.h.length; j++) if (Math.abs((p.h[j] as number) - (k.h[j] as number)) >= tol) return false;
      return true;
    });
    if (!dup) kept.push(p);
  }
  return kept;
}

/** Stability of a fixed point of a discrete map from its Jacobian's eigenvalues. */
export function classify(eig: Eigenvalue[]): { stability: FixedPoint['stability']; maxAbs: number } {
  let maxAbs = 0;
  let minAbs = Infinity;
  for (const l of eig) {
    const a = Math.hypot(l.re, l.im);
    maxAbs = Math.max(maxAbs, a);
    minAbs = Math.min(minAbs, a);
  }
  const stability = maxAbs < 1 ? 'stable' : minAbs > 1 ? 'unstable' : 'saddle';
  return { stability, maxAbs };
}

export interface FoundPoint {
  h: Float64Array;
  q: number;
  stability: FixedPoint['stability'];
  eigenvalues: Eigenvalue[];
  maxAbsEigenvalue: number;
}

/** The whole search for one constant input. */
export async function findFixedPoints(
  model: Model,
  x: readonly number[],
  starts: Float64Array,
  S: number,
  s: FinderSettings,
  onIter?: (iter: number, active: number, medianQ: number) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<{
  points: FoundPoint[];
  raw: RawPoint[];
  outliers: number;
  polished: number;
  /** What ran the Adam phase, and why not wasm when 'auto' fell back to tfjs. */
  engine: 'wasm' | 'tfjs';
  fallback?: string;
}> {
  const map = new CtrnnMap(model, x);
  const N = model.N;
  const { batch, fallback } = await adamBatch(model, map, starts, S, s);
  const engine = batch instanceof FpAdamBatch ? 'wasm' : 'tfjs';
  const raw = await adamMinimise(model, map, starts, S, s, onIter, 100, batch);
  // Distance outliers, as FixedPointFinder: relative to the starts' centroid and mean spread.
  let candidates = raw;
  let outliers = 0;
  if (s.outlierDistanceScale > 0 && S > 1) {
    const cen = new Float64Array(N);
    for (let i = 0; i < S; i++)
      for (let j = 0; j < N; j++) cen[j] = (cen[j] as number) + (starts[i * N + j] as number) / S;
    const dist = (h: ArrayLike<number>, o = 0) => {
      let d = 0;
      for (let j = 0; j < N; j++) d += ((h[o + j] as number) - (cen[j] as number)) ** 2;
      return Math.sqrt(d);
    };
    let spread = 0;
    for (let i = 0; i < S; i++) spread += dist(starts, i * N) / S;
    if (spread > 0) {
      candidates = raw.filter((p) => dist(p.h) <= s.outlierDistanceScale * spread);
      outliers = raw.length - candidates.length;
    }
  }
  let unique = uniquePoints(
    candidates.filter((p) => Number.isFinite(p.q)),
    s.tolUnique,
  );
  let polished = 0;
  if (s.polishIters > 0) {
    // By increasing q: polish a candidate unless it lies within clusterTolerance (every dimension) of
    // a candidate already polished, before or after its polish: those are heading to the same point.
    const done: Array<{ h: Float64Array; q: number; iters: number; from: Float64Array }> = [];
    const near = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      for (let j = 0; j < N; j++) if (Math.abs((a[j] as number) - (b[j] as number)) >= s.clusterTolerance) return false;
      return true;
    };
    for (const p of unique) {
      if (signal?.aborted) throw new Error('analysis.fixed-points: cancelled');
      if (p.q > s.polishQ) continue;
      if (done.some((d) => near(d.from, p.h) || near(d.h, p.h))) continue;
      if (polished >= s.maxPolish) break;
      const r = p.q > s.tolQ ? polish(map, p.h, s.polishIters, s.tolQ, s.polishLinalg !== 'js') : p;
      polished++;
      done.push({ h: r.h, q: r.q, iters: p.iters, from: p.h });
    }
    // Keep the polished points and the candidates Adam alone brought below tol_q.
    unique = uniquePoints(
      [...done.map((d) => ({ h: d.h, q: d.q, iters: d.iters })), ...unique.filter((p) => p.q <= s.tolQ)],
      s.tolUnique,
    );
  }
  const points: FoundPoint[] = [];
  for (const p of unique) {
    if (!(p.q <= s.keepQ)) continue;
    if (signal?.aborted) throw new Error('analysis.fixed-points: cancelled');
    const eig = eigenvalues(map.jacobian(p.h), N);
    const c = classify(eig);
    points.push({ h: p.h, q: p.q, stability: c.stability, eigenvalues: eig, maxAbsEigenvalue: c.maxAbs });
  }
  return { points, raw, outliers, polished, engine, ...(fallback !== undefined ? { fallback } : {}) };
}
