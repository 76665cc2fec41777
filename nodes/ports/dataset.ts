/**
 * `Dataset`: trials of a temporal task, stored in typed arrays (row-major).
 */
import { definePortType, type Artifact } from '../../core/index.ts';
import { encodeNpy } from '../lib/npy.ts';
import { encodeNpz } from '../lib/npz.ts';

/** What one trial is: which task, which input values, which context, which jitter. */
export interface ConditionLabel {
  /** Task name (`and`, `or`, `xor`, `not`, `time-reproduction`, `oscillation`, `flip-flop`, ...). */
  task: string;
  /** The trial's input values (A, B for the gates; pulse present 0/1; set/reset pattern). */
  inputValues: number[];
  /** Context level of the trial (pulse/tonic level), when a context channel was added. */
  context?: number;
  /** Shift in steps applied to every pulse of the trial (the authors' d), 0 when none. */
  jitter: number;
  /** Stable key naming the condition, e.g. `and A=1 B=0`; equal keys = same condition. */
  key: string;
}

export interface Dataset {
  samples: number;
  /** Time steps per trial. */
  T: number;
  /** Input channels (incl. context channels). */
  channels: number;
  /** Output dimensions. */
  outputs: number;
  /** [samples, T, channels] */
  inputs: Float32Array;
  /** [samples, T, outputs] */
  targets: Float32Array;
  /** [samples, T]: 1 where the loss counts. */
  mask: Float32Array;
  /** One label per sample. */
  conditions: ConditionLabel[];
  channelNames: string[];
  outputNames: string[];
  /** Milliseconds per step (the authors' plots: 1 step = 1 ms). */
  dt: number;
  /** Seed that generated it. */
  seed: number;
  /** The first `testCount` samples are the held-out test set (the authors: first 50). */
  testCount: number;
  /** Tasks present, in channel/level order. */
  tasks: string[];
  /** Free-form description of how it was made (block type and params), written to meta.json. */
  provenance: Record<string, unknown>;
  /**
   * The task's distinct conditions, noise-free, one trial each, made with the same timing rules as
   * the training trials. `sim.run`, the trainer's criterion and the plots use it. Absent on a probe.
   * - gates (AND/OR/XOR): the 4 (A, B) combinations in the order (0,0), (1,0), (0,1), (1,1); NOT: A = 0, 1.
   * - time reproduction, oscillation: pulse absent, present.
   * - flip-flop: 4 fixed set/reset patterns, 6 with bits > 1 so that every bit pattern occurs (see docs/tasks.md).
   * - `context.mux`: every task's probe trials at each of its `probeJitters` (default 1, 25, 50),
   *   jitter-major: all conditions at the first jitter, then at the second, ...
   */
  probe?: Dataset;
  /** How the context was encoded, when a `context.mux` made the dataset. */
  context?: ContextInfo;
}

/** The context encoding of a multitask dataset (for analyses that need the constant context input). */
export interface ContextInfo {
  encoding: 'pulse' | 'tonic' | 'one-hot';
  /** Input channel indices carrying the context (one for pulse/tonic, one per task for one-hot). */
  channels: number[];
  /** Level per task (pulse/tonic); for one-hot the value on the task's own channel. */
  levels: Record<string, number>;
  /** The pulse window [start, end) before the trial's jitter is added (pulse encoding). */
  window?: [number, number];
}

/**
 * A Dataset from its sizes and whatever arrays and labels are given; the rest is defaulted: zero
 * inputs and targets, a mask of ones, one condition per sample (`c0`, `c1`, ..., jitter 0), channels
 * `in0`, `in1`, ..., outputs `y` (one) or `out0`, ..., dt 1, seed 0, no test split, task `x`. For
 * tests and for plugins that build trials by hand.
 */
export function makeDataset(d: Pick<Dataset, 'samples' | 'T' | 'channels' | 'outputs'> & Partial<Dataset>): Dataset {
  const { samples: S, T, channels: I, outputs: O } = d;
  return {
    inputs: new Float32Array(S * T * I),
    targets: new Float32Array(S * T * O),
    mask: new Float32Array(S * T).fill(1),
    conditions: Array.from({ length: S }, (_, s) => ({ task: 'x', inputValues: [s], jitter: 0, key: `c${s}` })),
    channelNames: Array.from({ length: I }, (_, i) => `in${i}`),
    outputNames: O === 1 ? ['y'] : Array.from({ length: O }, (_, i) => `out${i}`),
    dt: 1,
    seed: 0,
    testCount: 0,
    tasks: ['x'],
    provenance: {},
    ...d,
  };
}

/** Distinct conditions of a dataset and each sample's index into them. */
export function conditionIndex(d: Dataset): { conditions: ConditionLabel[]; index: Int32Array } {
  const byKey = new Map<string, number>();
  const conditions: ConditionLabel[] = [];
  const index = new Int32Array(d.samples);
  for (let i = 0; i < d.samples; i++) {
    const c = d.conditions[i] as ConditionLabel;
    let k = byKey.get(c.key);
    if (k === undefined) {
      k = conditions.length;
      byKey.set(c.key, k);
      const { jitter: _j, ...rest } = c;
      conditions.push({ ...rest, jitter: 0 });
    }
    index[i] = k;
  }
  return { conditions, index };
}

const NPY = 'application/octet-stream';

/**
 * The artifact files of a dataset: `inputs.npy` [samples, T, channels], `targets.npy`
 * [samples, T, outputs], `mask.npy` [samples, T] (all '<f4'), `condition.npy` ('<i4' [samples],
 * index into meta.json's `conditions`), `jitter.npy` ('<i4' [samples]), and `meta.json`; the probe
 * the same way under `probe/`.
 */
export function datasetArtifacts(d: Dataset, prefix = ''): Artifact[] {
  const { conditions, index } = conditionIndex(d);
  const jitter = new Int32Array(d.samples);
  for (let i = 0; i < d.samples; i++) jitter[i] = d.conditions[i]?.jitter ?? 0;
  const files: Artifact[] = [
    { suffix: `${prefix}/inputs.npy`, data: encodeNpy(d.inputs, [d.samples, d.T, d.channels]), mediaType: NPY },
    { suffix: `${prefix}/targets.npy`, data: encodeNpy(d.targets, [d.samples, d.T, d.outputs]), mediaType: NPY },
    { suffix: `${prefix}/mask.npy`, data: encodeNpy(d.mask, [d.samples, d.T]), mediaType: NPY },
    { suffix: `${prefix}/condition.npy`, data: encodeNpy(index, [d.samples]), mediaType: NPY },
    { suffix: `${prefix}/jitter.npy`, data: encodeNpy(jitter, [d.samples]), mediaType: NPY },
  ];
  const meta = {
    format: 'cortexflow/dataset',
    version: 1,
    samples: d.samples,
    T: d.T,
    channels: d.channels,
    outputs: d.outputs,
    channelNames: d.channelNames,
    outputNames: d.outputNames,
    dt: d.dt,
    seed: d.seed,
    testCount: d.testCount,
    tasks: d.tasks,
    ...(d.context !== undefined ? { context: d.context } : {}),
    conditions,
    files: {
      inputs: 'inputs.npy [samples, T, channels] float32',
      targets: 'targets.npy [samples, T, outputs] float32',
      mask: 'mask.npy [samples, T] float32, 1 where the loss counts',
      condition: 'condition.npy [samples] int32, index into conditions',
      jitter: 'jitter.npy [samples] int32, steps every pulse of the trial was shifted by',
      ...(d.probe !== undefined ? { probe: 'probe/: the same files for the noise-free probe trials' } : {}),
    },
    provenance: d.provenance,
  };
  files.push({ suffix: `${prefix}/meta.json`, data: JSON.stringify(meta, null, 1), mediaType: 'application/json' });
  if (d.probe !== undefined) files.push(...datasetArtifacts(d.probe, `${prefix}/probe`));
  return files;
}

/**
 * A dataset as one compressed NumPy archive: the files of {@link datasetArtifacts} as its members
 * (`inputs.npy`, ..., `meta.json`, `probe/inputs.npy`, ...), so `np.load(f)['inputs']` reads it.
 * One file: it is on disk whole or not at all. The noise-free trials compress 100-1000x (the
 * 3-task scheme's 260 MB of arrays take about 1 MB).
 */
export function datasetNpz(d: Dataset): Uint8Array {
  return encodeNpz(Object.fromEntries(datasetArtifacts(d).map((a) => [a.suffix.slice(1), a.data])));
}

/** The `Dataset` port type; its artifact is `PORT.npz` ({@link datasetNpz}), shared by content. */
export const DatasetPort = definePortType<Dataset>({
  name: 'Dataset',
  description: 'Trials of a temporal task: inputs [samples, T, channels], targets, loss mask and labels.',
  color: '#4477aa',
  summarize: (d) => `${d.samples} samples x ${d.T} steps, ${d.channels} in / ${d.outputs} out (${d.tasks.join(', ')})`,
  artifacts: (d) => [{ suffix: '.npz', data: datasetNpz(d), mediaType: 'application/zip', shared: true }],
});
