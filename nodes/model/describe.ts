/**
 * A compact, JSON-able description of a dataset, recorded in a model's `provenance.dataset` (by
 * `model.ctrnn`) and `trainedOn` (by the trainer), so a saved model says what it was built for.
 */
import type { Dataset } from '../ports/dataset.ts';

/** What a model records about a dataset: sizes, names, timing, tasks and how it was made. */
export interface DatasetDescription extends Record<string, unknown> {
  samples: number;
  T: number;
  channels: number;
  outputs: number;
  channelNames: string[];
  outputNames: string[];
  dt: number;
  tasks: string[];
  seed: number;
  testCount: number;
  provenance: Record<string, unknown>;
}

/** Describe a dataset (no arrays copied). */
export function describeDataset(d: Dataset): DatasetDescription {
  return {
    samples: d.samples,
    T: d.T,
    channels: d.channels,
    outputs: d.outputs,
    channelNames: [...d.channelNames],
    outputNames: [...d.outputNames],
    dt: d.dt,
    tasks: [...d.tasks],
    seed: d.seed,
    testCount: d.testCount,
    provenance: JSON.parse(JSON.stringify(d.provenance ?? {})) as Record<string, unknown>,
  };
}
