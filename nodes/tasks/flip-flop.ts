/**
 * `task.flip-flop`: 1 to 3 independent bits, each with a reset and a set channel; the output of a
 * bit holds the value named by its last pulse.
 *
 * Jarne & Laje, generate_data_set.py (the flip-flop generator): 8 turns of stim_dur + quiet_gap =
 * 120 steps, the first at 50; at each turn one of the two channels fires (chosen at random) for 20
 * steps; channel 0 drives the target to 0 and channel 1 to 1 (their plot labels channel 0 "Set", but
 * its pulse sets the output to 0, so here the channels are named by effect: [reset, set]); the target
 * is 0.01 until the first response and holds the turn's value over
 * [pulse end + mem_gap, next pulse end + mem_gap); T = 50 + 7*120 + 20 + 100 = 1010; input noise
 * N(0, 0.1). With bits > 1 every bit gets its own pair of channels and output and its own choices.
 *
 * Two options beyond the authors' generator, both off by default, for the Sussillo & Barak (2013)
 * form of the task: `pulseProbability` < 1 leaves a bit silent at a turn (it then holds its value
 * through that turn's window, so holds last several turns and a bit holds while the others flip),
 * and `resetValue` = -1 gives the +-1 outputs whose memories are symmetric about the origin.
 */
import { defineBlock, int, num, schema, type ParamIssue, type Static } from '../../core/index.ts';
import { DatasetPort, type ConditionLabel } from '../ports/index.ts';
import type { Rng } from '../lib/rng.ts';
import { checkDatasetSize, checkSamples, checkWindow, checkResponseStart, commonParams, generateTaskDataset } from './common.ts';

const params = schema({
  ...commonParams(),
  bits: int(1, 3, 1, {
    description: 'Number of independent flip-flops (each: a reset and a set channel, one output).',
  }),
  T: int(1, 100_000, 1010, { description: 'Trial length in steps.', unit: 'steps' }),
  turns: int(1, 1000, 8, { description: 'Pulses per bit per trial (nturns).' }),
  firstTurn: int(0, 100_000, 50, { description: 'First step of the first pulse (input_wait).', unit: 'steps' }),
  stimWidth: int(1, 100_000, 20, { description: 'Width of every pulse.', unit: 'steps' }),
  quietGap: int(0, 100_000, 100, {
    description: 'Quiet steps after each pulse: a turn lasts stimWidth + quietGap.',
    unit: 'steps',
  }),
  memGap: int(0, 100_000, 20, {
    description: 'Steps from the end of a pulse to the switch of the target (mem_gap).',
    unit: 'steps',
  }),
  amplitude: num(-100, 100, 1, { description: 'Height of a pulse.' }),
  baseline: num(-10, 10, 0.01, { description: 'Target before the first response.' }),
  inputNoise: num(0, 10, 0.1, { description: 'Std of Gaussian noise added to every input step.' }),
  pulseProbability: num(0, 1, 1, {
    description:
      'Chance that a bit gets a pulse at a turn (1: every turn, the authors). A silent turn holds the previous value (the ' +
      'baseline before the first pulse), so holds last several turns and one bit holds while others flip (Sussillo & Barak 2013).',
  }),
  resetValue: num(-10, 10, 0, {
    description: 'Output a reset pulse asks for (0; Sussillo & Barak 2013: -1 with baseline 0). A set asks for 1.',
  }),
});

export type FlipFlopParams = Static<typeof params>;

type TimingParams = Pick<FlipFlopParams, 'T' | 'turns' | 'firstTurn' | 'stimWidth' | 'quietGap' | 'memGap'>;

/** Turn length, first response step, and where the last pulse ends. */
export function flipFlopTiming(p: TimingParams): {
  T: number;
  responseStart: number;
  turnLength: number;
  lastPulseEnd: number;
} {
  const turnLength = p.stimWidth + p.quietGap;
  return {
    T: p.T,
    turnLength,
    responseStart: p.firstTurn + p.stimWidth + p.memGap,
    lastPulseEnd: p.firstTurn + (p.turns - 1) * turnLength + p.stimWidth,
  };
}

function label(bits: number, turns: number, values: number[]): ConditionLabel {
  const parts: string[] = [];
  for (let b = 0; b < bits; b++)
    parts.push(
      `${bits > 1 ? `b${b}=` : ''}${values
        .slice(b * turns, (b + 1) * turns)
        .map((v) => (v === SILENT ? '.' : String(v)))
        .join('')}`,
    );
  return { task: 'flip-flop', inputValues: values, jitter: 0, key: `flip-flop ${parts.join(' ')}` };
}

/** inputValues entry of a turn at which the bit gets no pulse. */
export const SILENT = -1;

/**
 * Random labels: every bit, every turn, reset (0) or set (1) with probability 1/2; with
 * pulseProbability < 1 the turn is first silent (SILENT) with probability 1 - pulseProbability.
 */
function randomLabels(bits: number, turns: number, n: number, rng: Rng, pulseProbability = 1): ConditionLabel[] {
  const out: ConditionLabel[] = [];
  for (let i = 0; i < n; i++) {
    const v: number[] = [];
    for (let k = 0; k < bits * turns; k++)
      v.push(pulseProbability < 1 && rng.uniform() >= pulseProbability ? SILENT : rng.uniform() < 0.5 ? 0 : 1);
    out.push(label(bits, turns, v));
  }
  return out;
}

/**
 * The probe: 4 fixed patterns that together contain every transition (0->0, 0->1, 1->0, 1->1) and
 * both first values: alternating from 1, alternating from 0, pairs from 1 (1100...), pairs from 0.
 * Bit b of probe trial k uses pattern (k + b) mod 4, so the bits of one trial differ. Those 4 trials
 * never hold all bits equal (patterns k and k + 1 are each other's complement at every turn), so
 * with bits > 1 two more trials follow in which every bit alternates from 1, and every bit goes in
 * pairs from 0: the probe then visits all 2^bits patterns (000 and 111 too).
 */
export function flipFlopProbeLabels(bits: number, turns: number): ConditionLabel[] {
  const patterns = [
    (i: number) => (i % 2 === 0 ? 1 : 0),
    (i: number) => (i % 2 === 0 ? 0 : 1),
    (i: number) => (Math.floor(i / 2) % 2 === 0 ? 1 : 0),
    (i: number) => (Math.floor(i / 2) % 2 === 0 ? 0 : 1),
  ];
  const out: ConditionLabel[] = [];
  for (let k = 0; k < 4; k++) {
    const v: number[] = [];
    for (let b = 0; b < bits; b++)
      for (let i = 0; i < turns; i++) v.push((patterns[(k + b) % 4] as (i: number) => number)(i));
    out.push(label(bits, turns, v));
  }
  if (bits > 1)
    for (const k of [0, 3]) {
      const v: number[] = [];
      for (let b = 0; b < bits; b++) for (let i = 0; i < turns; i++) v.push((patterns[k] as (i: number) => number)(i));
      out.push(label(bits, turns, v));
    }
  return out;
}

export const flipFlopTask = defineBlock({
  type: 'task.flip-flop',
  version: 1,
  title: 'Flip-flop (1-3 bits)',
  category: 'Tasks',
  description:
    "Each bit has a reset and a set channel; at every turn one of them pulses (at random) and the bit's output switches to 0 or 1 " +
    "memGap steps after the pulse ends and holds until the next switch. Defaults are the authors' (Jarne & Laje, generate_data_set.py): " +
    '8 turns of 120 steps from step 50, 20-step pulses, baseline 0.01, input noise 0.1, T = 1010. bits = 3 is the classic ' +
    '3-bit flip-flop (Sussillo & Barak 2013). pulseProbability < 1 (silent turns: longer, random holds) and resetValue = -1 ' +
    '(+-1 outputs, baseline 0) give their form of the task.',
  inputs: {},
  outputs: { dataset: DatasetPort },
  params,
  validate: (p) => {
    const issues: ParamIssue[] = [...checkSamples(p), ...checkDatasetSize(p.samples, p.T, 2 * p.bits, p.bits)];
    const t = flipFlopTiming(p);
    checkWindow(issues, 'pulse train', 'firstTurn', p.firstTurn, t.lastPulseEnd, p.T);
    checkResponseStart(issues, t.responseStart, p.T, 'firstTurn + stimWidth + memGap');
    return issues;
  },
  run: async ({ params: p, signal }) => {
    const t = flipFlopTiming(p);
    const C = 2 * p.bits;
    const O = p.bits;
    const channelNames: string[] = [];
    const outputNames: string[] = [];
    for (let b = 0; b < p.bits; b++) {
      const s = p.bits > 1 ? String(b) : '';
      channelNames.push(`reset${s}`, `set${s}`);
      outputNames.push(`output${s}`);
    }
    const dataset = await generateTaskDataset(
      {
        task: 'flip-flop',
        T: p.T,
        channelNames,
        outputNames,
        render: (l, x, y) => {
          for (let b = 0; b < p.bits; b++) {
            for (let s = 0; s < Math.min(t.responseStart, p.T); s++) y[s * O + b] = p.baseline;
            // The value held over each turn's window: that of the last pulse so far.
            let held = p.baseline;
            for (let i = 0; i < p.turns; i++) {
              const v = l.inputValues[b * p.turns + i] as number;
              const on = p.firstTurn + i * t.turnLength;
              if (v !== SILENT) {
                const c = 2 * b + v;
                for (let s = on; s < on + p.stimWidth; s++) x[s * C + c] = p.amplitude;
                held = v === 1 ? 1 : p.resetValue;
              }
              const from = on + p.stimWidth + p.memGap;
              const to = Math.min(p.T, from + t.turnLength);
              for (let s = from; s < to; s++) y[s * O + b] = held;
            }
          }
        },
      },
      {
        samples: p.samples,
        seed: p.seed,
        testFraction: p.testFraction,
        inputNoise: p.inputNoise,
        targetNoise: 0,
        labels: (n, rng) => randomLabels(p.bits, p.turns, n, rng, p.pulseProbability),
        probeLabels: flipFlopProbeLabels(p.bits, p.turns),
        provenance: { block: 'task.flip-flop', version: 1, params: p },
        signal,
      },
    );
    return { dataset };
  },
});
