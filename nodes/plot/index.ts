/** Built-in blocks of the "plot" family. */
import type { AnyBlock } from '../../core/index.ts';
import { plotTimeseries } from './timeseries.ts';
import { plotEigenvalues } from './eigenvalues.ts';
import { plotHistogram } from './histogram.ts';
import { plotPca } from './pca.ts';
import { plotCurve } from './curve.ts';

export { plotTimeseries, plotEigenvalues, plotHistogram, plotPca, plotCurve };

export const plotBlocks: AnyBlock[] = [plotTimeseries, plotEigenvalues, plotHistogram, plotPca, plotCurve];
