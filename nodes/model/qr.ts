/**
 * Householder QR for the orthogonal initialiser, blocked the LAPACK way (dgeqrf + dorgqr, compact WY
 * form: a panel of NB reflectors is I - V T V^T), so that almost all of the work is two matrix
 * products per panel. It runs in WebAssembly with SIMD (wasm/qr.as, bytes in
 * wasm/qr-wasm.generated.ts, rebuilt by `npm run build:qr-wasm`); `qrTs` below is its TypeScript
 * twin, used where WebAssembly SIMD cannot be compiled synchronously. Both sum every entry in the
 * same order (the SIMD lanes hold different entries, never parts of one sum), so they give the same
 * float64 bits and a model's weights never depend on where it was created.
 *
 * Its own module rather than more functions in the analyses' linalg.wasm: model creation (every
 * run, the editor's worker) then loads 5 kB of QR and nothing of the analyses, and neither module's
 * committed bytes change when the other's source does.
 */
import { QR_WASM_BASE64 } from './wasm/qr-wasm.generated.ts';

/** Reflectors per panel (LAPACK's block size for dgeqrf). Must match wasm/qr.as. */
const NB = 32;
/** Once fewer than NB + NX columns remain, the rest is factored unblocked (LAPACK's crossover). */
const NX = 128;

/** Q of A = Q R (row-major n x n) and R's diagonal. */
export interface QrResult {
  q: Float64Array;
  diag: Float64Array;
}

interface Exports {
  memory: WebAssembly.Memory;
  qr(a: number, q: number, lda: number, n: number, s: number): void;
  scratchLength(n: number): number;
  stride(cols: number): number;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly (with SIMD) cannot be compiled synchronously here. */
function qrModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (typeof process !== 'undefined' && process.env?.CORTEXFLOW_LINALG === 'js') return compiled;
  try {
    const bin = atob(QR_WASM_BASE64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether the WebAssembly kernel is available here (else `householderQr` runs the TypeScript twin). */
export function qrWasmAvailable(): boolean {
  return qrModule() !== null;
}

/**
 * Householder QR of the row-major n x n matrix `a` (not modified): Q (row-major) and R's diagonal,
 * with LAPACK's sign convention (beta = -sign(alpha) ||x||), so Q D with D = sign(diag R) is the
 * unique QR factor with a positive diagonal. `engine` forces one implementation (tests, benches).
 */
export function householderQr(a: ArrayLike<number>, n: number, engine: 'auto' | 'wasm' | 'ts' = 'auto'): QrResult {
  const mod = engine === 'ts' ? null : qrModule();
  if (engine === 'wasm' && mod === null) throw new Error('qr.wasm cannot be compiled here');
  return mod === null ? qrTs(a, n) : qrWasm(mod, a, n);
}

function qrWasm(mod: WebAssembly.Module, a: ArrayLike<number>, n: number): QrResult {
  // A fresh instance per call: its memory (2 n^2 float64, 256 MB at n = 4096) is garbage once we return.
  const inst = new WebAssembly.Instance(mod, {
    env: {
      abort: () => {
        throw new Error('qr.wasm aborted');
      },
    },
  });
  const ex = inst.exports as unknown as Exports;
  const lda = ex.stride(n);
  const size = n * lda;
  const bytes = 8 * (2 * size + ex.scratchLength(n));
  const have = ex.memory.buffer.byteLength;
  if (bytes > have) ex.memory.grow(Math.ceil((bytes - have) / 65536));
  const mem = new Float64Array(ex.memory.buffer);
  // [a | q | scratch], a and q with rows `lda` apart
  const src = a instanceof Float64Array ? a : Float64Array.from(a);
  for (let i = 0; i < n; i++) mem.set(src.subarray(i * n, (i + 1) * n), i * lda);
  ex.qr(0, 8 * size, lda, n, 16 * size);
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) diag[k] = mem[k * lda + k] as number;
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q.set(mem.subarray(size + i * lda, size + i * lda + n), i * n);
  return { q, diag };
}

// ---- TypeScript twin of wasm/qr.as: the same loops, entry by entry in the same order. -------------

/** y[yo..yo+len) += s x[xo..xo+len) */
function axpy(y: Float64Array, yo: number, x: Float64Array, xo: number, s: number, len: number): void {
  for (let j = 0; j < len; j++) y[yo + j] = (y[yo + j] as number) + s * (x[xo + j] as number);
}

function geqr2(
  a: Float64Array,
  n: number,
  k0: number,
  k1: number,
  c1: number,
  tau: Float64Array,
  w: Float64Array,
): void {
  for (let k = k0; k < k1; k++) {
    let norm2 = 0;
    for (let i = k; i < n; i++) {
      const x = a[i * n + k] as number;
      norm2 += x * x;
    }
    const alpha = a[k * n + k] as number;
    const norm = Math.sqrt(norm2);
    tau[k] = 0;
    if (norm === 0) continue; // tau = 0: H = I
    const beta = alpha >= 0 ? -norm : norm;
    const scale = 1 / (alpha - beta);
    for (let i = k + 1; i < n; i++) a[i * n + k] = (a[i * n + k] as number) * scale;
    a[k * n + k] = beta;
    const t = (beta - alpha) / beta;
    tau[k] = t;
    const len = c1 - k - 1;
    if (len <= 0) continue;
    w.fill(0, k + 1, c1);
    for (let i = k; i < n; i++) axpy(w, k + 1, a, i * n + k + 1, i === k ? 1 : (a[i * n + k] as number), len);
    for (let i = k; i < n; i++) axpy(a, i * n + k + 1, w, k + 1, -(t * (i === k ? 1 : (a[i * n + k] as number))), len);
  }
}

function org2r(
  a: Float64Array,
  q: Float64Array,
  n: number,
  k0: number,
  k1: number,
  tau: Float64Array,
  w: Float64Array,
): void {
  for (let k = k1 - 1; k >= k0; k--) {
    const t = tau[k] as number;
    if (t === 0) continue;
    const len = n - k;
    w.fill(0, k, n);
    for (let i = k; i < n; i++) axpy(w, k, q, i * n + k, i === k ? 1 : (a[i * n + k] as number), len);
    for (let i = k; i < n; i++) axpy(q, i * n + k, w, k, -(t * (i === k ? 1 : (a[i * n + k] as number))), len);
  }
}

function pack(a: Float64Array, n: number, k0: number, vp: Float64Array): void {
  for (let r = 0; r < n - k0; r++)
    for (let p = 0; p < NB; p++) vp[r * NB + p] = p > r ? 0 : p === r ? 1 : (a[(k0 + r) * n + k0 + p] as number);
}

function larft(vp: Float64Array, rows: number, tau: Float64Array, k0: number, t: Float64Array, g: Float64Array): void {
  g.fill(0);
  t.fill(0);
  for (let r = 0; r < rows; r++)
    for (let p = 0; p < NB - 1; p++) axpy(g, p * NB + p + 1, vp, r * NB + p + 1, vp[r * NB + p] as number, NB - 1 - p);
  for (let i = 0; i < NB; i++) {
    const ti = tau[k0 + i] as number;
    t[i * NB + i] = ti;
    for (let p = 0; p < i; p++) {
      let s = 0;
      for (let q = p; q < i; q++) s += (t[p * NB + q] as number) * (g[q * NB + i] as number);
      t[p * NB + i] = -ti * s;
    }
  }
}

/** W [NB x m] = V^T C, C at offset c (row stride n): every entry sums its rows in order. */
function gemmTN(
  vp: Float64Array,
  rows: number,
  cm: Float64Array,
  c: number,
  n: number,
  m: number,
  w: Float64Array,
): void {
  w.fill(0, 0, NB * m);
  for (let r = 0; r < rows; r++)
    for (let p = 0; p < NB; p++) axpy(w, p * m, cm, c + r * n, vp[r * NB + p] as number, m);
}

function trmmT(t: Float64Array, w: Float64Array, m: number): void {
  for (let p = NB - 1; p >= 0; p--) {
    const s = t[p * NB + p] as number;
    for (let j = 0; j < m; j++) w[p * m + j] = s * (w[p * m + j] as number);
    for (let q = 0; q < p; q++) axpy(w, p * m, w, q * m, t[q * NB + p] as number, m);
  }
}

function trmm(t: Float64Array, w: Float64Array, m: number): void {
  for (let p = 0; p < NB; p++) {
    const s = t[p * NB + p] as number;
    for (let j = 0; j < m; j++) w[p * m + j] = s * (w[p * m + j] as number);
    for (let q = p + 1; q < NB; q++) axpy(w, p * m, w, q * m, t[p * NB + q] as number, m);
  }
}

/** C -= V W: every entry subtracts its NB terms in order. */
function gemmSub(
  cm: Float64Array,
  c: number,
  n: number,
  vp: Float64Array,
  rows: number,
  w: Float64Array,
  m: number,
): void {
  for (let r = 0; r < rows; r++) {
    const row = c + r * n;
    for (let j = 0; j < m; j++) {
      let s = cm[row + j] as number;
      for (let p = 0; p < NB; p++) s -= (vp[r * NB + p] as number) * (w[p * m + j] as number);
      cm[row + j] = s;
    }
  }
}

/** The TypeScript twin of qr() in wasm/qr.as (exported for the test that holds the two to the same bits). */
export function qrTs(input: ArrayLike<number>, n: number): QrResult {
  const a = Float64Array.from(input);
  const q = new Float64Array(n * n);
  const tau = new Float64Array(n);
  const w = new Float64Array(n);
  const vp = new Float64Array(n * NB);
  const ts: Float64Array[] = [];
  const g = new Float64Array(NB * NB);
  const wk = new Float64Array(NB * n);
  let k0 = 0;
  for (; k0 + NB + NX <= n; k0 += NB) {
    geqr2(a, n, k0, k0 + NB, k0 + NB, tau, w);
    pack(a, n, k0, vp);
    const t = new Float64Array(NB * NB);
    ts.push(t);
    larft(vp, n - k0, tau, k0, t, g);
    const m = n - k0 - NB;
    const c = k0 * n + k0 + NB;
    gemmTN(vp, n - k0, a, c, n, m, wk);
    trmmT(t, wk, m);
    gemmSub(a, c, n, vp, n - k0, wk, m);
  }
  const tail = k0;
  geqr2(a, n, tail, n - 1, n, tau, w);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  org2r(a, q, n, tail, n - 1, tau, w);
  for (k0 = tail - NB; k0 >= 0; k0 -= NB) {
    pack(a, n, k0, vp);
    const t = ts[k0 / NB] as Float64Array;
    const m = n - k0;
    const c = k0 * n + k0;
    gemmTN(vp, n - k0, q, c, n, m, wk);
    trmm(t, wk, m);
    gemmSub(q, c, n, vp, n - k0, wk, m);
  }
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) diag[k] = a[k * n + k] as number;
  return { q, diag };
}
