/**
 * The drawing frame every figure is built on: a standalone SVG root with a title, panels with
 * labelled axes, legends and annotation boxes. D3 (selection, scale, axis, shape) does the drawing
 * on whatever DOM it is given: the page's own document in the browser, a linkedom document in Node
 * and in Web Workers. The result is always a standalone SVG string.
 *
 * By part: the SVG root (canvas.ts), panels and axes (axes.ts), point and line marks (marks.ts),
 * legends (legend.ts), annotation text (text.ts); this module is their one entry.
 */
export { fmt } from './theme.ts';
export * from './canvas.ts';
export * from './axes.ts';
export * from './marks.ts';
export * from './legend.ts';
export * from './text.ts';
