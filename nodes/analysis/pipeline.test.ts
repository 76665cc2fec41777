/** The analyses on what the real producers emit: task.and + context.mux -> model.ctrnn -> sim.run. */
import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import { andTask, orTask } from '../tasks/index.ts';
import { contextMux } from '../context/index.ts';
import { modelBlocks } from '../model/index.ts';
import { simRun } from '../sim/run.ts';
import type { Dataset, FixedPoints, Model, PCA, PruningCurve, Trajectories } from '../ports/index.ts';
import { fixedPointsBlock } from './fixed-points.ts';
import { pcaBlock } from './pca.ts';
import { pruneBlock } from './prune.ts';

describe('analyses downstream of sim.run on a 2-task context dataset', () => {
  it('PCA, fixed points at each context level, pruning on the probe', async () => {
    const tasks: Dataset[] = [];
    for (const [b, seed] of [
      [andTask, 1],
      [orTask, 2],
    ] as const)
      tasks.push(
        (await runBlock<{ dataset: Dataset }>(b, { params: { samples: 8, seed, T: 120, baseline: 0 } })).outputs
          .dataset,
      );
    const data = (
      await runBlock<{ dataset: Dataset }>(contextMux, {
        inputs: { tasks },
        params: { samples: 16, levels: { and: 1, or: -1 }, jitterMin: 0, jitterMax: 0, probeJitters: [0], T: 160 },
      })
    ).outputs.dataset;
    const mk = modelBlocks.find((b) => b.type === 'model.ctrnn')!;
    const model = (await runBlock<{ model: Model }>(mk, { inputs: { dataset: data }, params: { units: 16, seed: 3 } }))
      .outputs.model;
    const traj = (
      await runBlock<{ trajectories: Trajectories }>(simRun, {
        inputs: { model, dataset: data },
        params: { engine: 'js' },
      })
    ).outputs.trajectories;
    expect(traj.C).toBe(8);

    const pca = (await runBlock<{ pca: PCA }>(pcaBlock, { inputs: { trajectories: traj } })).outputs.pca;
    expect(pca.projections).toHaveLength(8);
    expect(pca.explainedVarianceRatio.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);

    const fp = await runBlock<{ points: FixedPoints }>(fixedPointsBlock, {
      inputs: { model, trajectories: traj },
      params: { starts: 64, maxIters: 300, backend: 'cpu' },
    });
    expect(fp.warnings).toEqual([]);
    expect(fp.outputs.points.inputs!.map((i) => i.values[2])).toEqual([0, 1, -1]);
    for (const p of fp.outputs.points.points) expect(p.q).toBeLessThanOrEqual(1e-6);

    const pr = await runBlock<{ curve: PruningCurve }>(pruneBlock, {
      inputs: { model, dataset: data },
      params: { fractions: [0, 0.5], variants: ['all'], criterion: 'no-new-errors' },
    });
    const c = pr.outputs.curve;
    expect(c.conditions).toHaveLength(8);
    // The intact point equals sim.run's measures on the same probe.
    c.curves[0]!.points[0]!.distance.forEach((d, i) => expect(d).toBeCloseTo(traj.distance[i]!, 5));
    expect(c.curves[0]!.points[0]!.accuracy).toEqual(traj.accuracy);
  });
});
