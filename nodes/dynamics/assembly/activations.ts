// The activations of the fused CTRNN kernel and the multiply-add its products use, shared by
// the trainer's kernel (ctrnn.ts) and the fixed-point finder's Adam iteration (fixed-point.ts).
// Moved here unchanged from ctrnn.ts; codes match ACT in nodes/dynamics/fused.ts.

export const TANH: i32 = 0;
export const RELU: i32 = 1;
export const SIGMOID: i32 = 2;
export const SOFTPLUS: i32 = 3;

/** Above this, softplus(x) = x in float32 (log1p(e^-20) < 2.1e-9, below half an ulp of 20). */
export const SOFTPLUS_LINEAR: f32 = 20.0;

/** c + a b: one fused multiply-add in the relaxed-SIMD build, a multiply then an add otherwise. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// --- activations -------------------------------------------------------------------------------

// tanh as the [13/6] rational approximation used by Eigen (generic_fast_tanh_float): about 2 ulp
// on [-7.9, 7.9], exactly +-1 beyond, and x itself for |x| < 4e-4.
@inline export function tanh4(x0: v128): v128 {
  const clamp = f32x4.splat(7.90531110763549805);
  const x = f32x4.max(f32x4.min(x0, clamp), f32x4.neg(clamp));
  const tiny = f32x4.lt(f32x4.abs(x0), f32x4.splat(0.0004));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-2.76076847742355e-16);
  p = madd(x2, p, f32x4.splat(2.00018790482477e-13));
  p = madd(x2, p, f32x4.splat(-8.60467152213735e-11));
  p = madd(x2, p, f32x4.splat(5.12229709037114e-8));
  p = madd(x2, p, f32x4.splat(1.48572235717979e-5));
  p = madd(x2, p, f32x4.splat(6.37261928875436e-4));
  p = madd(x2, p, f32x4.splat(4.89352455891786e-3));
  p = f32x4.mul(x, p);
  let q = f32x4.splat(1.19825839466702e-6);
  q = madd(x2, q, f32x4.splat(1.18534705686654e-4));
  q = madd(x2, q, f32x4.splat(2.26843463243900e-3));
  q = madd(x2, q, f32x4.splat(4.89352518554385e-3));
  return v128.bitselect(x0, f32x4.div(p, q), tiny);
}

@inline export function softplus1(x: f32): f32 {
  return x > SOFTPLUS_LINEAR ? x : <f32>Math.log1p(Math.exp(<f64>x));
}

/** a = f(a) in place over n floats (n a multiple of 4). */
export function activate(p: usize, n: i32, act: i32): void {
  const end = p + (<usize>n << 2);
  if (act == TANH) {
    for (let q = p; q < end; q += 16) v128.store(q, tanh4(v128.load(q)));
  } else if (act == RELU) {
    const z = f32x4.splat(0);
    for (let q = p; q < end; q += 16) v128.store(q, f32x4.max(v128.load(q), z));
  } else if (act == SIGMOID) {
    // sigmoid(x) = (1 + tanh(x / 2)) / 2, exactly.
    const h = f32x4.splat(0.5);
    for (let q = p; q < end; q += 16) v128.store(q, f32x4.add(h, f32x4.mul(h, tanh4(f32x4.mul(h, v128.load(q))))));
  } else {
    for (let q = p; q < end; q += 4) store<f32>(q, softplus1(load<f32>(q)));
  }
}

/** f'(pre) from a = f(pre). */
@inline export function deriv4(a: v128, act: i32): v128 {
  const one = f32x4.splat(1);
  if (act == TANH) return f32x4.sub(one, f32x4.mul(a, a));
  if (act == SIGMOID) return f32x4.mul(a, f32x4.sub(one, a));
  if (act == RELU) return v128.and(f32x4.gt(a, f32x4.splat(0)), one);
  return f32x4(
    <f32>(1 - Math.exp(-<f64>f32x4.extract_lane(a, 0))),
    <f32>(1 - Math.exp(-<f64>f32x4.extract_lane(a, 1))),
    <f32>(1 - Math.exp(-<f64>f32x4.extract_lane(a, 2))),
    <f32>(1 - Math.exp(-<f64>f32x4.extract_lane(a, 3))),
  );
}
