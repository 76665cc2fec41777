/**
 * Colours, fonts and sizes shared by every figure. Colours are Paul Tol's colour-blind-safe "bright"
 * scheme (https://personal.sron.nl/~pault/), distinct under the common colour-vision deficiencies and
 * in greyscale print.
 */

/** Paul Tol's bright qualitative palette, in his recommended order. */
export const TOL_BRIGHT = ['#4477AA', '#EE6677', '#228833', '#CCBB44', '#66CCEE', '#AA3377', '#BBBBBB'] as const;

/** Named roles, so the same meaning gets the same colour in every figure. */
export const COLORS = {
  ink: '#222222',
  muted: '#666666',
  grid: '#e4e4e4',
  background: '#ffffff',
  /** The network's output. */
  output: '#EE6677',
  /** The target the network should produce. */
  target: '#222222',
  /** Hidden units, drawn behind everything else. */
  hidden: '#BBBBBB',
  /** Main data series (eigenvalues, histogram bars). */
  primary: '#4477AA',
  /** A reference to compare with (spectrum before training, fitted normal). */
  reference: '#EE6677',
  /** Highlights (dominant eigenvalue, criterion lines). */
  accent: '#AA3377',
} as const;

/** Font stack: DejaVu Sans is what Debian (and the PNG rasteriser) has; the rest are fallbacks. */
export const FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

/** Font sizes in px at 100 % zoom. */
export const FONT = {
  title: 18,
  panelTitle: 13,
  axisLabel: 14,
  tick: 13,
  legend: 13,
  annotation: 13,
} as const;

/** Colour of the i-th item of a qualitative series (cycles through the palette, grey last). */
export function paletteColor(i: number): string {
  const n = TOL_BRIGHT.length - 1; // keep grey for "other"
  return TOL_BRIGHT[((i % n) + n) % n] as string;
}

/** Dash patterns for a second categorical dimension (line style). */
export const DASHES = ['', '7 4', '2 3', '9 3 2 3', '4 2 4 6', '1 5'] as const;

/** The i-th dash pattern (cycling). */
export function dashPattern(i: number): string {
  return DASHES[((i % DASHES.length) + DASHES.length) % DASHES.length] as string;
}

/** Advance width of one character in em, DejaVu Sans's metrics rounded up by character class. */
function charEm(c: string): number {
  if (c >= '0' && c <= '9') return 0.64;
  if ('=+<>~−±×'.includes(c)) return 0.84;
  if (c === ' ') return 0.32;
  if ("il.,:;|!'()[]".includes(c)) return 0.4;
  if ('mwMW%'.includes(c)) return 0.98;
  if (c >= 'A' && c <= 'Z') return 0.74;
  return 0.62;
}

/**
 * Approximate rendered width of a text in px, from per-character widths of DejaVu Sans (the font
 * the PNGs are rendered with); rounded up so legends and labels do not collide when a narrower
 * fallback font is used. Digit- and "="-heavy labels (b0=0101...) are wider than the old flat 0.6 em.
 */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const c of text) em += charEm(c);
  return em * fontSize;
}

/** A nicely formatted number for annotations (4 significant digits, true minus sign). */
export function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  let s: string;
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) s = v.toExponential(digits - 1);
  else s = String(Number(v.toPrecision(digits)));
  return s.replace('-', '−');
}
