/**
 * `--refresh`: gather results/ from live sweep folders and the authors' published networks, where
 * they are on this machine; parts that are not available keep what results/ already holds.
 * This is the only part of the reproduction script that reads run folders or HDF5 files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runBlock } from '../../core/index.ts';
import { andTask, timeReproductionTask, oscillationTask } from '../../nodes/tasks/index.ts';
import { authorsThreeTaskDataset } from '../../nodes/analysis/tools/three-task.ts';
import { loadModelFile } from '../../nodes/model/load.ts';
import type { Dataset, FixedPoints, PruningCurve, Trajectories } from '../../nodes/ports/index.ts';
import { eigenMatrix, spectrumOf } from '../../nodes/analysis/eigen.ts';
import { matrixStats } from '../../nodes/analysis/weight-stats.ts';
import { pcaAnalysis } from '../../nodes/analysis/pca.ts';
import { fixedPointsBlock, pruneBlock } from '../../nodes/analysis/index.ts';
import { decodeNpy } from '../../nodes/lib/npy.ts';
import { runSimulation } from '../../nodes/sim/run.ts';
import { simulate } from '../../nodes/model/simulate.ts';
import { parseGridAxis, parseSeeds, rowOf, runState, tableCsv, describeColumns } from '../../cli/sweep.ts';
import type { SweepRow } from '../../cli/sweep.ts';
import { figureBase, groupsOf, renderStripPlot } from '../../cli/sweep-figures.ts';
import type { Manifest } from '../../cli/artifacts.ts';
import {
  PLANS,
  SWEEP_NAMES,
  type AuthorsCache,
  type AuthorsFile,
  type Derived,
  type FixedPointCounts,
  type PruneResult,
  type ResultsSweep,
} from './results.ts';

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const writeJson = (f: string, v: unknown): void => writeFileSync(f, `${JSON.stringify(v, null, 2)}\n`);

// ---------------------------------------------------------------- signals

/** Steps from the stimulus onset to the output's peak, over [onset, T). */
export function peakAfter(y: ArrayLike<number>, offset: number, T: number, onset: number): number {
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
export function periodOf(y: ArrayLike<number>, offset: number, from: number, to: number): number {
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

/** Share of small weights and the distance curve of an `analysis.prune` result. */
export function pruneSummary(curve: PruningCurve, W: ArrayLike<number>): PruneResult {
  const all = curve.curves.find((c) => c.variant === 'all');
  const distAt: Record<string, number[]> = {};
  for (const p of all?.points ?? []) distAt[String(p.requestedFraction)] = [...p.distance];
  let a = 0;
  let b = 0;
  for (let i = 0; i < W.length; i++) {
    const v = Math.abs(W[i] as number);
    if (v < 0.003) a++;
    if (v < 0.0205) b++;
  }
  return { share0003: a / W.length, share0205: b / W.length, distAt, maxOk: all?.maxFractionOk ?? NaN };
}

/** Fixed points per constant input, in the order the inputs were probed. */
export function fixedPointCounts(fp: Pick<FixedPoints, 'points' | 'inputs'>): FixedPointCounts {
  const out: FixedPointCounts = {};
  for (const i of fp.inputs ?? []) out[i.label] = { points: 0, stable: 0, saddle: 0, unstable: 0 };
  for (const p of fp.points) {
    const c = (out[p.inputLabel] ??= { points: 0, stable: 0, saddle: 0, unstable: 0 });
    c.points++;
    c[p.stability]++;
  }
  return out;
}

/** The parts of train/history.json that trainingCourse reads. */
interface HistoryFile {
  steps: number[];
  loss: number[];
  criterion?: Array<{ step: number; passed: number; total: number }>;
}

/** Best criterion check and lowest loss of a training history, with their steps. */
export function trainingCourse(h: HistoryFile): NonNullable<Derived['runs'][string]['course']> {
  let best = { step: NaN, passed: -1, total: NaN };
  for (const c of h.criterion ?? []) if (c.passed > best.passed) best = c;
  let minLoss = Infinity;
  let minAt = NaN;
  h.loss.forEach((l, i) => {
    if (Number.isFinite(l) && l < minLoss) {
      minLoss = l;
      minAt = h.steps[i] ?? i;
    }
  });
  return {
    bestPassed: best.passed < 0 ? NaN : best.passed,
    probeTrials: best.total,
    bestPassedAt: best.step,
    minLoss: Number.isFinite(minLoss) ? minLoss : NaN,
    minLossAt: minAt,
    lastLoss: h.loss[h.loss.length - 1] ?? NaN,
    steps: h.steps[h.steps.length - 1] ?? h.loss.length,
  };
}

// ---------------------------------------------------------------- live sweeps

/** Output y [C, T, 1] of a run's simulation node. */
function runOutputs(runDir: string, node = 'sim'): { y: Float32Array; C: number; T: number } | undefined {
  const d = join(runDir, node, 'trajectories');
  if (!existsSync(join(d, 'y.npy'))) return undefined;
  const y = decodeNpy(new Uint8Array(readFileSync(join(d, 'y.npy'))));
  const s = JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')) as { C: number; T: number };
  return { y: y.data as Float32Array, C: s.C, T: s.T };
}

/** The numbers of a run that are not in its manifest, computed from its folder. */
async function deriveRun(name: string, runDir: string): Promise<Derived['runs'][string]> {
  if (name === 'time-reproduction') {
    const o = runOutputs(runDir);
    // The stimulus-present condition is last in the probe; the pulse starts at step 50.
    return o ? { peakAfterOnset: peakAfter(o.y, (o.C - 1) * o.T, o.T, 50) } : {};
  }
  if (name === 'oscillation') {
    const o = runOutputs(runDir);
    return o ? { period: periodOf(o.y, (o.C - 1) * o.T, Math.round(o.T * 0.3), o.T - 20) } : {};
  }
  if (MULTITASK.has(name)) {
    const f = join(runDir, 'fp', 'points.json');
    const out: Derived['runs'][string] = existsSync(f)
      ? { fixedPoints: fixedPointCounts(JSON.parse(readFileSync(f, 'utf8')) as FixedPoints) }
      : {};
    // How training went (for runs that did not meet the criterion: how close they came, and when).
    const hf = join(runDir, 'train', 'history.json');
    if (existsSync(hf)) out.course = trainingCourse(JSON.parse(readFileSync(hf, 'utf8')) as HistoryFile);
    // E/I networks: weights that break Dale's law after training (dale.ei-stats has no headline numbers).
    const ei = join(runDir, 'ei-after', 'stats.json');
    if (existsSync(ei))
      out.daleViolations = (JSON.parse(readFileSync(ei, 'utf8')) as { violations: { count: number } }).violations.count;
    return out;
  }
  if (name === 'pruning-study') {
    const cf = join(runDir, 'prune', 'curve.json');
    const mf = join(runDir, 'train', 'model', 'model.json');
    if (!existsSync(cf) || !existsSync(mf)) return {};
    const { model } = await loadModelFile(mf);
    return { prune: pruneSummary(JSON.parse(readFileSync(cf, 'utf8')) as PruningCurve, model.weights.W_rec) };
  }
  return {};
}

/** The 3-task sweeps (N = 200, N = 400, E/I): the same pipeline shape, the same derived numbers. */
const MULTITASK = new Set<string>([
  'multitask-context',
  'multitask-context-n400',
  'multitask-context-n400-lr',
  'multitask-context-dale',
]);
const FP_NOTE =
  'fixedPoints: fixed points found per constant input probed (zero input = the XOR context, context = 1 AND, context = -1 OR), by stability (fp/points.json); ' +
  'course: the best criterion check (probe trials within tolerance, of how many, at which step), the lowest and the last training loss and the steps trained (train/history.json; failed runs too)';
const EI_NOTE = `${FP_NOTE}; daleViolations: weights of the trained W_rec whose sign breaks Dale's law (ei-after/stats.json)`;

const DERIVED_NOTE: Record<string, string> = {
  'time-reproduction':
    "peakAfterOnset: steps from the pulse onset (50) to the output's maximum, in sim's pulse-present condition (sim/trajectories/y.npy)",
  oscillation:
    "period: mean spacing of the output's upward mean crossings over [0.3 T, T - 20) in sim's triggered condition (sim/trajectories/y.npy)",
  'multitask-context': FP_NOTE,
  'multitask-context-n400': FP_NOTE,
  'multitask-context-n400-lr': FP_NOTE,
  'multitask-context-dale': EI_NOTE,
  'pruning-study':
    'prune: share of |W_rec| < 0.003 / < 0.0205 (train/model), distance per condition at each fraction and tolerance of the "all" curve (prune/curve.json)',
};

/**
 * Only the params the prose quotes, of the pipeline file as it is now, with the sweep's own
 * `--set node.param=value` applied (the N = 400 sweep is the flagship file with net.units=400).
 */
function pipelineParams(pipeline: string, sets: string[] = []): Record<string, Record<string, unknown>> {
  if (!existsSync(pipeline)) return {};
  const doc = JSON.parse(readFileSync(pipeline, 'utf8')) as {
    nodes?: Array<{ id: string; params?: Record<string, unknown> }>;
  };
  const out: Record<string, Record<string, unknown>> = {};
  for (const n of doc.nodes ?? [])
    if (['task', 'net', 'train', 'eigen', 'fp', 'prune'].includes(n.id)) out[n.id] = { ...(n.params ?? {}) };
  for (const s of sets) {
    const m = /^([^.=]+)\.([^=]+)=(.*)$/.exec(s);
    const node = m ? out[m[1] as string] : undefined;
    if (!m || !node) continue;
    let v: unknown = m[3];
    try {
      v = JSON.parse(m[3] as string);
    } catch {
      // a bare string value, as `--set` takes it
    }
    node[m[2] as string] = v;
  }
  return out;
}

/**
 * One live sweep folder into results/NAME: its finished runs (from sweep.json when it covers every
 * finished run folder, else from the runs' own manifests: a sweep still running writes sweep.json
 * only at its end), derived numbers and distribution figures. Returns false when there is no sweep.
 */
async function refreshSweep(name: (typeof SWEEP_NAMES)[number], live: string, results: string): Promise<boolean> {
  const plan = PLANS[name];
  const runsDir = join(live, 'runs');
  const finished = existsSync(runsDir)
    ? readdirSync(runsDir)
        .filter((id) => runState(join(runsDir, id)) !== 'unfinished')
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    : [];
  const sj = join(live, 'sweep.json');
  let rows: SweepRow[];
  let from: ResultsSweep['origin']['from'];
  const fromJson = existsSync(sj) ? (JSON.parse(readFileSync(sj, 'utf8')) as { runs: SweepRow[] }).runs : undefined;
  if (fromJson && finished.every((id) => fromJson.some((r) => r.run === id && r.status !== 'missing'))) {
    rows = fromJson.filter((r) => r.status === 'done' || r.status === 'failed');
    from = 'sweep.json';
  } else if (finished.length > 0) {
    const global = new Set(plan.sets ?? []);
    rows = finished.map((id) => {
      const m = JSON.parse(readFileSync(join(runsDir, id, 'manifest.json'), 'utf8')) as Manifest & {
        overrides?: string[];
      };
      const seed = /^seed-(-?\d+)/.exec(id)?.[1];
      return rowOf(
        {
          id,
          seed: seed === undefined ? undefined : Number(seed),
          sets: (m.overrides ?? []).filter((s) => !global.has(s)),
        },
        join(runsDir, id),
      );
    });
    from = 'run manifests';
  } else return false;
  const seeds = parseSeeds(plan.seeds).length;
  const points = plan.grid ? parseGridAxis(plan.grid).values.length : 1;
  const out = join(results, name);
  mkdirSync(join(out, 'figures'), { recursive: true });
  const sweep: ResultsSweep = {
    pipeline: plan.pipeline,
    sets: plan.sets ?? [],
    runs: rows,
    origin: { dir: live, from, plan, planned: seeds * points, params: pipelineParams(plan.pipeline, plan.sets) },
  };
  writeJson(join(out, 'sweep.json'), { ...sweep, summary: describeColumns(rows) });
  writeFileSync(join(out, 'sweep.csv'), tableCsv(rows));
  const derived: Derived = {
    note: DERIVED_NOTE[name] ?? 'nothing derived: every number of this sweep is in sweep.json',
    runs: {},
  };
  for (const r of rows)
    if (r.status === 'done' || (r.status === 'failed' && MULTITASK.has(name)))
      derived.runs[r.run] = await deriveRun(name, join(runsDir, r.run));
  writeJson(join(out, 'derived.json'), derived);
  // Figures of the numbers the document uses (a derived number is plotted like a column).
  const plotted = rows.map((r) => {
    const d = derived.runs[r.run] ?? {};
    const extra: Record<string, number> = {};
    if (d.peakAfterOnset !== undefined) extra['derived.peakAfterOnset'] = d.peakAfterOnset;
    if (d.period !== undefined) extra['derived.period'] = d.period;
    if (d.prune) extra['derived.prune.share0205'] = d.prune.share0205;
    return { ...r, values: { ...r.values, ...extra } };
  });
  for (const c of FIGURE_COLUMNS[name]) {
    const groups = groupsOf(plotted, c);
    if (groups.length > 0)
      writeFileSync(join(out, 'figures', `${figureBase(c)}.svg`), await renderStripPlot(c, groups));
  }
  log(`results/${name}: ${rows.length} finished runs (from ${from}, ${finished.length} run folders finished)`);
  return true;
}

/** The columns of a 3-task sweep's figures (the document's rows). */
const MULTITASK_COLUMNS = [
  'eigen.spectrum.radius',
  'eigen.spectrum.outside',
  'eigen.spectrum.dominantFreqAtan2',
  'wstats.stats.W_rec.mean',
  'wstats.stats.W_rec.stdTimesSqrtN',
  'wstats.stats.W_rec.skewness',
  'wstats.stats.W_rec.excessKurtosis',
  'pca.pca.top3',
  'pca0.pca.top3',
  'fp.points.points',
  'prune.curve.all.maxFractionOk',
  'prune.curve.random.maxFractionOk',
  'train.history.steps',
  'train.history.seconds',
];

/** The columns each sweep's committed figures show (the ones the document's rows are made of). */
export const FIGURE_COLUMNS: Record<(typeof SWEEP_NAMES)[number], string[]> = {
  'multitask-context': MULTITASK_COLUMNS,
  'multitask-context-n400': MULTITASK_COLUMNS,
  'multitask-context-n400-lr': MULTITASK_COLUMNS,
  'multitask-context-dale': MULTITASK_COLUMNS,
  'pruning-study': ['prune.curve.all.maxFractionOk', 'derived.prune.share0205'],
  'time-reproduction': ['derived.peakAfterOnset'],
  oscillation: ['derived.period'],
  'delay-sweep': ['sim-test.trajectories.meanDistance', 'sim.trajectories.meanDistance', 'train.history.finalLoss'],
  'size-sweep': ['sim-test.trajectories.meanDistance', 'sim.trajectories.meanDistance', 'train.history.finalLoss'],
};

// ---------------------------------------------------------------- authors' networks

function commitOf(authors: string, repo: string): string {
  const f = join(authors, repo, 'COMMIT');
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : 'unknown (no COMMIT file next to the extracted files)';
}
function fileOf(authors: string, repo: string, abs: string): AuthorsFile {
  return { repo: `katejarne/${repo}`, commit: commitOf(authors, repo), path: relative(join(authors, repo), abs) };
}

/** The flagship pipeline whose fixed-point and pruning params are applied to the authors' nets too. */
const FLAGSHIP = 'examples/multitask-context.json';

async function authorsMultitask(authors: string): Promise<AuthorsCache['multitask']> {
  const root = join(authors, 'multitasking_RNN/Examples');
  if (!existsSync(root)) return [];
  const dataset = await authorsThreeTaskDataset(60, 60);
  const probe = dataset.probe;
  if (!probe) throw new Error('context.mux gave no probe');
  const settings = pipelineParams(FLAGSHIP);
  const out: AuthorsCache['multitask'] = [];
  for (const dir of readdirSync(root).sort()) {
    const ok = join(root, dir, 'ok');
    const init = join(root, dir, '_N_00_initial.hdf5');
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
    const fp = await runBlock<{ points: FixedPoints }>(fixedPointsBlock, {
      inputs: { model: m1, trajectories: t1 },
      params: settings['fp'] ?? {},
    });
    const pr = await runBlock<{ curve: PruningCurve }>(pruneBlock, {
      inputs: { model: m1, dataset },
      params: settings['prune'] ?? {},
    });
    const tol = (v: string): number => pr.outputs.curve.curves.find((c) => c.variant === v)?.maxFractionOk ?? NaN;
    const top3 = (t: Trajectories): number =>
      pcaAnalysis(t, 3)
        .explainedVarianceRatio.slice(0, 3)
        .reduce((a, b) => a + b, 0);
    out.push({
      initial: fileOf(authors, 'multitasking_RNN', init),
      trained: fileOf(authors, 'multitasking_RNN', join(ok, file)),
      N: m1.N,
      radius: [s0.radius, s1.radius],
      outside: s1.outside,
      mean: w.mean,
      stdSqrtN: w.std * Math.sqrt(m1.N),
      skew: w.skewness,
      excessKurtosis: w.excessKurtosis,
      dominantFreq: s1.dominant.freqAtan2,
      pca: [top3(t0), top3(t1)],
      correct: t1.accuracy.filter((a) => a >= 1).length / t1.C,
      fixedPoints: fixedPointCounts(fp.outputs.points),
      pruneAll: tol('all'),
      pruneRandom: tol('random'),
    });
    log(`authors' multitask net ${dir}: done`);
  }
  return out;
}

/** First trained .hdf5 directly in each folder of a task's networks directory (as the published table used). */
function trainedFiles(authors: string, task: string, prefix: string): string[] {
  const root = join(authors, 'RNN_study_with_keras/code_paper_rep/Networks_and_files/networks', task);
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const d of readdirSync(root).sort()) {
    const f = readdirSync(join(root, d)).find((x) => x.startsWith(prefix) && x.endsWith('.hdf5'));
    if (f) out.push(join(root, d, f));
  }
  return out;
}

/** The fractions the authors' AND networks are pruned at (the published curve's points). */
export const FRACTIONS = [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.24, 0.3, 0.36];

async function authorsAndPruning(authors: string): Promise<AuthorsCache['andPruning']> {
  const files = trainedFiles(authors, 'AND', 'and_weights');
  if (files.length === 0) return [];
  const ds = (await runBlock<{ dataset: Dataset }>(andTask, { params: { samples: 50, seed: 1 } })).outputs.dataset;
  const out: AuthorsCache['andPruning'] = [];
  for (const f of files) {
    const { model } = await loadModelFile(f);
    const r = await runBlock<{ curve: PruningCurve }>(pruneBlock, {
      inputs: { model, dataset: ds },
      params: { fractions: FRACTIONS, variants: ['all'], engine: 'js' },
    });
    out.push({
      file: fileOf(authors, 'RNN_study_with_keras', f),
      ...pruneSummary(r.outputs.curve, model.weights.W_rec),
    });
    log(`authors' AND net ${f}: pruned`);
  }
  return out;
}

async function authorsSignal(
  authors: string,
  kind: 'time' | 'osc',
): Promise<Array<{ file: AuthorsFile; value: number }>> {
  const files = trainedFiles(authors, kind === 'time' ? 'time' : 'OSC', 'pulse_weights');
  if (files.length === 0) return [];
  const block = kind === 'time' ? timeReproductionTask : oscillationTask;
  const params = kind === 'time' ? { samples: 50, seed: 1 } : { samples: 50, seed: 1, inputNoise: 0 };
  const probe = (await runBlock<{ dataset: Dataset }>(block, { params })).outputs.dataset;
  const p = probe.probe ?? probe;
  const out: Array<{ file: AuthorsFile; value: number }> = [];
  for (const f of files) {
    const { model } = await loadModelFile(f);
    const { y } = simulate(model, p.inputs, p.samples, p.T);
    const c = p.samples - 1; // the stimulus-present condition is last in the probe
    const value = kind === 'time' ? peakAfter(y, c * p.T, p.T, 50) : periodOf(y, c * p.T, 170, p.T - 40);
    out.push({ file: fileOf(authors, 'RNN_study_with_keras', f), value });
  }
  return out;
}

/**
 * Refresh results/ from what is on this machine. `sweeps` holds live sweep folders by name
 * (`sweeps/NAME`); `authors` the authors' repositories' extracted files (undefined: keep authors.json).
 */
export async function refreshResults(sweeps: string, authors: string | undefined, results: string): Promise<void> {
  mkdirSync(results, { recursive: true });
  for (const name of SWEEP_NAMES) {
    const live = join(sweeps, name);
    if (!(await refreshSweep(name, live, results))) log(`results/${name}: no live sweep at ${live}, kept as is`);
  }
  if (authors === undefined) {
    log('results/authors.json: kept as is (--skip-authors)');
    return;
  }
  const multitask = await authorsMultitask(authors);
  const andPruning = await authorsAndPruning(authors);
  const timePeak = await authorsSignal(authors, 'time');
  const oscPeriod = await authorsSignal(authors, 'osc');
  if (multitask.length + andPruning.length + timePeak.length + oscPeriod.length === 0) {
    log(`results/authors.json: no authors' networks under ${authors}, kept as is`);
    return;
  }
  const cache: AuthorsCache = {
    note:
      "Numbers computed by scripts/reproduction.ts --refresh from the authors' published Keras HDF5 networks " +
      '(repo, commit, path per entry; the files themselves are not part of this project). ' +
      'multitask: 3-task probe (36 trials, jitters 1/25/50), outside = |lambda| > 1.01, pca = top-3 explained variance [initial, trained], correct = share of probe trials right, ' +
      "fixedPoints / pruneAll / pruneRandom: analysis.fixed-points and analysis.prune with the flagship example's params (settings). " +
      'andPruning: analysis.prune (variant all) on task.and (50 samples, seed 1). timePeak / oscPeriod: as derived.json of those sweeps.',
    multitask,
    settings: { fp: pipelineParams(FLAGSHIP)['fp'] ?? {}, prune: pipelineParams(FLAGSHIP)['prune'] ?? {} },
    andPruning,
    timePeak,
    oscPeriod,
  };
  writeJson(join(results, 'authors.json'), cache);
  log(
    `results/authors.json: ${multitask.length} multitask, ${andPruning.length} AND, ${timePeak.length} time, ${oscPeriod.length} oscillation nets`,
  );
}
