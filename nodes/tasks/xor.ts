/** `task.xor`: output A XOR B after a memory gap (Jarne & Laje; baseline 0.01, T = 200). */
import { defineGateBlock } from './gate.ts';

export const xorTask = defineGateBlock({
  name: 'xor',
  title: 'XOR (temporal)',
  arity: 2,
  f: ([a, b]) => (a !== b ? 1 : 0),
  baseline: 0.01,
  T: 200,
  description:
    'Two input pulses A, B in {0,1} at [stimStart, stimStart+stimWidth); the target is A XOR B from ' +
    'stimStart+stimWidth+memGap to the end of the trial, baseline before. The four combinations are balanced. ' +
    "Defaults are the authors' (Jarne & Laje, generate_data_set_xor.py: pulses at [30, 50), response from 70, T = 200, baseline 0.01).",
});
