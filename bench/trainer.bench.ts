/**
 * Trainer benchmarks (issue 4):
 * 1. ms per training step (forward over T + BPTT + Adam) for N = 50, 100, 200 at B = 32, T = 200,
 *    2 in / 1 out: ours on wasm (one thread and the batch split across two), on cpu, and, when
 *    Debian's python3-torch is installed, PyTorch's per-step autograd loop and torch.nn.RNN on one
 *    thread, measured in the same run, with ratios.
 * 2. Time to criterion of the authors' 3-task context network: bench/peers/ttc.ts (ours) and
 *    bench/peers/torch_ttc.py (PyTorch) on the same data, initial weights, recipe and seeds; each
 *    run in its own process so its peak memory (max RSS) is its own. Opt in with
 *    CORTEXFLOW_BENCH_TTC=1 (minutes per seed; `only` skips part 1); `--quick` runs a smaller variant.
 *
 * The machines are shared and noisy: compare within one run (ratios), medians of 10 after 3 warm-ups.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from '../nodes/lib/tf.ts';
import { adamInit, adamStep, clipByGlobalNorm } from '../nodes/train/adam.ts';
import { lossAndGrad, type CellConfig } from '../nodes/train/bptt.ts';
import { lossAndGradJs } from '../nodes/train/bptt-js.ts';
import { thetaLength, type Batch } from '../nodes/train/layout.ts';
import { gradientPool } from '../nodes/train/pool.ts';
import { createCtrnn } from '../nodes/model/ctrnn.ts';
import { Rng } from '../nodes/lib/rng.ts';
import type { BenchRow, BenchSuite } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PY = '/usr/bin/python3';
export const PY_ENV = { ...process.env, MALLOC_MMAP_THRESHOLD_: '1073741824', MALLOC_TRIM_THRESHOLD_: '1073741824', OMP_NUM_THREADS: '1' };

export function torchAvailable(): boolean {
  const r = spawnSync(PY, ['-c', 'import torch'], { env: PY_ENV });
  return r.status === 0;
}

function synthetic(N: number, B: number, T: number) {
  const cfg: CellConfig = { N, I: 2, O: 1, bias: false, alpha: 1, activation: 'tanh' };
  const rng = new Rng(N);
  const model = createCtrnn(
    { N, inputSize: 2, outputSize: 1, alpha: 1, activation: 'tanh', useBias: false, recurrentInit: 'orthogonal', gain: 1, inputInit: 'glorot-uniform', outputInit: 'glorot-uniform', noiseSigma: 0, seed: 1 },
    {},
  );
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
}

async function msPerStep(step: () => Promise<void>, reps: number, warmup: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await step();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await step();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return { median: ts[Math.floor(ts.length / 2)] as number, min: ts[0] as number };
}

const suite: BenchSuite = async ({ quick }) => {
  const rows: BenchRow[] = [];
  const ttc = process.env['CORTEXFLOW_BENCH_TTC'];
  // The issue's shapes, plus the 3-task training shapes: the recipe's batch 64 and the authors' 256 (T = 290).
  const shapes =
    ttc === 'only'
      ? []
      : quick
        ? [{ N: 100, B: 32, T: 200 }]
        : [
            { N: 50, B: 32, T: 200 },
            { N: 100, B: 32, T: 200 },
            { N: 200, B: 32, T: 200 },
            { N: 100, B: 64, T: 290 },
            { N: 100, B: 256, T: 290 },
          ];
  const reps = quick ? 5 : 10;
  const warmup = quick ? 2 : 3;
  const torch = torchAvailable();
  if (!torch) process.stderr.write('trainer bench: python3-torch not installed, PyTorch peers skipped\n');
  for (const { N, B, T } of shapes) {
    const { cfg, model, batch } = synthetic(N, B, T);
    const ours: Record<string, Timing> = {};
    for (const backend of ['wasm', 'cpu']) {
      const info = await useBackend(backend);
      const theta = new Float32Array(thetaLength(cfg));
      const adam = adamInit(theta.length);
      const { packTheta } = await import('../nodes/train/layout.ts');
      theta.set(packTheta(model));
      const cfgAdam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, decay: 0 };
      const one = async () => {
        const { grad } = (backend === 'cpu' ? lossAndGradJs : lossAndGrad)(cfg, theta, batch);
        clipByGlobalNorm(grad, 0);
        adamStep(cfgAdam, adam, theta, grad);
      };
      const r = B > 32 ? Math.max(3, Math.floor(reps / 2)) : reps;
      ours[`${info.backend === 'cpu' ? 'cpu (plain-JS kernel)' : info.backend}, 1 thread`] = await msPerStep(one, r, warmup);
      if (backend === 'wasm') {
        const pool = await gradientPool(model, 2, { platform: 'node', backend: info.backend, batchSize: B });
        if (pool) {
          try {
            const two = async () => {
              const { grad } = await pool.gradient(theta, batch, undefined);
              adamStep(cfgAdam, adam, theta, grad);
            };
            ours[`${info.backend}, 2 threads`] = await msPerStep(two, reps, warmup);
          } finally {
            await pool.close();
          }
        }
      }
    }
    let peers: Record<string, Timing> = {};
    if (torch) {
      const out = execFileSync(PY, [join(here, 'peers', 'torch_step.py'), String(N), String(B), String(T), String(reps), String(warmup)], {
        env: PY_ENV,
        encoding: 'utf8',
      });
      peers = Object.fromEntries(
        out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { variant: string; ms: number; min: number })
          .map((r) => [r.variant, { median: r.ms, min: r.min }]),
      );
      for (const [v, ms] of Object.entries(peers))
        rows.push({ suite: 'trainer', name: `train step N=${N} B=${B} T=${T}, ${v} (1 thread)`, value: ms.median, unit: 'ms', note: `min ${ms.min.toFixed(1)} ms` });
    }
    const rnn = peers['torch.nn.RNN'];
    const loop = peers['torch autograd loop'];
    // Ratios use the fastest of the repetitions: the shared machine disturbs minima least.
    for (const [v, ms] of Object.entries(ours)) {
      const row: BenchRow = { suite: 'trainer', name: `train step N=${N} B=${B} T=${T}, ours ${v}`, value: ms.median, unit: 'ms', note: `min ${ms.min.toFixed(1)} ms` };
      if (rnn !== undefined) {
        row.peer = 'torch.nn.RNN (min/min)';
        row.ratio = ms.min / rnn.min;
        row.note += `${loop !== undefined ? `; x${(ms.min / loop.min).toFixed(2)} of the torch autograd loop` : ''}${N === 100 && B === 32 && T === 200 ? '; target: <= 2x torch.nn.RNN, < autograd loop' : ''}`;
      }
      rows.push(row);
    }
  }
  if (ttc === '1' || ttc === 'only') {
    const { timeToCriterion } = await import('./peers/ttc-runner.ts');
    rows.push(...(await timeToCriterion({ quick, torch })));
  } else
    process.stderr.write('trainer bench: time-to-criterion of the 3-task network skipped (set CORTEXFLOW_BENCH_TTC=1; minutes per seed)\n');
  return rows;
};

export default suite;
