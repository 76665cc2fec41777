/**
 * Using the second core: each batch is split in two, this thread computes one half while a
 * worker_thread computes the other, and the gradients are combined weighted by each half's share of
 * the loss mask, which gives exactly the full-batch gradient (up to float rounding). Node only (the
 * editor already runs the runtime in a Web Worker); built-in cell only. Whether it pays is measured
 * in bench/trainer.bench.ts; `workers: 0` (auto) follows that measurement (docs/training.md).
 */
import type { Model } from '../ports/model.ts';
import { cellConfig, combineByMask, lossAndGrad, type LossGrad } from './bptt.ts';
import { lossAndGradJs } from './bptt-js.ts';
import { batchRows, maskWeight, timeRows, type Batch } from './layout.ts';
import type { WorkerReply, WorkerRequest } from './grad-worker.ts';

/** Threads to use: 0 = auto, 1, or 2. */
export type WorkerChoice = 0 | 1 | 2;

/** What `workers: 0` (auto) picks (set from the benchmark; see docs/training.md). */
export const AUTO_THREADS = 1;

export interface GradientPool {
  threads: number;
  gradient: (theta: Float32Array, batch: Batch, noise: Float32Array | undefined) => Promise<LossGrad>;
  close: () => Promise<void>;
}

/** Split a time-major batch [T, B, ...] into rows [0, k) and [k, B). */
export function splitBatch(b: Batch, k: number, I: number, O: number): [Batch, Batch] {
  return [batchRows(b, 0, k, I, O), batchRows(b, k, b.B, I, O)];
}

function splitNoise(
  noise: Float32Array | undefined,
  T: number,
  B: number,
  k: number,
  N: number,
): [Float32Array | undefined, Float32Array | undefined] {
  if (!noise) return [undefined, undefined];
  return [timeRows(noise, T, B, 0, k, N), timeRows(noise, T, B, k, B, N)];
}

/**
 * A two-thread gradient pool, or undefined when one thread is asked for (or chosen by 'auto'), the
 * platform is not Node, the cell is not the built-in one, or the batch is too small to split.
 */
export async function gradientPool(
  model: Model,
  choice: WorkerChoice,
  env: { platform: string; backend: string; batchSize: number; warn?: (m: string) => void },
): Promise<GradientPool | undefined> {
  const threads = choice === 0 ? AUTO_THREADS : choice;
  if (threads < 2 || env.batchSize < 2 || model.cell !== 'ctrnn') return undefined;
  if (env.platform !== 'node') {
    env.warn?.('workers = 2 is available in Node only; training on one thread');
    return undefined;
  }
  const { Worker } = await import('node:worker_threads');
  const cfg = cellConfig(model);
  // Not written as `new Worker(new URL('./x', import.meta.url))`: bundlers (Vite) would try to bundle
  // this Node-only worker for the browser.
  const entry = ['.', 'grad-worker.mjs'].join('/');
  const worker = new Worker(new URL(entry, import.meta.url));
  let pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;
  let dead: Error | undefined;
  worker.on('message', (r: WorkerReply) => {
    const p = pending;
    pending = undefined;
    p?.resolve(r);
  });
  const fail = (e: Error): void => {
    dead = e;
    const p = pending;
    pending = undefined;
    p?.reject(e);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`gradient worker exited (code ${code})`)));
  const ask = (m: WorkerRequest): Promise<WorkerReply> =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (dead) return reject(dead);
      pending = { resolve, reject };
      worker.postMessage(m);
    });
  const ready = await ask({ kind: 'init', cfg, backend: env.backend });
  if (ready.kind === 'error') {
    await worker.terminate();
    throw new Error(`gradient worker failed to start: ${ready.message}`);
  }
  return {
    threads: 2,
    gradient: async (theta, batch, noise) => {
      const k = Math.floor(batch.B / 2);
      const [mine, theirs] = splitBatch(batch, k, cfg.I, cfg.O);
      const [nMine, nTheirs] = splitNoise(noise, batch.T, batch.B, k, cfg.N);
      const reply = ask({ kind: 'grad', theta, batch: theirs, ...(nTheirs ? { noise: nTheirs } : {}) });
      const a = (env.backend === 'cpu' ? lossAndGradJs : lossAndGrad)(cfg, theta, mine, nMine);
      const r = await reply;
      if (r.kind !== 'grad') throw new Error(`gradient worker: ${r.kind === 'error' ? r.message : 'unexpected reply'}`);
      return combineByMask(
        [
          { r: a, weight: maskWeight(mine) },
          { r, weight: maskWeight(theirs) },
        ],
        a.grad.length,
      );
    },
    close: async () => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
