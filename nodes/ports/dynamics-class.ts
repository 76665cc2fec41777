/**
 * `DynamicsClass`: what the network settles into after each trial (fixed point, limit cycle with its
 * period, or neither), per condition, as `analysis.dynamics-class` finds it.
 */
import { definePortType, formatNumber, type Artifact } from '../../core/index.ts';
import type { ConditionLabel } from './dataset.ts';
import { csvTable } from './tables.ts';

export const HOLD_MODES = ['last', 'zero'] as const;
export type HoldMode = (typeof HOLD_MODES)[number];

export type DynamicsKind = 'fixed point' | 'limit cycle' | 'neither';

/** One condition's verdict. */
export interface ConditionDynamics {
  condition: ConditionLabel;
  kind: DynamicsKind;
  /** One phrase: why this class (or, for 'neither', what instead). */
  detail: string;
  /** Limit cycle: mean period in steps (fractional for a quasi-periodic closed orbit). */
  period?: number;
  /** Limit cycle: period x dt (the trajectories' time unit). */
  periodTime?: number;
  /** Limit cycle: coefficient of variation of the cycle lengths. */
  cycleIrregularity?: number;
  /** Limit cycle: cycles seen in the window. */
  cycles?: number;
  /** RMS distance of the states from their window mean, per unit (0 at a fixed point). */
  amplitude: number;
  /** RMS change per unit in the last step. */
  finalSpeed: number;
  /** Fixed point: spectral radius of the Jacobian of the map at the final state (< 1: stable). */
  jacobianRadius?: number;
  /** Mean readout over the window, per output. */
  output: number[];
  /** RMS norm per unit of the final state. */
  stateNorm: number;
}

/** The `DynamicsClass` value. */
export interface DynamicsClass {
  label: string;
  N: number;
  hold: HoldMode;
  steps: number;
  window: number;
  tolFixed: number;
  cycleTolerance: number;
  dt: number;
  conditions: ConditionDynamics[];
  counts: { fixedPoint: number; limitCycle: number; neither: number };
  /** "fixed point: 8, limit cycle: 4 (period 35.0), neither: 0" */
  summary: string;
}

const round = (v: number) => formatNumber(v, 3);

/** One line: the counts, with the limit cycles' period (or range of periods). */
export function dynamicsSummary(d: Pick<DynamicsClass, 'conditions'>): string {
  const fp = d.conditions.filter((c) => c.kind === 'fixed point').length;
  const cyc = d.conditions.filter((c) => c.kind === 'limit cycle');
  const nei = d.conditions.length - fp - cyc.length;
  let periods = '';
  if (cyc.length > 0) {
    const ps = cyc.map((c) => c.period ?? NaN);
    const lo = Math.min(...ps);
    const hi = Math.max(...ps);
    periods = hi - lo < 0.05 * lo ? ` (period ${round((lo + hi) / 2)})` : ` (periods ${round(lo)}-${round(hi)})`;
  }
  return `fixed point: ${fp}, limit cycle: ${cyc.length}${periods}, neither: ${nei}`;
}

const csvCell = (v: number | undefined) => (v === undefined ? '' : v);

/** The `DynamicsClass` port type: per-condition verdicts, the one-line summary, JSON and CSV. */
export const DynamicsClassPort = definePortType<DynamicsClass>({
  name: 'DynamicsClass',
  description: 'What the network settles into after each trial: fixed point, limit cycle (with its period) or neither.',
  color: '#aa3377',
  summarize: (d) => d.summary,
  numbers: (d) => {
    const cyc = d.conditions.filter((c) => c.period !== undefined).map((c) => c.period as number);
    return {
      fixedPoint: d.counts.fixedPoint,
      limitCycle: d.counts.limitCycle,
      neither: d.counts.neither,
      ...(cyc.length > 0 ? { meanPeriod: cyc.reduce((a, b) => a + b, 0) / cyc.length } : {}),
    };
  },
  artifacts: (d): Artifact[] => [
    { suffix: '.json', data: JSON.stringify(d, null, 2), mediaType: 'application/json' },
    {
      suffix: '.csv',
      mediaType: 'text/csv',
      data: csvTable(
        [
          'condition',
          'kind',
          'period_steps',
          'period_time',
          'cycle_irregularity',
          'amplitude',
          'final_speed',
          'jacobian_radius',
          'state_norm',
          ...(d.conditions[0]?.output.map((_, k) => `output${k}`) ?? []),
          'detail',
        ],
        d.conditions.map((c) => [
          c.condition.key,
          c.kind,
          csvCell(c.period),
          csvCell(c.periodTime),
          csvCell(c.cycleIrregularity),
          c.amplitude,
          c.finalSpeed,
          csvCell(c.jacobianRadius),
          c.stateNorm,
          ...c.output,
          c.detail,
        ]),
      ),
    },
  ],
});
