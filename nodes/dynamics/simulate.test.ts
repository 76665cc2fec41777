import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import { Rng } from '../lib/rng.ts';
import { makeDataset, type Activation, type Trajectories } from '../ports/index.ts';
import { createCtrnn } from '../model/ctrnn.ts';
import { simulate } from '../model/simulate.ts';
import { simRun } from '../sim/run.ts';
import { pruningSweep } from '../analysis/prune.ts';
import { makeModel, randomMatrix, selfTargetDataset } from '../../test/fixtures/analysis-models.ts';
import { simulateWasm } from './simulate.ts';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

const net = (activation: Activation, alpha: number, useBias: boolean, N = 20) =>
  createCtrnn({
    N, inputSize: 2, outputSize: 2, alpha, activation, useBias, recurrentInit: 'normal', gain: 0.9,
    inputInit: 'glorot-uniform', outputInit: 'glorot-uniform', noiseSigma: 0, seed: 3,
  });

describe('simulation through the fused kernel', () => {
  for (const activation of ['tanh', 'relu', 'sigmoid', 'softplus'] as const)
    it(`matches the float64 reference to float32 precision (${activation}, alpha 0.4, bias)`, async () => {
      const model = net(activation, 0.4, true);
      const rng = new Rng(1);
      const B = 19;
      const T = 35;
      const x = Float32Array.from({ length: B * T * 2 }, () => rng.normal());
      const a = await simulateWasm(model, x, B, T);
      const r = simulate(model, x, B, T);
      expect(maxAbsDiff(a.hidden, r.hidden)).toBeLessThan(2e-5);
      expect(maxAbsDiff(a.y, r.y)).toBeLessThan(5e-5);
    });

  it('sim.run: engine wasm gives the JS trajectories and says which engine ran; auto picks it from N = 100', async () => {
    const rng = new Rng(7);
    const C = 6;
    const T = 40;
    const ds = makeDataset({
      samples: C, T, channels: 2, outputs: 2,
      inputs: Float32Array.from({ length: C * T * 2 }, () => (rng.uniform() < 0.2 ? 1 : 0)),
      targets: Float32Array.from({ length: C * T * 2 }, (_, i) => (i % T > 20 ? i % 2 : 0)),
    });
    const run = async (engine: string, N = 20) =>
      (await runBlock<{ trajectories: Trajectories }>(simRun, { params: { engine }, inputs: { model: net('tanh', 1, false, N), dataset: ds } })).outputs
        .trajectories;
    const viaWasm = await run('wasm');
    const viaJs = await run('js');
    expect(viaWasm.engine).toBe('wasm (fused kernel)');
    expect(maxAbsDiff(viaWasm.hidden, viaJs.hidden)).toBeLessThan(1e-5);
    viaWasm.distance.forEach((d, i) => expect(d).toBeCloseTo(viaJs.distance[i]!, 4));
    expect(viaWasm.accuracy).toEqual(viaJs.accuracy);
    expect((await run('auto', 100)).engine).toBe('wasm (fused kernel)');
    expect((await run('auto', 20)).engine).toBe('js');
  });

  it('pruning re-simulation with the wasm engine agrees with the JS reference', async () => {
    const N = 20;
    const model = makeModel(N, randomMatrix(N, 0.9, 4), { inputSize: 2, outputSize: 1 });
    const data = selfTargetDataset(model, 6, 60);
    const settings = { fractions: [0, 0.1, 0.3], variants: ['all'] as const, criterion: 'all-correct' as const, distanceRatio: 1.5, seed: 0, lesionUnits: [[2]] };
    const js = await pruningSweep(model, data, { ...settings, engine: 'js' });
    const wa = await pruningSweep(model, data, { ...settings, engine: 'wasm' });
    js.curves[0]!.points.forEach((p, i) => {
      const q = wa.curves[0]!.points[i]!;
      expect(q.accuracy).toEqual(p.accuracy);
      q.distance.forEach((d, c) => expect(d).toBeCloseTo(p.distance[c]!, 4));
    });
    wa.lesions![0]!.distance.forEach((d, c) => expect(d).toBeCloseTo(js.lesions![0]!.distance[c]!, 4));
  });
});
