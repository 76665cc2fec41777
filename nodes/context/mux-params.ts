/**
 * The params of `context.mux` and their checks: the schema, the authors' context levels, how many
 * trials each task contributes, and the validation against the connected task blocks.
 */
import {
  int,
  list,
  num,
  numberMap,
  oneOf,
  schema,
  Type,
  type ParamIssue,
  type Static,
  type ValidationContext,
} from '../../core/index.ts';
import { taskNameOf, taskTiming } from '../tasks/timing.ts';

export const params = schema({
  encoding: oneOf(['pulse', 'tonic', 'one-hot'] as const, 'pulse', {
    description:
      'pulse: one context channel with a short pulse whose level names the task (the authors); tonic: that level held the whole trial; one-hot: one channel per task held on (Yang 2019).',
  }),
  levels: numberMap(
    {},
    {
      description:
        'Context level per connected task, keyed by task name (pulse and tonic encodings), e.g. { "and": 1, "or": -1, "xor": 0 }. ' +
        "Empty: the authors' levels (and 1, or -1, xor 0 = no pulse; time-reproduction 1, oscillation -1). Otherwise every connected task needs one.",
    },
  ),
  pulseStart: int(0, 100_000, 20, {
    description: "First step of the context pulse, before the trial's jitter is added.",
    unit: 'steps',
  }),
  pulseWidth: int(1, 100_000, 20, { description: 'Width of the context pulse.', unit: 'steps' }),
  shift: int(0, 100_000, 30, {
    description:
      "Steps every task trial is moved right to make room for the context pulse (30: the gates' pulses at 30 land at 60).",
    unit: 'steps',
  }),
  jitterMin: int(0, 100_000, 1, {
    description: 'Smallest per-trial jitter d (steps added to every pulse of the trial).',
    unit: 'steps',
  }),
  jitterMax: int(0, 100_000, 50, {
    description: 'Largest per-trial jitter d; d ~ uniform{jitterMin..jitterMax} (the authors: 1..50).',
    unit: 'steps',
  }),
  T: int(0, 100_000, 0, {
    description:
      "Common trial length; 0 = the longest task trial + shift + jitterMax (290 for the authors' 3-task scheme).",
    unit: 'steps',
  }),
  releaseSteps: int(0, 100_000, 1, {
    description:
      "Last steps of every trial whose target returns to the trial's first (baseline) value (the authors' 3-task scheme: 1).",
    unit: 'steps',
  }),
  channelLayout: oneOf(['shared', 'separate'] as const, 'shared', {
    description:
      'shared: input channel i of every task is the same network input (the authors: A, B shared by AND/OR/XOR); separate: each task gets its own channels.',
  }),
  contextPosition: oneOf(['last', 'first'] as const, 'last', {
    description:
      'Whether the context channel(s) come after (the authors: [A, B, context]) or before the task channels.',
  }),
  oneHotAmplitude: num(-100, 100, 1, { description: "Value on the active task's channel (one-hot encoding)." }),
  mix: oneOf(['even', 'proportions'] as const, 'even', {
    description: 'even: the same number of trials from every task; proportions: as given in `proportions`.',
  }),
  proportions: numberMap(
    {},
    { description: 'Relative share of trials per task name (mix = proportions), e.g. { "and": 2, "or": 1 }.' },
  ),
  samples: int(0, 10_000_000, 0, {
    description:
      'Total trials; 0 = as many as the tasks provide (even: the smallest task size times the number of tasks).',
  }),
  seed: int(0, 2 ** 31 - 1, 1, { description: 'Seed for the trial order, the jitters and the noise.' }),
  inputNoise: num(0, 10, 0, {
    description:
      'Std of Gaussian noise added to every input step of the mixed trials, context included (the authors: none).',
  }),
  probeJitters: list(Type.Integer({ minimum: 0, maximum: 100_000 }), [1, 25, 50], {
    description:
      "Jitters at which every task condition is put in the noise-free probe (the authors' criterion: 1, 25, 50).",
  }),
});

export type MuxParams = Static<typeof params>;

/**
 * The authors' context levels, used when `levels` is empty: Jarne 2021 (AND +1, OR -1, XOR 0) and
 * the poster's one-input scheme (time reproduction +1, oscillation -1). An object default on the
 * `levels` param itself would be merged into every user map (TypeBox's Value.Default does
 * Object.assign), so a removed key could never stay removed; hence this fallback table.
 */
export const AUTHORS_LEVELS: Readonly<Record<string, number>> = Object.freeze({
  and: 1,
  or: -1,
  xor: 0,
  'time-reproduction': 1,
  oscillation: -1,
});

/** The levels in force: the given map, or the authors' table when it is empty. */
export function effectiveLevels(levels: Record<string, number>): Record<string, number> {
  return Object.keys(levels).length > 0 ? levels : { ...AUTHORS_LEVELS };
}

/** How many trials each task contributes; an error message when impossible. */
export function muxCounts(
  p: Pick<MuxParams, 'samples' | 'mix' | 'proportions'>,
  names: readonly string[],
  available: readonly number[],
): { counts: number[] } | { error: string; param: string } {
  const K = names.length;
  let counts: number[];
  if (p.mix === 'even') {
    if (p.samples === 0) counts = names.map(() => Math.min(...available));
    else counts = names.map((_, k) => Math.floor(p.samples / K) + (k < p.samples % K ? 1 : 0));
  } else {
    const w = names.map((n) => p.proportions[n] ?? 0);
    const W = w.reduce((a, b) => a + b, 0);
    if (!(W > 0))
      return { error: 'proportions must give a positive share to at least one connected task', param: 'proportions' };
    if (p.samples === 0) {
      let scale = Infinity;
      w.forEach((wk, k) => {
        if (wk > 0) scale = Math.min(scale, (available[k] as number) / wk);
      });
      counts = w.map((wk) => Math.floor(scale * wk + 1e-9));
    } else {
      // Largest remainder, so the counts add up to `samples` exactly.
      const exact = w.map((wk) => (p.samples * wk) / W);
      counts = exact.map(Math.floor);
      let left = p.samples - counts.reduce((a, b) => a + b, 0);
      const order = exact.map((e, k) => [e - Math.floor(e), k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      for (const [, k] of order) {
        if (left <= 0) break;
        counts[k] = (counts[k] as number) + 1;
        left--;
      }
    }
  }
  for (let k = 0; k < K; k++)
    if ((counts[k] as number) > (available[k] as number))
      return {
        error: `task "${names[k] as string}" provides ${available[k] as number} trials but ${counts[k] as number} are needed; raise that task's samples or lower samples here`,
        param: 'samples',
      };
  if (counts.reduce((a, b) => a + b, 0) === 0)
    return { error: "the mix is empty (0 trials); raise samples or the tasks' samples", param: 'samples' };
  return { counts };
}

export function validate(p: MuxParams, ctx: ValidationContext): ParamIssue[] {
  const issues: ParamIssue[] = [];
  // undefined: validated without a pipeline (e.g. runBlock), so the connections are unknown.
  const ups = ctx.upstream['tasks'];
  if (ups === undefined) return checkOwnParams(p, issues);
  if (ups.length === 0) {
    issues.push({
      message:
        'no task is connected to the "tasks" input, so the multitask dataset would be empty; connect at least one task block',
    });
    return issues;
  }
  const names = ups.map((u) => taskNameOf(u.type));
  const allKnown = names.every((n) => n !== undefined);
  const known = names.filter((n): n is string => n !== undefined);
  const seen = new Set<string>();
  for (const n of known) {
    if (seen.has(n))
      issues.push({
        message: `task "${n}" is connected twice; each task can feed the multiplexer once (its context level names it)`,
      });
    seen.add(n);
  }
  const connected = [...seen].join(', ');
  const checkMap = (param: 'levels' | 'proportions', map: Record<string, number>, what: string, fallback = false) => {
    if (allKnown && !fallback)
      for (const key of Object.keys(map))
        if (!seen.has(key))
          issues.push({
            param: `${param}.${key}`,
            message: `a ${what} is given for task "${key}", which is not connected (connected: ${connected}); remove it or connect a task.${key} block`,
          });
    for (const n of known)
      if (map[n] === undefined)
        issues.push({ param, message: `no ${what} for the connected task "${n}"; add ${param}.${n}` });
  };
  if (p.encoding !== 'one-hot') {
    const fallback = Object.keys(p.levels).length === 0;
    checkMap('levels', effectiveLevels(p.levels), 'context level', fallback);
  }
  if (p.mix === 'proportions') {
    checkMap('proportions', p.proportions, 'proportion');
    for (const [k, v] of Object.entries(p.proportions))
      if (v < 0) issues.push({ param: `proportions.${k}`, message: `proportion ${v} is negative; use a share >= 0` });
  }
  checkOwnParams(p, issues);
  // Timing, from the connected tasks' params.
  const timings = ups.map((u) => taskTiming(u.type, u.params));
  if (timings.every((t) => t !== undefined)) {
    const Tauto = Math.max(...timings.map((t) => (t as { T: number }).T + p.shift + p.jitterMax));
    const T = p.T > 0 ? p.T : Tauto;
    if (p.encoding === 'pulse') {
      if (p.pulseStart + p.jitterMax >= T)
        issues.push({
          param: 'pulseStart',
          message: `pulseStart = ${p.pulseStart} (+ jitter up to ${p.jitterMax}) puts the context pulse outside the trial [0, ${T})`,
        });
      else if (p.pulseStart + p.pulseWidth + p.jitterMax > T)
        issues.push({
          param: 'T',
          message: `T = ${T} is too short: the context pulse runs to step ${p.pulseStart + p.pulseWidth + p.jitterMax} at the largest jitter`,
        });
    }
    timings.forEach((t, k) => {
      const start = (t as { responseStart: number }).responseStart + p.shift + p.jitterMax;
      if (start >= T - p.releaseSteps)
        issues.push({
          param: 'T',
          message: `T = ${T} is too short: task "${names[k] ?? ups[k]?.type}" starts responding at step ${start} (after shift ${p.shift} and jitter ${p.jitterMax}) with ${p.releaseSteps} release step(s) at the end; raise T`,
        });
    });
  }
  // Trial counts, from the connected tasks' sample counts.
  const avail = ups.map((u) => u.params['samples']);
  if (allKnown && avail.every((a) => typeof a === 'number') && issues.length === 0) {
    const r = muxCounts(p, known, avail);
    if ('error' in r) issues.push({ param: r.param, message: r.error });
  }
  return issues;
}

/** Checks that need no upstream information. */
function checkOwnParams(p: MuxParams, issues: ParamIssue[]): ParamIssue[] {
  if (p.jitterMin > p.jitterMax)
    issues.push({ param: 'jitterMin', message: `jitterMin = ${p.jitterMin} is above jitterMax = ${p.jitterMax}` });
  if (p.probeJitters.length === 0)
    issues.push({ param: 'probeJitters', message: 'the probe needs at least one jitter (the authors: [1, 25, 50])' });
  for (const j of p.probeJitters)
    if (j < p.jitterMin || j > p.jitterMax)
      issues.push({
        param: 'probeJitters',
        message: `probe jitter ${j} lies outside the trained range [${p.jitterMin}, ${p.jitterMax}]; use jitters inside it`,
      });
  if (p.T > 0 && p.releaseSteps >= p.T)
    issues.push({
      param: 'releaseSteps',
      message: `releaseSteps = ${p.releaseSteps} covers the whole trial of T = ${p.T}`,
    });
  return issues;
}
