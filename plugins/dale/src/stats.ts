/**
 * E/I statistics of a recurrent weight matrix: the four blocks (E->E, E->I, I->E, I->I), the
 * excitation and inhibition every unit receives, and the weights whose sign breaks Dale's law.
 */
import { definePortType, formatNumber } from 'cortexflow/core';
import type { Model } from 'cortexflow/nodes';

/** Moments of one block of W_rec (present connections only). */
export interface BlockMoments {
  count: number;
  mean: number;
  std: number;
}

export interface EIStats {
  N: number;
  excitatory: number;
  inhibitory: number;
  /** Where the unit types came from: the model's constraints, or the sign of each unit's outgoing weights. */
  typesFrom: 'constraints' | 'column-sign';
  /** +1 excitatory, -1 inhibitory, per unit. */
  unitSign: number[];
  /** pre->post: `EI` = from excitatory units onto inhibitory ones (W[i in I, j in E]). */
  blocks: { EE: BlockMoments; EI: BlockMoments; IE: BlockMoments; II: BlockMoments };
  /** Per postsynaptic unit: summed excitatory input weight, summed |inhibitory| input weight, and their difference. */
  perUnit: { excitation: number[]; inhibition: number[]; balance: number[] };
  /** Mean and largest |balance| over units (0 = every unit receives as much inhibition as excitation). */
  balance: { mean: number; maxAbs: number };
  /** Weights whose sign disagrees with their presynaptic unit's type. */
  violations: { count: number; fraction: number; maxMagnitude: number; units: number[] };
}

function momentsOf(values: number[]): BlockMoments {
  const n = values.length;
  if (n === 0) return { count: 0, mean: 0, std: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return { count: n, mean, std: Math.sqrt(v) };
}

/** The statistics of a model's W_rec (see {@link EIStats}). */
export function eiStats(model: Pick<Model, 'N' | 'weights' | 'constraints'>): EIStats {
  const { N } = model;
  const W = model.weights.W_rec;
  const mask = model.constraints?.recurrentMask;
  const declared = model.constraints?.recurrentSign;
  const typesFrom = declared !== undefined && declared.some((s) => s !== 0) ? 'constraints' : 'column-sign';
  const unitSign: number[] = [];
  for (let j = 0; j < N; j++) {
    if (typesFrom === 'constraints') unitSign.push((declared as Float32Array)[j] as number);
    else {
      let s = 0;
      for (let i = 0; i < N; i++) s += W[i * N + j] as number;
      unitSign.push(s >= 0 ? 1 : -1);
    }
  }
  const groups: Record<'EE' | 'EI' | 'IE' | 'II', number[]> = { EE: [], EI: [], IE: [], II: [] };
  const excitation = new Array<number>(N).fill(0);
  const inhibition = new Array<number>(N).fill(0);
  let violations = 0;
  let present = 0;
  let maxMagnitude = 0;
  const badUnits = new Set<number>();
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      if (mask !== undefined && mask[i * N + j] === 0) continue;
      const w = W[i * N + j] as number;
      present++;
      const pre = unitSign[j] as number;
      const post = unitSign[i] as number;
      // A free unit (sign 0 in the constraints) counts as excitatory when its weight is >= 0.
      const preE = pre > 0 || (pre === 0 && w >= 0);
      const postE = post > 0 || (post === 0 && w >= 0);
      groups[`${preE ? 'E' : 'I'}${postE ? 'E' : 'I'}`].push(w);
      if (preE) excitation[i] = (excitation[i] as number) + w;
      else inhibition[i] = (inhibition[i] as number) - w;
      if ((pre > 0 && w < 0) || (pre < 0 && w > 0)) {
        violations++;
        maxMagnitude = Math.max(maxMagnitude, Math.abs(w));
        badUnits.add(j);
      }
    }
  const balance = excitation.map((e, i) => e - (inhibition[i] as number));
  const excitatory = unitSign.filter((s) => s > 0).length;
  return {
    N,
    excitatory,
    inhibitory: unitSign.filter((s) => s < 0).length,
    typesFrom,
    unitSign,
    blocks: { EE: momentsOf(groups.EE), EI: momentsOf(groups.EI), IE: momentsOf(groups.IE), II: momentsOf(groups.II) },
    perUnit: { excitation, inhibition, balance },
    balance: {
      mean: balance.reduce((a, b) => a + b, 0) / Math.max(1, N),
      maxAbs: balance.reduce((a, b) => Math.max(a, Math.abs(b)), 0),
    },
    violations: {
      count: violations,
      fraction: present > 0 ? violations / present : 0,
      maxMagnitude,
      units: [...badUnits].sort((a, b) => a - b),
    },
  };
}

/** One line: counts, block means and violations. */
export function eiStatsSummary(s: EIStats): string {
  const f = (v: number) => formatNumber(v, 3);
  return (
    `${s.excitatory} E / ${s.inhibitory} I; mean EE ${f(s.blocks.EE.mean)}, EI ${f(s.blocks.EI.mean)}, ` +
    `IE ${f(s.blocks.IE.mean)}, II ${f(s.blocks.II.mean)}; ${s.violations.count} sign violation(s)`
  );
}

/**
 * The `EIStats` port type. Artifacts: `PORT.json` (everything) and `PORT/units.csv` (one row per
 * unit: type, received excitation, inhibition, balance).
 */
export const EIStatsPort = definePortType<EIStats>({
  name: 'EIStats',
  description:
    "E/I weight statistics of a recurrent network: E->E, E->I, I->E, I->I moments, per-unit balance, Dale's-law violations.",
  color: '#aa3377',
  summarize: eiStatsSummary,
  artifacts: (s) => [
    { suffix: '.json', data: JSON.stringify(s, null, 1), mediaType: 'application/json' },
    {
      suffix: '/units.csv',
      data:
        'unit,type,excitation,inhibition,balance\n' +
        s.unitSign
          .map(
            (u, i) =>
              `${i},${u > 0 ? 'E' : 'I'},${s.perUnit.excitation[i]},${s.perUnit.inhibition[i]},${s.perUnit.balance[i]}`,
          )
          .join('\n') +
        '\n',
      mediaType: 'text/csv',
    },
  ],
});
