/**
 * Plugin cells: {@link registerCell} adds a cell step to the kernel registry (trained through tfjs
 * autodiff, cells.ts). Kept apart from cells.ts so that registering a cell, or declaring the blocks,
 * loads no tfjs: the autodiff code loads when such a model first trains.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { Model } from '../ports/model.ts';
import { trainKernels } from '../dynamics/registry.ts';

type T2 = Tensor2D;

/** The standard weights a cell step sees. */
export interface CellWeights {
  WrecT: T2;
  WinT: T2;
  b: Tensor1D | null;
}

/** A cell's one-step update, written with tfjs ops (differentiable). */
export type CellStep = (h: T2, x: T2, w: CellWeights, model: Model) => T2;

/**
 * Register a cell step under `name` (the `Model.cell` value): an autodiff entry of the kernel
 * registry (nodes/dynamics/registry.ts). Returns a disposer.
 */
export function registerCell(name: string, step: CellStep): () => void {
  if (name === 'ctrnn') throw new Error('registerCell: "ctrnn" is the built-in cell; choose another name');
  if (trainKernels.knows(name)) {
    console.warn(`registerCell: replacing the cell "${name}"`);
    trainKernels.forget(name);
  }
  return trainKernels.register({
    cell: name,
    backend: '*',
    method: 'autodiff',
    make: async (c, model) => {
      const [{ ensureGradients }, { autodiffLossAndGrad }, { forward }] = await Promise.all([
        import('../lib/tf.ts'),
        import('./cells.ts'),
        import('./bptt.ts'),
      ]);
      await ensureGradients();
      return {
        label: 'autodiff',
        lossAndGrad: (th, b, nz) => autodiffLossAndGrad(c, model, step, th, b, nz),
        // As before the registry: validation and criterion outputs use the built-in forward.
        outputs: (th, b) => forward(c, th, b).y,
      };
    },
  });
}

/** Whether a cell name is the built-in one or a registered one. */
export function cellKnown(name: string): boolean {
  return name === 'ctrnn' || trainKernels.knows(name);
}
