/**
 * The four CTRNN activations and their derivatives, written once for plain JS (float64). Every
 * JS forward pass (simulation, BPTT in loops, the float64 reference, fixed points) takes them from
 * here; the tfjs forms are in activations-tf.ts and the wasm kernel's in assembly/ctrnn.ts.
 */
import type { Activation } from '../ports/model.ts';

/**
 * Above this, softplus(x) = x: log1p(e^-x) < 2.1e-9 at x = 20, under half a float32 ulp of 20.
 * One cut-off for every implementation (two copies used 20 and 30 before).
 */
export const SOFTPLUS_LINEAR = 20;

/** f(x). */
export const activationFns: Record<Activation, (x: number) => number> = {
  tanh: Math.tanh,
  relu: (x) => (x > 0 ? x : 0),
  softplus: (x) => (x > SOFTPLUS_LINEAR ? x : Math.log1p(Math.exp(x))),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

/** f'(pre) from a = f(pre) alone (what BPTT keeps): softplus' = sigmoid(pre) = 1 - e^-a. */
export const derivFromOutput: Record<Activation, (a: number) => number> = {
  tanh: (a) => 1 - a * a,
  relu: (a) => (a > 0 ? 1 : 0),
  sigmoid: (a) => a * (1 - a),
  softplus: (a) => 1 - Math.exp(-a),
};

/** f'(pre) from pre and f(pre) (exact for relu at pre <= 0 and for softplus at large pre). */
export const derivative: Record<Activation, (pre: number, fx: number) => number> = {
  tanh: (_p, fx) => 1 - fx * fx,
  relu: (p) => (p > 0 ? 1 : 0),
  softplus: (p) => 1 / (1 + Math.exp(-p)),
  sigmoid: (_p, fx) => fx * (1 - fx),
};
