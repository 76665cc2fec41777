import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import { FixedPointsPort, type FixedPoints, type Trajectories } from '../ports/index.ts';
import { classify, uniquePoints } from './fixed-point-finder.ts';
import { fixedPointsBlock, probeInputs } from './fixed-points.ts';
import { makeModel } from '../../test/fixtures/analysis-models.ts';

/** h* > 0 with h* = tanh(w h*). */
function tanhRoot(w: number): number {
  let h = 1;
  for (let i = 0; i < 200; i++) h = Math.tanh(w * h);
  return h;
}

describe('analysis.fixed-points on a hand-built 2-unit network', () => {
  // Two uncoupled units with self-excitation w = 2: each has fixed points 0 (unstable) and +-h*
  // (stable), so the network has 9: 4 stable (+-h*, +-h*), 4 saddles, 1 unstable (0, 0).
  const w = 2;
  const hs = tanhRoot(w);
  for (const alpha of [1, 0.5]) {
    it(`finds all 9 points with their stability (alpha = ${alpha})`, async () => {
      const model = makeModel(2, Float32Array.from([w, 0, 0, w]), { alpha, W_in: new Float32Array(2) });
      const { outputs, progress } = await runBlock<{ points: FixedPoints }>(fixedPointsBlock, {
        inputs: { model },
        params: { probe: 'zero', starts: 256, noiseScale: 0.6, warmupSteps: 0, seed: 1, backend: 'cpu' },
      });
      const pts = outputs.points.points;
      expect(pts).toHaveLength(9);
      const key = (h: Float32Array) => Array.from(h, (v) => Math.round(v / hs)).join(',');
      const byKey = new Map(pts.map((p) => [key(p.h), p]));
      for (const a of [-1, 0, 1])
        for (const b of [-1, 0, 1]) {
          const p = byKey.get(`${a},${b}`);
          expect(p, `point (${a}, ${b}) h*`).toBeDefined();
          expect(p!.h[0]!).toBeCloseTo(a * hs, 5);
          expect(p!.h[1]!).toBeCloseTo(b * hs, 5);
          expect(p!.q).toBeLessThan(1e-12);
          const zeros = (a === 0 ? 1 : 0) + (b === 0 ? 1 : 0);
          expect(p!.stability).toBe(zeros === 0 ? 'stable' : zeros === 1 ? 'saddle' : 'unstable');
        }
      // Jacobian of the map at the origin: (1 - alpha) + alpha w on both modes.
      expect(byKey.get('0,0')!.maxAbsEigenvalue).toBeCloseTo(1 - alpha + alpha * w, 6);
      expect(progress.length).toBeGreaterThan(0);
      expect(FixedPointsPort.summarize(outputs.points)).toMatch(/^9 points \(4 stable, 4 saddle, 1 unstable\)/);
      const arts = await FixedPointsPort.artifacts!(outputs.points);
      expect(arts.map((a) => a.suffix)).toEqual(['.json', '.csv']);
      expect(String(arts[1]!.data).trim().split('\n')).toHaveLength(10);
    });
  }

  it('a constant input moves the points: one stable point for a strong input', async () => {
    // Strong positive drive: only the (+, +) point survives.
    const model = makeModel(2, Float32Array.from([w, 0, 0, w]), { W_in: Float32Array.from([3, 3]) });
    const { outputs } = await runBlock<{ points: FixedPoints }>(fixedPointsBlock, {
      inputs: { model },
      params: { probe: 'given', inputs: [[1]], starts: 64, noiseScale: 0.6, warmupSteps: 0, backend: 'cpu' },
    });
    const pts = outputs.points.points;
    expect(pts).toHaveLength(1);
    expect(pts[0]!.stability).toBe('stable');
    expect(pts[0]!.h[0]!).toBeGreaterThan(0.99);
    expect(Math.abs(pts[0]!.h[0]! - Math.tanh(w * pts[0]!.h[0]! + 3))).toBeLessThan(1e-6);
    expect(pts[0]!.inputLabel).toBe('x = [1]');
  });
});

describe('a hand-built 3-bit flip-flop network', () => {
  it('has 8 stable points (one per memory state) among its 27 fixed points, the other 19 saddles', async () => {
    // Units 0-2 bistable (self-excitation 2), units 3-11 leaky (0.5): 3^3 = 27 fixed points, the
    // 2^3 = 8 corners (+-h*, +-h*, +-h*, 0, ...) stable, like a trained 3-bit flip-flop's attractors.
    const N = 12;
    const W = new Float32Array(N * N);
    for (let i = 0; i < N; i++) W[i * N + i] = i < 3 ? 2 : 0.5;
    const model = makeModel(N, W, { inputSize: 1, W_in: new Float32Array(N) });
    const { outputs } = await runBlock<{ points: FixedPoints }>(fixedPointsBlock, {
      inputs: { model },
      params: { probe: 'zero', starts: 512, noiseScale: 0.7, warmupSteps: 0, seed: 2, backend: 'cpu' },
    });
    const pts = outputs.points.points;
    const count = (s: string) => pts.filter((p) => p.stability === s).length;
    expect(count('stable')).toBe(8);
    const hs = tanhRoot(2);
    for (const p of pts.filter((x) => x.stability === 'stable')) {
      for (let i = 0; i < 3; i++) expect(Math.abs(p.h[i]!)).toBeCloseTo(hs, 5);
      for (let i = 3; i < N; i++) expect(p.h[i]!).toBeCloseTo(0, 6);
    }
    const corners = new Set(
      pts.filter((x) => x.stability === 'stable').map((p) => Array.from(p.h.subarray(0, 3), Math.sign).join(',')),
    );
    expect(corners.size).toBe(8);
    expect(pts).toHaveLength(27);
    // Every other point has at least one unit at 0 (|lambda| = 2) and the leaky units (0.5): saddles.
    expect(count('saddle')).toBe(19);
    expect(count('unstable')).toBe(0);
  });
});

describe('fixed-point helpers', () => {
  it('classify by |lambda| against 1', () => {
    expect(
      classify([
        { re: 0.5, im: 0.5 },
        { re: -0.9, im: 0 },
      ]).stability,
    ).toBe('stable');
    expect(
      classify([
        { re: 1.1, im: 0 },
        { re: 0.2, im: 0 },
      ]).stability,
    ).toBe('saddle');
    expect(
      classify([
        { re: 0, im: 1.2 },
        { re: 0, im: -1.2 },
      ]).stability,
    ).toBe('unstable');
  });

  it('uniqueness: same point when every coordinate differs by less than the tolerance, lowest q kept', () => {
    const u = uniquePoints(
      [
        { h: [0, 0], q: 2 },
        { h: [0.0005, -0.0005], q: 1 },
        { h: [0.002, 0], q: 3 },
      ],
      1e-3,
    );
    expect(u.map((p) => p.q)).toEqual([1, 3]);
  });

  it('context levels come from the trajectories: zero input plus the context channel at each level', () => {
    const model = makeModel(3, new Float32Array(9), { inputSize: 3 });
    const traj = {
      channelNames: ['A', 'B', 'context'],
      conditions: [1, -1, 0, 1].map((c) => ({ task: 't', inputValues: [], context: c, jitter: 0, key: `c${c}` })),
    } as unknown as Trajectories;
    const { inputs, warning } = probeInputs(model, 'context-levels', [], traj);
    expect(warning).toBeUndefined();
    expect(inputs.map((i) => i.values)).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [0, 0, -1],
    ]);
    const none = probeInputs(model, 'context-levels', []);
    expect(none.inputs).toHaveLength(1);
    expect(none.warning).toMatch(/channel names unknown/);
    expect(() => probeInputs(model, 'given', [[1, 2]])).toThrow(/inputs\[0\] has 2 values but the model has 3/);
  });
});
