/**
 * Which build of the fused CTRNN kernel a process runs, and its compiled module: relaxed SIMD (one
 * fused multiply-add per multiply-add) where the engine has it, else plain 128-bit SIMD.
 */
import { CTRNN_RELAXED_WASM_BASE64, CTRNN_WASM_BASE64 } from './ctrnn-wasm.ts';

/** Which build of the kernel: `relaxed` (relaxed SIMD, fused multiply-add) or `simd` (plain 128-bit SIMD). */
export type KernelVariant = 'relaxed' | 'simd';

const compiled = new Map<KernelVariant, Promise<WebAssembly.Module>>();

function wasmBytes(v: KernelVariant): Uint8Array<ArrayBuffer> {
  const s = atob(v === 'relaxed' ? CTRNN_RELAXED_WASM_BASE64 : CTRNN_WASM_BASE64);
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

let relaxedOk: boolean | undefined;

/**
 * Whether this engine runs the relaxed-SIMD build. Browsers with V8 >= 11.4 (Chrome 114) have relaxed
 * SIMD on; Node 20's V8 (11.3) has it behind --experimental-wasm-relaxed-simd, which is turned on here
 * before validating (V8 flags are process-wide, so worker threads see it too).
 */
export function relaxedSimd(): boolean {
  if (relaxedOk !== undefined) return relaxedOk;
  const relaxed = wasmBytes('relaxed');
  if (!WebAssembly.validate(relaxed) && typeof process !== 'undefined' && process.versions?.node !== undefined) {
    // node:v8 without a static import, so bundlers never see it.
    const v8 = (
      process as unknown as { getBuiltinModule?: (m: string) => { setFlagsFromString?: (f: string) => void } }
    ).getBuiltinModule?.('node:v8');
    v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
  }
  relaxedOk = WebAssembly.validate(relaxed);
  return relaxedOk;
}

/**
 * The build to use: `choice` (CORTEXFLOW_KERNEL in Node by default) = `simd` or `relaxed` forces
 * one; unset or empty, relaxed SIMD where this engine runs it ({@link relaxedSimd}), else plain SIMD.
 * Throws on any other value, or on `relaxed` where it cannot run.
 */
export function kernelVariant(
  choice: string | undefined = typeof process !== 'undefined' ? process.env?.['CORTEXFLOW_KERNEL'] : undefined,
): KernelVariant {
  if (choice !== undefined && choice !== '' && choice !== 'simd' && choice !== 'relaxed')
    throw new Error(
      `CORTEXFLOW_KERNEL = "${choice}": use "relaxed" (fused multiply-add) or "simd" (plain SIMD), or unset it`,
    );
  if (choice === 'simd') return 'simd';
  const ok = relaxedSimd();
  if (choice === 'relaxed' && !ok)
    throw new Error(
      'CORTEXFLOW_KERNEL = "relaxed", but this WebAssembly engine has no relaxed SIMD: unset it or set it to "simd"',
    );
  return ok ? 'relaxed' : 'simd';
}

/** The compiled module of a build (compiled once per thread). */
export function kernelModule(v: KernelVariant = kernelVariant()): Promise<WebAssembly.Module> {
  let m = compiled.get(v);
  if (!m) {
    // Also what turns Node 20's relaxed-SIMD flag on when a build is asked for by name.
    if (v === 'relaxed' && !relaxedSimd())
      return Promise.reject(
        new Error('the relaxed-SIMD kernel was asked for, but this WebAssembly engine has no relaxed SIMD'),
      );
    m = WebAssembly.compile(wasmBytes(v));
    compiled.set(v, m);
  }
  return m;
}
