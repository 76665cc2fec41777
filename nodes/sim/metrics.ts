/**
 * Per-trial performance measures of a simulated network.
 *
 * - distance: ||y - target||_2 over the whole trial (all steps, all outputs), exactly the authors'
 *   `np.linalg.norm(y_train[i, :, 0] - y_pred[i, :, 0])`.
 * - the trial's target is either a HELD LEVEL or a SHAPE. A held run is a run of at least MIN_RUN
 *   consecutive masked steps over which the target is constant (every output within 1e-6 of the
 *   run's first value). Masked steps outside every held run are "moving" steps. When there are at
 *   least MIN_RUN moving steps, the target has a shape the output must follow
 *   (time reproduction's bump, the oscillation's sinusoid, a ramp, a noisy target); otherwise it is a
 *   held level (AND, OR, XOR, NOT, the context multitask, flip-flop, and every "pulse absent" trial),
 *   whose isolated jumps and short final return to 0 are not a shape.
 * - decision window ("late response window"):
 *   - held level: take the last held run (shorter runs at the end, e.g. the multitask target's final
 *     step back at 0, are skipped); the window is the later half of that run, the held response
 *     level after the network has had half the run to settle. Without masked steps: [T/2, T).
 *   - shape: from the first moving step to the last masked step (the response and what follows it,
 *     e.g. the return to baseline after the bump or the oscillation).
 * - decision accuracy ("correct"), for every output:
 *   - held level: the mean of y over the window is within 0.5 of the target's mean there;
 *   - shape: y explains at least half of the target's variance over the window, R^2 = 1 -
 *     sum (y - target)^2 / sum (target - mean target)^2 >= SHAPE_R2 = 0.5. A flat output has R^2 <= 0
 *     (0 at the target's mean), so it is never correct; an output with the wrong period, a phase lag
 *     of 1/8 period or more, or less than ~30 % of the amplitude fails too. An output whose target is
 *     constant over a shape window (another output moves) uses the held-level rule.
 */

/** Shortest constant-target run that counts as a held response. */
export const MIN_RUN = 5;
/** Two target values closer than this are the same level. */
const LEVEL_TOL = 1e-6;
/** A held-level decision is correct when |mean y - level| < this. */
export const DECISION_TOLERANCE = 0.5;
/** A shaped target is followed when R^2 of the output against it over the window is at least this. */
export const SHAPE_R2 = 0.5;

/** What the target of a trial asks for: hold a level, or follow a shape (see the module comment). */
export type TargetKind = 'level' | 'shape';

/** A window of steps [start, end), and which rule decides correctness there (absent: 'level'). */
export interface StepWindow {
  start: number;
  end: number;
  kind?: TargetKind;
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
 * The late response window of one trial and the kind of its target (see the module comment).
 * `target` [.. T*O ..] from `tOff`, `mask` [.. T ..] from `mOff`.
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
  // Held runs: maximal runs of consecutive masked steps at one level, at least MIN_RUN long.
  const runs: StepWindow[] = [];
  let firstMoving = -1;
  let moving = 0;
  let lastMasked = -1;
  for (let t = 0; t < T;) {
    if (!masked(t)) {
      t++;
      continue;
    }
    let end = t + 1;
    while (end < T && masked(end) && sameLevel(end, t)) end++;
    if (end - t >= MIN_RUN) runs.push({ start: t, end });
    else {
      if (firstMoving < 0) firstMoving = t;
      moving += end - t;
    }
    lastMasked = end - 1;
    t = end;
  }
  if (moving >= MIN_RUN) return { start: firstMoving, end: lastMasked + 1, kind: 'shape' };
  const last = runs[runs.length - 1];
  if (last) return { start: last.start + Math.floor((last.end - last.start) / 2), end: last.end, kind: 'level' };
  // Fewer than MIN_RUN masked steps: the later half of them.
  const steps: number[] = [];
  for (let t = 0; t < T; t++) if (masked(t)) steps.push(t);
  if (steps.length === 0) return { start: Math.floor(T / 2), end: T, kind: 'level' };
  return {
    start: steps[Math.floor(steps.length / 2)] as number,
    end: (steps[steps.length - 1] as number) + 1,
    kind: 'level',
  };
}

/**
 * 1 when the output is correct over `w` for every output, else 0: for a held level (`w.kind` absent
 * or 'level') the mean output is within {@link DECISION_TOLERANCE} of the mean target; for a shape,
 * R^2 of the output against the target is at least {@link SHAPE_R2}.
 */
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
    const meanT = st / n;
    let sst = 0;
    let sse = 0;
    if (w.kind === 'shape')
      for (let t = w.start; t < w.end; t++) {
        const v = target[off + t * O + o] as number;
        sst += (v - meanT) ** 2;
        sse += ((y[off + t * O + o] as number) - v) ** 2;
      }
    if (w.kind === 'shape' && sst > n * LEVEL_TOL * LEVEL_TOL) {
      if (!(1 - sse / sst >= SHAPE_R2)) return 0;
    } else if (!(Math.abs(sy / n - meanT) < DECISION_TOLERANCE)) return 0;
  }
  return 1;
}
