/** Built-in blocks of the "train" family. */
import type { AnyBlock } from '../../core/index.ts';

export const trainBlocks: AnyBlock[] = [];
