import { describe, expect, it } from 'vitest';
import { useBackend } from '../lib/tf.ts';
import type { Activation } from '../ports/model.ts';
import { lossAndGrad, type CellConfig } from '../train/bptt.ts';
import { lossAndGradJs } from '../train/bptt-js.ts';
import { thetaLength } from '../train/layout.ts';
import { referenceLoss } from '../../test/fixtures/reference-loss.ts';
import {
  CHUNK_ROWS,
  CtrnnKernel,
  fusedForward,
  fusedLossAndGrad,
  kernelVariant,
  relaxedSimd,
  type KernelVariant,
} from './fused.ts';
import { finiteDiff, randomProblem, relErr } from '../../test/fixtures/gradient-check.ts';

const setup = randomProblem;

const acts: Activation[] = ['tanh', 'relu', 'sigmoid', 'softplus'];

const variants: KernelVariant[] = ['relaxed', 'simd'];

describe('fused CTRNN kernel (wasm SIMD)', () => {
  it('runs the relaxed-SIMD (fused multiply-add) build here, so the fast path is the one tested; CORTEXFLOW_KERNEL picks a build', () => {
    expect(relaxedSimd()).toBe(true);
    expect(kernelVariant(undefined)).toBe('relaxed');
    expect(kernelVariant('simd')).toBe('simd');
    expect(kernelVariant('relaxed')).toBe('relaxed');
    expect(() => kernelVariant('avx')).toThrow(/CORTEXFLOW_KERNEL = "avx": use "relaxed" .* or "simd"/);
  });

  for (const variant of variants)
    for (const activation of acts)
      for (const [alpha, bias, noisy] of [
        [1, false, false],
        [0.2, true, true],
      ] as const)
        it(`matches float64 finite differences (${variant}): ${activation}, alpha ${alpha}, bias ${bias}, noise ${noisy}`, async () => {
          // N = 11 and B = 19 exercise the padding of units (to 16) and of the last chunk (to 32 rows).
          const cfg: CellConfig = { N: 11, I: 3, O: 2, bias, alpha, activation };
          const { theta, batch, rng } = setup(cfg, 19, 9, 7);
          const noise = noisy ? Float32Array.from({ length: 9 * 19 * 11 }, () => rng.normal() * 0.1) : undefined;
          const k = await CtrnnKernel.create(cfg, variant);
          expect(k.variant).toBe(variant);
          const r = fusedLossAndGrad(k, theta, { ...batch, noise });
          const ref = referenceLoss(cfg, theta, batch, noise);
          expect(Math.abs(r.loss - ref) / ref).toBeLessThan(2e-6);
          const e = relErr(r.grad, finiteDiff(cfg, theta, batch, noise));
          expect(e).toBeLessThan(activation === 'relu' ? 1e-4 : 2e-5);
        });

  for (const variant of variants)
    it(`matches the tfjs hand BPTT and the plain-JS BPTT at a training shape (${variant}; several blocks of the weight-gradient product)`, async () => {
      await useBackend('wasm');
      const cfg: CellConfig = { N: 100, I: 3, O: 1, bias: false, alpha: 1, activation: 'tanh' };
      const { theta, batch } = setup(cfg, 40, 60, 3, 0.1);
      const k = await CtrnnKernel.create(cfg, variant);
      const r = fusedLossAndGrad(k, theta, batch);
      const t = lossAndGrad(cfg, theta, batch);
      const j = lossAndGradJs(cfg, theta, batch);
      expect(Math.abs(r.loss - j.loss) / j.loss).toBeLessThan(1e-6);
      expect(relErr(r.grad, j.grad)).toBeLessThan(2e-5);
      expect(relErr(r.grad, t.grad)).toBeLessThan(2e-5);
    });

  it('forward outputs and states match the plain-JS forward pass', async () => {
    const cfg: CellConfig = { N: 21, I: 2, O: 3, bias: true, alpha: 0.5, activation: 'sigmoid' };
    const { theta, batch } = setup(cfg, CHUNK_ROWS + 3, 12, 5);
    const k = await CtrnnKernel.create(cfg);
    const f = fusedForward(k, theta, batch, true);
    const { forwardJs, readoutJs } = await import('../train/bptt-js.ts');
    const H = forwardJs(cfg, theta, batch).H;
    expect(relErr(f.hidden ?? [], H)).toBeLessThan(1e-6);
    expect(relErr(f.y, readoutJs(cfg, theta, H, batch.T * batch.B))).toBeLessThan(1e-6);
  });

  it('fast tanh is within 3e-7 of Math.tanh', async () => {
    const cfg: CellConfig = { N: 8, I: 1, O: 1, bias: true, alpha: 1, activation: 'tanh' };
    const k = await CtrnnKernel.create(cfg);
    // One step, W_in = 0, b = x: h_0 = tanh(b). Sweep b across the range.
    const theta = new Float32Array(thetaLength(cfg));
    let worst = 0;
    for (let x = -12; x <= 12; x += 0.013) {
      for (let i = 0; i < 8; i++) theta[(8 + 1) * 8 + i] = x + i * 1e-3;
      const f = fusedForward(k, theta, { T: 1, B: 1, X: new Float32Array(1) }, true);
      for (let i = 0; i < 8; i++) {
        const xi = Math.fround(x + i * 1e-3);
        worst = Math.max(worst, Math.abs((f.hidden?.[i] ?? NaN) - Math.tanh(xi)));
      }
    }
    expect(worst).toBeLessThan(3e-7);
  });
});
