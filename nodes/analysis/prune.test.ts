import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import { PruningCurvePort, type PruningCurve } from '../ports/index.ts';
import { simulate } from '../model/simulate.ts';
import { lesionedWeights, pruneBlock, prunedWeights, pruneOrder, pruningSweep } from './prune.ts';
import { makeModel, randomMatrix, selfTargetDataset } from '../../test/fixtures/analysis-models.ts';
import { useBackend } from '../lib/tf.ts';

const N = 20;
const model = makeModel(N, randomMatrix(N, 0.9, 4), { inputSize: 2, outputSize: 1 });
const data = selfTargetDataset(model, 6, 60);

describe('pruning', () => {
  it('0 % leaves the outputs unchanged; the removed fraction matches the request', () => {
    for (const variant of ['all', 'positive', 'negative', 'random'] as const) {
      const order = pruneOrder(model.weights.W_rec, variant, 1);
      const none = prunedWeights(model.weights, order, 0);
      expect(none.removed).toBe(0);
      expect(Array.from(none.weights.W_rec)).toEqual(Array.from(model.weights.W_rec));
      const a = simulate(model, data.inputs, data.samples, data.T).y;
      const b = simulate(model, data.inputs, data.samples, data.T, { weights: none.weights }).y;
      expect(Array.from(b)).toEqual(Array.from(a));
      for (const f of [0.1, 0.25, 0.5]) {
        const pr = prunedWeights(model.weights, order, f);
        const zeros = pr.weights.W_rec.filter((w) => w === 0).length;
        expect(zeros).toBe(Math.round(f * order.length));
        if (variant === 'all' || variant === 'random') expect(zeros / (N * N)).toBeCloseTo(f, 2);
        if (variant === 'positive')
          expect(Array.from(model.weights.W_rec).filter((w, k) => w < 0 && pr.weights.W_rec[k] === 0)).toHaveLength(0);
        if (variant === 'negative')
          expect(Array.from(model.weights.W_rec).filter((w, k) => w > 0 && pr.weights.W_rec[k] === 0)).toHaveLength(0);
      }
    }
  });

  it('magnitude pruning removes exactly the smallest |w| (threshold)', () => {
    const order = pruneOrder(model.weights.W_rec, 'all', 0);
    const pr = prunedWeights(model.weights, order, 0.3);
    const kept = Array.from(pr.weights.W_rec)
      .filter((w) => w !== 0)
      .map(Math.abs);
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(pr.threshold);
  });

  it('sweep: intact network perfect, random control differs from magnitude pruning', async () => {
    const curve = await pruningSweep(model, data, {
      fractions: [0, 0.05, 0.2, 0.5],
      variants: ['all', 'random'],
      criterion: 'distance-ratio',
      distanceRatio: 1.5,
      seed: 3,
      lesionUnits: [[0], [1, 2]],
    });
    const [mag, rnd] = curve.curves;
    expect(mag!.points[0]!.distance.every((d) => d < 1e-6)).toBe(true);
    expect(mag!.points[0]!.accuracy.every((a) => a === 1)).toBe(true);
    expect(rnd!.points[0]!.meanDistance).toBe(mag!.points[0]!.meanDistance);
    // Removing 20 % at random hurts more than removing the 20 % smallest weights.
    expect(rnd!.points[2]!.meanDistance).toBeGreaterThan(mag!.points[2]!.meanDistance);
    expect(rnd!.points[2]!.threshold).toBeNaN();
    expect(curve.lesions).toHaveLength(2);
    expect(curve.lesions![1]!.units).toEqual([1, 2]);
    expect(curve.lesions![0]!.distance.some((d) => d > 0)).toBe(true);
  });

  it('a lesioned unit stays silent', () => {
    const w = lesionedWeights(model, [3]);
    const { hidden } = simulate(model, data.inputs, data.samples, data.T, { weights: w });
    for (let k = 0; k < data.samples * data.T; k++) expect(hidden[k * N + 3]).toBe(0);
    expect(() => lesionedWeights(model, [N])).toThrow(/lesionUnits: unit 20 does not exist/);
  });

  it('block: maxFractionOk under the default criterion, summary and CSV', async () => {
    const { outputs, progress } = await runBlock<{ curve: PruningCurve }>(pruneBlock, {
      inputs: { model, dataset: data },
      params: { fractions: [0, 0.01, 0.02, 0.9], variants: ['all', 'positive'] },
    });
    const c = outputs.curve;
    expect(c.criterion).toMatch(/every condition still correct/);
    const all = c.curves[0]!;
    expect(all.points.map((p) => p.requestedFraction)).toEqual([0, 0.01, 0.02, 0.9]);
    // 90 % removed breaks a self-target network; 2 % of the smallest weights does not.
    expect(all.points[3]!.ok).toBe(false);
    expect(all.maxFractionOk).toBe(0.02);
    expect(progress.at(-1)).toMatchObject({ value: 9, max: 9 });
    expect(PruningCurvePort.summarize(c)).toBe(
      'all: ok up to 2 %; positive: ok up to ' + `${100 * c.curves[1]!.maxFractionOk} %`,
    );
    const arts = await PruningCurvePort.artifacts!(c);
    expect(String(arts[1]!.data).trim().split('\n')).toHaveLength(1 + 2 * 4 * 6);
  });

  it('tfjs engine agrees with the JS reference', async () => {
    const settings = {
      fractions: [0, 0.1, 0.3],
      variants: ['all'] as const,
      criterion: 'all-correct' as const,
      distanceRatio: 1.5,
      seed: 0,
      lesionUnits: [[2]],
    };
    await useBackend('cpu');
    const js = await pruningSweep(model, data, { ...settings, engine: 'js' });
    const tfc = await pruningSweep(model, data, { ...settings, engine: 'tfjs' });
    js.curves[0]!.points.forEach((p, i) => {
      const q = tfc.curves[0]!.points[i]!;
      expect(q.accuracy).toEqual(p.accuracy);
      q.distance.forEach((d, c) => expect(d).toBeCloseTo(p.distance[c]!, 4));
    });
    tfc.lesions![0]!.distance.forEach((d, c) => expect(d).toBeCloseTo(js.lesions![0]!.distance[c]!, 4));
  });

  it('rejects a dataset of another shape', async () => {
    const other = makeModel(N, randomMatrix(N, 0.9, 4), { inputSize: 3 });
    await expect(runBlock(pruneBlock, { inputs: { model: other, dataset: data } })).rejects.toThrow(
      /dataset has 2 input channels but the model expects 3/,
    );
  });
});
