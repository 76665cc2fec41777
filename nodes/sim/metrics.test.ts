import { describe, expect, it } from 'vitest';
import { runBlock, type AnyBlock } from '../../core/index.ts';
import type { Dataset } from '../ports/index.ts';
import { contextMux } from '../context/mux.ts';
import { andTask } from '../tasks/and.ts';
import { flipFlopTask } from '../tasks/flip-flop.ts';
import { notTask } from '../tasks/not.ts';
import { orTask } from '../tasks/or.ts';
import { oscillationTask } from '../tasks/oscillation.ts';
import { timeReproductionTask } from '../tasks/time-reproduction.ts';
import { xorTask } from '../tasks/xor.ts';
import { decisionCorrect, decisionWindow, SHAPE_R2, type StepWindow } from './metrics.ts';

async function probeOf(block: AnyBlock, params: Record<string, unknown>): Promise<Dataset> {
  return (await runBlock<{ dataset: Dataset }>(block, { params: { samples: 8, ...params } })).outputs.dataset
    .probe as Dataset;
}

/** Trial c of a probe: its target, window and a correctness check for an output built from it. */
function trial(p: Dataset, key: string) {
  const c = p.conditions.findIndex((l) => l.key === key);
  expect(c).toBeGreaterThanOrEqual(0);
  const { T } = p;
  const target = p.targets.slice(c * T, (c + 1) * T);
  const w: StepWindow = decisionWindow(target, 0, p.mask, c * T, T, 1);
  const correct = (y: ArrayLike<number>) => decisionCorrect(y, target, 0, 1, w);
  return { target, w, correct, T };
}

/** The target delayed by `lag` steps (the first value repeated). */
const lagged = (t: Float32Array, lag: number) => Float32Array.from(t, (_, i) => t[Math.max(0, i - lag)] as number);

describe('decision accuracy follows the shape of a bump or an oscillation target', () => {
  it('time reproduction: a flat output is wrong, the bump (slightly off) is right; pulse absent stays a held level', async () => {
    const p = await probeOf(timeReproductionTask, { T: 200, inputNoise: 0, targetNoise: 0 });
    const on = trial(p, 'time-reproduction pulse=1');
    // Bump over [90, 110), then baseline: the window runs from the bump to the end.
    expect(on.w).toEqual({ start: 90, end: 200, kind: 'shape' });
    // Flat at the baseline, at the bump's mid level, at the window mean: all wrong now. Under the
    // held-level rule (mean over the later half of the last held level) the baseline was "correct".
    for (const v of [0.045, 0.5, 0.2]) expect(on.correct(new Float32Array(on.T).fill(v))).toBe(0);
    expect(decisionCorrect(new Float32Array(on.T).fill(0.045), on.target, 0, 1, { start: 155, end: 200 })).toBe(1);
    // The target itself, 80 % of it, 2 steps late, or with 0.05 noise: right.
    expect(on.correct(on.target)).toBe(1);
    expect(on.correct(Float32Array.from(on.target, (v) => 0.8 * v))).toBe(1);
    expect(on.correct(lagged(on.target, 2))).toBe(1);
    expect(on.correct(Float32Array.from(on.target, (v, i) => v + 0.05 * Math.sin(i * 1.7)))).toBe(1);
    // A bump 15 steps late (after the target's) or half as high: wrong.
    expect(on.correct(lagged(on.target, 15))).toBe(0);
    expect(on.correct(Float32Array.from(on.target, (v) => 0.045 + 0.3 * (v - 0.045)))).toBe(0);
    // Pulse absent: baseline, 0 over the bump window, baseline: held levels only.
    const off = trial(p, 'time-reproduction pulse=0');
    expect(off.w).toEqual({ start: 155, end: 200, kind: 'level' });
    expect(off.correct(new Float32Array(off.T).fill(0.045))).toBe(1);
    expect(off.correct(new Float32Array(off.T).fill(0.6))).toBe(0);
  });

  it('oscillation: a flat output is wrong, the sinusoid is right, a wrong period, phase or amplitude is wrong', async () => {
    const p = await probeOf(oscillationTask, { stimStart: 20, stimWidth: 20, memGap: 130, endGap: 20, cycles: 6 });
    const on = trial(p, 'oscillation pulse=1');
    expect(on.w).toEqual({ start: 60, end: 210, kind: 'shape' });
    for (const v of [0, 0.002, 1]) expect(on.correct(new Float32Array(on.T).fill(v))).toBe(0);
    // The held-level rule read the last 20 baseline steps and called a flat 0 correct.
    expect(decisionCorrect(new Float32Array(on.T).fill(0), on.target, 0, 1, { start: 200, end: 210 })).toBe(1);
    expect(on.correct(on.target)).toBe(1);
    expect(on.correct(Float32Array.from(on.target, (v) => 0.6 * v))).toBe(1);
    expect(on.correct(lagged(on.target, 3))).toBe(1); // 3 of 35 steps
    // Half a period late (anti-phase), a quarter period late, 20 % of the amplitude: wrong.
    expect(on.correct(lagged(on.target, 17))).toBe(0);
    expect(on.correct(lagged(on.target, 9))).toBe(0);
    expect(on.correct(Float32Array.from(on.target, (v) => 0.2 * v))).toBe(0);
    // Period 30 instead of 35 with the target's amplitude and window: wrong.
    let amp = 0;
    for (const v of on.target) amp = Math.max(amp, Math.abs(v));
    const wrongPeriod = Float32Array.from(on.target, (v, t) =>
      t >= 60 && t < 190 ? amp * Math.sin((2 * Math.PI * (t - 60)) / 30) : v,
    );
    expect(on.correct(wrongPeriod)).toBe(0);
    const off = trial(p, 'oscillation pulse=0');
    expect(off.w.kind).toBe('level');
    expect(off.correct(new Float32Array(off.T))).toBe(1);
  });

  it('R^2 >= SHAPE_R2 is the boundary, and a NaN output is wrong', () => {
    const T = 40;
    const target = Float32Array.from({ length: T }, (_, t) => Math.sin(t / 3));
    const w = decisionWindow(target, 0, new Float32Array(T).fill(1), 0, T, 1);
    expect(w).toEqual({ start: 0, end: T, kind: 'shape' });
    // y = a * target: R^2 = 1 - (1 - a)^2 (over a zero-mean target, up to its small mean).
    const a = 1 - Math.sqrt(1 - SHAPE_R2);
    expect(
      decisionCorrect(
        Float32Array.from(target, (v) => (a + 0.02) * v),
        target,
        0,
        1,
        w,
      ),
    ).toBe(1);
    expect(
      decisionCorrect(
        Float32Array.from(target, (v) => (a - 0.02) * v),
        target,
        0,
        1,
        w,
      ),
    ).toBe(0);
    expect(
      decisionCorrect(
        Float32Array.from(target, () => NaN),
        target,
        0,
        1,
        w,
      ),
    ).toBe(0);
  });

  it('the held-level tasks keep the held-level rule (their windows are unchanged)', async () => {
    const gates: Array<[AnyBlock, Record<string, unknown>]> = [
      [andTask, {}],
      [orTask, {}],
      [xorTask, {}],
      [notTask, {}],
      [flipFlopTask, {}],
    ];
    const probes = await Promise.all(gates.map(([b, params]) => probeOf(b, params)));
    const tasks = await Promise.all(
      [andTask, orTask, xorTask].map(
        async (b) => (await runBlock<{ dataset: Dataset }>(b, { params: { samples: 60 } })).outputs.dataset,
      ),
    );
    const multitask = (await runBlock<{ dataset: Dataset }>(contextMux, { inputs: { tasks } })).outputs.dataset;
    probes.push(multitask.probe as Dataset);
    for (const p of probes) {
      for (let c = 0; c < p.samples; c++) {
        const w = decisionWindow(p.targets, c * p.T * p.outputs, p.mask, c * p.T, p.T, p.outputs);
        expect(w.kind, p.conditions[c]?.key).toBe('level');
      }
    }
  });
});
