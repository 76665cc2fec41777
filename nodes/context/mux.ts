/**
 * `context.mux`: several single-task datasets in, one multitask dataset out, with a context input
 * that tells the network which task to do (Jarne 2021, "Multitasking in RNN"; one-hot rule inputs as
 * in Yang et al. 2019).
 *
 * Every output trial is one trial of one task, moved right by `shift + d` steps, where d ~ U{jitterMin
 * ..jitterMax} is drawn per trial and shared by all of its pulses (the context pulse too). Steps
 * moved in from the left get zero inputs and the trial's first target value; steps past the task's
 * own end get zero inputs and its last target value (a held response stays held); content moved past
 * the common T is cut. The last `releaseSteps` target steps return to the trial's first value (the
 * authors' 3-task generator wrote the response as `y[a:-1]`, leaving the last step at 0).
 */
import { Observable } from 'rxjs';
import {
  defineBlock,
  input,
  int,
  list,
  num,
  numberMap,
  oneOf,
  schema,
  Type,
  type BlockEmission,
  type ParamIssue,
  type Static,
  type ValidationContext,
} from '../../core/index.ts';
import { DatasetPort, type ConditionLabel, type ContextInfo, type Dataset } from '../ports/index.ts';
import { deriveSeed, Rng } from '../lib/rng.ts';
import { taskNameOf, taskTiming } from '../tasks/timing.ts';
import { throwIfAborted, tick } from '../tasks/common.ts';

const params = schema({
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

function validate(p: MuxParams, ctx: ValidationContext): ParamIssue[] {
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

/** The output layout: where each task's channels go and the names of everything. */
interface Layout {
  C: number;
  O: number;
  /** Per task, the output channel of each of its input channels. */
  chanMap: Int32Array[];
  /** Per task, its context channel. */
  ctxChannel: number[];
  channelNames: string[];
  outputNames: string[];
  context: ContextInfo;
}

function layoutOf(p: MuxParams, ds: readonly Dataset[], names: readonly string[]): Layout {
  const K = ds.length;
  const nCtx = p.encoding === 'one-hot' ? K : 1;
  const ctxFirst = p.contextPosition === 'first';
  const taskOffset = ctxFirst ? nCtx : 0;
  const chanMap: Int32Array[] = [];
  let S: number;
  const stimNames: string[] = [];
  if (p.channelLayout === 'shared') {
    S = Math.max(...ds.map((d) => d.channels));
    for (let c = 0; c < S; c++) {
      const here = [...new Set(ds.filter((d) => c < d.channels).map((d) => d.channelNames[c] ?? `in${c}`))];
      stimNames.push(here.join('/'));
    }
    for (const d of ds) chanMap.push(Int32Array.from({ length: d.channels }, (_, c) => taskOffset + c));
  } else {
    S = 0;
    ds.forEach((d, k) => {
      chanMap.push(Int32Array.from({ length: d.channels }, (_, c) => taskOffset + S + c));
      for (let c = 0; c < d.channels; c++) stimNames.push(`${names[k] as string}:${d.channelNames[c] ?? `in${c}`}`);
      S += d.channels;
    });
  }
  const ctxBase = ctxFirst ? 0 : S;
  const ctxNames = p.encoding === 'one-hot' ? names.map((n) => `context:${n}`) : ['context'];
  const channelNames = ctxFirst ? [...ctxNames, ...stimNames] : [...stimNames, ...ctxNames];
  const ctxChannel = names.map((_, k) => ctxBase + (p.encoding === 'one-hot' ? k : 0));
  const O = Math.max(...ds.map((d) => d.outputs));
  const outputNames: string[] = [];
  for (let o = 0; o < O; o++)
    outputNames.push([...new Set(ds.filter((d) => o < d.outputs).map((d) => d.outputNames[o] ?? `out${o}`))].join('/'));
  const levels: Record<string, number> = {};
  const lv = effectiveLevels(p.levels);
  names.forEach((n) => (levels[n] = p.encoding === 'one-hot' ? p.oneHotAmplitude : (lv[n] as number)));
  const context: ContextInfo = {
    encoding: p.encoding,
    channels: Array.from({ length: nCtx }, (_, i) => ctxBase + i),
    levels,
    ...(p.encoding === 'pulse' ? { window: [p.pulseStart, p.pulseStart + p.pulseWidth] as [number, number] } : {}),
  };
  return { C: S + nCtx, O, chanMap, ctxChannel, channelNames, outputNames, context };
}

/** Everything a trial write needs, fixed for a run. */
interface Writer {
  p: MuxParams;
  T: number;
  layout: Layout;
  levelOf: number[];
}

/** Write trial m of task k, jittered by d, into row `row` of the output arrays. */
function writeTrial(
  w: Writer,
  src: Dataset,
  k: number,
  m: number,
  d: number,
  x: Float32Array,
  y: Float32Array,
  mk: Float32Array,
  row: number,
): void {
  const { T, p, layout } = w;
  const { C, O } = layout;
  const Tk = src.T;
  const Ck = src.channels;
  const Ok = src.outputs;
  const s = p.shift + d;
  const xo = row * T * C;
  const yo = row * T * O;
  const mo = row * T;
  const xs = m * Tk * Ck;
  const ys = m * Tk * Ok;
  const ms = m * Tk;
  const map = layout.chanMap[k] as Int32Array;
  const xin = src.inputs;
  const t0 = Math.max(0, s);
  const t1 = Math.min(T, s + Tk);
  if (Ck === 1) {
    const c0 = map[0] as number;
    for (let t = t0, si = xs + (t0 - s), di = xo + t0 * C + c0; t < t1; t++, si++, di += C) x[di] = xin[si] as number;
  } else if (Ck === 2) {
    const c0 = map[0] as number;
    const c1 = map[1] as number;
    for (let t = t0, si = xs + (t0 - s) * 2, di = xo + t0 * C; t < t1; t++, si += 2, di += C) {
      x[di + c0] = xin[si] as number;
      x[di + c1] = xin[si + 1] as number;
    }
  } else {
    for (let t = t0; t < t1; t++) {
      const si = xs + (t - s) * Ck;
      const di = xo + t * C;
      for (let c = 0; c < Ck; c++) x[di + (map[c] as number)] = xin[si + c] as number;
    }
  }
  // Targets and mask: before the trial, its first row; inside, the trial; after, its last row.
  const a = Math.min(T, Math.max(0, s)); // first output step inside the moved trial
  const b = t1 > a ? t1 : a; // first output step after it
  const first = ys;
  const last = ys + (Tk - 1) * Ok;
  if (O === 1) y.fill(src.targets[first] as number, yo, yo + a);
  else for (let t = 0; t < a; t++) for (let o = 0; o < Ok; o++) y[yo + t * O + o] = src.targets[first + o] as number;
  if (b > a) {
    if (Ok === O) y.set(src.targets.subarray(ys + (a - s) * Ok, ys + (b - s) * Ok), yo + a * O);
    else
      for (let t = a; t < b; t++)
        for (let o = 0; o < Ok; o++) y[yo + t * O + o] = src.targets[ys + (t - s) * Ok + o] as number;
    mk.set(src.mask.subarray(ms + (a - s), ms + (b - s)), mo + a);
  }
  if (O === 1) y.fill(src.targets[last] as number, yo + b, yo + T);
  else for (let t = b; t < T; t++) for (let o = 0; o < Ok; o++) y[yo + t * O + o] = src.targets[last + o] as number;
  mk.fill(src.mask[ms] as number, mo, mo + a);
  mk.fill(src.mask[ms + Tk - 1] as number, mo + b, mo + T);
  for (let t = Math.max(0, T - p.releaseSteps); t < T; t++)
    for (let o = 0; o < Ok; o++) y[yo + t * O + o] = src.targets[first + o] as number;
  const level = w.levelOf[k] as number;
  const cc = layout.ctxChannel[k] as number;
  let c0 = 0;
  let c1 = T;
  if (p.encoding === 'pulse') {
    c0 = Math.max(0, p.pulseStart + d);
    c1 = Math.min(T, p.pulseStart + p.pulseWidth + d);
  }
  for (let t = c0; t < c1; t++) x[xo + t * C + cc] = level;
}

/** Mix task datasets into one multitask dataset (the block's work; exported for tests and benches). */
export async function muxDatasets(
  p: MuxParams,
  ds: readonly Dataset[],
  options: { signal?: AbortSignal; progress?: (done: number, total: number) => void } = {},
): Promise<Dataset> {
  if (ds.length === 0)
    throw new Error('context.mux: no task dataset connected to "tasks"; connect at least one task block');
  const names = ds.map((d, i) => {
    if (d.tasks.length !== 1 || d.tasks[0] === undefined)
      throw new Error(
        `context.mux: input ${i} is already a multitask dataset (${d.tasks.join(', ')}); connect single-task datasets`,
      );
    return d.tasks[0];
  });
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`context.mux: task "${dup}" is connected twice; connect each task once`);
  const lv = effectiveLevels(p.levels);
  if (p.encoding !== 'one-hot')
    for (const n of names)
      if (lv[n] === undefined)
        throw new Error(`context.mux: levels has no context level for the connected task "${n}"; add levels.${n}`);
  const dt = ds[0]?.dt;
  if (ds.some((d) => d.dt !== dt))
    throw new Error(`context.mux: the tasks have different dt (${ds.map((d) => d.dt).join(', ')}); use one step size`);
  if (p.jitterMin > p.jitterMax)
    throw new Error(`context.mux: jitterMin = ${p.jitterMin} is above jitterMax = ${p.jitterMax}`);
  const layout = layoutOf(p, ds, names);
  const T = p.T > 0 ? p.T : Math.max(...ds.map((d) => d.T + p.shift + p.jitterMax));
  const levelOf = names.map((n) => (p.encoding === 'one-hot' ? p.oneHotAmplitude : (lv[n] as number)));
  const w: Writer = { p, T, layout, levelOf };
  const r = muxCounts(
    p,
    names,
    ds.map((d) => d.samples),
  );
  if ('error' in r) throw new Error(`context.mux: ${r.param}: ${r.error}`);
  const counts = r.counts;

  // Trial list: each task's own test trials first (kept held out), then its training trials.
  const rng = new Rng(deriveSeed(p.seed, 'context.mux'));
  const test: number[] = [];
  const train: number[] = [];
  ds.forEach((d, k) => {
    const n = counts[k] as number;
    for (let m = 0; m < n; m++) (m < d.testCount ? test : train).push(k * 2 ** 24 + m);
  });
  const order = Int32Array.from([...shuffled(test, rng), ...shuffled(train, rng)]);
  const N = order.length;
  const { C, O } = layout;
  const x = new Float32Array(N * T * C);
  const y = new Float32Array(N * T * O);
  const mk = new Float32Array(N * T);
  const conditions: ConditionLabel[] = new Array<ConditionLabel>(N);
  for (let i = 0; i < N; i++) {
    if ((i & 4095) === 0) {
      if (i > 0) await tick();
      throwIfAborted(options.signal, 'context.mux');
      options.progress?.(i, N);
    }
    const code = order[i] as number;
    const k = Math.floor(code / 2 ** 24);
    const m = code - k * 2 ** 24;
    const d = rng.int(p.jitterMin, p.jitterMax);
    const src = ds[k] as Dataset;
    writeTrial(w, src, k, m, d, x, y, mk, i);
    conditions[i] = relabel(src.conditions[m] as ConditionLabel, p, levelOf[k] as number, d);
  }
  if (p.inputNoise > 0)
    for (let i0 = 0; i0 < x.length; i0 += 1 << 20) {
      await tick();
      throwIfAborted(options.signal, 'context.mux');
      const end = Math.min(x.length, i0 + (1 << 20));
      for (let i = i0; i < end; i++) x[i] = (x[i] as number) + p.inputNoise * rng.normal();
    }
  options.progress?.(N, N);

  const base = {
    T,
    channels: C,
    outputs: O,
    channelNames: layout.channelNames,
    outputNames: layout.outputNames,
    dt: dt as number,
    seed: p.seed,
    tasks: [...names],
    context: layout.context,
  };
  // contextLevels: the levels in force (params.levels may be empty = the authors' table).
  const provenance = {
    block: 'context.mux',
    version: 1,
    contextLevels: layout.context.levels,
    params: p,
    tasks: ds.map((d) => d.provenance),
  };
  return {
    ...base,
    samples: N,
    inputs: x,
    targets: y,
    mask: mk,
    conditions,
    testCount: test.length,
    provenance,
    probe: probeOf(w, ds, base, provenance),
  };
}

function relabel(l: ConditionLabel, p: MuxParams, level: number, d: number): ConditionLabel {
  // Built field by field (not with a spread): this runs once per trial, 45,150 times for the authors' set.
  return p.encoding === 'one-hot'
    ? { task: l.task, inputValues: l.inputValues, jitter: d, key: l.key }
    : { task: l.task, inputValues: l.inputValues, context: level, jitter: d, key: l.key };
}

function shuffled(a: number[], rng: Rng): Int32Array {
  const r = Int32Array.from(a);
  rng.shuffle(r);
  return r;
}

/** Every task's probe trials at each probe jitter, jitter-major, noise-free. */
function probeOf(
  w: Writer,
  ds: readonly Dataset[],
  base: Omit<Dataset, 'samples' | 'inputs' | 'targets' | 'mask' | 'conditions' | 'testCount' | 'provenance'>,
  provenance: Record<string, unknown>,
): Dataset {
  const items: Array<{ k: number; m: number; d: number }> = [];
  const probes = ds.map((d) => d.probe ?? d);
  for (const d of w.p.probeJitters)
    probes.forEach((pr, k) => {
      for (let m = 0; m < pr.samples; m++) items.push({ k, m, d });
    });
  const { T, layout } = w;
  const N = items.length;
  const x = new Float32Array(N * T * layout.C);
  const y = new Float32Array(N * T * layout.O);
  const mk = new Float32Array(N * T);
  const conditions = items.map(({ k, m, d }, i) => {
    const src = probes[k] as Dataset;
    writeTrial(w, src, k, m, d, x, y, mk, i);
    return relabel(src.conditions[m] as ConditionLabel, w.p, w.levelOf[k] as number, d);
  });
  return {
    ...base,
    samples: N,
    inputs: x,
    targets: y,
    mask: mk,
    conditions,
    testCount: 0,
    provenance: { ...provenance, probe: true },
  };
}

export const contextMux = defineBlock({
  type: 'context.mux',
  version: 1,
  title: 'Context multiplexer',
  category: 'Context',
  description:
    'Mixes single-task datasets into one multitask dataset with a context input naming the task: a short pulse whose level ' +
    'names the task (the authors), a held (tonic) level, or one-hot channels held on (Yang 2019). Each trial is moved right by ' +
    'shift + d, d ~ uniform{jitterMin..jitterMax} per trial, shared by all its pulses; tasks are padded to a common T and channel ' +
    "layout and mixed evenly or by proportions. Defaults: the authors' 3-task scheme (Jarne 2021, generate_data_set_multi_task_3_tasks.py): " +
    'context +1 AND / -1 OR / 0 XOR at [20+d, 40+d), A and B at [60+d, 80+d), response from 100+d to T-2, T = 290, d in 1..50.',
  inputs: { tasks: input(DatasetPort, { multiple: true, description: 'Single-task datasets, one per task.' }) },
  outputs: { dataset: DatasetPort },
  params,
  validate,
  run: ({ params: p, inputs, signal }) =>
    new Observable<BlockEmission<{ dataset: Dataset }>>((sub) => {
      muxDatasets(p, inputs.tasks, {
        signal,
        progress: (value, max) => sub.next({ kind: 'progress', value, max, message: 'mixing trials' }),
      }).then(
        (dataset) => {
          sub.next({ kind: 'outputs', outputs: { dataset } });
          sub.complete();
        },
        (e: unknown) => sub.error(e),
      );
    }),
});
