/** Built-in blocks of the "train" family. */
import type { AnyBlock } from '../../core/index.ts';
import { trainCtrnn } from './ctrnn.ts';

export const trainBlocks: AnyBlock[] = [trainCtrnn];
export { registerCell, type CellStep, type CellWeights } from './register-cell.ts';
