import { describe, expect, it } from 'vitest';
import { useBackend } from '../lib/tf.ts';
import { Rng } from '../lib/rng.ts';
import type { Activation } from '../ports/index.ts';
import { CtrnnMap, FPF_DEFAULTS, findFixedPoints } from './fixed-point-finder.ts';
import { FpAdamBatch } from './fixed-point-wasm.ts';
import { TfAdamBatch } from './fixed-point-tfjs.ts';
import { makeModel, randomMatrix } from '../../test/fixtures/analysis-models.ts';
import { relErr } from '../../test/fixtures/gradient-check.ts';
import type { KernelVariant } from '../dynamics/kernel-variant.ts';

const acts: Activation[] = ['tanh', 'relu', 'sigmoid', 'softplus'];
const k = { b1: 0.9, b2: 0.999, eps: 0.01 };

/** A map with N units (not a multiple of 8) under a constant input, and S starts (not a multiple of 4). */
function problem(N: number, S: number, activation: Activation, alpha: number, seed: number, g = 1.5) {
  const model = makeModel(N, randomMatrix(N, g, seed), { inputSize: 2, alpha, activation, seed });
  model.useBias = true;
  const rng = new Rng(seed + 10);
  model.weights.b = Float32Array.from({ length: N }, () => 0.3 * rng.normal());
  const map = new CtrnnMap(model, [0.5, -1]);
  const H0 = Float64Array.from({ length: S * N }, () => rng.normal());
  return { model, map, H0 };
}

/** q and the gradient by float64 loops: the reference both engines are held to. */
function reference(map: CtrnnMap, H: ArrayLike<number>, S: number): { q: Float64Array; grad: Float64Array } {
  const { N, W, alpha } = map;
  const pre = new Float64Array(N);
  const fx = new Float64Array(N);
  const q = new Float64Array(S);
  const grad = new Float64Array(S * N);
  for (let r = 0; r < S; r++) {
    q[r] = map.q(H, pre, fx, r * N);
    const G = new Float64Array(N);
    for (let i = 0; i < N; i++) G[i] = alpha * ((fx[i] as number) - (H[r * N + i] as number));
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let i = 0; i < N; i++)
        s += map.df(pre[i] as number, fx[i] as number) * (G[i] as number) * (W[i * N + j] as number);
      grad[r * N + j] = alpha * (s - (G[j] as number));
    }
  }
  return { q, grad };
}

describe('the fixed-point finder’s Adam iteration in wasm (fpAdam)', () => {
  for (const variant of ['relaxed', 'simd'] as KernelVariant[])
    for (const activation of acts)
      for (const alpha of [1, 0.2])
        it(`matches the tfjs iteration and float64 (${variant}): ${activation}, alpha ${alpha}, through updates and a compaction`, async () => {
          await useBackend('cpu');
          const N = 37;
          const S = 10;
          const { model, map, H0 } = problem(N, S, activation, alpha, 3);
          const w = await FpAdamBatch.create(map, model.activation, H0, S, k, variant);
          const t = new TfAdamBatch(map, model.activation, H0, S, k);
          try {
            const steps = [0.1, 0.05, 0, 0.2, 0.07, 0.1, 0.03, 0.1, 0.2, 0.1];
            let p1 = 1;
            let p2 = 1;
            for (let it = 0; it < 4; it++) {
              const qw = Float64Array.from(w.evaluate());
              const qt = Float64Array.from(t.evaluate());
              const gw = w.readGrad();
              const gt = t.readGrad();
              const ref = reference(map, w.readH(), w.rows);
              expect(qw.length).toBe(w.rows);
              expect(relErr(qw, ref.q), 'q against float64').toBeLessThan(1e-5);
              expect(relErr(gw, ref.grad), 'gradient against float64').toBeLessThan(1e-5);
              expect(relErr(qw, qt), 'q against tfjs').toBeLessThan(1e-5);
              expect(relErr(gw, gt), 'gradient against tfjs').toBeLessThan(1e-5);
              p1 *= k.b1;
              p2 *= k.b2;
              const step = Float32Array.from(steps.slice(0, w.rows));
              w.update(step, 1 / (1 - p1), 1 / (1 - p2));
              t.update(step, 1 / (1 - p1), 1 / (1 - p2));
              // After the second update, drop rows 0, 3 and 4: the queued step must move with its rows.
              if (it === 1) {
                const keep = [1, 2, 5, 6, 7, 8, 9];
                w.compact(keep);
                t.compact(keep);
                steps.splice(0, steps.length, ...keep.map((r) => steps[r] as number));
              }
              const hw = w.readH();
              const ht = t.readH();
              expect(hw.length).toBe(w.rows * N);
              expect(relErr(hw, ht), 'states after the update').toBeLessThan(1e-5);
              // A row with rate 0 keeps its state exactly (row 2 in the first update).
              if (it === 0) expect(hw.subarray(2 * N, 3 * N)).toEqual(Float32Array.from(H0.subarray(2 * N, 3 * N)));
            }
          } finally {
            w.dispose();
            t.dispose();
          }
        });

  it('finds the same fixed points (count, stability, location) as the tfjs engine on a random network', async () => {
    await useBackend('wasm');
    const N = 24;
    const S = 128;
    const { model, H0 } = problem(N, S, 'tanh', 0.5, 5, 2.5);
    const x = [0.5, -1];
    const run = (engine: 'wasm' | 'tfjs') => findFixedPoints(model, x, H0, S, { ...FPF_DEFAULTS, engine });
    const rw = await run('wasm');
    const rt = await run('tfjs');
    expect(rw.engine).toBe('wasm');
    expect(rt.engine).toBe('tfjs');
    const key = (r: typeof rw) =>
      r.points
        .map((p) => p.stability)
        .sort()
        .join(',');
    expect(rw.points.length, 'several points: saddles and stable ones').toBeGreaterThan(5);
    expect(key(rw)).toBe(key(rt));
    for (const p of rw.points) {
      const twin = rt.points.find((o) => relErr(o.h, p.h) < 1e-4);
      expect(twin, 'the same point found by tfjs').toBeDefined();
    }
  });
});
