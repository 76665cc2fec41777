/**
 * tfjs setup shared by every block that computes with tensors.
 *
 * Backends: `wasm` (default in Node and in the browser: SIMD, the .wasm files ship inside the npm
 * package), `cpu` (pure JS, always available; the fallback), and `tensorflow` (tfjs-node) only when
 * `@tensorflow/tfjs-node` happens to be installed: it cannot be installed on the reference machines
 * because its install script downloads libtensorflow, so it is loaded dynamically and never required.
 *
 * The backend is chosen, in order, by the block's `backend` param, the runtime environment's
 * `env.backend`, the `CORTEXFLOW_BACKEND` environment variable, then `wasm`. 'auto' means "no
 * preference". tfjs has one active backend per JS realm (process, worker): the last block to ask
 * wins, and the one actually used is returned so blocks can report it in their events.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tf };

// Production mode: no per-op debug checks, and no "install tfjs-node" banner on the cpu backend.
tf.env().set('PROD', true);

export { BACKEND_CHOICES, type BackendChoice } from './backends.ts';

/** Outcome of {@link useBackend}. */
export interface BackendInfo {
  /** The backend now active ('wasm', 'cpu', 'tensorflow'). */
  backend: string;
  /** What was asked for, after resolving 'auto'. */
  requested: string;
  /** Why the requested backend was not used, when it was not. */
  fallbackReason?: string;
  /** wasm only: SIMD available. */
  simd?: boolean;
}

function envVar(): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const v = p?.env?.['CORTEXFLOW_BACKEND'];
  return v !== undefined && v !== '' ? v : undefined;
}

/** Resolve a backend request: param, then environment, then CORTEXFLOW_BACKEND, then 'wasm'. */
export function resolveBackend(param?: string, env?: string): string {
  for (const c of [param, env, envVar()]) if (c !== undefined && c !== 'auto' && c !== '') return c;
  return 'wasm';
}

let tfnodeTried: Promise<boolean> | undefined;
async function loadTfNode(): Promise<boolean> {
  // A variable specifier keeps bundlers (Vite) from trying to resolve an absent package.
  const name = '@tensorflow/tfjs-node';
  tfnodeTried ??= import(/* @vite-ignore */ name).then(
    () => true,
    () => false,
  );
  return tfnodeTried;
}

/** Where the browser build finds the .wasm files (the editor sets this from `?url` imports). */
export function configureWasmPaths(paths: string | Record<string, string>): void {
  setWasmPaths(paths);
}

let chain: Promise<unknown> = Promise.resolve();

/**
 * Activate a backend (see the module comment for how it is chosen). Falls back to `cpu` with a
 * reason when the requested one cannot start. Calls are serialised.
 */
export function useBackend(param?: string, env?: string): Promise<BackendInfo> {
  const run = async (): Promise<BackendInfo> => {
    const requested = resolveBackend(param, env);
    if (!['wasm', 'cpu', 'tensorflow'].includes(requested))
      throw new Error(
        `unknown tfjs backend "${requested}" (from the backend param or CORTEXFLOW_BACKEND); use one of: wasm, cpu, tensorflow`,
      );
    let fallbackReason: string | undefined;
    if (requested === 'tensorflow' && !(await loadTfNode())) fallbackReason = '@tensorflow/tfjs-node is not installed';
    const target = fallbackReason === undefined ? requested : 'wasm';
    if (tf.getBackend() !== target || tf.findBackend(target) === null) {
      let ok = false;
      try {
        ok = await tf.setBackend(target);
      } catch (e) {
        fallbackReason = `${target} failed to start: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (!ok) {
        fallbackReason ??= `${target} failed to start`;
        await tf.setBackend('cpu');
      }
    }
    await tf.ready();
    const backend = tf.getBackend();
    const info: BackendInfo = { backend, requested };
    if (fallbackReason !== undefined) info.fallbackReason = fallbackReason;
    if (backend === 'wasm') info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    return info;
  };
  const p = chain.then(run, run);
  chain = p.catch(() => undefined);
  return p;
}

/** One line for events and logs: "wasm (SIMD)", "cpu (wasm failed to start: ...)". */
export function describeBackend(info: BackendInfo): string {
  let s = info.backend;
  if (info.simd !== undefined) s += info.simd ? ' (SIMD)' : ' (no SIMD)';
  if (info.fallbackReason !== undefined) s += `; asked for ${info.requested}: ${info.fallbackReason}`;
  return s;
}

let gradientsLoading: Promise<void> | undefined;

/**
 * Make tfjs autodiff available (only the autodiff training path needs it; the hand BPTT does not).
 * tfjs-core registers no gradients itself, and its ESM gradient module cannot be imported by plain
 * Node ESM (directory imports): bundlers load that module, plain Node falls back to the
 * `@tensorflow/tfjs` umbrella package, whose CommonJS build registers them on the same tfjs-core.
 */
export function ensureGradients(): Promise<void> {
  if (tf.getGradient('Tanh') !== undefined) return Promise.resolve();
  const umbrella = '@tensorflow/tfjs';
  gradientsLoading ??= import('@tensorflow/tfjs-core/dist/register_all_gradients.js')
    // Bundlers (the editor) take this path; plain Node cannot (directory imports inside tfjs-core's ESM).
    .catch(() => import(/* @vite-ignore */ umbrella))
    .then(() => {
      if (tf.getGradient('Tanh') === undefined)
        throw new Error(
          'tfjs gradients did not register: @tensorflow/tfjs and @tensorflow/tfjs-core are different copies',
        );
    });
  return gradientsLoading;
}
