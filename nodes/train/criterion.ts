/**
 * The success criterion: for every distinct condition of the task (the dataset's `probe`, noise-free,
 * e.g. 12 conditions x jitters 1, 25, 50 for the 3-task context network), the output stays within
 * `tolerance` of the target from `delay` steps after the response window opens to its end.
 *
 * Response window (derived from the probe itself, so it works for any task):
 * - probe trials are grouped by their jitter (trials of one group share their timing);
 * - the window OPENS at the first step, over the group, where a target leaves its value at step 0
 *   (a condition whose target never moves, e.g. AND with A = B = 0, uses its group's window);
 * - the window ENDS at the last step, over the group, where a target differs from its step-0 value
 *   (the 3-task targets drop back to 0 on the very last step, so their window ends at T - 2);
 * - only steps with mask = 1 are checked;
 * - a group in which no target ever moves falls back to all steps with mask = 1.
 *
 * Optionally (`maxDistance` > 0; off by default) a trial must also keep the authors' distance
 * ||y - target||_2 over the WHOLE trial (every step, every output, mask ignored: the measure of
 * `sim.run`) at or below `maxDistance`. The window check bounds the worst step of the response; the
 * distance bounds the error summed over the trial, including what the network does outside the
 * window (e.g. an oscillation that does not stop when its target does).
 */
import type { Dataset } from '../ports/dataset.ts';
import { trialDistance } from '../sim/metrics.ts';

/** Window of one probe trial: steps [from, to] inclusive (after the delay), or null if empty. */
export interface ResponseWindow {
  onset: number;
  from: number;
  to: number;
}

const MOVE_EPS = 1e-6;

/** The response window of every probe trial (see the module comment). */
export function responseWindows(probe: Dataset, delay: number): Array<ResponseWindow | null> {
  const { samples, T, outputs: O } = probe;
  const groups = new Map<number, number[]>();
  for (let s = 0; s < samples; s++) {
    const j = probe.conditions[s]?.jitter ?? 0;
    const g = groups.get(j);
    if (g) g.push(s);
    else groups.set(j, [s]);
  }
  const out = new Array<ResponseWindow | null>(samples).fill(null);
  for (const members of groups.values()) {
    let onset = Infinity;
    let end = -1;
    for (const s of members)
      for (let t = 0; t < T; t++)
        for (let o = 0; o < O; o++) {
          const v = probe.targets[(s * T + t) * O + o] as number;
          const v0 = probe.targets[s * T * O + o] as number;
          if (Math.abs(v - v0) > MOVE_EPS) {
            if (t < onset) onset = t;
            if (t > end) end = t;
          }
        }
    if (!Number.isFinite(onset)) {
      // Nothing moves: every masked step counts.
      for (const s of members) {
        let a = -1;
        let b = -1;
        for (let t = 0; t < T; t++)
          if ((probe.mask[s * T + t] as number) > 0) {
            if (a < 0) a = t;
            b = t;
          }
        out[s] = a < 0 ? null : { onset: a, from: Math.min(a + delay, b), to: b };
      }
      continue;
    }
    const from = onset + delay;
    for (const s of members) out[s] = from <= end ? { onset, from, to: end } : null;
  }
  return out;
}

export interface CriterionResult {
  passed: number;
  total: number;
  /** Per probe trial: met or not. */
  met: boolean[];
  /** Per probe trial: max |y - target| inside its window (NaN without a window). */
  maxError: number[];
  /** Per probe trial: ||y - target||_2 over the whole trial (only computed when `maxDistance` > 0). */
  distance?: number[];
}

/**
 * Check the criterion given the model's outputs on the probe, time-major [T, samples, O] (the
 * layout of the trainer's `forward`).
 */
export function checkCriterion(
  probe: Dataset,
  yTimeMajor: Float32Array,
  options: {
    tolerance: number;
    delay: number;
    windows?: Array<ResponseWindow | null>;
    /** Also require ||y - target||_2 over the whole trial <= this; 0 or absent = off. */
    maxDistance?: number;
  },
): CriterionResult {
  const { samples: S, T, outputs: O } = probe;
  const windows = options.windows ?? responseWindows(probe, options.delay);
  const maxDistance = options.maxDistance ?? 0;
  const met: boolean[] = [];
  const maxError: number[] = [];
  const distance: number[] = [];
  const yTrial = new Float32Array(maxDistance > 0 ? T * O : 0);
  for (let s = 0; s < S; s++) {
    let withinDistance = true;
    if (maxDistance > 0) {
      // The trial's outputs gathered trial-major, then sim.run's definition of the distance.
      for (let t = 0; t < T; t++)
        for (let o = 0; o < O; o++) yTrial[t * O + o] = yTimeMajor[(t * S + s) * O + o] as number;
      const d = trialDistance(yTrial, probe.targets.subarray(s * T * O, (s + 1) * T * O), 0, T * O);
      distance.push(d);
      withinDistance = d <= maxDistance; // NaN fails
    }
    const w = windows[s];
    if (!w) {
      met.push(false);
      maxError.push(NaN);
      continue;
    }
    let mx = 0;
    for (let t = w.from; t <= w.to; t++) {
      if ((probe.mask[s * T + t] as number) <= 0) continue;
      for (let o = 0; o < O; o++) {
        const e = Math.abs(
          (yTimeMajor[(t * S + s) * O + o] as number) - (probe.targets[(s * T + t) * O + o] as number),
        );
        if (!(e <= mx)) mx = e; // NaN propagates
      }
    }
    maxError.push(mx);
    met.push(mx <= options.tolerance && withinDistance);
  }
  return { passed: met.filter(Boolean).length, total: S, met, maxError, ...(maxDistance > 0 ? { distance } : {}) };
}
