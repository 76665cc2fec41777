/** Built-in blocks of the "tasks" family. */
import type { AnyBlock } from '../../core/index.ts';
import { andTask } from './and.ts';
import { orTask } from './or.ts';
import { xorTask } from './xor.ts';
import { notTask } from './not.ts';
import { timeReproductionTask } from './time-reproduction.ts';
import { oscillationTask } from './oscillation.ts';
import { flipFlopTask } from './flip-flop.ts';

export { andTask, orTask, xorTask, notTask, timeReproductionTask, oscillationTask, flipFlopTask };
export { taskTiming, taskNameOf } from './timing.ts';

export const tasksBlocks: AnyBlock[] = [
  andTask,
  orTask,
  xorTask,
  notTask,
  timeReproductionTask,
  oscillationTask,
  flipFlopTask,
];
