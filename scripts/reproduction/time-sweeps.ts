/**
 * The delay and size sweeps of the time-reproduction task, for docs/REPRODUCTION.md: their tables,
 * what they cost, and the sentences saying whether the authors' trends are reproduced. Every
 * number comes from results/ (or, for the flat-output scale, from the seeded task generator), so
 * the section regenerates byte for byte like the rest of the document.
 */
import { runBlock } from '../../core/index.ts';
import { timeReproductionTask } from '../../nodes/tasks/index.ts';
import type { Dataset } from '../../nodes/ports/index.ts';
import { trialDistance } from '../../nodes/sim/metrics.ts';
import type { SweepRow } from '../../cli/sweep.ts';
import { fmt, ms, range, stats, wrapParagraph } from './format.ts';
import { colOf, doneRows, num, type Legacy, type Results, type ResultsSweep } from './results.ts';

type GridName = 'delay-sweep' | 'size-sweep';

export const HELD_OUT = 'sim-test.trajectories.meanDistance';
const PROBE = 'sim.trajectories.meanDistance';
export const AUTHORS_DELAY: Record<number, string> = {
  25: '0.99',
  50: '1.27',
  80: 'not given (between 1.27 and ~1.7)',
  110: '~1.7-1.8',
  140: '~1.7-1.8',
  170: '~1.7-1.8',
};
export const AUTHORS_SIZE: Record<number, string> = {
  50: '1.71',
  100: '1.23',
  200: '1.10',
  300: '1.04-1.08 (N = 250-450)',
  450: '1.04-1.08 (N = 250-450)',
};
/** The authors' size-sweep distances as numbers (the 250-450 band by its middle), for the trend sentence. */
const AUTHORS_SIZE_NUM: Record<number, number> = { 50: 1.71, 100: 1.23, 200: 1.1, 300: 1.06, 450: 1.06 };
/** The authors' budget: 20 epochs of 15,050 trials at batch 64. */
const AUTHORS_STEPS = 4700;
/** Target noise std of the task (docs/science.md): a perfect network is sqrt(T) * 0.03 from a noisy target. */
const TARGET_NOISE = 0.03;

const gridValue = (r: SweepRow, key: string): number => {
  const x = r.sets.find((v) => v.startsWith(`${key}=`));
  return x === undefined ? NaN : Number(x.slice(key.length + 1));
};

/** Each grid value (the authors' and every one run) with the finished runs at it, ascending. */
export function gridPoints(
  s: ResultsSweep | undefined,
  key: string,
  authors: Record<number, string>,
): Array<[number, SweepRow[]]> {
  const points = new Set<number>(Object.keys(authors).map(Number));
  for (const r of doneRows(s)) points.add(gridValue(r, key));
  return [...points]
    .filter((v) => Number.isFinite(v))
    .sort((a, b) => a - b)
    .map((v) => [v, doneRows(s).filter((r) => gridValue(r, key) === v)]);
}

/** "1.23 at N = 50 ... 0.98 at N = 450 (held-out trials; see below)" for the main table. */
export function gridSummary(
  s: ResultsSweep | undefined,
  key: string,
  authors: Record<number, string>,
  unit: string,
): string {
  const done = gridPoints(s, key, authors).filter(([, runs]) => runs.length > 0);
  const at = ([v, runs]: [number, SweepRow[]]): string => `${fmt(stats(colOf(runs, HELD_OUT)).mean, 2)} at ${unit}${v}`;
  const first = done[0];
  const last = done[done.length - 1];
  if (!first || !last) return 'not run';
  return `${at(first)} ... ${at(last)} (held-out trials, mean over seeds; see below)`;
}

/**
 * The distance of a network that learned nothing but the baseline (output 0.045 throughout), at a
 * delay: mean over the 2 noise-free probe conditions and over 50 noisy trials of the same task.
 * Computed from the seeded task generator (no training), so it is part of the code, not of results/.
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

/** The recipe a sweep ran with, from its gathered params (the pipeline file plus the sweep's `--set`s). */
interface Recipe {
  lr: number;
  decay: number;
  batch: number;
  clip: number;
  steps: number;
  lossThreshold: number;
  samples: number;
  heldOut: number;
}
function recipeOf(s: ResultsSweep): Recipe {
  const t = s.origin.params['train'] ?? {};
  const task = s.origin.params['task'] ?? {};
  const samples = num(task['samples']);
  return {
    lr: num(t['lr']),
    decay: Number.isFinite(num(t['decay'])) ? num(t['decay']) : 0,
    batch: num(t['batchSize']),
    clip: num(t['clipNorm']),
    steps: num(t['maxSteps']),
    lossThreshold: num(t['lossThreshold']),
    samples,
    heldOut: Math.round(samples * (Number.isFinite(num(task['testFraction'])) ? num(task['testFraction']) : 0)),
  };
}
const atAuthorsBudget = (r: Recipe): boolean => r.steps >= AUTHORS_STEPS && r.lr <= 1e-4;

/** Hours of one core a set of runs took: each run is one trainer thread, so its wall time. */
const runHours = (runs: SweepRow[]): number =>
  runs.reduce((a, r) => a + (Number.isFinite(num(r.durationMs)) ? num(r.durationMs) : 0), 0) / 3_600_000;

/** The section, or the legacy text of 2026-11-28 where a sweep has no results/ folder. */
export async function timeSweepsSection(res: Results, legacyLabel: (n: string) => string): Promise<string> {
  const R = (n: GridName): ResultsSweep | undefined => res.sweeps[n]?.sweep;
  const legacy: Legacy | undefined = res.legacy;
  const flat25 = await flatDistance(25);
  const flat150 = await flatDistance(150);
  const floor = Math.sqrt(300) * TARGET_NOISE;
  // A run "learned the bump" when its held-out distance is below the midpoint between the noise
  // floor (a perfect network) and the flat output (a network that learned nothing).
  const learnedBelow = (floor + flat150.heldOut) / 2;
  const flatAt = (f: { probe: number; heldOut: number }): string => `${fmt(f.heldOut, 2)} / ${fmt(f.probe, 2)}`;

  const gridTable = (name: GridName, key: string, label: string, authors: Record<number, string>): string => {
    const s = R(name);
    const l = legacy?.grids[name];
    if (!s && l) {
      const head = `| ${label} | authors' distance | ours: 50 held-out noisy trials | ours: noise-free probe (2 conditions) | final training loss | minutes per net |`;
      return `${[head, '|---|---|---|---|---|---|', ...l.lines].join('\n')}\n\n(${legacyLabel(`${legacy?.sweeps[name]?.runs ?? '?'} runs`)}: the table as printed then.)`;
    }
    const rc = s ? recipeOf(s) : undefined;
    const held = rc && rc.heldOut > 0 ? `${rc.heldOut} held-out noisy trials` : 'held-out noisy trials';
    const head = `| ${label} | authors' distance | ours: ${held} | ours: noise-free probe (2 conditions) | learned the bump (held-out < ${fmt(learnedBelow, 2)}) | final training loss | minutes per net | hours of one core, all seeds |`;
    const lines = gridPoints(s, key, authors).map(([v, runs]) => {
      const a = authors[v] ?? 'not given';
      if (runs.length === 0) return `| ${v} | ${a} | not run | not run | | | | |`;
      const minutes = runs.map((r) => num(r.durationMs) / 60_000);
      const learned = colOf(runs, HELD_OUT).filter((d) => d < learnedBelow).length;
      return `| ${v} | ${a} | ${ms(colOf(runs, HELD_OUT), 2)} | ${ms(colOf(runs, PROBE), 2)} | ${learned} of ${runs.length} | ${ms(colOf(runs, 'train.history.finalLoss'), 4)} | ${range(minutes, 1).replace(/ \(.*/, '')} | ${fmt(runHours(runs), 2)} |`;
    });
    return [head, '|---|---|---|---|---|---|---|---|', ...lines].join('\n');
  };

  const sizeSweep = R('size-sweep');
  const delaySweep = R('delay-sweep');
  const recipe = sizeSweep ? recipeOf(sizeSweep) : delaySweep ? recipeOf(delaySweep) : undefined;
  const recipeText = recipe
    ? `trained with Adam lr ${recipe.lr}${recipe.decay ? ` with Keras' time decay ${recipe.decay} (lr / (1 + decay x step))` : ''}, batch ${recipe.batch}, ` +
      `global-norm gradient clipping ${recipe.clip}, for ${recipe.steps.toLocaleString('en-US')} steps, stopping earlier only at the authors' loss < ${recipe.lossThreshold} ` +
      `(not at the trainer's looser success criterion), on ${recipe.samples.toLocaleString('en-US')} trials of which the first ${recipe.heldOut} are held out`
    : "trained with Adam lr 0.002, gradient clip 1, batch 64 for 600 steps, stopping earlier only at the authors' loss < 1e-3; 2,000 trials of which the first 50 are held out";
  const budgetNote =
    recipe && atAuthorsBudget(recipe)
      ? `This is the authors' recipe (Adam lr 1e-4, Keras decay 1e-4, batch 64, up to 20 epochs of 15,050 trials = ${AUTHORS_STEPS.toLocaleString('en-US')} steps, stopping at loss < 1e-3) with one addition kept from the example pipeline: clipping the gradient's global norm at ${recipe.clip} (Keras' default does not clip; Adam's step hardly depends on a constant gradient scale, so clipping acts only on spikes).`
      : `The authors trained with Adam lr 1e-4 (Keras decay 1e-4), batch 64, up to 20 epochs of 15,050 trials (about ${AUTHORS_STEPS.toLocaleString('en-US')} steps), stopping at loss < 1e-3; these sweeps used a shorter budget.`;

  const intro = wrapParagraph(
    `Both sweeps run \`examples/delay-sweep.json\`: the time-reproduction task on the authors' timing (T = 300, pulse at [50, 70), bump over [70 + delay, 90 + delay), noise N(0, 0.03) on input and target), a CTRNN (orthogonal W_rec at gain 1, tanh, alpha 1) ${recipeText}. ${budgetNote} Delays are in steps (the authors' "ms": one step is one ms).`,
  );
  const scale = wrapParagraph(
    `The distance is ||y - target||_2 over the whole trial, per trial, averaged over trials, on the held-out trials with their noise (the kind of data the authors' numbers come from) and on the two noise-free probe conditions (pulse absent, present). A network reproducing the clean target exactly is still about sqrt(300 x 0.03^2) = ${fmt(floor, 2)} from a noisy target: the held-out distance cannot go much below that, the probe distance can go to 0. The scale of "failed": an output that stays at the baseline 0.045 throughout (a network that learned nothing of the bump) is at ${flatAt(flat25)} (held-out / probe) at delay 25, ${flatAt(flat150)} at delay 150 (it hardly depends on the delay). A network "learned the bump" here when its held-out distance is below ${fmt(learnedBelow, 2)}, halfway between the two. "Minutes per net" is the whole run (training, two simulations, two figures), one trainer thread per run, two runs at a time on the shared 2-core VM (hence the spread); "hours of one core" adds up the runs of a row.`,
  );
  const section = `## Delay sweep and size sweep (time reproduction)

${intro}

${scale}

${costParagraph(res)}

### Delay sweep, N = 50

${gridTable('delay-sweep', 'task.memGap', 'delay (steps)', AUTHORS_DELAY)}

### Size sweep, delay 150

${gridTable('size-sweep', 'net.units', 'N', AUTHORS_SIZE)}
`;
  const said =
    delaySweep || sizeSweep
      ? `\n### What the two sweeps say\n\n${verdicts(delaySweep, sizeSweep, learnedBelow, flat150.heldOut)}\n`
      : legacy?.comments['delay-size']
        ? `\n### What the two sweeps said (${legacy.date})\n\n${legacy.comments['delay-size']}\n  (${legacyLabel(['delay-sweep', 'size-sweep'].map((n) => `${legacy.sweeps[n]?.runs ?? '?'}`).join(' + '))}.)\n`
        : '';
  return section + said;
}

/** Mean held-out distance and learned count per grid value of a sweep. */
function perPoint(
  s: ResultsSweep | undefined,
  key: string,
  authors: Record<number, string>,
  learnedBelow: number,
): Array<{ v: number; n: number; mean: number; learned: number }> {
  return gridPoints(s, key, authors)
    .filter(([, runs]) => runs.length > 0)
    .map(([v, runs]) => {
      const d = colOf(runs, HELD_OUT);
      return { v, n: runs.length, mean: stats(d).mean, learned: d.filter((x) => x < learnedBelow).length };
    });
}

/** The sentences under the two tables: every number and every verdict computed from the rows. */
function verdicts(
  delay: ResultsSweep | undefined,
  size: ResultsSweep | undefined,
  learnedBelow: number,
  flat: number,
): string {
  const out: string[] = [];
  const list = (pts: ReturnType<typeof perPoint>, unit: string): string =>
    pts.map((p) => `${unit}${p.v}: ${fmt(p.mean, 2)} (${p.learned} of ${p.n} learned)`).join(', ');
  if (size) {
    const pts = perPoint(size, 'net.units', AUTHORS_SIZE, learnedBelow);
    const first = pts[0];
    const last = pts[pts.length - 1];
    const falls = pts.every((p, i) => i === 0 || p.mean <= (pts[i - 1]?.mean ?? Infinity) + 0.05);
    const share = (p: { n: number; learned: number }): number => p.learned / p.n;
    const moreLearn = pts.every((p, i) => i === 0 || share(p) >= share(pts[i - 1] ?? p));
    const lower = first && last && last.v !== first.v ? last.mean < first.mean - 0.1 : false;
    const ours =
      first && last ? `from ${fmt(first.mean, 2)} at N = ${first.v} to ${fmt(last.mean, 2)} at N = ${last.v}` : 'n/a';
    const theirs =
      first && last
        ? `${fmt(AUTHORS_SIZE_NUM[first.v] ?? NaN, 2)} to ${fmt(AUTHORS_SIZE_NUM[last.v] ?? NaN, 2)}`
        : 'n/a';
    const verdict = lower
      ? falls
        ? `**The trend is reproduced**: the mean held-out distance falls with N, ${ours} (the authors' ${theirs})${moreLearn ? ', and the share of networks that learn the bump does not drop as N grows' : ''}.`
        : `**The trend is reproduced in the large** (${ours}; the authors' ${theirs}) but not step by step: a larger N is not better at every point of the grid.`
      : `**The trend is not reproduced**: the mean held-out distance does not fall with N (${ours}; the authors' ${theirs}).`;
    const missing = Object.keys(AUTHORS_SIZE)
      .map(Number)
      .filter((v) => !pts.some((p) => p.v === v));
    const short = pts.filter((p) => p.n < 5);
    out.push(
      `- **Size (delay 150).** Mean held-out distance and networks that learned the bump, per N: ${list(pts, 'N = ')}. ${verdict}` +
        ` A network either learns the bump or stays near the flat output (${fmt(flat, 2)}): at small N the mean mixes the two kinds, so the share that learned is the clearer measure.` +
        ` Our level is lower than the authors' at every N. Their code (katejarne/RNN_study_with_keras, binary_pulse_recurrent_main_to_loop.py) computes the same distance (the L2 norm of target minus output over a whole trial, on held-out trials) and averages 20-50 networks per N (their size_at_150_ms.txt: N = 200 1.10 ± 0.05 over 30 nets), but a network at their stopping loss (1e-3 per step) is about sqrt(300 x 1e-3) = ${fmt(Math.sqrt(0.3), 2)} from its targets, as ours are: their averages must include networks far from the target (not learned, or stopped by the 20-epoch cap above the threshold), which their files do not break down. The trend compares; the level does not.` +
        (short.length || missing.length
          ? ` Fewer than the issue's 5 seeds at ${[...short.map((p) => `N = ${p.v} (${p.n})`), ...missing.map((v) => `N = ${v} (0)`)].join(', ')}: the machine's time ran out (the sweep resumes with its command above).`
          : ''),
    );
  }
  if (delay) {
    const pts = perPoint(delay, 'task.memGap', AUTHORS_DELAY, learnedBelow);
    const first = pts[0];
    const last = pts[pts.length - 1];
    const rises = first && last && last.v !== first.v ? last.mean > first.mean + 0.1 : false;
    out.push(
      `- **Delay (N = 50).** Mean held-out distance and networks that learned the bump, per delay: ${list(pts, '')}. ` +
        (rises
          ? `**The trend is reproduced**: the distance rises with the delay (the authors' 0.99 at 25 to ~1.7-1.8 at 110-170), towards the flat output's ${fmt(flat, 2)} as fewer networks learn the bump; our level is lower, for the reason given for the size sweep.`
          : `**The trend is not reproduced**: the distance does not rise with the delay (the authors' 0.99 at 25 to ~1.7-1.8 at 110-170).`),
    );
  }
  return out.map((b) => wrapBulletText(b)).join('\n');
}

function wrapBulletText(b: string): string {
  return wrapParagraph(b.slice(2), 98)
    .split('\n')
    .map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`))
    .join('\n');
}

/**
 * What the sweeps cost, measured (hours of one core per point and in all) when they ran at the
 * authors' budget, and what the authors' full size sweep (N = 50 to 450 every 50, 20 seeds) would
 * cost at the measured price per network (interpolated in N^2 between the measured sizes).
 */
export function costParagraph(res: Results): string {
  const size = res.sweeps['size-sweep']?.sweep;
  const delay = res.sweeps['delay-sweep']?.sweep;
  const rc = size ? recipeOf(size) : undefined;
  if (!size || !rc || !atAuthorsBudget(rc)) return '';
  const pts = gridPoints(size, 'net.units', AUTHORS_SIZE).filter(([, runs]) => runs.length > 0);
  const perNet = pts.map(([v, runs]) => [v, runHours(runs) / runs.length] as const);
  const at = (N: number): number => {
    // Between measured sizes: linear in N^2. Beyond the largest: its cost scaled as N^2 (the
    // recurrent products dominate there); below the smallest: the smallest's (fixed costs dominate).
    const xs = perNet.map(([v, h]) => [v * v, h] as const);
    const first = xs[0];
    const last = xs[xs.length - 1];
    if (!first || !last) return NaN;
    if (N * N >= last[0]) return last[1] * ((N * N) / last[0]);
    if (N * N <= first[0]) return first[1];
    const i = xs.findIndex(([x]) => x >= N * N);
    const [x0, y0] = xs[i - 1] ?? first;
    const [x1, y1] = xs[i] ?? last;
    return y0 + ((y1 - y0) * (N * N - x0)) / (x1 - x0);
  };
  const full = [50, 100, 150, 200, 250, 300, 350, 400, 450].reduce((a, N) => a + 20 * at(N), 0);
  const total = runHours(doneRows(size)) + runHours(doneRows(delay));
  const maxN = Math.max(...perNet.map(([v]) => v));
  return wrapParagraph(
    `**Cost at the authors' budget (measured).** Per network (whole run, one thread): ${perNet
      .map(([v, h]) => `N = ${v}: ${fmt(h * 60, 0)} min`)
      .join(
        ', ',
      )}. The two sweeps here took ${fmt(total, 1)} hours of one core in all. At these prices the authors' full size sweep` +
      ` (N = 50 to 450 every 50, 20 seeds) is about ${fmt(full, 0)} hours of one core${maxN < 450 ? ` (beyond N = ${maxN} scaled as N^2: ${fmt(at(450) * 60, 0)} min per network at N = 450)` : ''}: on the queue,` +
      ` one worker per core (docs/cluster.md), 20 two-core machines do it in about ${fmt(full / 40, 1)} hours.`,
  );
}
