import { describe, expect, it } from 'vitest';
import { Rng } from '../lib/rng.ts';
import { ensureGradients, tf, useBackend } from '../lib/tf.ts';
import { simulate } from '../model/simulate.ts';
import type { Activation, Model } from '../ports/model.ts';
import { forward, lossAndGrad, type CellConfig } from './bptt.ts';
import { lossAndGradJs } from './bptt-js.ts';
import { autodiffLossAndGrad, ctrnnStep } from './cells.ts';
import { packTheta, thetaLength, unpackTheta } from './layout.ts';
import { referenceLoss } from '../../test/fixtures/reference-loss.ts';
import { finiteDiff, randomProblem, relErr } from '../../test/fixtures/gradient-check.ts';

const setup = randomProblem;

const model = (cfg: CellConfig): Model => ({
  cell: 'ctrnn',
  N: cfg.N,
  inputSize: cfg.I,
  outputSize: cfg.O,
  alpha: cfg.alpha,
  activation: cfg.activation,
  useBias: cfg.bias,
  noiseSigma: 0,
  weights: unpackTheta(cfg, new Float32Array(thetaLength(cfg))),
  seed: 0,
  provenance: {},
});

const cases: Array<[Activation, number, boolean]> = [
  ['tanh', 1, false],
  ['tanh', 0.3, true],
  ['relu', 0.5, true],
  ['sigmoid', 1, true],
  ['softplus', 0.2, false],
];

describe.each(['wasm', 'cpu'])('hand BPTT on %s', (backend) => {
  it.each(cases)('%s alpha=%s bias=%s: matches float64 finite differences and tfjs autodiff', async (activation, alpha, bias) => {
    const info = await useBackend(backend);
    expect(info.backend).toBe(backend);
    await ensureGradients();
    const cfg: CellConfig = { N: 6, I: 2, O: 2, bias, alpha, activation };
    const { theta, batch } = setup(cfg, 3, 9, 7);
    const before = tf.memory().numTensors;
    const hand = lossAndGrad(cfg, theta, batch);
    expect(tf.memory().numTensors).toBe(before);
    const refLoss = referenceLoss(cfg, theta, batch);
    expect(Math.abs(hand.loss - refLoss) / refLoss).toBeLessThan(1e-5);
    const fd = finiteDiff(cfg, theta, batch);
    const eFd = relErr(hand.grad, fd);
    const auto = autodiffLossAndGrad(cfg, model(cfg), ctrnnStep, theta, batch);
    expect(tf.memory().numTensors).toBe(before);
    const eAuto = relErr(hand.grad, auto.grad);
    console.info(`${backend} ${activation} alpha=${alpha} bias=${bias}: rel. error vs finite differences ${eFd.toExponential(2)}, vs autodiff ${eAuto.toExponential(2)}`);
    expect(eFd).toBeLessThan(1e-4);
    expect(eAuto).toBeLessThan(1e-5);
    expect(Math.abs(auto.loss - hand.loss) / hand.loss).toBeLessThan(1e-5);
  });

  it('with recurrent noise the gradient still matches finite differences', async () => {
    await useBackend(backend);
    const cfg: CellConfig = { N: 5, I: 2, O: 1, bias: true, alpha: 0.5, activation: 'tanh' };
    const { theta, batch } = setup(cfg, 2, 8, 3);
    const rng = new Rng(9);
    const noise = Float32Array.from({ length: 8 * 2 * 5 }, () => rng.normal() * 0.1);
    const hand = lossAndGrad(cfg, theta, batch, noise);
    expect(relErr(hand.grad, finiteDiff(cfg, theta, batch, noise))).toBeLessThan(1e-4);
  });

  it('a batch computed in chunks gives the full-batch loss and gradient (uneven chunks, masked rows, noise)', async () => {
    await useBackend(backend);
    const cfg: CellConfig = { N: 5, I: 2, O: 2, bias: true, alpha: 0.6, activation: 'tanh' };
    const { theta, batch } = setup(cfg, 7, 10, 13);
    // One sample fully masked: its chunk must carry no weight.
    for (let t = 0; t < batch.T; t++) batch.M[t * batch.B + 6] = 0;
    const rng = new Rng(21);
    const noise = Float32Array.from({ length: 10 * 7 * 5 }, () => rng.normal() * 0.1);
    const before = tf.memory().numTensors;
    for (const nz of [undefined, noise]) {
      const whole = lossAndGrad(cfg, theta, batch, nz, 1000);
      for (const rows of [1, 3, 6]) {
        const parts = lossAndGrad(cfg, theta, batch, nz, rows);
        expect(Math.abs(parts.loss - whole.loss) / whole.loss).toBeLessThan(1e-6);
        expect(relErr(parts.grad, whole.grad)).toBeLessThan(1e-6);
      }
      expect(relErr(whole.grad, finiteDiff(cfg, theta, batch, nz))).toBeLessThan(1e-4);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('forward equals the plain-JS reference simulation (nodes/model/simulate.ts)', async () => {
    await useBackend(backend);
    const cfg: CellConfig = { N: 7, I: 3, O: 2, bias: true, alpha: 0.4, activation: 'tanh' };
    const { theta, batch } = setup(cfg, 4, 11, 5);
    const m = { ...model(cfg), weights: unpackTheta(cfg, theta) };
    expect(Array.from(packTheta(m))).toEqual(Array.from(theta));
    const { y } = forward(cfg, theta, batch);
    // simulate() takes batch-major inputs [B, T, I].
    const { B, T } = batch;
    const xb = new Float32Array(B * T * cfg.I);
    for (let k = 0; k < B; k++)
      for (let t = 0; t < T; t++)
        for (let i = 0; i < cfg.I; i++) xb[(k * T + t) * cfg.I + i] = batch.X[(t * B + k) * cfg.I + i] as number;
    const ref = simulate(m, xb, B, T);
    let maxErr = 0;
    for (let k = 0; k < B; k++)
      for (let t = 0; t < T; t++)
        for (let o = 0; o < cfg.O; o++)
          maxErr = Math.max(maxErr, Math.abs((y[(t * B + k) * cfg.O + o] as number) - (ref.y[(k * T + t) * cfg.O + o] as number)));
    expect(maxErr).toBeLessThan(1e-5);
  });
});

describe('plain-JS kernel (used on the cpu backend)', () => {
  it.each(cases)('%s alpha=%s bias=%s: matches float64 finite differences and the tfjs kernel', async (activation, alpha, bias) => {
    await useBackend('wasm');
    const cfg: CellConfig = { N: 6, I: 2, O: 2, bias, alpha, activation };
    const { theta, batch } = setup(cfg, 3, 9, 11);
    const rng = new Rng(4);
    const noise = Float32Array.from({ length: 9 * 3 * 6 }, () => rng.normal() * 0.05);
    for (const nz of [undefined, noise]) {
      const js = lossAndGradJs(cfg, theta, batch, nz);
      const tfk = lossAndGrad(cfg, theta, batch, nz);
      const eFd = relErr(js.grad, finiteDiff(cfg, theta, batch, nz));
      expect(eFd).toBeLessThan(1e-4);
      expect(relErr(js.grad, tfk.grad)).toBeLessThan(1e-5);
      expect(Math.abs(js.loss - referenceLoss(cfg, theta, batch, nz)) / js.loss).toBeLessThan(1e-5);
    }
  });
});
