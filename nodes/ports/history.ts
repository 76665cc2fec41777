/** `TrainingHistory`: the loss curve and how training ended. */
export interface TrainingHistory {
  /** Optimiser step of each recorded training loss. */
  steps: number[];
  loss: number[];
  /** Steps at which validation ran, and its loss. */
  valSteps: number[];
  valLoss: number[];
  /** Wall-clock ms since training started, per recorded step. */
  wallMs: number[];
  /** Criterion checks: at which step, how many conditions passed out of how many. */
  criterion: Array<{ step: number; passed: number; total: number }>;
  /** Step at which the criterion was first met, if it was. */
  criterionMetAt?: number;
  /** 'max-steps' | 'loss-threshold' | 'criterion' | 'cancelled' | 'non-finite-loss' */
  stoppedBecause: string;
  backend: string;
  totalSteps: number;
  totalMs: number;
}

import { definePortType, formatNumber } from '../../core/index.ts';

/** The `TrainingHistory` port type. */
export const TrainingHistoryPort = definePortType<TrainingHistory>({
  name: 'TrainingHistory',
  description: 'Training and validation loss per step, criterion checks and why training stopped.',
  color: '#ccbb44',
  summarize: (h) =>
    `${h.totalSteps} steps, final loss ${formatNumber(h.loss[h.loss.length - 1] ?? NaN)}, stopped: ${h.stoppedBecause}`,
  numbers: (h) => ({
    finalLoss: h.loss[h.loss.length - 1] ?? NaN,
    steps: h.totalSteps,
    seconds: h.totalMs / 1000,
    ...(h.criterionMetAt !== undefined ? { criterionMetAt: h.criterionMetAt } : {}),
  }),
  artifacts: (h) => [{ suffix: '.json', data: JSON.stringify(h), mediaType: 'application/json' }],
  preview: (h) => ({ kind: 'history', loss: h.loss, steps: h.steps, valLoss: h.valLoss }),
});
