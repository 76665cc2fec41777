import { describe, expect, it } from 'vitest';
import { convolveSame, gaussian, hann, smoothedBox } from './signal.ts';

describe('signal helpers (SciPy conventions)', () => {
  it('hann(10) is the symmetric window, summing to 4.5', () => {
    const w = hann(10);
    expect(w[0]).toBe(0);
    expect(w[9]).toBeCloseTo(0, 15);
    expect(w[4]).toBeCloseTo(w[5] as number, 15);
    expect(w[3]).toBeCloseTo(0.75, 12);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(4.5, 12);
    expect([...hann(1)]).toEqual([1]);
  });

  it('gaussian(20, 12) peaks between its two middle samples', () => {
    const g = gaussian(20, 12);
    expect(g[9]).toBeCloseTo(Math.exp(-0.5 * (0.5 / 12) ** 2), 12);
    expect(g[0]).toBeCloseTo(Math.exp(-0.5 * (9.5 / 12) ** 2), 12);
  });

  it('convolveSame is the centre of the full convolution, starting at (m - 1) // 2', () => {
    const x = [1, 2, 3, 4, 5];
    const k = [1, 10, 100, 1000];
    const full = new Array<number>(x.length + k.length - 1).fill(0);
    x.forEach((xi, i) => k.forEach((kj, j) => (full[i + j] = (full[i + j] as number) + xi * kj)));
    const start = Math.floor((k.length - 1) / 2);
    expect([...convolveSame(x, k)]).toEqual(full.slice(start, start + x.length));
  });

  it('a 20-step box smoothed by Hann(10) rises 0.5, 0.72, 0.88, 0.97 and falls 0.97, 0.88, 0.72', () => {
    const s = smoothedBox(20, 10);
    expect([...s.subarray(0, 5)].map((v) => Number(v.toFixed(2)))).toEqual([0.5, 0.72, 0.88, 0.97, 1]);
    expect([...s.subarray(16, 20)].map((v) => Number(v.toFixed(2)))).toEqual([1, 0.97, 0.88, 0.72]);
    expect([...smoothedBox(3, 0)]).toEqual([1, 1, 1]);
  });
});
