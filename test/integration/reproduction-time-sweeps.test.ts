/**
 * The delay and size sweep section of docs/REPRODUCTION.md (issue 18, item 3): per-point means,
 * the "learned the bump" count, hours of one core, and verdicts on the authors' trends, all computed
 * from the rows; a falling size trend and a flat one must give opposite verdicts.
 */
import { describe, expect, it } from 'vitest';
import type { SweepRow } from '../../cli/sweep-row.ts';
import { PLANS, type Results, type ResultsSweep } from '../../scripts/reproduction/results.ts';
import { costParagraph, gridSummary, timeSweepsSection, AUTHORS_SIZE } from '../../scripts/reproduction/time-sweeps.ts';

const RECIPE = {
  task: { samples: 15050, testFraction: 0.025 },
  train: { lr: 0.0001, decay: 0.0001, batchSize: 64, clipNorm: 1, maxSteps: 4700, lossThreshold: 0.001 },
};

/** A size sweep whose held-out distance at each N is `dist[N]` for every one of 5 seeds (+ a small spread). */
function sizeSweep(dist: Record<number, number>): ResultsSweep {
  const runs: SweepRow[] = [];
  for (const [n, d] of Object.entries(dist))
    for (let seed = 1; seed <= 5; seed++)
      runs.push({
        run: `seed-${seed}_net.units=${n}`,
        seed,
        status: 'done',
        durationMs: (60_000 * Number(n) ** 2) / 2500,
        error: undefined,
        values: {
          'sim-test.trajectories.meanDistance': d + 0.01 * seed,
          'sim.trajectories.meanDistance': d - 0.3,
          'train.history.finalLoss': 0.002,
        },
        sets: [`task.seed=${seed}`, `net.units=${n}`],
      });
  return {
    pipeline: 'examples/delay-sweep.json',
    sets: ['task.memGap=150'],
    runs,
    origin: {
      dir: 'runs/repro/size-sweep',
      from: 'sweep.json',
      plan: PLANS['size-sweep'],
      planned: 25,
      params: RECIPE,
    },
  };
}
const results = (size: ResultsSweep): Results => ({
  dir: 'results',
  sweeps: { 'size-sweep': { sweep: size, derived: undefined } },
  authors: undefined,
  legacy: undefined,
});
const label = (n: string): string => `legacy ${n}`;
/** The section with its prose re-joined (sentences wrap at 100 columns); table rows stay one line each. */
const section = async (r: Results): Promise<string> => (await timeSweepsSection(r, label)).replace(/\n {2}/g, ' ');

describe('delay and size sweep section', () => {
  it(
    'says the size trend is reproduced when the distance falls with N, with per-point counts and cost',
    { timeout: 60_000 },
    async () => {
      const s = sizeSweep({ 50: 1.3, 100: 0.8, 200: 0.6 });
      const doc = await section(results(s));
      expect(doc).toContain('**The trend is reproduced**');
      // The row for N = 100: 5 of 5 below the midpoint (~1.22), 5 runs of 4 min = 0.33 h of one core.
      expect(doc).toMatch(
        /\| 100 \| 1\.23 \| 0\.83 ± 0\.02 \(0\.81 to 0\.85, n = 5\) \| .* \| 5 of 5 \| .* \| 4\.0 \| 0\.33 \|/,
      );
      expect(doc).toMatch(/\| 300 \| 1\.04-1\.08 \(N = 250-450\) \| not run \|/);
      expect(doc).toContain('ours: 376 held-out noisy trials');
      expect(doc).toContain("Fewer than the issue's 5 seeds at N = 300 (0), N = 450 (0)");
      expect(gridSummary(s, 'net.units', AUTHORS_SIZE, 'N = ')).toBe(
        '1.33 at N = 50 ... 0.63 at N = 200 (held-out trials, mean over seeds; see below)',
      );
      // Cost: measured per net, and the authors' full sweep extrapolated from it.
      const cost = costParagraph(results(s));
      expect(cost.replace(/\n/g, ' ')).toContain('N = 50: 1 min, N = 100: 4 min, N = 200: 16 min');
      expect(cost.replace(/\n/g, ' ')).toMatch(
        /full size sweep .* about \d+ hours of one core \(beyond N = 200 scaled as N\^2: 81 min per network at N = 450\)/s,
      );
    },
  );

  it(
    'says it is not reproduced when the distance stays flat, and counts no learned networks',
    { timeout: 60_000 },
    async () => {
      const doc = await section(results(sizeSweep({ 50: 1.9, 100: 1.9, 200: 1.92 })));
      expect(doc).toContain('**The trend is not reproduced**');
      expect(doc).not.toContain('**The trend is reproduced**');
      expect(doc).toMatch(/\| 200 \| 1\.10 \| .* \| 0 of 5 \|/);
    },
  );

  it("prints no cost paragraph for a sweep below the authors' budget", () => {
    const s = sizeSweep({ 50: 1.3 });
    s.origin.params = { ...RECIPE, train: { ...RECIPE.train, maxSteps: 600, lr: 0.002 } };
    expect(costParagraph(results(s))).toBe('');
  });
});
