/**
 * cortexflow plugin: the context-dependent integration task of Mante et al. (2013) as a block,
 * `mante.context-integration`, producing a `Dataset` (with its noise-free probe) that the trainer,
 * `sim.run` and `context.mux` take like any built-in task. See `task.ts` for the trial layout.
 */
import { bool, defineBlock, int, list, num, oneOf, schema, Type } from 'cortexflow/core';
import { DatasetPort } from 'cortexflow/nodes';
import { conditionsOf, generateMante, optionProblems, taskName, trialLength } from './task.ts';

export {
  choiceOf,
  conditionsOf,
  generateMante,
  taskName,
  trialLength,
  type ManteCondition,
  type ManteOptions,
  type Modality,
} from './task.ts';

export const manteContextIntegration = defineBlock({
  type: 'mante.context-integration',
  version: 1,
  title: 'Context-dependent integration (Mante 2013)',
  category: 'Tasks',
  description:
    'Mante, Sussillo, Shenoy & Newsome 2013: two noisy evidence channels (motion and colour coherence) and a context input ' +
    'saying which one to integrate; the target is the sign of the relevant coherence in the response period. ' +
    "contexts = both: the full task with two context channels. contexts = motion or colour: one context's trials without " +
    'context channels (tasks mante-motion / mante-colour), for context.mux to add the context (e.g. one-hot). ' +
    'The probe holds every condition once, noise-free.',
  inputs: {},
  outputs: { dataset: DatasetPort },
  params: schema({
    contexts: oneOf(['both', 'motion', 'colour'] as const, 'both', {
      description:
        'both: the full task (channels motion, colour, context:motion, context:colour); motion / colour: one context only, for context.mux.',
    }),
    coherences: list(Type.Number({ exclusiveMinimum: 0, maximum: 100 }), [0.05, 0.15, 0.5], {
      description:
        'Unsigned coherences, each used with both signs for each modality (Mante et al.: 3 levels per modality).',
      minItems: 1,
    }),
    fixation: int(0, 100_000, 10, {
      description: 'Steps before the stimulus (context on, output held at 0).',
      unit: 'steps',
    }),
    stimulus: int(1, 100_000, 75, { description: 'Steps of noisy evidence (Mante et al.: 750 ms).', unit: 'steps' }),
    delay: int(0, 100_000, 0, {
      description: "Steps between the stimulus and the response (the monkeys had one; the paper's network did not).",
      unit: 'steps',
    }),
    response: int(1, 100_000, 20, { description: 'Steps of the response period, target = +1 or -1.', unit: 'steps' }),
    inputNoise: num(0, 100, 1, {
      description: 'Std of the Gaussian noise added to each sensory input at every stimulus step.',
    }),
    maskStimulus: bool(false, {
      description:
        'Count the loss during stimulus and delay (output held at 0). Off: the output is free while integrating (Song et al. 2016).',
    }),
    samples: int(1, 10_000_000, 4000, { description: 'Number of trials; every condition equally often.' }),
    testFraction: num(0, 0.99, 0.0125, { description: 'Fraction of trials held out as the test set, placed first.' }),
    dt: num(0.001, 10_000, 10, {
      description: "Milliseconds per step (recorded in the dataset; 75 steps of 10 ms = the paper's 750 ms).",
      unit: 'ms',
    }),
    seed: int(0, 2 ** 31 - 1, 1, { description: 'Seed of the trial order and the noise.' }),
  }),
  validate: (p) => optionProblems(p),
  run: async ({ params: p, signal, progress, warn }) => {
    const K = conditionsOf(p).length;
    if (p.samples < K)
      warn(`${p.samples} samples cannot hold each of the ${K} conditions once; raise samples to at least ${K}`);
    const dataset = generateMante(p, { signal, onProgress: (done, total) => progress(done, total) });
    progress(
      p.samples,
      p.samples,
      undefined,
      `${p.samples} trials of ${trialLength(p)} steps, task ${taskName(p.contexts)}`,
    );
    return { dataset };
  },
});

/** The plugin contract (docs/plugins.md). */
export const apiVersion = 1;
export const name = 'cortexflow-plugin-mante-task';
export const blocks = [manteContextIntegration];
