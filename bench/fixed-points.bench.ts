/**
 * The fixed-point finder before and after issue 16 item 3, in the same run on the same network and
 * the same starts: its Adam phase as ~15 tfjs ops per iteration (engine 'tfjs', on tfjs's wasm
 * backend, the fastest tfjs backend in Node) against one call of the fused kernel's `fpAdam` per
 * iteration (engine 'wasm'), and the Newton / Levenberg-Marquardt polish's solves and J^T J with
 * ml-matrix and plain loops against linalg's wasm module. Rows: one iteration at the full batch, the
 * Adam phase alone, the whole search (Adam, polish, Jacobian eigenvalues) before (tfjs + ml-matrix)
 * and after (wasm + wasm), and the eigenvalues of one Jacobian.
 *
 * Networks: N = 200 and N = 400 random CTRNNs (tanh, alpha 1, g = 1.07: the spectral radius of the
 * trained multitask nets), probed like the flagship's fp node (zero input and a context channel at
 * +1 and -1, 256 starts each, on states of simulated trials plus noise 0.1). Trained networks can be
 * added: CF_FP_RUNS=dir[,dir] names run folders of examples/multitask-context.json (run with at
 * least `-t sim`: train/model and sim/trajectories are read), probed with the fp node's own
 * 'context-levels' inputs and start sampling. `--quick`: N = 64 and 128, 64 starts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { BenchRow, BenchSuite } from './types.ts';
import {
  adamBatch,
  adamMinimise,
  CtrnnMap,
  findFixedPoints,
  FPF_DEFAULTS,
} from '../nodes/analysis/fixed-point-finder.ts';
import { probeInputs, sampleStarts } from '../nodes/analysis/fixed-points.ts';
import { eigenvalues } from '../nodes/analysis/linalg.ts';
import { loadModelFile } from '../nodes/model/index.ts';
import { simulate } from '../nodes/model/simulate.ts';
import { decodeNpy } from '../nodes/lib/npy.ts';
import { useBackend } from '../nodes/lib/tf.ts';
import { Rng } from '../nodes/lib/rng.ts';
import type { Model, Trajectories } from '../nodes/ports/index.ts';
import { makeModel, randomMatrix, selfTargetDataset } from '../test/fixtures/analysis-models.ts';

interface Case {
  name: string;
  model: Model;
  /** One set of starts [S, N] per probed input. */
  probes: Array<{ x: number[]; starts: Float64Array }>;
  S: number;
}

/** A random network probed at the zero input and a context channel at +-1, starts on simulated states. */
function syntheticCase(N: number, S: number, seed: number): Case {
  const model = makeModel(N, randomMatrix(N, 1.07, seed), { inputSize: 3, seed });
  const C = 12;
  const T = 150;
  const data = selfTargetDataset(model, C, T, seed + 1);
  const { hidden } = simulate(model, data.inputs, C, T);
  const rng = new Rng(seed + 2);
  const probes = [
    [0, 0, 0],
    [0, 0, 1],
    [0, 0, -1],
  ].map((x) => {
    const starts = new Float64Array(S * N);
    for (let s = 0; s < S; s++) {
      const k = rng.int(0, C * T - 1);
      for (let j = 0; j < N; j++) starts[s * N + j] = (hidden[k * N + j] as number) + 0.1 * rng.normal();
    }
    return { x, starts };
  });
  return { name: `N=${N} random g=1.07, 3 inputs x ${S} starts`, model, probes, S };
}

/** A trained network from a run folder, probed as its fp node does (context levels, trajectory starts). */
async function runCase(dir: string, S: number): Promise<Case> {
  const { model } = await loadModelFile(join(dir, 'train/model'));
  const tdir = join(dir, 'sim/trajectories');
  const summary = JSON.parse(readFileSync(join(tdir, 'summary.json'), 'utf8')) as Record<string, unknown>;
  const npy = unzipSync(readFileSync(join(tdir, 'hidden.npz')))['hidden.npy'];
  if (!npy) throw new Error(`${tdir}/hidden.npz has no hidden.npy`);
  const traj = { ...summary, hidden: decodeNpy(npy).data as Float32Array } as Trajectories;
  const { inputs } = probeInputs(model, 'context-levels', [], traj);
  const rng = new Rng(1);
  const probes = inputs.map((p) => ({ x: p.values, starts: sampleStarts(model, S, 0.1, rng, traj, p.values, 20) }));
  return { name: `N=${model.N} trained (${dir}), ${probes.length} inputs x ${S} starts`, model, probes, S };
}

const suite: BenchSuite = async ({ quick }) => {
  const rows: BenchRow[] = [];
  const backend = await useBackend('wasm');
  const S = quick ? 64 : 256;
  const cases = [syntheticCase(quick ? 64 : 200, S, 11), syntheticCase(quick ? 128 : 400, S, 12)];
  for (const dir of (process.env['CF_FP_RUNS'] ?? '').split(',').filter((d) => d !== ''))
    cases.push(await runCase(dir, S));
  // Warm-up: tfjs's kernels and both engines' first compilation are not part of the figures.
  const w = cases[0] as Case;
  for (const engine of ['tfjs', 'wasm'] as const)
    await adamMinimise(
      w.model,
      new CtrnnMap(w.model, w.probes[0]?.x ?? []),
      w.probes[0]?.starts ?? new Float64Array(),
      w.S,
      {
        ...FPF_DEFAULTS,
        engine,
        maxIters: 20,
      },
    );
  // Wall seconds; the process's CPU seconds go to `cpu` (the steadier figure on a shared machine).
  let lastCpu = 0;
  const sec = async (f: () => Promise<unknown>): Promise<number> => {
    const c0 = process.cpuUsage();
    const t = performance.now();
    await f();
    const cu = process.cpuUsage(c0);
    lastCpu = (cu.user + cu.system) / 1e6;
    return (performance.now() - t) / 1000;
  };
  for (const c of cases) {
    const { model } = c;
    // One iteration at the full batch (the first iterations of a search), both engines, 30 times.
    {
      const first = c.probes[0];
      if (first) {
        const map = new CtrnnMap(model, first.x);
        const per: Record<string, [number, number]> = {};
        for (const engine of ['tfjs', 'wasm'] as const) {
          const { batch } = await adamBatch(model, map, first.starts, c.S, { ...FPF_DEFAULTS, engine });
          const step = new Float32Array(c.S).fill(0.01);
          for (let i = 0; i < 5; i++) {
            batch.evaluate();
            batch.update(step, 1, 1);
          }
          const reps = 30;
          const c0 = process.cpuUsage();
          const t = performance.now();
          for (let i = 0; i < reps; i++) {
            batch.evaluate();
            batch.update(step, 1, 1);
          }
          const cu = process.cpuUsage(c0);
          per[engine] = [(performance.now() - t) / reps, (cu.user + cu.system) / 1000 / reps];
          batch.dispose();
        }
        const flops = 4 * c.S * model.N * model.N;
        const [tw, cw] = per['wasm'] as [number, number];
        const [tt, ct] = per['tfjs'] as [number, number];
        rows.push(
          {
            suite: 'fixed-points',
            name: `one Adam iteration, ${c.S} starts, N=${model.N}, tfjs ops`,
            value: tt,
            unit: 'ms',
            note: `CPU ${ct.toFixed(2)} ms; ${(flops / (tt * 1e6)).toFixed(1)} GFLOP/s (the two products)`,
          },
          {
            suite: 'fixed-points',
            name: `one Adam iteration, ${c.S} starts, N=${model.N}, wasm fpAdam`,
            value: tw,
            unit: 'ms',
            peer: `tfjs (${backend.backend})`,
            ratio: tw / tt,
            note: `CPU ${cw.toFixed(2)} ms (ratio ${(cw / ct).toFixed(2)}); ${(flops / (tw * 1e6)).toFixed(1)} GFLOP/s`,
          },
        );
      }
    }
    // Per engine: Adam phase alone, whole search; the two engines alternate input by input so a
    // change in the machine's load hits both.
    const adam = { tfjs: 0, wasm: 0 };
    const adamCpu = { tfjs: 0, wasm: 0 };
    const wholeCpu = { tfjs: 0, wasm: 0 };
    const whole = { tfjs: 0, wasm: 0 };
    const iters = { tfjs: 0, wasm: 0 };
    const found = { tfjs: '', wasm: '' };
    const eig: number[] = [];
    for (const { x, starts } of c.probes) {
      const map = new CtrnnMap(model, x);
      for (const engine of ['tfjs', 'wasm'] as const) {
        // Before: tfjs Adam and the ml-matrix polish; after: wasm Adam and the wasm polish.
        const s = { ...FPF_DEFAULTS, engine, polishLinalg: engine === 'tfjs' ? ('js' as const) : ('auto' as const) };
        adam[engine] += await sec(async () => {
          const raw = await adamMinimise(model, map, starts, c.S, s);
          iters[engine] += Math.max(...raw.map((p) => p.iters));
        });
        adamCpu[engine] += lastCpu;
        let points: Awaited<ReturnType<typeof findFixedPoints>>['points'] = [];
        whole[engine] += await sec(async () => {
          points = (await findFixedPoints(model, x, starts, c.S, s)).points;
        });
        wholeCpu[engine] += lastCpu;
        const count = (k: string) => points.filter((p) => p.stability === k).length;
        found[engine] += `${found[engine] ? ' / ' : ''}${count('stable')}+${count('saddle')}+${count('unstable')}`;
        if (engine === 'wasm')
          for (const p of points) {
            const J = map.jacobian(p.h);
            eig.push(await sec(async () => eigenvalues(J, model.N)));
          }
      }
    }
    const peer = `tfjs (${backend.backend})`;
    rows.push(
      {
        suite: 'fixed-points',
        name: `Adam phase, ${c.name}, tfjs ops`,
        value: adam.tfjs,
        unit: 's',
        note: `CPU ${adamCpu.tfjs.toFixed(2)} s; ${iters.tfjs} iterations over the inputs`,
      },
      {
        suite: 'fixed-points',
        name: `Adam phase, ${c.name}, wasm fpAdam`,
        value: adam.wasm,
        unit: 's',
        peer,
        ratio: adam.wasm / adam.tfjs,
        note: `CPU ${adamCpu.wasm.toFixed(2)} s (ratio ${(adamCpu.wasm / adamCpu.tfjs).toFixed(2)}); ${iters.wasm} iterations; ${(adam.tfjs / adam.wasm).toFixed(2)}x faster`,
      },
      {
        suite: 'fixed-points',
        name: `whole search, ${c.name}, tfjs ops + ml-matrix polish`,
        value: whole.tfjs,
        unit: 's',
        note: `CPU ${wholeCpu.tfjs.toFixed(2)} s; points stable+saddle+unstable per input: ${found.tfjs}; polish (ml-matrix) + eigenvalues ${(whole.tfjs - adam.tfjs).toFixed(2)} s`,
      },
      {
        suite: 'fixed-points',
        name: `whole search, ${c.name}, wasm fpAdam + wasm polish`,
        value: whole.wasm,
        unit: 's',
        peer,
        ratio: whole.wasm / whole.tfjs,
        note: `CPU ${wholeCpu.wasm.toFixed(2)} s (ratio ${(wholeCpu.wasm / wholeCpu.tfjs).toFixed(2)}); points: ${found.wasm}; ${(whole.tfjs / whole.wasm).toFixed(2)}x faster; polish (wasm) + eigenvalues ${(whole.wasm - adam.wasm).toFixed(2)} s`,
      },
    );
    if (eig.length > 0) {
      const sorted = [...eig].sort((a, b) => a - b);
      rows.push({
        suite: 'fixed-points',
        name: `Jacobian eigenvalues, ${c.name}, per point`,
        value: (sorted[sorted.length >> 1] as number) * 1000,
        unit: 'ms',
        note: `median of ${eig.length} points; all of them ${eig.reduce((a, b) => a + b, 0).toFixed(2)} s`,
      });
    }
  }
  return rows;
};

export default suite;
