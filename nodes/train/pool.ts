/**
 * Every core, the same numbers on every core count. Each batch is cut into fixed chunks of
 * CHUNK_ROWS rows (nodes/dynamics/fused.ts), independent of the thread count; this thread and
 * `threads - 1` workers (worker_threads in Node, Web Workers in a cross-origin-isolated page) take
 * chunks from a shared counter, each writes its chunk's loss and gradient to that chunk's slot of
 * shared buffers, and the slots are summed in chunk order. Which thread computed which chunk never
 * enters the arithmetic, so 1, 2 or 16 threads give bit-identical losses and weights.
 */
import type { Model } from '../ports/model.ts';
import { chunkCount, CtrnnKernel, lossDenominator, sumChunks, type KernelConfig } from '../dynamics/fused.ts';
import { cellConfig, type LossGrad } from './bptt.ts';
import { drainChunks, poolViews, type PoolBuffers, type PoolViews, type WorkerReply, type WorkerRequest } from './grad-worker.ts';
import { thetaLength, type Batch } from './layout.ts';

/** Threads to use: 0 = all cores (or CORTEXFLOW_THREADS when set), n = exactly n. */
export type WorkerChoice = number;

/** Cores this process may use. */
export function availableCores(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (typeof process !== 'undefined' && process.versions?.node) {
    // node:os without a static import, so bundlers never see it.
    const os = (process as unknown as { getBuiltinModule?: (m: string) => { availableParallelism?: () => number } }).getBuiltinModule?.('node:os');
    const n = os?.availableParallelism?.();
    if (n) return n;
  }
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/**
 * The thread count for a `workers` choice: a positive choice wins; 0 takes CORTEXFLOW_THREADS when it
 * is set (Node), else every core. Throws on a malformed CORTEXFLOW_THREADS.
 */
export function threadCount(choice: WorkerChoice): number {
  if (choice > 0) return Math.floor(choice);
  const env = typeof process !== 'undefined' ? process.env?.['CORTEXFLOW_THREADS'] : undefined;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`CORTEXFLOW_THREADS = "${env}" is not a positive integer: set it to a thread count (e.g. 2) or unset it`);
    return n;
  }
  return availableCores();
}

export interface GradientPool {
  threads: number;
  gradient: (theta: Float32Array, batch: Batch, noise: Float32Array | undefined) => Promise<LossGrad>;
  close: () => Promise<void>;
}

/** What a pool needs from its host. */
interface Port {
  post: (m: WorkerRequest) => void;
  onReply: (f: (r: WorkerReply) => void) => void;
  onFail: (f: (e: Error) => void) => void;
  terminate: () => Promise<void>;
}

async function nodeWorker(): Promise<Port> {
  const { Worker } = await import('node:worker_threads');
  // Not written as `new Worker(new URL('./x', import.meta.url))`: Vite would try to bundle this
  // Node-only entry for the browser.
  const entry = ['.', 'grad-worker.mjs'].join('/');
  const w = new Worker(new URL(entry, import.meta.url));
  return {
    post: (m) => w.postMessage(m),
    onReply: (f) => w.on('message', f),
    onFail: (f) => {
      w.on('error', f);
      w.on('exit', (code) => f(new Error(`gradient worker exited (code ${code})`)));
    },
    terminate: async () => {
      w.removeAllListeners('exit');
      await w.terminate();
    },
  };
}

function webWorker(): Port {
  const w = new Worker(new URL('./grad-worker-web.ts', import.meta.url), { type: 'module' });
  return {
    post: (m) => w.postMessage(m),
    onReply: (f) => w.addEventListener('message', (e: MessageEvent<WorkerReply>) => f(e.data)),
    onFail: (f) => w.addEventListener('error', (e) => f(new Error(`gradient worker failed: ${e.message}`))),
    terminate: async () => w.terminate(),
  };
}

/** One worker with one request in flight at a time. */
class Remote {
  private pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;
  private dead: Error | undefined;
  constructor(readonly port: Port) {
    port.onReply((r) => {
      const p = this.pending;
      this.pending = undefined;
      if (r.kind === 'error') p?.reject(new Error(`gradient worker: ${r.message}`));
      else p?.resolve(r);
    });
    port.onFail((e) => {
      this.dead = e;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(e);
    });
  }
  ask(m: WorkerRequest): Promise<WorkerReply> {
    return new Promise<WorkerReply>((resolve, reject) => {
      if (this.dead) return reject(this.dead);
      this.pending = { resolve, reject };
      this.port.post(m);
    });
  }
}

function allocate(c: KernelConfig, T: number, B: number): PoolBuffers {
  const L = thetaLength(c);
  const f = (n: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(1, n) * 4);
  return {
    T,
    B,
    theta: f(L),
    X: f(T * B * c.I),
    Y: f(T * B * c.O),
    M: f(T * B),
    noise: f(T * B * c.N),
    grads: f(chunkCount(B) * L),
    losses: new SharedArrayBuffer(chunkCount(B) * 8),
    counter: new SharedArrayBuffer(4),
  };
}

/**
 * A gradient pool of `threadCount(choice)` threads for the built-in cell, or undefined when one
 * thread is asked for, the cell is a plugin's (autodiff), or the page cannot share memory (a
 * browser page without cross-origin isolation: warns and trains on one thread).
 */
export async function gradientPool(
  model: Model,
  choice: WorkerChoice,
  env: { platform: string; backend?: string; batchSize: number; warn?: (m: string) => void },
): Promise<GradientPool | undefined> {
  // 'All cores' never starts more threads than a batch has chunks; an explicit count is kept.
  // In a browser page that is not cross-origin isolated, 'all cores' quietly means one thread (the
  // status bar says why); an explicit count > 1 there warns below.
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (choice === 0 && env.platform !== 'node' && !isolated) return undefined;
  const threads = choice > 0 ? threadCount(choice) : Math.min(threadCount(choice), Math.max(1, chunkCount(env.batchSize)));
  if (threads < 2 || model.cell !== 'ctrnn') return undefined;
  const shared = typeof SharedArrayBuffer !== 'undefined' && (env.platform === 'node' || isolated);
  if (!shared) {
    env.warn?.(
      'training on one thread: this page is not cross-origin isolated, so it cannot share memory with workers (it needs the COOP/COEP headers; docs/performance.md)',
    );
    return undefined;
  }
  const cfg: KernelConfig = cellConfig(model);
  const local = await CtrnnKernel.create(cfg);
  const remotes: Remote[] = [];
  try {
    for (let i = 0; i < threads - 1; i++) remotes.push(new Remote(env.platform === 'node' ? await nodeWorker() : webWorker()));
    await Promise.all(remotes.map((r) => r.ask({ kind: 'init', cfg, variant: local.variant })));
  } catch (e) {
    await Promise.all(remotes.map((r) => r.port.terminate()));
    throw new Error(`gradient workers failed to start: ${e instanceof Error ? e.message : String(e)}`);
  }
  const L = thetaLength(cfg);
  let views: PoolViews | undefined;
  return {
    threads,
    gradient: async (theta, batch, noise) => {
      const { T, B } = batch;
      if (!views || views.T !== T || views.B !== B) {
        const buffers = allocate(cfg, T, B);
        views = poolViews(buffers);
        await Promise.all(remotes.map((r) => r.ask({ kind: 'buffers', buffers })));
      }
      const v = views;
      const denom = lossDenominator(batch.M, cfg.O);
      if (denom === 0) return { loss: 0, grad: new Float32Array(L) };
      v.theta.set(theta);
      v.X.set(batch.X);
      v.Y.set(batch.Y);
      v.M.set(batch.M);
      if (noise) v.noise.set(noise);
      const chunks = chunkCount(B);
      Atomics.store(v.counter, 0, 0);
      const run: WorkerRequest = { kind: 'run', chunks, scale: 2 / denom, noise: noise !== undefined };
      const replies = remotes.map((r) => r.ask(run));
      drainChunks(local, v, chunks, 2 / denom, noise !== undefined);
      await Promise.all(replies);
      return sumChunks(v.losses, v.grads, chunks, L, denom);
    },
    close: async () => {
      await Promise.all(remotes.map((r) => r.port.terminate()));
    },
  };
}
