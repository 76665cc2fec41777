/**
 * The committed results folder (results/, see results/README.md) that docs/REPRODUCTION.md is
 * regenerated from: one folder per sweep (sweep.json, sweep.csv, derived.json, figures/), the
 * authors' networks' numbers (authors.json) and the previous sweeps kept as text (legacy.json).
 * Reading only: nothing here trains or simulates.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepRow } from '../../cli/sweep.ts';
import { readMinUnits, type MinUnits } from './min-units.ts';

/** How the document was asked to reproduce a sweep: the `cortexflow sweep` command's parts. */
export interface SweepPlan {
  pipeline: string;
  /** `--seeds` as typed (`1..20`). */
  seeds: string;
  grid?: string;
  sets?: string[];
  workers: number;
  nice?: boolean;
  /** `--plugin` arguments the pipeline needs. */
  plugins?: string[];
  /** CORTEXFLOW_THREADS for the runs (threads of each run's trainer), when the sweep was pinned to it. */
  threads?: number;
}

/** results/NAME/sweep.json: `cortexflow sweep`'s own sweep.json plus where it came from. */
export interface ResultsSweep {
  pipeline: string;
  sets: string[];
  runs: SweepRow[];
  origin: {
    /** The live sweep folder it was copied from (on the machine that ran it). */
    dir: string;
    /** "sweep.json" when the sweep had finished; "run manifests" when gathered from finished runs of a sweep still running. */
    from: 'sweep.json' | 'run manifests';
    plan: SweepPlan;
    /** Runs the plan holds (seeds x grid points). */
    planned: number;
    /** Params of the pipeline's nodes as they were when the results were gathered (for the prose). */
    params: Record<string, Record<string, unknown>>;
  };
}

/** Pruning of one network: share of small weights, distance per removed fraction, tolerance. */
export interface PruneResult {
  share0003: number;
  share0205: number;
  /** Distance per condition at each requested fraction (JSON keys are the fractions). */
  distAt: Record<string, number[]>;
  maxOk: number;
}

/** results/NAME/derived.json: per-run numbers computed from run folders (not in the manifests). */
export interface Derived {
  note: string;
  runs: Record<
    string,
    {
      peakAfterOnset?: number;
      period?: number;
      prune?: PruneResult;
      fixedPoints?: FixedPointCounts;
      /** 3-task sweeps: how training went (best criterion check, lowest and last loss, steps). */
      course?: {
        bestPassed: number;
        probeTrials: number;
        bestPassedAt: number;
        minLoss: number;
        minLossAt: number;
        lastLoss: number;
        steps: number;
      };
      /** E/I sweeps: trained W_rec weights whose sign breaks Dale's law. */
      daleViolations?: number;
    }
  >;
}

/** Fixed points found per constant input probed (label as `analysis.fixed-points` gives it: "zero input", "context = 1", ...). */
export type FixedPointCounts = Record<string, { points: number; stable: number; saddle: number; unstable: number }>;

/** One file of the authors' repositories, for provenance. */
export interface AuthorsFile {
  repo: string;
  commit: string;
  path: string;
}

/** results/authors.json: numbers from the authors' published networks. */
export interface AuthorsCache {
  note: string;
  multitask: Array<{
    initial: AuthorsFile;
    trained: AuthorsFile;
    N: number;
    radius: [number, number];
    outside: number;
    mean: number;
    stdSqrtN: number;
    skew: number;
    excessKurtosis: number;
    /** Dominant eigenvalue's frequency, atan2 form (cycles per step). */
    dominantFreq: number;
    pca: [number, number];
    correct: number;
    /** `analysis.fixed-points` with the flagship's params (authors.settings.fp). */
    fixedPoints: FixedPointCounts;
    /** `analysis.prune` tolerance with the flagship's params (authors.settings.prune): smallest first / random. */
    pruneAll: number;
    pruneRandom: number;
  }>;
  /** Params of the blocks run on the authors' multitask nets (the flagship pipeline's, when gathered). */
  settings: Record<string, Record<string, unknown>>;
  andPruning: Array<{ file: AuthorsFile } & PruneResult>;
  timePeak: Array<{ file: AuthorsFile; value: number }>;
  oscPeriod: Array<{ file: AuthorsFile; value: number }>;
}

/** results/legacy.json: the 2026-11-28 sweeps, gone, kept only as the text the document printed. */
export interface Legacy {
  note: string;
  date: string;
  sweeps: Record<string, { runs: number; command: string }>;
  /** Table cells ("ours" column) by row key, exactly as printed then. */
  rows: Record<string, { sweep: string; n: string; text: string }>;
  /** Delay and size sweep tables: their body lines as printed then, and the total minutes. */
  grids: Record<string, { lines: string[]; minutes: string }>;
  /** The comments written then about these sweeps (markdown list items). */
  comments: Record<string, string>;
}

/** A row value as a number (NaN when absent or not a number). */
export const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/** Finished ("done") rows of a sweep. */
export const doneRows = (s: ResultsSweep | undefined): SweepRow[] => (s?.runs ?? []).filter((r) => r.status === 'done');

/** One column of the rows, as numbers. */
export const colOf = (rows: SweepRow[], c: string): number[] => rows.map((r) => num(r.values[c]));

/** Everything the document is built from. */
export interface Results {
  dir: string;
  sweeps: Record<string, { sweep: ResultsSweep; derived: Derived | undefined } | undefined>;
  authors: AuthorsCache | undefined;
  legacy: Legacy | undefined;
  /** results/min-units/: single tasks vs the 3-task scheme over N (absent when not read). */
  minUnits?: MinUnits;
}

/** The sweeps the document knows, in its order. */
export const SWEEP_NAMES = [
  'multitask-context',
  'multitask-context-n400',
  'multitask-context-n400-lr',
  'multitask-context-dale',
  'pruning-study',
  'time-reproduction',
  'oscillation',
  'delay-sweep',
  'size-sweep',
] as const;

function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** Read results/ (missing parts are undefined; a malformed file is an error naming it). */
export function readResults(dir: string): Results {
  const sweeps: Results['sweeps'] = {};
  for (const name of SWEEP_NAMES) {
    const sweep = readJson<ResultsSweep>(join(dir, name, 'sweep.json'));
    if (!sweep) continue;
    if (!Array.isArray(sweep.runs)) throw new Error(`${join(dir, name, 'sweep.json')}: "runs" must be an array`);
    sweeps[name] = { sweep, derived: readJson<Derived>(join(dir, name, 'derived.json')) };
  }
  return {
    dir,
    sweeps,
    authors: readJson<AuthorsCache>(join(dir, 'authors.json')),
    legacy: readJson<Legacy>(join(dir, 'legacy.json')),
    minUnits: readMinUnits(join(dir, 'min-units')),
  };
}

/** The authors' single-task optimiser and budget as `--set`s, stopping at their loss threshold for the task. */
function authorsRecipe(lossThreshold: number): string[] {
  return [
    'train.lr=0.0001',
    'train.decay=0.0001',
    'train.maxSteps=4700',
    'train.stopAtCriterion=false',
    `train.lossThreshold=${lossThreshold}`,
  ];
}

/**
 * The sweep behind each row: the command that makes it (`--out` is the live folder given to
 * `--refresh --sweeps DIR`). Changing a plan here changes the document's printed command only.
 */
export const PLANS: Record<(typeof SWEEP_NAMES)[number], SweepPlan> = {
  'multitask-context': { pipeline: 'examples/multitask-context.json', seeds: '1..20', workers: 2, nice: true },
  'multitask-context-n400': {
    pipeline: 'examples/multitask-context.json',
    seeds: '1..5',
    sets: ['net.units=400'],
    workers: 1,
    threads: 1,
  },
  'multitask-context-n400-lr': {
    pipeline: 'examples/multitask-context.json',
    seeds: '1..5',
    sets: ['net.units=400', 'train.lr=0.0001'],
    workers: 1,
    threads: 1,
  },
  'multitask-context-dale': {
    pipeline: 'examples/plugin-dale-multitask.json',
    seeds: '1..10',
    plugins: ['plugins/dale'],
    workers: 1,
    threads: 1,
  },
  // The single-task examples stop at the trainer's criterion to stay quick; for the table they run
  // the authors' recipe (Adam 1e-4 with Keras decay 1e-4, 15,050 trials, up to 4,700 steps) to the
  // authors' loss threshold of each task (docs/science.md), at the authors' N = 50 for pruning.
  'pruning-study': {
    pipeline: 'examples/pruning-study.json',
    seeds: '1..20',
    sets: ['net.units=50', 'task.samples=15050', ...authorsRecipe(0.0005)],
    workers: 2,
    threads: 1,
    nice: true,
  },
  'time-reproduction': {
    pipeline: 'examples/time-reproduction.json',
    seeds: '1..20',
    sets: ['task.samples=15050', ...authorsRecipe(0.001)],
    workers: 2,
    threads: 1,
    nice: true,
  },
  oscillation: {
    pipeline: 'examples/oscillation.json',
    seeds: '1..20',
    sets: ['task.samples=15050', ...authorsRecipe(0.001)],
    workers: 2,
    threads: 1,
    nice: true,
  },
  // The example's defaults are the authors' recipe and budget (15,050 trials, Adam 1e-4 with decay, 4,700 steps).
  'delay-sweep': {
    pipeline: 'examples/delay-sweep.json',
    seeds: '1..5',
    grid: 'task.memGap=25,50,80,110,140,170',
    sets: ['net.units=50'],
    workers: 2,
    threads: 1,
    nice: true,
  },
  'size-sweep': {
    pipeline: 'examples/delay-sweep.json',
    seeds: '1..5',
    grid: 'net.units=50,100,200,300,450',
    sets: ['task.memGap=150'],
    workers: 2,
    threads: 1,
    nice: true,
  },
};

/** `cortexflow sweep ...` for a plan writing to `out`. */
export function planCommand(p: SweepPlan, out: string): string {
  const grid = p.grid ? ` --grid ${p.grid}` : '';
  const sets = (p.sets ?? []).map((s) => ` --set ${s}`).join('');
  const plugins = (p.plugins ?? []).map((s) => ` --plugin ${s}`).join('');
  const env = p.threads === undefined ? '' : `CORTEXFLOW_THREADS=${p.threads} `;
  return `${env}${p.nice ? 'nice -n 5 ' : ''}cortexflow sweep ${p.pipeline} --seeds ${p.seeds}${grid} --workers ${p.workers} --out ${out}${sets}${plugins}`;
}
