/** `task.and`: output A AND B after a memory gap (Jarne & Laje; baseline 0, T = 210). */
import { defineGateBlock } from './gate.ts';

export const andTask = defineGateBlock({
  name: 'and',
  title: 'AND (temporal)',
  arity: 2,
  f: ([a, b]) => (a === 1 && b === 1 ? 1 : 0),
  baseline: 0,
  T: 210,
  description:
    'Two input pulses A, B in {0,1} at [stimStart, stimStart+stimWidth); the target is A AND B from ' +
    'stimStart+stimWidth+memGap to the end of the trial, baseline before. The four combinations are balanced. ' +
    "Defaults are the authors' (Jarne & Laje, generate_data_set_and.py: pulses at [30, 50), response from 70, T = 210, baseline 0).",
});
