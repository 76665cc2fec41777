import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import { Rng } from '../lib/rng.ts';
import { WeightStatsPort, type WeightStats } from '../ports/index.ts';
import { histogram, moments } from './linalg.ts';
import { legacyPdfMoments, weightStatsBlock } from './weight-stats.ts';
import { makeModel } from '../../test/fixtures/analysis-models.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/analysis/numpy-reference.json', import.meta.url), 'utf8'),
) as {
  moments: { data: number[]; mean: number; std: number; skewness: number; excessKurtosis: number };
};

describe('moments', () => {
  it('match closed forms: two-point, uniform and exponential distributions', () => {
    // Symmetric two-point {-1, 1}: mean 0, std 1, skew 0, excess kurtosis -2.
    const m = moments([-1, 1, -1, 1]);
    expect(m.mean).toBe(0);
    expect(m.std).toBe(1);
    expect(m.skewness).toBe(0);
    expect(m.excessKurtosis).toBe(-2);
    // A fine uniform grid on [0, 1]: std 1/sqrt(12), skew 0, excess kurtosis -6/5.
    const n = 100_001;
    const u = Float64Array.from({ length: n }, (_, i) => i / (n - 1));
    const mu = moments(u);
    expect(mu.std).toBeCloseTo(1 / Math.sqrt(12), 4);
    expect(mu.skewness).toBeCloseTo(0, 10);
    expect(mu.excessKurtosis).toBeCloseTo(-1.2, 3);
    // Exponential quantiles: skew 2, excess kurtosis 6 (slow convergence in the tail: loose).
    const e = Float64Array.from({ length: 200_000 }, (_, i) => -Math.log(1 - (i + 0.5) / 200_000));
    const me = moments(e);
    expect(me.mean).toBeCloseTo(1, 3);
    expect(me.skewness).toBeGreaterThan(1.9);
    expect(me.skewness).toBeLessThan(2.05);
    expect(me.excessKurtosis).toBeGreaterThan(5.3);
    expect(me.excessKurtosis).toBeLessThan(6.05);
  });

  it('match numpy on a gamma sample', () => {
    const m = moments(fixture.moments.data);
    expect(m.mean).toBeCloseTo(fixture.moments.mean, 12);
    expect(m.std).toBeCloseTo(fixture.moments.std, 12);
    expect(m.skewness).toBeCloseTo(fixture.moments.skewness, 12);
    expect(m.excessKurtosis).toBeCloseTo(fixture.moments.excessKurtosis, 12);
  });

  it('histogram counts every value once, numpy-style edges', () => {
    const h = histogram([0, 0.1, 0.5, 0.99, 1], 4);
    expect(h.edges).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(h.counts).toEqual([2, 0, 1, 2]);
  });
});

describe('legacy pdf moments', () => {
  it('depend only on the histogram range, not on the shape of the weights', () => {
    const rng = new Rng(5);
    const normal = Float64Array.from({ length: 4000 }, () => rng.normal());
    const a = legacyPdfMoments(normal);
    // Rescaling the weights (a different std, same shape) leaves the figure unchanged.
    const scaled = normal.map((v) => 0.1 * v + 0.02);
    const b = legacyPdfMoments(scaled);
    expect(b.skewness).toBeCloseTo(a.skewness, 10);
    expect(b.kurtosis).toBeCloseTo(a.kurtosis, 10);
    // The true moments of a normal sample are ~0; the legacy ones are not.
    expect(Math.abs(moments(normal).skewness)).toBeLessThan(0.15);
    expect(a.skewness).toBeGreaterThan(0.3);
    expect(a.kurtosis).toBeLessThan(-0.5);
    expect(a.note).toMatch(/not on the shape/);
  });
});

describe('analysis.weight-stats block', () => {
  it('describes W_rec, W_in and W_out; legacy figure only when asked', async () => {
    const N = 50;
    const rng = new Rng(2);
    const W = Float32Array.from({ length: N * N }, () => rng.normal() / Math.sqrt(N));
    const model = makeModel(N, W, { inputSize: 3 });
    const { outputs } = await runBlock<{ stats: WeightStats }>(weightStatsBlock, {
      inputs: { model },
      params: { bins: 20 },
    });
    const s = outputs.stats;
    expect(s.matrices.map((m) => m.name)).toEqual(['W_rec', 'W_in', 'W_out']);
    const rec = s.matrices[0]!;
    expect(rec.count).toBe(N * N);
    expect(rec.std).toBeGreaterThan(0.9 / Math.sqrt(N));
    expect(rec.std).toBeLessThan(1.1 / Math.sqrt(N));
    expect(rec.histogram.counts.reduce((a, b) => a + b, 0)).toBe(N * N);
    expect(rec.histogram.counts).toHaveLength(20);
    expect(rec.legacyPdfMoments).toBeUndefined();
    const arts = await WeightStatsPort.artifacts!(s);
    expect(arts.map((a) => a.suffix)).toEqual(['.json', '.csv', '.histogram.csv']);
    expect(WeightStatsPort.summarize(s)).toMatch(
      /^W_rec: mean [-\d.e]+, std 0\.1[34]\d*, skew [-\d.e]+, ex\. kurtosis [-\d.e]+; W_in: /,
    );
    const withLegacy = await runBlock<{ stats: WeightStats }>(weightStatsBlock, {
      inputs: { model },
      params: { matrices: ['W_rec'], legacyPdfMoments: true },
    });
    expect(withLegacy.outputs.stats.matrices).toHaveLength(1);
    expect(withLegacy.outputs.stats.matrices[0]!.legacyPdfMoments?.skewness).toBeGreaterThan(0.3);
  });

  it('rejects a matrix listed twice', async () => {
    const model = makeModel(2, new Float32Array(4));
    await expect(
      runBlock(weightStatsBlock, { inputs: { model }, params: { matrices: ['W_rec', 'W_rec'] } }),
    ).rejects.toThrow(/matrices: W_rec is listed twice/);
  });
});
