/** Built-in blocks of the "report" family. */
import type { AnyBlock } from '../../core/index.ts';

export const reportBlocks: AnyBlock[] = [];
