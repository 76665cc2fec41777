/**
 * Worker side of the gradient pool (pool.ts), platform-neutral: each worker owns one fused kernel
 * and, on every `run`, takes chunks from the shared counter until none is left, writing each chunk's
 * loss and gradient into its slot of the shared result buffers. Bootstrapped by grad-worker-node.ts
 * (worker_threads) or grad-worker-web.ts (Web Worker).
 */
import { CHUNK_ROWS, CtrnnKernel, type KernelConfig, type KernelVariant } from '../dynamics/fused.ts';
import { thetaLength } from './layout.ts';

/** The shared buffers of one batch shape (T, B). */
export interface PoolBuffers {
  T: number;
  B: number;
  theta: SharedArrayBuffer;
  X: SharedArrayBuffer;
  Y: SharedArrayBuffer;
  M: SharedArrayBuffer;
  noise: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  losses: SharedArrayBuffer;
  /** Int32: [next chunk to take] */
  counter: SharedArrayBuffer;
}

export type WorkerRequest =
  | { kind: 'init'; cfg: KernelConfig; variant: KernelVariant }
  | { kind: 'buffers'; buffers: PoolBuffers }
  | { kind: 'run'; chunks: number; scale: number; noise: boolean };
export type WorkerReply = { kind: 'ready' } | { kind: 'done'; chunks: number } | { kind: 'error'; message: string };

/** Typed views of the shared buffers. */
export interface PoolViews {
  T: number;
  B: number;
  theta: Float32Array;
  X: Float32Array;
  Y: Float32Array;
  M: Float32Array;
  noise: Float32Array;
  grads: Float32Array;
  losses: Float64Array;
  counter: Int32Array;
}

export function poolViews(b: PoolBuffers): PoolViews {
  return {
    T: b.T,
    B: b.B,
    theta: new Float32Array(b.theta),
    X: new Float32Array(b.X),
    Y: new Float32Array(b.Y),
    M: new Float32Array(b.M),
    noise: new Float32Array(b.noise),
    grads: new Float32Array(b.grads),
    losses: new Float64Array(b.losses),
    counter: new Int32Array(b.counter),
  };
}

/**
 * Take chunks from the shared counter until none is left; returns how many this thread computed.
 * Which thread computes a chunk never changes its numbers.
 */
export function drainChunks(k: CtrnnKernel, v: PoolViews, chunks: number, scale: number, noise: boolean): number {
  const L = thetaLength(k.c);
  k.setTheta(v.theta);
  const batch = { T: v.T, B: v.B, X: v.X, Y: v.Y, M: v.M, noise: noise ? v.noise : undefined };
  let done = 0;
  for (;;) {
    const c = Atomics.add(v.counter, 0, 1);
    if (c >= chunks) return done;
    const lo = c * CHUNK_ROWS;
    v.losses[c] = k.chunkLossAndGrad(batch, lo, Math.min(v.B, lo + CHUNK_ROWS), scale, v.grads.subarray(c * L, (c + 1) * L));
    done++;
  }
}

/** The message handler of a worker; `reply` posts back to the pool. */
export function workerHandler(reply: (r: WorkerReply) => void): (m: WorkerRequest) => void {
  let kernel: CtrnnKernel | undefined;
  let views: PoolViews | undefined;
  return (m) => {
    void (async () => {
      try {
        if (m.kind === 'init') {
          kernel = await CtrnnKernel.create(m.cfg, m.variant);
          reply({ kind: 'ready' });
        } else if (m.kind === 'buffers') {
          views = poolViews(m.buffers);
          reply({ kind: 'ready' });
        } else {
          if (!kernel || !views) throw new Error('gradient worker used before init');
          reply({ kind: 'done', chunks: drainChunks(kernel, views, m.chunks, m.scale, m.noise) });
        }
      } catch (e) {
        reply({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    })();
  };
}
