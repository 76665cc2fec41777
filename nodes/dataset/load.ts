/**
 * `dataset.load`: a user's own trials as a `Dataset`, the port type every task block produces, so
 * they go wherever a task's dataset goes (model.ctrnn, train.ctrnn, sim.run, context.mux, plots).
 *
 * Sources: a NumPy `.npz` (np.savez), a folder of `.npy` files (`inputs.npy`, `targets.npy`, ...: the
 * layout a Dataset output is written in, so our own datasets load back with their labels), or a
 * MATLAB v7.3 `.mat` file (`save(f, '-v7.3')`, which is HDF5: read with h5wasm). Every file goes
 * through the safe reader (regular files, size limit, abortable, no contents in messages).
 */
import { defineBlock, int, num, schema, str } from '../../core/index.ts';
import { DatasetPort } from '../ports/index.ts';
import { fetchSafe, sourceOf } from '../lib/files.ts';
import { loadTrials, trialsFromBytes } from './trials.ts';

export { loadTrials, trialsFromBytes, type ArrayNames, type LoadTrialsOptions } from './trials.ts';

export const datasetLoad = defineBlock({
  type: 'dataset.load',
  version: 1,
  title: 'Load trials',
  category: 'Tasks',
  description:
    "Your own trials as a dataset, usable wherever a task block's dataset is (model, trainer, simulation, context.mux, plots). " +
    'From a NumPy .npz (np.savez(f, inputs=x, targets=y, mask=m, conditions=c)), a folder of .npy files (inputs.npy, ' +
    'targets.npy, ...; a Dataset output folder loads back with its labels and probe), or a MATLAB v7.3 .mat file. ' +
    'inputs [samples, T, channels], targets [samples, T, outputs] (or [samples, T]), optional mask [samples, T] and one ' +
    'condition label (int or str) per trial. The probe (distinct conditions, for the success criterion and sim.run) is ' +
    'probe_inputs/probe_targets when given, else the first trial of each label. See docs/python.md.',
  inputs: {},
  outputs: { dataset: DatasetPort },
  params: schema({
    path: str('', {
      description:
        'An .npz, a .mat (v7.3), or a folder holding inputs.npy and targets.npy (or one of those files), relative to the working directory; ' +
        'or an http(s):, data: or blob: URL of an .npz or .mat file (the only form in the browser; the command line fetches http(s) only with --allow-urls).',
    }),
    inputs: str('inputs', { description: 'Name of the inputs array [samples, T, channels].' }),
    targets: str('targets', { description: 'Name of the targets array [samples, T, outputs].' }),
    mask: str('mask', {
      description: 'Name of the optional mask [samples, T] (1 where the loss counts); all ones when absent.',
    }),
    conditions: str('conditions', {
      description:
        'Name of the optional condition labels, one int or str per trial (gives the probe and per-condition plots).',
    }),
    task: str('user', { description: 'Task name recorded on the trials.' }),
    testCount: int(0, 1_000_000_000, 0, { description: 'The first testCount trials are held out for validation.' }),
    dt: num(0, 1e6, 1, { description: 'Milliseconds per step (for plots).', unit: 'ms' }),
  }),
  validate: (p) =>
    p.path.trim() === ''
      ? [{ param: 'path', message: 'give the path of an .npz, a .mat (v7.3) or a folder of .npy files' }]
      : p.dt > 0
        ? []
        : [{ param: 'dt', message: 'dt must be > 0 (milliseconds per step)' }],
  run: async ({ params, env, signal }) => {
    const url = sourceOf(params.path, env.platform, 'of an .npz or .mat file') === 'url';
    try {
      if (url) {
        const shown = params.path.trim().startsWith('data:') ? 'the data: URL' : params.path.trim();
        const bytes = await fetchSafe(params.path, { platform: env.platform, signal, shown });
        return { dataset: await trialsFromBytes(bytes, shown, { ...params, signal }) };
      }
      return { dataset: await loadTrials(params.path, { ...params, signal }) };
    } catch (e) {
      throw new Error(`path: ${(e as Error).message}`, { cause: e });
    }
  },
});
