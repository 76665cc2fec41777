/** How the editor writes durations, numbers and SVG previews. */
import { formatNumber } from '../../core/index.ts';

/** "850 ms", "5.7 s", "2 min 3 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A number at 4 significant digits (the core's rule, shared with summaries and the report). */
export function formatNum(v: number): string {
  return formatNumber(v, 4);
}

/** `data:` URL of an SVG document, for <img> previews (scripts in it never run). */
export function svgDataUrl(svgText: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
}
