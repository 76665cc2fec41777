/**
 * The trainer's kernel registry with the built-in entries (see nodes/dynamics/registry.ts for the
 * table). Plugin cells join it through registerCell (cells.ts).
 */
import { trainKernels } from '../dynamics/registry.ts';
import { CtrnnKernel, fusedForward, fusedLossAndGrad } from '../dynamics/fused.ts';
import { forward, lossAndGrad } from './bptt.ts';
import { forwardJs, lossAndGradJs, readoutJs } from './bptt-js.ts';
import { autodiffLossAndGrad, ctrnnStep } from './cells.ts';

export { trainKernels };

trainKernels.register({
  cell: 'ctrnn',
  backend: '*',
  method: 'hand',
  make: async (c, _model, warn) => {
    let k: CtrnnKernel;
    try {
      k = await CtrnnKernel.create(c);
    } catch (e) {
      warn?.(`the fused wasm kernel is unavailable here (${e instanceof Error ? e.message : String(e)}): training with the tfjs kernels`);
      return undefined;
    }
    return {
      label: 'hand (fused wasm SIMD)',
      lossAndGrad: (th, b, nz) => fusedLossAndGrad(k, th, { ...b, noise: nz }),
      outputs: (th, b) => fusedForward(k, th, b).y,
    };
  },
});
trainKernels.register({
  cell: 'ctrnn',
  backend: 'cpu',
  method: 'hand',
  make: async (c) => ({
    label: 'hand (plain JS)',
    lossAndGrad: (th, b, nz) => lossAndGradJs(c, th, b, nz),
    outputs: (th, b) => readoutJs(c, th, forwardJs(c, th, b).H, b.T * b.B),
  }),
});
trainKernels.register({
  cell: 'ctrnn',
  backend: '*',
  method: 'hand',
  make: async (c) => ({ label: 'hand', lossAndGrad: (th, b, nz) => lossAndGrad(c, th, b, nz), outputs: (th, b) => forward(c, th, b).y }),
});
trainKernels.register({
  cell: 'ctrnn',
  backend: '*',
  method: 'autodiff',
  make: async (c, model) => {
    const { ensureGradients } = await import('../lib/tf.ts');
    await ensureGradients();
    return {
      label: 'autodiff',
      lossAndGrad: (th, b, nz) => autodiffLossAndGrad(c, model, ctrnnStep, th, b, nz),
      outputs: (th, b) => forward(c, th, b).y,
    };
  },
});
