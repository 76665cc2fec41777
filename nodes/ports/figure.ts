/** `Figure` and `Report` (issue 6). */
export interface Figure {
  kind: string;
  title: string;
  caption: string;
  width: number;
  height: number;
  /** A complete standalone SVG document. */
  svg: string;
}

export interface Report {
  title: string;
  /** Self-contained HTML. */
  html: string;
  figures: number;
}

import { definePortType } from '../../core/index.ts';

export const FigurePort = definePortType<Figure>({
  name: 'Figure',
  description: 'An SVG figure with a title and caption.',
  color: '#ee7733',
  summarize: (f) => `${f.kind}: ${f.title}`,
  artifacts: (f) => [{ suffix: '.svg', data: f.svg, mediaType: 'image/svg+xml' }],
});

export const ReportPort = definePortType<Report>({
  name: 'Report',
  description: 'A self-contained HTML report of a run.',
  color: '#0077bb',
  summarize: (r) => `${r.title}: ${r.figures} figures`,
  artifacts: (r) => [{ suffix: '.html', data: r.html, mediaType: 'text/html' }],
});
