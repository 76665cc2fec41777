/**
 * Symmetric eigenproblems (PCA): the sample covariance as a register-blocked product of the centred,
 * transposed data; Householder tridiagonalisation, implicit QL for all eigenvalues, inverse iteration
 * on the tridiagonal for the wanted vectors, then back through the reflectors (LAPACK dsytrd + dsterf
 * + dstein + dormtr).
 */
import { EPS, checkFinite } from './linalg-common.ts';
import { linalgWasm } from './linalg-wasm.ts';

/**
 * C = X X^T for X [n, m] row-major (float64): the upper triangle by register-blocked dot products
 * (wasm SIMD when available), mirrored into the lower one.
 */
export function gramMatrix(x: Float64Array, n: number, m: number): Float64Array {
  const wasm = linalgWasm();
  const c = wasm ? wasm.gram(x, n, m) : gramUpperJs(x, n, m);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) c[j * n + i] = c[i * n + j] as number;
  return c;
}

/** The TypeScript twin of the wasm `gram` kernel: the upper triangle of X X^T in 2 x 2 blocks. */
export function gramUpperJs(x: Float64Array, n: number, m: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i += 2) {
    const i1 = Math.min(i + 1, n - 1);
    const a0 = i * m;
    const a1 = i1 * m;
    for (let j = i; j < n; j += 2) {
      const j1 = Math.min(j + 1, n - 1);
      const b0 = j * m;
      const b1 = j1 * m;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < m; k++) {
        const x0 = x[a0 + k] as number;
        const x1 = x[a1 + k] as number;
        const y0 = x[b0 + k] as number;
        const y1 = x[b1 + k] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      c[i * n + j] = s00;
      c[i * n + j1] = s01;
      c[i1 * n + j] = s10;
      c[i1 * n + j1] = s11;
    }
  }
  return c;
}

/** A symmetric matrix reduced to tridiagonal form T = Q^T A Q, Q = H_0 H_1 ... H_{n-3}. */
export interface Tridiagonal {
  n: number;
  /** Diagonal [n]. */
  d: Float64Array;
  /** Subdiagonal [n], e[i] = T[i+1][i]; e[n-1] = 0. */
  e: Float64Array;
  /** Householder vectors: row k holds v_k in entries k+1..n-1 (H_k = I - v v^T / beta_k). */
  v: Float64Array;
  beta: Float64Array;
}

/** Householder tridiagonalisation of a symmetric row-major matrix (destroyed; wasm when available). */
function tridiagonalize(a: Float64Array, n: number): Tridiagonal {
  const wasm = linalgWasm();
  if (wasm) return { n, ...wasm.tridiagonalize(a, n) };
  return tridiagonalizeJs(a, n);
}

/** The TypeScript twin of the wasm `tridiag` kernel. */
export function tridiagonalizeJs(a: Float64Array, n: number): Tridiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const V = new Float64Array(n * n);
  const beta = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const vo = k * n;
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale += Math.abs(a[i * n + k] as number);
    d[k] = a[k * n + k] as number;
    if (scale === 0) {
      e[k] = 0;
      continue;
    }
    let h = 0;
    for (let i = k + 1; i < n; i++) {
      const x = (a[i * n + k] as number) / scale;
      V[vo + i] = x;
      h += x * x;
    }
    const x0 = V[vo + k + 1] as number;
    const g = x0 > 0 ? -Math.sqrt(h) : Math.sqrt(h);
    const b = h - x0 * g;
    e[k] = g * scale;
    if (b === 0) continue;
    V[vo + k + 1] = x0 - g;
    beta[k] = b;
    const inv = 1 / b;
    // p = A22 v / beta; w = p - (p.v / 2 beta) v; A22 -= v w^T + w v^T.
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      const r = i * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += (a[r + j] as number) * (V[vo + j] as number);
      s *= inv;
      p[i] = s;
      pv += s * (V[vo + i] as number);
    }
    const K = (pv * inv) / 2;
    for (let i = k + 1; i < n; i++) p[i] = (p[i] as number) - K * (V[vo + i] as number);
    for (let i = k + 1; i < n; i++) {
      const r = i * n;
      const vi = V[vo + i] as number;
      const wi = p[i] as number;
      for (let j = k + 1; j < n; j++)
        a[r + j] = (a[r + j] as number) - vi * (p[j] as number) - wi * (V[vo + j] as number);
    }
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2] as number;
    e[n - 2] = a[(n - 1) * n + n - 2] as number;
  }
  if (n >= 1) d[n - 1] = a[(n - 1) * n + n - 1] as number;
  return { n, d, e, v: V, beta };
}

/** Eigenvalues of a symmetric tridiagonal matrix by implicit QL with Wilkinson shifts (tqli, no vectors). */
function tridiagonalEigenvalues(d0: Float64Array, e0: Float64Array): Float64Array {
  const n = d0.length;
  const d = Float64Array.from(d0);
  const e = Float64Array.from(e0);
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number);
        if (Math.abs(e[m] as number) <= EPS * dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) throw new Error(`symmetric eigenvalues: QL did not converge (n = ${n})`);
        let g = ((d[l + 1] as number) - (d[l] as number)) / (2 * (e[l] as number));
        let r = Math.hypot(g, 1);
        g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        for (i = m - 1; i >= l; i--) {
          const f = s * (e[i] as number);
          const b = c * (e[i] as number);
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] = (d[i + 1] as number) - p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = (d[i + 1] as number) - p;
          r = ((d[i] as number) - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (r === 0 && i >= l) continue;
        d[l] = (d[l] as number) - p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return d;
}

/**
 * Eigenvectors of the tridiagonal (d, e) for the given eigenvalues by inverse iteration (LAPACK
 * dstein's scheme): LU with partial pivoting of T - lambda I, a few solves from a fixed start, and
 * re-orthogonalisation against the earlier vectors of the same cluster (eigenvalues closer than
 * 1e-3 ||T||_1). Returns [values.length, n] row-major unit vectors.
 */
function tridiagonalEigenvectors(d: Float64Array, e: Float64Array, values: number[]): Float64Array {
  const n = d.length;
  const k = values.length;
  const out = new Float64Array(k * n);
  let tnorm = 0;
  for (let i = 0; i < n; i++)
    tnorm = Math.max(
      tnorm,
      Math.abs(d[i] as number) + Math.abs(e[i] as number) + (i > 0 ? Math.abs(e[i - 1] as number) : 0),
    );
  const ortol = 1e-3 * tnorm;
  const pert = Math.max(tnorm, Number.MIN_VALUE) * EPS;
  // LU factors of T - lambda I with row interchanges: U has diagonals u0, u1, u2; l multipliers.
  const u0 = new Float64Array(n);
  const u1 = new Float64Array(n);
  const u2 = new Float64Array(n);
  const lm = new Float64Array(n);
  const swap = new Uint8Array(n);
  const x = new Float64Array(n);
  let clusterStart = 0;
  let seed = 1;
  for (let q = 0; q < k; q++) {
    const lambda = values[q] as number;
    if (q > 0 && Math.abs(lambda - (values[q - 1] as number)) > ortol) clusterStart = q;
    // Factor.
    let diag = (d[0] as number) - lambda;
    let up = n > 1 ? (e[0] as number) : 0;
    for (let i = 0; i < n - 1; i++) {
      const sub = e[i] as number;
      const nd = (d[i + 1] as number) - lambda;
      const nu = i + 1 < n - 1 ? (e[i + 1] as number) : 0;
      if (Math.abs(diag) >= Math.abs(sub)) {
        swap[i] = 0;
        const piv = diag === 0 ? pert : diag;
        u0[i] = piv;
        u1[i] = up;
        u2[i] = 0;
        const mult = sub / piv;
        lm[i] = mult;
        diag = nd - mult * up;
        up = nu;
      } else {
        swap[i] = 1;
        u0[i] = sub;
        u1[i] = nd;
        u2[i] = nu;
        const mult = diag / sub;
        lm[i] = mult;
        diag = up - mult * nd;
        up = -mult * nu;
      }
    }
    u0[n - 1] = diag === 0 ? pert : diag;
    // A fixed, well-spread start (LAPACK uses random numbers): any vector with a component along the
    // eigenvector works; a deterministic one keeps results reproducible.
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      x[i] = seed / 2147483648 - 0.5;
    }
    for (let it = 0; it < 4; it++) {
      // Forward: apply the row interchanges and multipliers.
      for (let i = 0; i < n - 1; i++) {
        if (swap[i]) {
          const t = x[i] as number;
          x[i] = x[i + 1] as number;
          x[i + 1] = t - (lm[i] as number) * (x[i] as number);
        } else x[i + 1] = (x[i + 1] as number) - (lm[i] as number) * (x[i] as number);
      }
      // Back substitution with U; tiny pivots are replaced so the solve never divides by zero.
      for (let i = n - 1; i >= 0; i--) {
        let s = x[i] as number;
        if (i + 1 < n) s -= (u1[i] as number) * (x[i + 1] as number);
        if (i + 2 < n) s -= (u2[i] as number) * (x[i + 2] as number);
        const piv = u0[i] as number;
        x[i] = s / (Math.abs(piv) < pert ? (piv < 0 ? -pert : pert) : piv);
      }
      // Orthogonalise against the cluster found so far, then normalise.
      for (let p = clusterStart; p < q; p++) {
        const o = p * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += (out[o + i] as number) * (x[i] as number);
        for (let i = 0; i < n; i++) x[i] = (x[i] as number) - s * (out[o + i] as number);
      }
      let nrm = 0;
      for (let i = 0; i < n; i++) nrm += (x[i] as number) ** 2;
      nrm = Math.sqrt(nrm);
      if (!(nrm > 0)) throw new Error('symmetric eigenvectors: inverse iteration lost its vector');
      for (let i = 0; i < n; i++) x[i] = (x[i] as number) / nrm;
    }
    out.set(x, q * n);
  }
  return out;
}

/**
 * Eigenvalues of a symmetric row-major n x n matrix (decreasing) and the unit eigenvectors of the
 * largest `vectors` of them (rows of `vectors`, [vectors, n]). The matrix is not modified.
 */
export function symmetricEigen(
  data: ArrayLike<number>,
  n: number,
  vectors: number = n,
): { values: Float64Array; vectors: Float64Array } {
  if (data.length !== n * n) throw new Error(`matrix has ${data.length} values, expected ${n} x ${n} = ${n * n}`);
  checkFinite(data, 'symmetric matrix');
  const k = Math.max(0, Math.min(vectors, n));
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  const t = tridiagonalize(Float64Array.from(data), n);
  const values = tridiagonalEigenvalues(t.d, t.e).sort().reverse();
  const y = tridiagonalEigenvectors(t.d, t.e, Array.from(values.subarray(0, k)));
  // Back to A's basis: x = H_0 (H_1 (... H_{n-3} y)).
  for (let q = 0; q < k; q++) {
    const o = q * n;
    for (let kk = n - 3; kk >= 0; kk--) {
      const b = t.beta[kk] as number;
      if (b === 0) continue;
      const vo = kk * n;
      let s = 0;
      for (let i = kk + 1; i < n; i++) s += (t.v[vo + i] as number) * (y[o + i] as number);
      s /= b;
      for (let i = kk + 1; i < n; i++) y[o + i] = (y[o + i] as number) - s * (t.v[vo + i] as number);
    }
  }
  return { values, vectors: y };
}
