/** Built-in blocks of the "tasks" family. */
import type { AnyBlock } from '../../core/index.ts';

export const tasksBlocks: AnyBlock[] = [];
