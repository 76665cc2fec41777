/**
 * What every task generator shares: the common params, balanced condition lists, the trial loop
 * (render noise-free, then add noise), the noise-free probe, and timing checks.
 */
import { int, num, type ParamIssue } from '../../core/index.ts';
import type { ConditionLabel, Dataset } from '../ports/index.ts';
import { deriveSeed, Rng } from '../lib/rng.ts';

/** The authors' split: the first 50 of 15,050 samples are the test set. */
export const AUTHORS_TEST_FRACTION = 50 / 15050;

/** Params every task block has. */
export function commonParams() {
  return {
    samples: int(0, 1_000_000, 15050, { description: 'Number of trials (the authors: 15,050 per task).' }),
    seed: int(0, 2 ** 31 - 1, 1, { description: 'Seed of the generator: the same seed gives bit-identical data.' }),
    testFraction: num(0, 0.99, AUTHORS_TEST_FRACTION, {
      description: 'Fraction of samples held out as the test set, placed first (the authors: 50 of 15,050).',
    }),
  };
}

/** Number of held-out test samples for a sample count and test fraction. */
export function testCountOf(samples: number, testFraction: number): number {
  return Math.round(samples * testFraction);
}

/** A task's trial renderer: everything the shared generator loop needs. */
export interface TrialRenderer {
  /** Task name (the block type without `task.`). */
  task: string;
  T: number;
  channelNames: string[];
  outputNames: string[];
  /**
   * Write one noise-free trial. `x` is [T, channels] and `y` is [T, outputs] (row-major views into
   * the dataset), both zero on entry.
   */
  render(label: ConditionLabel, x: Float32Array, y: Float32Array): void;
}

/** How the samples' labels and noise are made. */
export interface GenerateOptions {
  samples: number;
  seed: number;
  testFraction: number;
  inputNoise: number;
  targetNoise: number;
  /** Labels for n trials (balanced or random), drawn from rng. */
  labels(n: number, rng: Rng): ConditionLabel[];
  /** The distinct noise-free conditions (the probe). */
  probeLabels: ConditionLabel[];
  provenance: Record<string, unknown>;
  signal?: AbortSignal;
}

/**
 * Labels for n trials with every condition equally often (the first n mod k conditions once more),
 * in a seeded random order.
 */
export function balancedLabels(distinct: readonly ConditionLabel[], n: number, rng: Rng): ConditionLabel[] {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i % distinct.length;
  rng.shuffle(order);
  return Array.from(order, (k) => distinct[k] as ConditionLabel);
}

/** Let the event loop run (cancellation, progress) between chunks of work. */
export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** Throw the standard cancellation error when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new Error(`${what} cancelled`);
}

/** Trials per chunk between event-loop turns (~10-30 ms of work). */
const CHUNK = 2048;

/** Fill a dataset's arrays from labels; adds noise from rng when the std is positive. */
async function fill(
  r: TrialRenderer,
  labels: readonly ConditionLabel[],
  inputNoise: number,
  targetNoise: number,
  rng: Rng | undefined,
  signal?: AbortSignal,
): Promise<Pick<Dataset, 'inputs' | 'targets' | 'mask'>> {
  const n = labels.length;
  const C = r.channelNames.length;
  const O = r.outputNames.length;
  const inputs = new Float32Array(n * r.T * C);
  const targets = new Float32Array(n * r.T * O);
  const mask = new Float32Array(n * r.T).fill(1);
  for (let i0 = 0; i0 < n; i0 += CHUNK) {
    if (i0 > 0) await tick();
    throwIfAborted(signal, `${r.task} generation`);
    const i1 = Math.min(n, i0 + CHUNK);
    for (let i = i0; i < i1; i++)
      r.render(
        labels[i] as ConditionLabel,
        inputs.subarray(i * r.T * C, (i + 1) * r.T * C),
        targets.subarray(i * r.T * O, (i + 1) * r.T * O),
      );
  }
  // Noise after all clean trials, inputs first: the order of draws is part of the seed's meaning.
  for (const [a, std, width] of [
    [inputs, inputNoise, r.T * C],
    [targets, targetNoise, r.T * O],
  ] as const) {
    if (rng === undefined || !(std > 0)) continue;
    for (let i0 = 0; i0 < n; i0 += CHUNK) {
      await tick();
      throwIfAborted(signal, `${r.task} generation`);
      const end = Math.min(n, i0 + CHUNK) * width;
      for (let k = i0 * width; k < end; k++) a[k] = (a[k] as number) + std * rng.normal();
    }
  }
  return { inputs, targets, mask };
}

/**
 * Generate a task dataset: test labels then training labels (each part balanced on its own), the
 * noise-free trials, then input and target noise, all from one generator seeded with
 * `deriveSeed(seed, task)` (so tasks given the same seed still get independent streams).
 */
export async function generateTaskDataset(r: TrialRenderer, o: GenerateOptions): Promise<Dataset> {
  const rng = new Rng(deriveSeed(o.seed, r.task));
  const testCount = testCountOf(o.samples, o.testFraction);
  const labels = [...o.labels(testCount, rng), ...o.labels(o.samples - testCount, rng)];
  const arrays = await fill(r, labels, o.inputNoise, o.targetNoise, rng, o.signal);
  const base = {
    T: r.T,
    channels: r.channelNames.length,
    outputs: r.outputNames.length,
    channelNames: [...r.channelNames],
    outputNames: [...r.outputNames],
    dt: 1,
    seed: o.seed,
    tasks: [r.task],
    provenance: o.provenance,
  };
  const probe: Dataset = {
    ...base,
    samples: o.probeLabels.length,
    ...(await fill(r, o.probeLabels, 0, 0, undefined)),
    conditions: o.probeLabels.map((l) => ({ ...l })),
    testCount: 0,
    provenance: { ...o.provenance, probe: true },
  };
  return { ...base, samples: o.samples, ...arrays, conditions: labels, testCount, probe };
}

/**
 * The most memory one generated dataset may take (inputs, targets and mask, float32), 2 GiB: a
 * larger one fails deep inside the generator ("Invalid typed array length") or exhausts memory, so
 * validation refuses it first. Documented in docs/pipeline-format.md.
 */
export const DATASET_MEMORY_BUDGET = 2 * 2 ** 30;

/** Bytes of a dataset of `samples` trials of `T` steps with `channels` inputs and `outputs` targets. */
export function datasetBytes(samples: number, T: number, channels: number, outputs: number): number {
  return 4 * samples * T * (channels + outputs + 1);
}

/**
 * `samples` x `T` against {@link DATASET_MEMORY_BUDGET}; reported on `samples`, naming both params
 * (`tName` is how the task calls its trial length: `T`, or the timing params that sum to it).
 */
export function checkDatasetSize(
  samples: number,
  T: number,
  channels: number,
  outputs: number,
  tName = 'T',
): ParamIssue[] {
  const bytes = datasetBytes(samples, T, channels, outputs);
  if (bytes <= DATASET_MEMORY_BUDGET) return [];
  const gib = (b: number): string => `${(b / 2 ** 30).toFixed(b < 10 * 2 ** 30 ? 2 : 0)} GiB`;
  return [
    {
      param: 'samples',
      message: `samples x ${tName} = ${samples} x ${T} steps needs ${gib(bytes)} for the dataset (inputs, targets and mask), more than the ${gib(DATASET_MEMORY_BUDGET)} a dataset may take; lower samples or ${tName}`,
    },
  ];
}

/** Problems with samples / testFraction common to every task. */
export function checkSamples(p: { samples: number; testFraction: number }): ParamIssue[] {
  if (p.samples === 0)
    return [
      { param: 'samples', message: 'samples = 0 gives an empty dataset; use at least 1 trial (the authors: 15050)' },
    ];
  const tc = testCountOf(p.samples, p.testFraction);
  if (tc >= p.samples)
    return [
      {
        param: 'testFraction',
        message: `testFraction = ${p.testFraction} holds out all ${p.samples} samples and leaves none to train on; lower it`,
      },
    ];
  return [];
}

/**
 * A window [start, start + width) must lie inside the trial [0, T): a start outside is reported on
 * `startParam`; a window that runs past the end is reported on `T` (too short for the timing).
 */
export function checkWindow(
  issues: ParamIssue[],
  what: string,
  startParam: string,
  start: number,
  end: number,
  T: number,
): void {
  if (start >= T)
    issues.push({
      param: startParam,
      message: `${startParam} = ${start} puts the ${what} outside the trial [0, ${T}); it must be below T = ${T}`,
    });
  else if (end > T)
    issues.push({
      param: 'T',
      message: `T = ${T} is too short: the ${what} runs to step ${end}; raise T to at least ${end} or move the ${what} earlier`,
    });
}

/** The response must start inside the trial (leaving at least one response step). */
export function checkResponseStart(issues: ParamIssue[], start: number, T: number, how: string): void {
  if (start >= T)
    issues.push({
      param: 'T',
      message: `T = ${T} is too short: the response starts at step ${start} (${how}); raise T above ${start} or shorten memGap`,
    });
}
