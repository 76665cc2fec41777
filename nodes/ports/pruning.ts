/** `PruningCurve`: performance against the fraction of recurrent weights removed, and unit lesions. */
import { definePortType, formatNumber } from '../../core/index.ts';
import type { ConditionLabel } from './dataset.ts';
import { csvArtifact, csvTable, jsonArtifact } from './tables.ts';

export interface PruningPoint {
  requestedFraction: number;
  removedFraction: number;
  /** |w| threshold below which weights were removed (magnitude variants). */
  threshold: number;
  /** Weights zeroed, and how many were eligible under the variant (all, positive, negative). */
  removedCount?: number;
  eligibleCount?: number;
  distance: number[];
  accuracy: number[];
  meanDistance: number;
  meanAccuracy: number;
  ok: boolean;
}

/** `PruningCurve` */
export interface PruningCurve {
  conditions: ConditionLabel[];
  criterion: string;
  curves: Array<{ variant: string; points: PruningPoint[]; maxFractionOk: number }>;
  lesions?: Array<{ units: number[]; distance: number[]; accuracy: number[] }>;
  /** Performance of the intact network, per condition. */
  baseline?: { distance: number[]; accuracy: number[] };
}

export function pruningSummary(p: PruningCurve): string {
  const parts = p.curves.map((c) => `${c.variant}: ok up to ${formatNumber(100 * c.maxFractionOk, 3)} %`);
  if (p.lesions && p.lesions.length > 0) {
    const ok = p.lesions.filter((l) => l.accuracy.every((a) => a >= 1)).length;
    parts.push(`${ok}/${p.lesions.length} lesions keep every condition correct`);
  }
  return parts.join('; ');
}

export const PruningCurvePort = definePortType<PruningCurve>({
  name: 'PruningCurve',
  description: 'Performance against the fraction of recurrent weights removed.',
  color: '#997700',
  summarize: pruningSummary,
  numbers: (p) => {
    const out: Record<string, number> = {};
    for (const c of p.curves) out[`${c.variant}.maxFractionOk`] = c.maxFractionOk;
    if (p.baseline && p.baseline.distance.length > 0)
      out.baselineDistance = p.baseline.distance.reduce((a, b) => a + b, 0) / p.baseline.distance.length;
    return out;
  },
  artifacts: (p) => [
    jsonArtifact(p),
    csvArtifact(
      '.csv',
      csvTable(
        ['variant', 'requested_fraction', 'removed_fraction', 'threshold', 'condition', 'distance', 'accuracy', 'ok'],
        p.curves.flatMap((c) =>
          c.points.flatMap((pt) =>
            p.conditions.map((cond, i) => [
              c.variant,
              pt.requestedFraction,
              pt.removedFraction,
              pt.threshold,
              cond.key,
              pt.distance[i],
              pt.accuracy[i],
              pt.ok ? 1 : 0,
            ]),
          ),
        ),
      ),
    ),
    ...(p.lesions && p.lesions.length > 0
      ? [
          csvArtifact(
            '.lesions.csv',
            csvTable(
              ['lesion', 'units', 'condition', 'distance', 'accuracy'],
              p.lesions.flatMap((l, li) =>
                p.conditions.map((cond, i) => [li, l.units.join(' '), cond.key, l.distance[i], l.accuracy[i]]),
              ),
            ),
          ),
        ]
      : []),
  ],
});
