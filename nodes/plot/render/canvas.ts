/**
 * The root of a figure: a standalone SVG with its title, drawn by D3 on whatever DOM it is given (the
 * page's own document in the browser, a linkedom document in Node and in Web Workers).
 */
import { select, type ScaleContinuousNumeric, type Selection } from 'd3';
import { COLORS, FONT, FONT_FAMILY, textWidth } from './theme.ts';

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** A D3 selection of an SVG group. */
export type G = Selection<SVGGElement, unknown, null, undefined>;
/** A D3 selection of the SVG root. */
export type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
/** A continuous scale (linear or log). */
export type Scale = ScaleContinuousNumeric<number, number>;

let lightDocument: Document | undefined;

/**
 * A document to draw in: the page's own in a browser window, otherwise (Node, Web Worker) a
 * linkedom document, loaded on first use so browser bundles only fetch it where it is needed.
 */
export async function svgDocument(): Promise<Document> {
  if (typeof document !== 'undefined' && typeof document.createElementNS === 'function') return document;
  if (!lightDocument) {
    const { parseHTML } = await import('linkedom');
    lightDocument = parseHTML('<!doctype html><html><head></head><body></body></html>').document;
  }
  return lightDocument;
}

/** Serialise an SVG element as a standalone XML document string. */
export function serializeSvg(el: Element): string {
  if (typeof XMLSerializer !== 'undefined') return new XMLSerializer().serializeToString(el);
  return el.outerHTML;
}

/** A rectangle in px: the inner plotting area of a panel. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Options of a figure's canvas. */
export interface CanvasOptions {
  width: number;
  height: number;
  title: string;
  /** Longer text stored as the SVG's <desc> (screen readers, tooltips). */
  description?: string;
  /** Figure kind, stored as a class on the root (`plot-eigenvalues`). */
  kind: string;
}

/** Height of the band the figure title takes at the top. */
export const TITLE_BAND = 34;

/** Shorten a text with an ellipsis so it fits `maxWidth` px at `fontSize`. */
export function fitText(text: string, maxWidth: number, fontSize: number): string {
  if (textWidth(text, fontSize) <= maxWidth) return text;
  const chars = Math.max(1, Math.floor(maxWidth / (fontSize * 0.6)) - 1);
  return `${text.slice(0, chars)}…`;
}

/** The root of one figure. */
export class Canvas {
  readonly svg: Svg;
  readonly width: number;
  readonly height: number;

  constructor(doc: Document, options: CanvasOptions) {
    this.width = options.width;
    this.height = options.height;
    const el = doc.createElementNS(SVG_NS, 'svg');
    this.svg = select(el);
    this.svg
      .attr('xmlns', SVG_NS)
      .attr('width', options.width)
      .attr('height', options.height)
      .attr('viewBox', `0 0 ${options.width} ${options.height}`)
      .attr('class', `cortexflow-figure plot-${options.kind}`)
      .attr('font-family', FONT_FAMILY)
      .attr('color', COLORS.ink)
      .attr('role', 'img');
    this.svg.append('title').text(options.title);
    // A long title is set smaller (down to 13 px) before it is ever shortened.
    let titleSize: number = FONT.title;
    while (titleSize > 13 && textWidth(options.title, titleSize) > options.width - 20) titleSize--;
    if (options.description) this.svg.append('desc').text(options.description);
    this.svg
      .append('rect')
      .attr('class', 'background')
      .attr('width', options.width)
      .attr('height', options.height)
      .attr('fill', COLORS.background);
    this.svg
      .append('text')
      .attr('class', 'figure-title')
      .attr('x', options.width / 2)
      .attr('y', 23)
      .attr('text-anchor', 'middle')
      .attr('font-size', titleSize)
      .attr('font-weight', 'bold')
      .attr('fill', COLORS.ink)
      .text(fitText(options.title, options.width - 20, titleSize));
  }

  /** A new group on top of everything drawn so far. */
  group(cls: string): G {
    return this.svg.append('g').attr('class', cls);
  }

  toString(): string {
    return serializeSvg(this.svg.node() as Element);
  }
}
