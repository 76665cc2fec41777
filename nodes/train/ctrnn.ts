/** `train.ctrnn`: train a CTRNN on a dataset with Adam (docs/training.md). */
import { bool, defineBlock, input, int, num, oneOf, schema, type ParamIssue, type ValidationContext } from '../../core/index.ts';
import { BACKEND_CHOICES } from '../lib/backends.ts';
import { DatasetPort } from '../ports/dataset.ts';
import { TrainingHistoryPort } from '../ports/history.ts';
import { ModelPort } from '../ports/model.ts';
import type { TrainOptions } from './trainer.ts';

const params = schema({
  lr: num(1e-7, 1, 1e-3, { description: 'Adam learning rate (the authors: 1e-4 with batch 256; see docs/training.md for the default recipe).' }),
  beta1: num(0, 0.999999, 0.9, { description: 'Adam beta1.' }),
  beta2: num(0, 0.99999999, 0.999, { description: 'Adam beta2.' }),
  eps: num(0, 1, 1e-8, { description: 'Adam epsilon (Keras 2 form: added to sqrt(v)).' }),
  decay: num(0, 1, 0, { description: 'Keras-style learning-rate decay: lr / (1 + decay * iteration) (the authors: 1e-4).' }),
  batchSize: int(1, 100_000, 64, { description: 'Trials per optimiser step (the authors: 64 single task, 256 multitask).' }),
  epochs: int(1, 100_000, 20, { description: 'Passes over the training samples; used when maxSteps = 0 (the last partial batch of an epoch is dropped).' }),
  maxSteps: int(0, 10_000_000, 0, { description: 'Optimiser steps; 0 = let epochs decide. When > 0 it wins and the data are cycled as needed.', unit: 'steps' }),
  clipNorm: num(0, 1e6, 0, { description: 'Clip the gradient to this global norm; 0 = off (Yang 2019 / PsychRNN: 1).' }),
  validateEvery: int(0, 1_000_000, 50, { description: 'Validation loss on the held-out samples (the dataset\'s first testCount) every k steps; 0 = never.', unit: 'steps' }),
  lossThreshold: num(0, 1e6, 0, { description: 'Stop when the training batch loss falls below this; 0 = off (the authors: 5e-5 multitask, 5e-4 AND).' }),
  criterionEvery: int(0, 1_000_000, 50, { description: 'Check the success criterion on the dataset\'s probe conditions every k steps; 0 = never.', unit: 'steps' }),
  stopAtCriterion: bool(true, { description: 'Stop as soon as every probe condition meets the criterion.' }),
  criterionTolerance: num(0, 1e6, 0.3, { description: 'Criterion: largest allowed |output - target| inside the response window.' }),
  criterionDelay: int(0, 100_000, 10, { description: 'Criterion: steps after the response window opens before the output must be within tolerance.', unit: 'steps' }),
  criterionMaxDistance: num(0, 1e6, 0, { description: "Criterion, optional: also require the distance ||y - target||_2 over each whole probe trial (sim.run's distance, the authors' measure) to be at most this; 0 = off." }),
  checkpointEvery: int(0, 1_000_000, 100, { description: 'Keep a copy of the weights every k steps; it is the output if training diverges. 0 = only the initial weights.', unit: 'steps' }),
  seed: int(0, 2 ** 31 - 1, 1, { description: 'Seed of the batch order and of the recurrent noise.' }),
  gradient: oneOf(['auto', 'hand', 'autodiff'], 'auto', { description: 'Gradient method: hand-derived BPTT (built-in cell, fast) or tfjs autodiff (any registered cell); auto picks hand when it can.' }),
  backend: oneOf(BACKEND_CHOICES, 'auto', { description: 'tfjs backend: wasm (default), cpu, tensorflow (tfjs-node, only if installed); auto = the run\'s setting or CORTEXFLOW_BACKEND, else wasm.' }),
  workers: int(0, 256, 0, { description: 'Threads that share each batch (worker_threads in Node, Web Workers in the editor); 0 = all cores, or CORTEXFLOW_THREADS when set. The batch is cut into fixed 16-sample chunks summed in a fixed order, so every thread count gives the same numbers (docs/performance.md).' }),
});

/** Sample count of a dataset-producing node, followed upstream through multiplexers. */
function upstreamSamples(ctx: ValidationContext, nodeId: string, depth = 0): { samples: number; train: number } | undefined {
  const n = ctx.nodeParams(nodeId);
  if (!n || depth > 8) return undefined;
  const p = n.params;
  if (typeof p['samples'] === 'number' && p['samples'] > 0) {
    const samples = p['samples'];
    const tf = typeof p['testFraction'] === 'number' ? p['testFraction'] : 0;
    return { samples, train: samples - Math.round(samples * tf) };
  }
  // A node without its own sample count (e.g. context.mux with samples = 0) holds its inputs'
  // trials: all of them, or with an even mix the smallest input's count times the number of inputs.
  const ups = Object.values(ctx.upstreamOf(nodeId)).flat();
  if (ups.length === 0) return undefined;
  const parts: Array<{ samples: number; train: number }> = [];
  for (const u of ups) {
    const r = upstreamSamples(ctx, u.nodeId, depth + 1);
    if (!r) return undefined;
    parts.push(r);
  }
  const even = p['mix'] === 'even';
  const samples = even ? Math.min(...parts.map((x) => x.samples)) * parts.length : parts.reduce((a, x) => a + x.samples, 0);
  const train = even ? Math.min(...parts.map((x) => x.train)) * parts.length : parts.reduce((a, x) => a + x.train, 0);
  return { samples, train };
}

export const trainCtrnn = defineBlock({
  type: 'train.ctrnn',
  version: 1,
  title: 'Train CTRNN',
  category: 'Training',
  description:
    'Minibatch Adam (Keras 2 form, with its learning-rate decay) on the masked MSE of a CTRNN, with a hand-derived BPTT ' +
    'for the built-in cell and tfjs autodiff for plugin cells. Reports the loss, validation loss on the held-out samples ' +
    'and the success criterion (every probe condition within tolerance of its target through the response window) as ' +
    'it goes; stops at maxSteps/epochs, a loss threshold or the criterion. A non-finite loss stops training with an ' +
    'error and keeps the last good checkpoint. The authors (Jarne & Laje) trained with Adam lr 1e-4, batch 64/256, decay 1e-4.',
  inputs: {
    model: input(ModelPort, { description: 'The initialised (or loaded) network.' }),
    dataset: input(DatasetPort, { description: 'Training trials; the first testCount are held out for validation.' }),
  },
  outputs: { model: ModelPort, history: TrainingHistoryPort },
  params,
  validate: (p, ctx) => {
    const issues: ParamIssue[] = [];
    if (p.stopAtCriterion && p.criterionEvery === 0)
      issues.push({ param: 'criterionEvery', message: 'stopAtCriterion needs criterionEvery > 0 (how often to check); set it, e.g. 50' });
    const up = ctx.upstream['dataset']?.[0];
    if (up) {
      const n = upstreamSamples(ctx, up.nodeId);
      if (n && p.batchSize > n.train)
        issues.push({
          param: 'batchSize',
          message: `batchSize = ${p.batchSize} is larger than the ${n.train} training samples of dataset node "${up.nodeId}" (${n.samples} samples minus the held-out ones): lower batchSize or raise samples`,
        });
    }
    const mu = ctx.upstream['model']?.[0];
    const mp = mu ? ctx.nodeParams(mu.nodeId)?.params : undefined;
    const dp = up ? ctx.nodeParams(up.nodeId)?.params : undefined;
    if (mp && dp && typeof mp['inputSize'] === 'number' && mp['inputSize'] > 0 && typeof dp['channels'] === 'number' && mp['inputSize'] !== dp['channels'])
      issues.push({ message: `the model node "${mu?.nodeId}" has inputSize ${mp['inputSize']} but the dataset node "${up?.nodeId}" has ${dp['channels']} channels` });
    return issues;
  },
  run: async ({ params: p, inputs, signal, progress, warn, env }) => {
    // tfjs and the trainer load when a network trains, not when the block is declared.
    const [{ describeBackend, useBackend }, { trainModel }, { gradientPool }] = await Promise.all([
      import('../lib/tf.ts'),
      import('./trainer.ts'),
      import('./pool.ts'),
    ]);
    const info = await useBackend(p.backend, env.backend);
    if (info.fallbackReason !== undefined) warn(`tfjs backend: ${describeBackend(info)}`);
    const options: TrainOptions = {
      lr: p.lr,
      beta1: p.beta1,
      beta2: p.beta2,
      eps: p.eps,
      decay: p.decay,
      batchSize: p.batchSize,
      epochs: p.epochs,
      maxSteps: p.maxSteps,
      clipNorm: p.clipNorm,
      validateEvery: p.validateEvery,
      lossThreshold: p.lossThreshold,
      criterionEvery: p.criterionEvery,
      stopAtCriterion: p.stopAtCriterion,
      criterionTolerance: p.criterionTolerance,
      criterionDelay: p.criterionDelay,
      criterionMaxDistance: p.criterionMaxDistance,
      checkpointEvery: p.checkpointEvery,
      seed: p.seed,
      gradient: p.gradient,
    };
    const pool = await gradientPool(inputs.model, p.workers, {
      platform: env.platform,
      backend: info.backend,
      batchSize: p.batchSize,
      warn,
    });
    try {
      return await trainModel(inputs.model, inputs.dataset, options, {
        signal,
        progress,
        warn,
        backend: describeBackend(info) + (pool ? `, ${pool.threads} threads` : ''),
        ...(pool ? { gradient: pool.gradient } : {}),
      });
    } finally {
      await pool?.close();
    }
  },
});
