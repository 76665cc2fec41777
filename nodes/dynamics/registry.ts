/**
 * The kernel registry: which code computes a model's loss and gradient, keyed explicitly by
 * cell x backend x gradient method, in priority order. Replaces the trainer's nested ternaries and
 * the module-global Map of plugin cells: a plugin cell is one more entry (registerCell adds it).
 *
 *   cell     backend  method     kernel
 *   ctrnn    any      hand       fused wasm SIMD (nodes/dynamics/fused.ts), where wasm SIMD exists
 *   ctrnn    cpu      hand       hand BPTT in plain loops (nodes/train/bptt-js.ts)
 *   ctrnn    any      hand       hand BPTT in tfjs ops (nodes/train/bptt.ts)
 *   ctrnn    any      autodiff   tfjs autodiff through the built-in step
 *   <plugin> any      autodiff   tfjs autodiff through the plugin's step
 *
 * `gradient: 'auto'` takes the first entry that is available for the cell and backend.
 */
import type { Model } from '../ports/model.ts';
import type { Batch } from '../train/layout.ts';
import type { CellConfig, LossGrad } from '../train/bptt.ts';

/** What a kernel computes for the trainer. */
export interface TrainKernel {
  /** Shown in the history and the progress message ("hand (fused wasm SIMD)", "autodiff"). */
  label: string;
  lossAndGrad: (theta: Float32Array, batch: Batch, noise: Float32Array | undefined) => LossGrad;
  /** Outputs y [T, B, O] without noise (validation, criterion). */
  outputs: (theta: Float32Array, batch: Batch) => Float32Array;
}

/** One row of the registry. */
export interface KernelEntry {
  /** Cell name, or '*' for any cell. */
  cell: string;
  /** tfjs backend name, or '*'. */
  backend: string;
  method: 'hand' | 'autodiff';
  /** Builds the kernel; resolves undefined when it is unavailable here (then the next entry is tried). */
  make: (c: CellConfig, model: Model, warn?: (m: string) => void) => Promise<TrainKernel | undefined>;
}

/** An ordered list of kernel entries. */
export class KernelRegistry {
  private readonly entries: KernelEntry[] = [];

  /** Add an entry; `first` puts it ahead of the others. Returns a disposer. */
  register(e: KernelEntry, first = false): () => void {
    if (first) this.entries.unshift(e);
    else this.entries.push(e);
    return () => {
      const i = this.entries.indexOf(e);
      if (i >= 0) this.entries.splice(i, 1);
    };
  }

  /** Remove every entry of a cell. */
  forget(cell: string): void {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]?.cell === cell) this.entries.splice(i, 1);
  }

  /** True when some entry serves this cell. */
  knows(cell: string): boolean {
    return this.entries.some((e) => e.cell === cell);
  }

  /** True when a hand-derived gradient exists for this cell. */
  hasHand(cell: string): boolean {
    return this.entries.some((e) => e.method === 'hand' && (e.cell === cell || e.cell === '*'));
  }

  /** The first available kernel for a cell, backend and method ('auto': hand first, then autodiff). */
  async resolve(
    key: { cell: string; backend: string; method: 'auto' | 'hand' | 'autodiff' },
    c: CellConfig,
    model: Model,
    warn?: (m: string) => void,
  ): Promise<TrainKernel | undefined> {
    const methods = key.method === 'auto' ? (['hand', 'autodiff'] as const) : [key.method];
    for (const method of methods)
      for (const e of this.entries) {
        if (e.method !== method) continue;
        if (e.cell !== '*' && e.cell !== key.cell) continue;
        if (e.backend !== '*' && e.backend !== key.backend) continue;
        const k = await e.make(c, model, warn);
        if (k) return k;
      }
    return undefined;
  }
}

/** The registry the trainer resolves its kernel from (built-ins in nodes/train/kernels.ts). */
export const trainKernels = new KernelRegistry();
