/** `plot.eigenvalues`: a spectrum in the complex plane with the unit circle. */
import { bool, defineBlock, input, schema } from '../../core/index.ts';
import { SpectrumPort, type Spectrum } from '../ports/index.ts';
import { FigurePort } from '../ports/figure.ts';
import { checkLength, checkPositive, makeFigure, sizeParams, draw } from './common.ts';
import { fmt } from './render/theme.ts';

const TYPE = 'plot.eigenvalues';

function checkSpectrum(s: Spectrum, what: string): void {
  checkPositive(TYPE, `${what}: n (matrix size)`, s.n);
  checkLength(TYPE, `${what}.eigenvalues`, s.eigenvalues, s.n, `one per row of the ${s.n} x ${s.n} matrix`);
  const bad = s.eigenvalues.findIndex((l) => !Number.isFinite(l.re) || !Number.isFinite(l.im));
  if (bad >= 0)
    throw new Error(
      `${TYPE}: ${what}.eigenvalues[${bad}] is not finite (${s.eigenvalues[bad]?.re} + ${s.eigenvalues[bad]?.im}i); the matrix probably holds NaN or Inf weights`,
    );
}

function complex(re: number, im: number): string {
  if (Math.abs(im) < 1e-12) return fmt(re, 3);
  return `${fmt(re, 3)} ± ${fmt(Math.abs(im), 3)}i`;
}

export const plotEigenvalues = defineBlock({
  type: TYPE,
  version: 1,
  title: 'Eigenvalues (complex plane)',
  category: 'Plots',
  description:
    'The eigenvalues of a weight matrix as points in the complex plane with the unit circle, the ' +
    'dominant one ringed and labelled with its frequency, and a reference spectrum (e.g. before ' +
    'training) overlaid as hollow points in another colour, as in Jarne, "Different eigenvalue ' +
    'distributions encode the same temporal tasks".',
  inputs: {
    spectrum: input(SpectrumPort, { description: 'The spectrum to draw.' }),
    reference: input(SpectrumPort, {
      optional: true,
      description: "A spectrum to compare with (drawn hollow); overrides the spectrum's own reference.",
    }),
  },
  outputs: { figure: FigurePort },
  params: schema({
    ...sizeParams(600, 640, { minHeight: 280 }),
    showReference: bool(true, { description: 'Overlay the reference spectrum when there is one.' }),
    showStats: bool(true, {
      description: 'Show spectral radius, outliers, dominant frequency and non-normality above the plot.',
    }),
  }),
  run: async ({ params, inputs, nodeId }) => {
    const s = inputs.spectrum;
    checkSpectrum(s, 'spectrum');
    const ref = params.showReference ? (inputs.reference ?? s.reference) : undefined;
    if (ref) checkSpectrum(ref, inputs.reference ? 'reference' : 'spectrum.reference');
    const d = s.dominant;
    const title = params.title || `Eigenvalues of ${s.matrix} (${s.label}), N = ${s.n}`;
    const stats = params.showStats
      ? [
          `spectral radius ${fmt(s.radius, 3)}${ref ? ` (${ref.label}: ${fmt(ref.radius, 3)})` : ''}`,
          `outside unit circle: ${s.outside} of ${s.n}`,
          Math.abs(d.im) < 1e-12
            ? 'dominant λ real: no oscillation'
            : `dominant f = ${fmt(d.freqAtan2, 3)} cycles/step`,
          `Henrici non-normality ${fmt(s.henrici, 3)}`,
        ]
      : [];
    const caption =
      `Eigenvalues λ of ${s.matrix} (${s.label}, ${s.n} x ${s.n}) in the complex plane; dashed: the unit circle. ` +
      `Spectral radius ${fmt(s.radius, 3)}, ${s.outside} eigenvalue${s.outside === 1 ? '' : 's'} outside the circle (|λ| > 1 + ${fmt(s.tolerance, 2)}). ` +
      `Dominant λ = ${complex(d.re, d.im)} (|λ| = ${fmt(d.abs, 3)}), ` +
      (Math.abs(d.im) < 1e-12
        ? 'real: a non-oscillating mode. '
        : `frequency ${fmt(d.freqAtan2, 3)} cycles/step by atan2 (${fmt(d.freqTangent, 3)} by the tangent approximation |Im λ|/(2π Re λ)). `) +
      `Henrici departure from normality ${fmt(s.henrici, 3)}.` +
      (ref ? ` Hollow red: ${ref.label} (radius ${fmt(ref.radius, 3)}).` : '');
    const svg = await draw(async () => (await import('./render/eigenvalues.ts')).renderEigenvalues, {
      title,
      description: caption,
      width: params.width,
      height: params.height,
      main: { label: s.label, points: s.eigenvalues },
      ...(ref ? { reference: { label: ref.label, points: ref.eigenvalues } } : {}),
      dominant: { re: d.re, im: d.im, label: `λ = ${complex(d.re, d.im)}` },
      stats,
    });
    return { figure: makeFigure('eigenvalues', nodeId, title, caption, params.width, params.height, svg) };
  },
});
