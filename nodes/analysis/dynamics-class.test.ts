import { describe, expect, it } from 'vitest';
import { runBlock } from '../../core/index.ts';
import type { ConditionLabel, Model, Trajectories } from '../ports/index.ts';
import { simulate } from '../model/simulate.ts';
import {
  classifyTail,
  dynamicsClass,
  dynamicsClassBlock,
  DynamicsClassPort,
  type DynamicsClass,
} from './dynamics-class.ts';
import { makeModel, randomMatrix } from '../../test/fixtures/analysis-models.ts';
import { describeValue } from '../report/describe.ts';

/** Trajectories of `model` on C trials of T steps: a pulse of `levels[c]` on input 0 over [5, 15). */
function trials(model: Model, levels: number[], T = 40): Trajectories {
  const C = levels.length;
  const I = model.inputSize;
  const inputs = new Float32Array(C * T * I);
  levels.forEach((l, c) => {
    for (let t = 5; t < 15; t++) inputs[(c * T + t) * I] = l;
  });
  const { hidden, y } = simulate(model, inputs, C, T);
  const conditions: ConditionLabel[] = levels.map((l, c) => ({
    task: 't',
    inputValues: [l],
    jitter: 0,
    key: `c${c} x=${l}`,
  }));
  return {
    conditions,
    C,
    T,
    N: model.N,
    channels: I,
    outputs: model.outputSize,
    hidden,
    y,
    targets: y,
    inputs,
    mask: new Float32Array(C * T).fill(1),
    distance: new Array<number>(C).fill(0),
    accuracy: new Array<number>(C).fill(1),
    channelNames: ['x'],
    outputNames: ['y'],
    dt: 10,
    label: 'test',
  };
}

/** Block-diagonal W: `blocks` copies of r [[cos th, -sin th], [sin th, cos th]]. */
function rotations(blocks: number, r: number, th: number): Float32Array {
  const N = 2 * blocks;
  const W = new Float32Array(N * N);
  for (let b = 0; b < blocks; b++) {
    const o = 2 * b;
    W[o * N + o] = r * Math.cos(th);
    W[o * N + o + 1] = -r * Math.sin(th);
    W[(o + 1) * N + o] = r * Math.sin(th);
    W[(o + 1) * N + o + 1] = r * Math.cos(th);
  }
  return W;
}

const opts = { hold: 'zero' as const, steps: 3000, window: 1000, tolFixed: 1e-6, cycleTolerance: 0.05 };

describe('dynamics class', () => {
  it('a contracting network settles into a fixed point (stable: Jacobian radius < 1)', () => {
    const model = makeModel(30, randomMatrix(30, 0.6, 1), { inputSize: 1 });
    const d = dynamicsClass(model, trials(model, [1, -1, 2]), opts);
    expect(d.counts).toEqual({ fixedPoint: 3, limitCycle: 0, neither: 0 });
    for (const c of d.conditions) {
      expect(c.kind).toBe('fixed point');
      expect(c.jacobianRadius!).toBeLessThan(1);
      expect(c.jacobianRadius!).toBeGreaterThan(0.3);
      expect(c.stateNorm).toBeLessThan(1e-6); // the origin, under zero input
      expect(c.period).toBeUndefined();
    }
    expect(d.summary).toBe('fixed point: 3, limit cycle: 0, neither: 0');
  });

  it('held input: a contracting network sits at the input-driven fixed point, not the origin', () => {
    const model = makeModel(20, randomMatrix(20, 0.5, 2), { inputSize: 1 });
    const t = trials(model, [1]);
    // Hold a constant input through the whole trial, so "last" means a non-zero drive.
    for (let k = 0; k < t.T; k++) t.inputs[k] = 0.8;
    const d = dynamicsClass(model, t, { ...opts, hold: 'last' });
    expect(d.conditions[0]!.kind).toBe('fixed point');
    expect(d.conditions[0]!.stateNorm).toBeGreaterThan(0.05);
    const z = dynamicsClass(model, t, opts);
    expect(z.conditions[0]!.stateNorm).toBeLessThan(1e-6);
  });

  it('rotation blocks with radius > 1 and tanh settle into a limit cycle of the rotation period', () => {
    // Linear part: growth 1.05 per step while turning by 2 pi / 35; tanh bounds it on a closed
    // orbit small enough that the turn per step stays close to the linear one.
    const model = makeModel(4, rotations(2, 1.05, (2 * Math.PI) / 35), { inputSize: 1 });
    const d = dynamicsClass(model, trials(model, [1, 0.5]), opts);
    expect(d.counts.limitCycle).toBe(2);
    for (const c of d.conditions) {
      expect(c.kind).toBe('limit cycle');
      expect(c.period!).toBeGreaterThan(35);
      expect(c.period!).toBeLessThan(36);
      expect(c.periodTime).toBeCloseTo(c.period! * 10, 9);
      expect(c.cycles!).toBeGreaterThan(20);
      expect(c.amplitude).toBeGreaterThan(0.05);
    }
    expect(d.summary).toMatch(/^fixed point: 0, limit cycle: 2 \(period 35\.\d+\), neither: 0$/);
  });

  it('a strongly saturated rotation: the period equals the mean turn per step measured by phase unwrapping', () => {
    const r = 1.3;
    const th = (2 * Math.PI) / 35;
    const model = makeModel(2, rotations(1, r, th), { inputSize: 1 });
    const c = dynamicsClass(model, trials(model, [1]), opts).conditions[0]!;
    expect(c.kind).toBe('limit cycle');
    // Independent reference: iterate h -> tanh(W h) and add up the angle turned per step.
    let x = 0.5;
    let y = 0;
    let turned = 0;
    const steps = 20_000;
    for (let t = 0; t < 2000 + steps; t++) {
      const nx = Math.tanh(r * (Math.cos(th) * x - Math.sin(th) * y));
      const ny = Math.tanh(r * (Math.sin(th) * x + Math.cos(th) * y));
      if (t >= 2000) {
        let da = Math.atan2(ny, nx) - Math.atan2(y, x);
        if (da < -Math.PI) da += 2 * Math.PI;
        if (da > Math.PI) da -= 2 * Math.PI;
        turned += da;
      }
      x = nx;
      y = ny;
    }
    const reference = (2 * Math.PI * steps) / turned;
    expect(reference).toBeGreaterThan(38); // saturation slows the turn well below 2 pi / 35 per step
    expect(Math.abs(c.period! - reference) / reference).toBeLessThan(0.01);
  });

  it('the period follows the rotation angle: 2 pi / 12 gives ~12 steps, a flip (angle pi) gives 2', () => {
    const m12 = makeModel(2, rotations(1, 1.2, (2 * Math.PI) / 12), { inputSize: 1 });
    const p12 = dynamicsClass(m12, trials(m12, [1]), opts).conditions[0]!;
    expect(p12.kind).toBe('limit cycle');
    expect(p12.period!).toBeGreaterThan(11.5);
    expect(p12.period!).toBeLessThan(14);
    // h -> tanh(-1.5 h): a period-2 orbit (+-h*).
    const flip = makeModel(1, Float32Array.of(-1.5), { inputSize: 1 });
    const p2 = dynamicsClass(flip, trials(flip, [1]), opts).conditions[0]!;
    expect(p2.kind).toBe('limit cycle');
    expect(p2.period!).toBeCloseTo(2, 6);
  });

  it('a strongly chaotic random network (g = 3) is neither', () => {
    const model = makeModel(100, randomMatrix(100, 3, 5), { inputSize: 1 });
    const d = dynamicsClass(model, trials(model, [1]), opts);
    expect(d.conditions[0]!.kind).toBe('neither');
    expect(d.conditions[0]!.detail).toMatch(/irregular|drifting/);
  });

  it('coexistence by input: one network, a fixed point for one condition and a cycle for another', () => {
    // Units 0-1: a rotation (radius 1.3) that the input kicks off the origin; unit 2: a contracting
    // unit. Condition x=1 starts the rotation (limit cycle), x=0 leaves the state at the origin,
    // an unstable fixed point it never leaves (fixed point, Jacobian radius 1.3 > 1).
    const N = 3;
    const W = new Float32Array(N * N);
    const r = 1.3;
    const th = (2 * Math.PI) / 20;
    W[0] = r * Math.cos(th);
    W[1] = -r * Math.sin(th);
    W[N] = r * Math.sin(th);
    W[N + 1] = r * Math.cos(th);
    W[2 * N + 2] = 0.5;
    const model = makeModel(N, W, { inputSize: 1, W_in: Float32Array.of(1, 0, 1) });
    const t = trials(model, [1, 0]); // condition 2 never kicks the rotation: it stays at 0
    const d = dynamicsClass(model, t, opts);
    expect(d.conditions.map((c) => c.kind)).toEqual(['limit cycle', 'fixed point']);
    expect(d.conditions[1]!.jacobianRadius).toBeCloseTo(1.3, 5);
    expect(d.summary).toMatch(/^fixed point: 1, limit cycle: 1 \(period 2\d\.\d+\), neither: 0$/);
  });

  it('a slowly contracting spiral is reported as still converging, not as a cycle', () => {
    const model = makeModel(2, rotations(1, 0.995, (2 * Math.PI) / 25), { inputSize: 1 });
    const d = dynamicsClass(model, trials(model, [1]), { ...opts, steps: 400, window: 300 });
    expect(d.conditions[0]!.kind).toBe('neither');
    expect(d.conditions[0]!.detail).toMatch(/still converging/);
  });

  it('classifyTail: non-finite states are "diverged"', () => {
    const H = new Float32Array(20).fill(1);
    H[15] = Infinity;
    expect(classifyTail(H, 10, 2, { window: 5, tolFixed: 1e-6, cycleTolerance: 0.05 }).detail).toMatch(/diverged/);
  });

  it('block: port summary, numbers and artifacts (JSON + CSV); bad params say which', async () => {
    const model = makeModel(4, rotations(2, 1.3, (2 * Math.PI) / 35), { inputSize: 1 });
    const t = trials(model, [1, 0]);
    const { outputs } = await runBlock<{ dynamics: DynamicsClass }>(dynamicsClassBlock, {
      inputs: { model, trajectories: t },
      params: { hold: 'zero', steps: 2000, window: 800 },
    });
    const d = outputs.dynamics;
    expect(DynamicsClassPort.summarize(d)).toBe(d.summary);
    expect(d.counts.limitCycle + d.counts.fixedPoint + d.counts.neither).toBe(2);
    expect(describeValue(d)).toEqual({ type: 'DynamicsClass', summary: d.summary });
    const nums = DynamicsClassPort.numbers!(d);
    expect(nums.limitCycle).toBe(d.counts.limitCycle);
    const arts = await DynamicsClassPort.artifacts!(d);
    expect(arts.map((a) => a.suffix)).toEqual(['.json', '.csv']);
    const csv = String(arts[1]!.data).trim().split('\n');
    expect(csv[0]).toMatch(/^condition,kind,period_steps,period_time/);
    expect(csv).toHaveLength(3);
    await expect(
      runBlock(dynamicsClassBlock, { inputs: { model, trajectories: t }, params: { steps: 100, window: 500 } }),
    ).rejects.toThrow(/window \(500\) must not exceed params.steps \(100\)/);
    const other = makeModel(5, randomMatrix(5, 0.5, 1), { inputSize: 1 });
    await expect(runBlock(dynamicsClassBlock, { inputs: { model: other, trajectories: t } })).rejects.toThrow(
      /N=4 units but the model has N=5/,
    );
  });
});
