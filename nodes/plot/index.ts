/** Built-in blocks of the "plot" family. */
import type { AnyBlock } from '../../core/index.ts';

export const plotBlocks: AnyBlock[] = [];
