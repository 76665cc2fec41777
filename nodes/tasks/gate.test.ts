import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import type { Dataset } from '../ports/index.ts';
import { andTask, notTask, orTask, xorTask } from './index.ts';

async function gen(
  block: typeof andTask,
  params: Record<string, unknown>,
): Promise<{ dataset: Dataset; warnings: string[] }> {
  const r = await runBlock<{ dataset: Dataset }>(block, { params });
  return { dataset: r.outputs.dataset, warnings: r.warnings };
}

/** The SCIENCE.md definition of a gate trial, written out independently of the generator. */
function expectedGate(o: { T: number; values: number[]; f: number; baseline: number }): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  for (let t = 0; t < o.T; t++) {
    x.push(o.values.map((v) => (t >= 30 && t < 50 ? v : 0)));
    y.push(t >= 70 ? o.f : o.baseline);
  }
  return { x, y };
}

function trial(d: Dataset, i: number): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  for (let t = 0; t < d.T; t++) {
    const row: number[] = [];
    for (let c = 0; c < d.channels; c++) row.push(d.inputs[(i * d.T + t) * d.channels + c] as number);
    x.push(row);
    y.push(d.targets[i * d.T + t] as number);
  }
  return { x, y };
}

const cases = [
  { block: andTask, name: 'and', T: 210, baseline: 0, f: (a: number, b: number) => a & b },
  { block: orTask, name: 'or', T: 200, baseline: 0.01, f: (a: number, b: number) => a | b },
  { block: xorTask, name: 'xor', T: 200, baseline: 0.01, f: (a: number, b: number) => a ^ b },
] as const;

describe('gate tasks (AND, OR, XOR, NOT)', () => {
  for (const c of cases)
    it(`${c.name}: pulses at [30, 50), target ${c.baseline} before step 70 and f(A, B) from 70 to T = ${c.T}`, async () => {
      const { dataset: d } = await gen(c.block, { samples: 40 });
      expect(d.T).toBe(c.T);
      expect(d.channelNames).toEqual(['A', 'B']);
      expect(d.tasks).toEqual([c.name]);
      expect([...d.mask].every((m) => m === 1)).toBe(true);
      for (let i = 0; i < d.samples; i++) {
        const [a, b] = (d.conditions[i] as { inputValues: number[] }).inputValues as [number, number];
        const e = expectedGate({ T: c.T, values: [a, b], f: c.f(a, b), baseline: c.baseline });
        const got = trial(d, i);
        expect(got.x).toEqual(e.x);
        got.y.forEach((v, t) => expect(v).toBeCloseTo(e.y[t] as number, 7));
      }
      // The probe: the four combinations in the authors' order, noise-free.
      expect(d.probe?.conditions.map((l) => l.key)).toEqual([
        `${c.name} A=0 B=0`,
        `${c.name} A=1 B=0`,
        `${c.name} A=0 B=1`,
        `${c.name} A=1 B=1`,
      ]);
      expect(d.probe?.probe).toBeUndefined();
    });

  it('not: one input, target 1 - A from step 70, baseline 0.01, T = 200', async () => {
    const { dataset: d } = await gen(notTask, { samples: 10 });
    expect(d.T).toBe(200);
    expect(d.channels).toBe(1);
    for (let i = 0; i < d.samples; i++) {
      const a = (d.conditions[i] as { inputValues: number[] }).inputValues[0] as number;
      const e = expectedGate({ T: 200, values: [a], f: 1 - a, baseline: 0.01 });
      const got = trial(d, i);
      expect(got.x).toEqual(e.x);
      got.y.forEach((v, t) => expect(v).toBeCloseTo(e.y[t] as number, 7));
    }
    expect(d.probe?.samples).toBe(2);
  });

  it('timing params move the windows: stimStart 10, stimWidth 5, memGap 7, amplitude 2', async () => {
    const { dataset: d } = await gen(andTask, {
      samples: 4,
      T: 40,
      stimStart: 10,
      stimWidth: 5,
      memGap: 7,
      amplitude: 2,
      baseline: 0.5,
    });
    const p = d.probe as Dataset;
    const both = trial(p, 3); // A=1, B=1
    expect(both.x.map((r) => r[0])).toEqual(Array.from({ length: 40 }, (_, t) => (t >= 10 && t < 15 ? 2 : 0)));
    expect(both.y).toEqual(Array.from({ length: 40 }, (_, t) => (t >= 22 ? 1 : 0.5)));
  });

  it('balances the four combinations in the test part and in the training part', async () => {
    const { dataset: d } = await gen(xorTask, { samples: 1003, testFraction: 0.1 });
    expect(d.testCount).toBe(100);
    const count = (from: number, to: number) => {
      const m = new Map<string, number>();
      for (let i = from; i < to; i++)
        m.set(d.conditions[i]?.key as string, (m.get(d.conditions[i]?.key as string) ?? 0) + 1);
      return [...m.values()].sort();
    };
    expect(count(0, 100)).toEqual([25, 25, 25, 25]);
    expect(count(100, 1003)).toEqual([225, 226, 226, 226]);
  });

  it("the authors' split: 50 test samples of 15,050 by default", async () => {
    const { dataset: d } = await gen(andTask, { samples: 15050 });
    expect(d.testCount).toBe(50);
    expect(d.samples).toBe(15050);
    expect(d.inputs.length).toBe(15050 * 210 * 2);
  });

  it('input noise has mean 0 and the requested std', async () => {
    const { dataset: d } = await gen(orTask, { samples: 200, inputNoise: 0.1 });
    let n = 0;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < d.samples; i++)
      for (let t = 0; t < d.T; t++) {
        if (t >= 30 && t < 50) continue; // outside the pulses the clean input is 0
        for (let c = 0; c < 2; c++) {
          const v = d.inputs[(i * d.T + t) * 2 + c] as number;
          n++;
          s += v;
          s2 += v * v;
        }
      }
    const mean = s / n;
    const std = Math.sqrt(s2 / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeGreaterThan(0.098);
    expect(std).toBeLessThan(0.102);
    // The probe stays noise-free.
    expect([...(d.probe as Dataset).inputs].every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('the same seed gives bit-identical data; another seed does not', async () => {
    const a = (await gen(andTask, { samples: 300, inputNoise: 0.1, seed: 7 })).dataset;
    const b = (await gen(andTask, { samples: 300, inputNoise: 0.1, seed: 7 })).dataset;
    const c = (await gen(andTask, { samples: 300, inputNoise: 0.1, seed: 8 })).dataset;
    expect(Buffer.from(a.inputs.buffer).equals(Buffer.from(b.inputs.buffer))).toBe(true);
    expect(Buffer.from(a.targets.buffer).equals(Buffer.from(b.targets.buffer))).toBe(true);
    expect(a.conditions.map((l) => l.key)).toEqual(b.conditions.map((l) => l.key));
    expect(Buffer.from(a.inputs.buffer).equals(Buffer.from(c.inputs.buffer))).toBe(false);
  });

  it('rejects a T too short, a window outside the trial, and an empty dataset, naming the param', async () => {
    await expect(gen(andTask, { T: 60 })).rejects.toThrow(/T: T = 60 is too short: the response starts at step 70/);
    await expect(gen(andTask, { T: 40 })).rejects.toThrow(/T: T = 40 is too short: the input pulse runs to step 50/);
    await expect(gen(orTask, { stimStart: 250 })).rejects.toThrow(
      /stimStart: stimStart = 250 puts the input pulse outside the trial \[0, 200\)/,
    );
    await expect(gen(xorTask, { samples: 0 })).rejects.toThrow(/samples: samples = 0 gives an empty dataset/);
    await expect(gen(notTask, { samples: 10, testFraction: 0.97 })).rejects.toThrow(
      /testFraction: .* leaves none to train on/,
    );
  });

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    const run = runBlock(andTask, { params: { samples: 15050, inputNoise: 0.1 }, signal: ac.signal });
    ac.abort();
    await expect(run).rejects.toThrow(/and generation cancelled/);
  });
});
