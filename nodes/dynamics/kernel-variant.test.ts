import { describe, expect, it } from 'vitest';
import { CtrnnKernel, fusedLossAndGrad } from './fused.ts';
import { randomProblem } from '../../test/fixtures/gradient-check.ts';

// Its own file, so nothing in this module graph has chosen a build yet: asking for the relaxed one
// by name (as the pool's workers do) must turn Node 20's relaxed-SIMD flag on by itself.
describe('fused kernel builds', () => {
  it('the relaxed-SIMD build asked for by name compiles and runs before anything picked a build', async () => {
    const cfg = { N: 11, I: 3, O: 2, bias: true, alpha: 0.2, activation: 'tanh' as const };
    const { theta, batch } = randomProblem(cfg, 19, 9, 7);
    const relaxed = fusedLossAndGrad(await CtrnnKernel.create(cfg, 'relaxed'), theta, batch);
    const plain = fusedLossAndGrad(await CtrnnKernel.create(cfg, 'simd'), theta, batch);
    expect(Math.abs(relaxed.loss - plain.loss) / plain.loss).toBeLessThan(1e-6);
  });
});
