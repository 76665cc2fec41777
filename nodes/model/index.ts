/** Built-in blocks of the "model" family. */
import type { AnyBlock } from '../../core/index.ts';

export const modelBlocks: AnyBlock[] = [];
