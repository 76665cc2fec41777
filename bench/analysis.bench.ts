/**
 * Analyses at the sizes of the study: eigen-decomposition of a 400 x 400 W_rec; PCA of 12 conditions
 * x 290 steps x 400 units; a pruning sweep of 13 fractions over 60 conditions on N = 200 (T = 290);
 * fixed points from 1,024 starts on N = 100. `--quick` shrinks every size.
 */
import type { BenchRow, BenchSuite } from './types.ts';
import { spectrumOf } from '../nodes/analysis/eigen.ts';
import { pcaAnalysis } from '../nodes/analysis/pca.ts';
import { pruningSweep } from '../nodes/analysis/prune.ts';
import { findFixedPoints, FPF_DEFAULTS } from '../nodes/analysis/fixed-point-finder.ts';
import { makeModel, randomMatrix, selfTargetDataset } from '../nodes/analysis/testing-models.ts';
import { simulate } from '../nodes/model/simulate.ts';
import { useBackend } from '../nodes/lib/tf.ts';
import { Rng } from '../nodes/lib/rng.ts';
import type { Trajectories } from '../nodes/ports/index.ts';

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

  // Eigen-decomposition.
  const nE = quick ? 100 : 400;
  const [spec, tE] = await time(() =>
    spectrumOf(randomMatrix(nE, 1.05, 1), nE, { matrix: 'W_rec', label: 'b', tolerance: 0.01 }),
  );
  rows.push({
    suite: 'analysis',
    name: `eigen ${nE}x${nE} (ml-matrix, non-symmetric)`,
    value: tE,
    unit: 's',
    note: `${cpu()}; radius ${spec.radius.toFixed(3)}`,
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
  const [pca, tP] = await time(() => pcaAnalysis(traj, 3));
  rows.push({
    suite: 'analysis',
    name: `PCA ${C} cond x ${T} steps x ${N} units`,
    value: tP,
    unit: 's',
    note: `${cpu()}; top 3: ${(100 * pca.explainedVarianceRatio.slice(0, 3).reduce((a, b) => a + b, 0)).toFixed(1)} %`,
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
