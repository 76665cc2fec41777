import { describe, expect, it } from 'vitest';
import { Rng } from '../lib/rng.ts';
import type { Activation, Model } from '../ports/index.ts';
import { createCtrnn, kerasForm } from './ctrnn.ts';
import { activations, simulate } from './simulate.ts';

/** The CTRNN equations, one trial and one unit at a time, summed in the documented order. */
function naive(m: Model, x: Float32Array, B: number, T: number, h0?: Float32Array) {
  const { N, inputSize: I, outputSize: O, alpha } = m;
  const w = m.weights;
  const f = activations[m.activation];
  const hidden = new Float32Array(B * T * N);
  const y = new Float32Array(B * T * O);
  for (let b = 0; b < B; b++) {
    let h = Float64Array.from({ length: N }, (_, i) => (h0 ? h0[i]! : 0));
    for (let t = 0; t < T; t++) {
      const next = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        let s = w.b[i]!;
        for (let j = 0; j < N; j++) s += w.W_rec[i * N + j]! * h[j]!;
        for (let k = 0; k < I; k++) s += w.W_in[i * I + k]! * x[(b * T + t) * I + k]!;
        next[i] = (1 - alpha) * h[i]! + alpha * f(s);
      }
      h = next;
      for (let i = 0; i < N; i++) hidden[(b * T + t) * N + i] = h[i]!;
      for (let o = 0; o < O; o++) {
        let s = w.b_out[o]!;
        for (let j = 0; j < N; j++) s += w.W_out[o * N + j]! * h[j]!;
        y[(b * T + t) * O + o] = s;
      }
    }
  }
  return { hidden, y };
}

describe('simulate', () => {
  it('equals the plain equations bit for bit, for every batch remainder, odd N, each activation, alpha < 1 and h0', () => {
    const rng = new Rng(1);
    for (const [N, B, activation, alpha] of [
      [7, 9, 'tanh', 1],
      [6, 4, 'relu', 0.3],
      [5, 3, 'softplus', 0.5],
      [8, 6, 'sigmoid', 0.1],
    ] as Array<[number, number, Activation, number]>) {
      const m = createCtrnn({
        N,
        inputSize: 2,
        outputSize: 2,
        alpha,
        activation,
        useBias: true,
        recurrentInit: 'normal',
        gain: 1.4,
        inputInit: 'glorot-uniform',
        outputInit: 'glorot-uniform',
        noiseSigma: 0,
        seed: N,
      });
      for (let i = 0; i < N; i++) m.weights.b[i] = 0.2 * rng.normal();
      m.weights.b_out[1] = 0.3;
      const T = 11;
      const x = Float32Array.from({ length: B * T * 2 }, () => rng.normal());
      const h0 = Float32Array.from({ length: N }, () => 0.5 * rng.normal());
      const a = simulate(m, x, B, T, { h0 });
      const b = naive(m, x, B, T, h0);
      expect(a.hidden).toEqual(b.hidden);
      expect(a.y).toEqual(b.y);
      expect(new Set(a.y).size).toBeGreaterThan(B * T); // not degenerate
    }
  });

  it('uses override weights when given, and checks the input size', () => {
    const m = createCtrnn(kerasForm(4, 1, 1, 2));
    const x = Float32Array.from({ length: 10 }, (_, i) => (i < 3 ? 1 : 0));
    const zeroOut = { ...m.weights, W_out: new Float32Array(4), b_out: Float32Array.of(0.25) };
    expect(Array.from(simulate(m, x, 1, 10, { weights: zeroOut }).y)).toEqual(new Array(10).fill(0.25));
    expect(() => simulate(m, x, 2, 10)).toThrow(/inputs have 10 values, expected B\*T\*I = 2\*10\*1/);
  });
});
