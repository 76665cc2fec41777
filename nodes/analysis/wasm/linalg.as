// AssemblyScript source of linalg.wasm: the hot loops of the analyses' linear algebra, in WebAssembly
// with 128-bit SIMD (two float64 per instruction). Built by `npm run build:linalg-wasm`
// (scripts/build-as-module.mjs linalg); the bytes are committed as linalg-wasm.generated.ts and a test
// checks that rebuilding gives the same bytes. The TypeScript reference of every kernel is in
// ../linalg.ts (the same algorithms, used when WebAssembly cannot be compiled synchronously).
//
// Conventions: every matrix is row-major float64 in linear memory; pointers are byte offsets the
// caller (linalg.ts) lays out; no allocation, no runtime (--runtime stub).


const EPS: f64 = 2.220446049250313e-16;

@inline function ld(p: usize): f64 {
  return load<f64>(p);
}
@inline function st(p: usize, x: f64): void {
  store<f64>(p, x);
}

/** y[0..len) += s * x[0..len) */
@inline function axpy(y: usize, x: usize, s: f64, len: i32): void {
  const sv = f64x2.splat(s);
  let j = 0;
  for (; j + 1 < len; j += 2) {
    const o = <usize>j << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(sv, v128.load(x + o))));
  }
  if (j < len) {
    const o = <usize>j << 3;
    st(y + o, ld(y + o) + s * ld(x + o));
  }
}

/** sum x[0..len) * y[0..len) */
@inline function dot(x: usize, y: usize, len: i32): f64 {
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < len; j += 2) {
    const o = <usize>j << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(x + o), v128.load(y + o)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (j < len) {
    const o = <usize>j << 3;
    s += ld(x + o) * ld(y + o);
  }
  return s;
}

/**
 * Householder reduction of the n x n matrix at `a` to upper Hessenberg form, in place.
 * `v` and `w` are scratch vectors of n float64.
 */
export function hessenberg(a: usize, n: i32, v: usize, w: usize): void {
  const rowBytes = <usize>n << 3;
  for (let k = 0; k < n - 2; k++) {
    let scale: f64 = 0;
    for (let i = k + 1; i < n; i++) scale += abs<f64>(ld(a + <usize>i * rowBytes + (<usize>k << 3)));
    if (scale == 0) continue;
    let h: f64 = 0;
    for (let i = k + 1; i < n; i++) {
      const x = ld(a + <usize>i * rowBytes + (<usize>k << 3)) / scale;
      st(v + (<usize>i << 3), x);
      h += x * x;
    }
    const x0 = ld(v + (<usize>(k + 1) << 3));
    const g: f64 = x0 > 0 ? -sqrt<f64>(h) : sqrt<f64>(h);
    const beta = h - x0 * g;
    if (beta == 0) continue;
    st(v + (<usize>(k + 1) << 3), x0 - g);
    const inv = 1 / beta;
    // Left: w = v^T A[k+1.., k..]; A[k+1.., k..] -= (v / beta) w^T.
    const len = n - k;
    const kb = <usize>k << 3;
    memory.fill(w + kb, 0, <usize>len << 3);
    for (let i = k + 1; i < n; i++) axpy(w + kb, a + <usize>i * rowBytes + kb, ld(v + (<usize>i << 3)), len);
    for (let i = k + 1; i < n; i++) axpy(a + <usize>i * rowBytes + kb, w + kb, -ld(v + (<usize>i << 3)) * inv, len);
    // Right: A[:, k+1..] -= (A v / beta) v^T.
    const k1 = <usize>(k + 1) << 3;
    const len1 = n - k - 1;
    for (let i = 0; i < n; i++) {
      const r = a + <usize>i * rowBytes + k1;
      const s = dot(r, v + k1, len1) * inv;
      if (s != 0) axpy(r, v + k1, -s, len1);
    }
    st(a + <usize>(k + 1) * rowBytes + kb, g * scale);
    for (let i = k + 2; i < n; i++) st(a + <usize>i * rowBytes + kb, 0);
  }
}

/**
 * Eigenvalues of the upper Hessenberg matrix at `a` (destroyed): Francis double-shift QR with
 * deflation on the active window only (EISPACK hqr). Real parts to `wr`, imaginary to `wi`.
 * Returns 0, or -1 when the iteration did not converge within 30 max(10, n) sweeps.
 */
export function hqr(a: usize, n: i32, wr: usize, wi: usize): i32 {
  const rb = <usize>n << 3;
  // A(i, j) address
  let anorm: f64 = 0;
  for (let i = 0; i < n; i++)
    for (let j = i > 0 ? i - 1 : 0; j < n; j++) anorm += abs<f64>(ld(a + <usize>i * rb + (<usize>j << 3)));
  let nn = n - 1;
  let t: f64 = 0;
  let total = 0;
  const maxTotal = 30 * (n > 10 ? n : 10);
  while (nn >= 0) {
    let its = 0;
    let l = 0;
    do {
      for (l = nn; l >= 1; l--) {
        let s = abs<f64>(ld(a + <usize>(l - 1) * rb + (<usize>(l - 1) << 3))) + abs<f64>(ld(a + <usize>l * rb + (<usize>l << 3)));
        if (s == 0) s = anorm;
        // Never relative to less than a thousandth of the norm (DEFLATION_FLOOR in linalg-common.ts):
        // rounding-level blocks, as in a relu network's Jacobian, must deflate.
        if (s < 1e-3 * anorm) s = 1e-3 * anorm;
        if (abs<f64>(ld(a + <usize>l * rb + (<usize>(l - 1) << 3))) <= EPS * s) {
          st(a + <usize>l * rb + (<usize>(l - 1) << 3), 0);
          break;
        }
      }
      if (l < 0) l = 0;
      let x = ld(a + <usize>nn * rb + (<usize>nn << 3));
      if (l == nn) {
        st(wr + (<usize>nn << 3), x + t);
        st(wi + (<usize>nn << 3), 0);
        nn--;
      } else {
        let y = ld(a + <usize>(nn - 1) * rb + (<usize>(nn - 1) << 3));
        let w = ld(a + <usize>nn * rb + (<usize>(nn - 1) << 3)) * ld(a + <usize>(nn - 1) * rb + (<usize>nn << 3));
        if (l == nn - 1) {
          const p = 0.5 * (y - x);
          const q = p * p + w;
          let z = sqrt<f64>(abs<f64>(q));
          x += t;
          if (q >= 0) {
            z = p + (p >= 0 ? z : -z);
            st(wr + (<usize>(nn - 1) << 3), x + z);
            st(wr + (<usize>nn << 3), z != 0 ? x - w / z : x + z);
            st(wi + (<usize>(nn - 1) << 3), 0);
            st(wi + (<usize>nn << 3), 0);
          } else {
            st(wr + (<usize>(nn - 1) << 3), x + p);
            st(wr + (<usize>nn << 3), x + p);
            st(wi + (<usize>(nn - 1) << 3), z);
            st(wi + (<usize>nn << 3), -z);
          }
          nn -= 2;
        } else {
          if (total >= maxTotal) return -1;
          if (its > 0 && its % 10 == 0) {
            t += x;
            for (let i = 0; i <= nn; i++) {
              const p = a + <usize>i * rb + (<usize>i << 3);
              st(p, ld(p) - x);
            }
            const s = abs<f64>(ld(a + <usize>nn * rb + (<usize>(nn - 1) << 3))) + abs<f64>(ld(a + <usize>(nn - 1) * rb + (<usize>(nn - 2) << 3)));
            x = 0.75 * s;
            y = x;
            w = -0.4375 * s * s;
          }
          its++;
          total++;
          let m = nn - 2;
          let p: f64 = 0;
          let q: f64 = 0;
          let r: f64 = 0;
          let z: f64 = 0;
          for (; m >= l; m--) {
            const mm = a + <usize>m * rb + (<usize>m << 3); // A(m, m)
            z = ld(mm);
            r = x - z;
            let s = y - z;
            p = (r * s - w) / ld(mm + rb) + ld(mm + 8);
            q = ld(mm + rb + 8) - z - r - s;
            r = ld(mm + 2 * rb + 8);
            s = abs<f64>(p) + abs<f64>(q) + abs<f64>(r);
            p /= s;
            q /= s;
            r /= s;
            if (m == l) break;
            const u = abs<f64>(ld(mm - 8)) * (abs<f64>(q) + abs<f64>(r));
            const vv = abs<f64>(p) * (abs<f64>(ld(mm - rb - 8)) + abs<f64>(z) + abs<f64>(ld(mm + rb + 8)));
            if (u <= EPS * vv) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            st(a + <usize>i * rb + (<usize>(i - 2) << 3), 0);
            if (i != m + 2) st(a + <usize>i * rb + (<usize>(i - 3) << 3), 0);
          }
          for (let k = m; k <= nn - 1; k++) {
            const last = k == nn - 1;
            if (k != m) {
              p = ld(a + <usize>k * rb + (<usize>(k - 1) << 3));
              q = ld(a + <usize>(k + 1) * rb + (<usize>(k - 1) << 3));
              r = last ? 0 : ld(a + <usize>(k + 2) * rb + (<usize>(k - 1) << 3));
              x = abs<f64>(p) + abs<f64>(q) + abs<f64>(r);
              if (x != 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            const sq = sqrt<f64>(p * p + q * q + r * r);
            const s: f64 = p >= 0 ? sq : -sq;
            if (s == 0) continue;
            const kk1 = a + <usize>k * rb + (<usize>(k - 1) << 3);
            if (k == m) {
              if (l != m) st(kk1, -ld(kk1));
            } else st(kk1, -s * x);
            p += s;
            x = p / s;
            y = q / s;
            z = r / s;
            q /= p;
            r /= p;
            // Rows k, k+1 (, k+2), columns k..nn.
            const r0 = a + <usize>k * rb;
            const r1 = r0 + rb;
            const r2 = r1 + rb;
            let j = k;
            if (!last) {
              const qv = f64x2.splat(q), rv = f64x2.splat(r), xv = f64x2.splat(x), yv = f64x2.splat(y), zv = f64x2.splat(z);
              for (; j + 1 <= nn; j += 2) {
                const o = <usize>j << 3;
                const a0 = v128.load(r0 + o), a1 = v128.load(r1 + o), a2 = v128.load(r2 + o);
                const pp = f64x2.add(f64x2.add(a0, f64x2.mul(qv, a1)), f64x2.mul(rv, a2));
                v128.store(r2 + o, f64x2.sub(a2, f64x2.mul(pp, zv)));
                v128.store(r1 + o, f64x2.sub(a1, f64x2.mul(pp, yv)));
                v128.store(r0 + o, f64x2.sub(a0, f64x2.mul(pp, xv)));
              }
              for (; j <= nn; j++) {
                const o = <usize>j << 3;
                const pp = ld(r0 + o) + q * ld(r1 + o) + r * ld(r2 + o);
                st(r2 + o, ld(r2 + o) - pp * z);
                st(r1 + o, ld(r1 + o) - pp * y);
                st(r0 + o, ld(r0 + o) - pp * x);
              }
            } else {
              for (; j <= nn; j++) {
                const o = <usize>j << 3;
                const pp = ld(r0 + o) + q * ld(r1 + o);
                st(r1 + o, ld(r1 + o) - pp * y);
                st(r0 + o, ld(r0 + o) - pp * x);
              }
            }
            // Columns k, k+1 (, k+2), rows l..min(nn, k+3).
            const mmin = nn < k + 3 ? nn : k + 3;
            for (let i = l; i <= mmin; i++) {
              const o = a + <usize>i * rb + (<usize>k << 3);
              if (!last) {
                const pp = x * ld(o) + y * ld(o + 8) + z * ld(o + 16);
                st(o + 16, ld(o + 16) - pp * r);
                st(o + 8, ld(o + 8) - pp * q);
                st(o, ld(o) - pp);
              } else {
                const pp = x * ld(o) + y * ld(o + 8);
                st(o + 8, ld(o + 8) - pp * q);
                st(o, ld(o) - pp);
              }
            }
          }
        }
      }
    } while (nn >= 0 && l < nn - 1);
  }
  return 0;
}

/**
 * Upper triangle (j >= i, in 4 x 2 blocks, so a few entries below the diagonal too) of
 * C = X X^T for X at `x`, n rows of m float64 (the centred data transposed: one row per unit).
 * `c` is n x n. The k loop is cut in panels of `PANEL` so the four rows of a block stay in L1.
 */
const PANEL: i32 = 512;
export function gram(x: usize, n: i32, m: i32, c: usize): void {
  const rb = <usize>m << 3;
  const cb = <usize>n << 3;
  memory.fill(c, 0, <usize>n * cb);
  for (let k0 = 0; k0 < m; k0 += PANEL) {
    const k1 = k0 + PANEL < m ? k0 + PANEL : m;
    const kv = k0 + ((k1 - k0) & ~1); // even part, the rest scalar
    for (let i = 0; i < n; i += 4) {
      const ni = n - i < 4 ? n - i : 4;
      const xi0 = x + <usize>i * rb;
      const xi1 = ni > 1 ? xi0 + rb : xi0;
      const xi2 = ni > 2 ? xi0 + 2 * rb : xi0;
      const xi3 = ni > 3 ? xi0 + 3 * rb : xi0;
      for (let j = i; j < n; j += 2) {
        const xj0 = x + <usize>j * rb;
        const xj1 = j + 1 < n ? xj0 + rb : xj0;
        let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
        let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
        for (let k = k0; k < kv; k += 2) {
          const o = <usize>k << 3;
          const b0 = v128.load(xj0 + o), b1 = v128.load(xj1 + o);
          const a0 = v128.load(xi0 + o);
          c00 = f64x2.add(c00, f64x2.mul(a0, b0));
          c01 = f64x2.add(c01, f64x2.mul(a0, b1));
          const a1 = v128.load(xi1 + o);
          c10 = f64x2.add(c10, f64x2.mul(a1, b0));
          c11 = f64x2.add(c11, f64x2.mul(a1, b1));
          const a2 = v128.load(xi2 + o);
          c20 = f64x2.add(c20, f64x2.mul(a2, b0));
          c21 = f64x2.add(c21, f64x2.mul(a2, b1));
          const a3 = v128.load(xi3 + o);
          c30 = f64x2.add(c30, f64x2.mul(a3, b0));
          c31 = f64x2.add(c31, f64x2.mul(a3, b1));
        }
        let s00 = f64x2.extract_lane(c00, 0) + f64x2.extract_lane(c00, 1);
        let s01 = f64x2.extract_lane(c01, 0) + f64x2.extract_lane(c01, 1);
        let s10 = f64x2.extract_lane(c10, 0) + f64x2.extract_lane(c10, 1);
        let s11 = f64x2.extract_lane(c11, 0) + f64x2.extract_lane(c11, 1);
        let s20 = f64x2.extract_lane(c20, 0) + f64x2.extract_lane(c20, 1);
        let s21 = f64x2.extract_lane(c21, 0) + f64x2.extract_lane(c21, 1);
        let s30 = f64x2.extract_lane(c30, 0) + f64x2.extract_lane(c30, 1);
        let s31 = f64x2.extract_lane(c31, 0) + f64x2.extract_lane(c31, 1);
        for (let k = kv; k < k1; k++) {
          const o = <usize>k << 3;
          const b0 = ld(xj0 + o), b1 = ld(xj1 + o);
          const a0 = ld(xi0 + o), a1 = ld(xi1 + o), a2 = ld(xi2 + o), a3 = ld(xi3 + o);
          s00 += a0 * b0; s01 += a0 * b1; s10 += a1 * b0; s11 += a1 * b1;
          s20 += a2 * b0; s21 += a2 * b1; s30 += a3 * b0; s31 += a3 * b1;
        }
        const two = j + 1 < n;
        const p0 = c + <usize>i * cb + (<usize>j << 3);
        st(p0, ld(p0) + s00);
        if (two) st(p0 + 8, ld(p0 + 8) + s01);
        if (ni > 1) {
          const p1 = p0 + cb;
          st(p1, ld(p1) + s10);
          if (two) st(p1 + 8, ld(p1 + 8) + s11);
        }
        if (ni > 2) {
          const p2 = p0 + 2 * cb;
          st(p2, ld(p2) + s20);
          if (two) st(p2 + 8, ld(p2 + 8) + s21);
        }
        if (ni > 3) {
          const p3 = p0 + 3 * cb;
          st(p3, ld(p3) + s30);
          if (two) st(p3 + 8, ld(p3 + 8) + s31);
        }
      }
    }
  }
}

/**
 * Householder tridiagonalisation of the symmetric n x n matrix at `a` (destroyed). Writes the
 * diagonal to `d`, the subdiagonal to `e` (e[i] = T[i+1][i]), the Householder vectors to the rows of
 * `vv` (n x n, row k holds v_k in entries k+1..) and their betas to `beta` (0: no reflection).
 * `p` is a scratch vector of n float64. The same steps as tridiagonalize() in ../linalg.ts.
 */
export function tridiag(a: usize, n: i32, vv: usize, beta: usize, d: usize, e: usize, p: usize): void {
  const rb = <usize>n << 3;
  for (let k = 0; k < n - 2; k++) {
    const vo = vv + <usize>k * rb;
    const kb = <usize>k << 3;
    let scale: f64 = 0;
    for (let i = k + 1; i < n; i++) scale += abs<f64>(ld(a + <usize>i * rb + kb));
    st(d + kb, ld(a + <usize>k * rb + kb));
    st(beta + kb, 0);
    if (scale == 0) {
      st(e + kb, 0);
      continue;
    }
    let h: f64 = 0;
    for (let i = k + 1; i < n; i++) {
      const x = ld(a + <usize>i * rb + kb) / scale;
      st(vo + (<usize>i << 3), x);
      h += x * x;
    }
    const k1 = <usize>(k + 1) << 3;
    const x0 = ld(vo + k1);
    const g: f64 = x0 > 0 ? -sqrt<f64>(h) : sqrt<f64>(h);
    const b = h - x0 * g;
    st(e + kb, g * scale);
    if (b == 0) continue;
    st(vo + k1, x0 - g);
    st(beta + kb, b);
    const inv = 1 / b;
    const len = n - k - 1;
    let pv: f64 = 0;
    for (let i = k + 1; i < n; i++) {
      const s = dot(a + <usize>i * rb + k1, vo + k1, len) * inv;
      st(p + (<usize>i << 3), s);
      pv += s * ld(vo + (<usize>i << 3));
    }
    const K = (pv * inv) / 2;
    axpy(p + k1, vo + k1, -K, len);
    for (let i = k + 1; i < n; i++) {
      const r = a + <usize>i * rb + k1;
      const vi = f64x2.splat(ld(vo + (<usize>i << 3)));
      const wi = f64x2.splat(ld(p + (<usize>i << 3)));
      let j = 0;
      for (; j + 1 < len; j += 2) {
        const o = <usize>j << 3;
        const t = f64x2.add(f64x2.mul(vi, v128.load(p + k1 + o)), f64x2.mul(wi, v128.load(vo + k1 + o)));
        v128.store(r + o, f64x2.sub(v128.load(r + o), t));
      }
      if (j < len) {
        const o = <usize>j << 3;
        st(r + o, ld(r + o) - (f64x2.extract_lane(vi, 0) * ld(p + k1 + o) + f64x2.extract_lane(wi, 0) * ld(vo + k1 + o)));
      }
    }
  }
  if (n >= 2) {
    st(d + (<usize>(n - 2) << 3), ld(a + <usize>(n - 2) * rb + (<usize>(n - 2) << 3)));
    st(e + (<usize>(n - 2) << 3), ld(a + <usize>(n - 1) * rb + (<usize>(n - 2) << 3)));
    st(beta + (<usize>(n - 2) << 3), 0);
  }
  if (n >= 1) {
    st(d + (<usize>(n - 1) << 3), ld(a + <usize>(n - 1) * rb + (<usize>(n - 1) << 3)));
    st(e + (<usize>(n - 1) << 3), 0);
    st(beta + (<usize>(n - 1) << 3), 0);
  }
}

/**
 * Solve A x = b for the n x n matrix at `a` (destroyed: it becomes U and the multipliers) by LU
 * with partial pivoting (the largest |a[i][j]| of the column, as LINPACK and ml-matrix choose),
 * eliminating row by row so every update is one contiguous axpy. `b` (n float64) becomes x.
 * Returns 1, with b undefined, when a pivot is exactly 0 (singular), else 0.
 */
export function luSolve(a: usize, n: i32, b: usize): i32 {
  const rb = <usize>n << 3;
  for (let j = 0; j < n; j++) {
    const cj = <usize>j << 3;
    let p = j;
    let mx = Math.abs(ld(a + <usize>j * rb + cj));
    for (let i = j + 1; i < n; i++) {
      const v = Math.abs(ld(a + <usize>i * rb + cj));
      if (v > mx) {
        mx = v;
        p = i;
      }
    }
    if (mx == 0) return 1;
    const rowj = a + <usize>j * rb;
    if (p != j) {
      const rowp = a + <usize>p * rb;
      for (let k = 0; k < n; k++) {
        const o = <usize>k << 3;
        const t = ld(rowp + o);
        st(rowp + o, ld(rowj + o));
        st(rowj + o, t);
      }
      const t = ld(b + (<usize>p << 3));
      st(b + (<usize>p << 3), ld(b + cj));
      st(b + cj, t);
    }
    const d = ld(rowj + cj);
    const bj = ld(b + cj);
    const rest = n - j - 1;
    for (let i = j + 1; i < n; i++) {
      const rowi = a + <usize>i * rb;
      const l = ld(rowi + cj) / d;
      st(rowi + cj, l);
      if (l != 0) {
        axpy(rowi + cj + 8, rowj + cj + 8, -l, rest);
        st(b + (<usize>i << 3), ld(b + (<usize>i << 3)) - l * bj);
      }
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const rowi = a + <usize>i * rb;
    const ci = <usize>i << 3;
    const s = ld(b + ci) - dot(rowi + ci + 8, b + ci + 8, n - i - 1);
    st(b + ci, s / ld(rowi + ci));
  }
  return 0;
}
