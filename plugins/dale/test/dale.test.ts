import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectBlock, installPlugin, Registry, runBlock } from 'cortexflow/core';
import { builtinBlocks, makeDataset, projectRecurrent, registerBuiltins, type Dataset, type Model } from 'cortexflow/nodes';
import * as plugin from '../src/index.ts';
import {
  createEiCtrnn,
  daleCtrnn,
  daleEiStats,
  eiStats,
  gammaSample,
  spectralRadius,
  type EiOptions,
} from '../src/index.ts';
import { Rng } from 'cortexflow/nodes';

/** A dataset that only carries sizes (all dale.ctrnn reads). */
const sizes = (channels: number, outputs: number): Dataset => makeDataset({ samples: 1, T: 1, channels, outputs });

const base: EiOptions = {
  N: 40,
  inputSize: 3,
  outputSize: 1,
  excitatoryFraction: 0.8,
  connectivity: 1,
  autapses: false,
  rho: 1.5,
  gammaShape: 2,
  alpha: 1,
  activation: 'relu',
  useBias: false,
  noiseSigma: 0,
  seed: 3,
};

describe('dale.ctrnn', () => {
  it('80 % excitatory units: E columns >= 0, I columns <= 0, balanced rows, spectral radius rho, no autapses', () => {
    const m = createEiCtrnn(base);
    const { N } = m;
    const W = m.weights.W_rec;
    const sign = m.constraints?.recurrentSign as Float32Array;
    expect([...sign].filter((s) => s === 1)).toHaveLength(32);
    expect([...sign].filter((s) => s === -1)).toHaveLength(8);
    for (let i = 0; i < N; i++) {
      let rowSum = 0;
      let rowAbs = 0;
      for (let j = 0; j < N; j++) {
        const w = W[i * N + j] as number;
        if (j < 32) expect(w).toBeGreaterThanOrEqual(0);
        else expect(w).toBeLessThanOrEqual(0);
        rowSum += w;
        rowAbs += Math.abs(w);
      }
      expect(W[i * N + i]).toBe(0);
      expect(Math.abs(rowSum)).toBeLessThan(1e-5 * rowAbs);
    }
    expect(m.constraints?.recurrentMask?.[0]).toBe(0); // no autapse: the mask holds the diagonal at 0
    expect(spectralRadius(W, N)).toBeCloseTo(1.5, 4);
    // Only E weights are present in the E block, and inhibitory magnitudes compensate their fewer numbers.
    const s = eiStats(m);
    expect(s.blocks.EE.mean).toBeGreaterThan(0);
    expect(s.blocks.IE.mean).toBeLessThan(0);
    expect(Math.abs(s.blocks.IE.mean)).toBeGreaterThan(3 * s.blocks.EE.mean);
    expect(s.violations.count).toBe(0);
    expect(s.balance.maxAbs).toBeLessThan(1e-4);
  });

  it('sparse connectivity: about p of the connections exist, absent ones are 0 and masked', () => {
    const m = createEiCtrnn({ ...base, N: 60, connectivity: 0.3, autapses: true });
    const mask = m.constraints?.recurrentMask as Float32Array;
    const present = mask.reduce((a, b) => a + b, 0) / mask.length;
    expect(present).toBeGreaterThan(0.25);
    expect(present).toBeLessThan(0.35);
    m.weights.W_rec.forEach((w, k) => {
      if (mask[k] === 0) expect(w).toBe(0);
    });
  });

  it('is deterministic per seed and W_rec does not depend on the input size', () => {
    const a = createEiCtrnn(base);
    const b = createEiCtrnn({ ...base, inputSize: 7 });
    const c = createEiCtrnn({ ...base, seed: 4 });
    expect(b.weights.W_rec).toEqual(a.weights.W_rec);
    expect(c.weights.W_rec).not.toEqual(a.weights.W_rec);
  });

  it('gamma deviates have mean k and variance k', () => {
    const rng = new Rng(9);
    for (const k of [0.5, 2, 5]) {
      const xs = Array.from({ length: 20000 }, () => gammaSample(k, rng));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
      expect(mean).toBeCloseTo(k, 1);
      expect(Math.abs(v - k) / k).toBeLessThan(0.08);
    }
  });

  it('the block takes its sizes from the dataset, validates its params, and warns about tanh', async () => {
    const r = await expectBlock<{ model: Model }>(
      daleCtrnn,
      { params: { units: 20, activation: 'tanh' }, inputs: { dataset: sizes(4, 2) } },
      {
        outputs: (o) => (o.model.inputSize === 4 && o.model.outputSize === 2 ? [] : ['wrong sizes']),
        warnings: ['tanh'],
      },
    );
    expect('outputs' in r && r.outputs.model.N).toBe(20);
    await expect(
      runBlock(daleCtrnn, { params: { units: 10, excitatoryFraction: 1 }, inputs: { dataset: sizes(1, 1) } }),
    ).rejects.toThrow(/excitatoryFraction: must be strictly between 0 and 1/);
  });

  it('sign constraints survive saving and loading (model.json + weights.bin) and projection restores them', async () => {
    const m = createEiCtrnn({ ...base, N: 12, connectivity: 0.5 });
    const dir = mkdtempSync(join(tmpdir(), 'dale-'));
    const files = await (await import('cortexflow/nodes')).ModelPort.artifacts?.(m);
    mkdirSync(join(dir, 'model'));
    for (const f of files ?? []) writeFileSync(join(dir, 'model' + f.suffix), f.data);
    const load = builtinBlocks().find((b) => b.type === 'model.load');
    if (!load) throw new Error('model.load is not a built-in block');
    const loaded = (await runBlock<{ model: Model }>(load, { params: { path: join(dir, 'model') } })).outputs.model;
    expect(loaded.constraints?.recurrentSign).toEqual(m.constraints?.recurrentSign);
    expect(loaded.constraints?.recurrentMask).toEqual(m.constraints?.recurrentMask);
    // An optimiser step that pushes weights across zero, then the projection the trainer applies.
    const W = loaded.weights.W_rec.slice();
    for (let k = 0; k < W.length; k++) W[k] = (W[k] as number) - 0.3 * Math.sign(W[k] as number) - 0.05;
    const broken = eiStats({ ...loaded, weights: { ...loaded.weights, W_rec: W } });
    expect(broken.violations.count).toBeGreaterThan(0);
    const changed = projectRecurrent(W, loaded.N, loaded.constraints);
    expect(changed).toBeGreaterThan(0);
    expect(eiStats({ ...loaded, weights: { ...loaded.weights, W_rec: W } }).violations.count).toBe(0);
  });
});

describe('projectRecurrent (what the trainer applies after each step)', () => {
  it('zeroes wrong-signed and absent weights, in W_rec layout and in its transpose', () => {
    const constraints = {
      recurrentSign: new Float32Array([1, -1, 0]),
      recurrentMask: new Float32Array([1, 1, 1, 0, 1, 1, 1, 1, 1]),
    };
    // Row i = inputs of unit i; column 0 excitatory, 1 inhibitory, 2 free; connection 1 <- 0 absent.
    const W = new Float32Array([-1, 2, -3, 4, -5, 6, 7, 8, -9]);
    const T = new Float32Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) T[j * 3 + i] = W[i * 3 + j] as number;
    expect(projectRecurrent(W, 3, constraints)).toBe(4);
    expect([...W]).toEqual([0, 0, -3, 0, -5, 6, 7, 0, -9]);
    expect(projectRecurrent(T, 3, constraints, true)).toBe(4);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(T[j * 3 + i]).toBe(W[i * 3 + j]);
    expect(projectRecurrent(W, 3, undefined)).toBe(0);
  });
});

describe('training keeps the signs', () => {
  it('train.ctrnn projects onto the constraints after every step (and breaks them without)', async () => {
    const blocks = builtinBlocks();
    const find = (t: string) => blocks.find((b) => b.type === t) as (typeof blocks)[number];
    const { outputs } = await runBlock<{ dataset: Dataset }>(find('task.and'), {
      params: { samples: 64, seed: 1, T: 60, stimStart: 5, memGap: 5 },
    });
    const m = createEiCtrnn({ ...base, N: 20, inputSize: 2, outputSize: 1, activation: 'tanh' });
    const train = (model: Model) =>
      runBlock<{ model: Model }>(find('train.ctrnn'), {
        params: {
          lr: 0.05,
          batchSize: 16,
          maxSteps: 15,
          backend: 'cpu',
          criterionEvery: 0,
          stopAtCriterion: false,
          validateEvery: 0,
        },
        inputs: { model, dataset: outputs.dataset },
      });
    const constrained = (await train(m)).outputs.model;
    expect(eiStats(constrained).violations.count).toBe(0);
    expect(constrained.constraints?.recurrentSign).toEqual(m.constraints?.recurrentSign);
    const { constraints: _c, ...free } = m;
    const unconstrained = (await train(free)).outputs.model;
    // Same init, same data, no projection: Adam at this rate pushes weights across zero.
    const check = eiStats({ ...unconstrained, constraints: m.constraints } as Model);
    expect(check.violations.count).toBeGreaterThan(0);
  });
});

describe('dale.ei-stats', () => {
  it('reports block moments, balance and the weights that break the law', async () => {
    const m = createEiCtrnn({ ...base, N: 10 });
    const W = m.weights.W_rec.slice();
    W[1 * 10 + 0] = -0.5; // E unit 0 -> unit 1, negative: a violation
    W[2 * 10 + 9] = 0.25; // I unit 9 -> unit 2, positive: another
    const rec = await expectBlock<{ stats: plugin.EIStats }>(
      daleEiStats,
      { inputs: { model: { ...m, weights: { ...m.weights, W_rec: W } } } },
      { warnings: ["2 weight(s) break Dale's law"] },
    );
    if (!('outputs' in rec)) throw new Error('expected outputs');
    const s = rec.outputs.stats;
    expect(s).toMatchObject({ N: 10, excitatory: 8, inhibitory: 2, typesFrom: 'constraints' });
    expect(s.violations).toMatchObject({ count: 2, units: [0, 9], maxMagnitude: 0.5 });
    expect(s.blocks.EE.count + s.blocks.EI.count + s.blocks.IE.count + s.blocks.II.count).toBe(90); // no autapses
    // Recompute E->I (from E onto I units) by hand.
    const ei: number[] = [];
    for (let i = 8; i < 10; i++) for (let j = 0; j < 8; j++) ei.push(W[i * 10 + j] as number);
    expect(s.blocks.EI.mean).toBeCloseTo(ei.reduce((a, b) => a + b, 0) / ei.length, 6);
    expect(s.perUnit.balance[1]).toBeCloseTo(
      (s.perUnit.excitation[1] as number) - (s.perUnit.inhibition[1] as number),
      6,
    );
    expect(plugin.EIStatsPort.summarize(s)).toContain('8 E / 2 I');
  });

  it('infers unit types from the weights of a model without constraints, and says so', async () => {
    const m = createEiCtrnn({ ...base, N: 10 });
    const { constraints: _c, ...plain } = m;
    const rec = await expectBlock<{ stats: plugin.EIStats }>(
      daleEiStats,
      { inputs: { model: plain } },
      { warnings: ['inferred'] },
    );
    if (!('outputs' in rec)) throw new Error('expected outputs');
    expect(rec.outputs.stats.typesFrom).toBe('column-sign');
    expect(rec.outputs.stats.unitSign).toEqual([1, 1, 1, 1, 1, 1, 1, 1, -1, -1]);
  });
});

describe('the plugin module', () => {
  it('installs beside the built-ins through the public contract', () => {
    const r = new Registry({
      onWarning: (m) => {
        throw new Error(m);
      },
    });
    registerBuiltins(r);
    const p = installPlugin('plugins/dale', plugin, r);
    expect(p).toMatchObject({ name: 'cortexflow-plugin-dale', blocks: ['dale.ctrnn', 'dale.ei-stats'] });
    expect(r.portType('EIStats')).toBe(plugin.EIStatsPort);
  });
});
