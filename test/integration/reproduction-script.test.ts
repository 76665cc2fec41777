/**
 * scripts/reproduction.ts --refresh: live sweep folders become results/NAME (sweep.json, sweep.csv,
 * derived.json, figures), and the document is built from them: the delay and size sweep sections
 * per grid point (mean ± std over seeds next to the authors' value), a sweep still running from its
 * finished runs' manifests, and a sweep that was not run says so.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../nodes/lib/npy.ts';

/** `scripts/reproduction.ts --refresh` into `results` and `out`, with `args` (sweeps and authors). */
function refresh(args: string[], results: string, out: string) {
  return spawnSync(
    process.execPath,
    ['bin/tsx.mjs', 'scripts/reproduction.ts', '--refresh', ...args, '--results', results, '--out', out],
    { encoding: 'utf8' },
  );
}

/** The per-run numbers a refresh derived for sweep `name`. */
function derivedRuns(results: string, name: string): Record<string, Record<string, unknown>> {
  return (
    JSON.parse(readFileSync(join(results, name, 'derived.json'), 'utf8')) as {
      runs: Record<string, Record<string, unknown>>;
    }
  ).runs;
}

function writeSweep(dir: string, key: string, points: Array<[number, number, number[]]>): void {
  mkdirSync(dir, { recursive: true });
  const runs = points.map(([seed, v, [heldOut, probe]]) => ({
    run: `seed-${seed}_${key}=${v}`,
    seed,
    status: 'done',
    durationMs: 60_000,
    sets: [`task.seed=${seed}`, `net.seed=${seed}`, `train.seed=${seed}`, `${key}=${v}`],
    values: {
      'sim-test.trajectories.meanDistance': heldOut,
      'sim.trajectories.meanDistance': probe,
      'train.history.finalLoss': 0.002,
    },
  }));
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ pipeline: 'examples/delay-sweep.json', sets: [], runs }));
}

/** A run folder of a multitask sweep that is still running: only its manifest. */
function writeRun(dir: string, status: string, radius: number, outside: number): void {
  mkdirSync(dir, { recursive: true });
  const numbers = (o: Record<string, number>) => ({ numbers: o });
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      status,
      durationMs: 1_000_000,
      overrides: ['net.seed=1', 'train.seed=1'],
      nodes: {
        train: { outputs: { history: numbers({ steps: 700, seconds: 900, criterionMetAt: 700, finalLoss: 0.003 }) } },
        eigen: { outputs: { spectrum: numbers({ radius, outside, referenceRadius: 1, dominantFreqAtan2: 0 }) } },
        prune: { outputs: { curve: numbers({ 'all.maxFractionOk': 0.14, 'random.maxFractionOk': 0 }) } },
      },
    }),
  );
}

describe('reproduction document', () => {
  it('refreshes results/ from live sweeps and builds the document from them', { timeout: 120_000 }, () => {
    const root = mkdtempSync(join(tmpdir(), 'cortexflow-repro-'));
    writeSweep(join(root, 'sweeps', 'delay-sweep'), 'task.memGap', [
      [1, 25, [0.6, 0.3]],
      [2, 25, [0.8, 0.5]],
      [1, 170, [1.5, 1.4]],
    ]);
    writeRun(join(root, 'sweeps', 'multitask-context', 'runs', 'seed-1'), 'done', 1.15, 12);
    writeRun(join(root, 'sweeps', 'multitask-context', 'runs', 'seed-2'), 'running', 9, 99);
    const out = join(root, 'REPRODUCTION.md');
    const results = join(root, 'results');
    const script = (...extra: string[]) =>
      spawnSync(
        process.execPath,
        ['bin/tsx.mjs', 'scripts/reproduction.ts', '--results', results, '--out', out, ...extra],
        {
          encoding: 'utf8',
        },
      );
    const r = script('--refresh', '--sweeps', join(root, 'sweeps'), '--authors', join(root, 'none'));
    expect(r.status, r.stderr).toBe(0);
    const doc = readFileSync(out, 'utf8');
    expect(doc).toContain('### Delay sweep, N = 50');
    expect(doc).toContain('### Size sweep, delay 150');
    expect(doc).toContain('| 25 | 0.99 | 0.70 ± 0.14 (0.60 to 0.80, n = 2) | 0.40 ± 0.14 (0.30 to 0.50, n = 2) |');
    expect(doc).toContain('| 170 | ~1.7-1.8 | 1.50 ± 0.00 (1.50 to 1.50, n = 1) |');
    expect(doc).toContain('| 50 | 1.27 | not run | not run |');
    expect(doc).toContain('| 450 | 1.04-1.08 (N = 250-450) | not run |');
    expect(doc).toContain('`size-sweep`: **not run**');
    // The still-running multitask sweep: its one finished run, not the running one.
    expect(doc).toContain('`multitask-context`: 1 runs done of 20 planned (sweep still running when gathered)');
    expect(doc).toContain(
      '| Multitask nets: eigenvalues with abs > 1.01 | 7-21 | not available | 12.0 ± 0.0 (12.0 to 12.0, n = 1) |',
    );
    expect(doc.replace(/\s+/g, ' ')).toContain('with 12 of');
    for (const f of ['sweep.json', 'sweep.csv', 'derived.json', 'figures/sweep.eigen.spectrum.radius.svg'])
      expect(existsSync(join(results, 'multitask-context', f)), f).toBe(true);
    const sj = JSON.parse(readFileSync(join(results, 'multitask-context', 'sweep.json'), 'utf8')) as {
      runs: unknown[];
      origin: { from: string };
    };
    expect(sj.runs).toHaveLength(1);
    expect(sj.origin.from).toBe('run manifests');
    // The flat baseline output's distance (the scale of a network that learned nothing): larger on
    // the noisy held-out trials than on the noise-free probe.
    const flat = /learned nothing of the bump\) is at (\d\.\d\d) \/ (\d\.\d\d)/.exec(doc.replace(/\s+/g, ' '));
    expect(Number(flat?.[1])).toBeGreaterThan(Number(flat?.[2]));
    expect(Number(flat?.[2])).toBeGreaterThan(1.5);
    // Without --refresh the same results give the same document (nothing live is read).
    const again = script('--sweeps', join(root, 'missing'));
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(doc);
  });

  it(
    'puts N = 400 and E/I sweeps beside N = 200, with how a failed run went and the Dale check',
    { timeout: 120_000 },
    () => {
      const root = mkdtempSync(join(tmpdir(), 'cortexflow-repro-scale-'));
      const sweeps = join(root, 'sweeps');
      // N = 400: one run met the criterion, one diverged after nearly getting there.
      writeRun(join(sweeps, 'multitask-context-n400', 'runs', 'seed-1'), 'done', 1.06, 9);
      const failed = join(sweeps, 'multitask-context-n400', 'runs', 'seed-2');
      mkdirSync(join(failed, 'train'), { recursive: true });
      writeFileSync(
        join(failed, 'manifest.json'),
        JSON.stringify({
          status: 'failed',
          durationMs: 2_000_000,
          overrides: ['net.units=400', 'net.seed=2'],
          nodes: {
            train: {
              error: 'training diverged at step 1304: the gradient became NaN (exploding gradients); more',
              outputs: { history: { numbers: { steps: 1303, seconds: 1430, finalLoss: 0.29 } } },
            },
          },
        }),
      );
      writeFileSync(
        join(failed, 'train', 'history.json'),
        JSON.stringify({
          steps: [1, 2, 3, 4],
          loss: [0.3, 0.01, 0.2, 0.29],
          criterion: [
            { step: 2, passed: 33, total: 36 },
            { step: 4, passed: 18, total: 36 },
          ],
        }),
      );
      // E/I: one run, its trained weights checked against Dale's law.
      const ei = join(sweeps, 'multitask-context-dale', 'runs', 'seed-1');
      writeRun(ei, 'done', 1.2, 5);
      mkdirSync(join(ei, 'ei-after'), { recursive: true });
      writeFileSync(join(ei, 'ei-after', 'stats.json'), JSON.stringify({ violations: { count: 0 } }));
      const out = join(root, 'REPRODUCTION.md');
      const results = join(root, 'results');
      const r = refresh(['--sweeps', sweeps, '--skip-authors'], results, out);
      expect(r.status, r.stderr).toBe(0);
      const derived = (n: string) => derivedRuns(results, n);
      expect(derived('multitask-context-n400')['seed-2']?.['course']).toEqual({
        bestPassed: 33,
        probeTrials: 36,
        bestPassedAt: 2,
        minLoss: 0.01,
        minLossAt: 2,
        lastLoss: 0.29,
        steps: 4,
      });
      expect(derived('multitask-context-dale')['seed-1']?.['daleViolations']).toBe(0);
      const doc = readFileSync(out, 'utf8');
      const flat = doc.replace(/\s+/g, ' ');
      expect(doc).toContain("## The 3-task scheme at N = 400, and with E/I networks (Dale's law)");
      expect(doc).toMatch(
        /\| eigenvalues with abs > 1\.01, trained \(initial\) \| not available \| not run \| not available \| 9\.0 ± 0\.0 \(9\.0 to 9\.0, n = 1\) \(n\/a\) \| not run \| 5\.0 ± 0\.0/,
      );
      expect(flat).toContain(
        '2 of 5 planned runs finished, gathered while the sweep ran: 1 met the criterion, 0 stopped at maxSteps without it, 1 failed.',
      );
      expect(flat).toContain(
        'seed-2 failed (training diverged at step 1304: the gradient became NaN): trained 4 steps, at best 33 of 36 probe trials right (first at step 2), lowest loss 0.0100 at step 2, last loss 0.2900.',
      );
      expect(flat).toContain("Weights breaking Dale's law after training: 0");
      expect(doc).toContain('`multitask-context-dale`: 1 runs done of 10 planned');
      expect(doc).toContain('--plugin plugins/dale');
    },
  );

  it("derives the peak after onset and the period from the runs' simulated outputs", { timeout: 120_000 }, () => {
    const root = mkdtempSync(join(tmpdir(), 'cortexflow-repro-derived-'));
    const sweep = (name: string, T: number, y: (t: number) => number): void => {
      const dir = join(root, 'sweeps', name);
      const traj = join(dir, 'runs', 'seed-1', 'sim', 'trajectories');
      mkdirSync(traj, { recursive: true });
      const data = new Float32Array(2 * T);
      for (let t = 0; t < T; t++) data[T + t] = y(t); // the stimulus-present condition is the last
      writeFileSync(join(traj, 'y.npy'), encodeNpy(data, [2, T, 1]));
      writeFileSync(join(traj, 'summary.json'), JSON.stringify({ C: 2, T }));
      const run = { run: 'seed-1', seed: 1, status: 'done', durationMs: 1, sets: ['net.seed=1'], values: {} };
      writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ pipeline: 'x.json', sets: [], runs: [run] }));
      mkdirSync(join(dir, 'runs', 'seed-1'), { recursive: true });
      writeFileSync(join(dir, 'runs', 'seed-1', 'manifest.json'), JSON.stringify({ status: 'done', nodes: {} }));
    };
    sweep('time-reproduction', 300, (t) => Math.exp(-(((t - 103) / 8) ** 2)));
    sweep('oscillation', 420, (t) => (t >= 160 ? Math.sin((2 * Math.PI * t) / 35) : 0));
    const out = join(root, 'REPRODUCTION.md');
    const results = join(root, 'results');
    const r = refresh(['--sweeps', join(root, 'sweeps'), '--authors', join(root, 'none')], results, out);
    expect(r.status, r.stderr).toBe(0);
    const d = (n: string) => derivedRuns(results, n)['seed-1'];
    expect(d('time-reproduction')?.['peakAfterOnset']).toBe(53);
    expect(d('oscillation')?.['period']).toBeCloseTo(35, 1);
    const doc = readFileSync(out, 'utf8');
    expect(doc).toContain(
      '| Trained time reproduction: output peak after onset (steps) | 50 | not available | 53.0 ± 0.0 (53.0 to 53.0, n = 1) |',
    );
    expect(doc).toContain(
      '| Trained oscillator: period (steps) | 35 | not available | 35.0 ± 0.0 (35.0 to 35.0, n = 1) |',
    );
  });
});
