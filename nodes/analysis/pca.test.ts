import { readFileSync } from 'node:fs';
import { SingularValueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import { Rng } from '../lib/rng.ts';
import { PCAPort, type PCA, type Trajectories } from '../ports/index.ts';
import { fitPca, pcaBlock } from './pca.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/analysis/numpy-reference.json', import.meta.url), 'utf8'),
) as {
  pca: { rows: number; cols: number; data: number[]; explainedVarianceRatio: number[] };
};

function trajectories(C: number, T: number, N: number, seed: number, label: string, latent = 2): Trajectories {
  // Low-dimensional activity: `latent` oscillations mixed into N units, plus a little noise.
  const rng = new Rng(seed);
  const mix = Array.from({ length: latent * N }, () => rng.normal());
  const hidden = new Float32Array(C * T * N);
  for (let c = 0; c < C; c++)
    for (let t = 0; t < T; t++)
      for (let i = 0; i < N; i++) {
        let v = 0.01 * rng.normal();
        for (let l = 0; l < latent; l++) v += mix[l * N + i]! * Math.sin((0.05 + 0.03 * l) * t + c) * (l + 1);
        hidden[(c * T + t) * N + i] = Math.tanh(0.3 * v);
      }
  return {
    conditions: Array.from({ length: C }, (_, c) => ({ task: 't', inputValues: [c], jitter: 0, key: `cond ${c}` })),
    C,
    T,
    N,
    channels: 1,
    outputs: 1,
    hidden,
    y: new Float32Array(C * T),
    targets: new Float32Array(C * T),
    inputs: new Float32Array(C * T),
    mask: new Float32Array(C * T).fill(1),
    distance: new Array<number>(C).fill(0),
    accuracy: new Array<number>(C).fill(1),
    channelNames: ['x'],
    outputNames: ['y'],
    dt: 1,
    label,
  };
}

describe('PCA', () => {
  it('explained variance matches numpy SVD of the centred data', () => {
    const { rows, cols, data, explainedVarianceRatio } = fixture.pca;
    const fit = fitPca(data, rows, cols);
    const total = fit.variances.reduce((a, b) => a + b, 0);
    fit.variances.forEach((v, i) => expect(v / total).toBeCloseTo(explainedVarianceRatio[i]!, 10));
  });

  it('components equal the right singular vectors of the centred data (ml-matrix SVD)', () => {
    const t = trajectories(3, 40, 8, 1, 'x', 3);
    const M = t.C * t.T;
    const fit = fitPca(t.hidden, M, t.N);
    const X = new Matrix(M, t.N);
    for (let s = 0; s < M; s++) for (let j = 0; j < t.N; j++) X.set(s, j, t.hidden[s * t.N + j]! - fit.mean[j]!);
    const svd = new SingularValueDecomposition(X, { autoTranspose: true });
    const sv = svd.diagonal;
    const V = svd.rightSingularVectors;
    for (let r = 0; r < 3; r++) {
      expect(fit.variances[r]!).toBeCloseTo(sv[r]! ** 2 / (M - 1), 8);
      let dot = 0;
      for (let j = 0; j < t.N; j++) dot += fit.components[r * t.N + j]! * V.get(j, r);
      expect(Math.abs(dot)).toBeCloseTo(1, 8);
    }
  });

  it('block: ratios sum to 1, projections per condition, second set projected with the first fit', async () => {
    const trained = trajectories(4, 30, 10, 2, 'trained', 2);
    const untrained = trajectories(4, 30, 10, 9, 'untrained', 5);
    const { outputs } = await runBlock<{ pca: PCA }>(pcaBlock, {
      inputs: { trajectories: trained, project: untrained },
      params: { k: 3 },
    });
    const p = outputs.pca;
    expect(p.explainedVarianceRatio).toHaveLength(10);
    expect(p.explainedVarianceRatio.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let i = 1; i < 10; i++)
      expect(p.explainedVarianceRatio[i]!).toBeLessThanOrEqual(p.explainedVarianceRatio[i - 1]!);
    // Two latent signals: the first two components hold nearly everything.
    expect(p.explainedVarianceRatio[0]! + p.explainedVarianceRatio[1]!).toBeGreaterThan(0.95);
    expect(p.projections).toHaveLength(8);
    expect(p.projections[0]!.points).toHaveLength(30 * 3);
    expect(p.projections[4]!.set).toBe('untrained');
    // The projected set's variance along the fitted axes is a fraction of its own.
    expect(p.projectedVarianceRatio).toHaveLength(3);
    expect(p.projectedVarianceRatio!.reduce((a, b) => a + b, 0)).toBeLessThan(1);
    // Projection of the fitted set: its coordinates along PC1 have variance = eigenvalue.
    const pts = p.projections.filter((x) => x.set === 'trained');
    let s2 = 0;
    let n = 0;
    for (const c of pts)
      for (let t = 0; t < c.T; t++) {
        s2 += c.points[t * 3]! ** 2;
        n++;
      }
    expect(s2 / (n - 1) / p.totalVariance!).toBeCloseTo(p.explainedVarianceRatio[0]!, 4);
    expect(PCAPort.summarize(p)).toMatch(/^top 3 PCs explain \d+(\.\d+)? % of the variance/);
    const arts = await PCAPort.artifacts!(p);
    expect(arts.map((a) => a.suffix)).toEqual(['.json', '.variance.csv', '.csv']);
    expect(String(arts[2]!.data).trim().split('\n')).toHaveLength(1 + 8 * 30);
    expect(JSON.parse(String(arts[0]!.data)).components).toHaveLength(3 * 10);
  });

  it('rejects a projected set of another size', async () => {
    await expect(
      runBlock(pcaBlock, {
        inputs: { trajectories: trajectories(2, 10, 6, 1, 'a'), project: trajectories(2, 10, 5, 1, 'b') },
      }),
    ).rejects.toThrow(/project: trajectories have N=5/);
  });
});
