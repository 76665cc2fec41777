/**
 * The mixing of `context.mux`: the output channel layout, the write of one jittered trial, and the
 * whole multitask dataset with its noise-free probe.
 */
import type { ConditionLabel, ContextInfo, Dataset } from '../ports/index.ts';
import { deriveSeed, Rng } from '../lib/rng.ts';
import { throwIfAborted, tick } from '../tasks/common.ts';
import { effectiveLevels, muxCounts, type MuxParams } from './mux-params.ts';

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
