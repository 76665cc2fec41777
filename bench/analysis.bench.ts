/**
 * Analyses at the sizes of the study: eigenvalues of a 400 x 400 W_rec; PCA of 12 conditions x 290
 * steps x 400 units; a pruning sweep of 13 fractions over 60 conditions on N = 200 (T = 290);
 * fixed points from 1,024 starts on N = 100. `--quick` shrinks every size.
 *
 * Peers measured in the same run on the same numbers: numpy (Debian's /usr/bin/python3, OpenBLAS;
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that command only) on one thread, as our kernels
 * use one: numpy.linalg.eigvals, and PCA both as scikit-learn computes it for this shape (SVD of the
 * centred data: the issue's 0.12 s peer) and as covariance + eigh. ml-matrix, the previous path, is
 * timed once beside them. Targets (issue 16): eig 400 <= 5x numpy, PCA <= 2x numpy.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { BenchRow, BenchSuite } from './types.ts';
import { spectrumOf } from '../nodes/analysis/eigen.ts';
import { pcaAnalysis } from '../nodes/analysis/pca.ts';
import { pruningSweep } from '../nodes/analysis/prune.ts';
import { findFixedPoints, FPF_DEFAULTS } from '../nodes/analysis/fixed-point-finder.ts';
import { makeModel, randomMatrix, selfTargetDataset } from '../test/fixtures/analysis-models.ts';
import { simulate } from '../nodes/model/simulate.ts';
import { useBackend } from '../nodes/lib/tf.ts';
import { Rng } from '../nodes/lib/rng.ts';
import type { Trajectories } from '../nodes/ports/index.ts';

const PY = '/usr/bin/python3';

/** [wall, CPU] medians in seconds. */
type Pair = [number, number];
interface NumpyTimes {
  eig: Pair;
  svd: Pair;
  eigh: Pair;
}

/** numpy's timings (median of `reps`, seconds) on the eig matrix and the PCA data, or why not. */
function numpyPeer(
  W: Float64Array,
  n: number,
  X: Float32Array,
  M: number,
  N: number,
  reps: number,
): NumpyTimes | string {
  const dir = mkdtempSync(join(tmpdir(), 'cf-analysis-bench-'));
  try {
    writeFileSync(join(dir, 'W.f64'), W);
    writeFileSync(join(dir, 'X.f32'), X);
    const code = `
import time, json, sys, numpy as np
d = sys.argv[1]; n, M, N, reps = map(int, sys.argv[2:6])
W = np.fromfile(d + '/W.f64', dtype=np.float64).reshape(n, n)
X = np.fromfile(d + '/X.f32', dtype=np.float32).astype(np.float64).reshape(M, N)
def med(f):
    f(); ts = []; cs = []
    for _ in range(reps):
        t = time.perf_counter(); c = time.process_time(); f()
        ts.append(time.perf_counter() - t); cs.append(time.process_time() - c)
    return [sorted(ts)[len(ts) // 2], sorted(cs)[len(cs) // 2]]
def svd():
    Xc = X - X.mean(0); np.linalg.svd(Xc, full_matrices=False)
def eigh():
    Xc = X - X.mean(0); np.linalg.eigh(Xc.T @ Xc / (M - 1))
print(json.dumps({'eig': med(lambda: np.linalg.eigvals(W)), 'svd': med(svd), 'eigh': med(eigh)}))
`;
    const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const r = spawnSync(PY, ['-c', code, dir, String(n), String(M), String(N), String(reps)], {
      env,
      encoding: 'utf8',
    });
    if (r.status !== 0) return `numpy peer failed: ${(r.stderr || r.error?.message || '').slice(0, 200)}`;
    return JSON.parse(r.stdout) as NumpyTimes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median wall and CPU time (s) of `reps` calls after one warm-up, and the last result. */
async function median<T>(reps: number, f: () => T): Promise<[T, Pair]> {
  let r = f();
  const ts: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    r = f();
    ts.push((performance.now() - t) / 1000);
    const d = process.cpuUsage(c);
    cs.push((d.user + d.system) / 1e6);
  }
  const mid = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)] as number;
  return [r, [mid(ts), mid(cs)]];
}

const ms = (v: number) => `${(v * 1000).toFixed(1)} ms`;

const suite: BenchSuite = async ({ quick }) => {
  const rows: BenchRow[] = [];
  // Wall time, and this process's CPU time (user + system) beside it: on a shared machine the
  // CPU time is the steadier figure (the two agree when the machine is idle).
  let lastCpu = 0;
  const time = async <T>(f: () => T | Promise<T>): Promise<[T, number]> => {
    const c = process.cpuUsage();
    const t = performance.now();
    const r = await f();
    const d = process.cpuUsage(c);
    lastCpu = (d.user + d.system) / 1e6;
    return [r, (performance.now() - t) / 1000];
  };
  const cpu = () => `CPU ${lastCpu.toFixed(2)} s`;

  const reps = quick ? 3 : 7;
  // Eigenvalues (wasm Hessenberg + Francis QR), and the previous ml-matrix path once.
  const nE = quick ? 100 : 400;
  const W = randomMatrix(nE, 1.05, 1);
  const [spec, tE] = await median(reps, () => spectrumOf(W, nE, { matrix: 'W_rec', label: 'b', tolerance: 0.01 }));
  const [, tMl] = await time(() => {
    const rowsW: number[][] = [];
    for (let i = 0; i < nE; i++) rowsW.push(Array.from(W.subarray(i * nE, (i + 1) * nE)));
    return new EigenvalueDecomposition(new Matrix(rowsW)).realEigenvalues.length;
  });

  // PCA on trajectories of a random N = 400 network driven by 12 input patterns.
  const [C, T, N] = quick ? [12, 100, 100] : [12, 290, 400];
  const model = makeModel(N, randomMatrix(N, 1.2, 2), { inputSize: 3 });
  const data = selfTargetDataset(model, C, T);
  const { hidden } = simulate(model, data.inputs, C, T);
  const traj: Trajectories = {
    conditions: data.conditions,
    C,
    T,
    N,
    channels: 3,
    outputs: 1,
    hidden,
    y: data.targets,
    targets: data.targets,
    inputs: data.inputs,
    mask: data.mask,
    distance: new Array<number>(C).fill(0),
    accuracy: new Array<number>(C).fill(1),
    channelNames: data.channelNames,
    outputNames: data.outputNames,
    dt: 1,
    label: 'bench',
  };
  const [pca, tP] = await median(reps, () => pcaAnalysis(traj, 3));

  const py = numpyPeer(Float64Array.from(W), nE, Float32Array.from(hidden), C * T, N, reps);
  const np = typeof py === 'string' ? undefined : py;
  const peerNote = typeof py === 'string' ? `; ${py}` : '';
  const cpuRatio = (ours: Pair, peer: Pair) =>
    `CPU ${ms(ours[1])} vs ${ms(peer[1])} (ratio ${(ours[1] / peer[1]).toFixed(2)})`;
  rows.push({
    suite: 'analysis',
    name: `eigenvalues ${nE}x${nE} (wasm Hessenberg + Francis QR), median of ${reps}`,
    value: tE[0],
    unit: 's',
    ...(np ? { peer: `numpy.linalg.eigvals ${ms(np.eig[0])}`, ratio: tE[0] / np.eig[0] } : {}),
    note: `target <= 5x numpy; ${np ? cpuRatio(tE, np.eig) + '; ' : ''}radius ${spec.radius.toFixed(3)}${peerNote}`,
  });
  rows.push({
    suite: 'analysis',
    name: `eigen ${nE}x${nE} ml-matrix (previous path, with eigenvectors), once`,
    value: tMl,
    unit: 's',
    ...(np ? { peer: `numpy.linalg.eigvals ${ms(np.eig[0])}`, ratio: tMl / np.eig[0] } : {}),
    note: `${cpu()}; ${(tMl / tE[0]).toFixed(0)}x the wasm path`,
  });
  rows.push({
    suite: 'analysis',
    name: `PCA ${C} cond x ${T} steps x ${N} units (k = 3), median of ${reps}`,
    value: tP[0],
    unit: 's',
    ...(np ? { peer: `numpy SVD ${ms(np.svd[0])}`, ratio: tP[0] / np.svd[0] } : {}),
    note:
      `target <= 2x numpy; ` +
      (np
        ? `${cpuRatio(tP, np.svd)}; numpy cov + eigh ${ms(np.eigh[0])} (ratio ${(tP[0] / np.eigh[0]).toFixed(2)}, ${cpuRatio(tP, np.eigh)}); `
        : '') +
      `top 3: ${(100 * pca.explainedVarianceRatio.slice(0, 3).reduce((a, b) => a + b, 0)).toFixed(1)} %${peerNote}`,
  });

  // Pruning sweep, magnitude variant.
  const [Cp, Tp, Np] = quick ? [12, 100, 50] : [60, 290, 200];
  const pm = makeModel(Np, randomMatrix(Np, 0.9, 3), { inputSize: 3 });
  const pd = selfTargetDataset(pm, Cp, Tp);
  const fractions = Array.from({ length: 13 }, (_, i) => i * 0.02);
  const backendInfo = await useBackend();
  for (const engine of ['tfjs', 'js'] as const) {
    const [curve, tS] = await time(() =>
      pruningSweep(pm, pd, {
        fractions,
        variants: ['all'],
        criterion: 'all-correct',
        distanceRatio: 1.5,
        seed: 0,
        lesionUnits: [],
        engine,
      }),
    );
    rows.push({
      suite: 'analysis',
      name: `pruning sweep 13 fractions x ${Cp} cond, N=${Np}, T=${Tp}, ${engine === 'tfjs' ? `tfjs ${backendInfo.backend}` : 'JS loops'}`,
      value: tS,
      unit: 's',
      note: `${cpu()}; 14 simulations (intact + 13); ok up to ${(100 * curve.curves[0]!.maxFractionOk).toFixed(0)} %`,
    });
  }

  // Fixed points: 1,024 starts on N = 100, for a contracting (g = 0.9) network, one with the spectral
  // radius of the trained multitask nets (g = 1.07; published 1.04-1.10) and a chaotic one (g = 1.5).
  const backend = backendInfo;
  const Nf = quick ? 50 : 100;
  const S = quick ? 256 : 1024;
  for (const g of [0.9, 1.07, 1.5]) {
    const fm = makeModel(Nf, randomMatrix(Nf, g, 4), { inputSize: 1 });
    const rng = new Rng(5);
    const starts = Float64Array.from({ length: S * Nf }, () => 0.5 * rng.normal());
    const [r, tF] = await time(() => findFixedPoints(fm, [0], starts, S, FPF_DEFAULTS));
    const iters = Math.max(...r.raw.map((p) => p.iters));
    rows.push({
      suite: 'analysis',
      name: `fixed points ${S} starts, N=${Nf}, g=${g} (${backend.backend})`,
      value: tF,
      unit: 's',
      note: `${cpu()}; ${r.points.length} points, ${r.polished} polished, Adam phase ${iters} iterations`,
    });
  }
  return rows;
};

export default suite;
