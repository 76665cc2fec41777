/**
 * The "more units than for one task" section of docs/REPRODUCTION.md (issue 18, item 4): which runs
 * count as meeting the criterion, the smallest N with 4 of 5 seeds, and the verdict on the claim.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepRow } from '../../cli/sweep-row.ts';
import {
  minUnitsPoints,
  minUnitsSection,
  readMinUnits,
  smallestN,
  type MinUnitsSweep,
} from '../../scripts/reproduction/min-units.ts';

/** A sweep over N: `met[N]` = the seeds (1..5) that met the criterion; seed 5 at N = 32 diverged. */
function sweep(met: Record<number, number[]>): MinUnitsSweep {
  const runs: SweepRow[] = [];
  for (const [n, seeds] of Object.entries(met))
    for (let seed = 1; seed <= 5; seed++) {
      const failed = Number(n) === 32 && seed === 5;
      runs.push({
        run: `seed-${seed}_net.units=${n}`,
        seed,
        status: failed ? 'failed' : 'done',
        durationMs: 1000,
        error: failed ? 'train: training diverged' : undefined,
        // A run stopped at the cap has steps but no criterionMetAt.
        values: seeds.includes(seed)
          ? { 'train.history.criterionMetAt': 100 * seed, 'train.history.steps': 100 * seed }
          : { 'train.history.steps': 3000 },
        sets: [`net.seed=${seed}`, `train.seed=${seed}`, `net.units=${n}`],
      });
    }
  return { pipeline: 'results/min-units/pipelines/x.json', sets: ['train.maxSteps=3000'], runs };
}

describe('min-units section', () => {
  it('counts a run as met only when it finished with criterionMetAt, and finds the smallest N with 4 of 5', () => {
    const pts = minUnitsPoints(sweep({ 32: [1, 2, 3, 4], 8: [1], 16: [1, 2, 3] }));
    expect(pts.map((p) => [p.units, p.met, p.run])).toEqual([
      [8, 1, 5],
      [16, 3, 5],
      [32, 4, 5],
    ]);
    expect(pts[2]?.steps).toEqual([100, 200, 300, 400]);
    expect(smallestN(pts)).toBe(32);
    expect(smallestN(minUnitsPoints(sweep({ 8: [1, 2, 3], 16: [1] })))).toBeUndefined();
  });

  it('says the claim holds when the 3-task scheme needs more units than every single task', () => {
    const single = sweep({ 8: [1, 2, 3, 4, 5], 16: [1, 2, 3, 4, 5] });
    const doc = minUnitsSection({
      and: single,
      or: single,
      xor: sweep({ 8: [1], 16: [1, 2, 3, 4] }),
      multitask: sweep({ 16: [], 32: [1, 2, 3, 4] }),
    });
    expect(doc).toContain('### AND alone: smallest N meeting it in 4 of 5 seeds: **8**');
    expect(doc).toContain('### XOR alone: smallest N meeting it in 4 of 5 seeds: **16**');
    expect(doc).toContain('| 32 | 4 / 5 | 100, 200, 300, 400 |');
    expect(doc).toContain('The step cap was 3,000 training steps');
    expect(doc.replace(/\s+/g, ' ')).toContain(
      'The claim holds: the 3-task scheme needs N = 32, more than any single task (AND 8, OR 8, XOR 16).',
    );
    const against = minUnitsSection({ and: single, multitask: sweep({ 8: [1, 2, 3, 4, 5] }) });
    expect(against.replace(/\s+/g, ' ')).toContain('The claim does not hold on this budget');
    const open = minUnitsSection({ and: single, multitask: sweep({ 8: [1] }) });
    expect(open.replace(/\s+/g, ' ')).toContain('met it at no N up to 8');
    expect(minUnitsSection({})).toContain('Not run (no results/min-units/*/sweep.json).');
  });

  it('names a malformed sweep.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cortexflow-min-units-'));
    mkdirSync(join(dir, 'xor'));
    writeFileSync(join(dir, 'xor', 'sweep.json'), '{"runs": [');
    expect(() => readMinUnits(dir)).toThrow(`${join(dir, 'xor', 'sweep.json')}: not valid JSON`);
    writeFileSync(join(dir, 'xor', 'sweep.json'), '{"runs": {}, "sets": []}');
    expect(() => readMinUnits(dir)).toThrow('"runs" must be an array');
    expect(readMinUnits(join(dir, 'none'))).toEqual({});
  });
});
