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
import { andTask, timeReproductionTask, oscillationTask } from '../nodes/tasks/index.ts';
import { authorsThreeTaskDataset } from '../nodes/analysis/tools/three-task.ts';
import { loadModelFile } from '../nodes/model/load.ts';
import type { Dataset, PruningCurve, Trajectories } from '../nodes/ports/index.ts';
import { eigenMatrix, spectrumOf } from '../nodes/analysis/eigen.ts';
import { matrixStats } from '../nodes/analysis/weight-stats.ts';
import { pcaAnalysis } from '../nodes/analysis/pca.ts';
import { pruneBlock } from '../nodes/analysis/index.ts';
import { decodeNpy } from '../nodes/lib/npy.ts';
import { runSimulation } from '../nodes/sim/run.ts';
import { trialDistance } from '../nodes/sim/metrics.ts';
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
  sets: string[];
  durationMs: number;
}
interface Sweep {
  name: string;
  dir: string;
  runs: Run[];
  failed: number;
  seeds: number[];
  pipeline: string;
  sets: string[];
  /** The --grid axes, recovered from the runs' own overrides (every `NODE.PARAM=v` that is not a seed). */
  grid: Array<{ key: string; values: string[] }>;
}
function gridOf(runSets: string[][]): Array<{ key: string; values: string[] }> {
  const axes = new Map<string, string[]>();
  for (const sets of runSets)
    for (const x of sets) {
      const m = /^([^=]+)=(.*)$/.exec(x);
      if (!m?.[1] || m[2] === undefined || m[1].endsWith('.seed')) continue;
      const vs = axes.get(m[1]) ?? [];
      if (!vs.includes(m[2])) vs.push(m[2]);
      axes.set(m[1], vs);
    }
  return [...axes].map(([key, values]) => ({ key, values }));
}
/** The value of a grid axis (`task.memGap`) in a run, as a number. */
const gridValue = (r: Run, key: string): number => {
  const x = r.sets.find((v) => v.startsWith(`${key}=`));
  return x === undefined ? NaN : Number(x.slice(key.length + 1));
};
function readSweep(name: string): Sweep | undefined {
  const dir = join(SWEEPS, name);
  const f = join(dir, 'sweep.json');
  if (!existsSync(f)) return undefined;
  const j = JSON.parse(readFileSync(f, 'utf8')) as {
    pipeline: string;
    sets: string[];
    runs: Array<{
      run: string;
      status: string;
      seed?: number;
      durationMs?: number;
      sets?: string[];
      values: Record<string, number>;
    }>;
  };
  const done = j.runs.filter((r) => r.status === 'done');
  return {
    name,
    dir,
    pipeline: j.pipeline,
    sets: j.sets,
    failed: j.runs.length - done.length,
    seeds: j.runs.map((r) => r.seed).filter((x): x is number => typeof x === 'number'),
    grid: gridOf(j.runs.map((r) => r.sets ?? [])),
    runs: done.map((r) => ({
      dir: join(dir, 'runs', r.run),
      values: r.values,
      sets: r.sets ?? [],
      durationMs: r.durationMs ?? NaN,
    })),
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
  const p = (await authorsThreeTaskDataset(60, 60)).probe;
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

- **What "ours" is.** The multitask sweep runs examples/multitask-context.json as shipped: the
  authors' 3-task scheme at their timing (T = 290, jitter 1..50, 45,150 trials), N = 100, the Keras
  form, but trained with the 3-task recipe of docs/training.md (orthogonal W_rec at gain 1.2, Adam
  3e-4 with clipping 1, batch 64) to the trainer's criterion (every one of the 36 probe trials within
  0.3 of its target through its response window) instead of the authors' recipe (gain 1, Adam 1e-4,
  batch 256) to loss < 5e-5. With the authors' recipe, on our data and initial weights, neither we
  nor the PyTorch peer left the XOR(1,1) plateau in thousands of steps (docs/training.md). All ten
  seeds met the criterion (final loss 0.003-0.012), so our networks are less tightly trained than the
  authors' and started from a larger W_rec: both show in the rows below. The AND, time-reproduction
  and oscillation sweeps use those examples' own recipes (Adam 0.002 with clipping). Ten, six, four
  and two seeds give spreads, not tight means.
- **Eigenvalues.** The authors' networks, re-analysed here, match the published ranges exactly
  (radius 1.037-1.102, 7-21 outliers). Ours are not comparable on this row by construction: they start
  with every eigenvalue at |lambda| = 1.2 (the recipe's gain), so all 100 stay outside the circle of
  radius 1.01; training moves the radius from 1.20 to 1.28-1.39, i.e. the same small outward push
  (+0.04 to +0.10 for the authors' nets, +0.08 to +0.19 for ours). The dominant eigenvalue is real in
  some of our nets and a slow rotation (up to 0.026 cycles per step) in others, against 0.012-0.03 for
  the authors'.
- **Weight moments.** Mean ~0 and skewness ~0 agree; std x sqrt(N) is 1.00 for the authors' nets and
  1.20 for ours, which is again the starting gain: training leaves the orthogonal initialisation's
  distribution in place in both.
- **PCA.** The ordering agrees and is stronger in ours: training concentrates activity (top 3 PCs
  87 % trained against 28 % untrained for ours, 77-82 % against 43-54 % for the authors'). Our
  untrained networks at gain 1.2 are chaotic-leaning and spread activity over more dimensions; our
  trained ones circulate on a slow oscillation that dominates the first PCs (the PCA plot of the
  example). The authors' networks re-analysed here give their published values.
- **Pruning.** The share of W_rec below the thresholds 0.003 / 0.0205 is 1.6 % / 10.9 % for our AND nets
  and 1.4-5.4 % / 11.6-35.3 % for the authors' (the reference "2 ... 12 %" refers to one of their
  nets). The authors' AND nets, pruned here, keep every decision right up to 14-30 % removed, above
  the poster's 10-12 %, because the poster judged "deterioration" on the output distance, while
  \`analysis.prune\`'s default criterion is decision accuracy; their distance curves (0.22-0.31 intact,
  4.0-5.6 at 36 %) match the published ones. Ours are much more varied (0-36 % tolerated, distance
  0.49-4.33 before pruning): some seeds stopped at the first criterion check with a large distance,
  because the trainer's criterion, unlike the authors' loss threshold, does not bound the distance.
  A stricter recipe (\`--set train.stopAtCriterion=false --set train.lossThreshold=0.0005\`) would make
  the comparison fair; it was not run for lack of time. Our 3-task networks, trained to the
  stricter 36-trial criterion, tolerate 2-20 % magnitude pruning with every probe trial still right
  (mean 11.8 %, median 11 %): the poster's 10-12 %. Removing 2 % at random already breaks 9 of the 10.
- **Time reproduction and oscillation.** The authors' trained networks, run here, peak 50 steps after
  the pulse onset and oscillate with period 35, as published. Ours peak 47-49 steps after the onset:
  they stop at the trainer's criterion after only 50 steps, with the bump's rise slightly early (the
  target's 20-step plateau makes the argmax sensitive to a small tilt). The oscillation sweep has only
  two seeds (about two minutes per network here): periods 34.0 and 37.6 steps (the estimator gives
  exactly 35.0 on the target), i.e. after 1,500 steps one network runs slightly fast and one slow.
- **Delay and size sweeps**: see their own section above.
- **Time to criterion.** The published reference is a PyTorch peer with the authors' recipe
  (550 / 2,500 steps at N = 100 for its seeds 0 / 1); on our trials and initial weights that recipe
  did not get there in 3,750 steps on either side (docs/training.md). With the 3-task recipe, ours
  met it in 125-1,000 steps (19-177 s, one thread) over ten seeds of the sweep, and in the trainer
  benchmark on the same data, weights and batches as the PyTorch peer: 5 of 5 seeds on both sides,
  median 36 s ours against 53 s PyTorch.
`;

/** What the delay and size sweeps say (re-read the tables when the sweeps change). */
const SWEEP_COMMENTS = `
### What the two sweeps say

- **Delay.** At delay 25 our N = 50 networks come close to the authors' stopping loss (final loss
  0.0013; the target noise alone is 0.0009) and are nearer the target than the authors' (0.64 against
  0.99 on noisy trials, 0.30 from the clean target): 600 steps at lr 0.002 train a short delay well.
  At delay 50 one seed learned the bump (0.90) and the other only a weak one (peak output 0.25 for a
  bump of ~1: 1.82). From delay 80 on, every network we trained keeps its output near the baseline
  (peak 0.07-0.11 in the pulse-present trial, ~1.95 on noisy trials): no better than the flat
  baseline output above. The authors' ~1.7-1.8 at 110-170 is itself close to that flat output
  (1.72 clean, 1.92 noisy): their N = 50 networks hardly solve long delays either. So the trend
  agrees (the distance rises with the delay until the bump is no longer reproduced) but ours gets
  there earlier, by delay 80 rather than ~110, most likely because of the 600-step budget (the
  authors: up to ~4,700 steps); two seeds per point show the spread, not a mean to two decimals.
- **Size.** Not reproduced. At delay 150 none of our networks, N = 50 to 450 (two seeds each), learned
  the bump in 600 steps (distance 1.95-2.09 on noisy held-out trials, the flat-output level; final
  loss 0.015-0.027), while the authors' distance falls from 1.71 at N = 50 to 1.10 at N = 200 and
  1.04-1.08 at 250-450: with our budget more units did not help to bridge a 150-step delay (the
  larger nets even end slightly worse, 2.06-2.08 at N = 450). The budget is the likely cause, but
  not steps alone: at N = 50, 3,000 steps at lr 0.002 (5x the sweep's) still gave the flat output
  (1.95), as did an orthogonal start at gain 1.2 (the change that made the 3-task scheme learnable;
  1.97); the authors' N = 50 networks are at the flat level too (1.71 against 1.72 for a flat output).
  What to try next: the authors' recipe and budget at N >= 200 (\`--set train.lr=0.0001 --set
  train.decay=0.0001 --set train.maxSteps=4700\`), with more seeds: at the 14-24 min per 600 steps we
  measured at N = 300-450 here (two at a time), that is 2-3 hours per network.
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

function sweepLine(s: Sweep | undefined, name: string, workers = 2): string {
  if (!s) return `- \`${name}\`: **not run** (no ${join(SWEEPS, name)}/sweep.json).`;
  const seeds = s.seeds.length ? `${Math.min(...s.seeds)}..${Math.max(...s.seeds)}` : '...';
  const grid = s.grid.map((a) => ` --grid ${a.key}=${a.values.join(',')}`).join('');
  const nice = workers === 1 ? 'nice -n 5 ' : '';
  return `- \`${name}\`: ${s.runs.length} runs done${s.failed ? `, ${s.failed} not done` : ''}: \`${nice}cortexflow sweep ${s.pipeline} --seeds ${seeds}${grid} --workers ${workers} --out ${s.dir}${s.sets.map((x) => ` --set ${x}`).join('')}\``;
}

// ---------------------------------------------------------------- delay and size sweeps

const delaySweep = readSweep('delay-sweep');
const sizeSweep = readSweep('size-sweep');
/** Our two distances: on the 50 held-out noisy trials (the authors' kind of data) and on the noise-free probe. */
const HELD_OUT = 'sim-test.trajectories.meanDistance';
const PROBE = 'sim.trajectories.meanDistance';
/** The published distances (docs/science.md), by delay (steps, the authors' "ms") and by N at delay 150. */
const AUTHORS_DELAY: Record<number, string> = {
  25: '0.99',
  50: '1.27',
  80: 'not given (between 1.27 and ~1.7)',
  110: '~1.7-1.8',
  140: '~1.7-1.8',
  170: '~1.7-1.8',
};
const AUTHORS_SIZE: Record<number, string> = {
  50: '1.71',
  100: '1.23',
  200: '1.10',
  300: '1.04-1.08 (N = 250-450)',
  450: '1.04-1.08 (N = 250-450)',
};
/**
 * The distance of a network that learned nothing but the baseline (output 0.045 throughout), at a
 * delay: mean over the 2 noise-free probe conditions and over 50 noisy trials of the same task.
 */
async function flatDistance(memGap: number): Promise<{ probe: number; heldOut: number }> {
  const params = { samples: 200, testFraction: 0.25, seed: 1, T: 300, memGap };
  const ds = (await runBlock<{ dataset: Dataset }>(timeReproductionTask, { params })).outputs.dataset;
  const mean = (d: Dataset, n: number): number => {
    const size = d.T * d.outputs;
    const flat = new Float32Array(size).fill(0.045);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += trialDistance(flat, d.targets.subarray(i * size, (i + 1) * size), 0, size);
    return sum / n;
  };
  const probe = ds.probe ?? ds;
  return { probe: mean(probe, probe.samples), heldOut: mean(ds, ds.testCount) };
}
const flatCache = new Map<number, { probe: number; heldOut: number }>();
for (const v of [25, 150]) flatCache.set(v, await flatDistance(v));
const flatAt = (v: number): string => {
  const f = flatCache.get(v);
  return f ? `${fmt(f.heldOut, 2)} / ${fmt(f.probe, 2)}` : 'n/a';
};

/** Our runs at each point of a grid axis: the authors' points first, then any other point swept. */
function gridPoints(s: Sweep | undefined, key: string, authors: Record<number, string>): Array<[number, Run[]]> {
  const points = new Set<number>(Object.keys(authors).map(Number));
  for (const r of s?.runs ?? []) points.add(gridValue(r, key));
  return [...points]
    .filter((v) => Number.isFinite(v))
    .sort((a, b) => a - b)
    .map((v) => [v, (s?.runs ?? []).filter((r) => gridValue(r, key) === v)]);
}
function gridTable(s: Sweep | undefined, key: string, label: string, authors: Record<number, string>): string {
  const head = `| ${label} | authors' distance | ours: 50 held-out noisy trials | ours: noise-free probe (2 conditions) | final training loss | minutes per net |`;
  const lines = gridPoints(s, key, authors).map(([v, runs]) => {
    const c = (name: string) => runs.map((r) => r.values[name] ?? NaN);
    const a = authors[v] ?? 'not given';
    if (runs.length === 0) return `| ${v} | ${a} | not run | not run | | |`;
    const minutes = runs.map((r) => r.durationMs / 60_000);
    return `| ${v} | ${a} | ${ms(c(HELD_OUT), 2)} | ${ms(c(PROBE), 2)} | ${ms(c('train.history.finalLoss'), 4)} | ${range(minutes, 1).replace(/ \(.*/, '')} |`;
  });
  return [head, '|---|---|---|---|---|---|', ...lines].join('\n');
}
/** "0.64 at 25 ... 1.40 at 170": mean held-out distance at the first and last points swept. */
function gridSummary(s: Sweep | undefined, key: string, authors: Record<number, string>, unit: string): string {
  const done = gridPoints(s, key, authors).filter(([, runs]) => runs.length > 0);
  const at = ([v, runs]: [number, Run[]]) =>
    `${fmt(stats(runs.map((r) => r.values[HELD_OUT] ?? NaN)).mean, 2)} at ${unit}${v}`;
  const first = done[0];
  const last = done[done.length - 1];
  if (!first || !last) return 'not run';
  return `${at(first)} ... ${at(last)} (held-out trials; see below)`;
}
const totalMinutes = (s: Sweep | undefined): string =>
  s ? fmt(s.runs.reduce((a, r) => a + (Number.isFinite(r.durationMs) ? r.durationMs : 0), 0) / 60_000, 0) : '0';

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
  'not available',
  gridSummary(delaySweep, 'task.memGap', AUTHORS_DELAY, ''),
]);
rows.push([
  'Size sweep at 150 ms delay: distance',
  'N=50 1.71 ... 250-450 1.04-1.08',
  'not available',
  gridSummary(sizeSweep, 'net.units', AUTHORS_SIZE, 'N = '),
]);
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
rows.push([
  'Pruning (poster), 3-task nets: share of the smallest W_rec weights removable with every probe trial still correct',
  '10-12 %',
  'not run',
  ms(col(multi, 'prune.curve.all.maxFractionOk'), 1, 100, ' %'),
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

${[sweepLine(multiAll, 'multitask-context'), sweepLine(pruning, 'pruning-study'), sweepLine(timeRep, 'time-reproduction'), sweepLine(osc, 'oscillation'), sweepLine(delaySweep, 'delay-sweep', 1), sweepLine(sizeSweep, 'size-sweep')].join('\n')}

(\`cortexflow\` is \`node bin/cortexflow.mjs\`. A sweep resumes where it stopped: re-running its
command runs only the runs not finished; more seeds are \`--seeds 1..K\` with a larger K.)

Each sweep folder also holds one distribution figure per number (\`sweep.COLUMN.svg/.png\`: one
point per network, box = quartiles): the "statistical studies on weight matrices of trained
networks".

## Table

| quantity | authors' value | authors' networks, here | ours (mean ± std over seeds) |
|---|---|---|---|
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

SWEEPS

COMMENTS
`;
const sweepsDoc = `## Delay sweep and size sweep (time reproduction)

Both sweeps run \`examples/delay-sweep.json\`: the time-reproduction task on the authors' timing
(T = 300, pulse at [50, 70), bump over [70 + delay, 90 + delay), noise N(0, 0.03) on input and
target; 2,000 trials of which the first 50 are held out), a CTRNN (orthogonal W_rec, tanh, alpha 1)
trained with Adam lr 0.002, gradient clip 1, batch 64 for 600 steps, stopping earlier only at the
authors' loss < 1e-3 (not at the trainer's looser success criterion). The authors trained with Adam
lr 1e-4 (Keras decay 1e-4), batch 64, up to 20 epochs of 15,050 trials (about 4,700 steps), stopping at
loss < 1e-3. A 4,700-step budget at lr 1e-4 (the trainer has the authors' recipe: \`--set
train.lr=0.0001 --set train.decay=0.0001 --set train.maxSteps=4700\`) costs about 8x the time in the
last column (N = 50: over 10 min per network here, N = 450: hours), too slow for these sweeps in the
time we had; lr 0.002 with clipping is what the example pipelines use.
Delays are in steps (the authors' "ms": one step is one ms).

The distance is ||y - target||_2 over the whole trial, per trial, averaged over trials, on the 50
held-out trials with their noise (the kind of data the authors' numbers come from) and on the two
noise-free probe conditions (pulse absent, present). A network reproducing the clean target exactly
is still about sqrt(300 x 0.03^2) = 0.52 from a noisy target: the held-out distance cannot go much
below 0.5, the probe distance can go to 0. The scale of "failed": an output that stays at the
baseline 0.045 throughout (a network that learned nothing of the bump) is at ${flatAt(25)} (held-out /
probe) at delay 25, ${flatAt(150)} at delay 150 (it hardly depends on the delay).
"Minutes per net" is the whole run (training, two simulations, two figures) on the shared 2-core
VM, one run at a time beside other engineers' jobs (load 3 to 11 on 2 cores, hence the spread);
the sweeps took ${totalMinutes(delaySweep)} min (delay) and ${totalMinutes(sizeSweep)} min (size) in all.

### Delay sweep, N = 50

${gridTable(delaySweep, 'task.memGap', 'delay (steps)', AUTHORS_DELAY)}

### Size sweep, delay 150

${gridTable(sizeSweep, 'net.units', 'N', AUTHORS_SIZE)}

${SWEEP_COMMENTS.trim()}`;
writeFileSync(OUT, doc.replace('SWEEPS', sweepsDoc).replace('COMMENTS', COMMENTS.trim() + '\n'));
process.stderr.write(`wrote ${OUT}\n`);
