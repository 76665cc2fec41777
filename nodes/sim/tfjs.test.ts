import { afterAll, describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import { tf, useBackend } from '../lib/tf.ts';
import { Rng } from '../lib/rng.ts';
import { makeDataset, type Activation, type Trajectories } from '../ports/index.ts';
import { createCtrnn, kerasForm } from '../model/ctrnn.ts';
import { simulate } from '../model/simulate.ts';
import { simRun } from './run.ts';
import { simulateTfjs } from './tfjs.ts';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('simulateTfjs', () => {
  afterAll(async () => {
    await useBackend('wasm');
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`matches the JS reference on ${backend} (float32 vs float64), every activation, alpha < 1, bias`, async () => {
      const info = await useBackend(backend);
      expect(info.backend).toBe(backend);
      const rng = new Rng(5);
      for (const [activation, alpha, useBias] of [
        ['tanh', 1, false],
        ['relu', 0.2, true],
        ['softplus', 0.5, true],
        ['sigmoid', 0.1, false],
      ] as Array<[Activation, number, boolean]>) {
        const m = createCtrnn({
          N: 16,
          inputSize: 3,
          outputSize: 2,
          alpha,
          activation,
          useBias,
          recurrentInit: 'normal',
          gain: 1.2,
          inputInit: 'glorot-uniform',
          outputInit: 'glorot-uniform',
          noiseSigma: 0,
          seed: 2,
        });
        if (useBias) for (let i = 0; i < 16; i++) m.weights.b[i] = 0.1 * rng.normal();
        m.weights.b_out[1] = -0.2;
        const B = 5;
        const T = 30;
        const x = Float32Array.from({ length: B * T * 3 }, () => rng.normal());
        const before = tf.memory().numTensors;
        const a = await simulateTfjs(m, x, B, T);
        expect(tf.memory().numTensors).toBe(before);
        const b = simulate(m, x, B, T);
        expect(maxAbsDiff(a.hidden, b.hidden)).toBeLessThan(1e-5);
        expect(maxAbsDiff(a.y, b.y)).toBeLessThan(1e-5);
      }
    });
  }

  it('sim.run with engine tfjs gives the JS trajectories to float32 precision and says which engine ran', async () => {
    const rng = new Rng(7);
    const C = 6;
    const T = 40;
    const ds = makeDataset({
      samples: C,
      T,
      channels: 2,
      outputs: 1,
      inputs: Float32Array.from({ length: C * T * 2 }, () => (rng.uniform() < 0.2 ? 1 : 0)),
      targets: Float32Array.from({ length: C * T }, (_, i) => (i % T > 20 ? i % 2 : 0)),
    });
    const model = createCtrnn(kerasForm(20, 2, 1, 3));
    const run = async (engine: string) =>
      (
        await runBlock<{ trajectories: Trajectories }>(simRun, {
          params: { engine },
          inputs: { model, dataset: ds },
          env: { backend: 'wasm' },
        })
      ).outputs.trajectories;
    const viaTf = await run('tfjs');
    const viaJs = await run('js');
    expect(viaTf.engine).toMatch(/^tfjs wasm/);
    expect(viaJs.engine).toBe('js');
    expect(maxAbsDiff(viaTf.hidden, viaJs.hidden)).toBeLessThan(1e-5);
    viaTf.distance.forEach((d, i) => expect(d).toBeCloseTo(viaJs.distance[i]!, 4));
    expect(viaTf.accuracy).toEqual(viaJs.accuracy);
  });
});
