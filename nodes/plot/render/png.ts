/**
 * PNG export of a figure's SVG, for the CLI (Node only: resvg is a native Rust rasteriser, never
 * bundled for the browser). Text is drawn with the system fonts; Debian needs `fonts-dejavu-core`.
 */
import { Resvg } from '@resvg/resvg-js';

export interface PngOptions {
  /** Pixels per SVG px (2 gives crisp slides). */
  scale?: number;
}

/** Rasterise a standalone SVG string to PNG bytes. */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) throw new Error(`svgToPng: scale must be in (0, 8], got ${scale}`);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(resvg.render().asPng());
}
