/** Built-in blocks of the "sim" family. */
import type { AnyBlock } from '../../core/index.ts';
import { simRun } from './run.ts';

export const simBlocks: AnyBlock[] = [simRun];

export { simRun, runSimulation, selectTrials, shapeProblem, type SimSelection } from './run.ts';
export {
  trialDistance,
  decisionWindow,
  decisionCorrect,
  MIN_RUN,
  DECISION_TOLERANCE,
  type StepWindow,
} from './metrics.ts';
