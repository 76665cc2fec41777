/**
 * `task.oscillation`: a smoothed trigger pulse, present or absent, must be answered by an
 * oscillation.
 *
 * Jarne & Laje, code_paper_rep/generate_data_set_oscilator.py: trigger = a 40-step box convolved
 * ('same') with Hann(15) / sum, at [100, 140); T = first_in + 2 * stim_dur + mem_gap + out_gap
 * = 220 + mem_gap; target window [160, T - 40) of length L holds ones(L) (zeros when absent)
 * convolved ('same') with sin(2 pi 12 x / T), x = 0..T-1, all scaled by 0.2 (so the 0.01 baseline
 * becomes 0.002): a sinusoid of period T/12. Input noise N(0, 0.1), none on the target.
 * When L is a whole number of periods the window sums cancel and the target is ~0 (mem_gap = 20:
 * L = 40 = 2 periods); the authors' trained oscillator used mem_gap = 200 (T = 420, period 35),
 * which is the default here.
 */
import { defineBlock, int, num, schema, type ParamIssue, type Static } from '../../core/index.ts';
import { DatasetPort, type ConditionLabel } from '../ports/index.ts';
import { convolveSame, smoothedBox } from '../lib/signal.ts';
import { balancedLabels, checkDatasetSize, checkSamples, checkWindow, commonParams, generateTaskDataset } from './common.ts';

const params = schema({
  ...commonParams(),
  stimStart: int(0, 100_000, 100, { description: 'First step of the trigger pulse.', unit: 'steps' }),
  stimWidth: int(1, 100_000, 40, { description: 'Width of the trigger pulse.', unit: 'steps' }),
  memGap: int(0, 100_000, 200, {
    description: "The authors' mem_gap: sets T = stimStart + 2*stimWidth + memGap + endGap (220 + memGap by default).",
    unit: 'steps',
  }),
  responseDelay: int(0, 100_000, 20, {
    description: 'Steps from the end of the trigger to the start of the oscillation.',
    unit: 'steps',
  }),
  endGap: int(0, 100_000, 40, {
    description: 'The oscillation stops this many steps before the end of the trial (out_gap).',
    unit: 'steps',
  }),
  cycles: num(0.01, 10_000, 12, {
    description: 'Cycles of the sine kernel over the trial: the period is T / cycles (frec).',
  }),
  hann: int(0, 1000, 15, {
    description: 'Length of the Hann window smoothing the trigger (0 or 1: no smoothing).',
    unit: 'steps',
  }),
  amplitude: num(-100, 100, 1, { description: 'Height of the (smoothed) trigger.' }),
  targetScale: num(0, 100, 0.2, { description: 'Scale of the target oscillation.' }),
  baseline: num(-10, 10, 0.002, {
    description: "Target outside the oscillation window (the authors' 0.01 times 0.2).",
  }),
  inputNoise: num(0, 10, 0.1, { description: 'Std of Gaussian noise added to every input step.' }),
  targetNoise: num(0, 10, 0, {
    description: "Std of Gaussian noise added to every target step (0 in the authors' code).",
  }),
});

export type OscillationParams = Static<typeof params>;

type TimingParams = Pick<OscillationParams, 'stimStart' | 'stimWidth' | 'memGap' | 'responseDelay' | 'endGap'>;

/** Trial length, oscillation window [responseStart, responseEnd). */
export function oscillationTiming(p: TimingParams): { T: number; responseStart: number; responseEnd: number } {
  const T = p.stimStart + 2 * p.stimWidth + p.memGap + p.endGap;
  return { T, responseStart: p.stimStart + p.stimWidth + p.responseDelay, responseEnd: T - p.endGap };
}

/** The noise-free target over the oscillation window for a present trigger (before the baseline). */
export function oscillationWindow(p: TimingParams & Pick<OscillationParams, 'cycles' | 'targetScale'>): Float64Array {
  const { T, responseStart, responseEnd } = oscillationTiming(p);
  const L = Math.max(0, responseEnd - responseStart);
  const kernel = new Float64Array(T);
  for (let x = 0; x < T; x++) kernel[x] = Math.sin(2 * Math.PI * (p.cycles / T) * x);
  const w = convolveSame(new Float64Array(L).fill(1), kernel);
  for (let i = 0; i < L; i++) w[i] = p.targetScale * (w[i] as number);
  return w;
}

/** Whole periods in the window when the target degenerates, else undefined. */
export function oscillationDegenerate(p: TimingParams & Pick<OscillationParams, 'cycles'>): number | undefined {
  const { T, responseStart, responseEnd } = oscillationTiming(p);
  const periods = ((responseEnd - responseStart) * p.cycles) / T;
  return Math.abs(periods - Math.round(periods)) < 1e-9 ? Math.round(periods) : undefined;
}

/** Conditions: trigger absent (0), present (1). */
export function oscillationConditions(): ConditionLabel[] {
  return [0, 1].map((v) => ({ task: 'oscillation', inputValues: [v], jitter: 0, key: `oscillation pulse=${v}` }));
}

export const oscillationTask = defineBlock({
  type: 'task.oscillation',
  version: 1,
  title: 'Oscillation',
  category: 'Tasks',
  description:
    'A Hann-smoothed trigger, present or absent; the target oscillates over [stimStart+stimWidth+responseDelay, T-endGap) with ' +
    'period T/cycles (the window of ones convolved with a sine, scaled by targetScale). T = stimStart + 2*stimWidth + memGap + endGap. ' +
    "Defaults are the authors' trained oscillator (Jarne & Laje, generate_data_set_oscilator.py with mem_gap = 200): trigger at " +
    '[100, 140), Hann(15), oscillation over [160, 380), T = 420, period 35, input noise 0.1. Warns when the window holds a whole ' +
    'number of periods (the target then cancels to ~0).',
  inputs: {},
  outputs: { dataset: DatasetPort },
  params,
  validate: (p) => {
    const { T, responseStart, responseEnd } = oscillationTiming(p);
    const issues: ParamIssue[] = [...checkSamples(p), ...checkDatasetSize(p.samples, T, 1, 1, 'T (stimStart + 2 stimWidth + memGap + endGap)')];
    checkWindow(issues, 'trigger', 'stimStart', p.stimStart, p.stimStart + p.stimWidth, T);
    if (responseStart >= responseEnd)
      issues.push({
        param: 'memGap',
        message: `the oscillation window [${responseStart}, ${responseEnd}) is empty: T = ${T} is too short for responseDelay = ${p.responseDelay} and endGap = ${p.endGap}; raise memGap`,
      });
    return issues;
  },
  run: async (ctx) => {
    const { params: p, signal } = ctx;
    const { T, responseStart, responseEnd } = oscillationTiming(p);
    const stim = smoothedBox(p.stimWidth, p.hann);
    const osc = oscillationWindow(p);
    const periods = oscillationDegenerate(p);
    if (periods !== undefined) {
      let peak = 0;
      for (const v of osc) peak = Math.max(peak, Math.abs(v));
      ctx.warn(
        `oscillation target degenerates: the window [${responseStart}, ${responseEnd}) holds exactly ${periods} periods of T/cycles = ${(T / p.cycles).toFixed(3)} steps, ` +
          `so the target cancels (peak |y| = ${peak.toExponential(2)}); change memGap (the authors' trained oscillator used memGap = 200)`,
      );
    }
    const distinct = oscillationConditions();
    const dataset = await generateTaskDataset(
      {
        task: 'oscillation',
        T,
        channelNames: ['stimulus'],
        outputNames: ['output'],
        render: (label, x, y) => {
          const present = label.inputValues[0] === 1;
          y.fill(p.baseline);
          if (present) for (let i = 0; i < p.stimWidth; i++) x[p.stimStart + i] = p.amplitude * (stim[i] as number);
          for (let t = responseStart; t < responseEnd; t++) y[t] = present ? (osc[t - responseStart] as number) : 0;
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
        provenance: { block: 'task.oscillation', version: 1, params: p },
        signal,
      },
    );
    return { dataset };
  },
});
