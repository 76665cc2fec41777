/** Built-in blocks of the "sim" family. */
import type { AnyBlock } from '../../core/index.ts';

export const simBlocks: AnyBlock[] = [];
