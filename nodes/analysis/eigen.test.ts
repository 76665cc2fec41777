import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import { Rng } from '../lib/rng.ts';
import type { Spectrum } from '../ports/index.ts';
import { SpectrumPort } from '../ports/index.ts';
import { eigenBlock, spectrumOf } from './eigen.ts';
import { eigenvalues, henrici } from './linalg.ts';
import { makeModel, randomMatrix } from '../../test/fixtures/analysis-models.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/analysis/numpy-reference.json', import.meta.url), 'utf8'),
) as {
  matrix: { n: number; data: number[]; eigenvalues: [number, number][] };
};

const abs = (l: { re: number; im: number }) => Math.hypot(l.re, l.im);

describe('eigenvalues', () => {
  it('of a 2-D rotation by theta are exp(+-i theta)', () => {
    const th = 0.3;
    const e = eigenvalues([Math.cos(th), -Math.sin(th), Math.sin(th), Math.cos(th)], 2);
    expect(e).toHaveLength(2);
    for (const l of e) {
      expect(l.re).toBeCloseTo(Math.cos(th), 12);
      expect(Math.abs(l.im)).toBeCloseTo(Math.sin(th), 12);
    }
    const s = spectrumOf([Math.cos(th), -Math.sin(th), Math.sin(th), Math.cos(th)], 2, {
      matrix: 'R',
      label: 'r',
      tolerance: 0.01,
    });
    expect(s.radius).toBeCloseTo(1, 12);
    expect(s.outside).toBe(0);
    expect(s.dominant.freqAtan2).toBeCloseTo(th / (2 * Math.PI), 12);
    expect(s.dominant.freqTangent).toBeCloseTo(Math.tan(th) / (2 * Math.PI), 12);
    expect(s.henrici).toBeCloseTo(0, 6);
  });

  it('of a triangular matrix are its diagonal, and it is far from normal', () => {
    const n = 5;
    const A = new Float64Array(n * n);
    const diag = [2, -1.5, 0.5, 0.25, -0.1];
    for (let i = 0; i < n; i++) {
      A[i * n + i] = diag[i] as number;
      for (let j = i + 1; j < n; j++) A[i * n + j] = 1 + i + j;
    }
    const e = eigenvalues(A, n);
    const got = e.map((l) => l.re).sort((a, b) => a - b);
    const want = [...diag].sort((a, b) => a - b);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 10));
    e.forEach((l) => expect(l.im).toBeCloseTo(0, 10));
    expect(henrici(A, e)).toBeGreaterThan(0.9);
  });

  it('of a block-diagonal matrix are the union of the blocks', () => {
    // [[0, -2], [2, 0]] (+-2i), [3], [[1, 1], [0, 1]] (1, 1)
    const n = 5;
    const A = new Float64Array(n * n);
    A[0 * n + 1] = -2;
    A[1 * n + 0] = 2;
    A[2 * n + 2] = 3;
    A[3 * n + 3] = 1;
    A[3 * n + 4] = 1;
    A[4 * n + 4] = 1;
    const e = eigenvalues(A, n);
    expect(abs(e[0]!)).toBeCloseTo(3, 10);
    expect(e[0]!.im).toBeCloseTo(0, 10);
    expect(abs(e[1]!)).toBeCloseTo(2, 10);
    expect(e[1]!.im).toBeCloseTo(2, 10);
    expect(e[2]!.im).toBeCloseTo(-2, 10);
    expect(e[3]!.re).toBeCloseTo(1, 6);
    expect(e[4]!.re).toBeCloseTo(1, 6);
  });

  it('of a random non-symmetric matrix match numpy.linalg.eigvals', () => {
    const { n, data, eigenvalues: want } = fixture.matrix;
    const e = eigenvalues(data, n);
    expect(e).toHaveLength(n);
    e.forEach((l, i) => {
      expect(l.re).toBeCloseTo(want[i]![0], 10);
      expect(l.im).toBeCloseTo(want[i]![1], 10);
    });
  });

  it('give radius 1 for an orthogonal matrix and ~1 for N(0, 1/N)', () => {
    // Orthogonal: a product of random Givens rotations.
    const n = 40;
    const rng = new Rng(7);
    const Q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) Q[i * n + i] = 1;
    for (let r = 0; r < 200; r++) {
      const a = rng.int(0, n - 1);
      let b = rng.int(0, n - 2);
      if (b >= a) b++;
      const th = rng.range(0, 2 * Math.PI);
      const c = Math.cos(th);
      const s = Math.sin(th);
      for (let k = 0; k < n; k++) {
        const x = Q[a * n + k]!;
        const y = Q[b * n + k]!;
        Q[a * n + k] = c * x - s * y;
        Q[b * n + k] = s * x + c * y;
      }
    }
    const so = spectrumOf(Q, n, { matrix: 'Q', label: 'orthogonal', tolerance: 0.01 });
    expect(so.radius).toBeCloseTo(1, 10);
    so.eigenvalues.forEach((l) => expect(abs(l)).toBeCloseTo(1, 10));
    expect(so.outside).toBe(0);
    expect(so.henrici).toBeLessThan(1e-6);
    // Circular law: radius of N(0, 1/N) -> 1; at N = 200 within ~10 %.
    const sr = spectrumOf(randomMatrix(200, 1, 3), 200, { matrix: 'W', label: 'random', tolerance: 0.01 });
    expect(sr.radius).toBeGreaterThan(0.9);
    expect(sr.radius).toBeLessThan(1.12);
  });
});

describe('analysis.eigen block', () => {
  it('reports the spectrum of W_rec with a reference, one-line summary and artifacts', async () => {
    const model = makeModel(3, Float32Array.from([1.2, 0, 0, 0, 0.5, -0.4, 0, 0.4, 0.5]));
    const ref = makeModel(3, Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]));
    const { outputs } = await runBlock<{ spectrum: Spectrum }>(eigenBlock, {
      inputs: { model, reference: ref },
      params: { label: 'after' },
    });
    const s = outputs.spectrum;
    expect(s.radius).toBeCloseTo(1.2, 6);
    expect(s.outside).toBe(1);
    expect(s.dominant.re).toBeCloseTo(1.2, 6);
    expect(s.reference?.radius).toBeCloseTo(1, 6);
    expect(s.reference?.outside).toBe(0);
    expect(SpectrumPort.summarize(s)).toBe(
      'W_rec radius 1.2, 1 outside the unit circle (reference: radius 1, 0 outside)',
    );
    const arts = await SpectrumPort.artifacts!(s);
    expect(arts.map((a) => a.suffix)).toEqual(['.json', '.csv']);
    expect(String(arts[1]!.data).split('\n')[0]).toBe('spectrum,label,index,re,im,abs');
    expect(String(arts[1]!.data).trim().split('\n')).toHaveLength(1 + 6);
  });

  it("'effective' uses (1 - alpha) I + alpha W_rec", async () => {
    const model = makeModel(2, Float32Array.from([2, 0, 0, -1]), { alpha: 0.5 });
    const { outputs } = await runBlock<{ spectrum: Spectrum }>(eigenBlock, {
      inputs: { model },
      params: { matrix: 'effective' },
    });
    const re = outputs.spectrum.eigenvalues.map((l) => l.re).sort((a, b) => a - b);
    expect(re[0]).toBeCloseTo(0, 10);
    expect(re[1]).toBeCloseTo(1.5, 10);
  });

  it('rejects a reference of another size', async () => {
    const model = makeModel(2, new Float32Array(4));
    const ref = makeModel(3, new Float32Array(9));
    await expect(runBlock(eigenBlock, { inputs: { model, reference: ref } })).rejects.toThrow(/reference: .*N=3.*N=2/);
  });
});
