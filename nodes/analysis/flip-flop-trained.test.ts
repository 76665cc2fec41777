/**
 * A 3-bit flip-flop network trained by our own trainer has the textbook fixed-point picture
 * (Sussillo & Barak 2013): under zero input, 8 stable fixed points, one per bit pattern.
 *
 * The fixture test/fixtures/models/flip-flop-3bit/ (model.json + weights.bin) is the trained model
 * of examples/flip-flop-3bit.json, copied from the run's artifacts:
 *
 *     node bin/cortexflow.mjs run examples/flip-flop-3bit.json --out /tmp/ff-run
 *     cp /tmp/ff-run/train/model/model.json /tmp/ff-run/train/model/weights.bin test/fixtures/models/flip-flop-3bit/
 *
 * The task is regenerated from the parameters the model records (trainedOn.provenance), its probe
 * trials simulated, and the fixed-point finder started from those trajectories, as the example does.
 * Stability is then checked a second way, by running the map from each point and from perturbed
 * copies of it.
 */
import { describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBlock } from '../../core/index.ts';
import { loadModelFile } from '../model/index.ts';
import { Rng } from '../lib/rng.ts';
import { simRun } from '../sim/index.ts';
import { flipFlopTask } from '../tasks/index.ts';
import type { Dataset, FixedPoints, Model, Trajectories } from '../ports/index.ts';
import { CtrnnMap } from './fixed-point-finder.ts';
import { fixedPointsBlock } from './fixed-points.ts';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/models/flip-flop-3bit');

function readout(m: Model, h: ArrayLike<number>): number[] {
  const { N, outputSize: O } = m;
  const y: number[] = [];
  for (let o = 0; o < O; o++) {
    let s = m.weights.b_out[o] as number;
    for (let j = 0; j < N; j++) s += (m.weights.W_out[o * N + j] as number) * (h[j] as number);
    y.push(s);
  }
  return y;
}

/** Run the zero-input map for `steps` steps from h; returns the final state. */
function iterate(map: CtrnnMap, h0: ArrayLike<number>, steps: number): Float64Array {
  const N = map.N;
  const pre = new Float64Array(N);
  const fx = new Float64Array(N);
  const h = Float64Array.from(h0);
  for (let t = 0; t < steps; t++) {
    map.q(h, pre, fx);
    for (let j = 0; j < N; j++) h[j] = (1 - map.alpha) * (h[j] as number) + map.alpha * (fx[j] as number);
  }
  return h;
}

const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let j = 0; j < a.length; j++) d += ((a[j] as number) - (b[j] as number)) ** 2;
  return Math.sqrt(d);
};

describe('a trained 3-bit flip-flop network (fixture trained by train.ctrnn)', () => {
  it('has 8 stable fixed points under zero input, each reading out as a different bit pattern', async () => {
    const { model } = await loadModelFile(fixture);
    expect(model.trainedOn, 'the fixture records its training').toBeDefined();
    const prov = model.trainedOn?.['provenance'] as { block: string; params: Record<string, unknown> };
    expect(prov.block).toBe('task.flip-flop');
    const taskParams = prov.params;
    const reset = taskParams['resetValue'] as number;
    const { dataset } = (await runBlock<{ dataset: Dataset }>(flipFlopTask, { params: { ...taskParams, samples: 16 } }))
      .outputs;
    const { trajectories } = (
      await runBlock<{ trajectories: Trajectories }>(simRun, {
        inputs: { model, dataset },
        params: { conditions: 'probe', engine: 'js' },
      })
    ).outputs;
    const { points } = (
      await runBlock<{ points: FixedPoints }>(fixedPointsBlock, {
        inputs: { model, trajectories },
        params: { probe: 'zero', starts: 256, seed: 1 },
      })
    ).outputs;

    const stable = points.points.filter((p) => p.stability === 'stable');
    expect(stable).toHaveLength(8);
    // Each stable point reads out as a bit pattern: every output near 1 (set) or near resetValue.
    const mid = (1 + reset) / 2;
    const tol = 0.3 * (1 - reset);
    const patterns = new Set<string>();
    for (const p of stable) {
      expect(p.q).toBeLessThan(1e-10);
      expect(p.maxAbsEigenvalue).toBeLessThan(1);
      const y = readout(model, p.h);
      for (const v of y)
        expect(Math.min(Math.abs(v - 1), Math.abs(v - reset)), `readout ${y.join(', ')}`).toBeLessThan(tol);
      patterns.add(y.map((v) => (v > mid ? 1 : 0)).join(''));
    }
    expect([...patterns].sort()).toEqual(['000', '001', '010', '011', '100', '101', '110', '111']);
    // Every other point found is unstable in some direction.
    for (const p of points.points) if (p.stability !== 'stable') expect(p.maxAbsEigenvalue).toBeGreaterThan(1);

    // Stability checked by simulation: the map stays at each point, and perturbed copies come back.
    const map = new CtrnnMap(model, new Array<number>(model.inputSize).fill(0));
    const rng = new Rng(7);
    for (const p of stable) {
      expect(dist(iterate(map, p.h, 2000), p.h)).toBeLessThan(1e-4);
      for (let k = 0; k < 3; k++) {
        const h0 = Float64Array.from(p.h, (v) => v + 0.05 * rng.normal());
        expect(dist(iterate(map, h0, 2000), p.h)).toBeLessThan(1e-3);
      }
    }

    // The probe trials end (after their last hold) at the stable point of the pattern they hold.
    const { N, T } = trajectories;
    for (let c = 0; c < trajectories.C; c++) {
      const end = trajectories.hidden.subarray((c * T + T - 1) * N, (c * T + T) * N);
      const nearest = Math.min(...stable.map((p) => dist(p.h, end)));
      const spread = Math.min(...stable.flatMap((p, i) => stable.slice(i + 1).map((r) => dist(p.h, r.h))));
      expect(nearest, `probe trial ${c}`).toBeLessThan(spread / 2);
    }
  }, 60_000);
});
