/**
 * The gate tasks (AND, OR, XOR with inputs A and B; NOT with A only) differ only by their truth
 * function, their baseline and their trial length: this file builds all four from one definition.
 *
 * Timing (Jarne & Laje, code_paper_rep/generate_data_set_{and,or,xor,not}.py): the input pulses
 * (A and B together) occupy [stimStart, stimStart + stimWidth); the target is `baseline` before
 * stimStart + stimWidth + memGap and f(A, B) from there to the end of the trial.
 */
import { defineBlock, num, schema, int, type ParamIssue, type Static } from '../../core/index.ts';
import { DatasetPort, type ConditionLabel } from '../ports/index.ts';
import {
  balancedLabels,
  checkResponseStart,
  checkDatasetSize,
  checkSamples,
  checkWindow,
  commonParams,
  generateTaskDataset,
} from './common.ts';

/** What makes one gate task. */
export interface GateSpec {
  /** Task name: `and`, `or`, `xor`, `not`. */
  name: string;
  title: string;
  /** Number of inputs (2, or 1 for NOT). */
  arity: 1 | 2;
  /** Truth function of the input values (0/1). */
  f: (v: readonly number[]) => number;
  /** The authors' baseline and trial length. */
  baseline: number;
  T: number;
  description: string;
}

/** The gate params (the authors' values as defaults). */
export function gateParams(spec: Pick<GateSpec, 'baseline' | 'T'>) {
  return schema({
    ...commonParams(),
    T: int(1, 100_000, spec.T, { description: 'Trial length in steps.', unit: 'steps' }),
    stimStart: int(0, 100_000, 30, { description: 'First step of the input pulses.', unit: 'steps' }),
    stimWidth: int(1, 100_000, 20, { description: 'Width of the input pulses.', unit: 'steps' }),
    memGap: int(0, 100_000, 20, {
      description: 'Steps between the end of the pulses and the start of the response (mem_gap).',
      unit: 'steps',
    }),
    amplitude: num(-100, 100, 1, { description: 'Height of a pulse for an input value of 1.' }),
    baseline: num(-10, 10, spec.baseline, { description: 'Target before the response starts.' }),
    inputNoise: num(0, 10, 0, {
      description: "Std of Gaussian noise added to every input step (0 in the authors' gate datasets).",
    }),
  });
}

export type GateParams = Static<ReturnType<typeof gateParams>>;

/** First response step of a gate task. */
export function gateTiming(p: { T: number; stimStart: number; stimWidth: number; memGap: number }): {
  T: number;
  responseStart: number;
} {
  return { T: p.T, responseStart: p.stimStart + p.stimWidth + p.memGap };
}

/** Input names of a gate task. */
function inputNames(arity: 1 | 2): string[] {
  return arity === 2 ? ['A', 'B'] : ['A'];
}

/** The distinct conditions in the authors' order: A = 0,1,0,1 and B = 0,0,1,1 (NOT: A = 0, 1). */
export function gateConditions(name: string, arity: 1 | 2): ConditionLabel[] {
  const values =
    arity === 2
      ? [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ]
      : [[0], [1]];
  const names = inputNames(arity);
  return values.map((v) => ({
    task: name,
    inputValues: v,
    jitter: 0,
    key: `${name} ${v.map((x, i) => `${names[i] as string}=${x}`).join(' ')}`,
  }));
}

/** Define a gate task block from its spec. */
export function defineGateBlock(spec: GateSpec) {
  const params = gateParams(spec);
  const names = inputNames(spec.arity);
  return defineBlock({
    type: `task.${spec.name}`,
    version: 1,
    title: spec.title,
    category: 'Tasks',
    description: spec.description,
    inputs: {},
    outputs: { dataset: DatasetPort },
    params,
    validate: (p) => {
      const issues: ParamIssue[] = [...checkSamples(p), ...checkDatasetSize(p.samples, p.T, spec.arity, 1)];
      checkWindow(issues, 'input pulse', 'stimStart', p.stimStart, p.stimStart + p.stimWidth, p.T);
      checkResponseStart(issues, gateTiming(p).responseStart, p.T, 'stimStart + stimWidth + memGap');
      return issues;
    },
    run: async ({ params: p, signal }) => {
      const { responseStart } = gateTiming(p);
      const C = spec.arity;
      const distinct = gateConditions(spec.name, spec.arity);
      const dataset = await generateTaskDataset(
        {
          task: spec.name,
          T: p.T,
          channelNames: names,
          outputNames: ['output'],
          render: (label, x, y) => {
            const v = label.inputValues;
            for (let c = 0; c < C; c++) {
              const a = p.amplitude * (v[c] as number);
              for (let t = p.stimStart; t < p.stimStart + p.stimWidth; t++) x[t * C + c] = a;
            }
            y.fill(p.baseline, 0, responseStart);
            y.fill(spec.f(v), responseStart, p.T);
          },
        },
        {
          samples: p.samples,
          seed: p.seed,
          testFraction: p.testFraction,
          inputNoise: p.inputNoise,
          targetNoise: 0,
          labels: (n, rng) => balancedLabels(distinct, n, rng),
          probeLabels: distinct,
          provenance: { block: `task.${spec.name}`, version: 1, params: p },
          signal,
        },
      );
      return { dataset };
    },
  });
}
