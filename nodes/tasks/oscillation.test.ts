import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import type { Dataset } from '../ports/index.ts';
import { oscillationTask } from './index.ts';

async function gen(params: Record<string, unknown>): Promise<{ d: Dataset; warnings: string[] }> {
  const r = await runBlock<{ dataset: Dataset }>(oscillationTask, { params });
  return { d: r.outputs.dataset, warnings: r.warnings };
}

/** 0.2 * (ones(L) convolved, 'same', with sin(2 pi 12 x / T)), from the full convolution. */
function expectedWindow(T: number, L: number): number[] {
  const full = new Array<number>(L + T - 1).fill(0);
  for (let j = 0; j < L; j++)
    for (let x = 0; x < T; x++) full[j + x] = (full[j + x] as number) + Math.sin(2 * Math.PI * (12 / T) * x);
  const start = Math.floor((T - 1) / 2);
  return full.slice(start, start + L).map((v) => 0.2 * v);
}

describe('task.oscillation', () => {
  it("authors' trained oscillator: T = 420, trigger [100, 140) smoothed by Hann(15), oscillation over [160, 380) with period T/12 = 35", async () => {
    const { d, warnings } = await gen({ samples: 4 });
    expect(warnings).toEqual([]);
    expect(d.T).toBe(420);
    const p = d.probe as Dataset;
    const x = [...p.inputs.subarray(420, 840)];
    const y = [...p.targets.subarray(420, 840)];
    // Hann(15) smoothing, 'same' mode with an odd window: symmetric edges; sum of hann(15) = 7.
    const w = Array.from({ length: 15 }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / 14));
    expect(x[100]).toBeCloseTo(w.slice(0, 8).reduce((a, b) => a + b, 0) / 7, 6);
    expect(x[139]).toBeCloseTo(x[100] as number, 6);
    expect(x[120]).toBeCloseTo(1, 6);
    expect(x[99]).toBe(0);
    expect(x[140]).toBe(0);
    const e = expectedWindow(420, 220);
    y.forEach((v, t) => expect(v).toBeCloseTo(t >= 160 && t < 380 ? (e[t - 160] as number) : 0.002, 4));
    // Period: successive maxima inside the window are T/12 = 35 steps apart.
    const peaks: number[] = [];
    for (let t = 161; t < 379; t++)
      if ((y[t] as number) > (y[t - 1] as number) && (y[t] as number) >= (y[t + 1] as number) && (y[t] as number) > 0.5)
        peaks.push(t);
    expect(peaks.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < peaks.length; i++) expect((peaks[i] as number) - (peaks[i - 1] as number)).toBe(35);
    // Trigger absent: window 0, baseline 0.002 elsewhere.
    [...p.targets.subarray(0, 420)].forEach((v, t) => expect(v).toBeCloseTo(t >= 160 && t < 380 ? 0 : 0.002, 7));
  });

  it('T = 220 + memGap and the period follows T / cycles', async () => {
    const { d } = await gen({ samples: 2, memGap: 140, inputNoise: 0 });
    expect(d.T).toBe(360);
    const y = [...(d.probe as Dataset).targets.subarray(360, 720)];
    const e = expectedWindow(360, 160);
    y.forEach((v, t) => expect(v).toBeCloseTo(t >= 160 && t < 320 ? (e[t - 160] as number) : 0.002, 4));
  });

  it('a window holding a whole number of periods runs but warns (memGap 20: 2 periods of 20)', async () => {
    const { d, warnings } = await gen({ samples: 2, memGap: 20 });
    expect(d.T).toBe(240);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/degenerates: the window \[160, 200\) holds exactly 2 periods/);
    expect(Math.max(...[...(d.probe as Dataset).targets].map(Math.abs))).toBeLessThan(0.01);
  });

  it('input noise 0.1 by default, none on the target', async () => {
    const { d } = await gen({ samples: 50 });
    let n = 0,
      s = 0,
      s2 = 0;
    for (let i = 0; i < 50; i++)
      for (let t = 0; t < 100; t++) {
        const v = d.inputs[i * 420 + t] as number;
        n++;
        s += v;
        s2 += v * v;
      }
    expect(Math.abs(s / n)).toBeLessThan(0.005);
    expect(Math.sqrt(s2 / n)).toBeGreaterThan(0.096);
    expect(Math.sqrt(s2 / n)).toBeLessThan(0.104);
    expect(d.targets[0]).toBeCloseTo(0.002, 7);
  });

  it('rejects timing that leaves no oscillation window, naming memGap', async () => {
    await expect(gen({ responseDelay: 300 })).rejects.toThrow(/memGap: the oscillation window \[440, 380\) is empty/);
  });
});
