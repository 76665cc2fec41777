// AssemblyScript source of qr.wasm: the Householder QR behind the orthogonal initialiser
// (nodes/model/qr.ts), blocked the LAPACK way (dgeqrf + dorgqr, compact WY: H_k0 ... H_k0+NB-1 =
// I - V T V^T) so that almost all of the work is two matrix products per panel, in WebAssembly with
// 128-bit SIMD (two float64 per instruction). Built by `npm run build:qr-wasm`
// (scripts/build-as-module.mjs qr); the bytes are committed as qr-wasm.generated.ts and a test checks that
// rebuilding gives the same bytes.
//
// Every SIMD loop runs across independent output entries (columns), never across the terms of one
// sum, so each entry is summed in the same order as the plain loops of the TypeScript twin in
// ../qr.ts: the two give the same float64 bits (a test holds them to it). No fused multiply-add
// exists in WebAssembly SIMD, so nothing is contracted either.
//
// Conventions: matrices are row-major float64, pointers are byte offsets that ../qr.ts lays out; no
// allocation, no runtime (--runtime stub).

/** Reflectors per panel (LAPACK's dgeqrf block size). */
const NB: i32 = 32;
/** Below this many trailing columns the rest is factored unblocked (LAPACK's crossover, 128). */
const NX: i32 = 128;
/** Rows of V^T C accumulated per pass, so the panel of V they use stays in L1. */
const RB: i32 = 128;

@inline function ld(p: usize): f64 {
  return load<f64>(p);
}
@inline function st(p: usize, x: f64): void {
  store<f64>(p, x);
}

/** y[0..len) += s * x[0..len), entry by entry. */
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

/** y[0..len) *= s */
@inline function scal(y: usize, s: f64, len: i32): void {
  const sv = f64x2.splat(s);
  let j = 0;
  for (; j + 1 < len; j += 2) {
    const o = <usize>j << 3;
    v128.store(y + o, f64x2.mul(sv, v128.load(y + o)));
  }
  if (j < len) {
    const o = <usize>j << 3;
    st(y + o, s * ld(y + o));
  }
}

/**
 * Unblocked Householder QR (dgeqr2) of the n x n matrix at `a`: reflectors k in [k0, k1) on rows
 * k.., each applied to the columns (k, c1) only. v_k is stored below the diagonal (v_k[k] = 1
 * implied), beta_k = R[k][k] on it, tau_k in `tau`. `w` is scratch of n float64.
 */
function geqr2(a: usize, lda: i32, n: i32, k0: i32, k1: i32, c1: i32, tau: usize, w: usize): void {
  const rb = <usize>lda << 3;
  for (let k = k0; k < k1; k++) {
    const kb = <usize>k << 3;
    let norm2: f64 = 0;
    for (let i = k; i < n; i++) {
      const x = ld(a + <usize>i * rb + kb);
      norm2 += x * x;
    }
    const alpha = ld(a + <usize>k * rb + kb);
    const norm = sqrt<f64>(norm2);
    st(tau + kb, 0);
    if (norm == 0) continue; // tau = 0: H = I
    const beta: f64 = alpha >= 0 ? -norm : norm;
    const scale = 1 / (alpha - beta);
    for (let i = k + 1; i < n; i++) {
      const p = a + <usize>i * rb + kb;
      st(p, ld(p) * scale);
    }
    st(a + <usize>k * rb + kb, beta);
    const t = (beta - alpha) / beta;
    st(tau + kb, t);
    const len = c1 - k - 1;
    if (len <= 0) continue;
    // A[k:, k+1:c1] -= t v (v^T A[k:, k+1:c1])
    const j0 = <usize>(k + 1) << 3;
    memory.fill(w + j0, 0, <usize>len << 3);
    for (let i = k; i < n; i++) {
      const vi = i == k ? 1.0 : ld(a + <usize>i * rb + kb);
      axpy(w + j0, a + <usize>i * rb + j0, vi, len);
    }
    for (let i = k; i < n; i++) {
      const f = t * (i == k ? 1.0 : ld(a + <usize>i * rb + kb));
      axpy(a + <usize>i * rb + j0, w + j0, -f, len);
    }
  }
}

/**
 * Q[k1-1 ..][k1-1 ..] down to Q[k0..][k0..] := H_k Q (dorg2r), reflectors k = k1-1 down to k0, for
 * a Q that is the identity outside Q[k1..][k1..].
 */
function org2r(a: usize, q: usize, lda: i32, n: i32, k0: i32, k1: i32, tau: usize, w: usize): void {
  const rb = <usize>lda << 3;
  for (let k = k1 - 1; k >= k0; k--) {
    const kb = <usize>k << 3;
    const t = ld(tau + kb);
    if (t == 0) continue;
    const len = n - k;
    memory.fill(w + kb, 0, <usize>len << 3);
    for (let i = k; i < n; i++) {
      const vi = i == k ? 1.0 : ld(a + <usize>i * rb + kb);
      axpy(w + kb, q + <usize>i * rb + kb, vi, len);
    }
    for (let i = k; i < n; i++) {
      const f = t * (i == k ? 1.0 : ld(a + <usize>i * rb + kb));
      axpy(q + <usize>i * rb + kb, w + kb, -f, len);
    }
  }
}

/** V (rows k0.. of the panel's columns, unit diagonal and zeros above made explicit) into vp [(n-k0) x NB]. */
function pack(a: usize, lda: i32, n: i32, k0: i32, vp: usize): void {
  const rb = <usize>lda << 3;
  for (let r = 0; r < n - k0; r++) {
    const src = a + <usize>(k0 + r) * rb + (<usize>k0 << 3);
    const dst = vp + <usize>r * (<usize>NB << 3);
    for (let p = 0; p < NB; p++) st(dst + (<usize>p << 3), p > r ? 0.0 : p == r ? 1.0 : ld(src + (<usize>p << 3)));
  }
}

/**
 * The NB x NB upper triangular T with H_k0 ... H_k0+NB-1 = I - V T V^T (dlarft, forward,
 * columnwise): T[i][i] = tau_i, T[0:i, i] = -tau_i T[0:i, 0:i] (V^T v_i)[0:i]. `g` is NB x NB scratch.
 */
function larft(vp: usize, rows: i32, tau: usize, t: usize, g: usize): void {
  const nbb = <usize>NB << 3;
  memory.fill(g, 0, <usize>NB * nbb);
  memory.fill(t, 0, <usize>NB * nbb);
  // G = V^T V (strict upper part), one pass over the rows.
  for (let r = 0; r < rows; r++) {
    const v = vp + <usize>r * nbb;
    for (let p = 0; p < NB - 1; p++) axpy(g + <usize>p * nbb + (<usize>(p + 1) << 3), v + (<usize>(p + 1) << 3), ld(v + (<usize>p << 3)), NB - 1 - p);
  }
  for (let i = 0; i < NB; i++) {
    const ti = ld(tau + (<usize>i << 3));
    st(t + <usize>i * nbb + (<usize>i << 3), ti);
    for (let p = 0; p < i; p++) {
      let s: f64 = 0;
      for (let q = p; q < i; q++) s += ld(t + <usize>p * nbb + (<usize>q << 3)) * ld(g + <usize>q * nbb + (<usize>i << 3));
      st(t + <usize>p * nbb + (<usize>i << 3), -ti * s);
    }
  }
}

/**
 * W [NB x m] = V^T C, C the `rows` x m block at `c` (row stride n). Each W entry sums its rows in
 * order; the rows are cut in passes of RB and the columns in strips of 8, two W rows at a time, so
 * one pass keeps its strip of C and its rows of V in cache.
 */
function gemmTN(vp: usize, rows: i32, c: usize, lda: i32, m: i32, w: usize, wld: i32): void {
  const rb = <usize>lda << 3;
  const nbb = <usize>NB << 3;
  const wb = <usize>wld << 3;
  memory.fill(w, 0, <usize>NB * wb);
  const m8 = m & ~7;
  for (let r0 = 0; r0 < rows; r0 += RB) {
    const r1 = r0 + RB < rows ? r0 + RB : rows;
    for (let j = 0; j < m8; j += 8) {
      const jb = <usize>j << 3;
      for (let p = 0; p < NB; p += 2) {
        const w0 = w + <usize>p * wb + jb;
        const w1 = w0 + wb;
        let a00 = v128.load(w0), a01 = v128.load(w0 + 16), a02 = v128.load(w0 + 32), a03 = v128.load(w0 + 48);
        let a10 = v128.load(w1), a11 = v128.load(w1 + 16), a12 = v128.load(w1 + 32), a13 = v128.load(w1 + 48);
        let cr = c + <usize>r0 * rb + jb;
        let vr = vp + <usize>r0 * nbb + (<usize>p << 3);
        for (let r = r0; r < r1; r++) {
          const c0 = v128.load(cr), c1 = v128.load(cr + 16), c2 = v128.load(cr + 32), c3 = v128.load(cr + 48);
          const v0 = f64x2.splat(ld(vr)), v1 = f64x2.splat(ld(vr + 8));
          a00 = f64x2.add(a00, f64x2.mul(v0, c0));
          a01 = f64x2.add(a01, f64x2.mul(v0, c1));
          a02 = f64x2.add(a02, f64x2.mul(v0, c2));
          a03 = f64x2.add(a03, f64x2.mul(v0, c3));
          a10 = f64x2.add(a10, f64x2.mul(v1, c0));
          a11 = f64x2.add(a11, f64x2.mul(v1, c1));
          a12 = f64x2.add(a12, f64x2.mul(v1, c2));
          a13 = f64x2.add(a13, f64x2.mul(v1, c3));
          cr += rb;
          vr += nbb;
        }
        v128.store(w0, a00); v128.store(w0 + 16, a01); v128.store(w0 + 32, a02); v128.store(w0 + 48, a03);
        v128.store(w1, a10); v128.store(w1 + 16, a11); v128.store(w1 + 32, a12); v128.store(w1 + 48, a13);
      }
    }
    for (let j = m8; j < m; j++) {
      const jb = <usize>j << 3;
      for (let p = 0; p < NB; p++) {
        const wp = w + <usize>p * wb + jb;
        let s = ld(wp);
        for (let r = r0; r < r1; r++) s += ld(vp + <usize>r * nbb + (<usize>p << 3)) * ld(c + <usize>r * rb + jb);
        st(wp, s);
      }
    }
  }
}

/** W := T^T W (upper), in place from the last row up: row p needs the original rows 0..p. */
function trmmT(t: usize, w: usize, wld: i32, m: i32): void {
  const nbb = <usize>NB << 3;
  const wb = <usize>wld << 3;
  for (let p = NB - 1; p >= 0; p--) {
    const wp = w + <usize>p * wb;
    scal(wp, ld(t + <usize>p * nbb + (<usize>p << 3)), m);
    for (let q = 0; q < p; q++) axpy(wp, w + <usize>q * wb, ld(t + <usize>q * nbb + (<usize>p << 3)), m);
  }
}

/** W := T W (upper), in place from the first row down: row p needs the original rows p..NB-1. */
function trmm(t: usize, w: usize, wld: i32, m: i32): void {
  const nbb = <usize>NB << 3;
  const wb = <usize>wld << 3;
  for (let p = 0; p < NB; p++) {
    const wp = w + <usize>p * wb;
    scal(wp, ld(t + <usize>p * nbb + (<usize>p << 3)), m);
    for (let q = p + 1; q < NB; q++) axpy(wp, w + <usize>q * wb, ld(t + <usize>p * nbb + (<usize>q << 3)), m);
  }
}

/** C -= V W for C the `rows` x m block at `c` (row stride n); each entry subtracts its NB terms in order. */
function gemmSub(c: usize, lda: i32, vp: usize, rows: i32, w: usize, wld: i32, m: i32): void {
  const rb = <usize>lda << 3;
  const nbb = <usize>NB << 3;
  const wb = <usize>wld << 3;
  const m8 = m & ~7;
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    const c0r = c + <usize>r * rb;
    const c1r = c0r + rb;
    const v0r = vp + <usize>r * nbb;
    const v1r = v0r + nbb;
    for (let j = 0; j < m8; j += 8) {
      const jb = <usize>j << 3;
      let a00 = v128.load(c0r + jb), a01 = v128.load(c0r + jb + 16), a02 = v128.load(c0r + jb + 32), a03 = v128.load(c0r + jb + 48);
      let a10 = v128.load(c1r + jb), a11 = v128.load(c1r + jb + 16), a12 = v128.load(c1r + jb + 32), a13 = v128.load(c1r + jb + 48);
      let wp = w + jb;
      for (let p = 0; p < NB; p++) {
        const w0 = v128.load(wp), w1 = v128.load(wp + 16), w2 = v128.load(wp + 32), w3 = v128.load(wp + 48);
        const pb = <usize>p << 3;
        const v0 = f64x2.splat(ld(v0r + pb)), v1 = f64x2.splat(ld(v1r + pb));
        a00 = f64x2.sub(a00, f64x2.mul(v0, w0));
        a01 = f64x2.sub(a01, f64x2.mul(v0, w1));
        a02 = f64x2.sub(a02, f64x2.mul(v0, w2));
        a03 = f64x2.sub(a03, f64x2.mul(v0, w3));
        a10 = f64x2.sub(a10, f64x2.mul(v1, w0));
        a11 = f64x2.sub(a11, f64x2.mul(v1, w1));
        a12 = f64x2.sub(a12, f64x2.mul(v1, w2));
        a13 = f64x2.sub(a13, f64x2.mul(v1, w3));
        wp += wb;
      }
      v128.store(c0r + jb, a00); v128.store(c0r + jb + 16, a01); v128.store(c0r + jb + 32, a02); v128.store(c0r + jb + 48, a03);
      v128.store(c1r + jb, a10); v128.store(c1r + jb + 16, a11); v128.store(c1r + jb + 32, a12); v128.store(c1r + jb + 48, a13);
    }
    subTail(c0r, v0r, w, wld, m8, m);
    subTail(c1r, v1r, w, wld, m8, m);
  }
  if (r < rows) subTail(c + <usize>r * rb, vp + <usize>r * nbb, w, wld, 0, m);
}

/** C[r, j0:m] -= V[r, :] W[:, j0:m], one row, entry by entry. */
function subTail(cr: usize, vr: usize, w: usize, wld: i32, j0: i32, m: i32): void {
  const wb = <usize>wld << 3;
  for (let j = j0; j < m; j++) {
    const jb = <usize>j << 3;
    let s = ld(cr + jb);
    for (let p = 0; p < NB; p++) s -= ld(vr + (<usize>p << 3)) * ld(w + <usize>p * wb + jb);
    st(cr + jb, s);
  }
}

/**
 * A row stride for `cols` float64 that is an odd number of 64-byte lines: a power-of-two stride
 * (32 kB at n = 4096) maps every row of a column strip to the same few cache sets, which made the
 * products run from L3 instead of L1/L2.
 */
export function stride(cols: i32): i32 {
  const lines = (cols + 7) >> 3;
  return ((lines & 1) == 0 ? lines + 1 : lines) << 3;
}

/** Scratch the caller lays out for n (in float64): tau, w, vp, t, g, wk, one after the other. */
export function scratchLength(n: i32): i32 {
  const panels = n / NB + 1;
  return 2 * n + n * NB + panels * NB * NB + NB * NB + NB * stride(n);
}

/**
 * Q of the Householder QR A = Q R of the n x n matrix at `a` (row stride `lda`; destroyed: R on and
 * above its diagonal, the reflectors below), into `q` (row stride lda); R's diagonal stays on a's
 * diagonal. `s` is scratchLength(n) float64. Panels of NB columns are factored unblocked and
 * applied to the trailing columns as I - V T^T V^T (two products); once fewer than NB + NX columns
 * remain the rest is unblocked. Q is then accumulated backwards the same way (the unblocked tail
 * first, then the panels in reverse).
 */
export function qr(a: usize, q: usize, lda: i32, n: i32, s: usize): void {
  const rb = <usize>lda << 3;
  const nbb = <usize>NB << 3;
  const tau = s;
  const w = tau + (<usize>n << 3);
  const vp = w + (<usize>n << 3);
  const ts = vp + <usize>n * nbb;
  const g = ts + <usize>(n / NB + 1) * <usize>NB * nbb;
  const wk = g + <usize>NB * nbb;
  let k0 = 0;
  for (; k0 + NB + NX <= n; k0 += NB) {
    geqr2(a, lda, n, k0, k0 + NB, k0 + NB, tau, w);
    pack(a, lda, n, k0, vp);
    const t = ts + <usize>(k0 / NB) * <usize>NB * nbb;
    larft(vp, n - k0, tau + (<usize>k0 << 3), t, g);
    const m = n - k0 - NB;
    const c = a + <usize>k0 * rb + (<usize>(k0 + NB) << 3);
    const wld = stride(m);
    gemmTN(vp, n - k0, c, lda, m, wk, wld);
    trmmT(t, wk, wld, m);
    gemmSub(c, lda, vp, n - k0, wk, wld, m);
  }
  const tail = k0;
  geqr2(a, lda, n, tail, n - 1, n, tau, w);
  memory.fill(q, 0, <usize>n * rb);
  for (let i = 0; i < n; i++) st(q + <usize>i * rb + (<usize>i << 3), 1);
  org2r(a, q, lda, n, tail, n - 1, tau, w);
  for (k0 = tail - NB; k0 >= 0; k0 -= NB) {
    pack(a, lda, n, k0, vp);
    const t = ts + <usize>(k0 / NB) * <usize>NB * nbb;
    const m = n - k0;
    const c = q + <usize>k0 * rb + (<usize>k0 << 3);
    const wld = stride(m);
    gemmTN(vp, n - k0, c, lda, m, wk, wld);
    trmm(t, wk, wld, m);
    gemmSub(c, lda, vp, n - k0, wk, wld, m);
  }
}
