/** How the analyses' port types write their artifacts: JSON that survives typed arrays and NaN, and CSV tables. */
import type { Artifact } from '../../core/index.ts';

/** JSON with typed arrays written as plain arrays and non-finite numbers as null. */
export function analysisJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return Array.from(x as unknown as ArrayLike<number>);
    if (typeof x === 'number' && !Number.isFinite(x)) return null;
    return x;
  });
}

/** What a CSV cell may hold. */
export type CsvCell = string | number | boolean | null | undefined;

/** One CSV cell: numbers as-is (shortest round-trip form), strings quoted when needed. */
function cell(v: CsvCell): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV table (header + rows), RFC 4180 quoting, '\n' line ends. */
export function csvTable(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** The artifact of a value as JSON ({@link analysisJson}). */
export const jsonArtifact = (v: unknown): Artifact => ({
  suffix: '.json',
  data: analysisJson(v),
  mediaType: 'application/json',
});
/** A CSV artifact with its file suffix. */
export const csvArtifact = (suffix: string, data: string): Artifact => ({ suffix, data, mediaType: 'text/csv' });
