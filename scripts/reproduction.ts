/**
 * Generate docs/REPRODUCTION.md: for each published figure of docs/science.md's table "Reference
 * numbers from the authors' own networks", the authors' value, the same analysis run here on the
 * authors' own trained networks (Keras HDF5, when their folder is given), and ours: mean and spread
 * over the seeds of `cortexflow sweep` runs of the example pipelines.
 *
 *     node bin/tsx.mjs scripts/reproduction.ts [--sweeps DIR] [--authors DIR] [--out FILE]
 *
 * DIR (default runs/repro) holds one sweep folder per example, made by the commands printed in the
 * document (`cortexflow sweep examples/NAME.json --seeds ... --out DIR/NAME`). A missing sweep gives
 * a row that says so, never a made-up number. The authors' files (default /tmp/authors-nets: their
 * repositories katejarne/multitasking_RNN and katejarne/RNN_study_with_keras) are read, never copied.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBlock } from '../core/index.ts';
import { andTask, orTask, xorTask, timeReproductionTask, oscillationTask } from '../nodes/tasks/index.ts';
import { contextMux } from '../nodes/context/index.ts';
import { loadModelFile } from '../nodes/model/load.ts';
import type { Dataset, PruningCurve, Trajectories } from '../nodes/ports/index.ts';
import { eigenMatrix, spectrumOf } from '../nodes/analysis/eigen.ts';
import { matrixStats } from '../nodes/analysis/weight-stats.ts';
import { pcaAnalysis } from '../nodes/analysis/pca.ts';
import { pruneBlock } from '../nodes/analysis/index.ts';
import { decodeNpy } from '../nodes/lib/npy.ts';
import { runSimulation } from '../nodes/sim/run.ts';
import { simulate } from '../nodes/model/simulate.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const SWEEPS = arg('sweeps', 'runs/repro');
const AUTHORS = arg('authors', '/tmp/authors-nets');
const OUT = arg('out', 'docs/REPRODUCTION.md');
const MULTI_NETS = join(AUTHORS, 'multitasking_RNN/Examples');
const SINGLE_NETS = join(AUTHORS, 'RNN_study_with_keras/code_paper_rep/Networks_and_files/networks');

// ---------------------------------------------------------------- numbers

const fmt = (v: number, d = 3): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
function stats(xs: number[]): { n: number; mean: number; std: number; min: number; max: number } {
  const ys = xs.filter((x) => Number.isFinite(x));
  const n = ys.length;
  const mean = ys.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const std = n > 1 ? Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean, std, min: n ? Math.min(...ys) : NaN, max: n ? Math.max(...ys) : NaN };
}
/** "mean ± std (min to max, n runs)". */
function ms(xs: number[], d = 3, scale = 1, unit = ''): string {
  const s = stats(xs.map((x) => x * scale));
  if (s.n === 0) return 'not run';
  return `${fmt(s.mean, d)}${unit} ± ${fmt(s.std, d)} (${fmt(s.min, d)} to ${fmt(s.max, d)}, n = ${s.n})`;
}
function range(xs: number[], d = 3, scale = 1, unit = ''): string {
  const ys = xs.filter((x) => Number.isFinite(x)).map((x) => x * scale);
  if (ys.length === 0) return 'n/a';
  const lo = fmt(Math.min(...ys), d);
  const hi = fmt(Math.max(...ys), d);
  return `${lo === hi ? lo : `${lo} to ${hi}`}${unit} (${ys.length} net${ys.length > 1 ? 's' : ''})`;
}

// ---------------------------------------------------------------- our sweeps

interface Run {
  dir: string;
  values: Record<string, number>;
}
interface Sweep {
  name: string;
  dir: string;
  runs: Run[];
  failed: number;
  seeds: number[];
  pipeline: string;
  sets: string[];
}
function readSweep(name: string): Sweep | undefined {
  const dir = join(SWEEPS, name);
  const f = join(dir, 'sweep.json');
  if (!existsSync(f)) return undefined;
  const j = JSON.parse(readFileSync(f, 'utf8')) as {
    pipeline: string;
    sets: string[];
    runs: Array<{ run: string; status: string; seed?: number; values: Record<string, number> }>;
  };
  const done = j.runs.filter((r) => r.status === 'done');
  return {
    name,
    dir,
    pipeline: j.pipeline,
    sets: j.sets,
    failed: j.runs.length - done.length,
    seeds: j.runs.map((r) => r.seed).filter((x): x is number => typeof x === 'number'),
    runs: done.map((r) => ({ dir: join(dir, 'runs', r.run), values: r.values })),
  };
}
const col = (s: Sweep | undefined, c: string): number[] => (s ? s.runs.map((r) => r.values[c] ?? NaN) : []);

/** Output y [C, T, 1] of a run's sim.run, and its condition keys. */
function runOutputs(run: Run, node = 'sim'): { y: Float32Array; C: number; T: number; keys: string[] } | undefined {
  const d = join(run.dir, node, 'trajectories');
  if (!existsSync(join(d, 'y.npy'))) return undefined;
  const y = decodeNpy(new Uint8Array(readFileSync(join(d, 'y.npy'))));
  const summary = JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')) as {
    C: number;
    T: number;
    conditions: Array<{ key: string }>;
  };
  return { y: y.data as Float32Array, C: summary.C, T: summary.T, keys: summary.conditions.map((c) => c.key) };
}

function pruningOf(run: Run, node = 'prune'): PruningCurve | undefined {
  const f = join(run.dir, node, 'curve.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as PruningCurve) : undefined;
}

// ---------------------------------------------------------------- signals

/** Steps from the stimulus onset to the output's peak, over [from, to). */
function peakAfter(y: ArrayLike<number>, offset: number, T: number, onset: number): number {
  let best = -Infinity;
  let at = -1;
  for (let t = onset; t < T; t++) {
    const v = y[offset + t] as number;
    if (v > best) {
      best = v;
      at = t;
    }
  }
  return at - onset;
}

/**
 * Period of y over [from, to): mean spacing of its upward crossings of its own mean, located by
 * linear interpolation (an autocorrelation peak on a few periods with a ramp is biased by 1-2 steps).
 */
function periodOf(y: ArrayLike<number>, offset: number, from: number, to: number): number {
  let m = 0;
  for (let t = from; t < to; t++) m += y[offset + t] as number;
  m /= to - from;
  const ups: number[] = [];
  for (let t = from + 1; t < to; t++) {
    const a = (y[offset + t - 1] as number) - m;
    const b = (y[offset + t] as number) - m;
    if (a < 0 && b >= 0) ups.push(t - 1 + a / (a - b));
  }
  if (ups.length < 2) return NaN;
  return ((ups[ups.length - 1] as number) - (ups[0] as number)) / (ups.length - 1);
}

// ---------------------------------------------------------------- authors' networks

async function multitaskProbe(): Promise<Dataset> {
  const tasks: Dataset[] = [];
  for (const [b, seed, T] of [
    [andTask, 1, 210],
    [orTask, 2, 200],
    [xorTask, 3, 200],
  ] as const)
    tasks.push(
      (await runBlock<{ dataset: Dataset }>(b, { params: { samples: 60, seed, T, baseline: 0 } })).outputs.dataset,
    );
  const p = (await runBlock<{ dataset: Dataset }>(contextMux, { inputs: { tasks }, params: { samples: 60 } })).outputs
    .dataset.probe;
  if (!p) throw new Error('context.mux gave no probe');
  return p;
}

interface AuthorsMulti {
  N: number;
  radius: [number, number];
  outside: number;
  mean: number;
  stdSqrtN: number;
  skew: number;
  pca: [number, number];
  correct: number;
}
async function authorsMultitask(): Promise<AuthorsMulti[]> {
  if (!existsSync(MULTI_NETS)) return [];
  const probe = await multitaskProbe();
  const out: AuthorsMulti[] = [];
  for (const dir of readdirSync(MULTI_NETS).sort()) {
    const ok = join(MULTI_NETS, dir, 'ok');
    const init = join(MULTI_NETS, dir, '_N_00_initial.hdf5');
    if (!existsSync(ok) || !existsSync(init)) continue;
    const file = readdirSync(ok).find((x) => x.endsWith('.hdf5'));
    if (!file) continue;
    const m0 = (await loadModelFile(init)).model;
    const m1 = (await loadModelFile(join(ok, file))).model;
    const s0 = spectrumOf(eigenMatrix(m0, 'W_rec'), m0.N, { matrix: 'W_rec', label: 'initial', tolerance: 0.01 });
    const s1 = spectrumOf(eigenMatrix(m1, 'W_rec'), m1.N, { matrix: 'W_rec', label: 'trained', tolerance: 0.01 });
    const w = matrixStats('W_rec', m1.weights.W_rec, 100, false);
    const t0 = (await runSimulation(m0, probe, { conditions: 'all', label: 'initial' })).trajectories;
    const t1 = (await runSimulation(m1, probe, { conditions: 'all', label: 'trained' })).trajectories;
    const top3 = (t: Trajectories) =>
      pcaAnalysis(t, 3)
        .explainedVarianceRatio.slice(0, 3)
        .reduce((a, b) => a + b, 0);
    out.push({
      N: m1.N,
      radius: [s0.radius, s1.radius],
      outside: s1.outside,
      mean: w.mean,
      stdSqrtN: w.std * Math.sqrt(m1.N),
      skew: w.skewness,
      pca: [top3(t0), top3(t1)],
      correct: t1.accuracy.filter((a) => a >= 1).length / t1.C,
    });
    process.stderr.write(`authors' multitask net ${dir}: done\n`);
  }
  return out;
}

/** First trained .hdf5 (not the initial one) of each folder under a task's networks directory. */
function trainedFiles(task: string, prefix: string): string[] {
  const root = join(SINGLE_NETS, task);
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const d of readdirSync(root).sort()) {
    const f = readdirSync(join(root, d)).find((x) => x.startsWith(prefix) && x.endsWith('.hdf5'));
    if (f) out.push(join(root, d, f));
  }
  return out;
}

const FRACTIONS = [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.24, 0.3, 0.36];
interface PruneResult {
  share0003: number;
  share0205: number;
  distAt: Record<number, number[]>;
  maxOk: number;
}
function pruneSummary(curve: PruningCurve, W: ArrayLike<number>): PruneResult {
  const all = curve.curves.find((c) => c.variant === 'all');
  const distAt: Record<number, number[]> = {};
  for (const p of all?.points ?? []) distAt[p.requestedFraction] = p.distance;
  let a = 0;
  let b = 0;
  for (let i = 0; i < W.length; i++) {
    const v = Math.abs(W[i] as number);
    if (v < 0.003) a++;
    if (v < 0.0205) b++;
  }
  return { share0003: a / W.length, share0205: b / W.length, distAt, maxOk: all?.maxFractionOk ?? NaN };
}

async function authorsAndPruning(): Promise<PruneResult[]> {
  const files = trainedFiles('AND', 'and_weights');
  if (files.length === 0) return [];
  const ds = (await runBlock<{ dataset: Dataset }>(andTask, { params: { samples: 50, seed: 1 } })).outputs.dataset;
  const out: PruneResult[] = [];
  for (const f of files) {
    const { model } = await loadModelFile(f);
    const r = await runBlock<{ curve: PruningCurve }>(pruneBlock, {
      inputs: { model, dataset: ds },
      params: { fractions: FRACTIONS, variants: ['all'], engine: 'js' },
    });
    out.push(pruneSummary(r.outputs.curve, model.weights.W_rec));
    process.stderr.write(`authors' AND net ${f}: pruned\n`);
  }
  return out;
}

async function authorsSignal(kind: 'time' | 'osc'): Promise<number[]> {
  const files = kind === 'time' ? trainedFiles('time', 'pulse_weights') : trainedFiles('OSC', 'pulse_weights');
  if (files.length === 0) return [];
  const block = kind === 'time' ? timeReproductionTask : oscillationTask;
  const params = kind === 'time' ? { samples: 50, seed: 1 } : { samples: 50, seed: 1, inputNoise: 0 };
  const ds = (await runBlock<{ dataset: Dataset }>(block, { params })).outputs.dataset;
  const probe = ds.probe ?? ds;
  const out: number[] = [];
  for (const f of files) {
    const { model } = await loadModelFile(f);
    const { y } = simulate(model, probe.inputs, probe.samples, probe.T);
    const c = probe.samples - 1; // the stimulus-present condition is last in the probe
    out.push(kind === 'time' ? peakAfter(y, c * probe.T, probe.T, 50) : periodOf(y, c * probe.T, 170, probe.T - 40));
  }
  return out;
}

// ---------------------------------------------------------------- document

/**
 * What the numbers say, written after reading a generated table (re-read them when the sweeps
 * change: these sentences are about the sweeps named in the document).
 */
const COMMENTS = `
## Comments

- **What "ours" is.** To finish on the shared 2-core VM in the time available, the sweeps use the
  example pipelines as shipped: the 3-task scheme on a shortened timing (T = 130 instead of 290,
  jitter 1..10 instead of 1..50), 60 units instead of 200/400, Adam at lr 0.002 with clipping instead
  of the authors' 1e-4, and the trainer's criterion (every probe trial within 0.3 of its target, after
  a 10-step delay) instead of the authors' loss < 5e-5. Our networks are therefore far less trained
  (final loss 0.005-0.09 in the multitask sweep) and move further from their orthogonal start. Two of
  the six multitask seeds did not reach the criterion in 3,000 steps; the multitask rows use the four
  that did. Six and four seeds give spreads, not tight means.
- **Eigenvalues.** The authors' networks, re-analysed here, match the published ranges exactly
  (radius 1.037-1.102, 7-21 outliers). Ours have a larger spectral radius (about 1.23-1.35) with a
  similar number of outliers: with a 20x larger learning rate and a 4x smaller network, each training
  step moves W_rec further, and the dominant eigenvalues of our nets are real (frequency 0): slow
  integrating modes rather than the authors' slow rotations (0.012-0.03 cycles per step).
- **Weight moments** agree: mean ~0, std x sqrt(N) ~1.0, skewness ~0, for the authors' nets and ours;
  training leaves the orthogonal initialisation's distribution in place.
- **PCA.** The ordering agrees (training concentrates activity: top 3 PCs explain more after
  training), but both our values are higher (about 89 % trained, 62 % untrained, against 77-82 % and
  43-54 %): our trials are less than half as long and our network smaller, so fewer dimensions are
  visited. The authors' networks re-analysed here give their published values.
- **Pruning.** The share of W_rec below the thresholds 0.003 / 0.0205 is 1.6 % / 10.9 % for our AND nets
  and 1.4-5.4 % / 11.6-35.3 % for the authors' (the reference "2 ... 12 %" refers to one of their
  nets). The authors' AND nets, pruned here, keep every decision right up to 14-30 % removed, above
  the poster's 10-12 %, because the poster judged "deterioration" on the output distance, while
  \`analysis.prune\`'s default criterion is decision accuracy; their distance curves (0.22-0.31 intact,
  4.0-5.6 at 36 %) match the published ones. Ours are much more varied (0-36 % tolerated, distance
  0.49-4.33 before pruning): some seeds stopped at the first criterion check with a large distance,
  because the trainer's criterion, unlike the authors' loss threshold, does not bound the distance.
  A stricter recipe (\`--set train.stopAtCriterion=false --set train.lossThreshold=0.0005\`) would make
  the comparison fair; it was not run for lack of time.
- **Time reproduction and oscillation.** The authors' trained networks, run here, peak 50 steps after
  the pulse onset and oscillate with period 35, as published. Ours peak 47-49 steps after the onset:
  they stop at the trainer's criterion after only 50 steps, with the bump's rise slightly early (the
  target's 20-step plateau makes the argmax sensitive to a small tilt). The oscillation sweep has only
  two seeds (about two minutes per network here): periods 34.0 and 37.6 steps (the estimator gives
  exactly 35.0 on the target), i.e. after 1,500 steps one network runs slightly fast and one slow.
- **Delay and size sweeps** (distance against memory delay and N) were not run: each point needs
  several networks trained on the authors' full timing, tens of minutes per network on this machine.
  They are one \`cortexflow sweep examples/time-reproduction.json --grid task.memGap=...\` /
  \`--grid net.units=...\` away.
- **Time to criterion.** Not comparable: the PyTorch peer used the authors' full timing and N = 100/200
  with a strict criterion; ours is the shortened scheme with N = 60 on a loaded machine.
`;

const multiAll = readSweep('multitask-context');
/** The authors analysed networks trained to their criterion: so do we (runs that hit maxSteps are left out). */
const multi: Sweep | undefined = multiAll && {
  ...multiAll,
  runs: multiAll.runs.filter((r) => Number.isFinite(r.values['train.history.criterionMetAt'] ?? NaN)),
};
const pruning = readSweep('pruning-study');
const timeRep = readSweep('time-reproduction');
const osc = readSweep('oscillation');

const aMulti = await authorsMultitask();
const aAnd = await authorsAndPruning();
const aTime = await authorsSignal('time');
const aOsc = await authorsSignal('osc');

// Ours: pruning (AND, N = 50) from the pruning-study sweep.
const ourPrune: PruneResult[] = [];
for (const r of pruning?.runs ?? []) {
  const curve = pruningOf(r);
  const mf = join(r.dir, 'train', 'model', 'model.json');
  if (!curve || !existsSync(mf)) continue;
  const { model } = await loadModelFile(mf);
  ourPrune.push(pruneSummary(curve, model.weights.W_rec));
}
const meanDist = (p: PruneResult, f: number) => {
  const d = p.distAt[f];
  return d ? d.reduce((a, b) => a + b, 0) / d.length : NaN;
};
const maxDist = (p: PruneResult, f: number) => (p.distAt[f] ? Math.max(...p.distAt[f]) : NaN);

// Ours: time reproduction peak and oscillation period from the sweeps' simulated outputs.
const ourPeak: number[] = [];
for (const r of timeRep?.runs ?? []) {
  const o = runOutputs(r);
  if (o) ourPeak.push(peakAfter(o.y, (o.C - 1) * o.T, o.T, 50));
}
const ourPeriod: number[] = [];
for (const r of osc?.runs ?? []) {
  const o = runOutputs(r);
  if (o) ourPeriod.push(periodOf(o.y, (o.C - 1) * o.T, Math.round(o.T * 0.3), o.T - 20));
}

function sweepLine(s: Sweep | undefined, name: string): string {
  if (!s) return `- \`${name}\`: **not run** (no ${join(SWEEPS, name)}/sweep.json).`;
  const seeds = s.seeds.length ? `${Math.min(...s.seeds)}..${Math.max(...s.seeds)}` : '...';
  return `- \`${name}\`: ${s.runs.length} runs done${s.failed ? `, ${s.failed} not done` : ''}: \`cortexflow sweep ${s.pipeline} --seeds ${seeds} --workers 2 --out ${s.dir}${s.sets.map((x) => ` --set ${x}`).join('')}\``;
}

const rows: string[][] = [];
const A = (xs: number[], d = 3, scale = 1, unit = '') => (xs.length ? range(xs, d, scale, unit) : 'not available');
rows.push([
  'Pruning, AND, N = 50: share of W_rec with abs(w) < 0.003 / < 0.0205',
  '2 ... 12 %',
  `${A(
    aAnd.map((p) => p.share0003),
    1,
    100,
    ' %',
  )} / ${A(
    aAnd.map((p) => p.share0205),
    1,
    100,
    ' %',
  )}`,
  `${ms(
    ourPrune.map((p) => p.share0003),
    1,
    100,
    ' %',
  )} / ${ms(
    ourPrune.map((p) => p.share0205),
    1,
    100,
    ' %',
  )}`,
]);
for (const [f, ref] of [
  [0, '0.22-0.26'],
  [0.1, '<= 0.42'],
  [0.12, 'one condition ~1.3'],
  [0.14, '1.0-1.44 (all four)'],
  [0.36, '4.4-6.9'],
] as const)
  rows.push([
    `Pruning, AND, N = 50: distance at ${Math.round(f * 100)} % removed (mean over conditions; worst condition)`,
    ref,
    aAnd.length
      ? `${A(
          aAnd.map((p) => meanDist(p, f)),
          2,
        )}; worst ${A(
          aAnd.map((p) => maxDist(p, f)),
          2,
        )}`
      : 'not available',
    `${ms(
      ourPrune.map((p) => meanDist(p, f)),
      2,
    )}; worst ${ms(
      ourPrune.map((p) => maxDist(p, f)),
      2,
    )}`,
  ]);
rows.push([
  'Pruning (poster): share removable before the task deteriorates (every condition still correct)',
  '10-12 %',
  A(
    aAnd.map((p) => p.maxOk),
    0,
    100,
    ' %',
  ),
  ms(
    ourPrune.map((p) => p.maxOk),
    1,
    100,
    ' %',
  ),
]);
rows.push([
  'Delay sweep, time reproduction, N = 50: distance',
  '0.99 at 25 ms ... ~1.7-1.8 at 110-170 ms',
  'not run',
  'not run',
]);
rows.push(['Size sweep at 150 ms delay: distance', 'N=50 1.71 ... 250-450 1.04-1.08', 'not run', 'not run']);
rows.push([
  '3-task nets that met the criterion (all 36 / 24 probe trials within 0.3 of the target)',
  'all (trained to loss < 5e-5)',
  aMulti.length
    ? `${aMulti.filter((a) => a.correct >= 1).length} of ${aMulti.length} get every probe trial right`
    : 'not available',
  multiAll
    ? `${multi?.runs.length ?? 0} of ${multiAll.runs.length} within maxSteps (the rows below use these)`
    : 'not run',
]);
rows.push([
  'Multitask nets: spectral radius, trained (initial)',
  '1.04-1.10 (1.000)',
  aMulti.length ? `${A(aMulti.map((a) => a.radius[1]))} (${A(aMulti.map((a) => a.radius[0]))})` : 'not available',
  `${ms(col(multi, 'eigen.spectrum.radius'))} (${ms(col(multi, 'eigen.spectrum.referenceRadius'))})`,
]);
rows.push([
  'Multitask nets: eigenvalues with abs > 1.01',
  '7-21',
  A(
    aMulti.map((a) => a.outside),
    0,
  ),
  ms(col(multi, 'eigen.spectrum.outside'), 1),
]);
rows.push([
  'Trained nets: W_rec mean / std x sqrt(N) / skewness',
  'abs(mean) < 0.006, std ~ 1/sqrt(N), skew ~ 0',
  aMulti.length
    ? `${A(
        aMulti.map((a) => a.mean),
        4,
      )} / ${A(aMulti.map((a) => a.stdSqrtN))} / ${A(aMulti.map((a) => a.skew))}`
    : 'not available',
  `${ms(col(multi, 'wstats.stats.W_rec.mean'), 4)} / ${ms(col(multi, 'wstats.stats.W_rec.stdTimesSqrtN'))} / ${ms(col(multi, 'wstats.stats.W_rec.skewness'))}`,
]);
rows.push([
  'PCA of the multitask conditions: variance in the top 3 PCs, trained / untrained',
  '77-82 % / 43-54 %',
  aMulti.length
    ? `${A(
        aMulti.map((a) => a.pca[1]),
        1,
        100,
        ' %',
      )} / ${A(
        aMulti.map((a) => a.pca[0]),
        1,
        100,
        ' %',
      )}`
    : 'not available',
  `${ms(col(multi, 'pca.pca.top3'), 1, 100, ' %')} / ${ms(col(multi, 'pca0.pca.top3'), 1, 100, ' %')}`,
]);
rows.push(['Trained oscillator: period (steps)', '35', A(aOsc, 0), ms(ourPeriod, 1)]);
rows.push(['Trained time reproduction: output peak after onset (steps)', '50', A(aTime, 0), ms(ourPeak, 1)]);
rows.push([
  '3-task scheme: steps (seconds) to the criterion',
  'N = 100: 550 / 2,500 steps; N = 200: 450 steps (PyTorch peer)',
  'n/a',
  `${ms(col(multi, 'train.history.steps'), 0)} steps; ${ms(col(multi, 'train.history.seconds'), 0)} s`,
]);

const date = new Date().toISOString().slice(0, 10);
const doc = `# Reproduction: the authors' numbers, their networks re-analysed, and ours

Generated by \`node bin/tsx.mjs scripts/reproduction.ts\` on ${date} (do not edit by hand; re-run the
script after new sweeps). "Authors' value" is docs/science.md's reference table. "Authors' networks,
here" is the same analysis run by cortexflow on the trained networks the authors published (their
Keras HDF5 files, read from \`${AUTHORS}\`, not part of the project; see
[original-networks.md](original-networks.md) for the per-network table). "Ours" is mean ± sample std
(min-max, number of seeds) over the seeds of a \`cortexflow sweep\` of the example pipelines.

## Sweeps behind "ours"

${[sweepLine(multiAll, 'multitask-context'), sweepLine(pruning, 'pruning-study'), sweepLine(timeRep, 'time-reproduction'), sweepLine(osc, 'oscillation')].join('\n')}

Each sweep folder also holds one distribution figure per number (\`sweep.COLUMN.svg/.png\`: one
point per network, box = quartiles): the "statistical studies on weight matrices of trained
networks".

## Table

| quantity | authors' value | authors' networks, here | ours (mean ± std over seeds) |
|---|---|---|---|
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

COMMENTS
`;
writeFileSync(OUT, doc.replace('COMMENTS', COMMENTS.trim() + '\n'));
process.stderr.write(`wrote ${OUT}\n`);
