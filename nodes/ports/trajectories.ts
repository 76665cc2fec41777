/** `Trajectories`: a network simulated on a set of conditions.. */
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
  /** Per condition: 1 if correct (held level: mean output late in the response within 0.5; shape: R^2 >= 0.5; nodes/sim/metrics.ts). */
  accuracy: number[];
  /**
   * Per condition: the window [start, end) the accuracy was measured on, and which rule applied
   * (`kind`: 'level' or 'shape'; see nodes/sim/metrics.ts). Set by sim.run.
   */
  decisionWindows?: Array<{ start: number; end: number; kind?: 'level' | 'shape' }>;
  /** Which trials were simulated: 'probe' (distinct conditions), 'test' or 'all'. Set by sim.run. */
  selection?: string;
  /** Which forward computed them ('js', or 'tfjs' and its backend). Set by sim.run. */
  engine?: string;
  channelNames: string[];
  outputNames: string[];
  dt: number;
  /** A label for plots ("trained", "untrained"). */
  label: string;
}

import { definePortType, formatNumber } from '../../core/index.ts';
import { encodeNpy } from '../lib/npy.ts';
import { encodeNpz } from '../lib/npz.ts';

/** The `Trajectories` port type. */
export const TrajectoriesPort = definePortType<Trajectories>({
  name: 'Trajectories',
  description: 'Hidden states, outputs and targets of a network simulated on a set of conditions.',
  color: '#228833',
  summarize: (t) =>
    `${t.C} conditions x ${t.T} steps, N=${t.N}; mean distance ${formatNumber(
      t.distance.reduce((a, b) => a + b, 0) / Math.max(1, t.C),
    )}, ${t.accuracy.filter((a) => a >= 1).length}/${t.C} correct`,
  numbers: (t) => ({
    meanDistance: t.distance.reduce((a, b) => a + b, 0) / Math.max(1, t.C),
    maxDistance: t.distance.length > 0 ? Math.max(...t.distance) : NaN,
    accuracy: t.accuracy.reduce((a, b) => a + b, 0) / Math.max(1, t.C),
  }),
  /**
   * `PORT/summary.json` (labels, per-condition distance, accuracy, decision windows, sizes) and the
   * arrays as NumPy files: `PORT/y.npy`, `PORT/targets.npy` [C, T, outputs], `PORT/inputs.npy`
   * [C, T, channels], `PORT/mask.npy` [C, T], and the hidden states [C, T, N] compressed in
   * `PORT/hidden.npz` (`np.load(f)['hidden']`).
   */
  artifacts: (t) => {
    const summary = {
      label: t.label,
      selection: t.selection,
      engine: t.engine,
      C: t.C,
      T: t.T,
      N: t.N,
      channels: t.channels,
      outputs: t.outputs,
      channelNames: t.channelNames,
      outputNames: t.outputNames,
      dt: t.dt,
      conditions: t.conditions,
      distance: t.distance,
      accuracy: t.accuracy,
      decisionWindows: t.decisionWindows,
    };
    const npy = 'application/octet-stream';
    return [
      { suffix: '/summary.json', data: JSON.stringify(summary, null, 1), mediaType: 'application/json' },
      // The one large array (C x T x N floats): compressed, about 1.5x smaller.
      { suffix: '/hidden.npz', data: encodeNpz({ 'hidden.npy': encodeNpy(t.hidden, [t.C, t.T, t.N]) }), mediaType: 'application/zip' },
      { suffix: '/y.npy', data: encodeNpy(t.y, [t.C, t.T, t.outputs]), mediaType: npy },
      { suffix: '/targets.npy', data: encodeNpy(t.targets, [t.C, t.T, t.outputs]), mediaType: npy },
      { suffix: '/inputs.npy', data: encodeNpy(t.inputs, [t.C, t.T, t.channels]), mediaType: npy },
      { suffix: '/mask.npy', data: encodeNpy(t.mask, [t.C, t.T]), mediaType: npy },
    ];
  },
});
