/** Built-in blocks of the "context" family. */
import type { AnyBlock } from '../../core/index.ts';
import { contextMux } from './mux.ts';

export { contextMux, muxDatasets, muxCounts } from './mux.ts';

export const contextBlocks: AnyBlock[] = [contextMux];
