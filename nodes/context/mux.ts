/**
 * `context.mux`: several single-task datasets in, one multitask dataset out, with a context input
 * that tells the network which task to do (Jarne 2021, "Multitasking in RNN"; one-hot rule inputs as
 * in Yang et al. 2019).
 *
 * Every output trial is one trial of one task, moved right by `shift + d` steps, where d ~ U{jitterMin
 * ..jitterMax} is drawn per trial and shared by all of its pulses (the context pulse too). Steps
 * moved in from the left get zero inputs and the trial's first target value; steps past the task's
 * own end get zero inputs and its last target value (a held response stays held); content moved past
 * the common T is cut. The last `releaseSteps` target steps return to the trial's first value (the
 * authors' 3-task generator wrote the response as `y[a:-1]`, leaving the last step at 0).
 */
import { Observable } from 'rxjs';
import { defineBlock, input, type BlockEmission } from '../../core/index.ts';
import { DatasetPort, type Dataset } from '../ports/index.ts';
import { params, validate } from './mux-params.ts';
import { muxDatasets } from './mux-dataset.ts';

export { AUTHORS_LEVELS, effectiveLevels, muxCounts, type MuxParams } from './mux-params.ts';
export { muxDatasets } from './mux-dataset.ts';

export const contextMux = defineBlock({
  type: 'context.mux',
  version: 1,
  title: 'Context multiplexer',
  category: 'Context',
  description:
    'Mixes single-task datasets into one multitask dataset with a context input naming the task: a short pulse whose level ' +
    'names the task (the authors), a held (tonic) level, or one-hot channels held on (Yang 2019). Each trial is moved right by ' +
    'shift + d, d ~ uniform{jitterMin..jitterMax} per trial, shared by all its pulses; tasks are padded to a common T and channel ' +
    "layout and mixed evenly or by proportions. Defaults: the authors' 3-task scheme (Jarne 2021, generate_data_set_multi_task_3_tasks.py): " +
    'context +1 AND / -1 OR / 0 XOR at [20+d, 40+d), A and B at [60+d, 80+d), response from 100+d to T-2, T = 290, d in 1..50.',
  inputs: { tasks: input(DatasetPort, { multiple: true, description: 'Single-task datasets, one per task.' }) },
  outputs: { dataset: DatasetPort },
  params,
  validate,
  run: ({ params: p, inputs, signal }) =>
    new Observable<BlockEmission<{ dataset: Dataset }>>((sub) => {
      muxDatasets(p, inputs.tasks, {
        signal,
        progress: (value, max) => sub.next({ kind: 'progress', value, max, message: 'mixing trials' }),
      }).then(
        (dataset) => {
          sub.next({ kind: 'outputs', outputs: { dataset } });
          sub.complete();
        },
        (e: unknown) => sub.error(e),
      );
    }),
});
