/**
 * Per-trial performance measures of a simulated network.
 *
 * - distance: ||y - target||_2 over the whole trial (all steps, all outputs), exactly the authors'
 *   `np.linalg.norm(y_train[i, :, 0] - y_pred[i, :, 0])`.
 * - decision window ("late response window"): take the last run of consecutive masked steps over
 *   which the target is constant (every output within 1e-6 of the run's first value) and that is at
 *   least MIN_RUN steps long; shorter runs at the end (e.g. the multitask target's final step back
 *   at 0) are skipped. The window is the later half of that run: the held response level, after the
 *   network has had half the run to settle. Without such a run, the later half of the masked steps.
 * - decision accuracy: 1 when, for every output, the mean of y over the window is within 0.5 of the
 *   target level there, else 0. Meant for decision tasks with a held level (AND, OR, XOR, NOT,
 *   context multitask, flip-flop's last state); for oscillation or time reproduction use the distance.
 */

/** Shortest constant-target run that counts as a held response. */
export const MIN_RUN = 5;
/** Two target values closer than this are the same level. */
const LEVEL_TOL = 1e-6;
/** The decision is correct when |mean y - level| < this. */
export const DECISION_TOLERANCE = 0.5;

/** A window of steps [start, end). */
export interface StepWindow {
  start: number;
  end: number;
}

/** ||y - target||_2 over the whole trial. `y`, `target`: [T * O] of one trial. */
export function trialDistance(y: ArrayLike<number>, target: ArrayLike<number>, offset: number, count: number): number {
  let s = 0;
  for (let i = 0; i < count; i++) {
    const d = (y[offset + i] as number) - (target[offset + i] as number);
    s += d * d;
  }
  return Math.sqrt(s);
}

/**
 * The late response window of one trial. `target` [.. T*O ..] from `tOff`, `mask` [.. T ..] from
 * `mOff`.
 */
export function decisionWindow(
  target: ArrayLike<number>,
  tOff: number,
  mask: ArrayLike<number>,
  mOff: number,
  T: number,
  O: number,
): StepWindow {
  const masked = (t: number) => (mask[mOff + t] as number) > 0;
  const sameLevel = (a: number, b: number) => {
    for (let o = 0; o < O; o++)
      if (Math.abs((target[tOff + a * O + o] as number) - (target[tOff + b * O + o] as number)) > LEVEL_TOL)
        return false;
    return true;
  };
  let end = T;
  while (end > 0) {
    // Skip unmasked steps at the end.
    while (end > 0 && !masked(end - 1)) end--;
    if (end === 0) break;
    let start = end - 1;
    while (start > 0 && masked(start - 1) && sameLevel(start - 1, end - 1)) start--;
    if (end - start >= MIN_RUN) return { start: start + Math.floor((end - start) / 2), end };
    end = start;
  }
  // No held level: the later half of the masked steps.
  const steps: number[] = [];
  for (let t = 0; t < T; t++) if (masked(t)) steps.push(t);
  if (steps.length === 0) return { start: Math.floor(T / 2), end: T };
  const first = steps[Math.floor(steps.length / 2)] as number;
  return { start: first, end: (steps[steps.length - 1] as number) + 1 };
}

/** 1 when the mean output over `w` is within {@link DECISION_TOLERANCE} of the mean target there, for every output. */
export function decisionCorrect(
  y: ArrayLike<number>,
  target: ArrayLike<number>,
  off: number,
  O: number,
  w: StepWindow,
): number {
  const n = w.end - w.start;
  if (n <= 0) return 0;
  for (let o = 0; o < O; o++) {
    let sy = 0;
    let st = 0;
    for (let t = w.start; t < w.end; t++) {
      sy += y[off + t * O + o] as number;
      st += target[off + t * O + o] as number;
    }
    if (!(Math.abs(sy / n - st / n) < DECISION_TOLERANCE)) return 0;
  }
  return 1;
}
