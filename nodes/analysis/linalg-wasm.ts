/**
 * The WebAssembly (SIMD) kernels of linalg.ts: compiled once, synchronously, from the bytes in
 * wasm/linalg-wasm.generated.ts (source: wasm/linalg.as, rebuilt by `npm run build:linalg-wasm`).
 * Every kernel has a TypeScript twin in linalg.ts; callers fall back to it when this returns null
 * (a host without WebAssembly SIMD, or a browser main thread that forbids synchronous compiling of
 * modules this size), so results never depend on where the analysis runs, only the speed does.
 */
import { LINALG_WASM_BASE64 } from './wasm/linalg-wasm.generated.ts';

interface Exports {
  memory: WebAssembly.Memory;
  hessenberg(a: number, n: number, v: number, w: number): void;
  hqr(a: number, n: number, wr: number, wi: number): number;
  gram(x: number, n: number, m: number, c: number): void;
  tridiag(a: number, n: number, v: number, beta: number, d: number, e: number, p: number): void;
  luSolve(a: number, n: number, b: number): number;
}

/** The kernels, working on float64 arrays the caller hands over (copied in and out of wasm memory). */
export interface LinalgWasm {
  /** Eigenvalues of the row-major n x n matrix `a` (not modified) into wr / wi; false if QR did not converge. */
  eigenvalues(a: ArrayLike<number>, n: number, wr: Float64Array, wi: Float64Array): boolean;
  /** Upper triangle (j >= i) of X X^T for X [n, m] row-major; the result is [n, n], lower part unspecified. */
  gram(x: Float64Array, n: number, m: number): Float64Array;
  /** Householder tridiagonalisation of a symmetric matrix (see linalg.ts tridiagonalize). */
  tridiagonalize(
    a: ArrayLike<number>,
    n: number,
  ): { d: Float64Array; e: Float64Array; v: Float64Array; beta: Float64Array };
  /**
   * x with A x = b for the row-major n x n matrix `a` (not modified), by LU with partial pivoting;
   * null when a pivot is exactly 0 (singular). Used by the fixed-point finder's Newton polish.
   */
  solve(a: ArrayLike<number>, n: number, b: ArrayLike<number>): Float64Array | null;
}

let cached: LinalgWasm | null | undefined;

/** The wasm kernels, or null where WebAssembly (with SIMD) cannot be compiled synchronously here. */
export function linalgWasm(): LinalgWasm | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (typeof process !== 'undefined' && process.env?.CORTEXFLOW_LINALG === 'js') return cached;
  try {
    const bin = atob(LINALG_WASM_BASE64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: {
        abort: () => {
          throw new Error('linalg.wasm aborted');
        },
      },
    });
    cached = wrap(inst.exports as unknown as Exports);
  } catch {
    cached = null;
  }
  return cached;
}

function wrap(ex: Exports): LinalgWasm {
  // Scratch laid out from byte 0 (the module has no data of its own: --runtime stub, no statics).
  const ensure = (bytes: number): Float64Array => {
    const have = ex.memory.buffer.byteLength;
    if (bytes > have) ex.memory.grow(Math.ceil((bytes - have) / 65536));
    return new Float64Array(ex.memory.buffer);
  };
  return {
    eigenvalues(a, n, wr, wi) {
      const nn = n * n;
      // [a | v | w | wr | wi]
      const mem = ensure(8 * (nn + 4 * n));
      mem.set(a, 0);
      ex.hessenberg(0, n, 8 * nn, 8 * (nn + n));
      const ok = ex.hqr(0, n, 8 * (nn + 2 * n), 8 * (nn + 3 * n)) === 0;
      const m2 = new Float64Array(ex.memory.buffer);
      wr.set(m2.subarray(nn + 2 * n, nn + 3 * n));
      wi.set(m2.subarray(nn + 3 * n, nn + 4 * n));
      return ok;
    },
    gram(x, n, m) {
      // [x | c]
      const mem = ensure(8 * (n * m + n * n));
      mem.set(x, 0);
      ex.gram(0, n, m, 8 * n * m);
      return new Float64Array(ex.memory.buffer).slice(n * m, n * m + n * n);
    },
    solve(a, n, b) {
      // [a | b]
      const nn = n * n;
      const mem = ensure(8 * (nn + n));
      mem.set(a, 0);
      mem.set(b, nn);
      if (ex.luSolve(0, n, 8 * nn) !== 0) return null;
      return new Float64Array(ex.memory.buffer).slice(nn, nn + n);
    },
    tridiagonalize(a, n) {
      // [a | v | beta | d | e | p]
      const nn = n * n;
      const mem = ensure(8 * (2 * nn + 4 * n));
      mem.set(a, 0);
      const B = 2 * nn;
      ex.tridiag(0, n, 8 * nn, 8 * B, 8 * (B + n), 8 * (B + 2 * n), 8 * (B + 3 * n));
      const m2 = new Float64Array(ex.memory.buffer);
      return {
        v: m2.slice(nn, 2 * nn),
        beta: m2.slice(B, B + n),
        d: m2.slice(B + n, B + 2 * n),
        e: m2.slice(B + 2 * n, B + 3 * n),
      };
    },
  };
}
