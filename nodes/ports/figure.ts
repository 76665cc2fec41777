/** `Figure` and `Report`. */
export interface Figure {
  /** Which plot made it (`eigenvalues`, `pca`, ...). */
  kind: string;
  title: string;
  /** One or two sentences saying what is shown, for the report and the editor. */
  caption: string;
  width: number;
  height: number;
  /** A complete standalone SVG document. */
  svg: string;
  /** Id of the pipeline node that drew it (the report orders figures by it). */
  node?: string;
}

export interface Report {
  title: string;
  /** Self-contained HTML. */
  html: string;
  figures: number;
}

/**
 * `Series`: generic numeric x/y series (an analysis's sweep, a custom metric), drawn by `plot.curve`.
 * A plain JSON value of this shape may also be connected where a Series is expected.
 */
export interface Series {
  title?: string;
  /** Axis titles with units: "delay (ms)". */
  xLabel: string;
  yLabel: string;
  series: Array<{ name: string; x: number[]; y: number[] }>;
}

import { definePortType, formatNumber } from '../../core/index.ts';

type SvgToPng = (svg: string) => Uint8Array;
let pngLoader: Promise<SvgToPng | undefined> | undefined;

/**
 * The PNG rasteriser, in Node only. The specifier is a variable so browser bundlers leave the
 * native resvg module out; where it cannot load, figures are written as SVG only.
 */
function loadSvgToPng(): Promise<SvgToPng | undefined> {
  const isNode =
    typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof window === 'undefined';
  if (!isNode) return Promise.resolve(undefined);
  pngLoader ??= (async () => {
    const specifier = new URL('../plot/render/png.ts', import.meta.url).href;
    try {
      const mod = (await import(/* @vite-ignore */ specifier)) as { svgToPng: SvgToPng };
      return mod.svgToPng;
    } catch (e) {
      console.warn(`cortexflow: PNG export unavailable (${(e as Error).message}); figures are written as SVG only`);
      return undefined;
    }
  })();
  return pngLoader;
}

export const FigurePort = definePortType<Figure>({
  name: 'Figure',
  description: 'An SVG figure with a title and caption (written as .svg, and .png by the CLI).',
  color: '#ee7733',
  summarize: (f) => `${f.kind}: ${f.title}`,
  preview: (f) => ({ kind: 'figure', title: f.title, caption: f.caption, svg: f.svg }),
  artifacts: async (f) => {
    const files: Array<{ suffix: string; data: string | Uint8Array; mediaType: string }> = [
      { suffix: '.svg', data: f.svg, mediaType: 'image/svg+xml' },
    ];
    const toPng = await loadSvgToPng();
    if (toPng) files.push({ suffix: '.png', data: toPng(f.svg), mediaType: 'image/png' });
    return files;
  },
});

export const SeriesPort = definePortType<Series>({
  name: 'Series',
  description: 'Numeric x/y series with axis titles, e.g. performance against a swept parameter.',
  color: '#009988',
  summarize: (s) =>
    `${s.series.length} series (${s.series.map((x) => x.name).join(', ')}), ${s.yLabel} vs ${s.xLabel}` +
    (s.series[0] ? `, last ${formatNumber(s.series[0].y[s.series[0].y.length - 1] ?? NaN)}` : ''),
  artifacts: (s) => [{ suffix: '.json', data: JSON.stringify(s), mediaType: 'application/json' }],
});

export const ReportPort = definePortType<Report>({
  name: 'Report',
  description: 'A self-contained HTML report of a run.',
  color: '#0077bb',
  summarize: (r) => `${r.title}: ${r.figures} figures`,
  artifacts: (r) => [{ suffix: '.html', data: r.html, mediaType: 'text/html' }],
});
