/**
 * Whether this page (or worker) may run threads that share memory, and how many.
 *
 * Threaded wasm (tfjs-wasm's XNNPACK pool) and any multi-worker kernel built on SharedArrayBuffer
 * need a cross-origin isolated context: the host must send `Cross-Origin-Opener-Policy: same-origin`
 * and `Cross-Origin-Embedder-Policy: require-corp` (or a service worker must add them, see
 * `coi-sw.js`). Many static hosts cannot, so everything that sizes a thread pool asks here first and
 * falls back to one thread; results do not depend on the thread count. No DOM access: it runs the
 * same in the page and in the runtime worker (a dedicated worker inherits the page's isolation).
 * Browser contexts only: Node's worker_threads share memory without any of this (there,
 * `crossOriginIsolated` is undefined and this would answer 1 thread).
 */

/** What the context allows, and why. */
export interface ThreadSupport {
  /** `crossOriginIsolated` of this context. */
  isolated: boolean;
  /** SharedArrayBuffer exists and can be constructed. */
  sharedMemory: boolean;
  /** Logical cores the browser reports (`navigator.hardwareConcurrency`), at least 1. */
  cores: number;
  /** Threads a pool may use here: every core when isolated with shared memory, else 1. */
  threads: number;
  /** One sentence for the status bar. */
  reason: string;
}

interface IsolationScope {
  crossOriginIsolated?: boolean;
  SharedArrayBuffer?: unknown;
  navigator?: { hardwareConcurrency?: number };
  isSecureContext?: boolean;
}

/**
 * Detect shared-memory threading in `scope` (default: `globalThis`, the page or a worker).
 * Injectable so the decision table can be unit-tested without a browser.
 */
export function threadSupport(scope: IsolationScope = globalThis): ThreadSupport {
  const isolated = scope.crossOriginIsolated === true;
  let sharedMemory = false;
  const SAB = scope.SharedArrayBuffer;
  if (typeof SAB === 'function') {
    try {
      // Some browsers expose the constructor but throw when not isolated.
      new (SAB as new (n: number) => unknown)(1);
      sharedMemory = true;
    } catch {
      sharedMemory = false;
    }
  }
  const hc = scope.navigator?.hardwareConcurrency;
  const cores = typeof hc === 'number' && Number.isFinite(hc) && hc >= 1 ? Math.floor(hc) : 1;
  const threads = isolated && sharedMemory ? cores : 1;
  let reason: string;
  if (threads > 1) reason = `cross-origin isolated: ${threads} threads (every core)`;
  else if (isolated && sharedMemory) reason = 'cross-origin isolated, but the browser reports one core: 1 thread';
  else if (isolated) reason = 'cross-origin isolated, but SharedArrayBuffer is missing: 1 thread';
  else
    reason = 'not cross-origin isolated (the host sends no COOP/COEP headers): 1 thread, same results, slower training';
  return { isolated, sharedMemory, cores, threads, reason };
}

/**
 * The thread count a pool should use: `requested` (0 or undefined = every core available), capped
 * by what the context allows. Never below 1.
 */
export function poolThreads(requested?: number, support: ThreadSupport = threadSupport()): number {
  if (requested === undefined || requested <= 0) return support.threads;
  return Math.max(1, Math.min(Math.floor(requested), support.threads));
}

/**
 * The tail of the worker's backend line, so the status bar shows what tfjs-wasm actually started:
 * its threaded build or not, and the size of its XNNPACK pool. tfjs caps that pool at half the
 * logical cores (it assumes two hyper-threads per core), so a 2-core machine gets the threaded build
 * with one XNNPACK thread.
 */
export function threadsNote(threads: number, threadedBuild: boolean): string {
  return `, ${threadedBuild ? 'threaded build, ' : ''}${threads} thread${threads === 1 ? '' : 's'}`;
}

/** What a backend line made with {@link threadsNote} says, or undefined. */
export function threadsInBackend(backend: string): { threads: number; threadedBuild: boolean } | undefined {
  const m = /, (threaded build, )?(\d+) threads?\b/.exec(backend);
  return m ? { threads: Number(m[2]), threadedBuild: m[1] !== undefined } : undefined;
}
