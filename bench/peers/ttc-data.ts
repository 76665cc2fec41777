/**
 * Data shared by the time-to-criterion benchmark's two sides: the authors' 3-task context dataset
 * (examples/scheme-3task.json: AND/OR/XOR, 3 x 15,050 trials, T = 290, jitter 1..50) written as .npy
 * with the probe, its response windows and each seed's initial weights, so that bench/peers/ttc.ts
 * (ours) and bench/peers/torch_ttc.py (PyTorch) train on exactly the same trials from the same start.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy, encodeNpy } from '../../nodes/lib/npy.ts';
import { authorsThreeTaskDataset } from '../../nodes/analysis/tools/three-task.ts';
import { createCtrnn, kerasForm } from '../../nodes/model/ctrnn.ts';
import { responseWindows } from '../../nodes/train/criterion.ts';
import { batchOrder } from '../../nodes/train/trainer.ts';
import { makeDataset, type Dataset } from '../../nodes/ports/dataset.ts';

/** The authors' 3-task dataset, made by the same blocks as examples/scheme-3task.json. */
export function threeTaskDataset(samplesPerTask = 15050): Promise<Dataset> {
  return authorsThreeTaskDataset(samplesPerTask);
}

const f32 = (a: Float32Array, shape: number[]) => encodeNpy(a, shape);

/** Write the dataset, probe and windows to `dir`. */
export function writeDataset(dir: string, d: Dataset, delay: number): void {
  mkdirSync(dir, { recursive: true });
  const p = d.probe;
  if (!p) throw new Error('the 3-task dataset has no probe');
  writeFileSync(join(dir, 'inputs.npy'), f32(d.inputs, [d.samples, d.T, d.channels]));
  writeFileSync(join(dir, 'targets.npy'), f32(d.targets, [d.samples, d.T, d.outputs]));
  writeFileSync(join(dir, 'mask.npy'), f32(d.mask, [d.samples, d.T]));
  writeFileSync(join(dir, 'probe_inputs.npy'), f32(p.inputs, [p.samples, p.T, p.channels]));
  writeFileSync(join(dir, 'probe_targets.npy'), f32(p.targets, [p.samples, p.T, p.outputs]));
  writeFileSync(join(dir, 'probe_mask.npy'), f32(p.mask, [p.samples, p.T]));
  const meta = {
    samples: d.samples,
    T: d.T,
    channels: d.channels,
    outputs: d.outputs,
    testCount: d.testCount,
    channelNames: d.channelNames,
    tasks: d.tasks,
    probeConditions: p.conditions,
    windows: responseWindows(p, delay),
  };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
}

/** Read back what {@link writeDataset} wrote, as a Dataset. */
export function readDataset(dir: string): Dataset {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as {
    samples: number;
    T: number;
    channels: number;
    outputs: number;
    testCount: number;
    channelNames: string[];
    tasks: string[];
    probeConditions: Dataset['conditions'];
  };
  const rd = (f: string) => decodeNpy(new Uint8Array(readFileSync(join(dir, f)))).data as Float32Array;
  const base = {
    T: meta.T,
    channels: meta.channels,
    outputs: meta.outputs,
    channelNames: meta.channelNames,
    tasks: meta.tasks,
    provenance: { bench: 'ttc' },
  };
  const probe = makeDataset({
    ...base,
    samples: meta.probeConditions.length,
    inputs: rd('probe_inputs.npy'),
    targets: rd('probe_targets.npy'),
    mask: rd('probe_mask.npy'),
    conditions: meta.probeConditions,
  });
  // The training trials' labels are not needed by the trainer: the defaults stand in for them.
  return makeDataset({
    ...base,
    samples: meta.samples,
    inputs: rd('inputs.npy'),
    targets: rd('targets.npy'),
    mask: rd('mask.npy'),
    testCount: meta.testCount,
    probe,
  });
}

/** Initialisation choices a recipe may make (model.ctrnn params); the rest is the Keras form. */
export interface InitChoice {
  useBias?: boolean;
  inputInit?: 'glorot-uniform' | 'lecun-normal';
  gain?: number;
}

/** File-name tag of an initialisation ('' for the Keras defaults); torch_ttc.py builds the same. */
export function initTag(c: InitChoice): string {
  return `${c.inputInit && c.inputInit !== 'glorot-uniform' ? `_${c.inputInit}` : ''}${c.gain !== undefined && c.gain !== 1 ? `_g${c.gain}` : ''}`;
}

/** The model both sides start from: model.ctrnn's initialisation for (N, seed, init choices). */
export function initialModel(d: Pick<Dataset, 'channels' | 'outputs'>, N: number, seed: number, c: InitChoice = {}) {
  return createCtrnn(
    {
      ...kerasForm(N, d.channels, d.outputs, seed),
      useBias: c.useBias ?? false,
      gain: c.gain ?? 1,
      inputInit: c.inputInit ?? 'glorot-uniform',
    },
    { bench: 'ttc' },
  );
}

/**
 * Write the initial weights of {@link initialModel} (the Keras form: alpha 1, tanh, orthogonal W_rec,
 * Glorot W_in/W_out unless the recipe chooses otherwise), which both sides of the benchmark start from.
 */
export function writeInitialWeights(
  dir: string,
  d: Pick<Dataset, 'channels' | 'outputs'>,
  N: number,
  seed: number,
  c: InitChoice = {},
): void {
  const w = initialModel(d, N, seed, c).weights;
  const tag = `${N}_${seed}${initTag(c)}`;
  writeFileSync(join(dir, `W_rec_${tag}.npy`), encodeNpy(w.W_rec, [N, N]));
  writeFileSync(join(dir, `W_in_${tag}.npy`), encodeNpy(w.W_in, [N, d.channels]));
  writeFileSync(join(dir, `W_out_${tag}.npy`), encodeNpy(w.W_out, [d.outputs, N]));
}

/** File name of a seed's batch sequence (batch size B), written by {@link writeBatchOrder}. */
export const batchFile = (seed: number, B: number): string => `batches_${seed}_B${B}.npy`;

/**
 * Write the sequence of sample indices our trainer draws for `seed` (batch size B) over `steps`
 * steps, as int32 [steps, B]: the PyTorch peer trains on the same batches in the same order, so the
 * two sides differ only in their arithmetic.
 */
export function writeBatchOrder(dir: string, d: Dataset, seed: number, B: number, steps: number): void {
  const all = new Int32Array(steps * B);
  const o = batchOrder(d, seed, B);
  for (let s = 0; s < steps; s++) o.next(all.subarray(s * B, (s + 1) * B));
  writeFileSync(join(dir, batchFile(seed, B)), encodeNpy(all, [steps, B]));
}
