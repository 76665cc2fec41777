import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import type { Dataset } from '../ports/index.ts';
import { timeReproductionTask } from './index.ts';

async function gen(params: Record<string, unknown>): Promise<Dataset> {
  return (await runBlock<{ dataset: Dataset }>(timeReproductionTask, { params })).outputs.dataset;
}

describe('task.time-reproduction', () => {
  it('smoothed pulse at [50, 70) with the Hann(10) edges 0.5, 0.72, 0.88, 0.97; bump over [90, 110) peaking ~0.985', async () => {
    const d = await gen({ samples: 4 });
    expect(d.T).toBe(300);
    const p = d.probe as Dataset;
    expect(p.conditions.map((c) => c.key)).toEqual(['time-reproduction pulse=0', 'time-reproduction pulse=1']);
    const x = [...p.inputs.subarray(300, 600)];
    const y = [...p.targets.subarray(300, 600)];
    expect(x.slice(0, 50).every((v) => v === 0)).toBe(true);
    expect(x.slice(50, 55).map((v) => Number(v.toFixed(2)))).toEqual([0.5, 0.72, 0.88, 0.97, 1]);
    expect(x.slice(55, 66).every((v) => v === 1)).toBe(true);
    expect(x.slice(66, 70).map((v) => Number(v.toFixed(2)))).toEqual([1, 0.97, 0.88, 0.72]);
    expect(x.slice(70).every((v) => v === 0)).toBe(true);
    // Bump: ones(20) convolved ('same') with 0.055 * gaussian(20, std 12), written out directly.
    const g = Array.from({ length: 20 }, (_, n) => 0.055 * Math.exp(-0.5 * ((n - 9.5) / 12) ** 2));
    const bump = Array.from({ length: 20 }, (_, i) => {
      let s = 0;
      for (let j = 0; j < 20; j++) {
        const k = i + 9 - j; // full-convolution index i + (20 - 1) // 2
        if (k >= 0 && k < 20) s += g[k] as number;
      }
      return s;
    });
    y.forEach((v, t) => expect(v).toBeCloseTo(t >= 90 && t < 110 ? (bump[t - 90] as number) : 0.045, 6));
    expect(Math.max(...y)).toBeCloseTo(0.985, 3);
    // Pulse absent: no input, and the window is 0 (the authors convolve zeros), baseline elsewhere.
    const y0 = [...p.targets.subarray(0, 300)];
    y0.forEach((v, t) => expect(v).toBeCloseTo(t >= 90 && t < 110 ? 0 : 0.045, 7));
    expect([...p.inputs.subarray(0, 300)].every((v) => v === 0)).toBe(true);
  });

  it('memGap moves the bump: memGap 50 puts it at [120, 140)', async () => {
    const p = (await gen({ samples: 2, memGap: 50 })).probe as Dataset;
    const y = [...p.targets.subarray(300, 600)];
    expect(y[119]).toBeCloseTo(0.045, 7);
    expect(y[120]).toBeGreaterThan(0.4);
    expect(y[139]).toBeGreaterThan(0.4);
    expect(y[140]).toBeCloseTo(0.045, 7);
  });

  it('adds N(0, 0.03) noise to input and target by default', async () => {
    const d = await gen({ samples: 100 });
    const stats = (a: Float32Array, from: number, to: number, clean: number) => {
      let n = 0,
        s = 0,
        s2 = 0;
      for (let i = 0; i < d.samples; i++)
        for (let t = from; t < to; t++) {
          const v = (a[i * 300 + t] as number) - clean;
          n++;
          s += v;
          s2 += v * v;
        }
      return { mean: s / n, std: Math.sqrt(s2 / n - (s / n) ** 2) };
    };
    for (const st of [stats(d.inputs, 120, 300, 0), stats(d.targets, 120, 300, 0.045)]) {
      expect(Math.abs(st.mean)).toBeLessThan(0.001);
      expect(st.std).toBeGreaterThan(0.029);
      expect(st.std).toBeLessThan(0.031);
    }
  });

  it('rejects a T that cuts the bump', async () => {
    await expect(gen({ T: 100 })).rejects.toThrow(/T: T = 100 is too short: the target bump runs to step 110/);
  });
});
