/**
 * The fused CTRNN kernel (WebAssembly, 128-bit SIMD; source in `assembly/ctrnn.ts`, rebuilt by
 * `node scripts/build-kernel.mjs`): the forward pass over all T steps, the masked-MSE loss and the
 * whole BPTT of one batch chunk in one call, instead of ~8 tfjs ops per time step each way.
 *
 * Batches are cut into chunks of {@link CHUNK_ROWS} rows whatever the thread count; every chunk's
 * gradient is computed alone and the chunks are summed in chunk order ({@link sumChunks}), so one
 * thread and sixteen give bit-identical results (see pool.ts in nodes/train).
 *
 * Units are padded to a multiple of 8 (the register tile's width) and chunks to CHUNK_ROWS rows with
 * zero weights, zero inputs and zero mask, so the padding never reaches a real number.
 *
 * Two builds of the same source: relaxed SIMD (one fused multiply-add per multiply-add: ~1.2x the
 * plain build's speed where the CPU has FMA) and plain 128-bit SIMD. {@link kernelVariant} picks one
 * per process; every thread of a process uses the same one (the pool passes it to its workers), so
 * thread counts still give bit-identical numbers. The two builds differ from each other in rounding
 * only (float32 ulps), as any two BLAS builds do.
 */
import type { Activation } from '../ports/model.ts';
import { catRows, thetaLength, type Shape } from '../train/layout.ts';
import { kernelModule, kernelVariant, type KernelVariant } from './kernel-variant.ts';

export { kernelModule, kernelVariant, relaxedSimd, type KernelVariant } from './kernel-variant.ts';

/** Rows per block of the weight-gradient product (KB in assembly/ctrnn.ts): sizes its packing scratch. */
const KB = 256;

/** Rows (samples) per chunk: fixed, so results do not depend on how many threads share a batch. */
export const CHUNK_ROWS = 16;

/** What the kernel needs to know about a CTRNN. */
export interface KernelConfig extends Shape {
  alpha: number;
  activation: Activation;
}

const ACT: Record<Activation, number> = { tanh: 0, relu: 1, sigmoid: 2, softplus: 3 };

interface Exports {
  memory: WebAssembly.Memory;
  pack(K: number, Np: number, B: number, ldb: number, Bp: number): void;
  heapBase(): number;
  forward(...a: number[]): void;
  readout(...a: number[]): number;
  backward(...a: number[]): void;
}

/** Number of chunks of a batch of B rows. */
export const chunkCount = (B: number): number => Math.ceil(B / CHUNK_ROWS);

/** A time-major batch's arrays, as the kernel reads them. */
export interface KernelBatch {
  T: number;
  B: number;
  /** [T, B, I] */
  X: Float32Array;
  /** [T, B, O] (absent: forward only) */
  Y?: Float32Array;
  /** [T, B] */
  M?: Float32Array;
  /** [T, B, N] recurrent noise added to h each step */
  noise?: Float32Array | undefined;
}

const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * One instance of the kernel with its own memory: weights are set once per step, then any number of
 * chunks are computed. Not shareable across threads (each worker makes its own).
 */
export class CtrnnKernel {
  /** Units padded to a multiple of 8. */
  readonly Np: number;
  private readonly ex: Exports;
  private f32: Float32Array;
  private readonly act: number;
  // byte offsets of the fixed part
  private readonly p: Record<
    'WT' | 'W' | 'WTp' | 'Wp' | 'PK' | 'WinT' | 'bvec' | 'Wout' | 'bOut' | 'dWT' | 'dWinT' | 'db' | 'dWout' | 'dbOut',
    number
  >;
  private top: number;
  private t = 0;
  private q: Record<'X' | 'Y' | 'M' | 'noise' | 'H' | 'A' | 'DY' | 'Yhat' | 'G' | 'G2', number> | undefined;

  private constructor(
    readonly c: KernelConfig,
    /** The build this instance runs. */
    readonly variant: KernelVariant,
    instance: WebAssembly.Instance,
  ) {
    this.ex = instance.exports as unknown as Exports;
    this.act = ACT[c.activation];
    const Np = Math.ceil(c.N / 8) * 8;
    this.Np = Np;
    let at = align(this.ex.heapBase());
    const take = (floats: number): number => {
      const o = at;
      at += align(floats * 4);
      return o;
    };
    const { I, O } = c;
    this.p = {
      WT: take(Np * Np),
      W: take(Np * Np),
      WTp: take(Np * Np),
      Wp: take(Np * Np),
      PK: take(2 * KB * Np),
      WinT: take(I * Np),
      bvec: take(Np),
      Wout: take(O * Np),
      bOut: take(O),
      dWT: take(Np * Np),
      dWinT: take(I * Np),
      db: take(Np),
      dWout: take(O * Np),
      dbOut: take(O),
    };
    this.top = at;
    this.ensure(at);
    this.f32 = new Float32Array(this.ex.memory.buffer);
  }

  /**
   * A kernel for this configuration (compiles the module on first use in this thread), of build
   * `variant` (default: {@link kernelVariant}; a pool passes its own to its workers).
   */
  static async create(c: KernelConfig, variant: KernelVariant = kernelVariant()): Promise<CtrnnKernel> {
    const instance = await WebAssembly.instantiate(await kernelModule(variant), {
      env: {
        abort: () => {
          throw new Error('ctrnn kernel aborted');
        },
      },
    });
    return new CtrnnKernel(c, variant, instance);
  }

  private ensure(bytes: number): void {
    const mem = this.ex.memory;
    const need = Math.ceil((bytes - mem.buffer.byteLength) / 65536);
    if (need > 0) mem.grow(need);
    this.f32 = new Float32Array(mem.buffer);
  }

  /** Per-T scratch (grown, never shrunk). */
  private scratch(T: number): NonNullable<CtrnnKernel['q']> {
    if (this.q && T <= this.t) return this.q;
    const { I, O } = this.c;
    const Np = this.Np;
    const R = T * CHUNK_ROWS;
    let at = this.top;
    const take = (floats: number): number => {
      const o = at;
      at += align(floats * 4);
      return o;
    };
    const q = {
      X: take(R * I),
      Y: take(R * O),
      M: take(R),
      noise: take(R * Np),
      H: take(R * Np),
      A: take(R * Np),
      DY: take(R * O),
      Yhat: take(R * O),
      G: take(CHUNK_ROWS * Np),
      G2: take(CHUNK_ROWS * Np),
    };
    this.ensure(at);
    this.f32.fill(0, q.X / 4, at / 4);
    this.q = q;
    this.t = T;
    return q;
  }

  /** Load the weights (theta layout, nodes/train/layout.ts) into the kernel. */
  setTheta(theta: Float32Array): void {
    const { N, I, O, bias } = this.c;
    const Np = this.Np;
    const m = this.f32;
    const { WT, W, WinT, bvec, Wout, bOut } = this.p;
    const wt = WT / 4;
    const w = W / 4;
    for (let j = 0; j < N; j++)
      for (let i = 0; i < N; i++) {
        const v = theta[j * N + i] as number;
        m[wt + j * Np + i] = v;
        m[w + i * Np + j] = v;
      }
    this.ex.pack(Np, Np, WT, Np * 4, this.p.WTp);
    this.ex.pack(Np, Np, W, Np * 4, this.p.Wp);
    for (let k = 0; k < I; k++) m.set(theta.subarray((N + k) * N, (N + k + 1) * N), WinT / 4 + k * Np);
    if (bias) m.set(theta.subarray((N + I) * N, (N + I + 1) * N), bvec / 4);
    const o1 = catRows(this.c) * N;
    for (let o = 0; o < O; o++) {
      for (let j = 0; j < N; j++) m[Wout / 4 + o * Np + j] = theta[o1 + j * O + o] as number;
      m[bOut / 4 + o] = theta[o1 + N * O + o] as number;
    }
  }

  /** Copy rows [lo, hi) of a batch into the chunk buffers, zero-padding to CHUNK_ROWS rows. */
  private load(b: KernelBatch, lo: number, hi: number, withTargets: boolean): NonNullable<CtrnnKernel['q']> {
    const { N, I, O } = this.c;
    const Np = this.Np;
    const { T, B } = b;
    const q = this.scratch(T);
    const m = this.f32;
    const n = hi - lo;
    const C = CHUNK_ROWS;
    const pad = n < C;
    for (let t = 0; t < T; t++) {
      m.set(b.X.subarray((t * B + lo) * I, (t * B + hi) * I), q.X / 4 + t * C * I);
      if (pad) m.fill(0, q.X / 4 + (t * C + n) * I, q.X / 4 + (t + 1) * C * I);
      if (withTargets && b.Y && b.M) {
        m.set(b.Y.subarray((t * B + lo) * O, (t * B + hi) * O), q.Y / 4 + t * C * O);
        m.set(b.M.subarray(t * B + lo, t * B + hi), q.M / 4 + t * C);
        if (pad) m.fill(0, q.M / 4 + t * C + n, q.M / 4 + (t + 1) * C);
      }
      if (b.noise) {
        for (let r = 0; r < n; r++)
          m.set(b.noise.subarray((t * B + lo + r) * N, (t * B + lo + r + 1) * N), q.noise / 4 + (t * C + r) * Np);
        if (pad) m.fill(0, q.noise / 4 + (t * C + n) * Np, q.noise / 4 + (t + 1) * C * Np);
      }
    }
    return q;
  }

  /** Whether forward() writes the activations to H alone: they are the states (alpha = 1, no noise). */
  private alias(noise: boolean): number {
    return Math.fround(this.c.alpha) === 1 && !noise ? 1 : 0;
  }

  private runForward(q: NonNullable<CtrnnKernel['q']>, T: number, noise: boolean): void {
    const { p } = this;
    this.ex.forward(
      T,
      CHUNK_ROWS,
      this.Np,
      this.c.I,
      this.act,
      this.c.alpha,
      this.alias(noise),
      p.WTp,
      p.WinT,
      p.bvec,
      q.X,
      noise ? q.noise : 0,
      q.H,
      q.A,
    );
  }

  /**
   * Loss and gradient of rows [lo, hi) of a batch, after {@link setTheta}. Returns sum(m e^2) over
   * the chunk and writes into `grad` (theta layout) the chunk's share of the gradient of the batch
   * loss, which is `scale / 2 * sum(m e^2)` (scale = 2 / (O * sum of the whole batch's mask)).
   */
  chunkLossAndGrad(b: KernelBatch, lo: number, hi: number, scale: number, grad: Float32Array): number {
    const { N, I, O, bias } = this.c;
    const Np = this.Np;
    const { T } = b;
    const q = this.load(b, lo, hi, true);
    const { p } = this;
    this.runForward(q, T, b.noise !== undefined);
    const R = T * CHUNK_ROWS;
    const loss = this.ex.readout(R, Np, O, q.H, p.Wout, p.bOut, 0, q.Y, q.M, q.DY, scale);
    this.ex.backward(
      T,
      CHUNK_ROWS,
      Np,
      I,
      O,
      this.act,
      this.c.alpha,
      this.alias(b.noise !== undefined),
      p.Wp,
      p.Wout,
      q.X,
      q.H,
      q.A,
      q.DY,
      q.G,
      q.G2,
      p.PK,
      p.dWT,
      p.dWinT,
      p.db,
      p.dWout,
      p.dbOut,
    );
    const m = this.f32;
    for (let j = 0; j < N; j++) grad.set(m.subarray(p.dWT / 4 + j * Np, p.dWT / 4 + j * Np + N), j * N);
    for (let k = 0; k < I; k++) grad.set(m.subarray(p.dWinT / 4 + k * Np, p.dWinT / 4 + k * Np + N), (N + k) * N);
    if (bias) grad.set(m.subarray(p.db / 4, p.db / 4 + N), (N + I) * N);
    const o1 = catRows(this.c) * N;
    for (let o = 0; o < O; o++) {
      for (let j = 0; j < N; j++) grad[o1 + j * O + o] = m[p.dWout / 4 + o * Np + j] as number;
      grad[o1 + N * O + o] = m[p.dbOut / 4 + o] as number;
    }
    return loss;
  }

  /**
   * Forward pass of rows [lo, hi): outputs into `y` ([T, B, O] of the whole batch, rows lo..hi) and,
   * when given, states into `hidden` ([T, B, N] likewise).
   */
  chunkForward(b: KernelBatch, lo: number, hi: number, y: Float32Array, hidden?: Float32Array): void {
    const { N, O } = this.c;
    const Np = this.Np;
    const { T, B } = b;
    const q = this.load(b, lo, hi, false);
    const { p } = this;
    this.runForward(q, T, b.noise !== undefined);
    this.ex.readout(T * CHUNK_ROWS, Np, O, q.H, p.Wout, p.bOut, q.Yhat, 0, 0, 0, 0);
    const m = this.f32;
    const C = CHUNK_ROWS;
    for (let t = 0; t < T; t++) {
      y.set(m.subarray(q.Yhat / 4 + t * C * O, q.Yhat / 4 + (t * C + hi - lo) * O), (t * B + lo) * O);
      if (hidden)
        for (let r = 0; r < hi - lo; r++)
          hidden.set(m.subarray(q.H / 4 + (t * C + r) * Np, q.H / 4 + (t * C + r) * Np + N), (t * B + lo + r) * N);
    }
  }
}

/** O * sum of the mask: the loss's normaliser for the whole batch. */
export function lossDenominator(M: Float32Array, O: number): number {
  let s = 0;
  for (let i = 0; i < M.length; i++) s += M[i] as number;
  return O * s;
}

/**
 * The batch's loss and gradient from its chunks' (`losses[c]`, `grads` = chunk c at c * L), summed in
 * chunk order in float64: the same numbers whichever thread computed which chunk.
 */
export function sumChunks(
  losses: ArrayLike<number>,
  grads: Float32Array,
  chunks: number,
  L: number,
  denom: number,
): { loss: number; grad: Float32Array } {
  const acc = new Float64Array(L);
  let loss = 0;
  for (let c = 0; c < chunks; c++) {
    loss += losses[c] as number;
    const off = c * L;
    for (let i = 0; i < L; i++) acc[i] = (acc[i] as number) + (grads[off + i] as number);
  }
  const grad = new Float32Array(L);
  grad.set(acc);
  return { loss: denom > 0 ? loss / denom : 0, grad };
}

const chunkGrads = new WeakMap<CtrnnKernel, Float32Array>();

/** Loss and gradient of a whole batch on this thread (chunk by chunk, summed in chunk order). */
export function fusedLossAndGrad(
  k: CtrnnKernel,
  theta: Float32Array,
  b: KernelBatch & { Y: Float32Array; M: Float32Array },
): { loss: number; grad: Float32Array } {
  const L = thetaLength(k.c);
  const denom = lossDenominator(b.M, k.c.O);
  const chunks = chunkCount(b.B);
  if (denom === 0) return { loss: 0, grad: new Float32Array(L) };
  k.setTheta(theta);
  // Kept between calls: a fresh 2.6 MB array per step (N = 200, B = 256) costs page faults.
  let grads = chunkGrads.get(k);
  if (!grads || grads.length < chunks * L) {
    grads = new Float32Array(chunks * L);
    chunkGrads.set(k, grads);
  }
  const losses = new Float64Array(chunks);
  for (let c = 0; c < chunks; c++) {
    const lo = c * CHUNK_ROWS;
    losses[c] = k.chunkLossAndGrad(
      b,
      lo,
      Math.min(b.B, lo + CHUNK_ROWS),
      2 / denom,
      grads.subarray(c * L, (c + 1) * L),
    );
  }
  return sumChunks(losses, grads, chunks, L, denom);
}

/** Outputs (and optionally states) of a whole batch, no loss. */
export function fusedForward(
  k: CtrnnKernel,
  theta: Float32Array,
  b: KernelBatch,
  hidden = false,
): { y: Float32Array; hidden?: Float32Array } {
  const { T, B } = b;
  k.setTheta(theta);
  const y = new Float32Array(T * B * k.c.O);
  const h = hidden ? new Float32Array(T * B * k.c.N) : undefined;
  for (let lo = 0; lo < B; lo += CHUNK_ROWS) k.chunkForward(b, lo, Math.min(B, lo + CHUNK_ROWS), y, h);
  return h ? { y, hidden: h } : { y };
}
