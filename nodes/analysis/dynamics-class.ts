/**
 * `analysis.dynamics-class`: what the network settles into after each trial (Jarne 2021: "fixed
 * points and oscillatory states coexist", by context and input), as numbers rather than a picture.
 *
 * Each condition's final hidden state is run on through the model for `steps` more steps with the
 * trial's last input held (or zero input), and the last `window` steps are classified:
 * - fixed point: the state stopped moving (RMS change per unit per step < `tolFixed` over the last
 *   steps); the spectral radius of the map's Jacobian there is reported (< 1: a stable point);
 * - limit cycle: the projection of the state on its main axis of variation (first principal
 *   direction of the window, by power iteration) crosses its mean upwards at regular intervals
 *   (coefficient of variation of the intervals < `cycleTolerance`), with peaks of constant height
 *   and the amplitude of the window's two halves equal within the same tolerance; the period is the
 *   mean interval (crossing times interpolated, so a quasi-periodic closed orbit of the discrete map,
 *   the usual case, gets a fractional period);
 * - neither: what it is instead is said in `detail` (diverged, still converging, or irregular:
 *   chaotic or quasi-periodic on a torus).
 */
import { defineBlock, formatNumber, input, int, num, oneOf, schema, str } from '../../core/index.ts';
import {
  HOLD_MODES,
  ModelPort,
  TrajectoriesPort,
  DynamicsClassPort,
  dynamicsSummary,
  type ConditionDynamics,
  type DynamicsClass,
  type HoldMode,
  type Model,
  type Trajectories,
} from '../ports/index.ts';
import { simulate } from '../model/simulate.ts';
import { CtrnnMap } from './ctrnn-map.ts';
import { eigenvalues } from './linalg.ts';

export {
  HOLD_MODES,
  DynamicsClassPort,
  dynamicsSummary,
  type ConditionDynamics,
  type DynamicsClass,
  type DynamicsKind,
  type HoldMode,
} from '../ports/dynamics-class.ts';

const round = (v: number) => formatNumber(v, 3);

/**
 * Classify the end of one run of states H [S, N] (S >= window). Pure: the block and the tests use it.
 * `radius` gives the Jacobian's spectral radius at a state (for fixed points).
 */
export function classifyTail(
  H: ArrayLike<number>,
  S: number,
  N: number,
  opts: { window: number; tolFixed: number; cycleTolerance: number },
): Omit<ConditionDynamics, 'condition' | 'output' | 'jacobianRadius' | 'periodTime'> {
  const W = Math.min(opts.window, S);
  const t0 = S - W;
  const sq = Math.sqrt(N);
  const at = (t: number, i: number) => H[t * N + i] as number;
  let finite = true;
  for (let k = t0 * N; k < S * N; k++)
    if (!Number.isFinite(H[k])) {
      finite = false;
      break;
    }
  const last = S - 1;
  let stateNorm = 0;
  for (let i = 0; i < N; i++) stateNorm += at(last, i) ** 2;
  stateNorm = Math.sqrt(stateNorm) / sq;
  if (!finite)
    return { kind: 'neither', detail: 'diverged: non-finite states', amplitude: NaN, finalSpeed: NaN, stateNorm };
  const speed = (t: number) => {
    let s = 0;
    for (let i = 0; i < N; i++) s += (at(t, i) - at(t - 1, i)) ** 2;
    return Math.sqrt(s) / sq;
  };
  const finalSpeed = S > 1 ? speed(last) : 0;
  // Mean and amplitude over the window.
  const mean = new Float64Array(N);
  for (let t = t0; t < S; t++) for (let i = 0; i < N; i++) mean[i] = (mean[i] as number) + at(t, i);
  for (let i = 0; i < N; i++) mean[i] = (mean[i] as number) / W;
  let amp = 0;
  for (let t = t0; t < S; t++) for (let i = 0; i < N; i++) amp += (at(t, i) - (mean[i] as number)) ** 2;
  const amplitude = Math.sqrt(amp / W / N);
  // Fixed point: no movement over the last steps (a tenth of the window, at least 10).
  const tail = Math.max(2, Math.min(W - 1, Math.max(10, Math.floor(W / 10))));
  let maxTailSpeed = 0;
  for (let t = S - tail + 1; t < S; t++) maxTailSpeed = Math.max(maxTailSpeed, speed(t));
  if (maxTailSpeed < opts.tolFixed)
    return {
      kind: 'fixed point',
      detail: `state moves < ${formatNumber(opts.tolFixed, 2)} per unit per step over the last ${tail} steps`,
      amplitude,
      finalSpeed,
      stateNorm,
    };
  // Main axis of variation of the window: power iteration on the (implicit) covariance.
  const u = new Float64Array(N);
  let far = t0;
  let farD = -1;
  for (let t = t0; t < S; t++) {
    let d = 0;
    for (let i = 0; i < N; i++) d += (at(t, i) - (mean[i] as number)) ** 2;
    if (d > farD) {
      farD = d;
      far = t;
    }
  }
  for (let i = 0; i < N; i++) u[i] = at(far, i) - (mean[i] as number);
  const proj = new Float64Array(W);
  const project = () => {
    for (let t = t0; t < S; t++) {
      let s = 0;
      for (let i = 0; i < N; i++) s += (at(t, i) - (mean[i] as number)) * (u[i] as number);
      proj[t - t0] = s;
    }
  };
  for (let it = 0; it < 30; it++) {
    project();
    const next = new Float64Array(N);
    for (let t = t0; t < S; t++) {
      const p = proj[t - t0] as number;
      for (let i = 0; i < N; i++) next[i] = (next[i] as number) + p * (at(t, i) - (mean[i] as number));
    }
    let nrm = 0;
    for (let i = 0; i < N; i++) nrm += (next[i] as number) ** 2;
    nrm = Math.sqrt(nrm);
    if (!(nrm > 0)) break;
    for (let i = 0; i < N; i++) u[i] = (next[i] as number) / nrm;
  }
  project();
  const s = proj;
  // Upward crossings of the mean, interpolated.
  const crossings: number[] = [];
  for (let k = 1; k < W; k++) {
    const a = s[k - 1] as number;
    const b = s[k] as number;
    if (a < 0 && b >= 0) crossings.push(k - 1 + a / (a - b));
  }
  const halfRms = (from: number, to: number) => {
    let q = 0;
    for (let k = from; k < to; k++) q += (s[k] as number) ** 2;
    return Math.sqrt(q / Math.max(1, to - from));
  };
  const ampRatio = halfRms(Math.floor(W / 2), W) / Math.max(halfRms(0, Math.floor(W / 2)), Number.MIN_VALUE);
  const firstSpeed = (() => {
    let m = 0;
    const n = Math.max(1, Math.floor(W / 4));
    for (let t = t0 + 1; t <= t0 + n; t++) m += speed(t);
    return m / n;
  })();
  const lastSpeed = (() => {
    let m = 0;
    const n = Math.max(1, Math.floor(W / 4));
    for (let t = S - n; t < S; t++) m += speed(t);
    return m / n;
  })();
  const converging = lastSpeed < 0.5 * firstSpeed && ampRatio < 1 - opts.cycleTolerance;
  if (crossings.length >= 4) {
    const iv: number[] = [];
    for (let k = 1; k < crossings.length; k++) iv.push((crossings[k] as number) - (crossings[k - 1] as number));
    const m = iv.reduce((a, b) => a + b, 0) / iv.length;
    const sd = Math.sqrt(iv.reduce((a, b) => a + (b - m) ** 2, 0) / iv.length);
    const cv = sd / m;
    // Peak height of each full cycle, refined by a parabola through the top three samples.
    const peaks: number[] = [];
    for (let k = 1; k < crossings.length; k++) {
      const from = Math.ceil(crossings[k - 1] as number);
      const to = Math.floor(crossings[k] as number);
      let best = from;
      for (let j = from; j <= to; j++) if ((s[j] as number) > (s[best] as number)) best = j;
      const y0 = s[best] as number;
      const ym = best > 0 ? (s[best - 1] as number) : y0;
      const yp = best + 1 < W ? (s[best + 1] as number) : y0;
      const den = ym - 2 * y0 + yp;
      peaks.push(den < 0 ? y0 - ((yp - ym) * (yp - ym)) / (8 * den) : y0);
    }
    const pm = peaks.reduce((a, b) => a + b, 0) / peaks.length;
    const psd = Math.sqrt(peaks.reduce((a, b) => a + (b - pm) ** 2, 0) / peaks.length);
    const peakCv = pm > 0 ? psd / pm : Infinity;
    const steady = Math.abs(ampRatio - 1) < opts.cycleTolerance;
    if (cv < opts.cycleTolerance && peakCv < opts.cycleTolerance && steady)
      return {
        kind: 'limit cycle',
        detail: `${iv.length} cycles of ${round(m)} steps (spread ${round(100 * cv)} %, peak heights ${round(100 * peakCv)} %)`,
        period: m,
        cycleIrregularity: cv,
        cycles: iv.length,
        amplitude,
        finalSpeed,
        stateNorm,
      };
    if (converging)
      return {
        kind: 'neither',
        detail: `still converging: damped oscillation of ~${round(m)} steps, amplitude x${round(ampRatio)} over the window`,
        amplitude,
        finalSpeed,
        stateNorm,
      };
    return {
      kind: 'neither',
      detail: `irregular (chaotic or quasi-periodic): cycle lengths vary ${round(100 * cv)} %, peak heights ${round(100 * peakCv)} %, amplitude x${round(ampRatio)} over the window`,
      amplitude,
      finalSpeed,
      stateNorm,
    };
  }
  if (converging || lastSpeed < firstSpeed)
    return {
      kind: 'neither',
      detail: `still converging: speed ${formatNumber(finalSpeed, 2)} per unit per step at the end (above tolFixed); simulate longer`,
      amplitude,
      finalSpeed,
      stateNorm,
    };
  return {
    kind: 'neither',
    detail: `drifting without settling: ${crossings.length} mean crossings in ${W} steps`,
    amplitude,
    finalSpeed,
    stateNorm,
  };
}

export interface DynamicsOptions {
  hold: HoldMode;
  steps: number;
  window: number;
  tolFixed: number;
  cycleTolerance: number;
  label?: string;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
}

/** Run every condition on past its trial and classify what it settles into. */
export function dynamicsClass(model: Model, traj: Trajectories, o: DynamicsOptions): DynamicsClass {
  const { C, T, N } = traj;
  const I = model.inputSize;
  if (traj.N !== model.N)
    throw new Error(
      `trajectories: N=${traj.N} units but the model has N=${model.N}; connect the trajectories of this model`,
    );
  if (traj.channels !== I) throw new Error(`trajectories: ${traj.channels} input channels but the model takes ${I}`);
  if (traj.hidden.length !== C * T * N)
    throw new Error(`trajectories: hidden has ${traj.hidden.length} values, expected C*T*N = ${C}*${T}*${N}`);
  if (T < 1) throw new Error('trajectories: no time steps');
  if (o.window > o.steps)
    throw new Error(
      `params.window (${o.window}) must not exceed params.steps (${o.steps}): the window is the end of the run`,
    );
  const S = o.steps;
  const O = model.outputSize;
  const out: ConditionDynamics[] = [];
  for (let c = 0; c < C; c++) {
    if (o.signal?.aborted) throw new Error('analysis.dynamics-class: cancelled');
    const x = new Array<number>(I).fill(0);
    if (o.hold === 'last') for (let k = 0; k < I; k++) x[k] = traj.inputs[(c * T + T - 1) * I + k] as number;
    const inputs = new Float32Array(S * I);
    for (let t = 0; t < S; t++) for (let k = 0; k < I; k++) inputs[t * I + k] = x[k] as number;
    const h0 = traj.hidden.slice((c * T + T - 1) * N, (c * T + T) * N);
    const { hidden, y } = simulate(model, inputs, 1, S, { h0 });
    const verdict = classifyTail(hidden, S, N, o);
    const output = new Array<number>(O).fill(0);
    for (let t = S - o.window; t < S; t++)
      for (let k = 0; k < O; k++) output[k] = (output[k] as number) + (y[t * O + k] as number) / o.window;
    const entry: ConditionDynamics = { condition: traj.conditions[c]!, ...verdict, output };
    if (verdict.period !== undefined) entry.periodTime = verdict.period * traj.dt;
    if (verdict.kind === 'fixed point' && model.cell === 'ctrnn') {
      const h = hidden.subarray((S - 1) * N, S * N);
      const eig = eigenvalues(new CtrnnMap(model, x).jacobian(h), N);
      entry.jacobianRadius = eig.length > 0 ? Math.hypot(eig[0]!.re, eig[0]!.im) : 0;
    }
    out.push(entry);
    o.progress?.(c + 1, C);
  }
  const counts = {
    fixedPoint: out.filter((c) => c.kind === 'fixed point').length,
    limitCycle: out.filter((c) => c.kind === 'limit cycle').length,
    neither: out.filter((c) => c.kind === 'neither').length,
  };
  return {
    label: o.label ?? traj.label,
    N,
    hold: o.hold,
    steps: S,
    window: o.window,
    tolFixed: o.tolFixed,
    cycleTolerance: o.cycleTolerance,
    dt: traj.dt,
    conditions: out,
    counts,
    summary: dynamicsSummary({ conditions: out }),
  };
}
export const dynamicsClassBlock = defineBlock({
  type: 'analysis.dynamics-class',
  version: 1,
  title: 'Dynamics class per condition',
  category: 'Analysis',
  description:
    'What the network settles into after each trial, as numbers: every condition is simulated on past its trial end for `steps` ' +
    "steps with the trial's last input held ('last') or no input ('zero'), and the last `window` steps are classified as a fixed " +
    'point (the state stops moving; the Jacobian radius there is given), a limit cycle (regular cycles of constant amplitude; ' +
    "the period in steps is given) or neither (diverged, still converging, or irregular: chaotic or quasi-periodic). Jarne's " +
    'multitask networks: fixed points and oscillations coexist, by context and input.',
  inputs: {
    model: input(ModelPort, { description: 'The network (a CTRNN).' }),
    trajectories: input(TrajectoriesPort, {
      description: "The trials (sim.run): each condition's last state and last input start the run.",
    }),
  },
  outputs: { dynamics: DynamicsClassPort },
  params: schema({
    hold: oneOf(HOLD_MODES, 'last', {
      description:
        "Input after the trial: 'last' holds the trial's last input (zero for pulsed tasks whose stimuli have ended), 'zero' removes all input.",
    }),
    steps: int(10, 1_000_000, 3000, { description: 'Steps simulated past the trial end.' }),
    window: int(10, 1_000_000, 1000, {
      description: 'The last this many steps are classified (must be <= steps; hold several periods).',
    }),
    tolFixed: num(0, 1, 1e-6, {
      description: 'Fixed point: RMS change per unit per step below this over the last tenth of the window.',
    }),
    cycleTolerance: num(0, 1, 0.05, {
      description:
        'Limit cycle: relative spread of cycle lengths and of peak heights, and change of amplitude between the window halves, all below this.',
    }),
    label: str('', { description: "Label; default: the trajectories' label." }),
  }),
  run: async ({ params, inputs, warn, signal, progress }) => {
    if (inputs.model.cell !== 'ctrnn')
      warn(
        `model cell is '${inputs.model.cell}': the run past the trial uses the CTRNN forward pass with these weights`,
      );
    const dynamics = dynamicsClass(inputs.model, inputs.trajectories, {
      hold: params.hold,
      steps: params.steps,
      window: params.window,
      tolFixed: params.tolFixed,
      cycleTolerance: params.cycleTolerance,
      ...(params.label !== '' ? { label: params.label } : {}),
      ...(signal ? { signal } : {}),
      progress: (done, total) => progress(done, total),
    });
    return { dynamics };
  },
});
