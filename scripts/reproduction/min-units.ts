/**
 * "More units than for one task" (issue 18, item 4): the smallest N at which each single task (AND,
 * OR, XOR alone) and the 3-task scheme meet the trainer's criterion in at least 4 of 5 seeds, all at
 * the 3-task scheme's timing and with its trainer. Read from results/min-units/NAME/sweep.json
 * (`cortexflow sweep`'s own sweep.json, one sweep per task over `net.units`); rendered as one section
 * of docs/REPRODUCTION.md. A run "met the criterion" when it finished and its training history has
 * `criterionMetAt`; a run that stopped at the step cap or diverged did not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepRow } from '../../cli/sweep-row.ts';
import { words, wrapParagraph } from './format.ts';

/** The sweeps of the section, in its order: folder under results/min-units/, and the label printed. */
export const MIN_UNITS_SWEEPS = [
  { name: 'and', label: 'AND alone', tasks: 1 },
  { name: 'or', label: 'OR alone', tasks: 1 },
  { name: 'xor', label: 'XOR alone', tasks: 1 },
  { name: 'multitask', label: '3-task scheme (AND / OR / XOR by context)', tasks: 3 },
] as const;

/** How many seeds of a grid point must meet the criterion, of how many run. */
const NEED = 4;
const OF = 5;

/** results/min-units/NAME/sweep.json as `cortexflow sweep` writes it (the fields used here). */
export interface MinUnitsSweep {
  pipeline: string;
  sets: string[];
  runs: SweepRow[];
}

/** The min-units sweeps found, by name; a missing one is absent. */
export type MinUnits = Partial<Record<(typeof MIN_UNITS_SWEEPS)[number]['name'], MinUnitsSweep>>;

/** Read results/min-units/ (missing sweeps are absent; a malformed file is an error naming it). */
export function readMinUnits(dir: string): MinUnits {
  const out: MinUnits = {};
  for (const { name } of MIN_UNITS_SWEEPS) {
    const file = join(dir, name, 'sweep.json');
    if (!existsSync(file)) continue;
    let s: MinUnitsSweep;
    try {
      s = JSON.parse(readFileSync(file, 'utf8')) as MinUnitsSweep;
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(s.runs)) throw new Error(`${file}: "runs" must be an array`);
    if (!Array.isArray(s.sets)) throw new Error(`${file}: "sets" must be an array`);
    out[name] = s;
  }
  return out;
}

const setValue = (sets: string[], key: string): number => {
  const x = sets.find((v) => v.startsWith(`${key}=`));
  return x === undefined ? NaN : Number(x.slice(key.length + 1));
};
const metAt = (r: SweepRow): number | undefined => {
  const v = r.values['train.history.criterionMetAt'];
  return r.status === 'done' && typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/** One grid point of a sweep: N, seeds met of seeds run, and the steps at which the met ones met it. */
export interface MinUnitsPoint {
  units: number;
  met: number;
  run: number;
  steps: number[];
}

/** The grid points of one sweep, by N ascending. */
export function minUnitsPoints(s: MinUnitsSweep): MinUnitsPoint[] {
  const by = new Map<number, MinUnitsPoint>();
  for (const r of s.runs) {
    const units = setValue(r.sets, 'net.units');
    if (!Number.isFinite(units)) continue;
    const p = by.get(units) ?? { units, met: 0, run: 0, steps: [] };
    p.run++;
    const at = metAt(r);
    if (at !== undefined) {
      p.met++;
      p.steps.push(at);
    }
    by.set(units, p);
  }
  for (const p of by.values()) p.steps.sort((a, b) => a - b);
  return [...by.values()].sort((a, b) => a.units - b.units);
}

/** The smallest N whose seeds met the criterion in at least 4 of 5 (4 of the seeds run, with at least 5 run). */
export function smallestN(points: MinUnitsPoint[]): number | undefined {
  return points.find((p) => p.run >= OF && p.met >= NEED)?.units;
}

/** The section of docs/REPRODUCTION.md. */
export function minUnitsSection(m: MinUnits): string {
  const head = `## More units than for one task (single tasks vs the 3-task scheme)

The poster says the 3-task network needs more units than one task alone. Measured here: for each
single task (AND, OR, XOR) and for the 3-task scheme, the smallest N at which the trainer's
criterion (every probe condition within 0.3 of its target through the response window) is met in
at least ${words(NEED)} of ${words(OF)} seeds. All four run the flagship's timing and trainer
(\`examples/multitask-context.json\`: the same task blocks and \`context.mux\`, T = 290, jitter
d ~ U{1..50}, the context pulse at the level the 3-task scheme gives the task (XOR: no pulse),
Adam 3e-4, clip 1, batch 64, criterion checked every 25 steps), with only task -> mux -> net ->
train (\`results/min-units/pipelines/\`), so that a run's one number is whether it met the
criterion. The data are the same for every seed (\`--seed-nodes net,train\`: the seed varies the
network's initial weights and the batch order). The criterion is checked on each pipeline's probe
trials: its task's 4 conditions at jitters 1, 25 and 50 (12 trials) for a single task, all 12
conditions (36 trials) for the 3-task scheme.`;
  const present = MIN_UNITS_SWEEPS.filter((t) => m[t.name]);
  if (present.length === 0) return `${head}\n\nNot run (no results/min-units/*/sweep.json).`;

  const smallest: Record<string, number | undefined> = {};
  const maxGrid: Record<string, number> = {};
  const caps = new Set<number>();
  const tables = present.map((t) => {
    const s = m[t.name] as MinUnitsSweep;
    caps.add(setValue(s.sets, 'train.maxSteps'));
    const points = minUnitsPoints(s);
    smallest[t.name] = smallestN(points);
    maxGrid[t.name] = Math.max(...points.map((p) => p.units));
    const lines = points.map((p) => {
      const steps = p.steps.length ? p.steps.join(', ') : '-';
      return `| ${p.units} | ${p.met} / ${p.run} | ${steps} |`;
    });
    const n = smallest[t.name];
    const verdict =
      n === undefined
        ? `no N of this grid (up to ${maxGrid[t.name]}) met it in ${NEED} of ${OF} seeds`
        : `smallest N meeting it in ${NEED} of ${OF} seeds: **${n}**`;
    const minutes = s.runs.reduce((a, r) => a + (r.durationMs ?? 0), 0) / 60_000;
    return `### ${t.label}: ${verdict}

\`${s.pipeline}\`, \`${s.sets.join(' ')}\`; ${s.runs.length} runs, ${minutes.toFixed(1)} min of run time in all.

| N | seeds met / seeds run | steps to criterion (seeds met) |
|---|---|---|
${lines.join('\n')}`;
  });
  const capText = [...caps].every(Number.isFinite)
    ? `The step cap was ${[...caps].map((c) => c.toLocaleString('en-US')).join(' / ')} training steps (\`--set train.maxSteps\`): a run that had not met the criterion by then counts as not met, so "smallest N" is the smallest within that budget.`
    : 'The step cap is the pipeline default (`train.maxSteps`).';

  const single = MIN_UNITS_SWEEPS.filter((t) => t.tasks === 1 && m[t.name]);
  const multi = m.multitask;
  let claim: string;
  if (!multi || single.length === 0)
    claim = 'The claim cannot be judged yet: the single-task sweeps and the 3-task sweep are both needed.';
  else {
    const nMulti = smallest['multitask'];
    const singleNs = single.map((t) => smallest[t.name]);
    const singleKnown = singleNs.filter((n): n is number => n !== undefined);
    const singleMax = singleKnown.length ? Math.max(...singleKnown) : undefined;
    const list = single.map((t) => `${t.label.split(' ')[0] ?? t.name} ${smallest[t.name] ?? 'none'}`).join(', ');
    if (singleMax === undefined || singleKnown.length < singleNs.length)
      claim = `Some single task met no N of its grid (${list}), so the comparison is open.`;
    else if (nMulti === undefined)
      claim = `The claim holds on this budget: every single task met the criterion at a small N (${list}), while the 3-task scheme met it at no N up to ${maxGrid['multitask']}.`;
    else if (nMulti > singleMax)
      claim = `The claim holds: the 3-task scheme needs N = ${nMulti}, more than any single task (${list}).`;
    else
      claim = `The claim does not hold on this budget: the 3-task scheme needs N = ${nMulti}, no more than the hardest single task (${list}).`;
  }
  return `${head}\n\n${wrapParagraph(`${capText} ${claim}`)}\n\n${tables.join('\n\n')}`;
}
