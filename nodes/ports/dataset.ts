/**
 * `Dataset`: trials of a temporal task, stored in typed arrays (row-major).
 * Owned by the task library (issue 3).
 */
import { definePortType } from '../../core/index.ts';

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
   * The task's distinct conditions, noise-free, one trial each (the multiplexer: each condition at
   * a few jitters). `sim.run`, the trainer's criterion and the plots use it. Absent on a probe.
   */
  probe?: Dataset;
}

/** The `Dataset` port type. Artifacts (.npy + meta.json) are added by the task library. */
export const DatasetPort = definePortType<Dataset>({
  name: 'Dataset',
  description: 'Trials of a temporal task: inputs [samples, T, channels], targets, loss mask and labels.',
  color: '#4477aa',
  summarize: (d) =>
    `${d.samples} samples x ${d.T} steps, ${d.channels} in / ${d.outputs} out (${d.tasks.join(', ')})`,
});
