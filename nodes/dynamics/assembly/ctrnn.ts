// AssemblyScript source of the fused CTRNN kernel (compiled by scripts/build-kernel.mjs to
// nodes/dynamics/ctrnn.wasm and nodes/dynamics/ctrnn-wasm.ts). One call runs the forward pass over
// all T steps of one batch chunk, the masked-MSE loss, the whole BPTT and every weight gradient.
//
// Layout (all f32, row-major, byte pointers laid out by the JS side, nodes/dynamics/fused.ts):
//   Np = N rounded up to 8 (padded units have zero weights in and out, so they never influence
//   the real ones; their gradients are dropped), Bc = chunk rows (a multiple of 4; padded rows have
//   zero mask and zero input, so they add nothing).
//   WTp, Wp: W_rec^T (forward) and W_rec (backward) as the B operand of C += A B, packed in panels of
//   8 columns, [Np / 8][Np][8], so the product's inner loop reads one contiguous stream of B
//   WinT [I, Np], bvec [Np], Wout [O, Np], bOut [O]
//   X [T, Bc, I], Y [T, Bc, O], M [T, Bc], noise [T, Bc, Np]
//   H [T, Bc, Np] states, A [T, Bc, Np] activations (overwritten by dL/dpre in the backward sweep);
//   when alpha = 1 and there is no noise, h_t = a_t, so the activations are written to H only and A
//   holds just dL/dpre (one pass over T * Bc * Np floats less each way)
//   PK [2, KB, Np] scratch: the packed panels of the weight-gradient product
//
// Built twice (scripts/build-kernel.mjs): with plain SIMD, and with relaxed SIMD, where every
// multiply-add of the products and polynomials is one f32x4.relaxed_madd (a fused multiply-add on
// CPUs that have one). Both builds sum in the same order; they differ only in rounding, and a process
// uses one of them on every thread, so thread counts still give bit-identical results.
// Model:  pre_t = h_{t-1} W_rec^T + x_t W_in^T + b,  a_t = f(pre_t),
//         h_t = (1 - alpha) h_{t-1} + alpha a_t + noise_t,  y_t = h_t W_out^T + b_out.

import { activate, deriv4, madd } from './activations';

export { fpAdam } from './fixed-point';

// Rows of K per block of the weight-gradient product: both packed panels of a block (2 x KB x Np
// floats, 400 KB at Np = 200) stay in L2 while every 4x8 tile of the output sweeps them.
export const KB: i32 = 256;

export function heapBase(): usize {
  return __heap_base;
}

// --- small vector helpers ----------------------------------------------------------------------

/** y[0..n) += s x[0..n)  (n a multiple of 4). */
@inline function axpy(y: usize, x: usize, s: f32, n: i32): void {
  const sv = f32x4.splat(s);
  const end = y + (<usize>n << 2);
  for (; y < end; y += 16, x += 16) v128.store(y, f32x4.add(v128.load(y), f32x4.mul(sv, v128.load(x))));
}

/** Horizontal dot product of two float arrays of length n (multiple of 4), lanes summed in order. */
@inline function dot(x: usize, y: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  const end = x + (<usize>n << 2);
  for (; x < end; x += 16, y += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(x), v128.load(y)));
  return f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
}

// --- the products -------------------------------------------------------------------------------

/** One 4x8 tile over K: C[4, 8] += A[4, K] Bp[K, 8]; A rows `sam` bytes apart, stepping `sak` bytes per k; Bp contiguous. */
@inline function tile(K: i32, a: usize, sam: usize, sak: usize, b: usize, c: usize, ldc: usize): void {
  let c00 = v128.load(c);
  let c01 = v128.load(c, 16);
  let c10 = v128.load(c + ldc);
  let c11 = v128.load(c + ldc, 16);
  let c20 = v128.load(c + 2 * ldc);
  let c21 = v128.load(c + 2 * ldc, 16);
  let c30 = v128.load(c + 3 * ldc);
  let c31 = v128.load(c + 3 * ldc, 16);
  const end = b + (<usize>K << 5);
  for (; b < end; b += 32) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const x0 = v128.load32_splat(a);
    const x1 = v128.load32_splat(a + sam);
    const x2 = v128.load32_splat(a + 2 * sam);
    const x3 = v128.load32_splat(a + 3 * sam);
    c00 = madd(x0, b0, c00);
    c01 = madd(x0, b1, c01);
    c10 = madd(x1, b0, c10);
    c11 = madd(x1, b1, c11);
    c20 = madd(x2, b0, c20);
    c21 = madd(x2, b1, c21);
    c30 = madd(x3, b0, c30);
    c31 = madd(x3, b1, c31);
    a += sak;
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/**
 * C[M, Np] += A[M, K] B[K, Np] with A row-major (rows `lda` bytes apart) and B packed in panels of 8
 * columns ([Np / 8][K][8], see pack()). Panel by panel, so each panel (K x 32 bytes) is read from L2
 * once and reused by every 4-row tile of A from L1. M % 4 == 0, Np % 8 == 0.
 */
export function gemmP(M: i32, Np: i32, K: i32, A: usize, lda: usize, Bp: usize, C: usize, ldc: usize): void {
  const panelB = <usize>K << 5;
  for (let n0 = 0; n0 < Np; n0 += 8) {
    const b = Bp + <usize>(n0 >> 3) * panelB;
    const c = C + (<usize>n0 << 2);
    for (let m0 = 0; m0 < M; m0 += 4) tile(K, A + <usize>m0 * lda, lda, 4, b, c + <usize>m0 * ldc, ldc);
  }
}

/** Pack B [K, Np] (row-major, rows `ldb` bytes apart) into panels of 8 columns at Bp: [Np / 8][K][8]. */
export function pack(K: i32, Np: i32, B: usize, ldb: usize, Bp: usize): void {
  const panelB = <usize>K << 5;
  for (let k = 0; k < K; k++) {
    const src = B + <usize>k * ldb;
    let dst = Bp + (<usize>k << 5);
    for (let n0 = 0; n0 < Np; n0 += 8) {
      v128.store(dst, v128.load(src + (<usize>n0 << 2)));
      v128.store(dst, v128.load(src + (<usize>n0 << 2), 16), 16);
      dst += panelB;
    }
  }
}

/**
 * C[Np, Np] += sum over K rows r of P[r]^T Q[r] (P, Q row-major [K, Np]): the weight-gradient
 * product. Blocks of KB rows are packed (P in panels of 4 columns, Q in panels of 8) into PK, so the
 * tiles read two contiguous streams instead of two strided ones.
 */
export function gemmTN(Np: i32, K: i32, P: usize, Q: usize, C: usize, PK: usize): void {
  const rowB = <usize>Np << 2;
  const Pp = PK;
  const Qp = PK + <usize>KB * rowB;
  for (let k0 = 0; k0 < K; k0 += KB) {
    const kn = min(KB, K - k0);
    const panelP = <usize>kn << 4;
    for (let k = 0; k < kn; k++) {
      const src = P + <usize>(k0 + k) * rowB;
      let dst = Pp + (<usize>k << 4);
      for (let m0 = 0; m0 < Np; m0 += 4) {
        v128.store(dst, v128.load(src + (<usize>m0 << 2)));
        dst += panelP;
      }
    }
    pack(kn, Np, Q + <usize>k0 * rowB, rowB, Qp);
    const panelQ = <usize>kn << 5;
    for (let n0 = 0; n0 < Np; n0 += 8) {
      const b = Qp + <usize>(n0 >> 3) * panelQ;
      for (let m0 = 0; m0 < Np; m0 += 4)
        tile(kn, Pp + <usize>(m0 >> 2) * panelP, 4, 16, b, C + <usize>m0 * rowB + (<usize>n0 << 2), rowB);
    }
  }
}

// --- forward ------------------------------------------------------------------------------------

/**
 * States H and activations A over all T steps (noise = 0: none). WTp is W_rec^T packed (pack()).
 * `alias` (only when alpha = 1 and noise = 0, where the activations are the states): the activations
 * go to H and A is not touched.
 */
export function forward(
  T: i32, Bc: i32, Np: i32, I: i32, act: i32, alpha: f32, alias: bool,
  WTp: usize, WinT: usize, bvec: usize, X: usize, noise: usize, H: usize, A: usize,
): void {
  const rowB = <usize>Np << 2;
  const stepB = <usize>Bc * rowB;
  const n = Bc * Np;
  const leak = f32x4.splat(1 - alpha);
  const al = f32x4.splat(alpha);
  for (let t = 0; t < T; t++) {
    const Ht = H + <usize>t * stepB;
    const At = alias ? Ht : A + <usize>t * stepB;
    for (let b = 0; b < Bc; b++) {
      const dst = At + <usize>b * rowB;
      memory.copy(dst, bvec, rowB);
      const xr = X + (<usize>(t * Bc + b) * <usize>I << 2);
      for (let k = 0; k < I; k++) {
        const xk = load<f32>(xr + (<usize>k << 2));
        if (xk != 0) axpy(dst, WinT + <usize>k * rowB, xk, Np);
      }
    }
    if (t > 0) gemmP(Bc, Np, Np, Ht - stepB, rowB, WTp, At, rowB);
    activate(At, n, act);
    if (!alias) {
      const end = <usize>n << 2;
      const nz = noise + <usize>t * stepB;
      for (let o: usize = 0; o < end; o += 16) {
        let h = f32x4.mul(al, v128.load(At + o));
        if (t > 0) h = f32x4.add(h, f32x4.mul(leak, v128.load(Ht - stepB + o)));
        if (noise != 0) h = f32x4.add(h, v128.load(nz + o));
        v128.store(Ht + o, h);
      }
    }
  }
}

/**
 * Outputs y = H W_out^T + b_out for R rows (written to Yhat when non-zero) and, when Y is non-zero,
 * the masked squared error sum(m e^2) (returned) and DY = scale m e, the loss's derivative when
 * scale = 2 / (O sum m) of the whole batch.
 */
export function readout(
  R: i32, Np: i32, O: i32, H: usize, Wout: usize, bOut: usize, Yhat: usize, Y: usize, M: usize, DY: usize, scale: f32,
): f64 {
  const rowB = <usize>Np << 2;
  let loss: f64 = 0;
  for (let r = 0; r < R; r++) {
    const h = H + <usize>r * rowB;
    const m = Y != 0 ? load<f32>(M + (<usize>r << 2)) : 0;
    for (let o = 0; o < O; o++) {
      const y = dot(h, Wout + <usize>o * rowB, Np) + load<f32>(bOut + (<usize>o << 2));
      const ro = (<usize>(r * O + o)) << 2;
      if (Yhat != 0) store<f32>(Yhat + ro, y);
      if (Y != 0) {
        const e = y - load<f32>(Y + ro);
        loss += <f64>m * <f64>e * <f64>e;
        store<f32>(DY + ro, scale * m * e);
      }
    }
  }
  return loss;
}

// --- backward -----------------------------------------------------------------------------------

/**
 * BPTT over the chunk, after forward() and readout(): A receives dL/dpre (the activations are read
 * from A, or from H when forward() aliased them: alpha = 1 and no noise); the recurrent weights'
 * gradient is formed during the sweep, as products over blocks of KB rows, the others after it.
 * Wp is W_rec packed (pack()); G and G2 are [Bc, Np] scratch, PK the packing scratch of gemmTN.
 * Gradients are written (not accumulated) to dWT [Np, Np], dWinT [I, Np], db [Np], dWout [O, Np],
 * dbOut [O].
 */
export function backward(
  T: i32, Bc: i32, Np: i32, I: i32, O: i32, act: i32, alpha: f32, alias: bool,
  Wp: usize, Wout: usize, X: usize, H: usize, A: usize, DY: usize, G: usize, G2: usize, PK: usize,
  dWT: usize, dWinT: usize, db: usize, dWout: usize, dbOut: usize,
): void {
  const rowB = <usize>Np << 2;
  const stepB = <usize>Bc * rowB;
  const end = stepB;
  const al = f32x4.splat(alpha);
  const leak = f32x4.splat(1 - alpha);
  memory.fill(G, 0, stepB);
  memory.fill(dWT, 0, <usize>Np * rowB);
  let g = G;
  let g2 = G2;
  // dW_rec^T [j, i] = sum over rows of h_{t-1}[j] dpre_t[i], added block by block of KB / Bc steps
  // as the sweep goes back, while those rows of H and dpre are still in L2 (one pass over memory
  // less than a product over all T * Bc rows after the sweep). Steps [t, tb) are not yet added.
  const blockT = max(1, KB / Bc);
  let tb = T;
  for (let t = T - 1; t >= 0; t--) {
    const At = A + <usize>t * stepB;
    const St = alias ? H + <usize>t * stepB : At;
    // g += dy_t W_out
    for (let b = 0; b < Bc; b++) {
      for (let o = 0; o < O; o++) {
        const d = load<f32>(DY + (<usize>((t * Bc + b) * O + o) << 2));
        if (d != 0) axpy(g + <usize>b * rowB, Wout + <usize>o * rowB, d, Np);
      }
    }
    // dpre = alpha g f'(a) (into A), and the carry (1 - alpha) g + dpre W_rec into g2
    for (let o: usize = 0; o < end; o += 16) {
      const gv = v128.load(g + o);
      v128.store(At + o, f32x4.mul(f32x4.mul(al, gv), deriv4(v128.load(St + o), act)));
      v128.store(g2 + o, f32x4.mul(leak, gv));
    }
    if (t > 0) gemmP(Bc, Np, Np, At, rowB, Wp, g2, rowB);
    if (t > 0 && (tb - t == blockT || t == 1)) {
      gemmTN(Np, (tb - t) * Bc, H + <usize>(t - 1) * stepB, At, dWT, PK);
      tb = t;
    }
    const s = g;
    g = g2;
    g2 = s;
  }
  memory.fill(dWinT, 0, <usize>I * rowB);
  memory.fill(db, 0, rowB);
  memory.fill(dWout, 0, <usize>O * rowB);
  memory.fill(dbOut, 0, <usize>O << 2);
  const R = T * Bc;
  for (let r = 0; r < R; r++) {
    const dp = A + <usize>r * rowB;
    const h = H + <usize>r * rowB;
    for (let k = 0; k < I; k++) {
      const xk = load<f32>(X + (<usize>(r * I + k) << 2));
      if (xk != 0) axpy(dWinT + <usize>k * rowB, dp, xk, Np);
    }
    axpy(db, dp, 1, Np);
    for (let o = 0; o < O; o++) {
      const ro = <usize>(r * O + o) << 2;
      const d = load<f32>(DY + ro);
      if (d != 0) {
        axpy(dWout + <usize>o * rowB, h, d, Np);
        store<f32>(dbOut + (<usize>o << 2), load<f32>(dbOut + (<usize>o << 2)) + d);
      }
    }
  }
}
