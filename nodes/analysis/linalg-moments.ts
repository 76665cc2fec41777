/** Moments and histograms of weight distributions (numpy/scipy's conventions). */
import type { Moments } from '../ports/weight-stats.ts';

export type { Moments };

/** The sample moments of `data` (NaN for no data). */

export function moments(data: ArrayLike<number>): Moments {
  const n = data.length;
  if (n === 0) return { count: 0, mean: NaN, std: NaN, skewness: NaN, excessKurtosis: NaN, min: NaN, max: NaN };
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[i] as number;
    s += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (data[i] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  // A constant sample has no shape: scipy gives nan too.
  const skewness = m2 > 0 ? m3 / m2 ** 1.5 : NaN;
  const excessKurtosis = m2 > 0 ? m4 / (m2 * m2) - 3 : NaN;
  return { count: n, mean, std: Math.sqrt(m2), skewness, excessKurtosis, min, max };
}

/** Histogram with `bins` equal bins over [min, max] (numpy.histogram's rule: last bin closed). */
export function histogram(
  data: ArrayLike<number>,
  bins: number,
  range?: [number, number],
): { edges: number[]; counts: number[] } {
  let lo = range?.[0] ?? Infinity;
  let hi = range?.[1] ?? -Infinity;
  if (!range)
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (data.length === 0 || !Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (v < lo || v > hi) continue;
    const k = Math.min(bins - 1, Math.floor((v - lo) / w));
    counts[k] = (counts[k] as number) + 1;
  }
  return { edges, counts };
}
