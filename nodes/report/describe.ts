/**
 * One-line summaries of values whose port type the report cannot see (its `items` input is `Any`):
 * the value's shape names its port type, whose own `summarize` then describes it.
 */
import { formatNumber, type PortType } from '../../core/index.ts';
import {
  DatasetPort,
  FixedPointsPort,
  ModelPort,
  PCAPort,
  PruningCurvePort,
  SpectrumPort,
  TrainingHistoryPort,
  TrajectoriesPort,
  WeightStatsPort,
} from '../ports/index.ts';
import { FigurePort, ReportPort, SeriesPort } from '../ports/figure.ts';
import { DynamicsClassPort } from '../analysis/dynamics-class.ts';

interface Probe {
  name: string;
  keys: string[];
  summarize(v: unknown): string;
}

function probe<T>(port: PortType<T>, keys: string[]): Probe {
  return { name: port.name, keys, summarize: (v) => port.summarize(v as T) };
}

/** Distinctive fields of each science port type, most specific first. */
const PROBES: Probe[] = [
  probe(TrajectoriesPort, ['hidden', 'y', 'C', 'distance']),
  probe(DatasetPort, ['samples', 'T', 'inputs', 'targets', 'conditions']),
  probe(ModelPort, ['weights', 'cell', 'N', 'alpha']),
  probe(TrainingHistoryPort, ['steps', 'loss', 'stoppedBecause']),
  probe(SpectrumPort, ['eigenvalues', 'radius', 'dominant']),
  probe(WeightStatsPort, ['matrices', 'label']),
  probe(PCAPort, ['explainedVarianceRatio', 'projections']),
  probe(FixedPointsPort, ['points', 'settings', 'N']),
  probe(PruningCurvePort, ['curves', 'criterion']),
  probe(DynamicsClassPort, ['conditions', 'counts', 'summary', 'hold']),
  probe(FigurePort, ['svg', 'kind', 'caption']),
  probe(ReportPort, ['html', 'figures']),
  probe(SeriesPort, ['series', 'xLabel', 'yLabel']),
];

/** The port type a value looks like, if any. */
function guess(v: unknown): Probe | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  return PROBES.find((p) => p.keys.every((k) => k in v));
}

/** The name of the port type a value looks like, if any. */
export function guessPortType(v: unknown): string | undefined {
  return guess(v)?.name;
}

/** `{ type, summary }` of any value: its port type's own summary, or a generic one. */
export function describeValue(v: unknown): { type: string; summary: string } {
  const port = guess(v);
  if (port) {
    try {
      return { type: port.name, summary: port.summarize(v) };
    } catch {
      // A value that only looks like the port type: fall through to the generic summary.
    }
  }
  if (typeof v === 'number') return { type: 'Number', summary: formatNumber(v) };
  if (typeof v === 'string') return { type: 'Text', summary: v.length > 200 ? `${v.slice(0, 197)}...` : v };
  if (typeof v === 'boolean') return { type: 'Boolean', summary: String(v) };
  if (Array.isArray(v)) return { type: 'List', summary: `list of ${v.length}` };
  if (v === null || v === undefined) return { type: 'Nothing', summary: String(v) };
  const keys = Object.keys(v);
  const scalars = keys
    .filter((k) => ['number', 'string', 'boolean'].includes(typeof (v as Record<string, unknown>)[k]))
    .slice(0, 6)
    .map((k) => {
      const x = (v as Record<string, unknown>)[k];
      return `${k} ${typeof x === 'number' ? formatNumber(x) : String(x)}`;
    });
  return { type: 'Json', summary: scalars.length > 0 ? scalars.join(', ') : `object with ${keys.length} keys` };
}
