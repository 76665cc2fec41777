import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed } from './rng.ts';

describe('Rng', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = new Rng(7), b = new Rng(7), c = new Rng(8);
    const xa = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xa);
  });
  it('gives the pinned first values for seed 1 (portability check)', () => {
    const r = new Rng(1);
    const v = [r.uniform(), r.uniform()];
    // pinned once on Node 20; any platform must give the same bits
    expect(v.map((x) => x.toFixed(12))).toMatchSnapshot();
  });
  it('has standard-normal moments', () => {
    const r = new Rng(3);
    const n = 200_000;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) { const x = r.normal(); s += x; s2 += x * x; }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });
  it('int covers its inclusive range uniformly', () => {
    const r = new Rng(5);
    const counts = new Array(50).fill(0);
    for (let i = 0; i < 50_000; i++) counts[r.int(1, 50) - 1]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });
  it('derives stable seeds', () => {
    expect(deriveSeed(1, 'and')).toBe(deriveSeed(1, 'and'));
    expect(deriveSeed(1, 'and')).not.toBe(deriveSeed(1, 'or'));
  });
});
