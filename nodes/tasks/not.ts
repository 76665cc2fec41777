/** `task.not`: output NOT A after a memory gap (Jarne & Laje; baseline 0.01, T = 200). */
import { defineGateBlock } from './gate.ts';

export const notTask = defineGateBlock({
  name: 'not',
  title: 'NOT (temporal)',
  arity: 1,
  f: ([a]) => 1 - (a as number),
  baseline: 0.01,
  T: 200,
  description:
    'One input pulse A in {0,1} at [stimStart, stimStart+stimWidth); the target is 1 - A from ' +
    'stimStart+stimWidth+memGap to the end of the trial, baseline before. Both values are balanced. ' +
    "Defaults are the authors' (Jarne & Laje, generate_data_set_not.py: pulse at [30, 50), response from 70, T = 200, baseline 0.01).",
});
