/**
 * `task.time-reproduction` (the poster's "pulse memory"): a smoothed pulse, present or absent, must
 * be reproduced as a bump after a memory gap.
 *
 * Jarne & Laje, code_paper_rep/generate_data_set_time_pulse.py: stimulus = a box of stimWidth ones
 * convolved ('same') with Hann(10) and divided by the window's sum, at [50, 70); target baseline
 * 0.045 and, over [70 + memGap, 90 + memGap), ones(20) (or zeros when absent) convolved ('same') with
 * 0.055 * gaussian(20, std 12), peak ~0.985; noise N(0, 0.03) on input and target; T = 300.
 */
import { defineBlock, int, num, schema, type ParamIssue, type Static } from '../../core/index.ts';
import { DatasetPort, type ConditionLabel } from '../ports/index.ts';
import { convolveSame, gaussian, smoothedBox } from '../lib/signal.ts';
import {
  balancedLabels,
  checkResponseStart,
  checkDatasetSize,
  checkSamples,
  checkWindow,
  commonParams,
  generateTaskDataset,
} from './common.ts';

const params = schema({
  ...commonParams(),
  T: int(1, 100_000, 300, { description: 'Trial length in steps.', unit: 'steps' }),
  stimStart: int(0, 100_000, 50, { description: 'First step of the stimulus.', unit: 'steps' }),
  stimWidth: int(1, 100_000, 20, {
    description: 'Width of the stimulus box and of the reproduced bump.',
    unit: 'steps',
  }),
  memGap: int(0, 100_000, 20, {
    description: 'Steps between the end of the stimulus and the start of the bump (mem_gap).',
    unit: 'steps',
  }),
  hann: int(0, 1000, 10, {
    description: 'Length of the Hann window smoothing the stimulus (0 or 1: no smoothing).',
    unit: 'steps',
  }),
  amplitude: num(-100, 100, 1, { description: 'Height of the (smoothed) stimulus.' }),
  bumpScale: num(0, 100, 0.055, { description: 'Scale of the Gaussian kernel the target bump is convolved with.' }),
  bumpStd: num(0.01, 1000, 12, { description: 'Std of the Gaussian kernel (steps).', unit: 'steps' }),
  baseline: num(-10, 10, 0.045, { description: 'Target outside the bump window.' }),
  inputNoise: num(0, 10, 0.03, { description: 'Std of Gaussian noise added to every input step.' }),
  targetNoise: num(0, 10, 0.03, { description: 'Std of Gaussian noise added to every target step.' }),
});

export type TimeReproductionParams = Static<typeof params>;

/** First response (bump) step and trial length. */
export function timeReproductionTiming(p: { T: number; stimStart: number; stimWidth: number; memGap: number }): {
  T: number;
  responseStart: number;
} {
  return { T: p.T, responseStart: p.stimStart + p.stimWidth + p.memGap };
}

/** Conditions: pulse absent (0), present (1). */
export function timeReproductionConditions(): ConditionLabel[] {
  return [0, 1].map((v) => ({
    task: 'time-reproduction',
    inputValues: [v],
    jitter: 0,
    key: `time-reproduction pulse=${v}`,
  }));
}

export const timeReproductionTask = defineBlock({
  type: 'task.time-reproduction',
  version: 1,
  title: 'Time reproduction (pulse memory)',
  category: 'Tasks',
  description:
    'A Hann-smoothed pulse, present or absent, at [stimStart, stimStart+stimWidth); the target is a bump of the same width ' +
    'over [stimStart+stimWidth+memGap, +stimWidth): a box convolved with bumpScale * gaussian(stimWidth, bumpStd). ' +
    "Defaults are the authors' (Jarne & Laje, generate_data_set_time_pulse.py): pulse at [50, 70), Hann(10), bump at [90, 110), " +
    'baseline 0.045, noise 0.03 on input and target, T = 300.',
  inputs: {},
  outputs: { dataset: DatasetPort },
  params,
  validate: (p) => {
    const issues: ParamIssue[] = [...checkSamples(p), ...checkDatasetSize(p.samples, p.T, 1, 1)];
    checkWindow(issues, 'stimulus', 'stimStart', p.stimStart, p.stimStart + p.stimWidth, p.T);
    const { responseStart } = timeReproductionTiming(p);
    checkResponseStart(issues, responseStart, p.T, 'stimStart + stimWidth + memGap');
    if (responseStart < p.T && responseStart + p.stimWidth > p.T)
      issues.push({
        param: 'T',
        message: `T = ${p.T} is too short: the target bump runs to step ${responseStart + p.stimWidth}; raise T to at least that or shorten memGap`,
      });
    return issues;
  },
  run: async ({ params: p, signal }) => {
    const stim = smoothedBox(p.stimWidth, p.hann);
    const bump = convolveSame(
      new Float64Array(p.stimWidth).fill(1),
      gaussian(p.stimWidth, p.bumpStd).map((g) => p.bumpScale * g),
    );
    const { responseStart } = timeReproductionTiming(p);
    const distinct = timeReproductionConditions();
    const dataset = await generateTaskDataset(
      {
        task: 'time-reproduction',
        T: p.T,
        channelNames: ['stimulus'],
        outputNames: ['output'],
        render: (label, x, y) => {
          const present = label.inputValues[0] === 1;
          y.fill(p.baseline);
          // Absent: the authors convolve zeros, so the window is 0 (not the baseline).
          for (let i = 0; i < p.stimWidth; i++) {
            if (present) x[p.stimStart + i] = p.amplitude * (stim[i] as number);
            y[responseStart + i] = present ? (bump[i] as number) : 0;
          }
        },
      },
      {
        samples: p.samples,
        seed: p.seed,
        testFraction: p.testFraction,
        inputNoise: p.inputNoise,
        targetNoise: p.targetNoise,
        labels: (n, rng) => balancedLabels(distinct, n, rng),
        probeLabels: distinct,
        provenance: { block: 'task.time-reproduction', version: 1, params: p },
        signal,
      },
    );
    return { dataset };
  },
});
