/** Built-in blocks of the "analysis" family. */
import type { AnyBlock } from '../../core/index.ts';

export const analysisBlocks: AnyBlock[] = [];
