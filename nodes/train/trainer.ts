/**
 * The training loop behind `train.ctrnn` (also used directly by the benchmarks): minibatch Adam on
 * the masked MSE, with validation, the success criterion, checkpoints, early stops, cancellation and
 * a clear failure on non-finite numbers. Headless and DOM-free; tfjs only through the kernels.
 */
import { BlockError } from '../../core/block.ts';
import { Rng } from '../lib/rng.ts';
import type { Dataset } from '../ports/dataset.ts';
import type { TrainingHistory } from '../ports/history.ts';
import { projectRecurrent, type Model } from '../ports/model.ts';
import { adamInit, adamLr, adamStep, clipByGlobalNorm, type AdamConfig } from './adam.ts';
import { cellConfig, type LossGrad } from './bptt.ts';
import { tf } from '../lib/tf.ts';
import { cellKnown } from './cells.ts';
import { trainKernels } from './kernels.ts';
import { checkCriterion, responseWindows, type ResponseWindow } from './criterion.ts';
import { gatherBatch, packTheta, range, unpackTheta, type Batch } from './layout.ts';

/** Everything that shapes a training run (the block's params). */
export interface TrainOptions extends AdamConfig {
  batchSize: number;
  /** Passes over the training samples; used when maxSteps = 0. */
  epochs: number;
  /** Optimiser steps; 0 = epochs decide. When > 0 it wins (the data are cycled as needed). */
  maxSteps: number;
  /** Global-norm gradient clipping; 0 = off. */
  clipNorm: number;
  /** Validation loss on the held-out samples every k steps; 0 = never. */
  validateEvery: number;
  /** Stop when the training (batch) loss falls below this; 0 = off. */
  lossThreshold: number;
  /** Check the criterion on the probe every k steps; 0 = never. */
  criterionEvery: number;
  /** Stop as soon as the criterion is met (needs criterionEvery > 0 and a probe). */
  stopAtCriterion: boolean;
  criterionTolerance: number;
  /** Steps after the response window opens before the output must be within tolerance. */
  criterionDelay: number;
  /** Criterion: also ||y - target||_2 over each whole probe trial <= this; 0 or absent = off. */
  criterionMaxDistance?: number;
  /** Keep a copy of the weights every k steps (the output if training blows up); 0 = only the start. */
  checkpointEvery: number;
  /** Seed of batch order and recurrent noise. */
  seed: number;
  /** 'hand' (built-in cell only), 'autodiff', or 'auto' (hand when possible). */
  gradient: 'auto' | 'hand' | 'autodiff';
}

/** Callbacks into the caller (the block passes its RunContext's). */
export interface TrainHooks {
  signal?: AbortSignal;
  progress?: (step: number, max: number, metrics: Record<string, number>, message?: string) => void;
  warn?: (message: string) => void;
  /** Active tfjs backend, for the history. */
  backend: string;
  /**
   * Computes loss and gradient for a batch (e.g. split across workers). Defaults to the in-thread
   * kernel. Must give the same numbers as the in-thread kernel on the full batch.
   */
  gradient?: (theta: Float32Array, batch: Batch, noise: Float32Array | undefined) => Promise<LossGrad>;
  /** Minimum ms between progress reports (default 100). */
  progressIntervalMs?: number;
}

export interface TrainResult {
  model: Model;
  history: TrainingHistory;
}

/** The numbers the block checks before training starts. */
export function trainingSplit(dataset: Dataset): { trainStart: number; trainCount: number } {
  const trainStart = Math.min(dataset.testCount, dataset.samples);
  return { trainStart, trainCount: dataset.samples - trainStart };
}

/**
 * The order in which training draws its batches: the training samples shuffled (Fisher-Yates on the
 * seed's generator) at the start of every epoch, B at a time; a last partial batch is skipped. Also
 * returns the generator for recurrent noise. The time-to-criterion benchmark writes this order to a
 * file so the PyTorch peer trains on the same batch sequence.
 */
export function batchOrder(dataset: Dataset, seed: number, B: number): { next(idx: Int32Array): void; noise: Rng } {
  const rng = new Rng(seed);
  const noise = rng.fork();
  const { trainStart } = trainingSplit(dataset);
  const order = range(trainStart, dataset.samples);
  let pos = order.length; // forces a shuffle before the first batch
  return {
    noise,
    next(idx) {
      if (pos + B > order.length) {
        rng.shuffle(order);
        pos = 0;
      }
      for (let k = 0; k < B; k++) idx[k] = order[pos + k] as number;
      pos += B;
    },
  };
}

/** Check that a model and a dataset fit together; throws an Error that says what to change. */
export function checkCompatible(model: Model, dataset: Dataset, o: Pick<TrainOptions, 'batchSize'>): void {
  if (model.inputSize !== dataset.channels)
    throw new Error(
      `the model has ${model.inputSize} inputs but the dataset has ${dataset.channels} channels (${dataset.channelNames.join(', ')}): ` +
        'build the model from this dataset (model.ctrnn takes its sizes from it) or connect a matching dataset',
    );
  if (model.outputSize !== dataset.outputs)
    throw new Error(
      `the model has ${model.outputSize} outputs but the dataset has ${dataset.outputs}: connect a matching model and dataset`,
    );
  const { trainCount } = trainingSplit(dataset);
  if (o.batchSize > trainCount)
    throw new Error(
      `batchSize = ${o.batchSize} is larger than the ${trainCount} training samples (${dataset.samples} samples, ` +
        `the first ${dataset.testCount} held out): lower batchSize or make more samples`,
    );
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** Masked MSE of outputs y (time-major) against a batch. */
function maskedMse(y: Float32Array, b: Batch, O: number): { sum: number; weight: number } {
  let s = 0;
  let w = 0;
  for (let r = 0; r < b.T * b.B; r++) {
    const m = b.M[r] as number;
    if (m === 0) continue;
    w += m * O;
    for (let o = 0; o < O; o++) {
      const e = (y[r * O + o] as number) - (b.Y[r * O + o] as number);
      s += m * e * e;
    }
  }
  return { sum: s, weight: w };
}

function cancelled(signal: AbortSignal | undefined): Error {
  const r: unknown = signal?.reason;
  const e = new Error(`training cancelled${r instanceof Error ? `: ${r.message}` : ''}`);
  e.name = 'AbortError';
  return e;
}

/**
 * Train `model` on `dataset`. Resolves with the trained model and its history; rejects with a
 * {@link BlockError} (holding the last good checkpoint and the history) when the loss stops being
 * finite, and with an AbortError when `hooks.signal` fires.
 */
export async function trainModel(
  model: Model,
  dataset: Dataset,
  o: TrainOptions,
  hooks: TrainHooks,
): Promise<TrainResult> {
  checkCompatible(model, dataset, o);
  const c = cellConfig(model);
  const { N, O } = c;
  if (!cellKnown(model.cell))
    throw new Error(
      `no cell "${model.cell}" is registered: load the plugin that defines it (registerCell) or use a built-in "ctrnn" model`,
    );
  const useHand = model.cell === 'ctrnn' && o.gradient !== 'autodiff';
  if (o.gradient === 'hand' && model.cell !== 'ctrnn')
    throw new Error(
      `gradient = "hand" works only for the built-in "ctrnn" cell, not "${model.cell}": use "auto" or "autodiff"`,
    );
  const kernel = await trainKernels.resolve({ cell: model.cell, backend: tf.getBackend(), method: o.gradient }, c, model, hooks.warn);
  if (!kernel) throw new Error(`no kernel computes the gradient of cell "${model.cell}" with gradient = "${o.gradient}" on ${tf.getBackend()}`);
  const localGrad = async (th: Float32Array, b: Batch, nz: Float32Array | undefined): Promise<LossGrad> => kernel.lossAndGrad(th, b, nz);
  const outputs = kernel.outputs;
  const method = kernel.label;
  const gradFn = hooks.gradient && useHand ? hooks.gradient : localGrad;

  const { trainCount } = trainingSplit(dataset);
  const B = o.batchSize;
  const stepsPerEpoch = Math.floor(trainCount / B);
  const maxSteps = o.maxSteps > 0 ? o.maxSteps : o.epochs * stepsPerEpoch;
  const batches = batchOrder(dataset, o.seed, B);
  const noiseRng = batches.noise;
  const idx = new Int32Array(B);
  let batch: Batch | undefined;
  const noise = model.noiseSigma > 0 ? new Float32Array(dataset.T * B * N) : undefined;

  const theta = packTheta(model);
  // Model constraints (a plugin's E/I signs, a connectivity mask) are kept by projection: once on
  // the initial weights and after every optimiser step. theta starts with W_rec^T.
  const wRecT = theta.subarray(0, N * N);
  projectRecurrent(wRecT, N, model.constraints, true);
  const adam = adamInit(theta.length);
  let checkpoint = { step: 0, theta: theta.slice() };

  const valCount = Math.min(dataset.testCount, dataset.samples);
  const validation = o.validateEvery > 0 && valCount > 0 ? gatherBatch(dataset, range(0, valCount)) : undefined;
  if (o.validateEvery > 0 && !validation)
    hooks.warn?.('validateEvery > 0 but the dataset holds out no samples (testCount = 0): no validation loss');
  const probe = dataset.probe;
  let probeBatch: Batch | undefined;
  let windows: Array<ResponseWindow | null> | undefined;
  if (o.criterionEvery > 0 && probe) {
    probeBatch = gatherBatch(probe, range(0, probe.samples));
    windows = responseWindows(probe, o.criterionDelay);
  } else if (o.criterionEvery > 0 || o.stopAtCriterion)
    hooks.warn?.('the dataset has no probe (its distinct conditions), so the success criterion cannot be checked');

  const history: TrainingHistory = {
    steps: [],
    loss: [],
    valSteps: [],
    valLoss: [],
    wallMs: [],
    criterion: [],
    stoppedBecause: 'max-steps',
    backend: hooks.backend,
    totalSteps: 0,
    totalMs: 0,
  };
  const t0 = performance.now();
  let lastReport = -Infinity;
  let lastYield = performance.now();
  let lastFinite = NaN;
  const interval = hooks.progressIntervalMs ?? 100;

  const finish = (th: Float32Array, steps: number): TrainResult => {
    history.totalSteps = steps;
    history.totalMs = performance.now() - t0;
    const trained: Model = {
      ...model,
      weights: unpackTheta(c, th),
      trainedOn: {
        tasks: dataset.tasks,
        channelNames: dataset.channelNames,
        outputNames: dataset.outputNames,
        T: dataset.T,
        dt: dataset.dt,
        samples: dataset.samples,
        testCount: dataset.testCount,
        seed: dataset.seed,
        provenance: dataset.provenance,
        training: {
          steps,
          stoppedBecause: history.stoppedBecause,
          ...(history.criterionMetAt !== undefined ? { criterionMetAt: history.criterionMetAt } : {}),
          backend: hooks.backend,
          gradient: method,
          options: { ...o },
        },
      },
    };
    return { model: trained, history };
  };

  hooks.progress?.(
    0,
    maxSteps,
    {},
    `training on ${hooks.backend}, ${method === 'autodiff' ? 'autodiff' : `${method.replace(/^hand/, 'hand BPTT')}`}, ${maxSteps} steps of batch ${B}`,
  );
  let s = 0;
  for (; s < maxSteps; s++) {
    if (hooks.signal?.aborted) throw cancelled(hooks.signal);
    batches.next(idx);
    batch = gatherBatch(dataset, idx, batch);
    if (noise) for (let i = 0; i < noise.length; i++) noise[i] = noiseRng.normal() * model.noiseSigma;
    const { loss, grad } = await gradFn(theta, batch, noise);
    const gnorm = clipByGlobalNorm(grad, o.clipNorm);
    if (!Number.isFinite(loss) || !Number.isFinite(gnorm)) {
      history.stoppedBecause = 'non-finite-loss';
      const what = Number.isFinite(loss)
        ? `the gradient became ${gnorm} (exploding gradients through time)`
        : `the loss became ${loss}`;
      const last = Number.isFinite(lastFinite)
        ? `the last finite loss was ${lastFinite.toPrecision(4)} at step ${s}`
        : 'no step had a finite loss';
      const res = finish(checkpoint.theta, s);
      throw new BlockError(
        `training diverged at step ${s + 1}: ${what}; ${last}. Likely cause: the learning rate (lr = ${o.lr}) is too high ` +
          `for this network; lower it (e.g. ${Number((o.lr / 10).toPrecision(3))})${o.clipNorm > 0 ? ` (clipNorm = ${o.clipNorm} cannot help once the gradient overflows float32)` : ' or set clipNorm (e.g. 1)'}. The outputs hold the last good checkpoint (step ${checkpoint.step}).`,
        { outputs: { model: res.model, history: res.history } },
      );
    }
    lastFinite = loss;
    adamStep(o, adam, theta, grad);
    projectRecurrent(wRecT, N, model.constraints, true);
    const done = s + 1;
    history.steps.push(done);
    history.loss.push(loss);
    history.wallMs.push(performance.now() - t0);
    const metrics: Record<string, number> = { loss, lr: adamLr(o, adam), gradNorm: gnorm };
    let important = done === maxSteps;
    if (o.checkpointEvery > 0 && done % o.checkpointEvery === 0) checkpoint = { step: done, theta: theta.slice() };
    if (validation && done % o.validateEvery === 0) {
      const y = outputs(theta, validation);
      const m = maskedMse(y, validation, O);
      const v = m.weight > 0 ? m.sum / m.weight : 0;
      history.valSteps.push(done);
      history.valLoss.push(v);
      metrics['valLoss'] = v;
      important = true;
    }
    let stop: string | undefined;
    if (probe && probeBatch && windows && done % o.criterionEvery === 0) {
      const y = outputs(theta, probeBatch);
      const r = checkCriterion(probe, y, {
        tolerance: o.criterionTolerance,
        delay: o.criterionDelay,
        windows,
        maxDistance: o.criterionMaxDistance ?? 0,
      });
      history.criterion.push({ step: done, passed: r.passed, total: r.total });
      metrics['criterionPassed'] = r.passed;
      metrics['criterionTotal'] = r.total;
      important = true;
      if (r.passed === r.total && history.criterionMetAt === undefined) {
        history.criterionMetAt = done;
        if (o.stopAtCriterion) stop = 'criterion';
      }
    }
    if (stop === undefined && o.lossThreshold > 0 && loss < o.lossThreshold) stop = 'loss-threshold';
    const now = performance.now();
    if (important || stop !== undefined || now - lastReport >= interval) {
      hooks.progress?.(done, maxSteps, metrics);
      lastReport = now;
    }
    if (stop !== undefined) {
      history.stoppedBecause = stop;
      if (!important) hooks.progress?.(done, maxSteps, metrics);
      return finish(theta, done);
    }
    // Let the event loop deliver cancellation and progress events.
    if (now - lastYield > 50) {
      await tick();
      lastYield = performance.now();
    }
  }
  history.stoppedBecause = 'max-steps';
  return finish(theta, s);
}
