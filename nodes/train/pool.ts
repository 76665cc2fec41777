/**
 * Using the second core: each batch is split in two, this thread computes one half while a
 * worker_thread computes the other, and the gradients are combined weighted by each half's share of
 * the loss mask, which gives exactly the full-batch gradient (up to float rounding). Node only (the
 * editor already runs the runtime in a Web Worker); built-in cell only. Whether it pays is measured
 * in bench/trainer.bench.ts; `workers: 0` (auto) follows that measurement (docs/training.md).
 */
import type { Model } from '../ports/model.ts';
import { lossAndGrad, type CellConfig, type LossGrad } from './bptt.ts';
import { lossAndGradJs } from './bptt-js.ts';
import type { Batch } from './layout.ts';
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
  const parts: Batch[] = [];
  for (const [lo, hi] of [
    [0, k],
    [k, b.B],
  ] as const) {
    const n = hi - lo;
    const X = new Float32Array(b.T * n * I);
    const Y = new Float32Array(b.T * n * O);
    const M = new Float32Array(b.T * n);
    for (let t = 0; t < b.T; t++) {
      X.set(b.X.subarray((t * b.B + lo) * I, (t * b.B + hi) * I), t * n * I);
      Y.set(b.Y.subarray((t * b.B + lo) * O, (t * b.B + hi) * O), t * n * O);
      M.set(b.M.subarray(t * b.B + lo, t * b.B + hi), t * n);
    }
    parts.push({ B: n, T: b.T, X, Y, M });
  }
  return parts as [Batch, Batch];
}

function splitNoise(noise: Float32Array | undefined, T: number, B: number, k: number, N: number): [Float32Array | undefined, Float32Array | undefined] {
  if (!noise) return [undefined, undefined];
  const a = new Float32Array(T * k * N);
  const b = new Float32Array(T * (B - k) * N);
  for (let t = 0; t < T; t++) {
    a.set(noise.subarray(t * B * N, (t * B + k) * N), t * k * N);
    b.set(noise.subarray((t * B + k) * N, (t + 1) * B * N), t * (B - k) * N);
  }
  return [a, b];
}

const maskWeight = (b: Batch): number => {
  let s = 0;
  for (let i = 0; i < b.M.length; i++) s += b.M[i] as number;
  return s;
};

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
  const cfg: CellConfig = {
    N: model.N,
    I: model.inputSize,
    O: model.outputSize,
    bias: model.useBias,
    alpha: model.alpha,
    activation: model.activation,
  };
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
      const wa = maskWeight(mine);
      const wb = maskWeight(theirs);
      const w = wa + wb;
      if (w === 0) return { loss: 0, grad: a.grad.fill(0) };
      const grad = a.grad;
      for (let i = 0; i < grad.length; i++) grad[i] = ((grad[i] as number) * wa + (r.grad[i] as number) * wb) / w;
      return { loss: (a.loss * wa + r.loss * wb) / w, grad };
    },
    close: async () => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
