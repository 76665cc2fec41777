import { describe, expect, it } from 'vitest';
import { runBlock, type AnyBlock } from '../../core/index.ts';
import type { Dataset } from '../ports/index.ts';
import {
  andTask,
  flipFlopTask,
  notTask,
  orTask,
  oscillationTask,
  timeReproductionTask,
  xorTask,
} from '../tasks/index.ts';
import { contextMux } from './index.ts';

async function task(block: AnyBlock, params: Record<string, unknown>): Promise<Dataset> {
  return (await runBlock<{ dataset: Dataset }>(block, { params })).outputs.dataset;
}

async function mux(
  tasks: Dataset[],
  params: Record<string, unknown> = {},
): Promise<{ d: Dataset; warnings: string[] }> {
  const r = await runBlock<{ dataset: Dataset }>(contextMux, { inputs: { tasks }, params });
  return { d: r.outputs.dataset, warnings: r.warnings };
}

/** The 3 task datasets of the authors' scheme (baseline 0, default timing). */
async function threeTasks(samples: number): Promise<Dataset[]> {
  return [
    await task(andTask, { samples, baseline: 0, seed: 1 }),
    await task(orTask, { samples, baseline: 0, seed: 2 }),
    await task(xorTask, { samples, baseline: 0, seed: 3 }),
  ];
}

/**
 * SCIENCE.md, 3-task scheme, written out independently of the generator: channels [A, B, context];
 * context +1 (AND), -1 (OR), 0 (XOR: no pulse) at [20+d, 40+d); A and B at [60+d, 80+d); target
 * f_c(A, B) from 100+d to T-2 and 0 on the last step (and 0 before); T = 290.
 */
function authors3Task(taskName: string, a: number, b: number, d: number): { x: number[]; y: number[] } {
  const T = 290;
  const level = ({ and: 1, or: -1, xor: 0 } as Record<string, number>)[taskName] as number;
  const f = ({ and: a & b, or: a | b, xor: a ^ b } as Record<string, number>)[taskName] as number;
  const x: number[] = [];
  const y: number[] = [];
  for (let t = 0; t < T; t++) {
    const stim = t >= 60 + d && t < 80 + d;
    x.push(stim ? a : 0, stim ? b : 0, t >= 20 + d && t < 40 + d ? level : 0);
    y.push(t >= 100 + d && t <= T - 2 ? f : 0);
  }
  return { x, y };
}

function trialOf(d: Dataset, i: number): { x: number[]; y: number[] } {
  return {
    x: [...d.inputs.subarray(i * d.T * d.channels, (i + 1) * d.T * d.channels)],
    y: [...d.targets.subarray(i * d.T * d.outputs, (i + 1) * d.T * d.outputs)],
  };
}

describe('context.mux', () => {
  it("the authors' 3-task scheme at d = 25 reproduces the 12 conditions sample by sample", async () => {
    const { d } = await mux(await threeTasks(8), { T: 290 });
    expect(d.T).toBe(290);
    expect(d.channelNames).toEqual(['A', 'B', 'context']);
    const p = d.probe as Dataset;
    expect(p.samples).toBe(36);
    const at25 = p.conditions.map((c, i) => ({ c, i })).filter(({ c }) => c.jitter === 25);
    expect(at25).toHaveLength(12);
    const seen = new Set<string>();
    for (const { c, i } of at25) {
      const [a, b] = c.inputValues as [number, number];
      expect(trialOf(p, i)).toEqual(authors3Task(c.task, a, b, 25));
      expect(c.context).toBe(({ and: 1, or: -1, xor: 0 } as Record<string, number>)[c.task]);
      seen.add(c.key);
    }
    expect(seen.size).toBe(12);
    // Probe order: jitter-major (all 12 at 1, then at 25, then at 50).
    expect(p.conditions.map((c) => c.jitter)).toEqual([
      ...new Array(12).fill(1),
      ...new Array(12).fill(25),
      ...new Array(12).fill(50),
    ]);
    expect(p.mask.every((m) => m === 1)).toBe(true);
  });

  it('every training trial matches the 3-task definition at its own jitter, d in 1..50', async () => {
    const { d } = await mux(await threeTasks(40));
    expect(d.T).toBe(290); // auto: longest task (210) + shift 30 + jitterMax 50
    expect(d.samples).toBe(120);
    for (let i = 0; i < d.samples; i++) {
      const c = d.conditions[i] as Dataset['conditions'][number];
      expect(c.jitter).toBeGreaterThanOrEqual(1);
      expect(c.jitter).toBeLessThanOrEqual(50);
      const [a, b] = c.inputValues as [number, number];
      expect(trialOf(d, i)).toEqual(authors3Task(c.task, a, b, c.jitter));
    }
    // The tasks' test trials (first round(40 * 50/15050) = 0 here) and the mix: 40 of each task.
    const counts = new Map<string, number>();
    for (const c of d.conditions) counts.set(c.task, (counts.get(c.task) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ and: 40, or: 40, xor: 40 });
  });

  it('jitter is uniform over 1..50 and shared by all pulses of a trial', async () => {
    const { d } = await mux(await threeTasks(400));
    const hist = new Array<number>(51).fill(0);
    for (const c of d.conditions) hist[c.jitter] = (hist[c.jitter] as number) + 1;
    expect(hist[0]).toBe(0);
    const n = d.samples / 50;
    for (let j = 1; j <= 50; j++) {
      expect(hist[j]).toBeGreaterThan(n * 0.4);
      expect(hist[j]).toBeLessThan(n * 1.6);
    }
  });

  it("keeps each task's test trials held out, first", async () => {
    const tasks = [
      await task(andTask, { samples: 100, testFraction: 0.1, baseline: 0 }),
      await task(orTask, { samples: 100, testFraction: 0.2, baseline: 0 }),
    ];
    const { d } = await mux(tasks, { levels: { and: 1, or: -1 } });
    expect(d.testCount).toBe(30);
    expect(d.samples).toBe(200);
    const testTasks = d.conditions.slice(0, 30).map((c) => c.task);
    expect(testTasks.filter((t) => t === 'and')).toHaveLength(10);
    expect(testTasks.filter((t) => t === 'or')).toHaveLength(20);
  });

  it("the authors' 2-task scheme: context at [20, 40), A, B at [60, 80), target from 100 to the end, T = 240", async () => {
    const tasks = [
      await task(andTask, { samples: 8, baseline: 0 }),
      await task(orTask, { samples: 8, baseline: 0, T: 210 }),
    ];
    const { d } = await mux(tasks, {
      levels: { and: 1, or: -1 },
      jitterMin: 0,
      jitterMax: 0,
      releaseSteps: 0,
      probeJitters: [0],
    });
    expect(d.T).toBe(240);
    const p = d.probe as Dataset;
    expect(p.samples).toBe(8);
    for (let i = 0; i < p.samples; i++) {
      const c = p.conditions[i] as Dataset['conditions'][number];
      const [a, b] = c.inputValues as [number, number];
      const level = c.task === 'and' ? 1 : -1;
      const f = c.task === 'and' ? a & b : a | b;
      const x: number[] = [];
      const y: number[] = [];
      for (let t = 0; t < 240; t++) {
        const s = t >= 60 && t < 80;
        x.push(s ? a : 0, s ? b : 0, t >= 20 && t < 40 ? level : 0);
        y.push(t >= 100 ? f : 0);
      }
      expect(trialOf(p, i)).toEqual({ x, y });
    }
  });

  it("the poster's scheme: one shared stimulus channel and a context channel, each task keeping its timing", async () => {
    const tasks = [
      await task(timeReproductionTask, { samples: 4, inputNoise: 0, targetNoise: 0 }),
      await task(oscillationTask, { samples: 4, inputNoise: 0 }),
    ];
    const { d } = await mux(tasks, {
      levels: { 'time-reproduction': 1, oscillation: -1 },
      jitterMin: 0,
      jitterMax: 0,
      releaseSteps: 0,
      probeJitters: [0],
    });
    expect(d.channelNames).toEqual(['stimulus', 'context']);
    expect(d.T).toBe(450); // oscillation 420 + shift 30
    const p = d.probe as Dataset;
    // Time reproduction, pulse present: its own trial moved by 30, then its last value (baseline) held.
    const src = tasks[0]?.probe as Dataset;
    const i = p.conditions.findIndex((c) => c.key === 'time-reproduction pulse=1');
    const { x, y } = trialOf(p, i);
    for (let t = 0; t < 450; t++) {
      expect(x[2 * t]).toBe(t >= 30 && t < 330 ? src.inputs[300 + t - 30] : 0);
      expect(x[2 * t + 1]).toBe(t >= 20 && t < 40 ? 1 : 0);
      expect(y[t]).toBe(src.targets[300 + Math.min(299, Math.max(0, t - 30))]);
    }
  });

  it('tonic and one-hot encodings hold the context for the whole trial', async () => {
    const tasks = await threeTasks(4);
    const tonic = (await mux(tasks, { encoding: 'tonic' })).d.probe as Dataset;
    const i = tonic.conditions.findIndex((c) => c.task === 'or');
    const x = trialOf(tonic, i).x;
    for (let t = 0; t < tonic.T; t++) expect(x[3 * t + 2]).toBe(-1);
    const oh = (await mux(tasks, { encoding: 'one-hot' })).d;
    expect(oh.channelNames).toEqual(['A', 'B', 'context:and', 'context:or', 'context:xor']);
    expect(oh.context).toEqual({ encoding: 'one-hot', channels: [2, 3, 4], levels: { and: 1, or: 1, xor: 1 } });
    const p = oh.probe as Dataset;
    const j = p.conditions.findIndex((c) => c.task === 'xor');
    const xo = trialOf(p, j).x;
    for (let t = 0; t < p.T; t++) expect([xo[5 * t + 2], xo[5 * t + 3], xo[5 * t + 4]]).toEqual([0, 0, 1]);
    expect(p.conditions[j]?.context).toBeUndefined();
  });

  it('separate channel layout, context first, and padding of tasks with fewer channels and outputs', async () => {
    const tasks = [
      await task(notTask, { samples: 2, baseline: 0 }),
      await task(flipFlopTask, { samples: 2, bits: 2, inputNoise: 0 }),
    ];
    const { d } = await mux(tasks, {
      levels: { not: 1, 'flip-flop': -1 },
      channelLayout: 'separate',
      contextPosition: 'first',
      jitterMin: 0,
      jitterMax: 0,
      probeJitters: [0],
      releaseSteps: 0,
    });
    expect(d.channelNames).toEqual([
      'context',
      'not:A',
      'flip-flop:reset0',
      'flip-flop:set0',
      'flip-flop:reset1',
      'flip-flop:set1',
    ]);
    expect(d.outputNames).toEqual(['output/output0', 'output1']);
    expect(d.T).toBe(1040);
    const p = d.probe as Dataset;
    const k = p.conditions.findIndex((c) => c.key === 'not A=1');
    const { x, y } = trialOf(p, k);
    for (let t = 0; t < 1040; t++) {
      expect(x[6 * t]).toBe(t >= 20 && t < 40 ? 1 : 0);
      expect(x[6 * t + 1]).toBe(t >= 60 && t < 80 ? 1 : 0);
      expect(x.slice(6 * t + 2, 6 * t + 6)).toEqual([0, 0, 0, 0]);
      expect(y[2 * t]).toBe(0); // NOT 1 = 0, baseline 0
      expect(y[2 * t + 1]).toBe(0); // NOT has no second output: padded with 0
    }
    const y0 = trialOf(
      p,
      p.conditions.findIndex((c) => c.key === 'not A=0'),
    ).y;
    for (let t = 0; t < 1040; t++) expect(y0[2 * t]).toBe(t >= 100 ? 1 : 0);
    // The flip-flop keeps both outputs, moved by 30: bit 1 of probe trial 0 is 01010101, first held from 90 + 30.
    const ff = trialOf(
      p,
      p.conditions.findIndex((c) => c.task === 'flip-flop'),
    ).y;
    expect(ff[2 * 119 + 1]).toBeCloseTo(0.01, 7);
    expect(ff[2 * 120 + 1]).toBe(0);
    expect(ff[2 * 240 + 1]).toBe(1);
  });

  it('mixes by proportions', async () => {
    const tasks = await threeTasks(100);
    const { d } = await mux(tasks, { mix: 'proportions', proportions: { and: 2, or: 1, xor: 1 }, samples: 120 });
    const counts = new Map<string, number>();
    for (const c of d.conditions) counts.set(c.task, (counts.get(c.task) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ and: 60, or: 30, xor: 30 });
    const auto = (await mux(tasks, { mix: 'proportions', proportions: { and: 2, or: 1, xor: 1 } })).d;
    expect(auto.samples).toBe(200); // limited by AND: 100 trials = 2 shares
  });

  it('adds input noise over whole trials when asked, and stays bit-identical for a seed', async () => {
    const tasks = await threeTasks(30);
    const a = (await mux(tasks, { inputNoise: 0.1, seed: 3 })).d;
    const b = (await mux(tasks, { inputNoise: 0.1, seed: 3 })).d;
    const c = (await mux(tasks, { inputNoise: 0.1, seed: 4 })).d;
    expect(Buffer.from(a.inputs.buffer).equals(Buffer.from(b.inputs.buffer))).toBe(true);
    expect(Buffer.from(a.targets.buffer).equals(Buffer.from(b.targets.buffer))).toBe(true);
    expect(Buffer.from(a.inputs.buffer).equals(Buffer.from(c.inputs.buffer))).toBe(false);
    // Noise on the first 20 steps, where every clean input is 0.
    let n = 0,
      s = 0,
      s2 = 0;
    for (let i = 0; i < a.samples; i++)
      for (let t = 0; t < 20; t++)
        for (let ch = 0; ch < 3; ch++) {
          const v = a.inputs[(i * a.T + t) * 3 + ch] as number;
          n++;
          s += v;
          s2 += v * v;
        }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.sqrt(s2 / n)).toBeGreaterThan(0.095);
    expect(Math.sqrt(s2 / n)).toBeLessThan(0.105);
  });

  it('refuses a missing context level, a task connected twice, and a multitask input', async () => {
    const t = await threeTasks(4);
    await expect(mux([t[0] as Dataset, await task(notTask, { samples: 4 })])).rejects.toThrow(
      /no context level for the connected task "not"/,
    );
    await expect(mux([t[0] as Dataset, t[0] as Dataset])).rejects.toThrow(/task "and" is connected twice/);
    const m = (await mux(t)).d;
    await expect(mux([m])).rejects.toThrow(/already a multitask dataset/);
    await expect(mux([t[0] as Dataset], { levels: { and: 1 }, samples: 10 })).rejects.toThrow(
      /provides 4 trials but 10 are needed/,
    );
  });

  it('param checks that need no pipeline: jitter range and probe jitters', async () => {
    const t = await threeTasks(4);
    await expect(mux(t, { jitterMin: 10, jitterMax: 5 })).rejects.toThrow(
      /jitterMin: jitterMin = 10 is above jitterMax = 5/,
    );
    await expect(mux(t, { probeJitters: [0, 25] })).rejects.toThrow(
      /probeJitters: probe jitter 0 lies outside the trained range \[1, 50\]/,
    );
  });

  it('reports progress and stops when cancelled', async () => {
    const tasks = await threeTasks(3000);
    const r = await runBlock(contextMux, { inputs: { tasks } });
    expect(r.progress.length).toBeGreaterThanOrEqual(3);
    expect(r.progress.at(-1)).toMatchObject({ value: 9000, max: 9000 });
    const ac = new AbortController();
    const run = runBlock(contextMux, { inputs: { tasks }, signal: ac.signal });
    setTimeout(() => ac.abort(), 0);
    await expect(run).rejects.toThrow(/context.mux cancelled/);
  });
});
