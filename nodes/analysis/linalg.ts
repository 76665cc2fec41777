/**
 * Numerical kernels of the analyses, on flat row-major Float64Arrays.
 *
 * Why not a library: ml-matrix's EigenvalueDecomposition always accumulates the eigenvectors (hqr2)
 * through get/set on arrays of rows, which costs 1.7 s for a 400 x 400 W_rec, and no maintained
 * JS/wasm package offers LAPACK's eigenvalues-only path (dgeev with jobvr = 'N'): @stdlib/lapack has no
 * dgehrd/dhseqr, `numeric` and mathjs compute vectors too, `eigen` (an Emscripten port) is
 * unmaintained. So this file holds, written once and tested against numpy:
 * - non-symmetric eigenvalues: Householder reduction to Hessenberg form, then the Francis
 *   double-shift QR iteration restricted to the active window (EISPACK hqr), no vectors;
 * - symmetric eigenvalues with the eigenvectors of the largest few only (PCA): Householder
 *   tridiagonalisation, implicit QL for all eigenvalues, inverse iteration on the tridiagonal for the
 *   wanted vectors, then back through the reflectors (LAPACK dsytrd + dsterf + dstein + dormtr);
 * - the sample covariance as a register-blocked product of the centred, transposed data.
 */
import type { Eigenvalue } from '../ports/analysis.ts';
import { linalgWasm } from './linalg-wasm.ts';

const EPS = 2 ** -52;

function checkFinite(data: ArrayLike<number>, what: string): void {
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i]))
      throw new Error(`${what} entry ${i} is ${data[i]}: eigenvalues need finite values (was training diverging?)`);
}

/**
 * Reduce a row-major n x n matrix to upper Hessenberg form in place by Householder similarity
 * transforms (the entries below the first subdiagonal are set to 0). The eigenvalues are unchanged.
 */
export function hessenberg(a: Float64Array, n: number): void {
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // Householder vector for the column a[k+1.., k], scaled against over/underflow.
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale += Math.abs(a[i * n + k] as number);
    if (scale === 0) continue;
    let h = 0;
    for (let i = k + 1; i < n; i++) {
      const x = (a[i * n + k] as number) / scale;
      v[i] = x;
      h += x * x;
    }
    const x0 = v[k + 1] as number;
    const g = x0 > 0 ? -Math.sqrt(h) : Math.sqrt(h);
    // H = I - v v^T / beta with v = x - g e1, beta = h - x0 g.
    const beta = h - x0 * g;
    if (beta === 0) continue;
    v[k + 1] = x0 - g;
    const inv = 1 / beta;
    // Left: rows k+1.. of columns k.. : A -= v (v^T A) / beta. Row-wise so every loop is contiguous,
    // four rows per pass so w is loaded and stored a quarter as often (V8 keeps the rest in registers).
    for (let j = k; j < n; j++) w[j] = 0;
    let i = k + 1;
    for (; i + 3 < n; i += 4) {
      const v0 = v[i] as number,
        v1 = v[i + 1] as number,
        v2 = v[i + 2] as number,
        v3 = v[i + 3] as number;
      const r0 = i * n,
        r1 = r0 + n,
        r2 = r1 + n,
        r3 = r2 + n;
      for (let j = k; j < n; j++)
        w[j] =
          (w[j] as number) +
          v0 * (a[r0 + j] as number) +
          v1 * (a[r1 + j] as number) +
          v2 * (a[r2 + j] as number) +
          v3 * (a[r3 + j] as number);
    }
    for (; i < n; i++) {
      const vi = v[i] as number;
      const r = i * n;
      for (let j = k; j < n; j++) w[j] = (w[j] as number) + vi * (a[r + j] as number);
    }
    i = k + 1;
    for (; i + 3 < n; i += 4) {
      const f0 = (v[i] as number) * inv,
        f1 = (v[i + 1] as number) * inv;
      const f2 = (v[i + 2] as number) * inv,
        f3 = (v[i + 3] as number) * inv;
      const r0 = i * n,
        r1 = r0 + n,
        r2 = r1 + n,
        r3 = r2 + n;
      for (let j = k; j < n; j++) {
        const wj = w[j] as number;
        a[r0 + j] = (a[r0 + j] as number) - f0 * wj;
        a[r1 + j] = (a[r1 + j] as number) - f1 * wj;
        a[r2 + j] = (a[r2 + j] as number) - f2 * wj;
        a[r3 + j] = (a[r3 + j] as number) - f3 * wj;
      }
    }
    for (; i < n; i++) {
      const f = (v[i] as number) * inv;
      const r = i * n;
      for (let j = k; j < n; j++) a[r + j] = (a[r + j] as number) - f * (w[j] as number);
    }
    // Right: every row, columns k+1.. : A -= (A v) v^T / beta, four rows per pass.
    i = 0;
    for (; i + 3 < n; i += 4) {
      const r0 = i * n,
        r1 = r0 + n,
        r2 = r1 + n,
        r3 = r2 + n;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let j = k + 1; j < n; j++) {
        const vj = v[j] as number;
        s0 += (a[r0 + j] as number) * vj;
        s1 += (a[r1 + j] as number) * vj;
        s2 += (a[r2 + j] as number) * vj;
        s3 += (a[r3 + j] as number) * vj;
      }
      s0 *= inv;
      s1 *= inv;
      s2 *= inv;
      s3 *= inv;
      for (let j = k + 1; j < n; j++) {
        const vj = v[j] as number;
        a[r0 + j] = (a[r0 + j] as number) - s0 * vj;
        a[r1 + j] = (a[r1 + j] as number) - s1 * vj;
        a[r2 + j] = (a[r2 + j] as number) - s2 * vj;
        a[r3 + j] = (a[r3 + j] as number) - s3 * vj;
      }
    }
    for (; i < n; i++) {
      const r = i * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += (a[r + j] as number) * (v[j] as number);
      s *= inv;
      for (let j = k + 1; j < n; j++) a[r + j] = (a[r + j] as number) - s * (v[j] as number);
    }
    a[(k + 1) * n + k] = g * scale;
    for (let i = k + 2; i < n; i++) a[i * n + k] = 0;
  }
}

/**
 * Eigenvalues of an upper Hessenberg matrix (row-major, destroyed) by the Francis double-shift QR
 * iteration with deflation, updating only the active window (eigenvalues only, as EISPACK hqr).
 * Writes real parts to wr and imaginary parts to wi; complex pairs come as (re, +im), (re, -im).
 */
export function hessenbergEigenvalues(a: Float64Array, n: number, wr: Float64Array, wi: Float64Array): void {
  const A = (i: number, j: number) => a[i * n + j] as number;
  let anorm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(A(i, j));
  let nn = n - 1;
  let t = 0; // accumulated exceptional shift
  let total = 0;
  const maxTotal = 30 * Math.max(10, n);
  while (nn >= 0) {
    let its = 0;
    let l: number;
    do {
      // Look for a negligible subdiagonal element.
      for (l = nn; l >= 1; l--) {
        let s = Math.abs(A(l - 1, l - 1)) + Math.abs(A(l, l));
        if (s === 0) s = anorm;
        if (Math.abs(A(l, l - 1)) <= EPS * s) {
          a[l * n + l - 1] = 0;
          break;
        }
      }
      if (l < 0) l = 0;
      let x = A(nn, nn);
      if (l === nn) {
        // One root found.
        wr[nn] = x + t;
        wi[nn] = 0;
        nn--;
      } else {
        let y = A(nn - 1, nn - 1);
        let w = A(nn, nn - 1) * A(nn - 1, nn);
        if (l === nn - 1) {
          // Two roots found.
          const p = 0.5 * (y - x);
          const q = p * p + w;
          let z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + (p >= 0 ? z : -z);
            wr[nn - 1] = wr[nn] = x + z;
            if (z !== 0) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = z;
            wi[nn] = -z;
          }
          nn -= 2;
        } else {
          if (total >= maxTotal)
            throw new Error(`eigenvalues: the QR iteration did not converge after ${total} sweeps (n = ${n})`);
          if (its > 0 && its % 10 === 0) {
            // Exceptional shift, against cycles.
            t += x;
            for (let i = 0; i <= nn; i++) a[i * n + i] = A(i, i) - x;
            const s = Math.abs(A(nn, nn - 1)) + Math.abs(A(nn - 1, nn - 2));
            x = y = 0.75 * s;
            w = -0.4375 * s * s;
          }
          its++;
          total++;
          // Look for two consecutive small subdiagonal elements.
          let m = nn - 2;
          let p = 0;
          let q = 0;
          let r = 0;
          let z = 0;
          for (; m >= l; m--) {
            z = A(m, m);
            r = x - z;
            let s = y - z;
            p = (r * s - w) / A(m + 1, m) + A(m, m + 1);
            q = A(m + 1, m + 1) - z - r - s;
            r = A(m + 2, m + 1);
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(A(m, m - 1)) * (Math.abs(q) + Math.abs(r));
            const vv = Math.abs(p) * (Math.abs(A(m - 1, m - 1)) + Math.abs(z) + Math.abs(A(m + 1, m + 1)));
            if (u <= EPS * vv) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[i * n + i - 2] = 0;
            if (i !== m + 2) a[i * n + i - 3] = 0;
          }
          // Double QR step on rows l..nn and columns m..nn.
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = A(k, k - 1);
              q = A(k + 1, k - 1);
              r = k !== nn - 1 ? A(k + 2, k - 1) : 0;
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            const sq = Math.sqrt(p * p + q * q + r * r);
            const s = p >= 0 ? sq : -sq;
            if (s === 0) continue;
            if (k === m) {
              if (l !== m) a[k * n + k - 1] = -A(k, k - 1);
            } else a[k * n + k - 1] = -s * x;
            p += s;
            x = p / s;
            y = q / s;
            z = r / s;
            q /= p;
            r /= p;
            const r0 = k * n;
            const r1 = r0 + n;
            if (k !== nn - 1) {
              const r2 = r1 + n;
              for (let j = k; j <= nn; j++) {
                const pp = (a[r0 + j] as number) + q * (a[r1 + j] as number) + r * (a[r2 + j] as number);
                a[r2 + j] = (a[r2 + j] as number) - pp * z;
                a[r1 + j] = (a[r1 + j] as number) - pp * y;
                a[r0 + j] = (a[r0 + j] as number) - pp * x;
              }
            } else {
              for (let j = k; j <= nn; j++) {
                const pp = (a[r0 + j] as number) + q * (a[r1 + j] as number);
                a[r1 + j] = (a[r1 + j] as number) - pp * y;
                a[r0 + j] = (a[r0 + j] as number) - pp * x;
              }
            }
            const mmin = nn < k + 3 ? nn : k + 3;
            if (k !== nn - 1) {
              for (let i = l; i <= mmin; i++) {
                const o = i * n + k;
                const pp = x * (a[o] as number) + y * (a[o + 1] as number) + z * (a[o + 2] as number);
                a[o + 2] = (a[o + 2] as number) - pp * r;
                a[o + 1] = (a[o + 1] as number) - pp * q;
                a[o] = (a[o] as number) - pp;
              }
            } else {
              for (let i = l; i <= mmin; i++) {
                const o = i * n + k;
                const pp = x * (a[o] as number) + y * (a[o + 1] as number);
                a[o + 1] = (a[o + 1] as number) - pp * q;
                a[o] = (a[o] as number) - pp;
              }
            }
          }
        }
      }
    } while (nn >= 0 && l < nn - 1);
  }
}

/** All eigenvalues of a square (generally non-symmetric) matrix, sorted by decreasing |lambda|. */
export function eigenvalues(data: ArrayLike<number>, n: number): Eigenvalue[] {
  if (n === 0) return [];
  if (data.length !== n * n) throw new Error(`matrix has ${data.length} values, expected ${n} x ${n} = ${n * n}`);
  checkFinite(data, 'matrix');
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  const wasm = linalgWasm();
  let ok = true;
  if (wasm) ok = wasm.eigenvalues(data, n, wr, wi);
  else {
    const a = Float64Array.from(data);
    hessenberg(a, n);
    hessenbergEigenvalues(a, n, wr, wi);
  }
  if (!ok) throw new Error(`eigenvalues: the QR iteration did not converge (n = ${n})`);
  const out: Eigenvalue[] = Array.from(wr, (r, i) => ({ re: r, im: wi[i] as number }));
  out.sort((a, b) => Math.hypot(b.re, b.im) - Math.hypot(a.re, a.im) || b.im - a.im);
  return out;
}

/** Frobenius norm squared. */
export function frobenius2(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += (data[i] as number) ** 2;
  return s;
}

/**
 * Henrici's departure from normality, relative: sqrt(||W||_F^2 - sum |lambda_i|^2) / ||W||_F.
 * 0 for a normal matrix (symmetric, orthogonal), up to 1 for a nilpotent one.
 */
export function henrici(data: ArrayLike<number>, eig: Eigenvalue[]): number {
  const f2 = frobenius2(data);
  if (f2 === 0) return 0;
  let l2 = 0;
  for (const l of eig) l2 += l.re * l.re + l.im * l.im;
  return Math.sqrt(Math.max(0, f2 - l2) / f2);
}

/** Sample moments of a list of numbers (population forms, as numpy/scipy's defaults). */
export interface Moments {
  count: number;
  mean: number;
  /** Population std (ddof 0). */
  std: number;
  /** g1 = m3 / m2^1.5 (scipy.stats.skew, bias=True). */
  skewness: number;
  /** g2 = m4 / m2^2 - 3 (scipy.stats.kurtosis, fisher=True, bias=True). */
  excessKurtosis: number;
  min: number;
  max: number;
}

export function moments(data: ArrayLike<number>): Moments {
  const n = data.length;
  if (n === 0) return { count: 0, mean: NaN, std: NaN, skewness: NaN, excessKurtosis: NaN, min: NaN, max: NaN };
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[i] as number;
    s += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (data[i] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  // A constant sample has no shape: scipy gives nan too.
  const skewness = m2 > 0 ? m3 / m2 ** 1.5 : NaN;
  const excessKurtosis = m2 > 0 ? m4 / (m2 * m2) - 3 : NaN;
  return { count: n, mean, std: Math.sqrt(m2), skewness, excessKurtosis, min, max };
}

/** Histogram with `bins` equal bins over [min, max] (numpy.histogram's rule: last bin closed). */
export function histogram(
  data: ArrayLike<number>,
  bins: number,
  range?: [number, number],
): { edges: number[]; counts: number[] } {
  let lo = range?.[0] ?? Infinity;
  let hi = range?.[1] ?? -Infinity;
  if (!range)
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (data.length === 0 || !Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (v < lo || v > hi) continue;
    const k = Math.min(bins - 1, Math.floor((v - lo) / w));
    counts[k] = (counts[k] as number) + 1;
  }
  return { edges, counts };
}

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
