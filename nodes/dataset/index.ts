/** Built-in blocks of the "dataset" family: a user's own trials. */
import type { AnyBlock } from '../../core/index.ts';
import { datasetLoad } from './load.ts';

export { datasetLoad, loadTrials, type LoadTrialsOptions } from './load.ts';

export const datasetBlocks: AnyBlock[] = [datasetLoad];
