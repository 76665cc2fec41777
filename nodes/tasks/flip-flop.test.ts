import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import type { Dataset } from '../ports/index.ts';
import { flipFlopTask } from './index.ts';
import { SILENT } from './flip-flop.ts';

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

  it('3 bits: the probe visits all 8 bit patterns (two extra trials with every bit alike)', async () => {
    const d = await gen({ samples: 3, bits: 3, inputNoise: 0 });
    const p = d.probe as Dataset;
    expect(p.samples).toBe(6);
    expect(p.conditions[4]!.key).toBe('flip-flop b0=10101010 b1=10101010 b2=10101010');
    expect(p.conditions[5]!.key).toBe('flip-flop b0=00110011 b1=00110011 b2=00110011');
    const seen = new Set<string>();
    for (let i = 0; i < p.samples; i++) {
      check(p, i, 3);
      const v = p.conditions[i]!.inputValues;
      for (let t = 0; t < 8; t++) seen.add([0, 1, 2].map((b) => v[b * 8 + t]).join(''));
    }
    expect([...seen].sort()).toEqual(['000', '001', '010', '011', '100', '101', '110', '111']);
  });

  it('pulseProbability < 1: silent turns carry no pulse and hold the last value; resetValue sets the reset target', async () => {
    const params = { samples: 400, bits: 2, inputNoise: 0, pulseProbability: 0.3, resetValue: -1, baseline: 0 };
    const d = await gen(params);
    const all = d.conditions.flatMap((c) => c.inputValues);
    const silent = all.filter((v) => v === SILENT).length / all.length;
    expect(silent).toBeGreaterThan(0.65);
    expect(silent).toBeLessThan(0.75);
    expect(d.conditions.some((c) => c.key.includes('.'))).toBe(true);
    for (let i = 0; i < 40; i++) {
      const v = d.conditions[i]!.inputValues;
      for (let b = 0; b < 2; b++) {
        let held = 0;
        for (let k = 0; k < 8; k++) {
          const on = 50 + 120 * k;
          const val = v[b * 8 + k] as number;
          // the pulse (or none) on both channels of the bit
          for (const c of [0, 1])
            expect(d.inputs[(i * d.T + on + 5) * 4 + 2 * b + c], `trial ${i} bit ${b} turn ${k}`).toBe(
              val === c ? 1 : 0,
            );
          if (val !== SILENT) held = val === 1 ? 1 : -1;
          for (const t of [on + 40, on + 139].filter((t) => t < d.T))
            expect(d.targets[(i * d.T + t) * 2 + b]).toBe(held);
        }
      }
    }
    // pulseProbability = 1 draws the same trials as before the option existed
    const a = await gen({ samples: 20, inputNoise: 0 });
    const b = await gen({ samples: 20, inputNoise: 0, pulseProbability: 1 });
    expect(b.conditions.map((c) => c.key)).toEqual(a.conditions.map((c) => c.key));
  });

  it('rejects a T shorter than the pulse train', async () => {
    await expect(gen({ T: 900 })).rejects.toThrow(/T: T = 900 is too short: the pulse train runs to step 910/);
  });
});
