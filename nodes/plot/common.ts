/** Helpers shared by the plot blocks: size params, input checks, condition labels. */
import { int, str, type ParamIssue } from '../../core/index.ts';
import type { ConditionLabel } from '../ports/index.ts';
import type { Figure } from '../ports/figure.ts';
import { fmt, textWidth } from './render/theme.ts';

/**
 * The `width`, `height` and `title` params every plot has. With `autoHeight`, 0 is allowed and means
 * "as tall as the content needs"; otherwise the height has a floor the layout can work with.
 */
export function sizeParams(width: number, height: number, options: { autoHeight?: string; minHeight?: number } = {}) {
  return {
    width: int(240, 4000, width, { description: 'Figure width.', unit: 'px' }),
    height: options.autoHeight
      ? int(0, 8000, height, { description: options.autoHeight, unit: 'px' })
      : int(options.minHeight ?? 200, 8000, height, { description: 'Figure height.', unit: 'px' }),
    title: str('', { description: 'Figure title; empty for an automatic one naming the data.' }),
  };
}

/** The `validate` check of an automatic height: 0 (automatic) or at least `min` px. */
export function heightIssues(height: number, min: number): ParamIssue[] {
  return height > 0 && height < min
    ? [
        {
          param: 'height',
          message: `${height} px is too small for this figure; use at least ${min} px, or 0 for automatic`,
        },
      ]
    : [];
}

/** Throw unless `arr` has exactly `expected` elements. */
export function checkLength(
  block: string,
  what: string,
  arr: ArrayLike<unknown> | undefined,
  expected: number,
  shape: string,
): void {
  const got = arr?.length;
  if (got !== expected)
    throw new Error(
      `${block}: mismatched shapes: ${what} has ${got ?? 'no'} values, expected ${expected} (${shape}); the upstream block produced inconsistent data`,
    );
}

/** Throw when a number that must be a positive count is not. */
export function checkPositive(block: string, what: string, v: number): void {
  if (!(Number.isInteger(v) && v > 0))
    throw new Error(`${block}: ${what} is ${v}; there is nothing to draw (the upstream block produced empty data)`);
}

/** Signed context level ("+1", "−1", "0"). */
export function formatContext(v: number): string {
  return v > 0 ? `+${fmt(v)}` : fmt(v);
}

/** The input part of a condition's key ("A=1 B=0" of "and A=1 B=0"), or its input values. */
export function conditionInputs(c: ConditionLabel): string {
  let rest = c.key.trim();
  if (rest.toLowerCase().startsWith(c.task.toLowerCase())) rest = rest.slice(c.task.length).trim();
  // Keys may also name the context ("ctx=+1"); callers add it in one form.
  rest = rest
    .replace(/\b(ctx|context)\s*=?\s*[+\-−]?[\d.]+\b/gi, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (rest === '') rest = c.inputValues.length > 0 ? `in ${c.inputValues.join(',')}` : '';
  return rest;
}

/**
 * A short title for one condition: task, input values (from the condition key), context level.
 * `and A=1 B=0` with context -1 becomes "and · A=1 B=0 · context −1".
 */
export function conditionTitle(c: ConditionLabel, withJitter = false, compact = false): string {
  const rest = conditionInputs(c);
  const parts = [c.task];
  if (rest !== '') parts.push(rest);
  if (c.context !== undefined) parts.push(`${compact ? 'ctx' : 'context'} ${formatContext(c.context)}`);
  if (withJitter && c.jitter !== 0) parts.push(`d=${c.jitter}`);
  return parts.join(compact ? ' ' : ' · ');
}

/** The full condition title, or the compact one ("and A=1 B=0 ctx +1 d=25") when the full one would not fit `width` px. */
export function fittingConditionTitle(c: ConditionLabel, withJitter: boolean, width: number, fontSize: number): string {
  const full = conditionTitle(c, withJitter);
  return textWidth(full, fontSize) <= width ? full : conditionTitle(c, withJitter, true);
}

/** Assemble the Figure value. */
export function makeFigure(
  kind: string,
  nodeId: string,
  title: string,
  caption: string,
  width: number,
  height: number,
  svg: string,
): Figure {
  return { kind, title, caption, width, height, svg, node: nodeId };
}

/** Read the width/height the SVG root declares (the renderer may compute an automatic height). */
export function svgSize(svg: string): { width: number; height: number } {
  const w = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg);
  const h = /<svg[^>]*\sheight="([\d.]+)"/.exec(svg);
  return { width: Number(w?.[1] ?? 0), height: Number(h?.[1] ?? 0) };
}

/**
 * Draw a figure: the renderer (and d3 with the DOM shim behind it) loads when a figure is drawn,
 * not when the plot blocks are declared, so `cortexflow nodes` and `validate` stay light.
 */
export async function draw<S>(renderer: () => Promise<(doc: Document, spec: S) => string>, spec: S): Promise<string> {
  const [{ svgDocument }, render] = await Promise.all([import('./render/frame.ts'), renderer()]);
  return render(await svgDocument(), spec);
}
