/**
 * The fixed-point finder's polish: Newton steps on G(h) = F(h) - h = 0, falling back to
 * Levenberg-Marquardt (damped Gauss-Newton on q) when a Newton step does not lower q. Its dense
 * float64 linear algebra (the N x N solves, J^T J) runs in linalg's WebAssembly module where it
 * runs, else in ml-matrix and plain loops (the previous path, same algorithm).
 */
import { Matrix, solve } from 'ml-matrix';
import type { CtrnnMap } from './ctrnn-map.ts';
import { linalgWasm } from './linalg-wasm.ts';

/**
 * x with A x = b for the row-major n x n matrix A: LU with partial pivoting in wasm (linalg.as
 * luSolve, SIMD) where it runs, else ml-matrix's LU; null when A is singular (a zero pivot).
 */
export function solveDense(A: Float64Array, n: number, b: Float64Array, wasm = true): Float64Array | null {
  const la = wasm ? linalgWasm() : null;
  if (la) return la.solve(A, n, b);
  const M = new Matrix(n, n);
  const r = new Matrix(n, 1);
  for (let i = 0; i < n; i++) {
    r.set(i, 0, b[i] as number);
    for (let j = 0; j < n; j++) M.set(i, j, A[i * n + j] as number);
  }
  try {
    return Float64Array.from(solve(M, r).getColumn(0));
  } catch {
    return null;
  }
}

/** J^T J for the row-major n x n matrix J (full, symmetric): linalg's wasm Gram product where it runs. */
export function normalMatrix(J: Float64Array, n: number, wasm = true): Float64Array {
  const la = wasm ? linalgWasm() : null;
  let A: Float64Array;
  if (la) {
    const JT = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) JT[j * n + i] = J[i * n + j] as number;
    A = la.gram(JT, n, n);
  } else {
    A = new Float64Array(n * n);
    for (let a = 0; a < n; a++)
      for (let b = a; b < n; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (J[i * n + a] as number) * (J[i * n + b] as number);
        A[a * n + b] = s;
      }
  }
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) A[b * n + a] = A[a * n + b] as number;
  return A;
}

/**
 * Levenberg-Marquardt on G(h) = F(h) - h; returns the improved point (never worse). `wasm` false:
 * ml-matrix and plain loops even where the wasm module runs (the previous path, for benchmarks).
 */
export function polish(
  map: CtrnnMap,
  h0: Float64Array,
  iters: number,
  tolQ: number,
  wasm = true,
): { h: Float64Array; q: number } {
  const { N, alpha } = map;
  const pre = new Float64Array(N);
  const fx = new Float64Array(N);
  let h = Float64Array.from(h0);
  let q = map.q(h, pre, fx);
  let qStart = q;
  let mu = 1e-3;
  let slow = 0;
  for (let it = 0; it < iters && q > tolQ; it++) {
    // A slow point: q barely falls; stop after 3 such steps in a row.
    if (it > 0 && q > 0.5 * qStart) {
      if (++slow >= 3) break;
    } else slow = 0;
    qStart = q;
    // J_G = J_F - I, G = alpha (fx - h)
    const J = map.jacobian(h);
    for (let i = 0; i < N; i++) J[i * N + i] = (J[i * N + i] as number) - 1;
    map.q(h, pre, fx);
    const G = new Float64Array(N);
    for (let i = 0; i < N; i++) G[i] = alpha * ((fx[i] as number) - (h[i] as number));
    // Newton step first (J_G d = -G); when it does not lower q (or J_G is singular), damped normal
    // equations (J^T J + mu diag) d = -J^T G, raising mu until q falls.
    const d = solveDense(
      J,
      N,
      G.map((g) => -g),
      wasm,
    );
    if (d) {
      const hn = new Float64Array(N);
      for (let i = 0; i < N; i++) hn[i] = (h[i] as number) + (d[i] as number);
      const qn = map.q(hn, pre, fx);
      if (Number.isFinite(qn) && qn < q) {
        h = hn;
        q = qn;
        continue;
      }
    }
    const A = normalMatrix(J, N, wasm);
    const rhs = new Float64Array(N);
    for (let a = 0; a < N; a++) {
      let r = 0;
      for (let i = 0; i < N; i++) r += (J[i * N + a] as number) * (G[i] as number);
      rhs[a] = -r;
    }
    let improved = false;
    for (let tries = 0; tries < 4 && !improved; tries++) {
      const Ad = A.slice();
      for (let a = 0; a < N; a++) Ad[a * N + a] = (Ad[a * N + a] as number) * (1 + mu) + mu * 1e-12;
      const dd = solveDense(Ad, N, rhs, wasm);
      if (!dd) {
        mu *= 10;
        continue;
      }
      const hn = new Float64Array(N);
      for (let i = 0; i < N; i++) hn[i] = (h[i] as number) + (dd[i] as number);
      const qn = map.q(hn, pre, fx);
      if (Number.isFinite(qn) && qn < q) {
        h = hn;
        q = qn;
        mu = Math.max(1e-12, mu / 10);
        improved = true;
      } else mu *= 10;
    }
    if (!improved) break;
  }
  return { h, q };
}
