/**
 * Context-dependent integration (Mante, Sussillo, Shenoy & Newsome 2013, "Context-dependent
 * computation by recurrent dynamics in prefrontal cortex", Nature 503: 78-84).
 *
 * Monkeys watched randomly moving coloured dots and reported, depending on a contextual cue, either
 * the dominant motion direction or the dominant colour, ignoring the other. The paper's network
 * received the same information: two noisy sensory inputs whose means are the signed motion and
 * colour coherences, and two contextual inputs (one on per trial) saying which one matters; it was
 * trained to output +1 or -1, the sign of the relevant coherence, at the end of the trial.
 *
 * A trial here (steps, `dt` ms each): fixation (only the context on), stimulus (coherence + Gaussian
 * noise on both sensory channels), an optional delay, then the response (target = sign of the
 * relevant coherence; 0 before). The contextual input is on for the whole trial. The loss mask is 1
 * in fixation and response and, by default, 0 during stimulus and delay: the output is free while
 * evidence is integrated (as Song, Yang & Wang 2016 trained this task).
 *
 * `contexts = 'both'` makes the full task (channels motion, colour, context:motion, context:colour);
 * `'motion'` or `'colour'` makes one context's trials without context channels (task
 * `mante-motion` / `mante-colour`), for `context.mux` to add them (e.g. one-hot encoding).
 */
import type { ConditionLabel, Dataset } from 'cortexflow/nodes';
import { deriveSeed, Rng } from 'cortexflow/nodes';

export type Modality = 'motion' | 'colour';

export interface ManteOptions {
  contexts: 'both' | Modality;
  /** Unsigned coherences; each is used with both signs. */
  coherences: number[];
  fixation: number;
  stimulus: number;
  delay: number;
  response: number;
  /** Std of the Gaussian noise added to each sensory input at each stimulus step. */
  inputNoise: number;
  /** Loss mask during stimulus and delay: 0 = output free (default), 1 = held at 0. */
  maskStimulus: boolean;
  samples: number;
  testFraction: number;
  dt: number;
  seed: number;
}

/** One distinct condition: which context, and the two signed coherences. */
export interface ManteCondition {
  context: Modality;
  motion: number;
  colour: number;
}

export const MODALITIES: readonly Modality[] = ['motion', 'colour'];

/** Trial length in steps. */
export function trialLength(o: Pick<ManteOptions, 'fixation' | 'stimulus' | 'delay' | 'response'>): number {
  return o.fixation + o.stimulus + o.delay + o.response;
}

/** The task name a dataset made with these options carries (what `context.mux` keys levels by). */
export function taskName(contexts: ManteOptions['contexts']): string {
  return contexts === 'both' ? 'mante' : `mante-${contexts}`;
}

/** Problems with the options, by param name. */
export function optionProblems(
  o: Pick<ManteOptions, 'coherences' | 'stimulus' | 'response'>,
): Array<{ param: string; message: string }> {
  const out: Array<{ param: string; message: string }> = [];
  if (o.coherences.length === 0)
    out.push({
      param: 'coherences',
      message: 'give at least one coherence (Mante et al. used 3 per modality, e.g. [0.05, 0.15, 0.5])',
    });
  for (const c of o.coherences)
    if (!(c > 0))
      out.push({
        param: 'coherences',
        message: `coherence ${c} must be > 0: each is used with both signs, and a zero coherence has no correct answer`,
      });
  if (new Set(o.coherences).size !== o.coherences.length)
    out.push({ param: 'coherences', message: 'coherences repeat a value; list each once' });
  if (o.stimulus < 1) out.push({ param: 'stimulus', message: 'the stimulus period needs at least 1 step' });
  if (o.response < 1) out.push({ param: 'response', message: 'the response period needs at least 1 step' });
  return out;
}

/** Every distinct condition, in a fixed order: context, then motion coherence, then colour coherence. */
export function conditionsOf(o: Pick<ManteOptions, 'contexts' | 'coherences'>): ManteCondition[] {
  const signed = [...o.coherences].sort((a, b) => a - b);
  const values = [...signed.map((c) => -c).reverse(), ...signed];
  const contexts: Modality[] = o.contexts === 'both' ? [...MODALITIES] : [o.contexts];
  const out: ManteCondition[] = [];
  for (const context of contexts)
    for (const motion of values) for (const colour of values) out.push({ context, motion, colour });
  return out;
}

const fmt = (v: number): string => `${v > 0 ? '+' : ''}${v}`;

function labelOf(c: ManteCondition, task: string): ConditionLabel {
  return {
    task,
    inputValues: [c.motion, c.colour, c.context === 'motion' ? 0 : 1],
    jitter: 0,
    key: `${task} ${c.context} motion=${fmt(c.motion)} colour=${fmt(c.colour)}`,
  };
}

/** The correct choice of a condition: the sign of the coherence of the attended modality. */
export function choiceOf(c: ManteCondition): 1 | -1 {
  return (c.context === 'motion' ? c.motion : c.colour) > 0 ? 1 : -1;
}

interface Layout {
  T: number;
  C: number;
  stimStart: number;
  stimEnd: number;
  respStart: number;
}

function layoutOf(o: ManteOptions): Layout {
  const stimStart = o.fixation;
  const stimEnd = stimStart + o.stimulus;
  return { T: trialLength(o), C: o.contexts === 'both' ? 4 : 2, stimStart, stimEnd, respStart: stimEnd + o.delay };
}

/** Write one trial into x [T, C], y [T, 1], m [T] (zero on entry). `rng` undefined: noise-free. */
function render(
  o: ManteOptions,
  L: Layout,
  c: ManteCondition,
  x: Float32Array,
  y: Float32Array,
  m: Float32Array,
  rng: Rng | undefined,
): void {
  const { T, C } = L;
  if (o.contexts === 'both') {
    const ch = c.context === 'motion' ? 2 : 3;
    for (let t = 0; t < T; t++) x[t * C + ch] = 1;
  }
  for (let t = L.stimStart; t < L.stimEnd; t++) {
    x[t * C] = c.motion + (rng ? o.inputNoise * rng.normal() : 0);
    x[t * C + 1] = c.colour + (rng ? o.inputNoise * rng.normal() : 0);
  }
  const target = choiceOf(c);
  for (let t = L.respStart; t < T; t++) y[t] = target;
  m.fill(1);
  if (!o.maskStimulus) m.fill(0, L.stimStart, L.respStart);
}

function assemble(
  o: ManteOptions,
  L: Layout,
  conds: ManteCondition[],
  rng: Rng | undefined,
  testCount: number,
  onChunk?: (done: number) => void,
): Dataset {
  const n = conds.length;
  const { T, C } = L;
  const inputs = new Float32Array(n * T * C);
  const targets = new Float32Array(n * T);
  const mask = new Float32Array(n * T);
  const task = taskName(o.contexts);
  for (let s = 0; s < n; s++) {
    render(
      o,
      L,
      conds[s] as ManteCondition,
      inputs.subarray(s * T * C, (s + 1) * T * C),
      targets.subarray(s * T, (s + 1) * T),
      mask.subarray(s * T, (s + 1) * T),
      rng,
    );
    if (onChunk && (s + 1) % 256 === 0) onChunk(s + 1);
  }
  return {
    samples: n,
    T,
    channels: C,
    outputs: 1,
    inputs,
    targets,
    mask,
    conditions: conds.map((c) => labelOf(c, task)),
    channelNames:
      o.contexts === 'both' ? ['motion', 'colour', 'context:motion', 'context:colour'] : ['motion', 'colour'],
    outputNames: ['choice'],
    dt: o.dt,
    seed: o.seed,
    testCount,
    tasks: [task],
    provenance: {
      block: 'mante.context-integration',
      params: { ...o },
      reference: 'Mante, Sussillo, Shenoy & Newsome (2013), Nature 503:78-84',
    },
  };
}

/**
 * Generate the dataset: `samples` trials with every condition equally often (the first
 * `samples mod K` conditions once more) in a seeded random order, the first `testCount` held out,
 * plus the noise-free probe (one trial per condition). `onProgress(done, total)` is called every 256
 * trials; `signal` is checked as often.
 */
export function generateMante(
  o: ManteOptions,
  hooks: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Dataset {
  const problems = optionProblems(o);
  if (problems.length > 0) throw new Error(problems.map((p) => `${p.param}: ${p.message}`).join('; '));
  const L = layoutOf(o);
  const distinct = conditionsOf(o);
  const order = new Rng(deriveSeed(o.seed, 'mante.order'));
  const list: ManteCondition[] = [];
  for (let s = 0; s < o.samples; s++) list.push(distinct[s % distinct.length] as ManteCondition);
  order.shuffle(list);
  const noise = new Rng(deriveSeed(o.seed, 'mante.noise'));
  const testCount = Math.round(o.samples * o.testFraction);
  const data = assemble(o, L, list, noise, testCount, (done) => {
    if (hooks.signal?.aborted)
      throw hooks.signal.reason instanceof Error ? hooks.signal.reason : new Error('cancelled');
    hooks.onProgress?.(done, o.samples);
  });
  data.probe = assemble(o, L, distinct, undefined, 0);
  return data;
}
