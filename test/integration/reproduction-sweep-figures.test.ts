/** Sweep distribution figures: one strip + box plot per headline number, next to sweep.csv. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  figureBase,
  groupsOf,
  quantile,
  renderStripPlot,
  sharedGridKey,
  writeSweepFigures,
} from '../../cli/sweep-figures.ts';
import type { SweepRow } from '../../cli/sweep.ts';

const row = (i: number, values: Record<string, number>, status = 'done', units = 50): SweepRow => ({
  run: `seed-${i}_net.units=${units}`,
  seed: i,
  status,
  durationMs: 10,
  error: undefined,
  values,
  sets: [`net.seed=${i}`, `train.seed=${i}`, `net.units=${units}`],
});

describe('sweep distribution figures', () => {
  it('quartiles interpolate like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([7], 0.75)).toBe(7);
  });

  it('groups by grid point (seed overrides ignored), skipping failed runs and non-finite values', () => {
    const rows = [
      row(1, { 'eigen.spectrum.radius': 1.05 }),
      row(2, { 'eigen.spectrum.radius': 1.07 }, 'done', 100),
      row(3, { 'eigen.spectrum.radius': 9 }, 'failed'),
      row(4, { 'eigen.spectrum.radius': NaN }),
      row(5, { 'eigen.spectrum.radius': 1.09 }),
    ];
    const g = groupsOf(rows, 'eigen.spectrum.radius');
    expect(g.map((x) => x.label)).toEqual(['net.units=50', 'net.units=100']);
    expect(g[0]?.values.map((v) => v.value)).toEqual([1.05, 1.09]);
  });

  it('names a one-param grid once, on the axis, and each group by its value (six delays do not overlap)', async () => {
    const rows = [25, 50, 80, 110, 140, 170].flatMap((d) =>
      [1, 2].map((i) => ({
        ...row(i, { 'sim.trajectories.meanDistance': d / 100 }),
        sets: [`task.seed=${i}`, `task.memGap=${d}`],
      })),
    );
    const svg = await renderStripPlot('sim.trajectories.meanDistance', groupsOf(rows, 'sim.trajectories.meanDistance'));
    expect(svg).toContain('>task.memGap</text>');
    for (const d of [25, 50, 80, 110, 140, 170]) expect(svg).toContain(`>${d}</text>`);
    expect(svg).not.toContain('>task.memGap=25</text>');
    // Two params per point: no shared key, the full labels stay.
    expect(sharedGridKey(['net.units=50 task.memGap=25', 'net.units=50 task.memGap=50'])).toBeUndefined();
    expect(sharedGridKey(['net.units=50', 'task.memGap=50'])).toBeUndefined();
    expect(sharedGridKey(['net.units=50', 'net.units=100'])).toBe('net.units');
  });

  it('draws one point per run and states n, mean and std', async () => {
    const rows = [1, 2, 3, 4, 5].map((i) => row(i, { 'pca.pca.top3': 0.7 + i / 100 }));
    const svg = await renderStripPlot('pca.pca.top3', groupsOf(rows, 'pca.pca.top3'));
    expect(svg.match(/class="run"/g)?.length).toBe(5);
    expect(svg).toContain('n 5, mean 0.73, std 0.01581');
    expect(svg).toContain('class="median"');
  });

  it('writes an SVG and a PNG per numeric column next to sweep.csv', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cortexflow-sweepfig-'));
    const rows = [1, 2, 3].map((i) =>
      row(i, { 'eigen.spectrum.radius': 1 + i / 50, 'prune.curve.all.maxFractionOk': 0.1 * i }),
    );
    const written = await writeSweepFigures(dir, rows);
    expect(written).toEqual([figureBase('eigen.spectrum.radius'), figureBase('prune.curve.all.maxFractionOk')]);
    for (const b of written) {
      expect(readFileSync(join(dir, `${b}.svg`), 'utf8')).toMatch(/^<svg/);
      const png = readFileSync(join(dir, `${b}.png`));
      expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    }
    expect(existsSync(join(dir, 'sweep.eigen.spectrum.radius.png'))).toBe(true);
  });
});
