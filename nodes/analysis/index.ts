/** Built-in blocks of the "analysis" family. */
import type { AnyBlock } from '../../core/index.ts';
import { eigenBlock } from './eigen.ts';
import { weightStatsBlock } from './weight-stats.ts';
import { pcaBlock } from './pca.ts';
import { fixedPointsBlock } from './fixed-points.ts';
import { pruneBlock } from './prune.ts';
import { dynamicsClassBlock } from './dynamics-class.ts';

export { eigenBlock, weightStatsBlock, pcaBlock, fixedPointsBlock, pruneBlock, dynamicsClassBlock };

export const analysisBlocks: AnyBlock[] = [
  eigenBlock,
  weightStatsBlock,
  pcaBlock,
  fixedPointsBlock,
  pruneBlock,
  dynamicsClassBlock,
];
