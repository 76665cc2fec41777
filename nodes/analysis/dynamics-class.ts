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
import {
  defineBlock,
  definePortType,
  formatNumber,
  input,
  int,
  num,
  oneOf,
  schema,
  str,
  type Artifact,
} from '../../core/index.ts';
import { ModelPort, TrajectoriesPort, type ConditionLabel, type Model, type Trajectories } from '../ports/index.ts';
import { csvTable } from '../ports/analysis.ts';
import { simulate } from '../model/simulate.ts';
import { CtrnnMap } from './ctrnn-map.ts';
import { eigenvalues } from './linalg.ts';

export const HOLD_MODES = ['last', 'zero'] as const;
export type HoldMode = (typeof HOLD_MODES)[number];

export type DynamicsKind = 'fixed point' | 'limit cycle' | 'neither';

/** One condition's verdict. */
export interface ConditionDynamics {
  condition: ConditionLabel;
  kind: DynamicsKind;
  /** One phrase: why this class (or, for 'neither', what instead). */
  detail: string;
  /** Limit cycle: mean period in steps (fractional for a quasi-periodic closed orbit). */
  period?: number;
  /** Limit cycle: period x dt (the trajectories' time unit). */
  periodTime?: number;
  /** Limit cycle: coefficient of variation of the cycle lengths. */
  cycleIrregularity?: number;
  /** Limit cycle: cycles seen in the window. */
  cycles?: number;
  /** RMS distance of the states from their window mean, per unit (0 at a fixed point). */
  amplitude: number;
  /** RMS change per unit in the last step. */
  finalSpeed: number;
  /** Fixed point: spectral radius of the Jacobian of the map at the final state (< 1: stable). */
  jacobianRadius?: number;
  /** Mean readout over the window, per output. */
  output: number[];
  /** RMS norm per unit of the final state. */
  stateNorm: number;
}

/** The `DynamicsClass` value. */
export interface DynamicsClass {
  label: string;
  N: number;
  hold: HoldMode;
  steps: number;
  window: number;
  tolFixed: number;
  cycleTolerance: number;
  dt: number;
  conditions: ConditionDynamics[];
  counts: { fixedPoint: number; limitCycle: number; neither: number };
  /** "fixed point: 8, limit cycle: 4 (period 35.0), neither: 0" */
  summary: string;
}

const round = (v: number) => formatNumber(v, 3);

/** One line: the counts, with the limit cycles' period (or range of periods). */
export function dynamicsSummary(d: Pick<DynamicsClass, 'conditions'>): string {
  const fp = d.conditions.filter((c) => c.kind === 'fixed point').length;
  const cyc = d.conditions.filter((c) => c.kind === 'limit cycle');
  const nei = d.conditions.length - fp - cyc.length;
  let periods = '';
  if (cyc.length > 0) {
    const ps = cyc.map((c) => c.period ?? NaN);
    const lo = Math.min(...ps);
    const hi = Math.max(...ps);
    periods = hi - lo < 0.05 * lo ? ` (period ${round((lo + hi) / 2)})` : ` (periods ${round(lo)}-${round(hi)})`;
  }
  return `fixed point: ${fp}, limit cycle: ${cyc.length}${periods}, neither: ${nei}`;
}

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

const csvCell = (v: number | undefined) => (v === undefined ? '' : v);

/** The `DynamicsClass` port type: per-condition verdicts, the one-line summary, JSON and CSV. */
export const DynamicsClassPort = definePortType<DynamicsClass>({
  name: 'DynamicsClass',
  description: 'What the network settles into after each trial: fixed point, limit cycle (with its period) or neither.',
  color: '#aa3377',
  summarize: (d) => d.summary,
  numbers: (d) => {
    const cyc = d.conditions.filter((c) => c.period !== undefined).map((c) => c.period as number);
    return {
      fixedPoint: d.counts.fixedPoint,
      limitCycle: d.counts.limitCycle,
      neither: d.counts.neither,
      ...(cyc.length > 0 ? { meanPeriod: cyc.reduce((a, b) => a + b, 0) / cyc.length } : {}),
    };
  },
  artifacts: (d): Artifact[] => [
    { suffix: '.json', data: JSON.stringify(d, null, 2), mediaType: 'application/json' },
    {
      suffix: '.csv',
      mediaType: 'text/csv',
      data: csvTable(
        [
          'condition',
          'kind',
          'period_steps',
          'period_time',
          'cycle_irregularity',
          'amplitude',
          'final_speed',
          'jacobian_radius',
          'state_norm',
          ...(d.conditions[0]?.output.map((_, k) => `output${k}`) ?? []),
          'detail',
        ],
        d.conditions.map((c) => [
          c.condition.key,
          c.kind,
          csvCell(c.period),
          csvCell(c.periodTime),
          csvCell(c.cycleIrregularity),
          c.amplitude,
          c.finalSpeed,
          csvCell(c.jacobianRadius),
          c.stateNorm,
          ...c.output,
          c.detail,
        ]),
      ),
    },
  ],
});

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
