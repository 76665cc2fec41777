// One Adam iteration of the fixed-point finder (nodes/analysis/fixed-point-finder.ts) for a batch of
// R starts, in one call, built into the fused CTRNN kernel's module (re-exported by ctrnn.ts) so it
// runs the trainer's register-blocked product (gemmP) and activations.
//
// For the map F(h) = (1 - alpha) h + alpha f(h W^T + c) and q(h) = 1/2 ||F(h) - h||^2:
//   pre = H W^T + c,  G = alpha (f(pre) - H) (zero on padded units),  q = 1/2 sum G^2 per row,
//   grad = alpha ((f'(pre) .* G) W - G),
// then (the next call, after the JS bookkeeping chose each row's learning rate) the Adam update
//   m1 = b1 m1 + (1 - b1) grad,  m2 = b2 m2 + (1 - b2) grad^2,
//   H -= step[r] (c1 m1) / (sqrt(c2 m2) + eps).
// Doing the update at the start of the next call keeps one call per iteration: the update is row by
// row, so the JS side may drop rows between the two (it moves step with the rows).
//
// Layout (f32, row-major, byte pointers from nodes/analysis/fixed-point-wasm.ts): Np = N rounded up
// to 8, R a multiple of 4 (padded rows are zero and have step 0). WTp, Wp: W^T and W packed for
// gemmP (pack()), c [Np], mask [Np] (1 on real units, 0 on padding), H, M1, M2, Gr, F [R, Np],
// step [R], q [R] f64.

import { activate, deriv4 } from './activations';
import { gemmP } from './ctrnn';

/**
 * `update`: first apply the Adam step with the gradient in Gr and the rates in step (rows with rate
 * 0 keep H, their moments still move, as in the tfjs path). `evaluate`: then q into q and the
 * gradient into Gr at the (updated) H; F is scratch.
 */
export function fpAdam(
  R: i32, Np: i32, act: i32, alpha: f32,
  b1: f32, nb1: f32, b2: f32, nb2: f32, c1: f32, c2: f32, eps: f32, update: bool, evaluate: bool,
  WTp: usize, Wp: usize, c: usize, mask: usize,
  H: usize, M1: usize, M2: usize, Gr: usize, F: usize, step: usize, q: usize,
): void {
  const rowB = <usize>Np << 2;
  if (update) {
    const vb1 = f32x4.splat(b1);
    const vnb1 = f32x4.splat(nb1);
    const vb2 = f32x4.splat(b2);
    const vnb2 = f32x4.splat(nb2);
    const vc1 = f32x4.splat(c1);
    const vc2 = f32x4.splat(c2);
    const veps = f32x4.splat(eps);
    for (let r = 0; r < R; r++) {
      const s = f32x4.splat(load<f32>(step + (<usize>r << 2)));
      const o0 = <usize>r * rowB;
      for (let o = o0; o < o0 + rowB; o += 16) {
        const g = v128.load(Gr + o);
        const m1 = f32x4.add(f32x4.mul(vb1, v128.load(M1 + o)), f32x4.mul(vnb1, g));
        const m2 = f32x4.add(f32x4.mul(vb2, v128.load(M2 + o)), f32x4.mul(vnb2, f32x4.mul(g, g)));
        v128.store(M1 + o, m1);
        v128.store(M2 + o, m2);
        const u = f32x4.div(f32x4.mul(m1, vc1), f32x4.add(f32x4.sqrt(f32x4.mul(m2, vc2)), veps));
        v128.store(H + o, f32x4.sub(v128.load(H + o), f32x4.mul(s, u)));
      }
    }
  }
  if (!evaluate) return;
  const n = R * Np;
  for (let r = 0; r < R; r++) memory.copy(F + <usize>r * rowB, c, rowB);
  gemmP(R, Np, Np, H, rowB, WTp, F, rowB);
  activate(F, n, act);
  const al = f32x4.splat(alpha);
  for (let r = 0; r < R; r++) {
    const o0 = <usize>r * rowB;
    let acc = f32x4.splat(0);
    for (let j: usize = 0; j < rowB; j += 16) {
      const o = o0 + j;
      const a = v128.load(F + o);
      const g = f32x4.mul(v128.load(mask + j), f32x4.mul(al, f32x4.sub(a, v128.load(H + o))));
      acc = f32x4.add(acc, f32x4.mul(g, g));
      // F becomes u = f'(pre) .* G, the left operand of the gradient's product; Gr starts at -G.
      v128.store(F + o, f32x4.mul(deriv4(a, act), g));
      v128.store(Gr + o, f32x4.neg(g));
    }
    const s =
      <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) +
      (<f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3));
    store<f64>(q + (<usize>r << 3), 0.5 * s);
  }
  gemmP(R, Np, Np, F, rowB, Wp, Gr, rowB);
  const end = <usize>n << 2;
  for (let o: usize = 0; o < end; o += 16) v128.store(Gr + o, f32x4.mul(al, v128.load(Gr + o)));
}
