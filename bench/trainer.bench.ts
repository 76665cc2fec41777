/**
 * Trainer benchmarks (issue 4):
 * 1. ms per training step (forward over T + BPTT + Adam) at N = 100 B = 32 T = 200 and the authors'
 *    N = 200 B = 256 T = 290, 2 in / 1 out: ours with the fused wasm kernel on one thread and on all
 *    cores, the previous tfjs kernel, and, when Debian's python3-torch/numpy are installed,
 *    PyTorch's per-step autograd loop, torch.nn.RNN and a hand-written float32 numpy BPTT (OpenBLAS),
 *    all on one thread, in the same run, with GFLOP/s and the fraction of the measured sgemm peak.
 * 2. Time to criterion of the authors' 3-task context network: bench/peers/ttc.ts (ours) and
 *    bench/peers/torch_ttc.py (PyTorch) on the same data, initial weights, recipe and seeds; each
 *    run in its own process so its peak memory (max RSS) is its own. Opt in with
 *    CORTEXFLOW_BENCH_TTC=1 (minutes per seed; `only` skips part 1); `--quick` runs a smaller variant.
 *
 * The machines are shared and noisy: compare within one run (ratios), medians of 10 after 3 warm-ups.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from '../nodes/lib/tf.ts';
import { adamInit, adamStep } from '../nodes/train/adam.ts';
import { lossAndGrad, type CellConfig } from '../nodes/train/bptt.ts';
import {
  CtrnnKernel,
  fusedLossAndGrad,
  kernelModule,
  kernelVariant,
  type KernelVariant,
} from '../nodes/dynamics/fused.ts';
import { thetaLength, type Batch } from '../nodes/train/layout.ts';
import { gradientPool, threadCount } from '../nodes/train/pool.ts';
import { createCtrnn, kerasForm } from '../nodes/model/ctrnn.ts';
import { Rng } from '../nodes/lib/rng.ts';
import type { BenchRow, BenchSuite } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PY = '/usr/bin/python3';
export const PY_ENV = {
  ...process.env,
  MALLOC_MMAP_THRESHOLD_: '1073741824',
  MALLOC_TRIM_THRESHOLD_: '1073741824',
  OMP_NUM_THREADS: '1',
};

export function torchAvailable(): boolean {
  const r = spawnSync(PY, ['-c', 'import torch'], { env: PY_ENV });
  return r.status === 0;
}

function synthetic(N: number, B: number, T: number) {
  const cfg: CellConfig = { N, I: 2, O: 1, bias: false, alpha: 1, activation: 'tanh' };
  const rng = new Rng(N);
  const model = createCtrnn(kerasForm(N, 2, 1, 1), {});
  const batch: Batch = {
    B,
    T,
    X: Float32Array.from({ length: T * B * 2 }, () => rng.normal()),
    Y: Float32Array.from({ length: T * B }, () => rng.normal()),
    M: new Float32Array(T * B).fill(1),
  };
  return { cfg, model, batch };
}

interface Timing {
  median: number;
  min: number;
  /** Time this process's threads spent runnable but not running, as a fraction of wall time (Linux). */
  wait?: number;
  /** CPU time per step of this process's busiest thread (ms, Linux): the step's wall time if every thread had a core. */
  busiest?: number;
  /** Least CPU time of one step (ms; one-thread variants): robust to run-queue wait on a busy machine. */
  cpuMin?: number;
}

/**
 * Sum of run-queue wait (ms) over this process's threads, from /proc/self/task/<tid>/schedstat
 * (Linux only; undefined elsewhere). On a shared machine this is what separates a slow kernel from a
 * starved one: with scheduler autogroups, other sessions' jobs get an equal share of the cores
 * whatever their nice level, so a pool of 2 threads can get one core's worth.
 */
function schedStats(): { wait: number; run: Map<string, number> } | undefined {
  try {
    let wait = 0;
    const run = new Map<string, number>();
    for (const t of readdirSync('/proc/self/task')) {
      const f = readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ');
      run.set(t, Number(f[0]) / 1e6);
      wait += Number(f[1]) / 1e6;
    }
    return { wait, run };
  } catch {
    return undefined;
  }
}

async function msPerStep(step: () => Promise<void>, reps: number, warmup: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await step();
  const ts: number[] = [];
  const w0 = schedStats();
  const t00 = performance.now();
  let cpuMin = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await step();
    const c = process.cpuUsage(c0);
    cpuMin = Math.min(cpuMin, (c.user + c.system) / 1000);
    ts.push(performance.now() - t0);
  }
  const w1 = schedStats();
  const wall = performance.now() - t00;
  ts.sort((a, b) => a - b);
  const r: Timing = { median: ts[Math.floor(ts.length / 2)] as number, min: ts[0] as number, cpuMin };
  if (w0 !== undefined && w1 !== undefined) {
    r.wait = (w1.wait - w0.wait) / wall;
    let most = 0;
    for (const [t, ms] of w1.run) most = Math.max(most, ms - (w0.run.get(t) ?? 0));
    r.busiest = most / reps;
  }
  return r;
}

/** Python peers: one JSON object per line. */
function python(script: string, args: string[], env: NodeJS.ProcessEnv): Array<Record<string, unknown>> {
  const out = execFileSync(PY, [join(here, 'peers', script), ...args], { env, encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** numpy's environment: OpenBLAS on one thread, without the env's core-type and L2 overrides. */
function numpyEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...PY_ENV, OPENBLAS_NUM_THREADS: '1' };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  return env;
}

/**
 * The kernel's own 4x8 product tile on an L1-resident problem (C[48, 48] += A[48, 64] B[64, 48], B
 * packed as the kernel packs W_rec): the most this build's inner loop can do on this CPU, so the
 * training step's GFLOP/s can be read as a fraction of what 128-bit wasm SIMD allows.
 */
async function tileCeiling(v: KernelVariant): Promise<number> {
  const inst = await WebAssembly.instantiate(await kernelModule(v), { env: { abort: () => undefined } });
  const ex = inst.exports as unknown as {
    memory: WebAssembly.Memory;
    heapBase(): number;
    gemmP(M: number, Np: number, K: number, A: number, lda: number, Bp: number, C: number, ldc: number): void;
  };
  ex.memory.grow(2);
  const M = 48;
  const K = 64;
  const base = Math.ceil(ex.heapBase() / 64) * 64;
  const A = base;
  const Bp = A + M * K * 4;
  const C = Bp + K * M * 4;
  const f = new Float32Array(ex.memory.buffer, base, (C - base) / 4 + M * M);
  for (let i = 0; i < f.length; i++) f[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const reps = 2000;
  let best = Infinity;
  for (let r = 0; r < 9; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) ex.gemmP(M, M, K, A, K * 4, Bp, C, M * 4);
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return (2 * M * M * K) / best / 1e6;
}

const suite: BenchSuite = async ({ quick }) => {
  const rows: BenchRow[] = [];
  const ttc = process.env['CORTEXFLOW_BENCH_TTC'];
  // The issue's two shapes: N = 100 B = 32 T = 200, and the authors' multitask shape N = 200 B = 256 T = 290.
  const shapes =
    ttc === 'only'
      ? []
      : quick
        ? [{ N: 100, B: 32, T: 200 }]
        : [
            { N: 100, B: 32, T: 200 },
            { N: 200, B: 256, T: 290 },
          ];
  const torch = torchAvailable();
  if (!torch) process.stderr.write('trainer bench: python3-torch not installed, PyTorch and numpy peers skipped\n');
  const threads = threadCount(0);
  let peak: number | undefined;
  const ceilings: Partial<Record<KernelVariant, number>> = {};
  for (const v of kernelVariant() === 'relaxed' ? (['relaxed', 'simd'] as const) : (['simd'] as const)) {
    ceilings[v] = await tileCeiling(v);
    rows.push({
      suite: 'trainer',
      name: `wasm ${v === 'relaxed' ? 'relaxed-SIMD (FMA)' : 'plain-SIMD'} 4x8 product tile, L1-resident, 1 thread: the ceiling`,
      value: ceilings[v],
      unit: 'GFLOP/s',
      note: 'C[48,48] += A[48,64] B[64,48], best of 9 x 2000 calls',
    });
  }
  for (const { N, B, T } of shapes) {
    const big = B * T * N * N > 1e8;
    const reps = quick ? 5 : big ? 6 : 10;
    const warmup = quick ? 2 : big ? 2 : 3;
    const { cfg, model, batch } = synthetic(N, B, T);
    const flop = 6 * B * T * N * N; // forward, dL/dh through W_rec, dW_rec: 2 B T N^2 each
    const ours: Record<string, Timing> = {};
    const info = await useBackend('wasm');
    const { packTheta } = await import('../nodes/train/layout.ts');
    const cfgAdam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, decay: 0 };
    const fresh = () => ({ theta: packTheta(model), adam: adamInit(thetaLength(cfg)) });
    // The build the trainer uses (relaxed SIMD where the engine has it), then the plain-SIMD build
    // for the before/after of the fused multiply-add.
    const variant = kernelVariant();
    for (const v of variant === 'relaxed' ? (['relaxed', 'simd'] as const) : (['simd'] as const)) {
      const { theta, adam } = fresh();
      const k = await CtrnnKernel.create(cfg, v);
      ours[v === variant ? 'fused wasm, 1 thread' : 'fused wasm plain-SIMD build, 1 thread'] = await msPerStep(
        async () => {
          const { grad } = fusedLossAndGrad(k, theta, batch);
          adamStep(cfgAdam, adam, theta, grad);
        },
        reps,
        warmup,
      );
    }
    const pool = await gradientPool(model, threads, { platform: 'node', backend: info.backend, batchSize: B });
    if (pool) {
      const { theta, adam } = fresh();
      try {
        ours[`fused wasm, ${pool.threads} threads`] = await msPerStep(
          async () => {
            const { grad } = await pool.gradient(theta, batch, undefined);
            adamStep(cfgAdam, adam, theta, grad);
          },
          reps,
          warmup,
        );
      } finally {
        await pool.close();
      }
    }
    {
      // The previous kernel (hand BPTT in tfjs ops), for the before/after.
      const { theta, adam } = fresh();
      ours['tfjs-wasm hand BPTT (before), 1 thread'] = await msPerStep(
        async () => {
          const { grad } = lossAndGrad(cfg, theta, batch);
          adamStep(cfgAdam, adam, theta, grad);
        },
        big ? 3 : reps,
        1,
      );
    }
    const peers: Record<string, Timing> = {};
    if (torch) {
      for (const r of python('torch_step.py', [String(N), String(B), String(T), String(reps), String(warmup)], PY_ENV))
        peers[String(r['variant'])] = { median: Number(r['ms']), min: Number(r['min']), cpuMin: Number(r['cpuMin']) };
      for (const r of python(
        'numpy_step.py',
        [String(N), String(B), String(T), String(reps), String(warmup)],
        numpyEnv(),
      )) {
        if (r['gflops'] !== undefined) peak = Math.max(peak ?? 0, Number(r['gflops']));
        else
          peers[String(r['variant'])] = { median: Number(r['ms']), min: Number(r['min']), cpuMin: Number(r['cpuMin']) };
      }
    }
    const rnn = peers['torch.nn.RNN'];
    const loop = peers['torch autograd loop'];
    const np = peers['numpy hand BPTT'];
    const rate = (ms: number): string => {
      const g = flop / ms / 1e6;
      return `${g.toFixed(1)} GFLOP/s${peak !== undefined ? ` (${((100 * g) / peak).toFixed(0)}% of sgemm peak)` : ''}`;
    };
    // Ratios use the fastest of the repetitions: the shared machine disturbs minima least.
    const row = (who: string, ms: Timing): BenchRow => {
      const r: BenchRow = {
        suite: 'trainer',
        name: `train step N=${N} B=${B} T=${T}, ${who}`,
        value: ms.median,
        unit: 'ms',
        note: `min ${ms.min.toFixed(1)} ms, ${rate(ms.min)}${ms.wait !== undefined ? `, run-queue wait ${(100 * ms.wait).toFixed(0)}% of wall` : ''}`,
      };
      if (who.startsWith('ours fused wasm') && who.endsWith('1 thread')) {
        const c = ceilings[who.includes('plain-SIMD') ? 'simd' : kernelVariant()];
        if (c !== undefined) r.note += `, ${((100 * flop) / ms.min / 1e6 / c).toFixed(0)}% of its build's tile ceiling`;
      }
      if (rnn !== undefined) {
        r.peer = 'torch.nn.RNN 1 thr (min/min)';
        r.ratio = ms.min / rnn.min;
        if (loop !== undefined) r.note += `; x${(ms.min / loop.min).toFixed(2)} torch loop`;
        if (np !== undefined) r.note += `; x${(ms.min / np.min).toFixed(2)} numpy`;
        // The pool's CPU time is spread over threads: CPU-time ratios only for one-thread variants.
        if (!who.includes('threads') && ms.cpuMin !== undefined && rnn.cpuMin !== undefined)
          r.note += `; CPU time per step ${ms.cpuMin.toFixed(1)} ms: x${(ms.cpuMin / rnn.cpuMin).toFixed(2)} nn.RNN${loop?.cpuMin !== undefined ? `, x${(ms.cpuMin / loop.cpuMin).toFixed(2)} torch loop` : ''}${np?.cpuMin !== undefined ? `, x${(ms.cpuMin / np.cpuMin).toFixed(2)} numpy` : ''} (CPU/CPU)`;
      }
      return r;
    };
    for (const [v, ms] of Object.entries(peers)) rows.push(row(`${v} (1 thread)`, ms));
    for (const [v, ms] of Object.entries(ours)) rows.push(row(`ours ${v}`, ms));
    const one = ours['fused wasm, 1 thread'];
    const all = pool ? ours[`fused wasm, ${pool.threads} threads`] : undefined;
    if (one && all && pool)
      rows.push({
        suite: 'trainer',
        name: `speed-up N=${N} B=${B} T=${T}, ${pool.threads} threads over 1`,
        value: one.min / all.min,
        unit: 'x',
        note: `min/min; target >= 1.7 on 2 cores; load average ${loadavg()[0]?.toFixed(1)}${all.wait !== undefined ? `; the ${pool.threads} threads waited ${(100 * all.wait).toFixed(0)}% of wall for a core${all.wait > 0.3 ? ' (the machine is busy: this ratio measures the share of cores we got, not the pool)' : ''}` : ''}${all.busiest !== undefined ? `; busiest thread ${all.busiest.toFixed(1)} ms CPU per step, i.e. ${(one.min / all.busiest).toFixed(2)}x if each thread had its own core (an estimate, not a measurement)` : ''}`,
      });
  }
  rows.push({
    suite: 'trainer',
    name: `fused kernel build used by the trainer: ${kernelVariant()} SIMD`,
    value: kernelVariant() === 'relaxed' ? 1 : 0,
    unit: 'relaxed',
    note: 'relaxed = one fused multiply-add per multiply-add (f32x4.relaxed_madd); CORTEXFLOW_KERNEL=simd forces the plain build',
  });
  if (peak !== undefined)
    rows.push({
      suite: 'trainer',
      name: 'machine peak: numpy sgemm 1024^2, OpenBLAS 1 thread',
      value: peak,
      unit: 'GFLOP/s',
    });
  if (ttc === '1' || ttc === 'only') {
    const { timeToCriterion } = await import('./peers/ttc-runner.ts');
    rows.push(...(await timeToCriterion({ quick, torch })));
  } else
    process.stderr.write(
      'trainer bench: time-to-criterion of the 3-task network skipped (set CORTEXFLOW_BENCH_TTC=1; minutes per seed)\n',
    );
  return rows;
};

export default suite;
