/**
 * Per-condition performance of a batch of simulated trials, with the exact definitions `sim.run` uses
 * (shared from `nodes/sim/metrics.ts`): distance = ||y_target - y||_2 over the whole trial, accuracy =
 * 1 when the mean output over the late response window is within 0.5 of a held target level, or when
 * the output follows a shaped target (bump, oscillation) with R^2 >= 0.5 from the response onward.
 */
import { decisionCorrect, decisionWindow, trialDistance } from '../sim/metrics.ts';

export interface BatchPerformance {
  distance: number[];
  accuracy: number[];
}

/** `y`, `targets`: [B, T, O]; `mask`: [B, T]. */
export function batchPerformance(
  y: ArrayLike<number>,
  targets: ArrayLike<number>,
  mask: ArrayLike<number>,
  B: number,
  T: number,
  O: number,
): BatchPerformance {
  const distance: number[] = [];
  const accuracy: number[] = [];
  for (let b = 0; b < B; b++) {
    const off = b * T * O;
    distance.push(trialDistance(y, targets, off, T * O));
    const w = decisionWindow(targets, off, mask, b * T, T, O);
    accuracy.push(decisionCorrect(y, targets, off, O, w));
  }
  return { distance, accuracy };
}
