import { describe, expect, it } from 'vitest';
import { expectBlock, installPlugin, Registry, runBlock } from 'cortexflow/core';
import { builtinBlocks, registerBuiltins, type Dataset, type Model, type TrainingHistory } from 'cortexflow/nodes';
import * as plugin from '../src/index.ts';
import { choiceOf, conditionsOf, generateMante, manteContextIntegration, type ManteOptions } from '../src/index.ts';

const small: ManteOptions = {
  contexts: 'both',
  coherences: [0.1, 0.5],
  fixation: 3,
  stimulus: 12,
  delay: 2,
  response: 5,
  inputNoise: 0.5,
  maskStimulus: false,
  samples: 200,
  testFraction: 0.1,
  dt: 10,
  seed: 7,
};

const at = (d: Dataset, s: number, t: number, c: number) => d.inputs[(s * d.T + t) * d.channels + c] as number;
const builtin = (type: string) => {
  const b = builtinBlocks().find((x) => x.type === type);
  if (!b) throw new Error(`no built-in ${type}`);
  return b;
};

describe('mante.context-integration', () => {
  it('lays out a trial: context on throughout, noisy evidence in the stimulus period, target = sign of the attended coherence', () => {
    const d = generateMante(small);
    expect(d).toMatchObject({ samples: 200, T: 22, channels: 4, outputs: 1, testCount: 20, tasks: ['mante'], dt: 10 });
    expect(d.channelNames).toEqual(['motion', 'colour', 'context:motion', 'context:colour']);
    for (let s = 0; s < d.samples; s++) {
      const [motion, colour, ctx] = d.conditions[s]?.inputValues as [number, number, number];
      const cond = { context: ctx === 0 ? ('motion' as const) : ('colour' as const), motion, colour };
      for (let t = 0; t < d.T; t++) {
        expect(at(d, s, t, 2)).toBe(ctx === 0 ? 1 : 0);
        expect(at(d, s, t, 3)).toBe(ctx === 1 ? 1 : 0);
        const inStim = t >= 3 && t < 15;
        if (!inStim) expect([at(d, s, t, 0), at(d, s, t, 1)]).toEqual([0, 0]);
        const y = d.targets[s * d.T + t];
        expect(y).toBe(t >= 17 ? choiceOf(cond) : 0);
        expect(d.mask[s * d.T + t]).toBe(t >= 3 && t < 17 ? 0 : 1);
      }
    }
    // The target follows the attended modality, not the other one.
    const conflicting = d.conditions.findIndex(
      (c) => Math.sign(c.inputValues[0] as number) !== Math.sign(c.inputValues[1] as number),
    );
    const c = d.conditions[conflicting]?.inputValues as number[];
    expect(d.targets[conflicting * d.T + d.T - 1]).toBe(Math.sign((c[2] === 0 ? c[0] : c[1]) as number));
  });

  it('evidence has the coherence as mean and inputNoise as std; conditions are balanced', () => {
    const d = generateMante({ ...small, samples: 32 * 20, stimulus: 50 });
    const counts = new Map<string, number>();
    let sum = 0;
    let sq = 0;
    let n = 0;
    for (let s = 0; s < d.samples; s++) {
      const key = d.conditions[s]?.key as string;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const coh = d.conditions[s]?.inputValues[0] as number;
      for (let t = 3; t < 53; t++) {
        const e = at(d, s, t, 0) - coh;
        sum += e;
        sq += e * e;
        n++;
      }
    }
    expect(counts.size).toBe(32); // 2 contexts x 4 motion x 4 colour
    expect(new Set(counts.values())).toEqual(new Set([20]));
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.sqrt(sq / n)).toBeCloseTo(0.5, 2);
  });

  it('the probe holds every condition once, noise-free, in a fixed order', () => {
    const d = generateMante(small);
    const p = d.probe as Dataset;
    expect(p.samples).toBe(conditionsOf(small).length);
    expect(p.samples).toBe(32);
    expect(new Set(p.conditions.map((c) => c.key)).size).toBe(32);
    for (let s = 0; s < p.samples; s++) {
      const [motion, colour] = p.conditions[s]?.inputValues as number[];
      for (let t = 3; t < 15; t++)
        expect([at(p, s, t, 0), at(p, s, t, 1)]).toEqual([
          Math.fround(motion as number),
          Math.fround(colour as number),
        ]);
    }
    expect(p.conditions[0]?.key).toBe('mante motion motion=-0.5 colour=-0.5');
  });

  it('the same seed gives the same data, another seed other noise', () => {
    expect(generateMante(small).inputs).toEqual(generateMante(small).inputs);
    expect(generateMante({ ...small, seed: 8 }).inputs).not.toEqual(generateMante(small).inputs);
  });

  it('as a block: validates coherences, reports progress, and stops when cancelled', async () => {
    await expectBlock<{ dataset: Dataset }>(
      manteContextIntegration,
      { params: { ...small, samples: 600 } },
      {
        progress: { count: 3, monotonic: true, completes: true },
        warnings: [],
        outputs: (o) => (o.dataset.samples === 600 ? [] : ['wrong size']),
      },
    );
    await expect(runBlock(manteContextIntegration, { params: { coherences: [0, 0.2] } })).rejects.toThrow(
      /coherences: coherence 0 must be > 0/,
    );
    await expectBlock(
      manteContextIntegration,
      { params: { ...small, samples: 5000 }, abortAfterProgress: 2 },
      { error: /cancelled/ },
    );
  });

  it('one context per block, mixed by context.mux (one-hot): context channels added, targets kept', async () => {
    const motion = generateMante({ ...small, contexts: 'motion', samples: 40 });
    const colour = generateMante({ ...small, contexts: 'colour', samples: 40, seed: 9 });
    expect(motion).toMatchObject({ channels: 2, tasks: ['mante-motion'] });
    const r = await runBlock<{ dataset: Dataset }>(builtin('context.mux'), {
      params: {
        encoding: 'one-hot',
        shift: 0,
        jitterMin: 0,
        jitterMax: 0,
        probeJitters: [0],
        releaseSteps: 0,
        seed: 1,
      },
      inputs: { tasks: [motion, colour] },
    });
    const d = r.outputs.dataset;
    expect(d.channelNames).toEqual(['motion', 'colour', 'context:mante-motion', 'context:mante-colour']);
    expect(d.tasks).toEqual(['mante-motion', 'mante-colour']);
    expect(d.samples).toBe(80);
    for (let s = 0; s < d.samples; s++) {
      const c = d.conditions[s] as Dataset['conditions'][number];
      const ctxMotion = c.task === 'mante-motion';
      expect(at(d, s, 0, 2)).toBe(ctxMotion ? 1 : 0);
      expect(at(d, s, 0, 3)).toBe(ctxMotion ? 0 : 1);
      const want = Math.sign((ctxMotion ? c.inputValues[0] : c.inputValues[1]) as number);
      expect(d.targets[s * d.T + d.T - 1]).toBe(want);
    }
    expect(d.probe?.samples).toBe(32);
  });

  it('trains with train.ctrnn (a few steps: the loss is finite and the model records the task)', async () => {
    const d = generateMante({ ...small, samples: 64 });
    const m = await runBlock<{ model: Model }>(builtin('model.ctrnn'), {
      params: { units: 8, seed: 1 },
      inputs: { dataset: d },
    });
    const t = await runBlock<{ model: Model; history: TrainingHistory }>(builtin('train.ctrnn'), {
      params: { maxSteps: 4, batchSize: 16, validateEvery: 2, criterionEvery: 2, backend: 'cpu', workers: 1 },
      inputs: { model: m.outputs.model, dataset: d },
    });
    expect(t.outputs.history.loss).toHaveLength(4);
    expect(t.outputs.history.loss.every(Number.isFinite)).toBe(true);
    expect(t.outputs.model.trainedOn?.['tasks']).toEqual(['mante']);
    expect(t.outputs.history.criterion.at(-1)?.total).toBe(32);
  });

  it('installs beside the built-ins', () => {
    const r = new Registry({
      onWarning: (msg) => {
        throw new Error(msg);
      },
    });
    registerBuiltins(r);
    expect(installPlugin('plugins/mante-task', plugin, r).blocks).toEqual(['mante.context-integration']);
  });
});
