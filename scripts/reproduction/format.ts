/** Number formatting shared by the reproduction document's tables and generated sentences. */

/** A fixed-decimals number, or "n/a" when it is not finite. */
export const fmt = (v: number, d = 3): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/** Count, mean, sample std, min and max of the finite values. */
export function stats(xs: number[]): { n: number; mean: number; std: number; min: number; max: number } {
  const ys = xs.filter((x) => Number.isFinite(x));
  const n = ys.length;
  const mean = ys.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const std = n > 1 ? Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean, std, min: n ? Math.min(...ys) : NaN, max: n ? Math.max(...ys) : NaN };
}

/** "mean ± std (min to max, n = k)", or "not run" when there is no finite value. */
export function ms(xs: number[], d = 3, scale = 1, unit = ''): string {
  const s = stats(xs.map((x) => x * scale));
  if (s.n === 0) return 'not run';
  return `${fmt(s.mean, d)}${unit} ± ${fmt(s.std, d)} (${fmt(s.min, d)} to ${fmt(s.max, d)}, n = ${s.n})`;
}

/** "lo to hi (k nets)" of the finite values, or "n/a". */
export function range(xs: number[], d = 3, scale = 1, unit = ''): string {
  const ys = xs.filter((x) => Number.isFinite(x)).map((x) => x * scale);
  if (ys.length === 0) return 'n/a';
  const lo = fmt(Math.min(...ys), d);
  const hi = fmt(Math.max(...ys), d);
  return `${lo === hi ? lo : `${lo} to ${hi}`}${unit} (${ys.length} net${ys.length > 1 ? 's' : ''})`;
}

/** "lo-hi" (or "v" when both round alike) of the finite values, for sentences; "n/a" when none. */
export function span(xs: number[], d = 2, scale = 1): string {
  const ys = xs.filter((x) => Number.isFinite(x)).map((x) => x * scale);
  if (ys.length === 0) return 'n/a';
  const lo = fmt(Math.min(...ys), d);
  const hi = fmt(Math.max(...ys), d);
  // A hyphen between negative numbers reads as a minus sign: say "to" then.
  return lo === hi ? lo : lo.startsWith('-') || hi.startsWith('-') ? `${lo} to ${hi}` : `${lo}-${hi}`;
}

/** Spelled-out small counts for prose ("two seeds"), digits beyond twenty. */
export function words(n: number): string {
  const w = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
  return w[n] ?? String(n);
}

/**
 * How an observed range sits against a reference interval [lo, hi]: "within", "overlaps",
 * "above" or "below" (after rounding both to `d` decimals, so 1.037 counts as within 1.04-1.10 at d = 2).
 */
export function against(
  xs: number[],
  lo: number,
  hi: number,
  d = 2,
): 'within' | 'overlaps' | 'above' | 'below' | 'n/a' {
  const ys = xs.filter((x) => Number.isFinite(x)).map((x) => Number(x.toFixed(d)));
  if (ys.length === 0) return 'n/a';
  const a = Math.min(...ys);
  const b = Math.max(...ys);
  if (a >= lo && b <= hi) return 'within';
  if (a > hi) return 'above';
  if (b < lo) return 'below';
  return 'overlaps';
}

/** Re-wrap a paragraph to `width` columns (markdown: one line break is a space). */
export function wrapParagraph(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const w of text.replace(/\s+/g, ' ').trim().split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
