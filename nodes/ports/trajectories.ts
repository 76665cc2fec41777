/** `Trajectories`: a network simulated on a set of conditions. Owned by issue 4 (sim.run). */
import type { ConditionLabel } from './dataset.ts';

export interface Trajectories {
  /** Conditions simulated, one per row. */
  conditions: ConditionLabel[];
  C: number;
  T: number;
  N: number;
  channels: number;
  outputs: number;
  /** [C, T, N] hidden states h[t] after step t. */
  hidden: Float32Array;
  /** [C, T, outputs] network outputs y. */
  y: Float32Array;
  /** [C, T, outputs] targets. */
  targets: Float32Array;
  /** [C, T, channels] inputs. */
  inputs: Float32Array;
  /** [C, T] loss mask. */
  mask: Float32Array;
  /** Per condition: ||y_target - y||_2 over the whole trial (the authors' measure). */
  distance: number[];
  /** Per condition: 1 if the mean output over the late response window is within 0.5 of the target. */
  accuracy: number[];
  channelNames: string[];
  outputNames: string[];
  dt: number;
  /** A label for plots ("trained", "untrained"). */
  label: string;
}

import { definePortType, formatNumber } from '../../core/index.ts';

/** The `Trajectories` port type. */
export const TrajectoriesPort = definePortType<Trajectories>({
  name: 'Trajectories',
  description: 'Hidden states, outputs and targets of a network simulated on a set of conditions.',
  color: '#228833',
  summarize: (t) =>
    `${t.C} conditions x ${t.T} steps, N=${t.N}; mean distance ${formatNumber(
      t.distance.reduce((a, b) => a + b, 0) / Math.max(1, t.C),
    )}, ${t.accuracy.filter((a) => a >= 1).length}/${t.C} correct`,
});
