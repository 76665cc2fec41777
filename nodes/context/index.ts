/** Built-in blocks of the "context" family. */
import type { AnyBlock } from '../../core/index.ts';

export const contextBlocks: AnyBlock[] = [];
