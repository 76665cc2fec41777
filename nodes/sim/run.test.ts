import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import { decodeNpy } from '../lib/npy.ts';
import { Rng } from '../lib/rng.ts';
import { makeDataset, TrajectoriesPort, type Dataset, type Model, type Trajectories } from '../ports/index.ts';
import { createCtrnn, kerasForm } from '../model/ctrnn.ts';
import { simulate } from '../model/simulate.ts';
import { andTask } from '../tasks/and.ts';
import { decisionCorrect, decisionWindow, trialDistance } from './metrics.ts';
import { runSimulation, simRun } from './run.ts';

async function andDataset(samples = 40, testFraction = 0.25): Promise<Dataset> {
  return (await runBlock<{ dataset: Dataset }>(andTask, { params: { samples, seed: 3, testFraction } })).outputs
    .dataset;
}

function net(N: number, inputSize: number, seed = 1): Model {
  return createCtrnn(kerasForm(N, inputSize, 1, seed));
}

describe('decision window and measures', () => {
  const T = 40;
  const ones = new Float32Array(T).fill(1);

  it('is the later half of the last held target level', () => {
    // AND-like: baseline 0.01 until 10, level 1 from 10 to the end -> run [10, 40) -> window [25, 40)
    const y = Float32Array.from({ length: T }, (_, t) => (t < 10 ? 0.01 : 1));
    expect(decisionWindow(y, 0, ones, 0, T, 1)).toEqual({ start: 25, end: 40, kind: 'level' });
    // a target that is 0 throughout: the whole trial is the run -> its later half
    expect(decisionWindow(new Float32Array(T), 0, ones, 0, T, 1)).toEqual({ start: 20, end: 40, kind: 'level' });
  });

  it('skips a short return to baseline at the end (the multitask target: level until T-2, then 0)', () => {
    const y = Float32Array.from({ length: T }, (_, t) => (t >= 12 && t < T - 1 ? 1 : 0));
    expect(decisionWindow(y, 0, ones, 0, T, 1)).toEqual({ start: 12 + 13, end: T - 1, kind: 'level' });
  });

  it('ignores unmasked steps; a target without a held level (a ramp) is a shape to follow', () => {
    const y = Float32Array.from({ length: T }, (_, t) => (t < 20 ? 0 : 1));
    const mask = Float32Array.from({ length: T }, (_, t) => (t < 30 ? 1 : 0));
    expect(decisionWindow(y, 0, mask, 0, T, 1)).toEqual({ start: 25, end: 30, kind: 'level' });
    // Was the later half of the masked steps, [20, 40), judged by the mean there (lenient: a flat
    // output at the ramp's late mean passed). A moving target is now followed from its first moving
    // step to the end (metrics.test.ts).
    const ramp = Float32Array.from({ length: T }, (_, t) => t / T);
    expect(decisionWindow(ramp, 0, ones, 0, T, 1)).toEqual({ start: 0, end: 40, kind: 'shape' });
  });

  it('needs every output to hold its level, and reads the window from an offset', () => {
    // two outputs, second one changes at step 30 -> last run of both constant is [30, 40)
    const O = 2;
    const y = new Float32Array(2 * T * O); // trial 1 at offset T*O
    for (let t = 0; t < T; t++) {
      y[T * O + t * O] = t >= 5 ? 1 : 0;
      y[T * O + t * O + 1] = t >= 30 ? 0.5 : 0;
    }
    expect(decisionWindow(y, T * O, new Float32Array(2 * T).fill(1), T, T, O)).toEqual({
      start: 35,
      end: 40,
      kind: 'level',
    });
  });

  it('decision: mean output within 0.5 of the level; distance: ||y - target||_2 over the trial', () => {
    const target = Float32Array.from({ length: T }, (_, t) => (t < 10 ? 0 : 1));
    const w = decisionWindow(target, 0, ones, 0, T, 1);
    const close = Float32Array.from(target, (v) => v - 0.45);
    const far = Float32Array.from(target, (v) => v - 0.55);
    expect(decisionCorrect(close, target, 0, 1, w)).toBe(1);
    expect(decisionCorrect(far, target, 0, 1, w)).toBe(0);
    expect(trialDistance(close, target, 0, T)).toBeCloseTo(0.45 * Math.sqrt(T), 6);
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
});

describe('sim.run', () => {
  it('simulates the probe of a real task dataset and measures each condition', async () => {
    const ds = await andDataset();
    const model = net(10, 2);
    // A constant output 0.3 (W_out = 0, b_out = 0.3): right for AND = 0, wrong for AND = 1.
    model.weights.W_out.fill(0);
    model.weights.b_out[0] = 0.3;
    const rec = await runBlock<{ trajectories: Trajectories }>(simRun, { inputs: { model, dataset: ds } });
    const tr = rec.outputs.trajectories;
    const probe = ds.probe!;
    expect(tr).toMatchObject({
      C: 4,
      T: 210,
      N: 10,
      channels: 2,
      outputs: 1,
      selection: 'probe',
      label: 'untrained',
      dt: ds.dt,
    });
    expect(tr.conditions.map((c) => c.key)).toEqual(probe.conditions.map((c) => c.key));
    expect(tr.hidden).toEqual(simulate(model, probe.inputs, 4, 210).hidden);
    expect(tr.targets).toEqual(probe.targets);
    expect(tr.accuracy).toEqual(
      probe.conditions.map((c) => (c.inputValues[0] === 1 && c.inputValues[1] === 1 ? 0 : 1)),
    );
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let t = 0; t < 210; t++) s += (0.3 - probe.targets[c * 210 + t]!) ** 2;
      expect(tr.distance[c]).toBeCloseTo(Math.sqrt(s), 5);
    }
    // AND = 1 holds its level from step 70: window = later half [140, 210); AND = 0 is 0 throughout
    const both = probe.conditions.findIndex((c) => c.key === 'and A=1 B=1');
    expect(tr.decisionWindows![both]).toEqual({ start: 140, end: 210, kind: 'level' });
    expect(tr.decisionWindows![(both + 1) % 4]).toEqual({ start: 105, end: 210, kind: 'level' });
    expect(rec.warnings).toEqual([]);
    expect(TrajectoriesPort.summarize(tr)).toMatch(/4 conditions x 210 steps, N=10; mean distance .*, 3\/4 correct/);
  });

  it('selects test or all trials, labels, and writes npy artifacts', async () => {
    const ds = await andDataset(20);
    const model = net(6, 2);
    model.trainedOn = { tasks: ['and'] };
    const test = (
      await runBlock<{ trajectories: Trajectories }>(simRun, {
        params: { conditions: 'test' },
        inputs: { model, dataset: ds },
      })
    ).outputs.trajectories;
    expect(ds.testCount).toBe(5);
    expect(test.C).toBe(5);
    expect(test.label).toBe('trained');
    expect(test.inputs).toEqual(ds.inputs.slice(0, ds.testCount * ds.T * 2));
    const all = (
      await runBlock<{ trajectories: Trajectories }>(simRun, {
        params: { conditions: 'all', label: 'after pruning' },
        inputs: { model, dataset: ds },
      })
    ).outputs.trajectories;
    expect(all.C).toBe(20);
    expect(all.label).toBe('after pruning');
    expect(all.hidden.subarray(0, test.hidden.length)).toEqual(test.hidden);
    const arts = await TrajectoriesPort.artifacts!(all);
    expect(arts.map((a) => a.suffix)).toEqual([
      '/summary.json',
      '/hidden.npz',
      '/y.npy',
      '/targets.npy',
      '/inputs.npy',
      '/mask.npy',
    ]);
    const hidden = decodeNpy(unzipSync(arts[1]!.data as Uint8Array)['hidden.npy']!);
    expect(hidden.shape).toEqual([20, ds.T, 6]);
    expect(hidden.data).toEqual(all.hidden);
    const summary = JSON.parse(arts[0]!.data as string) as { distance: number[]; conditions: unknown[] };
    expect(summary.distance).toEqual(all.distance);
    expect(summary.conditions).toHaveLength(20);
  });

  it('derives the distinct conditions when the dataset has no probe, with a warning', async () => {
    const ds = await andDataset(30);
    const { probe: _p, ...noProbe } = ds;
    const rec = await runBlock<{ trajectories: Trajectories }>(simRun, {
      inputs: { model: net(5, 2), dataset: noProbe },
    });
    expect(rec.outputs.trajectories.C).toBe(4);
    expect(new Set(rec.outputs.trajectories.conditions.map((c) => c.key)).size).toBe(4);
    expect(rec.warnings.join()).toMatch(/no probe: simulated the first trial of each of its 4 distinct conditions/);
  });

  it('rejects a model of another size, too many trials, and stops when cancelled', async () => {
    const ds = await andDataset(40);
    await expect(runBlock(simRun, { inputs: { model: net(5, 3), dataset: ds } })).rejects.toThrow(
      /the model takes 3 inputs but the dataset has 2 channels \(A, B\)/,
    );
    await expect(
      runBlock(simRun, { params: { conditions: 'all', maxTrials: 10 }, inputs: { model: net(5, 2), dataset: ds } }),
    ).rejects.toThrow(/"all" selects 40 trials.*over maxTrials = 10/);
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(
      runBlock(simRun, {
        params: { conditions: 'all' },
        inputs: { model: net(5, 2), dataset: ds },
        signal: ctrl.signal,
      }),
    ).rejects.toThrow(/cancelled/);
    let chunks = 0;
    await expect(runSimulation(net(5, 2), ds, { conditions: 'all', onChunk: () => ++chunks < 2 })).rejects.toThrow(
      /cancelled/,
    );
    expect(chunks).toBe(2);
  });

  it('is fast enough for probes: 12 conditions x 290 steps at N = 100 well under a second', async () => {
    // Not a timing assertion (speed goals are benchmarks): only that the probe path runs in one chunk.
    const rng = new Rng(4);
    const T = 290;
    const C = 12;
    const ds = makeDataset({
      samples: C,
      T,
      channels: 3,
      outputs: 1,
      inputs: Float32Array.from({ length: C * T * 3 }, () => rng.normal()),
    });
    const progress: number[] = [];
    const { trajectories } = await runSimulation(net(100, 3), ds, { onChunk: (d) => (progress.push(d), true) });
    expect(progress).toEqual([12]);
    expect(trajectories.hidden).toHaveLength(C * T * 100);
  });
});
