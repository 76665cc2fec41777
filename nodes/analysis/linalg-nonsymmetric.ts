/**
 * Eigenvalues of a general (non-symmetric) matrix: Householder reduction to Hessenberg form, then the
 * Francis double-shift QR iteration restricted to the active window (EISPACK hqr), no vectors; and
 * Henrici's departure from normality built on them.
 */
import type { Eigenvalue } from '../ports/spectrum.ts';
import { DEFLATION_FLOOR, EPS, checkFinite } from './linalg-common.ts';
import { linalgWasm } from './linalg-wasm.ts';

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
        // Never relative to less than a thousandth of the norm: blocks at rounding level (the exact
        // zero rows of a relu network's Jacobian, perturbed by the reduction) would otherwise never
        // deflate and the iteration would not converge.
        s = Math.max(s, DEFLATION_FLOOR * anorm);
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
