/**
 * The fixed-point finder's Adam iteration in WebAssembly: `fpAdam` of the fused CTRNN kernel's module
 * (source `nodes/dynamics/assembly/fixed-point.ts`, built into `ctrnn.wasm` by
 * `node scripts/build-kernel.mjs`), one call per iteration for the whole active batch, instead of
 * ~15 small tfjs ops. It reuses the trainer's register-blocked product and activations, and the
 * build (relaxed or plain SIMD) the trainer picks ({@link kernelVariant}).
 *
 * Units are padded to a multiple of 8 and rows to a multiple of 4 with zeros; a mask keeps the
 * padded units out of q and the gradient (sigmoid and softplus are not 0 at 0).
 */
import type { Activation } from '../ports/index.ts';
import { kernelModule, kernelVariant, type KernelVariant } from '../dynamics/kernel-variant.ts';
import type { CtrnnMap } from './ctrnn-map.ts';

const ACT: Record<Activation, number> = { tanh: 0, relu: 1, sigmoid: 2, softplus: 3 };

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  pack(K: number, Np: number, B: number, ldb: number, Bp: number): void;
  fpAdam(...a: Array<number | boolean>): void;
}

/** Adam's constants, as the tfjs path uses them. */
export interface AdamConstants {
  b1: number;
  b2: number;
  eps: number;
}

const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;
const round4 = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * A batch of starts of one map, held in wasm memory: `evaluate()` gives q per row (and keeps the
 * gradient), `update(step)` queues the Adam step with one learning rate per row, applied at the
 * start of the next `evaluate()` in the same call; `compact()` drops rows (moving the queued step
 * with them), `readH()` gives the current states.
 */
export class FpAdamBatch {
  readonly Np: number;
  private readonly ex: Exports;
  private f32: Float32Array;
  private f64: Float64Array;
  private readonly act: number;
  private readonly p: Record<'WTp' | 'Wp' | 'c' | 'mask' | 'H' | 'M1' | 'M2' | 'Gr' | 'F' | 'step' | 'q', number>;
  /** Rows in the batch (the real ones; R is rounded up to 4 in memory). */
  rows: number;
  private pending = false;
  private c1 = 1;
  private c2 = 1;

  private constructor(
    private readonly map: CtrnnMap,
    activation: Activation,
    H0: ArrayLike<number>,
    S: number,
    private readonly k: AdamConstants,
    /** The build this batch runs. */
    readonly variant: KernelVariant,
    instance: WebAssembly.Instance,
  ) {
    this.ex = instance.exports as unknown as Exports;
    this.act = ACT[activation];
    const N = map.N;
    const Np = Math.ceil(N / 8) * 8;
    this.Np = Np;
    const Rp = round4(S);
    let at = align(this.ex.heapBase());
    const take = (bytes: number): number => {
      const o = at;
      at += align(bytes);
      return o;
    };
    const mat = Rp * Np * 4;
    const scratch = take(Np * Np * 4);
    this.p = {
      WTp: take(Np * Np * 4),
      Wp: take(Np * Np * 4),
      c: take(Np * 4),
      mask: take(Np * 4),
      H: take(mat),
      M1: take(mat),
      M2: take(mat),
      Gr: take(mat),
      F: take(mat),
      step: take(Rp * 4),
      q: take(Rp * 8),
    };
    const mem = this.ex.memory;
    const need = at - mem.buffer.byteLength;
    if (need > 0) mem.grow(Math.ceil(need / 65536));
    this.f32 = new Float32Array(mem.buffer);
    this.f64 = new Float64Array(mem.buffer);
    // Zero everything past the module's own data (memory may be reused by a later grow).
    this.f32.fill(0, scratch / 4, at / 4);
    const f = this.f32;
    // W^T then W, each padded to [Np, Np] in the scratch and packed into panels.
    const W = map.W;
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) f[scratch / 4 + j * Np + i] = W[i * N + j] as number;
    this.ex.pack(Np, Np, scratch, Np * 4, this.p.WTp);
    f.fill(0, scratch / 4, scratch / 4 + Np * Np);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) f[scratch / 4 + i * Np + j] = W[i * N + j] as number;
    this.ex.pack(Np, Np, scratch, Np * 4, this.p.Wp);
    for (let j = 0; j < N; j++) {
      f[this.p.c / 4 + j] = map.c[j] as number;
      f[this.p.mask / 4 + j] = 1;
    }
    for (let r = 0; r < S; r++) for (let j = 0; j < N; j++) f[this.p.H / 4 + r * Np + j] = H0[r * N + j] as number;
    this.rows = S;
  }

  /** A batch of the S starts H0 [S, N] (row-major) for this map; compiles the module on first use. */
  static async create(
    map: CtrnnMap,
    activation: Activation,
    H0: ArrayLike<number>,
    S: number,
    k: AdamConstants,
    variant: KernelVariant = kernelVariant(),
  ): Promise<FpAdamBatch> {
    const instance = await WebAssembly.instantiate(await kernelModule(variant), {
      env: {
        abort: () => {
          throw new Error('fixed-point kernel aborted');
        },
      },
    });
    return new FpAdamBatch(map, activation, H0, S, k, variant, instance);
  }

  private call(update: boolean, evaluate: boolean): void {
    const { p, k } = this;
    this.ex.fpAdam(
      round4(this.rows),
      this.Np,
      this.act,
      this.map.alpha,
      k.b1,
      1 - k.b1,
      k.b2,
      1 - k.b2,
      this.c1,
      this.c2,
      k.eps,
      update,
      evaluate,
      p.WTp,
      p.Wp,
      p.c,
      p.mask,
      p.H,
      p.M1,
      p.M2,
      p.Gr,
      p.F,
      p.step,
      p.q,
    );
  }

  /** q per row at the current states (after any queued update); the gradient is kept for update(). */
  evaluate(): Float64Array {
    this.call(this.pending, true);
    this.pending = false;
    return this.f64.subarray(this.p.q / 8, this.p.q / 8 + this.rows);
  }

  /** Queue the Adam step: one learning rate per row (0: the row stays), bias corrections c1, c2. */
  update(step: ArrayLike<number>, c1: number, c2: number): void {
    const s = this.p.step / 4;
    for (let r = 0; r < this.rows; r++) this.f32[s + r] = step[r] as number;
    this.c1 = c1;
    this.c2 = c2;
    this.pending = true;
  }

  /** Keep only rows `keep` (increasing), in that order: states, moments, gradient and queued step. */
  compact(keep: ArrayLike<number>): void {
    const { f32: f, Np } = this;
    const n = keep.length;
    for (const base of [this.p.H, this.p.M1, this.p.M2, this.p.Gr]) {
      const b = base / 4;
      for (let r = 0; r < n; r++) {
        const from = keep[r] as number;
        if (from !== r) f.copyWithin(b + r * Np, b + from * Np, b + (from + 1) * Np);
      }
      // Rows past the batch are zero again, as the padding must be.
      f.fill(0, b + n * Np, b + round4(this.rows) * Np);
    }
    const s = this.p.step / 4;
    for (let r = 0; r < n; r++) f[s + r] = f[s + (keep[r] as number)] as number;
    f.fill(0, s + n, s + round4(this.rows));
    this.rows = n;
  }

  /** The current states [rows, N] (applies a queued update first). */
  readH(): Float32Array {
    if (this.pending) {
      this.call(true, false);
      this.pending = false;
    }
    const { N } = this.map;
    const out = new Float32Array(this.rows * N);
    const h = this.p.H / 4;
    for (let r = 0; r < this.rows; r++) out.set(this.f32.subarray(h + r * this.Np, h + r * this.Np + N), r * N);
    return out;
  }

  /** The gradient of the last evaluate() [rows, N] (for tests). */
  readGrad(): Float32Array {
    const { N } = this.map;
    const out = new Float32Array(this.rows * N);
    const g = this.p.Gr / 4;
    for (let r = 0; r < this.rows; r++) out.set(this.f32.subarray(g + r * this.Np, g + r * this.Np + N), r * N);
    return out;
  }

  /** Nothing to free: the instance and its memory go with the object. */
  dispose(): void {}
}
