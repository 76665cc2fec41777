import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import type { Dataset } from '../ports/index.ts';
import { flipFlopTask } from './index.ts';

async function gen(params: Record<string, unknown>): Promise<Dataset> {
  return (await runBlock<{ dataset: Dataset }>(flipFlopTask, { params })).outputs.dataset;
}

/** The SCIENCE.md / authors' definition: 8 turns of 120 steps from 50, 20-step pulses, mem_gap 20. */
function expected(bits: number, values: number[]): { x: number[][]; y: number[][] } {
  const T = 1010;
  const x = Array.from({ length: T }, () => new Array<number>(2 * bits).fill(0));
  const y = Array.from({ length: T }, () => new Array<number>(bits).fill(0.01));
  for (let b = 0; b < bits; b++)
    for (let i = 0; i < 8; i++) {
      const v = values[b * 8 + i] as number;
      for (let t = 50 + 120 * i; t < 70 + 120 * i; t++) (x[t] as number[])[2 * b + v] = 1;
      for (let t = 90 + 120 * i; t < Math.min(T, 210 + 120 * i); t++) (y[t] as number[])[b] = v;
    }
  return { x, y };
}

function check(d: Dataset, i: number, bits: number): void {
  const e = expected(bits, (d.conditions[i] as { inputValues: number[] }).inputValues);
  for (let t = 0; t < d.T; t++) {
    for (let c = 0; c < 2 * bits; c++) expect(d.inputs[(i * d.T + t) * d.channels + c]).toBe((e.x[t] as number[])[c]);
    for (let o = 0; o < bits; o++)
      expect(d.targets[(i * d.T + t) * d.outputs + o]).toBeCloseTo((e.y[t] as number[])[o] as number, 7);
  }
}

describe('task.flip-flop', () => {
  it('1 bit: [reset, set] channels, 8 turns of 120 steps from 50, target held from pulse end + 20, T = 1010', async () => {
    const d = await gen({ samples: 6, inputNoise: 0 });
    expect(d.T).toBe(1010);
    expect(d.channelNames).toEqual(['reset', 'set']);
    for (let i = 0; i < d.samples; i++) check(d, i, 1);
    const p = d.probe as Dataset;
    expect(p.conditions.map((c) => c.key)).toEqual([
      'flip-flop 10101010',
      'flip-flop 01010101',
      'flip-flop 11001100',
      'flip-flop 00110011',
    ]);
    for (let i = 0; i < p.samples; i++) check(p, i, 1);
  });

  it('3 bits: six channels, three independent outputs', async () => {
    const d = await gen({ samples: 3, bits: 3, inputNoise: 0 });
    expect(d.channelNames).toEqual(['reset0', 'set0', 'reset1', 'set1', 'reset2', 'set2']);
    expect(d.outputs).toBe(3);
    for (let i = 0; i < d.samples; i++) check(d, i, 3);
    for (let i = 0; i < 4; i++) check(d.probe as Dataset, i, 3);
  });

  it('sets and resets are equally likely', async () => {
    const d = await gen({ samples: 500, inputNoise: 0 });
    const ones = d.conditions.reduce((a, c) => a + c.inputValues.reduce((x, y) => x + y, 0), 0);
    expect(ones / (500 * 8)).toBeGreaterThan(0.47);
    expect(ones / (500 * 8)).toBeLessThan(0.53);
  });

  it('rejects a T shorter than the pulse train', async () => {
    await expect(gen({ T: 900 })).rejects.toThrow(/T: T = 900 is too short: the pulse train runs to step 910/);
  });
});
