/**
 * Adam on the flat parameter vector, as Keras 2 (the authors' `keras.optimizers.Adam` with `decay`):
 *
 *     lr_t    = lr / (1 + decay * iterations)                  (iterations counted from 0)
 *     t       = iterations + 1
 *     m       = beta1 m + (1 - beta1) g
 *     v       = beta2 v + (1 - beta2) g^2
 *     theta  -= lr_t * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)
 *
 * Gradient clipping by global norm happens before (see {@link clipByGlobalNorm}). Plain loops in
 * float64 moments: the vector is small (N^2 + ...), this costs well under a millisecond per step.
 */
export interface AdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Keras-style time decay of the learning rate. */
  decay: number;
}

export interface AdamState {
  m: Float64Array;
  v: Float64Array;
  iterations: number;
}

export function adamInit(n: number): AdamState {
  return { m: new Float64Array(n), v: new Float64Array(n), iterations: 0 };
}

/** Current learning rate (before bias correction). */
export function adamLr(c: AdamConfig, s: AdamState): number {
  return c.lr / (1 + c.decay * s.iterations);
}

/** One Adam update of theta in place. */
export function adamStep(c: AdamConfig, s: AdamState, theta: Float32Array, grad: Float32Array): void {
  const lr = adamLr(c, s);
  const t = s.iterations + 1;
  const lrT = (lr * Math.sqrt(1 - c.beta2 ** t)) / (1 - c.beta1 ** t);
  const { m, v } = s;
  const b1 = c.beta1;
  const b2 = c.beta2;
  for (let i = 0; i < theta.length; i++) {
    const g = grad[i] as number;
    const mi = b1 * (m[i] as number) + (1 - b1) * g;
    const vi = b2 * (v[i] as number) + (1 - b2) * g * g;
    m[i] = mi;
    v[i] = vi;
    theta[i] = (theta[i] as number) - (lrT * mi) / (Math.sqrt(vi) + c.eps);
  }
  s.iterations = t;
}

/** Euclidean norm of the whole gradient. */
export function globalNorm(g: Float32Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += (g[i] as number) * (g[i] as number);
  return Math.sqrt(s);
}

/** Scale g in place so its global norm is at most `clip` (0 = off). Returns the norm before. */
export function clipByGlobalNorm(g: Float32Array, clip: number): number {
  const n = globalNorm(g);
  if (clip > 0 && n > clip) {
    const k = clip / n;
    for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) * k;
  }
  return n;
}
